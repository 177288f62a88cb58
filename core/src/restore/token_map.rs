//! The tokens a response may contain and their values (`TokenMap`), and the one algorithm
//! that finds them in text: whole (a buffered answer) or piece by piece (`TextStreamRestorer`
//! drives it with `last = false` and holds back what could still become a token).
//!
//! What counts as the model using a token (tested in this file):
//! - the token exactly, in any ASCII case (`PERSON_7QF2`, `person_7qf2`): restored;
//! - punctuation glued to it (`Person_7QF2,`, `(Person_7QF2)`, `Person_7QF2's`): restored,
//!   the punctuation kept;
//! - a plural (`Person_7QF2s`, `Person_7QF2es`): restored, the suffix kept (`Jane Roes`);
//! - the token inside a longer word or number (`xPerson_7QF2`, `Person_7QF2X`, `40073 6555…`):
//!   not a token, left as written;
//! - a structured token the model reformatted (`324.555.0177` for `(324) 555-0177`): left as
//!   written. Only exact spellings are restored; the model saw the token's own format, and
//!   guessing at digits could put a real value where it does not belong;
//! - a token inside a URL (`url.rs`): left as written, counted, unless the map restores in
//!   URLs.

use std::sync::atomic::{AtomicU64, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::url::UrlContext;

/// Up to this many tokens, a map searches directly instead of building an automaton.
const SMALL: usize = 32;

/// The tokens a response may contain and their values.
#[derive(Debug)]
pub struct TokenMap {
    tokens: Vec<String>,
    values: Vec<String>,
    /// For many tokens; a few (the usual answer) are searched directly (`SMALL`).
    matcher: Option<AhoCorasick>,
    /// Lowercased first bytes of the tokens: a held-back tail must start with one.
    first_bytes: [bool; 256],
    max_len: usize,
    /// Restore tokens that stand inside a URL too (off by default: see `url.rs`).
    in_urls: bool,
    /// Tokens restored so far, and tokens left in place inside URLs, for the counters.
    restored: AtomicU64,
    kept_in_urls: AtomicU64,
}

/// What restoring a stream carries from one piece to the next: the last byte sent (a token
/// right after a letter or digit is part of a longer word) and where the text stands with
/// respect to URLs.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Carry {
    pub(super) last_byte: Option<u8>,
    pub(super) url: UrlContext,
}

