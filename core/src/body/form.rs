//! `application/x-www-form-urlencoded` bodies: `key=value&...`, percent-decoded with `+` as a
//! space. Malformed `%` sequences (and escapes that are not UTF-8) read literally, as browsers
//! and servers read them; an edited value holding one is written afresh whole (`rewrite`).

use super::offsets::OffsetMap;
use super::pointer::{render, Pointer};
use super::{Field, FieldRole};
use crate::config::JsonScanConfig;

pub(super) fn fields(text: &str, cfg: &JsonScanConfig) -> Vec<Field> {
    let include: Vec<Pointer> = cfg.include.iter().map(|s| Pointer::parse(s)).collect();
    let exclude: Vec<Pointer> = cfg.exclude.iter().map(|s| Pointer::parse(s)).collect();
    let mut out = Vec::new();
    let mut pos = 0;
    for pair in text.split('&') {
        let (key_raw, value) = match pair.find('=') {
            Some(eq) => (&pair[..eq], Some((pos + eq + 1, &pair[eq + 1..]))),
            None => (pair, None),
        };
        let (key, key_map) = decode(key_raw, pos);
        let path = vec![key.clone()];
        let selected = (include.is_empty() || include.iter().any(|p| p.covers(&path)))
            && !exclude.iter().any(|p| p.covers(&path));
        if selected {
            if cfg.scan_keys && !key.is_empty() {
                out.push(Field {
                    pointer: render(&path),
                    role: FieldRole::Key,
                    text: key,
                    raw: pos..pos + key_raw.len(),
                    map: key_map,
                });
            }
            if let Some((start, raw)) = value {
                let (text, map) = decode(raw, start);
                out.push(Field {
                    pointer: render(&path),
                    role: FieldRole::Value,
                    text,
                    raw: start..start + raw.len(),
                    map,
                });
            }
        }
        pos += pair.len() + 1;
    }
    out
}

/// Percent-decode `raw` (which starts at body offset `start`). Bytes that decode to invalid
/// UTF-8 are kept in their encoded form so the text stays exact and rewritable.
fn decode(raw: &str, start: usize) -> (String, OffsetMap) {
    let b = raw.as_bytes();
    let mut map = OffsetMap::identity(start);
    if !raw.contains(['%', '+']) {
        return (raw.to_string(), map);
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                // Decode a run of %XX that forms whole UTF-8 chars.
                let mut bytes = Vec::new();
                let mut j = i;
                while j + 2 < b.len()
                    && b[j] == b'%'
                    && hex(b[j + 1]).is_some()
                    && hex(b[j + 2]).is_some()
                {
                    bytes.push(hex(b[j + 1]).unwrap_or(0) * 16 + hex(b[j + 2]).unwrap_or(0));
                    j += 3;
                }
                // The run's whole characters (up to a byte that is not UTF-8, which starts
                // the next run and stays literal there).
                let chars = match std::str::from_utf8(&bytes) {
                    Ok(s) => s,
                    Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
                };
                if chars.is_empty() {
                    out.push(b'%');
                    i += 1;
                    map.checkpoint(out.len(), start + i);
                    continue;
                }
                // A checkpoint after every character of the run (3 raw bytes per decoded
                // byte): a detection may start or end inside it.
                for c in chars.chars() {
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    i += 3 * c.len_utf8();
                    map.checkpoint(out.len(), start + i);
                }
                continue;
            }
            c => {
                out.push(c);
                i += 1;
                continue;
            }
        }
        map.checkpoint(out.len(), start + i);
    }
    (
        String::from_utf8(out).expect("decoded only whole UTF-8 chars"),
        map,
    )
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}
