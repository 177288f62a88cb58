//! Splitting a `text/event-stream` body into events as network chunks arrive. An event ends
//! at a blank line; lines end with CRLF, LF or CR (the SSE grammar), and any of those may be
//! cut between chunks, as may a UTF-8 sequence. The incomplete tail is carried to the next
//! chunk; only whole events come out.

/// The longest event held while waiting for its end. Providers' events are a few KB; a
/// stream that sends more without a blank line is not one Veil can restore, and holding it
/// would let a hostile upstream grow the VM's memory without bound.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;

/// Carries the incomplete tail of a stream between chunks. Each byte is examined once (twice
/// for a CR that ends a chunk, which may be half of a CRLF), however the stream is cut.
#[derive(Debug)]
pub struct EventSplitter {
    tail: Vec<u8>,
    /// How far `tail` has been examined, and where its current line starts.
    scanned: usize,
    line_start: usize,
    limit: usize,
    /// Bytes examined in all, for the test that bounds it.
    #[cfg(test)]
    examined: usize,
}

impl Default for EventSplitter {
    fn default() -> Self {
        EventSplitter::with_limit(MAX_EVENT_BYTES)
    }
}

/// An event grew past the limit before its end: the events completed before it, and the
/// unfinished event's bytes, which the splitter no longer holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Overflow {
    pub events: Vec<Vec<u8>>,
    pub tail: Vec<u8>,
}

impl EventSplitter {
    pub fn new() -> Self {
        EventSplitter::default()
    }

    /// A splitter holding at most `limit` bytes of an unfinished event.
    pub fn with_limit(limit: usize) -> Self {
        EventSplitter {
            tail: Vec::new(),
            scanned: 0,
            line_start: 0,
            limit,
            #[cfg(test)]
            examined: 0,
        }
    }

    /// The whole events completed by `chunk`, each with its terminating blank line; or, when
    /// an unfinished event would grow past the limit, those events and the unfinished one's
    /// bytes, which the splitter no longer holds.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Vec<u8>>, Overflow> {
        self.tail.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut event_start = 0;
        let mut i = self.scanned;
        let b = &self.tail;
        while i < b.len() {
            #[cfg(test)]
            {
                self.examined += 1;
            }
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
            if i == self.line_start {
                // An empty line: the event is complete.
                events.push(b[event_start..end].to_vec());
                event_start = end;
            }
            self.line_start = end;
            i = end;
        }
        self.tail.drain(..event_start);
        self.scanned = i - event_start;
        self.line_start -= event_start;
        if self.tail.len() > self.limit {
            let tail = std::mem::take(&mut self.tail);
            *self = EventSplitter::with_limit(self.limit);
            return Err(Overflow { events, tail });
        }
        Ok(events)
    }

    /// What is left when the stream ends: an event without its closing blank line, if any.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        self.scanned = 0;
        self.line_start = 0;
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
        let mut out: Vec<Vec<u8>> = chunks.iter().flat_map(|c| s.push(c).unwrap()).collect();
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
        assert!(s.push(b"data: part").unwrap().is_empty());
        assert_eq!(s.carried(), 10);
        assert_eq!(
            s.push(b"ial\n\n").unwrap(),
            vec![b"data: partial\n\n".to_vec()]
        );
        assert!(s.push(b"data: no end").unwrap().is_empty());
        assert_eq!(s.finish(), Some(b"data: no end".to_vec()));
        assert_eq!(s.finish(), None);
    }

    #[test]
    fn an_event_past_the_limit_is_handed_back_whole() {
        let mut s = EventSplitter::with_limit(64);
        assert_eq!(
            s.push(b"data: a\n\ndata: ").unwrap(),
            vec![b"data: a\n\n".to_vec()]
        );
        let long = vec![b'x'; 100];
        let Err(Overflow { events, tail }) = s.push(&long) else {
            panic!("over the limit")
        };
        assert!(events.is_empty());
        assert_eq!(tail, [b"data: ".as_slice(), &long].concat());
        assert_eq!(s.carried(), 0, "nothing held after an overflow");
    }

    #[test]
    fn each_byte_is_examined_a_bounded_number_of_times() {
        // One long event fed a byte at a time: a rescan from the start on every chunk would
        // take the square of its length; resuming where the last chunk ended takes its length.
        let mut s = EventSplitter::with_limit(1 << 20);
        for _ in 0..200_000 {
            assert!(s.push(b"y").unwrap().is_empty());
        }
        assert_eq!(s.scanned, 200_000);
        let events = s.push(b"\n\n").unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].len(), 200_002);
        assert!(s.examined <= 2 * 200_002, "examined {} bytes", s.examined);
    }
}
