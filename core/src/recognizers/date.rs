//! DATE_TIME: calendar dates that can identify a person (a date of birth, an admission, an
//! appointment), in the common numeric and written forms, with month names in English, French,
//! German, Spanish, Italian, Dutch and Portuguese, and the CJK `2024年7月31日` form.
//!
//! Precision rules: the date must exist on the calendar (leap years included) with a year in
//! 1900-2100; dotted and dashed numeric forms need a four-digit year (so `1.2.10` is a version);
//! machine timestamps (a numeric date followed by a time, as in logs and APIs, or a syslog
//! `Jun 14 02:11:09`) are event times, not personal data, and are not reported, while a
//! written date with a time ("March 5, 2025, 10:30") is an appointment and is; API version
//! dates are not reported; month-and-year alone ("March 2024") is not a date of anything
//! personal. A weekday before the date is not part of the span. Month-first forms ("March 5")
//! are English only; other languages write the day first.
//!
//! Scores: written with a year 0.85; ISO and CJK 0.75; numeric with a four-digit year 0.7;
//! numeric with a two-digit year 0.55; written without a year 0.6. Context ("born", "DOB")
//! adds 0.4.

use std::collections::{HashMap, HashSet};

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, ContextWords, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &[
    "birth",
    "born",
    "dob",
    "birthday",
    "date",
    "appointment",
    "admitted",
    "discharged",
    "expiry",
    "expires",
    "deceased",
    "died",
    "visit",
];

/// Words that make a date a version ("anthropic-version: 2023-06-01", "API version 2024-10-21").
const VERSION_WORDS: &[&str] = &["version", "ver", "api", "v"];

/// English month names and abbreviations, by month. Written Capitalised or in capitals.
const ENGLISH: [&[&str]; 12] = [
    &["January", "Jan"],
    &["February", "Feb"],
    &["March", "Mar"],
    &["April", "Apr"],
    &["May"],
    &["June", "Jun"],
    &["July", "Jul"],
    &["August", "Aug"],
    &["September", "Sept", "Sep"],
    &["October", "Oct"],
    &["November", "Nov"],
    &["December", "Dec"],
];

/// French, German, Spanish, Italian, Dutch and Portuguese month names, by month. Written in
/// lower case or Capitalised (German capitalises nouns).
const OTHER: [&[&str]; 12] = [
    &[
        "janvier", "januar", "jänner", "enero", "gennaio", "januari", "janeiro",
    ],
    &[
        "février",
        "fevrier",
        "februar",
        "febrero",
        "febbraio",
        "februari",
        "fevereiro",
    ],
    &["mars", "märz", "maerz", "marzo", "maart", "março", "marco"],
    &["avril", "abril", "aprile"],
    &["mai", "mayo", "maggio", "mei", "maio"],
    &["juin", "juni", "junio", "giugno", "junho"],
    &["juillet", "juli", "julio", "luglio", "julho"],
    &["août", "aout", "agosto", "augustus"],
    &[
        "septembre",
        "septiembre",
        "setiembre",
        "settembre",
        "setembro",
    ],
    &["octobre", "oktober", "octubre", "ottobre", "outubro"],
    &["novembre", "noviembre", "novembro"],
    &[
        "décembre",
        "decembre",
        "dezember",
        "diciembre",
        "dicembre",
        "dezembro",
    ],
];

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Every spelling of every month with its number.
fn month_names(english_only: bool) -> Vec<(String, u32)> {
    let mut names = Vec::new();
    for (i, list) in ENGLISH.iter().enumerate() {
        for n in list.iter() {
            names.push((n.to_string(), i as u32 + 1));
            names.push((n.to_uppercase(), i as u32 + 1));
        }
    }
    if !english_only {
        for (i, list) in OTHER.iter().enumerate() {
            for n in list.iter() {
                names.push((n.to_string(), i as u32 + 1));
                names.push((capitalised(n), i as u32 + 1));
            }
        }
    }
    names
}

pub struct Date {
    /// ISO `1985-03-12`, numeric `03/12/1985`, `12.03.1985`, `3/12/85`, CJK `2024年7月31日`:
    /// one search over the regions; the shape is told apart when parsing.
    numeric: Regex,
    /// After an English month: ` 5`, ` 5th`, ` 5, 1990`.
    day_after: Regex,
    /// Before a month: `5 `, `5th of `, `1er `, `15. `, `15 de `.
    day_before: Regex,
    /// After a month in a day-first date: ` 1990`, `, 1990`, ` de 2024`.
    year_after: Regex,
    /// Month names (every spelling) to month numbers. A written date has its day or year next
    /// to the month, so months are looked up among the regions' neighbour words; the day and
    /// year around a month are read with the small anchored patterns above.
    months: HashMap<String, u32>,
    /// The first two bytes of every spelling in `months`, as a bitset: most neighbour words
    /// fail this test, and skip hashing (which was a twentieth of tier 1 on chat text).
    month_starts: Box<[u64; 1024]>,
    english: HashSet<String>,
}

