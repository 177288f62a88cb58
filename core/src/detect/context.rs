//! Context words: nearby words that make a weak pattern credible ("SSN", "routing", "call me").
//!
//! As in Presidio, a window of words before the match (and a couple after, for
//! "(415) 867-2301 (mobile)") is compared, case-insensitively, against the kind's words. A word
//! also matches in its plural ("phones", "cards") so lists stay short; other suffixes do not
//! ("caller" is not "call"). In a table, the header cell of the value's column counts too.
//!
//! This runs for every candidate that needs context, so it allocates nothing per candidate,
//! skips words by their first letter, and finds each table's header once per scan
//! (`HeaderCache`).

use std::collections::HashMap;
use std::ops::Range;

use memchr::{memchr, memrchr};

use veil_kinds::kind::Entity;
use veil_kinds::token;

/// Words after the match that also count as context.
const WORDS_AFTER: usize = 2;
/// How far back (bytes) a sentence start is looked for, for negative context.
const MAX_SENTENCE: usize = 256;
/// Table rows are short; a value in a longer line is in prose.
const MAX_ROW: usize = 1024;

/// One kind's context words, lowercased, with the set of their first bytes.
#[derive(Debug, Clone)]
struct List {
    words: Vec<String>,
    first: [bool; 256],
}

impl List {
    fn matches(&self, word: &str) -> bool {
        let Some(&b) = word.as_bytes().first() else {
            return false;
        };
        self.first[b.to_ascii_lowercase() as usize]
            && self.words.iter().any(|c| is_word_or_plural(word, c))
    }
}

/// Context words per entity kind.
#[derive(Debug, Clone, Default)]
pub struct ContextWords {
    lists: HashMap<Entity, List>,
    window: usize,
}

/// A table's header row (its range in the text) and its cell delimiter.
type Header = (Range<usize>, u8);

/// Table headers found during one scan.
#[derive(Debug, Default)]
pub struct HeaderCache {
    /// Per (line start, delimiter), the header of the table rows read so far (None: the row
    /// is the first of its table). Every row passed on the way up to a header is recorded,
    /// so each row of a table is walked over once, whatever order lookups come in.
    headers: HashMap<(usize, u8), Option<Range<usize>>>,
    /// The line of the last lookup and its table header: values in one line (a card and the
    /// phone-shaped digits inside it) are often looked up one after the other.
    last: Option<(Range<usize>, Option<Header>)>,
}

impl ContextWords {
    pub fn new(window: usize) -> Self {
        ContextWords {
            lists: HashMap::new(),
            window,
        }
    }

    pub fn add<I, S>(&mut self, entity: &Entity, words: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let list = self.lists.entry(entity.clone()).or_insert_with(|| List {
            words: Vec::new(),
            first: [false; 256],
        });
        for w in words {
            let w = w.as_ref().trim().to_lowercase();
            if !w.is_empty() && !list.words.contains(&w) {
                list.first[w.as_bytes()[0] as usize] = true;
                list.words.push(w);
            }
        }
    }

