//! Every provider's stream through its framing: a token split at every position across two
//! events, each stream cut at every byte across two network chunks, restored exactly once;
//! function calls given whole restored inside; the output well-formed in its framing.

use super::*;
use crate::restore::framing::{self, Framing};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

const TEXT: &str = "Hi Person_7QF2, card 0073 6555 7214 2076.";
const WANT: &str = "Hi Jane \"JR\" Roe, card 4111 1111 1111 1111.";

fn run(framing: fn() -> Box<dyn Framing>, body: &[u8], cut: usize) -> Vec<u8> {
    let mut r = StreamRestorer::new(map(), framing());
    let mut out = r.push(&body[..cut]);
    out.extend(r.push(&body[cut..]));
    out.extend(r.finish());
    out
}

/// For every split of `TEXT` into two deltas and every cut of the stream, `text_of` the
/// restored stream is `WANT`.
fn every_split(
    framing: fn() -> Box<dyn Framing>,
    stream: impl Fn(&[&str]) -> Vec<u8>,
    text_of: impl Fn(&[u8]) -> String,
) {
    for k in 0..=TEXT.len() {
        let body = stream(&[&TEXT[..k], &TEXT[k..]]);
        for cut in 0..=body.len() {
            let out = run(framing, &body, cut);
            assert_eq!(
                text_of(&out),
                WANT,
                "split at {k}, cut at {cut}\n{}",
                String::from_utf8_lossy(&out)
            );
        }
    }
}

fn records(framing: fn() -> Box<dyn Framing>, out: &[u8]) -> Vec<(Option<String>, Value)> {
    let mut f = framing();
    let mut all = f.push(out).expect("well-formed");
    all.extend(f.finish());
    all.into_iter()
        .filter_map(|r| {
            let data = r.data?;
            Some((
                r.event,
                serde_json::from_str(&data).expect("valid JSON data"),
            ))
        })
        .collect()
}

fn sse() -> Box<dyn Framing> {
    Box::<framing::Sse>::default()
}
fn ndjson() -> Box<dyn Framing> {
    Box::<framing::Ndjson>::default()
}
fn array() -> Box<dyn Framing> {
    Box::<framing::JsonArray>::default()
}
fn eventstream() -> Box<dyn Framing> {
    Box::<framing::EventStream>::default()
}

fn gemini_chunk(candidate: usize, text: &str, last: bool) -> Value {
    let mut c =
        json!({"content": {"parts": [{"text": text}], "role": "model"}, "index": candidate});
    if last {
        c["finishReason"] = json!("STOP");
    }
    json!({"candidates": [c], "modelVersion": "gemini-x"})
}

fn gemini_text(framing: fn() -> Box<dyn Framing>, out: &[u8], candidate: u64) -> String {
    records(framing, out)
        .iter()
        .flat_map(|(_, v)| v["candidates"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["index"] == candidate)
        .flat_map(|c| {
            c["content"]["parts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| p["text"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn gemini_sse_with_crlf_events() {
    let stream = |d: &[&str]| {
        let mut s = String::new();
        for (i, piece) in d.iter().enumerate() {
            s += &format!("data: {}\r\n\r\n", gemini_chunk(0, piece, i == d.len() - 1));
        }
        s.into_bytes()
    };
    every_split(sse, stream, |out| gemini_text(sse, out, 0));
}

#[test]
fn gemini_json_array_stream() {
    let stream = |d: &[&str]| {
        let items: Vec<String> = d
            .iter()
            .enumerate()
            .map(|(i, p)| gemini_chunk(0, p, i == d.len() - 1).to_string())
            .collect();
        format!("[{}]", items.join("\r\n,")).into_bytes()
    };
    every_split(array, stream, |out| {
        let whole: Value = serde_json::from_slice(out).expect("the array stays valid JSON");
        assert!(whole.is_array());
        gemini_text(array, out, 0)
    });
}

#[test]
fn gemini_candidates_are_channels_of_their_own_and_function_args_are_restored_inside() {
    // Two candidates interleaved, each with a token split across its events, the second
    // ending without text in its last event; then a function call given whole.
    let events = [
        gemini_chunk(0, "Hi Person_7Q", false),
        gemini_chunk(1, "Mail email-3y9t", false),
        gemini_chunk(0, "F2.", true),
        gemini_chunk(1, "m3d4@example.com", false),
        json!({"candidates": [{"index": 1, "content": {"parts": [], "role": "model"}, "finishReason": "STOP"}]}),
        json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"functionCall": {"name": "lookup",
            "args": {"name": "Person_7QF2", "card": {"number": "0073 6555 7214 2076"}, "arguments": "Person_7QF2"}}}]}}]}),
    ];
    let body: String = events
        .iter()
        .map(|e| format!("data: {e}\r\n\r\n"))
        .collect();
    for cut in 0..=body.len() {
        let out = run(sse, body.as_bytes(), cut);
        assert_eq!(
            gemini_text(sse, &out, 0),
            "Hi Jane \"JR\" Roe.",
            "cut at {cut}"
        );
        assert_eq!(
            gemini_text(sse, &out, 1),
            "Mail jane@corp.com",
            "cut at {cut}"
        );
        let recs = records(sse, &out);
        let args =
            &recs.last().unwrap().1["candidates"][0]["content"]["parts"][0]["functionCall"]["args"];
        assert_eq!(args["name"], "Jane \"JR\" Roe");
        assert_eq!(args["card"]["number"], "4111 1111 1111 1111");
        assert_eq!(
            args["arguments"], "Jane \"JR\" Roe",
            "plain text inside structured args"
        );
    }
}

