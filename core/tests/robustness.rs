//! Robustness: the body reader and the engine never panic, whatever the input, and agree with
//! serde_json on what is valid JSON. Inputs are truncations and deterministic random mutations
//! of realistic bodies (a fixed-seed xorshift, so failures reproduce).

use veil_core::body::{BodyKind, Document, Edit};
use veil_core::config::JsonScanConfig;
use veil_core::Engine;

const BODY: &str = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"Hi, I'm Jane (jane@corp.com, +44 20 7946 0958). Card 4111 1111 1111 1111, SSN 536-90-4399, caf\u00e9 \ud83d\ude00 \"quoted\"\n"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"iban\":\"DE89 3704 0044 0532 0130 00\",\"n\":[1,2.5e3,-0,true,null]}"}}]}],"temperature":0.2}"#;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parse, detect, rewrite every finding; the result must be valid JSON when the input was.
fn mask_roundtrip(engine: &Engine, input: &[u8]) {
    let ours = Document::parse(input, BodyKind::Json, &JsonScanConfig::default());
    let theirs = serde_json::from_slice::<serde_json::Value>(input);
    assert_eq!(
        ours.is_ok(),
        theirs.is_ok(),
        "validity disagrees on {:?}: ours {:?}",
        String::from_utf8_lossy(input),
        ours.err()
    );
    let Ok(doc) = ours else { return };
    let edits: Vec<Edit> = doc
        .detect(engine)
        .into_iter()
        .map(|f| f.edit(format!("<{}>\"\\", f.detection.entity)))
        .collect();
    let out = doc.rewrite(&edits).expect("edits from detection are valid");
    serde_json::from_slice::<serde_json::Value>(&out).expect("rewritten body is valid JSON");
}

#[test]
fn every_truncation_is_handled() {
    let engine = Engine::default();
    for end in 0..=BODY.len() {
        mask_roundtrip(&engine, &BODY.as_bytes()[..end]);
    }
}

#[test]
fn random_mutations_are_handled() {
    let engine = Engine::default();
    let mut rng = XorShift(0x5eed_1234_abcd_0001);
    let alphabet = b"{}[]\",:\\u0123456789abcdefAEZ-+. \n\t\xff\xc3\xa9";
    for _ in 0..3000 {
        let mut bytes = BODY.as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = alphabet[rng.below(alphabet.len())],
                1 => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        mask_roundtrip(&engine, &bytes);
    }
}

#[test]
fn engine_spans_are_sorted_disjoint_and_on_char_boundaries() {
    let engine = Engine::default();
    let mut rng = XorShift(0xfeed_beef_0000_0042);
    let pieces = [
        "0",
        "1",
        "4",
        "9",
        " ",
        "-",
        ".",
        "/",
        ":",
        "(",
        ")",
        "+",
        "@",
        "a",
        "Z",
        "é",
        "😀",
        "年",
        "\n",
        "|",
        ",",
        "x",
        "IBAN ",
        "call ",
        "SSN ",
        "March ",
        "-----BEGIN RSA PRIVATE KEY-----",
        "sk-",
        "eyJ",
        "://",
        "0x",
        "bc1",
        "GB82 ",
        "AB",
    ];
    for _ in 0..3000 {
        let text: String = (0..rng.below(80))
            .map(|_| pieces[rng.below(pieces.len())])
            .collect();
        let found = engine.detect(&text);
        let mut last_end = 0;
        for d in &found {
            assert!(
                d.start >= last_end && d.start < d.end,
                "{text:?}: {found:?}"
            );
            assert!(
                text.is_char_boundary(d.start) && text.is_char_boundary(d.end),
                "{text:?}"
            );
            last_end = d.end;
        }
    }
}

/// The region gate (`Haystack::with_gate`) is an optimisation only: over every corpus example
/// and random text, with every kind enabled, gated and ungated detection agree exactly. A
/// recognizer that searched the regions with a pattern missing from its `region_patterns`
/// would trip the gate's debug assertion here.
#[test]
fn gated_and_ungated_agree() {
    use veil_core::config::DetectionConfig;
    let mut entities: Vec<String> = veil_kinds::kind::defaults(false)
        .map(|e| e.to_string())
        .collect();
    entities.push("URL".into());
    let engine = Engine::new(&DetectionConfig {
        entities: Some(entities),
        ..Default::default()
    })
    .unwrap();
    let mut texts = Vec::new();
    for dir in ["corpus", "corpus-heldout"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(dir);
        for entry in std::fs::read_dir(dir).unwrap() {
            let body = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            texts.extend(
                body.split("\n---\n")
                    .map(|t| t.replace(['⟦', '⟧'], " ").replace('|', " ")),
            );
        }
    }
    assert!(texts.len() > 700, "corpora missing: {} texts", texts.len());
    let mut rng = XorShift(0x9a7e_0000_1111_2222);
    let pieces = [
        "4111 1111 1111 1111",
        " ",
        "536-90-4399",
        "x",
        "10.0.0.1",
        "AB 12 34 56 C",
        "\n",
        "5 March 1990",
        "00:1A:2B:3C:4D:5E",
        "GB82 WEST 1234 5698 7654 32",
    ];
    for _ in 0..500 {
        texts.push(
            (0..rng.below(20))
                .map(|_| pieces[rng.below(pieces.len())])
                .collect(),
        );
    }
    for t in &texts {
        assert_eq!(
            engine.detect(t),
            engine.detect_ungated(t),
            "gate changed the result for {t:?}"
        );
    }
}

/// Context is looked up lazily, in overlap order (the longest value first), so a value far
/// down a long table may be looked up before any row above it: it still finds its column's
/// header.
#[test]
fn a_table_header_is_found_whatever_order_values_are_looked_up_in() {
    let mut text = String::from("name,routing,note\n");
    for i in 0..300 {
        text.push_str(match i {
            100 => "x,021000021,y\n",
            250 => "x,0210-0002-1,y\n",
            _ => "x,1,y\n",
        });
    }
    let found: Vec<&str> = Engine::default()
        .detect(&text)
        .iter()
        .filter(|d| d.entity.as_str() == "ABA_ROUTING_NUMBER")
        .map(|d| &text[d.start..d.end])
        .collect();
    assert_eq!(found, ["021000021", "0210-0002-1"]);
}

/// A CJK date split across two regions is not one date: regional patterns never match across
/// the line breaks that join the regions (this once reported a span ending inside a
/// character, and panicked slicing it).
#[test]
fn a_cjk_date_never_spans_two_regions() {
    for text in ["2024年 x 3月5日 10.0.0.1", "2024年  x 3月5日 10.0.0.1"] {
        let found = Engine::default().detect(text);
        assert!(
            found.iter().all(|d| d.entity.as_str() != "DATE_TIME"),
            "{text}: {found:?}"
        );
        assert!(found.iter().any(|d| d.entity.as_str() == "IP_ADDRESS"));
    }
    let found = Engine::default().detect("生日 2024年7月31日");
    assert_eq!(found.len(), 1);
}
