//! UK_NHS and UK_NINO.
//!
//! NHS numbers are ten digits (printed 3-3-4) with a mod-11 check digit. One random ten-digit
//! number in eleven passes, and 3-3-4 is also how North American phones are written, so a
//! valid NHS number counts only with context ("NHS", "patient"): 0.85 with context, 0.45
//! without (below the threshold, and below a phone's score on the same span). Tables and
//! forms put "NHS" in a header far from the number, so a valid number printed 3-3-4 with
//! "NHS" anywhere in the preceding `WIDE_WINDOW` bytes scores 0.75 (above a formatted phone's
//! 0.7). A failing check digit next to "NHS" is still masked (0.5): health identifiers are high
//! risk.
//!
//! National Insurance numbers: two prefix letters (with the excluded letters and pairs HMRC
//! never issues), six digits, suffix A-D, compact or spaced in pairs. Score 0.85.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use crate::validate::{digits_of, mod11_nhs};
use veil_kinds::kind::Entity;

pub const NHS_CONTEXT: &[&str] = &["nhs", "health", "patient", "gp", "hospital"];
pub const NINO_CONTEXT: &[&str] = &["nino", "national", "insurance", "ni"];

/// How far back (bytes) "NHS" is looked for around a 3-3-4 printed number.
const WIDE_WINDOW: usize = 300;

pub struct Nhs {
    re: Regex,
}

impl Nhs {
    pub fn new() -> Self {
        Nhs {
            re: regex(r"(?-u:\b)\d{3}([ -]?)\d{3}([ -]?)\d{4}(?-u:\b)"),
        }
    }
}

impl Recognizer for Nhs {
    fn name(&self) -> &str {
        "uk_nhs"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::UkNhs]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for (shift, c) in hay.region_captures(&self.re) {
            let m = c.get(0).expect("group 0");
            let (start, end) = (shift.apply(m.start()), shift.apply(m.end()));
            if c[1] != c[2] || !stands_alone(hay.text(), start, end) {
                continue;
            }
            let valid = mod11_nhs(&digits_of(m.as_str()));
            let printed = &c[1] == " ";
            let score = match valid {
                true if printed && nhs_above(hay.text(), start) => 0.75,
                true => 0.45,
                false => 0.1,
            };
            out.push(Candidate::new(start, end, Entity::UkNhs, score, valid));
        }
    }
}

fn nhs_above(text: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(WIDE_WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..start].contains("NHS")
}

pub struct Nino {
    /// The digit-bearing core, searched in the regions: `AB123456C` or `12 34 56`.
    core: Regex,
    /// The whole number, matched in a few bytes around each core.
    re: Regex,
}

impl Nino {
    pub fn new() -> Self {
        Nino {
            core: regex(r"(?-u:\b)(?:[A-Z]{2}\d{6}[A-D]|\d{2} \d{2} \d{2})(?-u:\b)"),
            re: regex(
                r"(?-u:\b)([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])( ?)(\d{2})( ?)(\d{2})( ?)(\d{2})( ?)([A-D])(?-u:\b)",
            ),
        }
    }
}

impl Recognizer for Nino {
    fn name(&self) -> &str {
        "uk_nino"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::UkNino]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.core.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        const NEVER_ISSUED: &[&str] = &["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];
        let text = hay.text();
        for core in hay.region_finds(&self.core) {
            // Room for "AB " before and " C" after a spaced core, plus one char of context.
            let mut from = core.start.saturating_sub(4);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            let mut to = (core.end + 2).min(text.len());
            while !text.is_char_boundary(to) {
                to -= 1;
            }
            let Some(c) = self.re.captures(&text[from..to]) else {
                continue;
            };
            let spaces = [&c[2], &c[4], &c[6], &c[8]];
            let consistent =
                spaces.iter().all(|s| s.is_empty()) || spaces.iter().all(|s| *s == " ");
            if !consistent || NEVER_ISSUED.contains(&&c[1]) {
                continue;
            }
            let m = c.get(0).expect("group 0");
            out.push(Candidate::new(
                from + m.start(),
                from + m.end(),
                Entity::UkNino,
                0.85,
                true,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none, found};
    use veil_kinds::kind::Entity::{PhoneNumber, UkNhs, UkNino};

    #[test]
    fn nhs_with_context() {
        assert_finds(UkNhs, "NHS number 943 476 5919", "943 476 5919");
        assert_finds(UkNhs, "patient 9434765919 admitted", "9434765919");
        // A failing check digit next to "NHS" is still masked (here no phone plan claims it).
        assert_finds(UkNhs, "NHS no. 143 476 5918 (typo?)", "143 476 5918");
        assert_none(UkNhs, "ref 943 476 5919");
        let table = "patient | NHS no | ward\nPatel, R | 943 476 5919 | Ward 7\nKim, J | 401 023 2137 | AMU";
        assert_eq!(found(UkNhs, table), vec!["943 476 5919", "401 023 2137"]);
        assert!(found(
            UkNhs,
            "I kept my NHS number. Separately, my CHI number is 9434765919."
        )
        .is_empty());
    }

    #[test]
    fn nhs_beats_phone_only_with_context() {
        assert!(found(PhoneNumber, "NHS number 943 476 5919").is_empty());
        assert_eq!(
            found(PhoneNumber, "call 943 476 5919"),
            vec!["943 476 5919"]
        );
    }

    #[test]
    fn nino() {
        assert_finds(UkNino, "NI number AB 12 34 56 C.", "AB 12 34 56 C");
        assert_finds(UkNino, "nino AB123456C", "AB123456C");
        assert_none(UkNino, "code GB123456A");
        assert_none(UkNino, "code QQ123456C");
        assert_none(UkNino, "code DA123456A");
        assert_none(UkNino, "code AB123456E");
        assert_none(UkNino, "code AB 123456C");
    }
}