#[test]
fn ollama_chat_and_generate_ndjson() {
    let chat = |d: &[&str]| {
        let mut s = String::new();
        for piece in d {
            s += &format!(
                "{}\n",
                json!({"model": "llama3.2", "created_at": "2026-01-01T00:00:00Z", "message": {"role": "assistant", "content": piece}, "done": false})
            );
        }
        s += &format!(
            "{}\n",
            json!({"model": "llama3.2", "created_at": "2026-01-01T00:00:01Z", "message": {"role": "assistant", "content": ""}, "done": true, "done_reason": "stop"})
        );
        s.into_bytes()
    };
    let text = |field: &'static str| {
        move |out: &[u8]| -> String {
            records(ndjson, out)
                .iter()
                .filter_map(|(_, v)| v.pointer(field).and_then(Value::as_str).map(str::to_string))
                .collect()
        }
    };
    every_split(ndjson, chat, text("/message/content"));
    let generate = |d: &[&str]| {
        let mut s = String::new();
        for piece in d {
            s += &format!(
                "{}\n",
                json!({"model": "m", "response": piece, "done": false})
            );
        }
        // The last line carries no text: a held-back end goes out in a line before it.
        s += &format!(
            "{}\n",
            json!({"model": "m", "done": true, "context": [1, 2]})
        );
        s.into_bytes()
    };
    every_split(ndjson, generate, text("/response"));
}

#[test]
fn ollama_tool_calls_come_whole_and_are_restored_inside() {
    let line = json!({"model": "m", "message": {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "lookup", "arguments": {"email": "email-3y9tm3d4@example.com"}}}]}, "done": false});
    let out = run(ndjson, format!("{line}\n").as_bytes(), 0);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["message"]["tool_calls"][0]["function"]["arguments"]["email"],
        "jane@corp.com"
    );
}

fn converse_frame(event: &str, payload: Value) -> Vec<u8> {
    framing::eventstream::frame(event, payload.to_string().as_bytes())
}

#[test]
fn bedrock_converse_stream_text_and_tool_input() {
    let stream = |d: &[&str]| {
        let mut s = converse_frame("messageStart", json!({"role": "assistant"}));
        for piece in d {
            s.extend(converse_frame(
                "contentBlockDelta",
                json!({"contentBlockIndex": 0, "delta": {"text": piece}, "p": "abcd"}),
            ));
        }
        s.extend(converse_frame(
            "contentBlockStop",
            json!({"contentBlockIndex": 0}),
        ));
        s.extend(converse_frame(
            "messageStop",
            json!({"stopReason": "end_turn"}),
        ));
        s
    };
    let text = |out: &[u8]| -> String {
        let recs = records(eventstream, out);
        let stop = recs
            .iter()
            .position(|(e, _)| e.as_deref() == Some("contentBlockStop"))
            .unwrap();
        // Every piece of the block comes before its stop.
        recs[..stop]
            .iter()
            .filter(|(e, _)| e.as_deref() == Some("contentBlockDelta"))
            .filter_map(|(_, v)| v["delta"]["text"].as_str().map(str::to_string))
            .collect()
    };
    every_split(eventstream, stream, text);

    // Tool input is JSON text: a value with a quote stays valid JSON once restored.
    let tool = [
        converse_frame("contentBlockStart", json!({"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t1", "name": "lookup"}}})),
        converse_frame("contentBlockDelta", json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{\"name\": \"Person_7"}}})),
        converse_frame("contentBlockDelta", json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "QF2\"}"}}})),
        converse_frame("contentBlockStop", json!({"contentBlockIndex": 1})),
    ]
    .concat();
    for cut in 0..=tool.len() {
        let out = run(eventstream, &tool, cut);
        let input: String = records(eventstream, &out)
            .iter()
            .filter_map(|(_, v)| v["delta"]["toolUse"]["input"].as_str().map(str::to_string))
            .collect();
        let args: Value = serde_json::from_str(&input).expect("valid JSON input");
        assert_eq!(args["name"], "Jane \"JR\" Roe", "cut at {cut}");
    }
}

