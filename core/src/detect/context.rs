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
    /// The search stops at the start of the sentence: "NPI 1487629310. Questions: 1-800-..."
    /// is not an NPI.
    pub fn any_before(text: &str, start: usize, n: usize, words: &[&str]) -> bool {
        let sentence = text[..start]
            .rfind(['.', '!', '?', '\n'])
            .map_or(0, |i| i + 1);
        // A '.' inside a number or abbreviation ("No. 5", "v1.2") is not a sentence end unless
        // whitespace follows it.
        let sentence = if text[sentence..start].starts_with(char::is_whitespace) || sentence == 0 {
            sentence
        } else {
            0
        };
        words_before(&text[sentence..start], n)
            .any(|w| words.iter().any(|c| is_word_or_plural(w, c)))
    }

    /// Whether any of `words` is in the header cell of the table column `start` is in.
    pub fn in_column_header(text: &str, start: usize, words: &[&str]) -> bool {
        column_header(text, start).is_some_and(|h| {
            words_after(h, usize::MAX).any(|w| words.iter().any(|c| is_word_or_plural(w, c)))
        })
    }

    /// Whether a context word for `entity` is within the window around `text[start..end]`.
    pub fn near(&self, text: &str, start: usize, end: usize, entity: &Entity) -> bool {
        let Some(list) = self.words.get(entity) else {
            return false;
        };
        let matches = |word: &str| list.iter().any(|c| is_word_or_plural(word, c));
        words_before(&text[..start], self.window).any(matches)
            || words_after(&text[end..], WORDS_AFTER).any(matches)
            || column_header(text, start).is_some_and(|h| words_after(h, usize::MAX).any(matches))
    }
}

/// Lines searched upwards for the header row of a table.
const MAX_TABLE_ROWS: usize = 200;

/// For a value in a table row (`|`, tab or comma separated), the header cell of its column:
/// the cell in the same position of the first row of the table, skipping rule lines such as
/// `|---|` or `----+----`. Tables put the context word ("NHS no", "routing", "passport") in the
/// header, far outside any word window.
fn column_header(text: &str, start: usize) -> Option<&str> {
    // Table rows are short; a value in a long line is in prose, and the bound keeps this
    // lookup from scanning far in large bodies.
    const MAX_ROW: usize = 1024;
    let mut from = start.saturating_sub(MAX_ROW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let line_start = match text[from..start].rfind('\n') {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if line_end - line_start > MAX_ROW {
        return None;
    }
    let line = &text[line_start..line_end];
    let delim = ['|', '\t', ',']
        .into_iter()
        .find(|&d| count_delimiters(line, d) >= if d == ',' { 2 } else { 1 })?;
    let column = count_delimiters(&text[line_start..start], delim);
    let width = count_delimiters(line, delim);
    let is_rule = |l: &str| {
        !l.trim().is_empty()
            && l.trim()
                .chars()
                .all(|c| matches!(c, '-' | '+' | '|' | ':' | '=' | ' '))
    };
    let mut header = None;
    let mut above = text[..line_start.saturating_sub(1)].rsplit('\n');
    for _ in 0..MAX_TABLE_ROWS {
        let Some(row) = above.next() else { break };
        if is_rule(row) {
            continue;
        }
        // Rows of one table have the same number of cells; prose with commas does not.
        if count_delimiters(row, delim) != width {
            break;
        }
        header = Some(row);
        if line_start == 0 {
            break;
        }
    }
    if line_start == 0 {
        return None;
    }
    let header = header?;
    let mut cells = 0;
    let mut cell_start = 0;
    let mut quoted = false;
    for (i, c) in header.char_indices() {
        match c {
            '"' if delim == ',' => quoted = !quoted,
            c if c == delim && !quoted => {
                if cells == column {
                    return Some(&header[cell_start..i]);
                }
                cells += 1;
                cell_start = i + 1;
            }
            _ => {}
        }
    }
    (cells == column).then(|| &header[cell_start..])
}

/// Delimiters in `line`, not counting commas inside double-quoted CSV fields.
fn count_delimiters(line: &str, delim: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' && delim == ',' {
            quoted = !quoted;
        } else if c == delim && !quoted {
            n += 1;
        }
    }
    n
}

/// `word` is `context` (lowercase) or its plural, ignoring ASCII case. Allocation-free: this
/// runs for every candidate.
fn is_word_or_plural(word: &str, context: &str) -> bool {
    let n = context.len();
    word.len() >= n
        && word.is_char_boundary(n)
        && word[..n].eq_ignore_ascii_case(context)
        && matches!(
            &word.as_bytes()[n..],
            [] | [b's' | b'S'] | [b'e' | b'E', b's' | b'S']
        )
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
    fn table_headers_are_context() {
        let mut c = ContextWords::new(5);
        c.add(&Entity::AbaRoutingNumber, ["routing"]);
        c.add(&Entity::UsPassport, ["passport"]);
        let table = "name | passport | bank_routing\n-----+----------+-------------\nAnn | A1234567 | 021000021\nBo | 912345678 | 011000015";
        let at = |v: &str| table.find(v).unwrap();
        assert!(c.near(
            table,
            at("011000015"),
            at("011000015") + 9,
            &Entity::AbaRoutingNumber
        ));
        assert!(c.near(
            table,
            at("912345678"),
            at("912345678") + 9,
            &Entity::UsPassport
        ));
        let csv = "\"name\",\"routing\",\"note\"\n\"Doe, Jo\",\"021000021\",\"y\"";
        assert!(c.near(
            csv,
            csv.find("021").unwrap(),
            csv.find("021").unwrap() + 9,
            &Entity::AbaRoutingNumber
        ));
        let prose = "no table here, just 021000021, really";
        assert!(!c.near(prose, 20, 29, &Entity::AbaRoutingNumber));
    }

    #[test]
    fn identifiers_split_into_words() {
        let mut c = ContextWords::new(5);
        c.add(&Entity::Secret, ["aws"]);
        let text = "AWS_SECRET_ACCESS_KEY=abc";
        assert!(c.near(text, 22, text.len(), &Entity::Secret));
    }
}
