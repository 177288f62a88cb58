use super::*;
use crate::restore::framing;
use crate::restore::sse_split::{self, EventSplitter};
use serde_json::json;

fn map() -> Arc<TokenMap> {
    Arc::new(TokenMap::new([
        ("Person_7QF2".to_string(), "Jane \"JR\" Roe".to_string()),
        (
            "0073 6555 7214 2076".to_string(),
            "4111 1111 1111 1111".to_string(),
        ),
        (
            "email-3y9tm3d4@example.com".to_string(),
            "jane@corp.com".to_string(),
        ),
    ]))
}

fn openai_event(choice: Value) -> String {
    let data = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]});
    format!("data: {data}\n\n")
}

fn openai_stream(deltas: &[&str]) -> String {
    let mut s: String = deltas
        .iter()
        .map(|d| openai_event(json!({"index": 0, "delta": {"content": d}, "finish_reason": null})))
        .collect();
    s += &openai_event(json!({"index": 0, "delta": {}, "finish_reason": "stop"}));
    s += "data: [DONE]\n\n";
    s
}

/// Runs a body through a restorer cut into the given chunks.
fn restore(body: &str, cuts: &[usize]) -> String {
    let mut r = StreamRestorer::new(map(), Box::<framing::Sse>::default());
    let mut out = Vec::new();
    let mut last = 0;
    for &c in cuts.iter().chain(std::iter::once(&body.len())) {
        out.extend(r.push(&body.as_bytes()[last..c]));
        last = c;
    }
    out.extend(r.finish());
    String::from_utf8(out).unwrap()
}

/// Every event's data, parsed (panics on invalid JSON), `[DONE]` skipped.
fn events(stream: &str) -> Vec<Value> {
    let mut s = EventSplitter::new();
    s.push(stream.as_bytes())
        .unwrap()
        .iter()
        .filter_map(|e| sse_split::data(e))
        .filter(|d| d != "[DONE]")
        .map(|d| serde_json::from_str(&d).unwrap_or_else(|e| panic!("invalid event JSON {d}: {e}")))
        .collect()
}

fn content(stream: &str) -> String {
    events(stream)
        .iter()
        .filter_map(|e| {
            e["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn a_token_split_across_events_and_chunks_is_restored_once() {
    let body = openai_stream(&[
        "Hello Per",
        "son_7Q",
        "F2, your card is 0073 6555 ",
        "7214 2076.",
    ]);
    let want = "Hello Jane \"JR\" Roe, your card is 4111 1111 1111 1111.";
    assert_eq!(content(&restore(&body, &[])), want);
    for cut in 0..=body.len() {
        let out = restore(&body, &[cut]);
        assert_eq!(content(&out), want, "cut at {cut}");
        assert!(out.ends_with("data: [DONE]\n\n"));
    }
    for i in 1..200 {
        let (a, b) = ((i * 37) % body.len(), (i * 101) % body.len());
        let mut cuts = [a.min(b), a.max(b)];
        cuts.sort();
        assert_eq!(content(&restore(&body, &cuts)), want, "cuts at {cuts:?}");
    }
}

#[test]
fn events_without_tokens_pass_unchanged_and_at_once() {
    let event = openai_event(
        json!({"index": 0, "delta": {"content": "Nothing to see"}, "finish_reason": null}),
    );
    let mut r = StreamRestorer::new(map(), Box::<framing::Sse>::default());
    assert_eq!(String::from_utf8(r.push(event.as_bytes())).unwrap(), event);
    let comment = ": keep-alive\n\n";
    assert_eq!(r.push(comment.as_bytes()), comment.as_bytes());
}

#[test]
fn a_held_back_end_goes_out_before_the_finish() {
    let body = openai_stream(&["Signed, Person_7Q"]);
    let out = restore(&body, &[]);
    let evs = events(&out);
    assert_eq!(
        content(&out),
        "Signed, Person_7Q",
        "a prefix that never completed is sent as written"
    );
    let finish_at = evs
        .iter()
        .position(|e| e["choices"][0]["finish_reason"] == "stop")
        .unwrap();
    let flushed_at = evs
        .iter()
        .position(|e| e["choices"][0]["delta"]["content"] == "Person_7Q")
        .unwrap();
    assert!(flushed_at < finish_at, "{out}");
    assert_eq!(evs[flushed_at]["id"], "chatcmpl-1");

    let body = openai_stream(&["Signed, Person_7QF2"]);
    assert_eq!(content(&restore(&body, &[])), "Signed, Jane \"JR\" Roe");
}

#[test]
fn tool_call_arguments_stay_valid_json() {
    let call = |args: &str| {
        openai_event(
            json!({"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": args}}]}, "finish_reason": null}),
        )
    };
    let mut body = call("{\"to\": \"email-3y9t")
        + &call("m3d4@example.com\", \"name\": \"Person_")
        + &call("7QF2\"}");
    body += &openai_event(json!({"index": 0, "delta": {}, "finish_reason": "tool_calls"}));
    for cut in (0..=body.len()).step_by(7) {
        let out = restore(&body, &[cut]);
        let args: String = events(&out)
            .iter()
            .filter_map(|e| {
                e["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"]
                    .as_str()
                    .map(str::to_string)
            })
            .collect();
        let parsed: Value = serde_json::from_str(&args).unwrap_or_else(|e| panic!("{args}: {e}"));
        assert_eq!(
            parsed,
            json!({"to": "jane@corp.com", "name": "Jane \"JR\" Roe"}),
            "cut at {cut}"
        );
    }
}

