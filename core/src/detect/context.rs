//! Context words: nearby words that make a weak pattern credible ("SSN", "routing", "call me").
//!
//! As in Presidio, a window of words before the match (and a couple after, for
//! "(415) 867-2301 (mobile)") is compared, case-insensitively, against the kind's words. A word
//! also matches in its plural ("phones", "cards") so lists stay short; other suffixes do not
//! ("caller" is not "call").

use std::collections::HashMap;

use crate::entity::Entity;

/// Words after the match that also count as context.
const WORDS_AFTER: usize = 2;

/// Context words per entity kind, lowercased.
#[derive(Debug, Clone, Default)]
pub struct ContextWords {
    words: HashMap<Entity, Vec<String>>,
    window: usize,
}

impl ContextWords {
    pub fn new(window: usize) -> Self {
        ContextWords {
            words: HashMap::new(),
            window,
        }
    }

    pub fn add<I, S>(&mut self, entity: &Entity, words: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let list = self.words.entry(entity.clone()).or_default();
        for w in words {
            let w = w.as_ref().trim().to_lowercase();
            if !w.is_empty() && !list.contains(&w) {
                list.push(w);
            }
        }
    }

    /// Whether any of `words` (lowercase) is among the `n` words before `start`. Recognizers use
    /// it for negative context ("order 415-867-2301" is an order number).
    pub fn any_before(text: &str, start: usize, n: usize, words: &[&str]) -> bool {
        words_before(&text[..start], n).any(|w| words.iter().any(|c| w.eq_ignore_ascii_case(c)))
    }

    /// Whether a context word for `entity` is within the window around `text[start..end]`.
    pub fn near(&self, text: &str, start: usize, end: usize, entity: &Entity) -> bool {
        let Some(list) = self.words.get(entity) else {
            return false;
        };
        let matches = |word: &str| list.iter().any(|c| is_word_or_plural(word, c));
        words_before(&text[..start], self.window).any(matches)
            || words_after(&text[end..], WORDS_AFTER).any(matches)
    }
}

/// `word` is `context` (lowercase) or its plural, ignoring ASCII case. Allocation-free: this
/// runs for every candidate.
fn is_word_or_plural(word: &str, context: &str) -> bool {
    let n = context.len();
    word.len() >= n
        && word.is_char_boundary(n)
        && word[..n].eq_ignore_ascii_case(context)
        && matches!(word[n..].as_bytes(), [] | [b's' | b'S'] | [b'e' | b'E', b's' | b'S'])
}

/// The last `n` words of `text`.
pub(crate) fn words_before(text: &str, n: usize) -> impl Iterator<Item = &str> {
    text.rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(n)
}

fn words_after(text: &str, n: usize) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ContextWords {
        let mut c = ContextWords::new(5);
        c.add(&Entity::UsSsn, ["ssn", "social"]);
        c.add(&Entity::PhoneNumber, ["phone", "mobile"]);
        c
    }

    #[test]
    fn finds_words_in_the_window_before() {
        let text = "my SSN: 123-45-6789";
        let start = text.find('1').unwrap();
        assert!(ctx().near(text, start, text.len(), &Entity::UsSsn));
        assert!(!ctx().near(text, start, text.len(), &Entity::PhoneNumber));
    }

    #[test]
    fn window_is_bounded() {
        let text = "SSN one two three four five six 123-45-6789";
        let start = text.find('1').unwrap();
        assert!(!ctx().near(text, start, text.len(), &Entity::UsSsn));
    }

    #[test]
    fn words_after_and_suffixes_count() {
        let text = "(415) 867-2301 (mobile)";
        assert!(ctx().near(text, 0, 14, &Entity::PhoneNumber));
        let text = "phones: 415 867 2301";
        assert!(ctx().near(text, 8, text.len(), &Entity::PhoneNumber));
        let text = "caller 415 867 2301";
        assert!(!ctx().near(text, 7, text.len(), &Entity::PhoneNumber));
        let text = "phonebook 415 867 2301";
        assert!(!ctx().near(text, 10, text.len(), &Entity::PhoneNumber));
    }

    #[test]
    fn identifiers_split_into_words() {
        let mut c = ContextWords::new(5);
        c.add(&Entity::Secret, ["aws"]);
        let text = "AWS_SECRET_ACCESS_KEY=abc";
        assert!(c.near(text, 22, text.len(), &Entity::Secret));
    }
}
