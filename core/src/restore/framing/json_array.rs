//! A JSON array whose elements arrive one by one (Gemini's `streamGenerateContent` without
//! `alt=sse`): `[{…}\r\n,{…}\r\n]`. A record is one element with the separator before it;
//! the closing `]` is a record of its own that closes the stream. A body that is not an
//! array is not a stream of this kind: it passes as it comes.

use super::{Framing, Overflow, Record, MAX_EVENT_BYTES};

#[derive(Default)]
pub struct JsonArray {
    tail: Vec<u8>,
    /// How far `tail` has been examined, and the scanner's state there.
    scanned: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Where the element being read starts in `tail`.
    element: Option<usize>,
    /// The array has closed (or the body is not an array): the rest passes.
    done: bool,
}

impl Framing for JsonArray {
    fn push(&mut self, chunk: &[u8]) -> Result<Vec<Record>, Overflow> {
        if self.done {
            return Ok(vec![Record::opaque(chunk.to_vec())]);
        }
        self.tail.extend_from_slice(chunk);
        let mut records = Vec::new();
        let mut start = 0;
        let mut i = self.scanned;
        while i < self.tail.len() {
            let b = self.tail[i];
            i += 1;
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' if self.depth == 0 && b == b'{' => {
                    // Not an array: nothing here is a stream of elements.
                    self.done = true;
                    records.push(Record::opaque(self.tail.split_off(start)));
                    self.tail.clear();
                    self.scanned = 0;
                    return Ok(records);
                }
                b'[' | b'{' => {
                    if self.depth == 1 {
                        self.element = Some(i - 1);
                    }
                    self.depth += 1;
                }
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 1 {
                        if let Some(at) = self.element.take() {
                            let raw = self.tail[start..i].to_vec();
                            // `write` keeps the bytes before the element: the element's text
                            // must be exactly its bytes (an element not UTF-8 passes as is).
                            let data = std::str::from_utf8(&self.tail[at..i])
                                .ok()
                                .map(str::to_string);
                            records.push(Record {
                                raw,
                                event: None,
                                data,
                                closes: false,
                            });
                            start = i;
                        }
                    } else if self.depth == 0 {
                        records.push(Record {
                            closes: true,
                            ..Record::opaque(self.tail[start..i].to_vec())
                        });
                        self.done = true;
                        let rest = self.tail.split_off(i);
                        if !rest.is_empty() {
                            records.push(Record::opaque(rest));
                        }
                        self.tail.clear();
                        self.scanned = 0;
                        return Ok(records);
                    }
                }
                _ => {}
            }
        }
        self.tail.drain(..start);
        self.element = self.element.map(|e| e - start);
        self.scanned = self.tail.len();
        if self.tail.len() > MAX_EVENT_BYTES {
            self.done = true;
            self.scanned = 0;
            return Err(Overflow {
                records,
                tail: std::mem::take(&mut self.tail),
            });
        }
        Ok(records)
    }

    fn finish(&mut self) -> Vec<Record> {
        let tail = std::mem::take(&mut self.tail);
        (!tail.is_empty())
            .then(|| Record::opaque(tail))
            .into_iter()
            .collect()
    }

    /// The separator and whitespace before the element, then the new element.
    fn write(&mut self, record: &Record, data: &str, out: &mut Vec<u8>) {
        let old = record.data.as_deref().map_or(0, str::len);
        out.extend_from_slice(&record.raw[..record.raw.len() - old]);
        out.extend_from_slice(data.as_bytes());
    }

    /// A new element: it follows one already sent (channels exist only after an element).
    fn write_new(&mut self, _event: Option<&str>, data: &str, out: &mut Vec<u8>) {
        out.push(b',');
        out.extend_from_slice(data.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "[{\"a\": \"x]}\\\"\"}\r\n,{\"b\": [1, {\"c\": 2}]}\r\n]\n";

    fn all(chunks: &[&[u8]]) -> Vec<Record> {
        let mut f = JsonArray::default();
        let mut out: Vec<Record> = chunks.iter().flat_map(|c| f.push(c).unwrap()).collect();
        out.extend(f.finish());
        out
    }

    #[test]
    fn elements_come_out_whole_however_the_stream_is_cut() {
        let bytes = STREAM.as_bytes();
        for cut in 0..=bytes.len() {
            let got = all(&[&bytes[..cut], &bytes[cut..]]);
            let data: Vec<_> = got.iter().filter_map(|r| r.data.clone()).collect();
            assert_eq!(
                data,
                ["{\"a\": \"x]}\\\"\"}", "{\"b\": [1, {\"c\": 2}]}"],
                "cut at {cut}"
            );
            assert_eq!(got.iter().filter(|r| r.closes).count(), 1, "cut at {cut}");
            let raw: Vec<u8> = got.iter().flat_map(|r| r.raw.clone()).collect();
            assert_eq!(raw, bytes, "cut at {cut}");
        }
    }

    #[test]
    fn an_element_that_is_not_utf8_passes_as_it_came() {
        let stream = b"[{\"a\": \"\xff\xfe\"}\r\n,{\"b\": 1}]";
        let got = all(&[stream]);
        assert_eq!(got[0].data, None, "not text: nothing to restore in it");
        assert_eq!(got[1].data.as_deref(), Some("{\"b\": 1}"));
        let raw: Vec<u8> = got.iter().flat_map(|r| r.raw.clone()).collect();
        assert_eq!(raw, stream);
    }

    #[test]
    fn a_body_that_is_not_an_array_passes() {
        let got = all(&[b" {\"error\": ", b"{\"code\": 400}}"]);
        assert!(got.iter().all(|r| r.data.is_none() && !r.closes));
        let raw: Vec<u8> = got.iter().flat_map(|r| r.raw.clone()).collect();
        assert_eq!(raw, b" {\"error\": {\"code\": 400}}");
    }

    #[test]
    fn new_elements_keep_the_array_valid() {
        let mut f = JsonArray::default();
        let mut out = Vec::new();
        let records = f.push(STREAM.as_bytes()).unwrap();
        out.extend_from_slice(&records[0].raw);
        f.write_new(None, "{\"flushed\": 1}", &mut out);
        f.write(&records[1], "{\"b\": 0}", &mut out);
        for r in &records[2..] {
            out.extend_from_slice(&r.raw);
        }
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[1]["flushed"], 1);
        assert_eq!(v[2]["b"], 0);
    }
}