/// The bit of `month_starts` for a word's first two bytes.
fn start_bit(word: &str) -> (usize, u64) {
    let key = usize::from(word.as_bytes()[0]) << 8 | usize::from(word.as_bytes()[1]);
    (key / 64, 1 << (key % 64))
}

impl Date {
    pub fn new() -> Self {
        let months: HashMap<String, u32> = month_names(false).into_iter().collect();
        let mut month_starts = Box::new([0u64; 1024]);
        for name in months.keys() {
            let (slot, bit) = start_bit(name);
            month_starts[slot] |= bit;
        }
        let english = month_names(true).into_iter().map(|(n, _)| n).collect();
        Date {
            numeric: regex(concat!(
                r"(?-u:\b)\d{4}([-/])\d{1,2}[-/]\d{1,2}(?-u:\b)",
                r"|(?-u:\b)\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?-u:\b)",
                // Spaces but not line breaks: a regional pattern never crosses a region
                // boundary, and the regions are searched joined by line breaks.
                r"|\d{4}[^\S\n]?[年년][^\S\n]?\d{1,2}[^\S\n]?[月월][^\S\n]?\d{1,2}[^\S\n]?[日일]",
            )),
            day_after: regex(r"\A (\d{1,2})(?:st|nd|rd|th)?(?-u:\b)(?:,? (\d{4})(?-u:\b))?"),
            day_before: regex(r"(?-u:\b)(\d{1,2})(?:st|nd|rd|th|er|\.)?(?: of| de)? \z"),
            year_after: regex(r"\A,? (?:de )?(\d{4})(?-u:\b)"),
            months,
            month_starts,
            english,
        }
    }

    /// The score of a numeric match that is a real calendar date, `None` otherwise. Year-first
    /// forms (ISO, CJK) are year-month-day; others accept month and day in either order (US or
    /// European).
    fn numeric_date(v: &str) -> Option<f32> {
        let parts: Vec<u32> = v
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(num)
            .collect();
        let [a, b, c] = parts[..] else { return None };
        let seps: Vec<char> = v
            .chars()
            .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
            .collect();
        if v.len() >= 4 && v.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            let iso = seps.len() == 2 && seps[0] == seps[1] && matches!(seps[0], '-' | '/');
            let cjk = seps.len() == 3;
            return ((iso || cjk) && valid_date(a, b, c)).then_some(0.75);
        }
        let year_len = v.len() - v.rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
        if seps.len() != 2 || seps[0] != seps[1] || (seps[0] != '/' && year_len == 2) {
            return None;
        }
        let (year, score) = if year_len == 2 {
            (1900 + c, 0.55)
        } else {
            (c, 0.7)
        };
        (valid_date(year, a, b) || valid_date(year, b, a)).then_some(score)
    }
}

impl Recognizer for Date {
    fn name(&self) -> &str {
        "date_time"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::DateTime]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.numeric.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        let mut push = |start: usize, end: usize, score: f32, numeric: bool| {
            let timestamp = if numeric {
                followed_by_time(&text[end..])
            } else {
                syslog_time(&text[end..])
            };
            let version = ContextWords::any_before(text, start, 2, VERSION_WORDS);
            if stands_alone(text, start, end) && !timestamp && !version {
                out.push(Candidate::new(start, end, Entity::DateTime, score, true));
            }
        };
        for r in hay.region_finds(&self.numeric) {
            if let Some(score) = Self::numeric_date(&text[r.clone()]) {
                push(r.start, r.end, score, true);
            }
        }
        for w in hay.neighbour_words(could_hold_a_day) {
            // "(March" or "March)": the month is the alphabetic part of the word.
            let word = &text[w.clone()];
            let trimmed = word.trim_start_matches(|c: char| !c.is_alphabetic());
            let name = trimmed.trim_end_matches(|c: char| !c.is_alphabetic());
            // Month names are 3 to 10 bytes; skip the hash lookup for other words.
            if !(3..=10).contains(&name.len()) {
                continue;
            }
            let (slot, bit) = start_bit(name);
            if self.month_starts[slot] & bit == 0 {
                continue;
            }
            let Some(&month) = self.months.get(name) else {
                continue;
            };
            let start = w.start + (word.len() - trimmed.len());
            let name_end = start + name.len();
            let r = start..name_end + usize::from(text[name_end..].starts_with('.'));
            let after = &text[name_end..];
            if let Some(c) = self
                .day_before
                .captures(&text[floor(text, r.start.saturating_sub(16))..r.start])
            {
                let start = r.start - (c.get(0).expect("group 0").len());
                let year = self.year_after.captures(&text[r.end..]);
                let end = year
                    .as_ref()
                    .map_or(r.end, |y| r.end + y.get(0).expect("group 0").len());
                // "17 March." ends a sentence; only an abbreviation keeps its dot.
                let end =
                    if year.is_none() && text[..end].ends_with('.') && name.chars().count() > 4 {
                        end - 1
                    } else {
                        end
                    };
                let y = year.map(|y| num(&y[1]));
                if valid_date(y.unwrap_or(2000), month, num(&c[1])) {
                    push(start, end, if y.is_some() { 0.85 } else { 0.6 }, false);
                }
            } else if self.english.contains(name) {
                let after = if text[r.start + name.len()..].starts_with('.') {
                    &after[1..]
                } else {
                    after
                };
                if let Some(c) = self.day_after.captures(after) {
                    let end = text.len() - after.len() + c.get(0).expect("group 0").len();
                    let y = c.get(2).map(|y| num(y.as_str()));
                    if valid_date(y.unwrap_or(2000), month, num(&c[1])) {
                        push(r.start, end, if y.is_some() { 0.85 } else { 0.6 }, false);
                    }
                }
            }
        }
    }
}

