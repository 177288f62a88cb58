//! Restoring a buffered answer: the whole body at once. JSON stays valid (every string field
//! is restored, values encoded for where they land: JSON text in tool-call arguments, see
//! `fields`); a body labelled JSON that does not parse is restored as JSON-escaped text, so a
//! quote in a value cannot break what parsing there is; text bodies are restored as text.

use serde_json::Value;

use super::fields;
use super::token_map::{Context, TokenMap};
use crate::body::{BodyKind, Document, Edit};
use crate::config::JsonScanConfig;

/// `body` with every token of `map` restored; `json` when its content type says JSON.
pub fn restore_buffered(body: &[u8], json: bool, map: &TokenMap) -> Vec<u8> {
    if json {
        if let Some(out) = restore_json(body, map) {
            return out;
        }
    }
    let context = if json {
        Context::JsonText
    } else {
        Context::Text
    };
    match std::str::from_utf8(body) {
        Ok(text) => map.restore_all_as(text, context).into_bytes(),
        Err(_) => body.to_vec(),
    }
}

fn restore_json(body: &[u8], map: &TokenMap) -> Option<Vec<u8>> {
    let doc = Document::parse(body, BodyKind::Json, &JsonScanConfig::default()).ok()?;
    // The body's own `type` (an event's data, or a whole answer) decides nothing for most
    // fields; `fields::context_of` reads it only for Responses-style `/delta` fields.
    let root: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let edits: Vec<Edit> = doc
        .fields()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let restored = map.restore_all_as(&f.text, fields::context_of(&f.pointer, &root));
            (restored != f.text).then_some(Edit {
                field: i,
                start: 0,
                end: f.text.len(),
                replacement: restored,
            })
        })
        .collect();
    doc.rewrite(&edits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_are_restored_and_stay_valid() {
        let map = TokenMap::new([("Person_7QF2".to_string(), "Jane \"JR\" Roe".to_string())]);
        let body = br#"{"choices": [{"message": {"content": "Hello Person_7QF2", "tool_calls": [{"function": {"arguments": "{\"name\": \"Person_7QF2\"}"}}]}}]}"#;
        let out = restore_buffered(body, true, &map);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v["choices"][0]["message"]["content"],
            "Hello Jane \"JR\" Roe"
        );
        let args: serde_json::Value = serde_json::from_str(
            v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(args["name"], "Jane \"JR\" Roe");
        assert_eq!(
            restore_buffered(b"Hi Person_7QF2", false, &map),
            b"Hi Jane \"JR\" Roe"
        );
    }

    #[test]
    fn a_json_body_that_does_not_parse_gets_escaped_values() {
        let map = TokenMap::new([("Person_7QF2".to_string(), "Jane \"JR\" Roe".to_string())]);
        let out = restore_buffered(br#"{"content": "Hi Person_7QF2"#, true, &map);
        assert_eq!(out, br#"{"content": "Hi Jane \"JR\" Roe"#);
    }
}
