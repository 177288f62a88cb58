//! A system instruction added to a request after Veil masked it, in the place each API keeps
//! one: an OpenAI or Ollama system message, Responses `instructions`, Anthropic and Ollama
//! generate `system`, Gemini `systemInstruction`, Bedrock Converse `system`. Added after the
//! scan, so the operator's text is never taken for the user's data; not added again when the
//! body already holds it (a client that resends what it was given).
//!
//! Only the member that changes is re-serialised: the others are copied as raw JSON, so
//! numbers, escapes and key order reach the provider as the client wrote them.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::Api;

/// The built-in sentence a route can add (`system_instruction.placeholders`): a model that
/// rewrites a token (translates it, completes it, changes its case) leaves the client a token
/// Veil cannot restore.
pub const PLACEHOLDER_INSTRUCTION: &str = "Some values in this conversation are placeholders \
standing for private data, such as Person_7QF2, Location_K3M9, email-3y9tm3d4@example.com or \
0073 6555 7214 2076. Repeat a placeholder exactly as written, character for character, \
wherever its value belongs in your answer or in a tool call; never change, translate, complete, \
split or explain it.";

/// `body` with `text` added to its system instruction, or `None` when the API has no place
/// for one, the body is not a JSON object, or the instruction is there already.
pub fn instruct(body: &[u8], api: Api, text: &str) -> Option<Vec<u8>> {
    let Members(mut members) = serde_json::from_slice(body).ok()?;
    // The last of a repeated key: the one providers' JSON readers keep.
    let slot = |members: &[(String, Box<RawValue>)], keys: &[&str]| {
        members
            .iter()
            .rposition(|(k, _)| keys.contains(&k.as_str()))
    };
    let (key, at, value) = match api {
        Api::OpenAiChat | Api::OllamaChat => {
            let at = slot(&members, &["messages"])?;
            let messages: Vec<Box<RawValue>> = serde_json::from_str(members[at].1.get()).ok()?;
            let has_it = messages.iter().any(|m| {
                serde_json::from_str::<Message>(m.get()).is_ok_and(|m| {
                    matches!(m.role.as_deref(), Some("system" | "developer"))
                        && m.content.as_ref().is_some_and(|c| holds(c, text))
                })
            });
            if has_it {
                return None;
            }
            let first = format!(r#"{{"role":"system","content":{}}}"#, Value::from(text));
            let rest: Vec<&str> = messages.iter().map(|m| m.get()).collect();
            let joined = std::iter::once(first.as_str())
                .chain(rest)
                .collect::<Vec<_>>()
                .join(",");
            ("messages", Some(at), format!("[{joined}]"))
        }
        Api::Anthropic | Api::OllamaGenerate | Api::Responses => {
            let key = if api == Api::Responses {
                "instructions"
            } else {
                "system"
            };
            let at = slot(&members, &[key]);
            let current: Value = match at {
                Some(i) => serde_json::from_str(members[i].1.get()).ok()?,
                None => Value::Null,
            };
            let new = match current {
                Value::Null => Value::String(text.to_string()),
                Value::String(s) if s.contains(text) => return None,
                Value::String(s) => Value::String(format!("{text}\n\n{s}")),
                Value::Array(_) if api == Api::Anthropic => {
                    if holds(&current, text) {
                        return None;
                    }
                    let blocks = current.as_array()?.iter().cloned();
                    Value::Array(
                        std::iter::once(json!({"type": "text", "text": text}))
                            .chain(blocks)
                            .collect(),
                    )
                }
                _ => return None,
            };
            (key, at, new.to_string())
        }
        Api::Gemini => {
            let at = slot(&members, &["systemInstruction", "system_instruction"]);
            let mut current: Value = match at {
                Some(i) => serde_json::from_str(members[i].1.get()).ok()?,
                None => json!({"parts": []}),
            };
            if holds(&current, text) {
                return None;
            }
            let parts = current.get_mut("parts")?.as_array_mut()?;
            parts.insert(0, json!({"text": text}));
            let key = at.map_or("systemInstruction", |i| {
                if members[i].0 == "system_instruction" {
                    "system_instruction"
                } else {
                    "systemInstruction"
                }
            });
            (key, at, current.to_string())
        }
        Api::BedrockConverse => {
            let at = slot(&members, &["system"]);
            let mut current: Value = match at {
                Some(i) => serde_json::from_str(members[i].1.get()).ok()?,
                None => json!([]),
            };
            if holds(&current, text) {
                return None;
            }
            current.as_array_mut()?.insert(0, json!({"text": text}));
            ("system", at, current.to_string())
        }
        Api::Completions | Api::Embeddings | Api::Generic => return None,
    };
    let raw = RawValue::from_string(value).ok()?;
    match at {
        Some(i) => members[i].1 = raw,
        None => members.insert(0, (key.to_string(), raw)),
    }
    let mut out = String::from("{");
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(k.clone()).to_string());
        out.push(':');
        out.push_str(v.get());
    }
    out.push('}');
    Some(out.into_bytes())
}

