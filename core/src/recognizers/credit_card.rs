//! CREDIT_CARD: 13-19 digits, optionally grouped by spaces or dashes, checked with Luhn and the
//! issuer ranges (IIN prefixes and the lengths each issuer uses). Twelve digits only as a
//! Luhn-valid Maestro number next to a card word (0.8 with it, nothing without).
//!
//! Scores: Luhn-valid with a known issuer 0.9; Luhn-valid, unknown issuer 0.3; Luhn failing
//! 0.1; both lifted by a context word ("card", "visa" ...), so a mistyped card number right
//! after "card" is still masked: a typo of a real card is still sensitive.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, ContextWords, Haystack, Recognizer};
use crate::validate::{digits_of, luhn};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &[
    "card",
    "credit",
    "debit",
    "visa",
    "mastercard",
    "amex",
    "discover",
    "cc",
    "ccn",
    "pan",
    "payment",
    "pay",
    "billing",
    "cardholder",
    "jcb",
    "diners",
    "unionpay",
    "maestro",
];

const NEGATIVE: &[&str] = &[
    "order",
    "tracking",
    "invoice",
    "ticket",
    "isbn",
    "reference",
    "ref",
    "serial",
];

pub struct CreditCard {
    re: Regex,
}

impl CreditCard {
    pub fn new() -> Self {
        CreditCard {
            re: regex(r"(?-u:\b)\d(?:[ -]?\d){11,18}(?-u:\b)"),
        }
    }
}

impl Recognizer for CreditCard {
    fn name(&self) -> &str {
        "credit_card"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::CreditCard]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for r in hay.region_finds(&self.re) {
            let value = &text[r.clone()];
            if !stands_alone(text, r.start, r.end) || !grouping_is_plausible(value) {
                continue;
            }
            let digits = digits_of(value);
            if digits.len() == 12 {
                // Twelve digits are a card only as Maestro, and only next to a card word.
                if luhn(&digits) && known_issuer(&digits) {
                    out.push(Candidate::needs_context(
                        r.start,
                        r.end,
                        Entity::CreditCard,
                        0.8,
                        true,
                    ));
                }
                continue;
            }
            let (score, validated) = match (luhn(&digits), known_issuer(&digits)) {
                (true, true) => (0.9, true),
                (true, false) => (0.3, true),
                (false, _) => (0.1, false),
            };
            out.push(if ContextWords::any_before(text, r.start, 3, NEGATIVE) {
                Candidate::needs_context(r.start, r.end, Entity::CreditCard, score + 0.4, validated)
            } else {
                Candidate::new(r.start, r.end, Entity::CreditCard, score, validated)
            });
        }
    }
}

/// One separator kind throughout, and the groupings issuers print: 4-4-4-4(-1..3),
/// 4-6-5 (Amex), 4-6-4 (Diners), or none at all.
fn grouping_is_plausible(value: &str) -> bool {
    let has_space = value.contains(' ');
    let has_dash = value.contains('-');
    if has_space && has_dash {
        return false;
    }
    if !has_space && !has_dash {
        return true;
    }
    let lens: Vec<usize> = value.split([' ', '-']).map(str::len).collect();
    match lens.as_slice() {
        [4, 6, 5] | [4, 6, 4] | [4, 4, 4] => true,
        [4, 4, 4, rest @ ..] => {
            !rest.is_empty()
                && rest.len() <= 2
                && rest[0] >= 1
                && rest[0] <= 4
                && rest.get(1).is_none_or(|&l| l <= 3)
        }
        _ => false,
    }
}

/// Issuer identification number ranges and the lengths each issuer issues.
fn known_issuer(d: &[u8]) -> bool {
    let prefix = |n: usize| {
        d.iter()
            .take(n)
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
    };
    let len = d.len();
    let (p2, p3, p4, p6) = (prefix(2), prefix(3), prefix(4), prefix(6));
    let visa = d[0] == 4 && matches!(len, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16;
    let amex = matches!(p2, 34 | 37) && len == 15;
    let discover =
        (p4 == 6011 || p2 == 65 || (644..=649).contains(&p3) || (622126..=622925).contains(&p6))
            && (16..=19).contains(&len);
    let diners =
        ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&len);
    let jcb = (3528..=3589).contains(&p4) && (16..=19).contains(&len);
    let unionpay = p2 == 62 && (16..=19).contains(&len);
    let maestro = matches!(p2, 50 | 56..=69) && (12..=19).contains(&len);
    visa || mastercard || amex || discover || diners || jcb || unionpay || maestro
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::CreditCard;

    #[test]
    fn issuers_and_groupings() {
        for v in [
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111111111111111",
            "5500 0000 0000 0004",
            "2223 0031 2200 3222",
            "3782 822463 10005",
            "6011 1111 1111 1117",
            "3530 1113 3330 0000",
            "6200 0000 0000 0005",
            "3056 930902 5904",
        ] {
            assert_finds(CreditCard, &format!("paid with {v} yesterday"), v);
        }
    }

    #[test]
    fn luhn_failure_needs_card_context() {
        assert_finds(
            CreditCard,
            "my card 4111 1111 1111 1112 was declined",
            "4111 1111 1111 1112",
        );
        assert_none(CreditCard, "reference 4111 1111 1111 1112 noted");
        assert_none(CreditCard, "batch 4111111111111112");
    }

    #[test]
    fn twelve_digit_maestro_needs_a_card_word() {
        assert_finds(CreditCard, "Maestro card 6759 6498 2648", "6759 6498 2648");
        assert_finds(CreditCard, "my card: 675964982648", "675964982648");
        assert_none(CreditCard, "batch 6759 6498 2648 done");
        // Luhn-failing twelve digits are not a card even then
        assert_none(CreditCard, "card 6759 6498 2643");
    }

    #[test]
    fn near_misses() {
        assert_none(CreditCard, "4111 11111111 1111 is oddly grouped");
        assert_none(CreditCard, "4111-1111 1111-1111 mixes separators");
        assert_none(CreditCard, "tracking 9400100000000000000000 arrives");
        assert_none(CreditCard, "uuid 4111111111111111-abcd");
        assert_none(CreditCard, "order 4111111111111111 shipped");
    }
}