impl TokenMap {
    /// A map from (token, value) pairs. Empty tokens are ignored; a repeated token keeps its
    /// first value.
    pub fn new<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut tokens = Vec::new();
        let mut values = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (t, v) in pairs {
            if !t.is_empty() && seen.insert(t.to_ascii_lowercase()) {
                tokens.push(t);
                values.push(v);
            }
        }
        // A map is built per request. For a few tokens, building an automaton costs more
        // than the search it serves (aho-corasick took 20-75 µs natively for six tokens, more
        // in wasm): those are compared directly at each position whose byte can start one.
        let matcher = (tokens.len() > SMALL).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&tokens)
                .expect("a few thousand short literals always build")
        });
        let mut first_bytes = [false; 256];
        for t in &tokens {
            first_bytes[t.as_bytes()[0].to_ascii_lowercase() as usize] = true;
        }
        let max_len = tokens.iter().map(String::len).max().unwrap_or(0);
        TokenMap {
            tokens,
            values,
            matcher,
            first_bytes,
            max_len,
            in_urls: false,
            restored: AtomicU64::new(0),
            kept_in_urls: AtomicU64::new(0),
        }
    }

    /// This map, restoring tokens inside URLs too (a route's `restore_in_urls`).
    pub fn restoring_in_urls(mut self, yes: bool) -> Self {
        self.in_urls = yes;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// How many tokens this map has restored, across all its uses.
    pub fn restored(&self) -> u64 {
        self.restored.load(Ordering::Relaxed)
    }

    /// How many tokens it left in place because they stood inside a URL.
    pub fn kept_in_urls(&self) -> u64 {
        self.kept_in_urls.load(Ordering::Relaxed)
    }

    /// Every token in `text` replaced by its value (a buffered response).
    pub fn restore_all(&self, text: &str) -> String {
        self.restore_all_as(text, Context::Text)
    }

    /// `restore_all` for text of the given kind (JSON text gets JSON-escaped values).
    pub fn restore_all_as(&self, text: &str, context: Context) -> String {
        let mut out = String::with_capacity(text.len());
        let (kept, _) = self.restore(text, Carry::default(), true, context, &mut out);
        debug_assert_eq!(kept, text.len());
        out
    }

    /// Restores tokens in `text` into `out`, and returns how far it got, with what that
    /// carries to the next piece: everything before the returned offset is final; the rest
    /// could still become (or end) a token once more text arrives. With `last`, nothing more
    /// will arrive and everything is final. `carry` is what the text before `text` left.
    pub(super) fn restore(
        &self,
        text: &str,
        carry: Carry,
        last: bool,
        context: Context,
        out: &mut String,
    ) -> (usize, Carry) {
        let bytes = text.as_bytes();
        // What `carry` becomes once everything before `at` has been passed over.
        let mut url = carry.url;
        let mut fed = 0;
        let carried = |url: &mut UrlContext, fed: usize, at: usize| {
            url.feed(&bytes[fed..at]);
            let last_byte = if at > 0 {
                Some(bytes[at - 1])
            } else {
                carry.last_byte
            };
            Carry {
                last_byte,
                url: *url,
            }
        };
        if self.tokens.is_empty() {
            out.push_str(text);
            return (text.len(), carried(&mut url, 0, text.len()));
        }
        let mut done = 0;
        for (start, end, index) in self.find_iter(text) {
            let token = &self.tokens[index];
            let prev = if start > 0 {
                Some(bytes[start - 1])
            } else {
                carry.last_byte
            };
            if prev.is_some_and(|p| continues(token.as_bytes()[0], p)) {
                continue; // inside a longer word or number
            }
            match ending(token, &bytes[end..], last) {
                Ending::Token => {
                    url.feed(&bytes[fed..start]);
                    fed = start;
                    if url.in_url() && !self.in_urls {
                        self.kept_in_urls.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    self.restored.fetch_add(1, Ordering::Relaxed);
                    out.push_str(&text[done..start]);
                    context.push_value(&self.values[index], out);
                    done = end;
                }
                Ending::NotToken => {}
                Ending::Undecided => {
                    out.push_str(&text[done..start]);
                    return (start, carried(&mut url, fed, start));
                }
            }
        }
        let keep = if last {
            text.len()
        } else {
            self.held_back_from(text, done)
        };
        out.push_str(&text[done..keep]);
        (keep, carried(&mut url, fed, keep))
    }

    /// The tokens in `text`, leftmost first and the longest at a position, not overlapping,
    /// ignoring ASCII case: (start, end, token index).
    fn find_iter<'a>(
        &'a self,
        text: &'a str,
    ) -> Box<dyn Iterator<Item = (usize, usize, usize)> + 'a> {
        if let Some(matcher) = &self.matcher {
            return Box::new(
                matcher
                    .find_iter(text)
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize())),
            );
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        Box::new(std::iter::from_fn(move || {
            while at < bytes.len() {
                let start = at;
                at += 1;
                if !self.first_bytes[bytes[start].to_ascii_lowercase() as usize] {
                    continue;
                }
                let longest = self
                    .tokens
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| {
                        bytes
                            .get(start..start + t.len())
                            .is_some_and(|b| b.eq_ignore_ascii_case(t.as_bytes()))
                    })
                    .max_by_key(|(_, t)| t.len());
                if let Some((index, token)) = longest {
                    at = start + token.len();
                    return Some((start, at, index));
                }
            }
            None
        }))
    }

    /// The start of the shortest tail of `text` (after `from`) that could be the beginning
    /// of a token, or `text.len()` if none could.
    fn held_back_from(&self, text: &str, from: usize) -> usize {
        let bytes = text.as_bytes();
        let earliest = text
            .len()
            .saturating_sub(self.max_len.saturating_sub(1))
            .max(from);
        for start in earliest..text.len() {
            if !text.is_char_boundary(start)
                || !self.first_bytes[bytes[start].to_ascii_lowercase() as usize]
            {
                continue;
            }
            let tail = &bytes[start..];
            let could_start = self.tokens.iter().any(|t| {
                t.len() > tail.len() && t.as_bytes()[..tail.len()].eq_ignore_ascii_case(tail)
            });
            let boundary_ok = start == 0 || !continues(bytes[start], bytes[start - 1]);
            if could_start && boundary_ok {
                return start;
            }
        }
        text.len()
    }
}

/// Where restored text goes, which decides how a value is written into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Plain text (message content).
    Text,
    /// JSON text, such as tool-call arguments: a token stands inside a JSON string there, so
    /// its value is written JSON-escaped (a value with a quote keeps the arguments valid).
    JsonText,
}

impl Context {
    fn push_value(self, value: &str, out: &mut String) {
        match self {
            Context::Text => out.push_str(value),
            Context::JsonText => {
                let quoted = serde_json::to_string(value).expect("strings serialize");
                out.push_str(&quoted[1..quoted.len() - 1]);
            }
        }
    }
}

enum Ending {
    Token,
    NotToken,
    /// The text ends right after a match (or inside its possible plural suffix): wait.
    Undecided,
}

/// Whether `prev` continues the word or number that `first` (a token's first byte) starts:
/// then the match is part of something longer.
fn continues(first: u8, prev: u8) -> bool {
    if first.is_ascii_digit() || first == b'+' || first == b'(' {
        prev.is_ascii_digit()
    } else {
        prev.is_ascii_alphanumeric() || prev == b'_'
    }
}

