//! AWS's binary event stream (`application/vnd.amazon.eventstream`: Bedrock's ConverseStream
//! and InvokeModelWithResponseStream). Each frame is a prelude (total length, headers length,
//! CRC32 of the two), headers (`:event-type`, `:content-type`, `:message-type`), a JSON
//! payload and a CRC32 of all that came before. InvokeModel's frames are `chunk` events whose
//! payload wraps the model's own event in base64 (`{"bytes": "…"}`): the record's data is that
//! inner event. A rewritten frame gets its lengths and both CRCs again.
//!
//! Written by hand: the AWS SDK's codec pulls in the SDK's runtime, far too much for a wasm
//! filter, for a format that is a dozen lines to read and write.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::Value;

use super::{Framing, Overflow, Record, MAX_EVENT_BYTES};

const PRELUDE: usize = 12;
const MIN_FRAME: usize = PRELUDE + 4;

#[derive(Default)]
pub struct EventStream {
    tail: Vec<u8>,
    /// InvokeModel's stream: new records are `chunk` frames wrapping the model's event.
    chunks: bool,
    /// A frame broke the format: the rest passes as it comes.
    broken: bool,
}

/// A frame's parts.
struct Frame<'a> {
    headers: &'a [u8],
    payload: &'a [u8],
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// The length of the frame at the start of `b` once its prelude is complete and valid,
/// `Ok(None)` while it is incomplete, `Err` when it cannot be a frame.
fn frame_len(b: &[u8]) -> Result<Option<usize>, ()> {
    if b.len() < PRELUDE {
        return Ok(None);
    }
    let (total, headers) = (u32_at(b, 0), u32_at(b, 4));
    if !(MIN_FRAME..=MAX_EVENT_BYTES).contains(&total)
        || headers > total - MIN_FRAME
        || crc32fast::hash(&b[..8]) as usize != u32_at(b, 8)
    {
        return Err(());
    }
    Ok((b.len() >= total).then_some(total))
}

fn parse(frame: &[u8]) -> Option<Frame<'_>> {
    let total = frame.len();
    if crc32fast::hash(&frame[..total - 4]) as usize != u32_at(frame, total - 4) {
        return None;
    }
    let headers_len = u32_at(frame, 4);
    Some(Frame {
        headers: &frame[PRELUDE..PRELUDE + headers_len],
        payload: &frame[PRELUDE + headers_len..total - 4],
    })
}

/// The string header `name`, if present. Other header types are skipped by their sizes.
fn header<'a>(mut h: &'a [u8], name: &str) -> Option<&'a str> {
    while !h.is_empty() {
        let n = *h.first()? as usize;
        let key = h.get(1..1 + n)?;
        let kind = *h.get(1 + n)?;
        h = &h[2 + n..];
        let size = match kind {
            0 | 1 => 0,
            2 => 1,
            3 => 2,
            4 => 4,
            5 | 8 => 8,
            9 => 16,
            6 | 7 => 2 + u16::from_be_bytes([*h.first()?, *h.get(1)?]) as usize,
            _ => return None,
        };
        let value = h.get(..size)?;
        if kind == 7 && key == name.as_bytes() {
            return std::str::from_utf8(&value[2..]).ok();
        }
        h = &h[size..];
    }
    None
}

fn encode(headers: &[u8], payload: &[u8], out: &mut Vec<u8>) {
    let total = MIN_FRAME + headers.len() + payload.len();
    let start = out.len();
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out[start..start + 8]);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(headers);
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn string_headers(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut h = Vec::new();
    for (name, value) in pairs {
        h.push(name.len() as u8);
        h.extend_from_slice(name.as_bytes());
        h.push(7);
        h.extend_from_slice(&(value.len() as u16).to_be_bytes());
        h.extend_from_slice(value.as_bytes());
    }
    h
}

impl EventStream {
    fn record(&mut self, raw: Vec<u8>) -> Option<Record> {
        let frame = parse(&raw)?;
        let event = header(frame.headers, ":event-type").map(str::to_string);
        if header(frame.headers, ":message-type") != Some("event") {
            return Some(Record::opaque(raw)); // exceptions and errors pass as they are
        }
        let data = if event.as_deref() == Some("chunk") {
            self.chunks = true;
            let payload: Value = serde_json::from_slice(frame.payload).ok()?;
            let inner = BASE64.decode(payload["bytes"].as_str()?).ok()?;
            String::from_utf8(inner).ok()?
        } else {
            String::from_utf8(frame.payload.to_vec()).ok()?
        };
        Some(Record {
            raw,
            event,
            data: Some(data),
            closes: false,
        })
    }
}

impl Framing for EventStream {
    fn push(&mut self, chunk: &[u8]) -> Result<Vec<Record>, Overflow> {
        if self.broken {
            return Ok(vec![Record::opaque(chunk.to_vec())]);
        }
        self.tail.extend_from_slice(chunk);
        let mut records = Vec::new();
        loop {
            match frame_len(&self.tail) {
                Ok(None) => return Ok(records),
                Ok(Some(len)) => {
                    let rest = self.tail.split_off(len);
                    let raw = std::mem::replace(&mut self.tail, rest);
                    match self.record(raw.clone()) {
                        Some(record) => records.push(record),
                        None => {
                            self.broken = true;
                            let tail = [raw, std::mem::take(&mut self.tail)].concat();
                            return Err(Overflow { records, tail });
                        }
                    }
                }
                Err(()) => {
                    self.broken = true;
                    let tail = std::mem::take(&mut self.tail);
                    return Err(Overflow { records, tail });
                }
            }
        }
    }

