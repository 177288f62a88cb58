//! The JSON body reader and its rewrite, on any bytes. Properties:
//! - the reader accepts exactly what serde_json accepts (Veil never forwards a body it read
//!   differently from the provider);
//! - rewriting with no edits gives back the input byte for byte;
//! - with an edit in every value field, the output is valid JSON, has the same fields, and
//!   each field reads as its edited text (escaping is never lost or doubled).
#![no_main]

use libfuzzer_sys::fuzz_target;
use veil_core::body::{BodyKind, Document};
use veil_core::config::JsonScanConfig;
use veil_fuzz::edits_for;

fuzz_target!(|data: &[u8]| {
    let cfg = JsonScanConfig::default();
    let ours = Document::parse(data, BodyKind::Json, &cfg);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    // JSON's grammar bounds no number; serde_json refuses those beyond f64 (1e999), which
    // providers' parsers read as infinity. The reader follows the grammar.
    // serde_json also reads an object with its private `$serde_json::private::RawValue` key
    // as a raw value (its `raw_value` feature), which is not JSON's business either.
    let serde_quirk = theirs.as_ref().is_err_and(|e| {
        e.to_string().starts_with("number out of range")
            || data.windows(20).any(|w| w == b"$serde_json::private")
    });
    if !serde_quirk {
        assert_eq!(
            ours.is_ok(),
            theirs.is_ok(),
            "validity disagrees: {:?}",
            ours.err()
        );
    }
    let Ok(doc) = ours else { return };
    assert_eq!(doc.rewrite(&[]).expect("no edits"), data);

    let (edits, expected) = edits_for(&doc);
    let out = doc.rewrite(&edits).expect("edits inside fields are valid");
    serde_json::from_slice::<serde::de::IgnoredAny>(&out).expect("rewritten JSON is valid");
    let again = Document::parse(&out, BodyKind::Json, &cfg).expect("Veil reads its own output");
    let texts: Vec<&str> = again.fields().iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, expected);
});
