//! `application/x-ndjson` (Ollama's native API): one JSON value per line.

use super::{Framing, Overflow, Record, MAX_EVENT_BYTES};

#[derive(Default)]
pub struct Ndjson {
    tail: Vec<u8>,
    /// How much of `tail` holds no newline (each byte examined once).
    scanned: usize,
}

fn record(raw: Vec<u8>) -> Record {
    let line = String::from_utf8_lossy(&raw);
    let data = line.trim_end_matches(['\r', '\n']);
    Record {
        data: (!data.trim().is_empty()).then(|| data.to_string()),
        raw,
        event: None,
        closes: false,
    }
}

impl Framing for Ndjson {
    fn push(&mut self, chunk: &[u8]) -> Result<Vec<Record>, Overflow> {
        self.tail.extend_from_slice(chunk);
        let mut records = Vec::new();
        let mut start = 0;
        let mut i = self.scanned;
        while let Some(n) = memchr::memchr(b'\n', &self.tail[i..]) {
            records.push(record(self.tail[start..i + n + 1].to_vec()));
            start = i + n + 1;
            i = start;
        }
        self.tail.drain(..start);
        self.scanned = self.tail.len();
        if self.tail.len() > MAX_EVENT_BYTES {
            self.scanned = 0;
            return Err(Overflow {
                records,
                tail: std::mem::take(&mut self.tail),
            });
        }
        Ok(records)
    }

    fn finish(&mut self) -> Vec<Record> {
        self.scanned = 0;
        let tail = std::mem::take(&mut self.tail);
        (!tail.is_empty())
            .then(|| record(tail))
            .into_iter()
            .collect()
    }

    fn write(&mut self, record: &Record, data: &str, out: &mut Vec<u8>) {
        let raw = &record.raw;
        let body_len = raw.len()
            - raw
                .iter()
                .rev()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        out.extend_from_slice(data.as_bytes());
        out.extend_from_slice(&raw[body_len..]);
    }

    fn end_of_record(&self) -> &'static [u8] {
        b"\n"
    }

    fn write_new(&mut self, _event: Option<&str>, data: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(data.as_bytes());
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_out_whole_however_the_stream_is_cut() {
        let stream = b"{\"a\":1}\n{\"b\":\"\xc3\xa9\"}\r\n\n{\"c\":3}";
        for cut in 0..=stream.len() {
            let mut f = Ndjson::default();
            let mut got = f.push(&stream[..cut]).unwrap();
            got.extend(f.push(&stream[cut..]).unwrap());
            got.extend(f.finish());
            let data: Vec<_> = got.iter().map(|r| r.data.clone()).collect();
            assert_eq!(
                data,
                [
                    Some("{\"a\":1}".into()),
                    Some("{\"b\":\"é\"}".into()),
                    None,
                    Some("{\"c\":3}".into())
                ],
                "cut at {cut}"
            );
            let raw: Vec<u8> = got.iter().flat_map(|r| r.raw.clone()).collect();
            assert_eq!(raw, stream);
        }
    }

    #[test]
    fn a_line_past_the_limit_is_handed_back() {
        let mut f = Ndjson::default();
        let long = vec![b'x'; MAX_EVENT_BYTES + 1];
        let Err(Overflow { records, tail }) = f.push(&long) else {
            panic!("over the limit")
        };
        assert!(records.is_empty());
        assert_eq!(tail.len(), long.len());
    }
}
