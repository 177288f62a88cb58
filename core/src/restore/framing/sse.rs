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

    /// The event again with its data replaced: other lines and the line endings kept.
    fn write(&mut self, record: &Record, data: &str, out: &mut Vec<u8>) {
        let text = String::from_utf8_lossy(&record.raw);
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut wrote_data = false;
        for line in text.split_inclusive(['\n']) {
            let bare = line.trim_end_matches(['\r', '\n']);
            if bare.starts_with("data:") {
                if !wrote_data {
                    for part in data.split('\n') {
                        out.extend_from_slice(format!("data: {part}{newline}").as_bytes());
                    }
                    wrote_data = true;
                }
            } else {
                out.extend_from_slice(line.as_bytes());
            }
        }
    }

    fn write_new(&mut self, event: Option<&str>, data: &str, out: &mut Vec<u8>) {
        if let Some(name) = event {
            out.extend_from_slice(format!("event: {name}\n").as_bytes());
        }
        out.extend_from_slice(format!("data: {data}\n\n").as_bytes());
    }
}
