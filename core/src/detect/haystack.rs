//! The text under scan, and the "candidate regions" most recognizers search instead of the
//! whole text.
//!
//! Nearly every structured entity contains a digit (phones, cards, ids, dates, IPs, IBANs) or a
//! colon between hex digits (MACs, IPv6). A word-at-a-time pass finds the "trigger" words that
//! do; prose without them costs a few instructions per eight bytes. Runs of trigger words
//! joined by short separator gaps ("415 867 2301", "4111-1111-1111-1111") are the regions; they
//! are copied, newline-separated, into one compact string that recognizers search with one call
//! per pattern. No regional pattern matches across a newline, so a match never spans two
//! regions. With a gate (`with_gate`), each regional pattern searches only the regions where
//! it can match at all. Values that include plain words start from a region and read the text around it
//! ("GB82 WEST 1234 ...", "AB 12 34 56 C"); written dates look up the `neighbour_words` of the
//! regions that could hold a day ("March" in "March 5, 1990").
//!
//! Recognizers whose patterns start with a literal (secrets, URLs) or contain one (`@` in
//! emails) search the whole text instead; the regex crate's literal prefilters make that cheap.

use std::ops::Range;

/// Words on each side of a region listed as its neighbours.
const NEIGHBOUR_WORDS: usize = 2;
/// Largest separator gap between trigger words that keeps them in one region (" - ").
const REGION_GAP: usize = 3;

/// Separators end a word for region purposes: whitespace and punctuation that never occurs
/// inside a structured value detected in regions.
const SEPARATOR: [bool; 256] = {
    let mut t = [false; 256];
    let seps = b" \t\n\r\x0b\x0c\"'`<>{}[]|;,=\\";
    let mut i = 0;
    while i < seps.len() {
        t[seps[i] as usize] = true;
        i += 1;
    }
    t
};

/// The regions, compacted.
struct Compact {
    /// The regions, each followed by `\n`.
    text: String,
    /// (offset in `text`, offset in the scanned text) of each region's start, ascending.
    starts: Vec<(usize, usize)>,
}

impl Compact {
    fn new(text: &str, regions: &[Range<usize>]) -> Compact {
        let mut out = String::with_capacity(regions.iter().map(|r| r.len() + 1).sum());
        let mut starts = Vec::with_capacity(regions.len());
        for r in regions {
            starts.push((out.len(), r.start));
            out.push_str(&text[r.clone()]);
            out.push('\n');
        }
        Compact { text: out, starts }
    }

    fn original(&self, pos: usize) -> usize {
        let i = self.starts.partition_point(|&(c, _)| c <= pos) - 1;
        let (c, o) = self.starts[i];
        o + (pos - c)
    }
}

/// Every recognizer's regional patterns, compiled twice: as one alternation, to find the
/// regions where any of them matches in one pass over all regions, and as a set, to tell
/// which of them match in each such region.
pub struct Gate {
    any: regex::Regex,
    each: regex::RegexSet,
}

/// Lazy-DFA cache for each of the gate's automata, in bytes (allocated as states are built).
/// A dozen patterns together have many more DFA states than any one of them; a larger cache
/// keeps them from thrashing (and falling back to a slower engine) on number-dense text.
const GATE_DFA_CACHE: usize = 8 << 20;

impl Gate {
    /// The gate for `patterns` (None when there are none).
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p str>) -> Option<Gate> {
        let mut unique: Vec<&str> = Vec::new();
        for p in patterns {
            if !unique.contains(&p) {
                unique.push(p);
            }
        }
        if unique.is_empty() {
            return None;
        }
        let alternation: Vec<String> = unique.iter().map(|p| format!("(?:{p})")).collect();
        Some(Gate {
            any: regex::RegexBuilder::new(&alternation.join("|"))
                .dfa_size_limit(GATE_DFA_CACHE)
                .build()
                .expect("built-in patterns compile"),
            each: regex::RegexSetBuilder::new(&unique)
                .dfa_size_limit(GATE_DFA_CACHE)
                .build()
                .expect("built-in patterns compile"),
        })
    }
}

/// The gate's patterns, and for each the regions where it matched: the only ones
/// `region_finds` and `region_captures` search with that pattern.
struct Hot<'g> {
    patterns: &'g [String],
    regions: Vec<Vec<Range<usize>>>,
}

/// The text being scanned and its regions.
pub struct Haystack<'t> {
    text: &'t str,
    regions: Compact,
    /// With a gate: the regions where each of its patterns matched.
    hot: Option<Hot<'t>>,
    /// The original ranges of the regions.
    ranges: Vec<Range<usize>>,
}

