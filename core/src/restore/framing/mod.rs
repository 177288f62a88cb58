//! How a streamed answer is cut into events, one file per framing: SSE (`sse`), NDJSON
//! (`ndjson`), a JSON array whose elements arrive one by one (`json_array`), and AWS's binary
//! event stream (`eventstream`). A framing finds whole records in network chunks (carrying an
//! incomplete one to the next chunk, at most `MAX_EVENT_BYTES` of it), hands out each
//! record's JSON data, and writes a record again with new data, or a new record for a
//! channel's held-back text. What the data means is the providers' business.

pub(crate) mod eventstream;
mod json_array;
mod ndjson;
mod sse;

pub use eventstream::EventStream;
pub use json_array::JsonArray;
pub use ndjson::Ndjson;
pub use sse::Sse;

pub use super::sse_split::MAX_EVENT_BYTES;

/// One record of a stream as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its bytes, written back unchanged when nothing in it changes.
    pub raw: Vec<u8>,
    /// The event's name, where the framing gives one (SSE `event:`, `:event-type`).
    pub event: Option<String>,
    /// Its JSON data, if it has data (not a comment, separator or the array's end).
    pub data: Option<String>,
    /// The stream's end marker (SSE `[DONE]`, a JSON array's `]`): every channel's held-back
    /// text goes out before it.
    pub closes: bool,
}

impl Record {
    /// A record that carries nothing to restore.
    pub fn opaque(raw: Vec<u8>) -> Record {
        Record {
            raw,
            event: None,
            data: None,
            closes: false,
        }
    }
}

/// A record grew past the limit before its end, or the stream broke the framing's rules: the
/// records completed before, and the bytes the framing no longer holds. The rest of the
/// stream passes as it comes.
#[derive(Debug, PartialEq, Eq)]
pub struct Overflow {
    pub records: Vec<Record>,
    pub tail: Vec<u8>,
}

pub trait Framing: Send {
    /// The whole records completed by `chunk`.
    fn push(&mut self, chunk: &[u8]) -> Result<Vec<Record>, Overflow>;
    /// What is left when the stream ends (a record without its terminator, if any).
    fn finish(&mut self) -> Vec<Record>;
    /// `record` again with its data replaced by `data`.
    fn write(&mut self, record: &Record, data: &str, out: &mut Vec<u8>);
    /// A new record named `event` carrying `data`, placed before the record being handled.
    fn write_new(&mut self, event: Option<&str>, data: &str, out: &mut Vec<u8>);
    /// What ends a record, written after a last record the stream left unterminated when new
    /// records follow it (nothing where records carry their own length or separator).
    fn end_of_record(&self) -> &'static [u8] {
        b""
    }
}