    /// Whether any of `words` (lowercase) is among the `n` words before `start`, within the
    /// same sentence. Recognizers use it for negative context ("order 415-867-2301" is an order
    /// number; "NPI 1487629310. Questions: 1-800-..." is a phone).
    pub fn any_before(text: &str, start: usize, n: usize, words: &[&str]) -> bool {
        let from = floor_char_boundary(text, start.saturating_sub(MAX_SENTENCE));
        // A '.' ends a sentence only when whitespace follows ("v1.2" does not).
        let bytes = text.as_bytes();
        let ends_sentence = |i: usize| match bytes[i] {
            b'\n' => true,
            b'.' | b'!' | b'?' => bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace),
            _ => false,
        };
        // Words are walked back from `start`, and only the gaps between them are searched for
        // a sentence end (no word holds one): this runs for most numbers in a text, and
        // searching the whole window back to a sentence start was a tenth of tier 1.
        let mut gap_end = start;
        for w in words_before(&text[from..start], n) {
            let w_end = offset_in(text, w) + w.len();
            if (w_end..gap_end).any(ends_sentence) {
                return false;
            }
            let first = w.as_bytes()[0].to_ascii_lowercase();
            if words
                .iter()
                .any(|c| c.as_bytes().first() == Some(&first) && is_word_or_plural(w, c))
            {
                return true;
            }
            gap_end = w_end - w.len();
        }
        false
    }

    /// The header cell of the table column `start` is in, when `start` is in a table's row
    /// below its first (the labelled-identifier recognizer reads it as a label).
    pub fn header_cell<'t>(
        text: &'t str,
        start: usize,
        cache: &mut HeaderCache,
    ) -> Option<&'t str> {
        column_header(text, start, cache)
    }

    /// Whether any of `words` is in the header cell of the table column `start` is in.
    pub fn in_column_header(text: &str, start: usize, words: &[&str]) -> bool {
        column_header(text, start, &mut HeaderCache::default()).is_some_and(|h| {
            words_after(h, usize::MAX).any(|w| words.iter().any(|c| is_word_or_plural(w, c)))
        })
    }

    /// Whether a context word for `entity` is within the window around `text[start..end]`, or
    /// in the header of its table column.
    pub fn near(
        &self,
        text: &str,
        start: usize,
        end: usize,
        entity: &Entity,
        cache: &mut HeaderCache,
    ) -> bool {
        let Some(list) = self.lists.get(entity) else {
            return false;
        };
        let is_context = |w: &str| list.matches(w) && !is_token_label(text, w);
        words_before(&text[..start], self.window).any(is_context)
            || words_after(&text[end..], WORDS_AFTER).any(is_context)
            || column_header(text, start, cache)
                .is_some_and(|h| words_after(h, usize::MAX).any(|w| list.matches(w)))
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// For a value in a table row (`|`, tab or comma separated), the header cell of its column:
/// the cell in the same position of the first row of the table, skipping rule lines such as
/// `|---|` or `----+----`. Tables put the context word ("NHS no", "routing", "passport") in the
/// header, far outside any word window.
fn column_header<'t>(text: &'t str, start: usize, cache: &mut HeaderCache) -> Option<&'t str> {
    let (line, header) = match &cache.last {
        Some((line, header)) if line.contains(&start) => (line.clone(), header.clone()),
        _ => {
            let from = floor_char_boundary(text, start.saturating_sub(MAX_ROW));
            let line_end =
                memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
            let (line, header) = match memrchr(b'\n', &text.as_bytes()[from..start]) {
                Some(i) => (from + i + 1..line_end + 1, None),
                None if from == 0 => (0..line_end + 1, None),
                // A line longer than any table row: prose.
                None => (start..line_end + 1, Some(None)),
            };
            let header =
                header.unwrap_or_else(|| table_header(text, line.start, &mut cache.headers));
            cache.last = Some((line.clone(), header.clone()));
            (line, header)
        }
    };
    let (header, delim) = header?;
    let line_start = line.start;
    let column = count_delimiters(&text[line_start..start], delim);
    cell(&text[header], delim, column)
}

/// The delimiter a table row of `line` would use and how many it has: pipes and tabs (rare in
/// prose, so looked for first, with memchr), else commas if there are at least two.
fn row_shape(line: &str) -> Option<(u8, usize)> {
    [b'|', b'\t']
        .into_iter()
        .find(|&d| memchr(d, line.as_bytes()).is_some())
        .map(|d| (d, count_delimiters(line, d)))
        .or_else(|| Some((b',', count_delimiters(line, b','))).filter(|&(_, n)| n >= 2))
}

