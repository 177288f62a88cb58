//! Streamed answers (SSE, NDJSON, a JSON array, AWS event stream) through the stream
//! restorer, cut into network chunks. The first byte picks the framing, the second the
//! chunking; the rest is the stream. Properties:
//! - any chunking restores exactly what the whole stream at once restores;
//! - when every record of the input carries valid JSON and the framing holds, every record of
//!   the output does too (a restored value is escaped for the place it lands in).
#![no_main]

use libfuzzer_sys::fuzz_target;
use veil_core::restore::framing::{EventStream, Framing, JsonArray, Ndjson, Sse};
use veil_core::restore::StreamRestorer;
use veil_fuzz::{cuts, token_map, Choices};

fn framing(choice: u8) -> Box<dyn Framing> {
    match choice % 4 {
        0 => Box::<Sse>::default(),
        1 => Box::<Ndjson>::default(),
        2 => Box::<JsonArray>::default(),
        _ => Box::<EventStream>::default(),
    }
}

fn restore(choice: u8, stream: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut restorer = StreamRestorer::new(token_map(), framing(choice));
    let mut out = Vec::new();
    let mut last = 0;
    for &c in cuts.iter().chain(std::iter::once(&stream.len())) {
        out.extend(restorer.push(&stream[last..c]));
        last = c;
    }
    out.extend(restorer.finish());
    out
}

/// Whether the stream is whole records under `choice`'s framing (ending on a record's end),
/// with JSON in every data record.
fn well_formed(choice: u8, stream: &[u8]) -> bool {
    let mut f = framing(choice);
    let Ok(records) = f.push(stream) else {
        return false;
    };
    f.finish().is_empty()
        && records.iter().all(|r| {
            r.closes
                || r.data
                    .as_deref()
                    .is_none_or(|d| serde_json::from_str::<serde::de::IgnoredAny>(d).is_ok())
        })
}

fuzz_target!(|data: &[u8]| {
    let mut choices = Choices(data);
    let (kind, chunking) = (choices.byte(), choices.byte());
    let stream = choices.rest();
    let whole = restore(kind, stream, &[]);
    let chunked = restore(kind, stream, &cuts(stream.len(), chunking));
    assert_eq!(whole, chunked, "the chunking changed the output");
    if well_formed(kind, stream) {
        assert!(well_formed(kind, &whole), "restoring broke a record");
    }
});
