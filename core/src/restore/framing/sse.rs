//! `text/event-stream` (OpenAI, Anthropic, Gemini with `alt=sse`): events end at a blank
//! line (`sse_split`); `data:` lines carry the JSON; `data: [DONE]` closes OpenAI's streams.

use super::super::sse_split::{self, EventSplitter};
use super::{Framing, Overflow, Record};

#[derive(Default)]
pub struct Sse {
    splitter: EventSplitter,
}

fn record(raw: Vec<u8>) -> Record {
    let data = sse_split::data(&raw);
    let event = String::from_utf8_lossy(&raw)
        .split(['\n', '\r'])
        .find_map(|l| l.strip_prefix("event:"))
        .map(|e| e.trim().to_string());
    let closes = data.as_deref().is_some_and(|d| d.trim() == "[DONE]");
    Record {
        raw,
        event,
        data: data.filter(|_| !closes),
        closes,
    }
}

/// An event's lines, each with its ending (CRLF, LF, CR, or none for the last).
fn lines(raw: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < raw.len() {
        let end = match raw[i] {
            b'\n' => i + 1,
            b'\r' if raw.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push((&raw[start..i], &raw[i..end]));
        start = end;
        i = end;
    }
    if start < raw.len() {
        out.push((&raw[start..], &raw[raw.len()..]));
    }
    out
}

impl Framing for Sse {
    fn push(&mut self, chunk: &[u8]) -> Result<Vec<Record>, Overflow> {
        match self.splitter.push(chunk) {
            Ok(events) => Ok(events.into_iter().map(record).collect()),
            Err(sse_split::Overflow { events, tail }) => Err(Overflow {
                records: events.into_iter().map(record).collect(),
                tail,
            }),
        }
    }

    fn finish(&mut self) -> Vec<Record> {
        self.splitter.finish().map(record).into_iter().collect()
    }

    /// The event again with its data replaced: other lines and the line endings kept (CRLF,
    /// LF or CR, as the SSE grammar allows; the new data lines end as the event's first line).
    fn write(&mut self, record: &Record, data: &str, out: &mut Vec<u8>) {
        let lines = lines(&record.raw);
        let newline = lines.first().map_or(&b"\n"[..], |(_, end)| end);
        let mut wrote_data = false;
        for (line, end) in &lines {
            if line.starts_with(b"data:") {
                if !wrote_data {
                    for part in data.split('\n') {
                        out.extend_from_slice(b"data: ");
                        out.extend_from_slice(part.as_bytes());
                        out.extend_from_slice(newline);
                    }
                    wrote_data = true;
                }
            } else {
                out.extend_from_slice(line);
                out.extend_from_slice(end);
            }
        }
    }

    fn end_of_record(&self) -> &'static [u8] {
        b"\n\n"
    }

    fn write_new(&mut self, event: Option<&str>, data: &str, out: &mut Vec<u8>) {
        if let Some(name) = event {
            out.extend_from_slice(format!("event: {name}\n").as_bytes());
        }
        out.extend_from_slice(format!("data: {data}\n\n").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_with_cr_line_endings_are_rewritten_whole() {
        let mut f = Sse::default();
        let raw = b"event: x\rdata: {\"a\": 1}\r\rdata: {\"b\": 2}\r\n\r\n";
        let records = f.push(raw).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].event.as_deref(), Some("x"));
        let mut out = Vec::new();
        for r in &records {
            f.write(r, "{\"c\": 3}", &mut out);
        }
        assert_eq!(
            out,
            b"event: x\rdata: {\"c\": 3}\r\rdata: {\"c\": 3}\r\n\r\n"
        );
    }
}
