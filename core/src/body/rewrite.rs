//! Splice replacements into a raw body. Each edit's decoded span is mapped to raw bytes and the
//! replacement is encoded for where it lands: JSON-escaped inside a JSON string,
//! percent-encoded in a form, verbatim in text. A JSON number edited into something that is no
//! longer a number becomes a JSON string, so the body stays valid JSON; a form value with a
//! malformed escape is encoded afresh whole.

use super::{BodyError, BodyKind, Document, Edit, FieldRole};

pub(super) fn apply(doc: &Document<'_>, edits: &[Edit]) -> Result<Vec<u8>, BodyError> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.field, e.start));
    for e in &edits {
        let field = doc.fields.get(e.field).ok_or(BodyError::BadEdit {
            reason: "no such field",
        })?;
        if e.start >= e.end
            || e.end > field.text.len()
            || !field.text.is_char_boundary(e.start)
            || !field.text.is_char_boundary(e.end)
        {
            return Err(BodyError::BadEdit {
                reason: "edit outside its field",
            });
        }
    }
    if edits
        .windows(2)
        .any(|w| w[0].field == w[1].field && w[0].end > w[1].start)
    {
        return Err(BodyError::BadEdit {
            reason: "edits overlap",
        });
    }

    // Raw pieces to replace, in body order.
    let mut pieces: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let mut i = 0;
    while i < edits.len() {
        let field = &doc.fields[edits[i].field];
        let same_field = edits[i..]
            .iter()
            .take_while(|e| e.field == edits[i].field)
            .count();
        let group = &edits[i..i + same_field];
        // A number, or a form value holding a `%` the reader kept literally (a malformed
        // escape: `%7`, `%ec%af` that is not UTF-8), is written whole: splicing beside a
        // literal `%` could complete an escape (`%7` + `a` reads as `z`); written afresh, the
        // `%` is `%25`, which reads the same.
        let whole = field.role == FieldRole::Number
            || (doc.kind == BodyKind::Form && field.text.contains('%'));
        if whole {
            let mut text = field.text.clone();
            for e in group.iter().rev() {
                text.replace_range(e.start..e.end, &e.replacement);
            }
            let encoded = match doc.kind {
                BodyKind::Form => form_encode(&text).into_bytes(),
                _ if is_json_number(&text) => text.into_bytes(),
                _ => serde_json::to_vec(&text).expect("strings serialise"),
            };
            pieces.push((field.raw.start, field.raw.end, encoded));
        } else {
            for e in group {
                let (start, end) = (field.map.raw(e.start), field.map.raw(e.end));
                pieces.push((start, end, encode(doc.kind, &e.replacement)));
            }
        }
        i += same_field;
    }
    pieces.sort_by_key(|p| p.0);

    let mut out =
        Vec::with_capacity(doc.raw.len() + pieces.iter().map(|p| p.2.len()).sum::<usize>());
    let mut at = 0;
    for (start, end, bytes) in pieces {
        out.extend_from_slice(&doc.raw[at..start]);
        out.extend_from_slice(&bytes);
        at = end;
    }
    out.extend_from_slice(&doc.raw[at..]);
    Ok(out)
}

fn encode(kind: BodyKind, s: &str) -> Vec<u8> {
    match kind {
        BodyKind::Json => {
            let quoted = serde_json::to_string(s).expect("strings serialise");
            quoted.as_bytes()[1..quoted.len() - 1].to_vec()
        }
        BodyKind::Form => form_encode(s).into_bytes(),
        BodyKind::Text => s.as_bytes().to_vec(),
    }
}

fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn is_json_number(s: &str) -> bool {
    serde_json::from_str::<serde_json::Number>(s).is_ok()
}