/// Whether a region could hold the day of a written date: its first word starts with one
/// ("March 5, 1990", "March 17th"; what `day_after` reads) or its last word ends with one
/// ("5 March", "17th of March", "1er mars"; what `day_before` reads). A month word is always a
/// neighbour of the region holding its day, so the months beside other regions (prices,
/// versions, phone and card numbers: most regions) are not looked up. May say yes wrongly,
/// never no wrongly. (A month glued to digits, "1)March 5", is inside a region, not beside
/// one: found neither now nor, except by the accident of another number two words before
/// it, earlier.)
fn could_hold_a_day(region: &str) -> bool {
    let b = region.as_bytes();
    let day_at = |end: usize| {
        end >= 1
            && b[end - 1].is_ascii_digit()
            && !(end >= 3 && b[end - 2].is_ascii_digit() && b[end - 3].is_ascii_digit())
    };
    let starts_with_day = !b.is_empty()
        && b[0].is_ascii_digit()
        && !(b.len() >= 3 && b[1].is_ascii_digit() && b[2].is_ascii_digit());
    // The day's suffix: "." or "st", "nd", "rd", "th", "er".
    let n = b.len();
    let suffix = match b {
        [.., b'.'] => 1,
        [.., x, y] if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => 2,
        _ => 0,
    };
    starts_with_day || day_at(n - suffix)
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&year) && (1..=days).contains(&day)
}

/// ` 02:11:09` right after a written date: a syslog line ("Jun 14 02:11:09 host sshd[..]").
fn syslog_time(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 9
        && b[0] == b' '
        && b[3] == b':'
        && b[6] == b':'
        && [1, 2, 4, 5, 7, 8].iter().all(|&i| b[i].is_ascii_digit())
}

/// `T10:30`, ` 3:14:07`, `_10:30` or `, 10:30` right after a numeric date: a timestamp.
fn followed_by_time(rest: &str) -> bool {
    let rest = rest
        .strip_prefix(['T', ' ', '_'])
        .or_else(|| rest.strip_prefix(", "))
        .unwrap_or("");
    let b = rest.as_bytes();
    let hour_digits = b.iter().take(2).take_while(|c| c.is_ascii_digit()).count();
    hour_digits > 0
        && b.get(hour_digits) == Some(&b':')
        && b.get(hour_digits + 1).is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::DateTime;

    #[test]
    fn only_regions_that_could_hold_a_day_are_read_for_months() {
        for region in [
            "5", "17th", "5, 1990", "1er", "(17.", "3 - 12", "2nd", "5/6",
        ] {
            assert!(super::could_hold_a_day(region), "{region}");
        }
        for region in [
            "1990",
            "$120",
            "+44 7911 123456",
            "v1.120",
            "8443.",
            "AKIA7X",
        ] {
            assert!(!super::could_hold_a_day(region), "{region}");
        }
    }

    #[test]
    fn numeric_and_written_dates() {
        for v in [
            "1985-03-12",
            "03/12/1985",
            "12.03.1985",
            "3/12/85",
            "March 12, 1985",
            "12 March 1985",
            "12th of March 1985",
            "Mar 12",
            "March 12th",
            "Feb 29, 2024",
            "09 APR 1990",
            "1er juillet 2024",
            "15. Mai 2024",
            "15 de marzo de 2024",
            "18 giugno 2024",
            "1 augustus 2024",
            "3 de junho de 2024",
            "2024年7月31日",
            "12 Mar. 1985",
            "Mar. 12",
        ] {
            assert_finds(DateTime, &format!("DOB is {v}."), v);
        }
        assert_finds(DateTime, "on Monday, March 4, 2024 we met", "March 4, 2024");
        assert_finds(
            DateTime,
            "Appointment: March 4, 2024, 10:30 with Dr. Li",
            "March 4, 2024",
        );
    }

    #[test]
    fn not_dates() {
        for t in [
            "2024-01-15T10:30:00Z started",
            "at 2024-01-15 10:30:00,123 INFO",
            "released in March 2024",
            "version 1.2.10 and 10.15.2023x",
            "price 12.05 and 3/4 cup",
            "Feb 29, 2023 is not a day",
            "13/13/2020 is nonsense",
            "in 1990 we",
            "2024-13-01 bad month",
            "header anthropic-version: 2023-06-01 set",
            "Jun 14 02:11:09 bastion-01 sshd[28841]: Failed",
            "Logged: 6/12/2024 3:14:07 AM",
            "Mars 2024 and mai 2024",
            "you may 5 times",
        ] {
            assert_none(DateTime, t);
        }
    }
}
