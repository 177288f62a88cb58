//! IN_PAN and IN_AADHAAR: India's Permanent Account Number and Aadhaar number.
//!
//! PAN: five letters, four digits, a letter (`ABCPE1234F`); the fourth letter is the holder's
//! type (P person, C company, H family, F firm, A association, T trust, B body, L local
//! authority, J juridical person, G government). A person's PAN scores 0.88 on its own (over a
//! labelled identifier's 0.85: "PAN of the Employee: AJKPS7782Q" is a PAN); the other types
//! 0.3 (they need a context word: "PAN", "income tax" ...), 0.9 with context.
//!
//! Aadhaar: twelve digits, the first 2–9, with a Verhoeff check digit, written 4-4-4 (spaces or
//! hyphens) or compact. One random number in ten passes Verhoeff, so a grouped number scores
//! 0.5 (just at the threshold: 4-4-4 twelve-digit groupings are rare otherwise) and a compact
//! one 0.3 (context needed: "Aadhaar", "UIDAI" ...); 0.9 and 0.8 with context. A failing check
//! digit scores 0.1, so only a context word lifts it (0.5): a mistyped Aadhaar number is still
//! sensitive. Three groups inside a longer run of groups (tracking numbers) are never one.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::checksum::{digits_of, verhoeff};
use veil_kinds::kind::Entity;

pub const PAN_CONTEXT: &[&str] = &["pan", "permanent", "income", "tax"];
pub const AADHAAR_CONTEXT: &[&str] = &["aadhaar", "aadhar", "adhaar", "uidai", "uid"];

pub struct Pan {
    re: Regex,
}

impl Pan {
    pub fn new() -> Self {
        Pan {
            re: regex(r"(?-u:\b)[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z](?-u:\b)"),
        }
    }
}

impl Recognizer for Pan {
    fn name(&self) -> &str {
        "in_pan"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::InPan]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for r in hay.region_finds(&self.re) {
            let person = hay.text().as_bytes()[r.start + 3] == b'P';
            let score = if person { 0.88 } else { 0.3 };
            out.push(Candidate {
                score_with_context: 0.9,
                ..Candidate::new(r.start, r.end, Entity::InPan, score, true)
            });
        }
    }
}

pub struct Aadhaar {
    re: Regex,
}

impl Aadhaar {
    pub fn new() -> Self {
        Aadhaar {
            re: regex(r"(?-u:\b)[2-9]\d{3}(?:\d{8}| \d{4} \d{4}|-\d{4}-\d{4})(?-u:\b)"),
        }
    }
}

impl Recognizer for Aadhaar {
    fn name(&self) -> &str {
        "in_aadhaar"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::InAadhaar]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for r in hay.region_finds(&self.re) {
            let value = &text[r.clone()];
            let grouped = value.len() > 12;
            if !stands_alone(text, r.start, r.end)
                || (grouped && in_longer_run(text, r.start, r.end))
            {
                continue;
            }
            let valid = verhoeff(&digits_of(value));
            let (score, with_context) = match (valid, grouped) {
                (true, true) => (0.5, 0.9),
                (true, false) => (0.3, 0.8),
                (false, _) => (0.1, 0.5),
            };
            out.push(Candidate {
                score_with_context: with_context,
                ..Candidate::new(r.start, r.end, Entity::InAadhaar, score, valid)
            });
        }
    }
}

/// Whether the digit groups at `start..end` continue on either side ("9261 2903 0044 1722
/// 9018 38" is a tracking number, not an Aadhaar number and more).
fn in_longer_run(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let sep = |i: usize| b.get(i).is_some_and(|c| matches!(c, b' ' | b'-'));
    (sep(end) && digit(end + 1)) || (start >= 2 && sep(start - 1) && digit(start - 2))
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::checksum::{digits_of, verhoeff};
    use veil_kinds::kind::Entity::{InAadhaar, InPan};

    /// A Verhoeff-valid Aadhaar-shaped number from eleven digits.
    fn aadhaar(first11: &str) -> String {
        (0..10)
            .map(|d| format!("{first11}{d}"))
            .find(|n| verhoeff(&digits_of(n)))
            .unwrap()
    }

    #[test]
    fn pan_by_shape_and_holder_type() {
        assert_finds(InPan, "my PAN is ABCPE1234F.", "ABCPE1234F");
        assert_finds(InPan, "card ABCPE1234F on file", "ABCPE1234F");
        assert_finds(InPan, "PAN of the Employee: AJKPS7782Q", "AJKPS7782Q");
        assert_finds(InPan, "PAN: AAACR5055K (company)", "AAACR5055K");
        assert_none(InPan, "build AAACR5055K passed");
        assert_none(InPan, "ABCPE1234FX and abcpe1234f");
        assert_none(InPan, "ABCXE1234F");
    }

    #[test]
    fn aadhaar_needs_its_check_digit() {
        let n = aadhaar("23456789012");
        let grouped = format!("{} {} {}", &n[..4], &n[4..8], &n[8..]);
        assert_finds(InAadhaar, &format!("Aadhaar {grouped} verified"), &grouped);
        assert_finds(InAadhaar, &format!("id {grouped}"), &grouped);
        assert_finds(InAadhaar, &format!("my aadhaar no is {n}"), &n);
        assert_none(InAadhaar, &format!("order {n} shipped"));
        let bad = format!("{}{}", &n[..11], (n.as_bytes()[11] - b'0' + 1) % 10);
        assert_none(InAadhaar, &format!("ref {bad} ok"));
        assert_finds(InAadhaar, &format!("Aadhaar {bad}"), &bad);
        assert_none(InAadhaar, &format!("USPS {grouped} 1722 9018 38"));
        assert_none(InAadhaar, &format!("USPS 9261 {grouped}"));
    }
}
