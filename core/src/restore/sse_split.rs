//! Splitting a `text/event-stream` body into events as network chunks arrive. An event ends
//! at a blank line; lines end with CRLF, LF or CR (the SSE grammar), and any of those may be
//! cut between chunks, as may a UTF-8 sequence. The incomplete tail is carried to the next
//! chunk; only whole events come out.

/// Carries the incomplete tail of a stream between chunks.
#[derive(Debug, Default)]
pub struct EventSplitter {
    tail: Vec<u8>,
}

impl EventSplitter {
    pub fn new() -> Self {
        EventSplitter::default()
    }

    /// The whole events completed by `chunk`, each with its terminating blank line.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        self.tail.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut event_start = 0;
        let mut line_start = 0;
        let mut i = 0;
        let b = &self.tail;
        while i < b.len() {
            let end = match b[i] {
                b'\n' => i + 1,
                b'\r' if i + 1 < b.len() => i + 1 + usize::from(b[i + 1] == b'\n'),
                // A CR last in the buffer may be the first half of a CRLF: wait for more.
                b'\r' => break,
                _ => {
                    i += 1;
                    continue;
                }
            };
            if i == line_start {
                // An empty line: the event is complete.
                events.push(b[event_start..end].to_vec());
                event_start = end;
            }
            line_start = end;
            i = end;
        }
        self.tail.drain(..event_start);
        events
    }

    /// What is left when the stream ends: an event without its closing blank line, if any.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        (!self.tail.is_empty()).then(|| std::mem::take(&mut self.tail))
    }

    /// Bytes carried to the next chunk.
    pub fn carried(&self) -> usize {
        self.tail.len()
    }
}

/// The `data` of an event: its `data:` lines joined by `\n` (one leading space dropped from
/// each), or `None` if it has none.
pub fn data(event: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(event);
    let lines: Vec<&str> = text
        .split(['\n', '\r'])
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "event: message\ndata: {\"a\": \"é\"}\n\n: comment\r\ndata: x\r\n\r\ndata: line1\rdata: line2\r\r";

    fn split_all(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut s = EventSplitter::new();
        let mut out: Vec<Vec<u8>> = chunks.iter().flat_map(|c| s.push(c)).collect();
        out.extend(s.finish());
        out
    }

    #[test]
    fn events_come_out_whole_however_the_stream_is_cut() {
        let bytes = STREAM.as_bytes();
        let whole = split_all(&[bytes]);
        assert_eq!(whole.len(), 3);
        assert_eq!(data(&whole[0]).as_deref(), Some("{\"a\": \"é\"}"));
        assert_eq!(data(&whole[1]).as_deref(), Some("x"));
        assert_eq!(data(&whole[2]).as_deref(), Some("line1\nline2"));
        for a in 0..=bytes.len() {
            for b in a..=bytes.len() {
                let got = split_all(&[&bytes[..a], &bytes[a..b], &bytes[b..]]);
                assert_eq!(got, whole, "cut at {a} and {b}");
            }
        }
    }

    #[test]
    fn an_unfinished_event_is_carried_then_flushed() {
        let mut s = EventSplitter::new();
        assert!(s.push(b"data: part").is_empty());
        assert_eq!(s.carried(), 10);
        assert_eq!(s.push(b"ial\n\n"), vec![b"data: partial\n\n".to_vec()]);
        assert!(s.push(b"data: no end").is_empty());
        assert_eq!(s.finish(), Some(b"data: no end".to_vec()));
        assert_eq!(s.finish(), None);
    }
}
