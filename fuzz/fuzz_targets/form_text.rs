//! The form (`application/x-www-form-urlencoded`) and text body readers and their rewrite.
//! Properties, for any bytes:
//! - rewriting with no edits gives back the input byte for byte;
//! - with an edit in every value field, the output reads back with the same fields, each as
//!   its edited text (`&`, `=`, `%`, `+` in a replacement are encoded, never structure);
//! - a text body is one field, and its rewrite is exactly the edited text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veil_core::body::{BodyKind, Document};
use veil_core::config::JsonScanConfig;
use veil_fuzz::edits_for;

fuzz_target!(|data: &[u8]| {
    let cfg = JsonScanConfig::default();
    for kind in [BodyKind::Form, BodyKind::Text] {
        let Ok(doc) = Document::parse(data, kind, &cfg) else {
            assert!(
                std::str::from_utf8(data).is_err(),
                "only invalid UTF-8 is refused"
            );
            return;
        };
        assert_eq!(doc.rewrite(&[]).expect("no edits"), data);
        let (edits, expected) = edits_for(&doc);
        let out = doc.rewrite(&edits).expect("edits inside fields are valid");
        if kind == BodyKind::Text {
            assert_eq!(out, expected[0].as_bytes());
        }
        let again = Document::parse(&out, kind, &cfg).expect("Veil reads its own output");
        let texts: Vec<&str> = again.fields().iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, expected);
    }
});
