//! What the fuzz targets share: reading a fuzzer's bytes as choices, and the fixtures (a token
//! map, edits) each property is stated against. Every target's properties are written at the
//! top of its file.

use std::sync::Arc;

use veil_core::body::{Document, Edit, FieldRole};
use veil_core::restore::TokenMap;

/// Reads choices off the front of the fuzzer's input; what is left is the subject.
pub struct Choices<'a>(pub &'a [u8]);

impl<'a> Choices<'a> {
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for b in &mut out {
            *b = self.byte();
        }
        out
    }

    pub fn rest(self) -> &'a [u8] {
        self.0
    }
}

/// Chunk boundaries for `len` bytes drawn from `seed`: 1..=64-byte pieces, or one piece when
/// `seed` is 0.
pub fn cuts(len: usize, seed: u8) -> Vec<usize> {
    if seed == 0 {
        return Vec::new();
    }
    let mut state = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut at = 0;
    let mut out = Vec::new();
    loop {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        at += 1 + (state % 64) as usize;
        if at >= len {
            return out;
        }
        out.push(at);
    }
}

/// The tokens the stream target restores, with values that need escaping in JSON.
pub fn token_map() -> Arc<TokenMap> {
    Arc::new(TokenMap::new([
        ("Person_7QF2".to_string(), "Jane \"JR\" Roe\\".to_string()),
        (
            "0073 6555 7214 2076".to_string(),
            "4111 1111 1111 1111".to_string(),
        ),
        (
            "email-3y9tm3d4@example.com".to_string(),
            "jane@corp.com\n</b>".to_string(),
        ),
        ("Org_K9".to_string(), "Åsa & Søn \u{1F600}".to_string()),
    ]))
}

/// Replacements that stress every encoding: JSON escapes, form escapes, multi-byte text.
const REPLACEMENTS: &[&str] = &[
    "Person_7QF2",
    "\"\\/\u{0}\n",
    "a&b=c%2+d",
    "é\u{1F600}年",
    "",
    "\u{2028}'<>",
];

/// One deterministic edit per non-empty value field (its middle third, snapped to character
/// boundaries; edits are never empty, as detections are not), and the text each field
/// should read after the rewrite.
pub fn edits_for(doc: &Document<'_>) -> (Vec<Edit>, Vec<String>) {
    let mut edits = Vec::new();
    let mut expected = Vec::new();
    for (i, field) in doc.fields().iter().enumerate() {
        let text = &field.text;
        if field.role != FieldRole::Value || text.is_empty() {
            expected.push(text.clone());
            continue;
        }
        let mut start = text.len() / 3;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = text.len() - text.len() / 3;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let replacement = REPLACEMENTS[(i + text.len()) % REPLACEMENTS.len()];
        expected.push(format!("{}{replacement}{}", &text[..start], &text[end..]));
        edits.push(Edit {
            field: i,
            start,
            end,
            replacement: replacement.to_string(),
        });
    }
    (edits, expected)
}

/// The longest run of a request's string (in characters) that an error message may repeat:
/// a value in the wrong place may be a secret or PII.
pub const ECHO_LIMIT: usize = 48;

/// Whether `message` repeats more than `ECHO_LIMIT` characters of a string in the JSON
/// `document` (false when the document is not JSON).
pub fn echoes_long_string(message: &str, document: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(document) else {
        return false;
    };
    let mut strings = Vec::new();
    collect_strings(&value, &mut strings);
    strings.iter().any(|s| {
        let chars: Vec<char> = s.chars().collect();
        chars
            .windows(ECHO_LIMIT + 1)
            .any(|w| message.contains(&w.iter().collect::<String>()))
    })
}

fn collect_strings<'v>(value: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(members) => {
            members.values().for_each(|v| collect_strings(v, out))
        }
        _ => {}
    }
}
