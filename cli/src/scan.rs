//! The logic behind `veil scan`, kept apart from stdin/stdout so it is tested directly.

use serde::Serialize;
use veil_core::{Detection, Engine};

/// A finding as `veil scan` prints it: offsets in Unicode code points of the input text.
#[derive(Debug, Serialize, PartialEq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub score: f64,
}

/// One scanned input line.
#[derive(Debug, PartialEq)]
pub struct Line {
    pub spans: Vec<Span>,
    /// Bytes the classifier did not read (over `detection.classifier.max_bytes_per_request`;
    /// they got tier 1 only).
    pub classifier_skipped: usize,
}

/// Scan one input line (`{"text": "..."}`; other fields ignored) as one request, within the
/// classifier's bound. Errors describe the problem without echoing the input.
pub fn scan_line(engine: &Engine, line: &[u8]) -> Result<Line, String> {
    let line = std::str::from_utf8(line)
        .map_err(|e| format!("not valid UTF-8 (at byte {})", e.valid_up_to()))?;
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| format!("not valid JSON ({} at column {})", classify(&e), e.column()))?;
    let text = value
        .get("text")
        .ok_or("missing field \"text\"")?
        .as_str()
        .ok_or("field \"text\" must be a string")?;
    let mut budget = engine.request_budget();
    let found = engine.detect_budgeted(text, &mut budget);
    Ok(Line {
        spans: to_spans(text, found),
        classifier_skipped: budget.bytes_skipped,
    })
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of line",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "wrong type",
        serde_json::error::Category::Io => "read error",
    }
}

/// Detections in `text`, with byte offsets converted to code points.
pub fn spans(engine: &Engine, text: &str) -> Vec<Span> {
    to_spans(text, engine.detect(text))
}

fn to_spans(text: &str, found: Vec<Detection>) -> Vec<Span> {
    // One pass over the text converts every (sorted) offset.
    let mut out = Vec::with_capacity(found.len());
    let mut chars = 0;
    let mut byte = 0;
    let mut to_chars = |target: usize| {
        chars += text[byte..target].chars().count();
        byte = target;
        chars
    };
    for d in found {
        let start = to_chars(d.start);
        let end = to_chars(d.end);
        out.push(Span {
            start,
            end,
            label: d.entity.to_string(),
            score: (f64::from(d.score) * 100.0).round() / 100.0,
        });
    }
    out
}

pub fn spans_json(spans: &[Span]) -> String {
    serde_json::json!({ "spans": spans }).to_string()
}

/// A readable report for `--text`.
pub fn describe(engine: &Engine, text: &str) -> String {
    let found = engine.detect(text);
    if found.is_empty() {
        return "no personal data found\n".to_string();
    }
    let mut out = String::new();
    let mut masked = String::new();
    let mut at = 0;
    for d in &found {
        masked.push_str(&text[at..d.start]);
        masked.push_str(&format!("[{}]", d.entity));
        at = d.end;
    }
    masked.push_str(&text[at..]);
    let width = found
        .iter()
        .map(|d| d.entity.as_str().len())
        .max()
        .unwrap_or(0);
    for (d, s) in found.iter().zip(spans(engine, text)) {
        out.push_str(&format!(
            "{:<width$}  {:.2}  {:>4}..{:<4}  {}\n",
            d.entity.as_str(),
            d.score,
            s.start,
            s.end,
            &text[d.start..d.end],
        ));
    }
    out.push_str(&format!("\nmasked: {masked}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_code_points() {
        let engine = Engine::default();
        let spans = scan_line(
            &engine,
            "{\"text\": \"Zoë 😀 asks jane@corp.com\", \"id\": 7}".as_bytes(),
        )
        .unwrap()
        .spans;
        assert_eq!(
            spans,
            vec![Span {
                start: 11,
                end: 24,
                label: "EMAIL_ADDRESS".into(),
                score: 0.9
            }]
        );
    }

    #[test]
    fn bad_lines_are_described_without_echoing_input() {
        let engine = Engine::default();
        let secret = "jane@corp.com";
        for line in [
            format!("{{\"text\": \"{secret}\""),
            format!("{{\"txt\": \"{secret}\"}}"),
            "{\"text\": 5}".to_string(),
        ] {
            let err = scan_line(&engine, line.as_bytes()).unwrap_err();
            assert!(!err.contains(secret), "{err}");
        }
        assert!(scan_line(&engine, b"\xff").unwrap_err().contains("UTF-8"));
    }
}