impl<'t> Haystack<'t> {
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let ranges = regions(bytes, &trigger_words(bytes));
        Haystack {
            text,
            regions: Compact::new(text, &ranges),
            hot: None,
            ranges,
        }
    }

    /// A haystack whose regional searches skip every region where their pattern cannot
    /// match. Most regions (prices, counts, versions) hold no candidate at all: one pass of
    /// the alternation finds the few that do. The set then tells, for each of those, which
    /// patterns match there, so most patterns (wallets, MACs, passports) search nothing at
    /// all. Exact: matches never cross a region boundary, so a region holding a match of a
    /// pattern holds a leftmost match of the alternation, and the pattern matches in that
    /// region alone.
    pub fn with_gate(text: &'t str, gate: &'t Gate) -> Self {
        let mut hay = Haystack::new(text);
        let n = gate.each.len();
        let mut hot: Vec<Vec<Range<usize>>> = vec![Vec::new(); n];
        let mut matched = vec![false; n];
        let mut last = None;
        for m in gate.any.find_iter(&hay.regions.text) {
            let i = hay.regions.starts.partition_point(|&(c, _)| c <= m.start()) - 1;
            if last == Some(i) {
                continue;
            }
            last = Some(i);
            let region = hay.ranges[i].clone();
            matched.fill(false);
            gate.each
                .matches_read_at(&mut matched, &text[region.clone()], 0);
            for (regions, _) in hot.iter_mut().zip(&matched).filter(|(_, &m)| m) {
                regions.push(region.clone());
            }
        }
        hay.hot = Some(Hot {
            patterns: gate.each.patterns(),
            regions: hot,
        });
        hay
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The regions, newline-joined. Map offsets back with `original`.
    pub fn regional_text(&self) -> &str {
        &self.regions.text
    }

    /// The offset in the text of offset `pos` of `regional_text()`.
    pub fn original(&self, pos: usize) -> usize {
        self.regions.original(pos)
    }

    /// The regions, as ranges of the text, ascending: for recognizers that read each region
    /// and the words around it themselves (labelled identifiers, street addresses).
    pub fn regions(&self) -> &[Range<usize>] {
        &self.ranges
    }

    /// Up to two words on each side of every region whose text `keep` accepts, as ranges of
    /// the text, ascending.
    pub fn neighbour_words(&self, keep: impl Fn(&str) -> bool) -> Vec<Range<usize>> {
        let kept: Vec<Range<usize>> = self
            .ranges
            .iter()
            .filter(|r| keep(&self.text[(*r).clone()]))
            .cloned()
            .collect();
        neighbour_words(self.text.as_bytes(), &kept)
    }

    /// The regions `re` searches: those where the gate matched it, or all without a gate.
    fn searched(&self, re: &regex::Regex) -> &[Range<usize>] {
        match &self.hot {
            None => &self.ranges,
            Some(hot) => match hot.patterns.iter().position(|p| p == re.as_str()) {
                Some(i) => &hot.regions[i],
                None => {
                    debug_assert!(false, "{} is not in region_patterns", re.as_str());
                    &self.ranges
                }
            },
        }
    }

    /// Every match of `re` in the regions, as byte ranges of the whole text.
    pub fn region_finds<'h>(
        &'h self,
        re: &'h regex::Regex,
    ) -> impl Iterator<Item = Range<usize>> + 'h {
        self.searched(re).iter().flat_map(move |r| {
            re.find_iter(&self.text[r.clone()])
                .map(move |m| r.start + m.start()..r.start + m.end())
        })
    }

    /// Every match of `re` in the regions with its capture groups, and the shift that turns the
    /// match's offsets into offsets of the whole text.
    pub fn region_captures<'h>(
        &'h self,
        re: &'h regex::Regex,
    ) -> impl Iterator<Item = (Shift, regex::Captures<'h>)> + 'h {
        self.searched(re).iter().flat_map(move |r| {
            re.captures_iter(&self.text[r.clone()])
                .map(move |caps| (Shift(r.start as isize), caps))
        })
    }
}

/// Converts offsets of one regional match to offsets of the whole text.
#[derive(Debug, Clone, Copy)]
pub struct Shift(isize);

impl Shift {
    pub fn apply(self, pos: usize) -> usize {
        (pos as isize + self.0) as usize
    }
}

/// Whether any byte of the 8-byte word `x` is in `b'0'..=b':'` (digits and the colon are
/// adjacent in ASCII). The classic "has byte between" bit trick, exact for ASCII bytes; bytes
/// of 0x80 and above never report.
fn has_digit_or_colon(x: u64) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 128;
    let low7 = x & (ONES * 127);
    // Bytes strictly between 0x2F and 0x3B.
    ((ONES * (127 + 0x3B)).wrapping_sub(low7) & !x & low7.wrapping_add(ONES * (127 - 0x2F)) & HIGH)
        != 0
}

/// Position of the next byte that is a digit or a colon, from `i`.
fn next_digit_or_colon(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i + 8 <= bytes.len() {
        let chunk = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        if has_digit_or_colon(chunk) {
            break;
        }
        i += 8;
    }
    (i..bytes.len()).find(|&j| matches!(bytes[j], b'0'..=b'9' | b':'))
}