/// The header row of the table the line starting at `line_start` is a row of, and the
/// table's delimiter; None when the line is no table row or is the table's first row.
fn table_header(
    text: &str,
    line_start: usize,
    headers: &mut HashMap<(usize, u8), Option<Range<usize>>>,
) -> Option<Header> {
    if line_start == 0 {
        return None;
    }
    let line_end =
        memchr(b'\n', &text.as_bytes()[line_start..]).map_or(text.len(), |i| line_start + i);
    if line_end - line_start > MAX_ROW {
        return None;
    }
    let (delim, width) = row_shape(&text[line_start..line_end])?;
    if let Some(known) = headers.get(&(line_start, delim)) {
        return Some((known.clone()?, delim));
    }
    let is_rule = |l: &str| {
        !l.trim().is_empty()
            && l.trim()
                .chars()
                .all(|c| matches!(c, '-' | '+' | '|' | ':' | '=' | ' '))
    };
    // Walk up through the rows with as many delimiters (rule lines skipped) to the first row
    // of the table, or to a row whose header is already known.
    let mut walked: Vec<(usize, usize)> = Vec::new();
    let mut row_end = line_start - 1;
    let header = loop {
        let row_start = memrchr(b'\n', &text.as_bytes()[..row_end]).map_or(0, |i| i + 1);
        let row = &text[row_start..row_end];
        if !is_rule(row) {
            // Rows of one table have the same number of cells; prose with commas does not.
            if row.len() > MAX_ROW || count_delimiters(row, delim) != width {
                break walked.last().map(|&(s, e)| s..e);
            }
            if let Some(known) = headers.get(&(row_start, delim)) {
                break Some(known.clone().unwrap_or(row_start..row_end));
            }
            walked.push((row_start, row_end));
        }
        if row_start == 0 {
            break walked.last().map(|&(s, e)| s..e);
        }
        row_end = row_start - 1;
    };
    // Every row passed has the same header (the first row of the table has none).
    for &(s, _) in &walked {
        let row_header = header.clone().filter(|h| h.start != s);
        headers.insert((s, delim), row_header);
    }
    headers.insert((line_start, delim), header.clone());
    Some((header?, delim))
}

/// Cell `column` of a delimited row (commas inside double quotes do not split CSV cells).
/// Delimiters and quotes are ASCII and no UTF-8 continuation byte equals one, so rows are read
/// as bytes: this runs for every candidate that needs context, and decoding chars was a sixth
/// of tier 1 on chat text.
fn cell(row: &str, delim: u8, column: usize) -> Option<&str> {
    let mut cells = 0;
    let mut cell_start = 0;
    let mut quoted = false;
    for (i, &b) in row.as_bytes().iter().enumerate() {
        if b == b'"' && delim == b',' {
            quoted = !quoted;
        } else if b == delim && !quoted {
            if cells == column {
                return Some(&row[cell_start..i]);
            }
            cells += 1;
            cell_start = i + 1;
        }
    }
    (cells == column).then(|| &row[cell_start..])
}

/// Delimiters in `line`, not counting commas inside double-quoted CSV fields (bytes, as in
/// `cell`). Without quotes (most lines) it is a plain count, by memchr (SIMD where the target has
/// it; the iterator count did not vectorise).
fn count_delimiters(line: &str, delim: u8) -> usize {
    let bytes = line.as_bytes();
    if delim != b',' || memchr(b'"', bytes).is_none() {
        return memchr::memchr_iter(delim, bytes).count();
    }
    let mut quoted = false;
    let mut n = 0;
    for &b in bytes {
        if b == b'"' {
            quoted = !quoted;
        } else if b == b',' && !quoted {
            n += 1;
        }
    }
    n
}

