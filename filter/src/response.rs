//! The response path: restore the tokens minted for this request, in a buffered JSON body
//! or in an SSE stream as it flows.

use std::sync::Arc;

use veil_core::body::{BodyKind, Document, Edit};
use veil_core::config::JsonScanConfig;
use veil_core::restore::{Context, SseRestorer, TokenMap};

/// How a response is handled, from its content type.
pub enum Mode {
    /// `text/event-stream`: restored event by event, nothing buffered beyond a token prefix.
    Stream(Box<SseRestorer>),
    /// JSON: buffered, every string restored.
    Json,
    /// Anything else with tokens possible in it (text): buffered, restored as text.
    Text,
    /// Nothing to restore (no tokens minted) or not a text type.
    Pass,
}

impl Mode {
    pub fn for_response(content_type: &str, map: &Arc<TokenMap>) -> Mode {
        if map.is_empty() {
            return Mode::Pass;
        }
        let ct = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match ct.as_str() {
            "text/event-stream" => Mode::Stream(Box::new(SseRestorer::new(map.clone()))),
            "application/json" => Mode::Json,
            "text/plain" => Mode::Text,
            _ => Mode::Pass,
        }
    }
}

/// A whole buffered body with every token restored. JSON stays valid (values are encoded
/// for where they land; tool-call arguments are JSON text); a body that is not valid JSON
/// is restored as text.
pub fn restore_buffered(body: &[u8], json: bool, map: &TokenMap) -> Vec<u8> {
    if json {
        let all = JsonScanConfig::default();
        if let Ok(doc) = Document::parse(body, BodyKind::Json, &all) {
            let edits: Vec<Edit> = doc
                .fields()
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let context = if f.pointer.ends_with("/arguments") {
                        Context::JsonText
                    } else {
                        Context::Text
                    };
                    let restored = map.restore_all_as(&f.text, context);
                    (restored != f.text).then_some(Edit {
                        field: i,
                        start: 0,
                        end: f.text.len(),
                        replacement: restored,
                    })
                })
                .collect();
            if let Ok(out) = doc.rewrite(&edits) {
                return out;
            }
        }
    }
    // Not JSON after all (or a text type): restored as text; in a body labelled JSON the
    // values are JSON-escaped, so a quote in a value cannot break what parsing there is.
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
}