/// Words (maximal runs of non-separators) that contain a digit or a colon between hex digits.
fn trigger_words(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while let Some(j) = next_digit_or_colon(bytes, i) {
        let is_trigger = bytes[j] != b':'
            || (j > 0
                && bytes[j - 1].is_ascii_hexdigit()
                && bytes.get(j + 1).is_some_and(u8::is_ascii_hexdigit));
        if !is_trigger {
            i = j + 1;
            continue;
        }
        let mut start = j;
        while start > 0 && !SEPARATOR[bytes[start - 1] as usize] {
            start -= 1;
        }
        let mut end = j + 1;
        while end < bytes.len() && !SEPARATOR[bytes[end] as usize] {
            end += 1;
        }
        match words.last_mut() {
            Some(prev) if start < prev.end => prev.end = end,
            _ => words.push(start..end),
        }
        i = end;
    }
    words
}

fn regions(bytes: &[u8], triggers: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut regions: Vec<Range<usize>> = Vec::new();
    for w in triggers {
        match regions.last_mut() {
            Some(prev)
                if w.start - prev.end <= REGION_GAP
                    && bytes[prev.end..w.start]
                        .iter()
                        .all(|&b| SEPARATOR[b as usize] || b == b'-') =>
            {
                prev.end = w.end
            }
            _ => regions.push(w.clone()),
        }
    }
    regions
}

/// Up to NEIGHBOUR_WORDS words before and after each region, ascending, without repeats
/// (the words between two close regions are neighbours of both).
fn neighbour_words(bytes: &[u8], regions: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut words: Vec<Range<usize>> = Vec::with_capacity(regions.len() * 2 * NEIGHBOUR_WORDS);
    let push = |w: Range<usize>, words: &mut Vec<Range<usize>>| {
        if words.last().is_none_or(|last| w.start > last.start) {
            words.push(w);
        }
    };
    for r in regions {
        let mut before: [Range<usize>; NEIGHBOUR_WORDS] = Default::default();
        let mut n = 0;
        while n < NEIGHBOUR_WORDS {
            let at = if n == 0 { r.start } else { before[n - 1].start };
            let Some(w) = word_before(bytes, at) else {
                break;
            };
            before[n] = w;
            n += 1;
        }
        for w in before[..n].iter().rev() {
            push(w.clone(), &mut words);
        }
        let mut at = r.end;
        for _ in 0..NEIGHBOUR_WORDS {
            let Some(w) = word_after(bytes, at) else {
                break;
            };
            at = w.end;
            push(w, &mut words);
        }
    }
    words
}

/// The word before the separators that end at `at`, or None when only separators are left.
fn word_before(bytes: &[u8], at: usize) -> Option<Range<usize>> {
    let mut i = at;
    while i > 0 && SEPARATOR[bytes[i - 1] as usize] {
        i -= 1;
    }
    let end = i;
    while i > 0 && !SEPARATOR[bytes[i - 1] as usize] {
        i -= 1;
    }
    (i < end).then_some(i..end)
}

/// The word after the separators that start at `at`, or None when only separators are left.
fn word_after(bytes: &[u8], at: usize) -> Option<Range<usize>> {
    let mut i = at;
    while i < bytes.len() && SEPARATOR[bytes[i] as usize] {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && !SEPARATOR[bytes[i] as usize] {
        i += 1;
    }
    (start < i).then_some(start..i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(text: &str) -> Vec<String> {
        Haystack::new(text)
            .regional_text()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn neighbours(text: &str) -> Vec<&str> {
        Haystack::new(text)
            .neighbour_words(|_| true)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn prose_without_digits_has_no_regions() {
        let text = "Please summarise the meeting notes below: all of them.";
        assert!(regions(text).is_empty());
        assert!(neighbours(text).is_empty());
    }

    #[test]
    fn regions_join_digit_words_and_list_their_neighbours() {
        let text = "so my birthday is March 5, 1990 and that is all i can say today";
        assert_eq!(regions(text), vec!["5, 1990"]);
        assert_eq!(neighbours(text), vec!["is", "March", "and", "that"]);
        let text = "call (415) 867 - 2301 now or 4111 1111 1111 1111 x 7";
        assert_eq!(
            regions(text),
            vec!["(415) 867 - 2301", "4111 1111 1111 1111", "7"]
        );
    }

    #[test]
    fn hex_colon_words_are_triggers() {
        assert_eq!(
            regions("mac aa:bb:cc:dd:ee:ff here"),
            vec!["aa:bb:cc:dd:ee:ff"]
        );
        assert!(regions("Note: nothing here").is_empty());
    }

    #[test]
    fn digit_or_colon_bit_trick_is_exact() {
        for b in 0u8..=255 {
            let word = u64::from_le_bytes([b'a', b'a', b'a', b, b'a', b'a', b'a', b'a']);
            assert_eq!(
                has_digit_or_colon(word),
                matches!(b, b'0'..=b':'),
                "byte {b}"
            );
        }
    }

    #[test]
    fn offsets_map_back_to_the_text() {
        let text = "a 1 b c d e f g h i j k 22 z";
        let hay = Haystack::new(text);
        assert_eq!(regions(text), vec!["1", "22"]);
        let second = hay.regional_text().find("22").unwrap();
        assert_eq!(hay.original(second), text.find("22").unwrap());
        let re = regex::Regex::new(r"\d+").unwrap();
        let found: Vec<_> = hay.region_finds(&re).map(|r| &text[r]).collect();
        assert_eq!(found, vec!["1", "22"]);
    }
}