#[test]
fn bedrock_invoke_model_stream_wraps_anthropic_events() {
    let chunk = |event: Value| {
        let payload = json!({"bytes": BASE64.encode(event.to_string()), "p": "xy"});
        converse_frame("chunk", payload)
    };
    let stream = |d: &[&str]| {
        let mut s =
            chunk(json!({"type": "message_start", "message": {"id": "msg_1", "content": []}}));
        for piece in d {
            s.extend(chunk(json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}})));
        }
        s.extend(chunk(json!({"type": "content_block_stop", "index": 0})));
        s.extend(chunk(json!({"type": "message_stop"})));
        s
    };
    every_split(eventstream, stream, |out| {
        records(eventstream, out)
            .iter()
            .inspect(|(e, _)| assert_eq!(e.as_deref(), Some("chunk")))
            .filter_map(|(_, v)| v["delta"]["text"].as_str().map(str::to_string))
            .collect()
    });
}

#[test]
fn openai_legacy_completions_text_deltas() {
    let stream = |d: &[&str]| {
        let mut s = String::new();
        for piece in d {
            s += &format!(
                "data: {}\n\n",
                json!({"id": "cmpl-1", "object": "text_completion", "choices": [{"index": 0, "text": piece, "finish_reason": null}]})
            );
        }
        s += &format!(
            "data: {}\n\n",
            json!({"id": "cmpl-1", "object": "text_completion", "choices": [{"index": 0, "text": "", "finish_reason": "stop"}]})
        );
        s += "data: [DONE]\n\n";
        s.into_bytes()
    };
    every_split(sse, stream, |out| {
        records(sse, out)
            .iter()
            .filter_map(|(_, v)| v["choices"][0]["text"].as_str().map(str::to_string))
            .collect()
    });
}

#[test]
fn a_last_record_without_its_end_is_ended_before_held_back_text() {
    // SSE: the stream stops after an event with no blank line, a token prefix held back.
    let body = "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"Hi Person_7Q\"}, \"finish_reason\": null}]}";
    let out = run(sse, body.as_bytes(), body.len());
    let recs = records(sse, &out);
    assert_eq!(recs.len(), 2, "{}", String::from_utf8_lossy(&out));
    let text: String = recs
        .iter()
        .filter_map(|(_, v)| v["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Hi Person_7Q");
    // NDJSON: the same with a line that lacks its newline.
    let body = "{\"model\": \"m\", \"response\": \"Hi Person_7Q\", \"done\": false}";
    let out = run(ndjson, body.as_bytes(), 10);
    let recs = records(ndjson, &out);
    assert_eq!(recs.len(), 2, "{}", String::from_utf8_lossy(&out));
}

#[test]
fn gemini_text_is_one_stream_whatever_part_it_comes_in() {
    // A thought part first, then text in part 1; the next chunk's text is in part 0.
    let first = json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [
        {"text": "thinking", "thought": true}, {"text": "Hi Person_7Q"}]}}]});
    let second = json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [
        {"text": "F2, bye"}]}, "finishReason": "STOP"}]});
    let body = format!("data: {first}\r\n\r\ndata: {second}\r\n\r\n");
    let out = run(sse, body.as_bytes(), 0);
    let text: String = records(sse, &out)
        .iter()
        .flat_map(|(_, v)| {
            v["candidates"][0]["content"]["parts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|p| p["thought"] != true)
        .filter_map(|p| p["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(text, "Hi Jane \"JR\" Roe, bye");
}
