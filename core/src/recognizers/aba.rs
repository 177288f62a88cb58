//! ABA_ROUTING_NUMBER: nine digits with the 3-7-1 checksum and a Federal Reserve prefix.
//!
//! Routing numbers are public, and any nine-digit id passes the checksum one time in ten, so a
//! bare number is reported only with a context word ("routing", "ABA", "RTN"): score 0.7 with
//! context, nothing without.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use crate::validate::{aba_routing, digits_of};
use veil_kinds::kind::Entity;
use veil_kinds::token;

pub const CONTEXT: &[&str] = &[
    "routing", "route", "routed", "aba", "rtn", "transit", "abartn", "wire", "ach", "check",
    "cheque",
];

pub struct AbaRouting {
    re: Regex,
}

impl AbaRouting {
    pub fn new() -> Self {
        AbaRouting {
            re: regex(r"(?-u:\b)(?:\d{9}|\d{4}-\d{4}-\d)(?-u:\b)"),
        }
    }
}

impl Recognizer for AbaRouting {
    fn name(&self) -> &str {
        "aba_routing"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::AbaRoutingNumber]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for r in hay.region_finds(&self.re) {
            let value = &text[r.clone()];
            // A Veil token (reserved prefix) is reported too, so that it shadows an SSN reading
            // of the same digits; the engine drops it after overlap resolution.
            let is_token = token::is_token(&Entity::AbaRoutingNumber, value);
            if stands_alone(text, r.start, r.end) && (aba_routing(&digits_of(value)) || is_token) {
                out.push(Candidate::needs_context(
                    r.start,
                    r.end,
                    Entity::AbaRoutingNumber,
                    0.7,
                    true,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::AbaRoutingNumber;

    #[test]
    fn needs_context() {
        assert_finds(AbaRoutingNumber, "routing number 021000021", "021000021");
        assert_finds(AbaRoutingNumber, "ABA: 011000015.", "011000015");
        assert_none(AbaRoutingNumber, "id 021000021 in the table");
    }

    #[test]
    fn checksum_and_prefix() {
        assert_none(AbaRoutingNumber, "routing number 021000022");
        assert_none(AbaRoutingNumber, "routing number 500000000");
    }
}