    fn finish(&mut self) -> Vec<Record> {
        let tail = std::mem::take(&mut self.tail);
        (!tail.is_empty())
            .then(|| Record::opaque(tail))
            .into_iter()
            .collect()
    }

    fn write(&mut self, record: &Record, data: &str, out: &mut Vec<u8>) {
        let Some(frame) = parse(&record.raw) else {
            out.extend_from_slice(&record.raw);
            return;
        };
        if record.event.as_deref() == Some("chunk") {
            let mut payload: Value = serde_json::from_slice(frame.payload)
                .unwrap_or_else(|_| Value::Object(Default::default()));
            payload["bytes"] = Value::String(BASE64.encode(data));
            encode(frame.headers, payload.to_string().as_bytes(), out);
        } else {
            encode(frame.headers, data.as_bytes(), out);
        }
    }

    fn write_new(&mut self, event: Option<&str>, data: &str, out: &mut Vec<u8>) {
        let common = [
            (":content-type", "application/json"),
            (":message-type", "event"),
        ];
        if self.chunks {
            let payload = serde_json::json!({"bytes": BASE64.encode(data)}).to_string();
            let headers = string_headers(&[&[(":event-type", "chunk")], &common[..]].concat());
            encode(&headers, payload.as_bytes(), out);
        } else {
            let name = event.unwrap_or("contentBlockDelta");
            let headers = string_headers(&[&[(":event-type", name)], &common[..]].concat());
            encode(&headers, data.as_bytes(), out);
        }
    }
}

/// One frame, for tests here and in `restore::stream`.
#[cfg(test)]
pub(crate) fn frame(event: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let headers = string_headers(&[
        (":event-type", event),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ]);
    encode(&headers, payload, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_come_out_whole_however_the_stream_is_cut() {
        let stream = [
            frame(
                "contentBlockDelta",
                br#"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#,
            ),
            frame("messageStop", br#"{"stopReason":"end_turn"}"#),
        ]
        .concat();
        for cut in 0..=stream.len() {
            let mut f = EventStream::default();
            let mut got = f.push(&stream[..cut]).unwrap();
            got.extend(f.push(&stream[cut..]).unwrap());
            assert!(f.finish().is_empty());
            let events: Vec<_> = got.iter().map(|r| r.event.clone().unwrap()).collect();
            assert_eq!(events, ["contentBlockDelta", "messageStop"], "cut at {cut}");
            assert_eq!(got[1].data.as_deref(), Some(r#"{"stopReason":"end_turn"}"#));
        }
    }

    #[test]
    fn a_rewritten_frame_has_right_lengths_and_crcs() {
        let raw = frame("contentBlockDelta", br#"{"delta":{"text":"a"}}"#);
        let mut f = EventStream::default();
        let record = f.push(&raw).unwrap().remove(0);
        let mut out = Vec::new();
        f.write(&record, r#"{"delta":{"text":"a longer text"}}"#, &mut out);
        let again = f.push(&out).unwrap().remove(0);
        assert_eq!(
            again.data.as_deref(),
            Some(r#"{"delta":{"text":"a longer text"}}"#)
        );
        assert_eq!(again.event.as_deref(), Some("contentBlockDelta"));
    }

    #[test]
    fn chunks_wrap_the_models_event_in_base64() {
        let inner =
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#;
        let payload = serde_json::json!({"bytes": BASE64.encode(inner), "p": "abc"}).to_string();
        let mut f = EventStream::default();
        let record = f
            .push(&frame("chunk", payload.as_bytes()))
            .unwrap()
            .remove(0);
        assert_eq!(record.data.as_deref(), Some(inner));
        let mut out = Vec::new();
        f.write_new(Some("content_block_delta"), "{\"x\":1}", &mut out);
        let flushed = f.push(&out).unwrap().remove(0);
        assert_eq!(flushed.event.as_deref(), Some("chunk"));
        assert_eq!(flushed.data.as_deref(), Some("{\"x\":1}"));
    }

    #[test]
    fn a_corrupt_frame_stops_restoring_and_passes_the_rest() {
        let mut raw = frame("contentBlockDelta", br#"{"delta":{"text":"a"}}"#);
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let mut f = EventStream::default();
        let Err(Overflow { records, tail }) = f.push(&raw) else {
            panic!("a bad CRC is refused")
        };
        assert!(records.is_empty());
        assert_eq!(tail, raw);
        assert_eq!(f.push(b"more").unwrap()[0].raw, b"more");
        let mut huge = frame("x", b"{}");
        huge[..4].copy_from_slice(&((MAX_EVENT_BYTES + 1) as u32).to_be_bytes());
        assert!(EventStream::default().push(&huge).is_err());
    }
}
