//! A strict JSON tokenizer (RFC 8259) that reports every string (and, when asked, every key
//! and number) with its path, its decoded text and a map back to the raw bytes.
//!
//! Written by hand because serde_json's values carry no byte positions: we need them to
//! rewrite a span without touching anything else in the body.

use super::offsets::OffsetMap;
use super::pointer::{render, Pointer};
use super::{BodyError, Field, FieldRole};
use crate::config::JsonScanConfig;
use crate::providers::Api;

/// A field before selection: its path as segments.
struct Raw {
    path: Vec<String>,
    field: Field,
}

pub(super) fn fields(
    text: &str,
    cfg: &JsonScanConfig,
    api: impl FnOnce(&[String]) -> Api,
) -> Result<(Api, Vec<Field>), BodyError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        path: Vec::new(),
        found: Vec::new(),
        top_keys: Vec::new(),
        cfg,
    };
    p.skip_ws();
    p.value(0)?;
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(p.error("unexpected characters after the top-level value"));
    }
    let shape = api(&p.top_keys);
    let structure = shape.structure();
    let unless_text = shape.structure_unless_text();
    // Objects whose `type` is "text": their conditional fields are content.
    let text_objects: Vec<&[String]> = if unless_text.is_empty() {
        Vec::new()
    } else {
        p.found
            .iter()
            .filter(|r| r.path.last().is_some_and(|k| k == "type") && r.field.text == "text")
            .map(|r| &r.path[..r.path.len() - 1])
            .collect()
    };
    let structural = |path: &[String]| {
        structure.iter().any(|q| q.covers(path))
            || unless_text.iter().any(|q| q.covers(path))
                && !text_objects.contains(&&path[..path.len() - 1])
    };
    let include: Vec<Pointer> = cfg.include.iter().map(|s| Pointer::parse(s)).collect();
    let exclude: Vec<Pointer> = cfg.exclude.iter().map(|s| Pointer::parse(s)).collect();
    let keep: Vec<bool> = p
        .found
        .iter()
        .map(|r| {
            (include.is_empty() || include.iter().any(|q| q.covers(&r.path)))
                && !exclude.iter().any(|q| q.covers(&r.path))
                && !structural(&r.path)
        })
        .collect();
    let fields = p
        .found
        .into_iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|(r, _)| r)
        .map(|r| Field {
            pointer: render(&r.path),
            ..r.field
        })
        .collect();
    Ok((shape, fields))
}

struct Parser<'t, 'c> {
    s: &'t [u8],
    text: &'t str,
    i: usize,
    path: Vec<String>,
    found: Vec<Raw>,
    top_keys: Vec<String>,
    cfg: &'c JsonScanConfig,
}

impl Parser<'_, '_> {
    fn error(&self, reason: &'static str) -> BodyError {
        BodyError::InvalidJson {
            offset: self.i,
            reason,
        }
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), BodyError> {
        match self.s.get(self.i) {
            None => Err(self.error("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let (text, raw, map) = self.string()?;
                self.push(FieldRole::Value, self.path.clone(), text, raw, map);
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                self.number()?;
                if self.cfg.scan_numbers.covers(&self.text[start..self.i]) {
                    let text = self.text[start..self.i].to_string();
                    self.push(
                        FieldRole::Number,
                        self.path.clone(),
                        text,
                        start..self.i,
                        OffsetMap::identity(start),
                    );
                }
                Ok(())
            }
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn push(
        &mut self,
        role: FieldRole,
        path: Vec<String>,
        text: String,
        raw: std::ops::Range<usize>,
        map: OffsetMap,
    ) {
        self.found.push(Raw {
            path,
            field: Field {
                pointer: String::new(),
                role,
                text,
                raw,
                map,
            },
        });
    }

    fn enter(&self, depth: usize) -> Result<(), BodyError> {
        if depth > self.cfg.max_depth {
            return Err(BodyError::TooDeep {
                max_depth: self.cfg.max_depth,
            });
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<(), BodyError> {
        self.enter(depth)?;
        self.i += 1;
        self.skip_ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let (key, raw, map) = self.string()?;
            if depth == 1 {
                self.top_keys.push(key.clone());
            }
            self.path.push(key.clone());
            if self.cfg.scan_keys {
                self.push(FieldRole::Key, self.path.clone(), key, raw, map);
            }
            self.skip_ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.error("expected `:` after a key"));
            }
            self.i += 1;
            self.skip_ws();
            self.value(depth)?;
            self.path.pop();
            self.skip_ws();
            match self.s.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), BodyError> {
        self.enter(depth)?;
        self.i += 1;
        self.skip_ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        let mut index = 0usize;
        loop {
            self.path.push(index.to_string());
            self.value(depth)?;
            self.path.pop();
            index += 1;
            self.skip_ws();
            match self.s.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), BodyError> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn number(&mut self) -> Result<(), BodyError> {
        let digits = |p: &mut Self| {
            let start = p.i;
            while p.i < p.s.len() && p.s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - start
        };
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(())
    }

    /// Decode the string starting at the opening quote; returns its text, the raw range inside
    /// the quotes, and the offset map.
    fn string(&mut self) -> Result<(String, std::ops::Range<usize>, OffsetMap), BodyError> {
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes.
        while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\' | 0..=0x1f) {
            self.i += 1;
        }
        if self.s.get(self.i) == Some(&b'"') {
            let text = self.text[start..self.i].to_string();
            self.i += 1;
            return Ok((text, start..self.i - 1, OffsetMap::identity(start)));
        }
        let mut out = self.text[start..self.i].to_string();
        let mut map = OffsetMap::identity(start);
        loop {
            let run = self.i;
            while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\' | 0..=0x1f) {
                self.i += 1;
            }
            out.push_str(&self.text[run..self.i]);
            match self.s.get(self.i) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok((out, start..self.i - 1, map));
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.push(c);
                    map.checkpoint(out.len(), self.i);
                }
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    /// Decode one escape sequence at `\`.
    fn escape(&mut self) -> Result<char, BodyError> {
        let c = match self.s.get(self.i + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = self.hex4(self.i + 2)?;
                self.i += 6;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.s.get(self.i) != Some(&b'\\') || self.s.get(self.i + 1) != Some(&b'u') {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    let lo = self.hex4(self.i + 2)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    self.i += 6;
                    let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    return char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"));
                }
                return char::from_u32(hi)
                    .ok_or_else(|| self.error("unpaired surrogate in \\u escape"));
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.i += 2;
        Ok(c)
    }

    fn hex4(&self, at: usize) -> Result<u32, BodyError> {
        let digits = self
            .s
            .get(at..at + 4)
            .ok_or_else(|| self.error("truncated \\u escape"))?;
        // Checked digit by digit: from_str_radix would also accept a leading `+`.
        digits.iter().try_fold(0u32, |acc, &b| {
            let d = (b as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            Ok(acc * 16 + d)
        })
    }
}