#[test]
fn anthropic_blocks_are_restored_and_flushed_at_their_stop() {
    let delta = |t: &str| {
        let d = json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}});
        format!("event: content_block_delta\ndata: {d}\n\n")
    };
    let body = format!(
        "event: message_start\ndata: {}\n\n{}{}{}event: content_block_stop\ndata: {}\n\nevent: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n",
        json!({"type": "message_start", "message": {"id": "msg_1", "content": []}}),
        delta("Dear Person_"),
        delta("7QF2, call me. Person_7"),
        delta("Q"),
        json!({"type": "content_block_stop", "index": 0}),
    );
    for cut in (0..=body.len()).step_by(5) {
        let out = restore(&body, &[cut]);
        let text: String = events(&out)
            .iter()
            .filter_map(|e| e["delta"]["text"].as_str().map(str::to_string))
            .collect();
        assert_eq!(
            text, "Dear Jane \"JR\" Roe, call me. Person_7Q",
            "cut at {cut}"
        );
        let stop = out.find("content_block_stop").unwrap();
        assert!(
            out.rfind("Person_7Q").unwrap() < stop,
            "flushed before the block stops"
        );
        assert!(out.contains("event: content_block_delta\ndata: "), "{out}");
    }
}

#[test]
fn responses_api_deltas_and_done_events() {
    let ev = |v: Value| format!("event: {}\ndata: {v}\n\n", v["type"].as_str().unwrap());
    let delta = |d: &str| {
        ev(
            json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": d}),
        )
    };
    let body = delta("Hi Person_7")
        + &delta("QF2 and Person_")
        + &ev(
            json!({"type": "response.output_text.done", "item_id": "msg_1", "output_index": 0, "content_index": 0, "text": "Hi Person_7QF2 and Person_"}),
        )
        + &ev(
            json!({"type": "response.completed", "response": {"output": [{"content": [{"type": "output_text", "text": "Hi Person_7QF2"}]}]}}),
        );
    for cut in (0..=body.len()).step_by(3) {
        let out = restore(&body, &[cut]);
        let evs = events(&out);
        let streamed: String = evs
            .iter()
            .filter_map(|e| e["delta"].as_str().map(str::to_string))
            .collect();
        assert_eq!(streamed, "Hi Jane \"JR\" Roe and Person_", "cut at {cut}");
        let done = evs
            .iter()
            .find(|e| e["type"] == "response.output_text.done")
            .unwrap();
        assert_eq!(done["text"], "Hi Jane \"JR\" Roe and Person_");
        let completed = evs
            .iter()
            .find(|e| e["type"] == "response.completed")
            .unwrap();
        assert_eq!(
            completed["response"]["output"][0]["content"][0]["text"],
            "Hi Jane \"JR\" Roe"
        );
    }
}

#[test]
fn an_event_past_the_limit_stops_restoring_and_the_stream_stays_well_formed() {
    let m = map();
    let mut r = StreamRestorer::new(m, Box::<framing::Sse>::default());
    let mut out = r.push(
        openai_event(
            json!({"index": 0, "delta": {"content": "Hi Person_7Q"}, "finish_reason": null}),
        )
        .as_bytes(),
    );
    assert!(!r.overflowed());
    let huge = format!("data: {}", "z".repeat(sse_split::MAX_EVENT_BYTES));
    out.extend(r.push(huge.as_bytes()));
    assert!(r.overflowed());
    // Passed as it comes from now on, tokens in place.
    let later = openai_event(
        json!({"index": 0, "delta": {"content": "F2 Person_7QF2"}, "finish_reason": null}),
    );
    out.extend(r.push(b"\n\n"));
    out.extend(r.push(later.as_bytes()));
    out.extend(r.finish());
    let text = String::from_utf8(out).unwrap();
    let before = &text[..text.find(&huge).unwrap()];
    assert_eq!(
        content(before),
        "Hi Person_7Q",
        "the held-back prefix went first"
    );
    assert!(text.ends_with(&later), "the rest passes unchanged");
    assert_eq!(text.matches(&huge).count(), 1);
}

mod providers;
