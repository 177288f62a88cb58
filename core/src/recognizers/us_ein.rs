//! US_EIN: Employer Identification Numbers, `NN-NNNNNNN`, with a prefix the IRS assigns.
//!
//! Two digits, a hyphen and seven digits is also how some order and case numbers look, so a
//! valid EIN scores 0.4 on its own (under the threshold) and 0.8 with a context word ("EIN",
//! "tax", "employer" ...). Nine digits without the hyphen count only with context (0.5). An
//! unassigned prefix (00, 07–09, 17–19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97) is never an EIN.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &["ein", "fein", "tin", "tax", "employer", "taxpayer", "irs"];

pub struct UsEin {
    re: Regex,
}

impl UsEin {
    pub fn new() -> Self {
        UsEin {
            re: regex(r"(?-u:\b)\d{2}-?\d{7}(?-u:\b)"),
        }
    }
}

/// Whether the IRS assigns EINs with this two-digit prefix.
fn assigned_prefix(prefix: u8) -> bool {
    matches!(prefix, 1..=6 | 10..=16 | 20..=27 | 30..=48 | 50..=68 | 71..=77 | 80..=88 | 90..=95 | 98 | 99)
}

impl Recognizer for UsEin {
    fn name(&self) -> &str {
        "us_ein"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::UsEin]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for r in hay.region_finds(&self.re) {
            let value = &hay.text()[r.clone()];
            let prefix = value[..2].parse::<u8>().unwrap_or(0);
            if !assigned_prefix(prefix) || !stands_alone(hay.text(), r.start, r.end) {
                continue;
            }
            out.push(if value.contains('-') {
                Candidate {
                    score_with_context: 0.8,
                    ..Candidate::new(r.start, r.end, Entity::UsEin, 0.4, true)
                }
            } else {
                Candidate::needs_context(r.start, r.end, Entity::UsEin, 0.5, true)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::UsEin;

    #[test]
    fn an_ein_needs_its_context() {
        assert_finds(UsEin, "Tax ID 94-1234567 on the W-9", "94-1234567");
        assert_finds(UsEin, "our EIN: 12-3456789.", "12-3456789");
        assert_finds(UsEin, "EIN 941234567", "941234567");
        assert_none(UsEin, "case 94-1234567 was closed");
        assert_none(UsEin, "EIN 07-1234567");
        assert_none(UsEin, "tax total 1234567.00");
    }
}
