//! US_PASSPORT: nine digits, or a letter and eight digits (Next Generation passports). Nothing
//! distinguishes these from other ids, so they count only next to "passport": score 0.6 with
//! context, nothing without.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &["passport", "passports", "travel"];

pub struct UsPassport {
    re: Regex,
}

impl UsPassport {
    pub fn new() -> Self {
        UsPassport {
            re: regex(r"(?-u:\b)(?:[A-Z]\d{8}|\d{9})(?-u:\b)"),
        }
    }
}

impl Recognizer for UsPassport {
    fn name(&self) -> &str {
        "us_passport"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::UsPassport]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for r in hay.region_finds(&self.re) {
            if stands_alone(hay.text(), r.start, r.end) {
                out.push(Candidate::needs_context(
                    r.start,
                    r.end,
                    Entity::UsPassport,
                    0.6,
                    true,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::UsPassport;

    #[test]
    fn needs_passport_context() {
        assert_finds(UsPassport, "passport number A12345678 expires", "A12345678");
        assert_finds(UsPassport, "Passport: 912345678", "912345678");
        assert_none(UsPassport, "employee A12345678 badge");
    }
}