/// Whether `word` (a slice of `text`) is the label of a Veil token (`Nhs` in `Nhs_2V5C`): a
/// masked value must not lend its kind's name as context to the numbers around it.
fn is_token_label(text: &str, word: &str) -> bool {
    token::starts_with_typed_token(&text[offset_in(text, word)..])
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// `word` is `context` (lowercase) or its plural, ignoring ASCII case.
fn is_word_or_plural(word: &str, context: &str) -> bool {
    let n = context.len();
    // A one-letter word has no plural: "v" (version) is not "vs".
    (word.len() == n || n > 1)
        && word.len() >= n
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

    impl ContextWords {
        fn near_fresh(&self, text: &str, start: usize, end: usize, entity: &Entity) -> bool {
            self.near(text, start, end, entity, &mut HeaderCache::default())
        }
    }

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
        assert!(ctx().near_fresh(text, start, text.len(), &Entity::UsSsn));
        assert!(!ctx().near_fresh(text, start, text.len(), &Entity::PhoneNumber));
    }

    #[test]
    fn negative_context_stays_in_its_sentence() {
        let before = |text: &str, n: usize| {
            let start = text.find('4').unwrap();
            ContextWords::any_before(text, start, n, &["order", "invoice"])
        };
        assert!(before("Order 415-867-2301", 3));
        assert!(before("orders: #415-867-2301", 3));
        assert!(before("the ORDER ref v1.2 is 415-867-2301", 5));
        // Too far back, or in the sentence before.
        assert!(!before("order ref x y 415-867-2301", 3));
        assert!(!before("Order shipped. Call 415-867-2301", 3));
        assert!(!before("Invoice?\n415-867-2301", 3));
        assert!(!before("Order placed! 415-867-2301", 3));
        assert!(!before("call 415-867-2301", 3));
    }

    #[test]
    fn window_is_bounded() {
        let text = "SSN one two three four five six 123-45-6789";
        let start = text.find('1').unwrap();
        assert!(!ctx().near_fresh(text, start, text.len(), &Entity::UsSsn));
    }

    #[test]
    fn words_after_and_suffixes_count() {
        let text = "(415) 867-2301 (mobile)";
        assert!(ctx().near_fresh(text, 0, 14, &Entity::PhoneNumber));
        let text = "phones: 415 867 2301";
        assert!(ctx().near_fresh(text, 8, text.len(), &Entity::PhoneNumber));
        let text = "caller 415 867 2301";
        assert!(!ctx().near_fresh(text, 7, text.len(), &Entity::PhoneNumber));
        let text = "phonebook 415 867 2301";
        assert!(!ctx().near_fresh(text, 10, text.len(), &Entity::PhoneNumber));
    }

    #[test]
    fn table_headers_are_context() {
        let mut c = ContextWords::new(5);
        c.add(&Entity::AbaRoutingNumber, ["routing"]);
        c.add(&Entity::UsPassport, ["passport"]);
        let table = "name | passport | bank_routing\n-----+----------+-------------\nAnn | A1234567 | 021000021\nBo | 912345678 | 011000015";
        let at = |v: &str| table.find(v).unwrap();
        assert!(c.near_fresh(
            table,
            at("011000015"),
            at("011000015") + 9,
            &Entity::AbaRoutingNumber
        ));
        assert!(c.near_fresh(
            table,
            at("912345678"),
            at("912345678") + 9,
            &Entity::UsPassport
        ));
        let csv = "\"name\",\"routing\",\"note\"\n\"Doe, Jo\",\"021000021\",\"y\"";
        assert!(c.near_fresh(
            csv,
            csv.find("021").unwrap(),
            csv.find("021").unwrap() + 9,
            &Entity::AbaRoutingNumber
        ));
        let prose = "no table here, just 021000021, really";
        assert!(!c.near_fresh(prose, 20, 29, &Entity::AbaRoutingNumber));
    }

    /// Every row of a long table finds its header in whatever order rows are looked up (the
    /// engine looks up context in overlap order, longest value first), and a row under a
    /// different table (another width) does not borrow the first table's header.
    #[test]
    fn long_tables_find_their_header_in_any_order() {
        let mut c = ContextWords::new(5);
        c.add(&Entity::AbaRoutingNumber, ["routing"]);
        let mut text = String::from("name,routing,note\n");
        for i in 0..500 {
            text.push_str(&format!("row {i},021000021,ok\n"));
        }
        text.push_str("a,b,c,021000021,d\n");
        let starts: Vec<usize> = text.match_indices("021000021").map(|(i, _)| i).collect();
        let (last, rows) = starts.split_last().unwrap();
        let mut bottom_up: Vec<usize> = rows.iter().rev().step_by(7).copied().collect();
        bottom_up.extend(rows);
        for order in [rows.to_vec(), bottom_up] {
            let mut cache = HeaderCache::default();
            for at in order {
                let found = c.near(&text, at, at + 9, &Entity::AbaRoutingNumber, &mut cache);
                assert!(found, "row at byte {at}");
            }
            assert!(!c.near(
                &text,
                *last,
                last + 9,
                &Entity::AbaRoutingNumber,
                &mut cache
            ));
        }
    }

    #[test]
    fn identifiers_split_into_words() {
        let mut c = ContextWords::new(5);
        c.add(&Entity::Secret, ["aws"]);
        let text = "AWS_SECRET_ACCESS_KEY=abc";
        assert!(c.near_fresh(text, 22, text.len(), &Entity::Secret));
    }
}