/// Whether any string in `value` contains `text`.
fn holds(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s.contains(text),
        Value::Array(a) => a.iter().any(|v| holds(v, text)),
        Value::Object(o) => o.values().any(|v| holds(v, text)),
        _ => false,
    }
}

#[derive(Deserialize)]
struct Message {
    role: Option<String>,
    content: Option<Value>,
}

/// A JSON object's members in order, values as raw JSON (serde_json's `Map` would sort them
/// and re-serialise every value).
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Ordered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "You are Acme's assistant.";

    fn with(body: Value, api: Api) -> Value {
        let out = instruct(body.to_string().as_bytes(), api, TEXT).expect("added");
        let v: Value = serde_json::from_slice(&out).expect("valid JSON");
        // Once is enough: the same body again gets nothing more.
        assert!(instruct(&out, api, TEXT).is_none(), "{v}");
        v
    }

    #[test]
    fn each_api_gets_it_in_its_own_place_once() {
        let chat = with(
            json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}),
            Api::OpenAiChat,
        );
        assert_eq!(
            chat["messages"][0],
            json!({"role": "system", "content": TEXT})
        );
        assert_eq!(chat["messages"][1]["content"], "hi");

        let anthropic = with(
            json!({"model": "m", "system": "Be brief.", "messages": []}),
            Api::Anthropic,
        );
        assert_eq!(anthropic["system"], format!("{TEXT}\n\nBe brief."));
        let blocks = with(
            json!({"system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}], "messages": []}),
            Api::Anthropic,
        );
        assert_eq!(blocks["system"][0], json!({"type": "text", "text": TEXT}));
        assert_eq!(blocks["system"][1]["cache_control"]["type"], "ephemeral");

        let responses = with(json!({"model": "m", "input": "hi"}), Api::Responses);
        assert_eq!(responses["instructions"], TEXT);

        let gemini = with(json!({"contents": []}), Api::Gemini);
        assert_eq!(gemini["systemInstruction"]["parts"][0]["text"], TEXT);
        let snake = with(
            json!({"contents": [], "system_instruction": {"parts": [{"text": "Be brief."}]}}),
            Api::Gemini,
        );
        assert_eq!(snake["system_instruction"]["parts"][0]["text"], TEXT);
        assert_eq!(snake["system_instruction"]["parts"][1]["text"], "Be brief.");

        let converse = with(json!({"messages": []}), Api::BedrockConverse);
        assert_eq!(converse["system"], json!([{"text": TEXT}]));

        let generate = with(json!({"model": "m", "prompt": "hi"}), Api::OllamaGenerate);
        assert_eq!(generate["system"], TEXT);
    }

    #[test]
    fn the_rest_of_the_body_is_copied_as_it_came() {
        let body = br#"{"model":"m","seed":12345678901234567890123,"temperature":1e-1,"messages":[{"role":"user","content":"caf\u00e9"}],"z":1,"a":2}"#;
        let out = String::from_utf8(instruct(body, Api::OpenAiChat, TEXT).unwrap()).unwrap();
        assert!(out.starts_with(r#"{"model":"m","seed":12345678901234567890123,"temperature":1e-1,"messages":[{"role":"system""#), "{out}");
        assert!(
            out.ends_with(r#"{"role":"user","content":"caf\u00e9"}],"z":1,"a":2}"#),
            "{out}"
        );
    }

    #[test]
    fn a_repeated_key_gets_it_in_the_copy_providers_read() {
        let body = br#"{"messages": [{"role": "user", "content": "a"}], "messages": [{"role": "user", "content": "b"}]}"#;
        let out = String::from_utf8(instruct(body, Api::OpenAiChat, TEXT).unwrap()).unwrap();
        let second = out.rfind(r#""messages":"#).unwrap();
        assert!(
            out[second..].starts_with(r#""messages":[{"role":"system""#),
            "{out}"
        );
        assert!(!out[..second].contains("system"), "{out}");
    }

    #[test]
    fn apis_without_a_place_and_bodies_that_are_not_objects_get_nothing() {
        let body = br#"{"model": "m", "input": ["a"]}"#;
        assert!(instruct(body, Api::Embeddings, TEXT).is_none());
        assert!(instruct(br#"{"prompt": "x"}"#, Api::Completions, TEXT).is_none());
        assert!(instruct(b"[1]", Api::OpenAiChat, TEXT).is_none());
        assert!(instruct(b"{\"messages\": 3}", Api::OpenAiChat, TEXT).is_none());
    }
}