/// What follows a match decides whether it is the token: a word or number boundary, or a
/// plural suffix then a boundary.
fn ending(token: &str, after: &[u8], last: bool) -> Ending {
    let last_byte = *token.as_bytes().last().expect("tokens are not empty");
    let typed = token.contains('_');
    // A typed token's id mixes letters and digits; a digit token ends where digits do.
    let joins = |b: u8| {
        if last_byte.is_ascii_digit() && !typed {
            b.is_ascii_digit()
        } else {
            b.is_ascii_alphanumeric() || b == b'_'
        }
    };
    let mut suffixes: &[&[u8]] = &[b""];
    if typed {
        suffixes = &[b"", b"s", b"es"];
    }
    let mut undecided = false;
    for suffix in suffixes {
        if after.len() < suffix.len() {
            if !last && after.eq_ignore_ascii_case(&suffix[..after.len()]) {
                undecided = true;
            }
            continue;
        }
        if !after[..suffix.len()].eq_ignore_ascii_case(suffix) {
            continue;
        }
        match after.get(suffix.len()) {
            Some(&b) if joins(b) => {}
            Some(_) => return Ending::Token,
            None if last => return Ending::Token,
            None => undecided = true,
        }
    }
    if undecided {
        Ending::Undecided
    } else {
        Ending::NotToken
    }
}

/// A map of one token of each form, with a token that is a prefix of another: the fixture of
/// the restorers' tests.
#[cfg(test)]
pub(super) fn sample() -> std::sync::Arc<TokenMap> {
    std::sync::Arc::new(TokenMap::new([
        ("Person_7QF2".to_string(), "Jane Roe".to_string()),
        ("Person_7QF".to_string(), "Shorter Token".to_string()),
        (
            "email-3y9tm3d4@example.com".to_string(),
            "jane@corp.com".to_string(),
        ),
        ("(324) 555-0177".to_string(), "(415) 867-5309".to_string()),
        (
            "0073 6555 7214 2076".to_string(),
            "4111 1111 1111 1111".to_string(),
        ),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn map() -> Arc<TokenMap> {
        sample()
    }

    #[test]
    fn small_and_large_maps_restore_alike() {
        // Small maps search directly, large ones build an automaton: the same answers.
        let pairs = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| (format!("Person_{i:X}Q"), format!("Name {i}")))
                .chain([("Person_1".to_string(), "Short".to_string())])
                .collect()
        };
        let text = "Person_1Q met PERSON_2q, Person_1, xPerson_3Q and Person_1Qs. Person_";
        let small = TokenMap::new(pairs(4));
        let large = TokenMap::new(pairs(SMALL + 8));
        assert!(small.matcher.is_none() && large.matcher.is_some());
        let expected = "Name 1 met Name 2, Short, xPerson_3Q and Name 1s. Person_";
        assert_eq!(small.restore_all(text), expected);
        assert_eq!(large.restore_all(text), expected);
        for cut in 0..=text.len() {
            for map in [&small, &large] {
                let map = Arc::new(TokenMap::new(
                    map.tokens.iter().cloned().zip(map.values.iter().cloned()),
                ));
                let mut r = super::super::text_stream::TextStreamRestorer::new(map);
                let mut out = r.push(&text[..cut]);
                out.push_str(&r.push(&text[cut..]));
                out.push_str(&r.finish());
                assert_eq!(out, expected, "cut at {cut}");
            }
        }
    }

    #[test]
    fn what_counts_as_the_token() {
        let m = map();
        assert_eq!(
            m.restore_all("PERSON_7QF2 and person_7qf2"),
            "Jane Roe and Jane Roe"
        );
        assert_eq!(
            m.restore_all("(Person_7QF2), Person_7QF2's"),
            "(Jane Roe), Jane Roe's"
        );
        assert_eq!(m.restore_all("the Person_7QF2s"), "the Jane Roes");
        assert_eq!(
            m.restore_all("xPerson_7QF2 Person_7QF2X"),
            "xPerson_7QF2 Person_7QF2X"
        );
        assert_eq!(
            m.restore_all("Person_7QF is shorter"),
            "Shorter Token is shorter"
        );
        assert_eq!(m.restore_all("call 324.555.0177"), "call 324.555.0177");
        assert_eq!(
            m.restore_all("10073 6555 7214 2076"),
            "10073 6555 7214 2076"
        );
    }

    #[test]
    fn values_in_json_text_are_escaped() {
        let m = TokenMap::new([("Person_7QF2".to_string(), "Jane \"JR\" Roe".to_string())]);
        let args = r#"{"name": "Person_7QF2"}"#;
        let restored = m.restore_all_as(args, Context::JsonText);
        let parsed: serde_json::Value = serde_json::from_str(&restored).unwrap();
        assert_eq!(parsed["name"], "Jane \"JR\" Roe");
    }
}
