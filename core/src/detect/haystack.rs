//! The text under scan, and the "candidate regions" most recognizers search instead of the
//! whole text.
//!
//! Nearly every structured entity contains a digit (phones, cards, ids, dates, IPs, IBANs) or a
//! colon between hex digits (MACs, IPv6). One byte-class pass finds the words that do, widens
//! each by two neighbouring words (so "March 5, 1990" and "GB82 WEST 1234" stay whole), and
//! merges them. Recognizers then run their patterns over these few short slices rather than
//! over every byte: prose without numbers costs one table lookup per byte. Recognizers whose
//! patterns start with a literal (secrets, URLs) or contain one (`@` in emails) search the whole
//! text instead; the regex crate's literal prefilters make that cheap.

use std::ops::Range;

/// Words neighbouring a digit-bearing word that are pulled into its region.
const NEIGHBOUR_WORDS: usize = 2;

/// Bytes that end a word for region purposes. Whitespace and punctuation that never occurs
/// inside a structured value we detect in regions.
fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'"' | b'\'' | b'`' | b'<' | b'>' | b'{'
            | b'}' | b'[' | b']' | b'|' | b';' | b',' | b'=' | b'\\'
    )
}

/// The text being scanned and its precomputed regions.
pub struct Haystack<'t> {
    text: &'t str,
    regions: Vec<Range<usize>>,
}

impl<'t> Haystack<'t> {
    pub fn new(text: &'t str) -> Self {
        Haystack {
            text,
            regions: find_regions(text.as_bytes()),
        }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Regions as (offset of the slice in the text, slice).
    pub fn regions(&self) -> impl Iterator<Item = (usize, &'t str)> + '_ {
        self.regions.iter().map(|r| (r.start, &self.text[r.clone()]))
    }

    /// Every match of `re` in every region, as byte ranges of the whole text.
    pub fn region_finds<'h>(
        &'h self,
        re: &'h regex::Regex,
    ) -> impl Iterator<Item = Range<usize>> + 'h {
        self.regions().flat_map(move |(base, slice)| {
            re.find_iter(slice)
                .map(move |m| base + m.start()..base + m.end())
        })
    }

    /// Every match of `re` in every region with its capture groups, and the region's offset
    /// (add it to a group's offsets to get offsets into the whole text).
    pub fn region_captures<'h>(
        &'h self,
        re: &'h regex::Regex,
    ) -> impl Iterator<Item = (usize, regex::Captures<'t>)> + 'h {
        self.regions()
            .flat_map(move |(base, slice)| re.captures_iter(slice).map(move |c| (base, c)))
    }

    /// The char just before byte offset `at`, if any.
    pub fn char_before(&self, at: usize) -> Option<char> {
        self.text[..at].chars().next_back()
    }

    /// The char at byte offset `at`, if any.
    pub fn char_at(&self, at: usize) -> Option<char> {
        self.text[at..].chars().next()
    }
}

fn find_regions(bytes: &[u8]) -> Vec<Range<usize>> {
    // Words as (start, end, is_trigger).
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_separator(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut trigger = false;
        while i < bytes.len() && !is_separator(bytes[i]) {
            let b = bytes[i];
            if b.is_ascii_digit()
                || (b == b':'
                    && i > start
                    && bytes[i - 1].is_ascii_hexdigit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit))
            {
                trigger = true;
            }
            i += 1;
        }
        words.push((start, i, trigger));
    }

    let mut regions: Vec<Range<usize>> = Vec::new();
    for (idx, &(_, _, trigger)) in words.iter().enumerate() {
        if !trigger {
            continue;
        }
        let first = idx.saturating_sub(NEIGHBOUR_WORDS);
        let last = (idx + NEIGHBOUR_WORDS).min(words.len() - 1);
        let (start, end) = (words[first].0, words[last].1);
        match regions.last_mut() {
            Some(prev) if start <= prev.end => prev.end = prev.end.max(end),
            _ => regions.push(start..end),
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region_texts(text: &str) -> Vec<&str> {
        Haystack::new(text).regions().map(|(_, s)| s).collect()
    }

    #[test]
    fn prose_without_digits_has_no_regions() {
        assert!(region_texts("Please summarise the meeting notes below.").is_empty());
    }

    #[test]
    fn digit_words_pull_in_neighbours_and_merge() {
        let text = "so my birthday is March 5, 1990 and that is all i can say today";
        assert_eq!(region_texts(text), vec!["is March 5, 1990 and that"]);
    }

    #[test]
    fn hex_colon_words_are_regions() {
        assert_eq!(region_texts("mac aa:bb:cc:dd:ee:ff here"), vec!["mac aa:bb:cc:dd:ee:ff here"]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "x \"call 415-867-2301\"";
        let hay = Haystack::new(text);
        let (off, slice) = hay.regions().next().unwrap();
        assert_eq!(&text[off..off + slice.len()], slice);
    }
}
