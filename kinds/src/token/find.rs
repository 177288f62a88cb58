//! Finding tokens in text (a request's history, a response) without knowing them in advance:
//! one pass of a pattern for every token shape, each candidate confirmed by `is_token`. The
//! filter sends what it finds to the vault's rehydrate endpoint, which answers only for
//! tokens the caller's scope may see.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::is_token;
use crate::kind::{Entity, BUILTIN};

/// Every token shape, one alternative each.
fn shapes() -> String {
    let typed = format!(
        r"(?-u:\b)[A-Z][A-Za-z]{{1,30}}_[0-9A-HJKMNP-TV-Z]{{1,{}}}(?-u:\b)",
        super::typed::MAX_ID_LEN
    );
    typed
        + concat!(
            r"|email-[0-9a-z]{1,16}@example\.com",
            r"|(?-u:\b)00\d\d(?:[ -]?\d){8,15}(?-u:\b)",
            r"|(?-u:\b)9\d\d[- ]\d\d[- ]\d{4}(?-u:\b)",
            r"|(?-u:\b)99\d00\d{4}(?-u:\b)",
            r"|(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-]?)555[ .-]?01\d\d(?-u:\b)",
            // UK: the drama ranges in any grouping the original had (`0207 946 0123`).
            r"|(?:\+44|(?-u:\b)00 ?44|(?-u:\b)0)(?:[ .()-]{0,2}\d){10}(?-u:\b)",
            r"|\+999(?:[ ().-]?\d){4,15}",
            r"|(?-u:\b)[A-Z]{2}\d\d(?: ?[0-9A-Z]{4}){2,7}(?: ?[0-9A-Z]{1,3})?(?-u:\b)",
            r"|(?-u:\b)(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}(?-u:\b)",
            r"|(?-u:\b)2001:[dD][bB]8(?::[0-9a-fA-F]{0,4}){1,7}",
        )
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&shapes()).expect("the token pattern compiles"))
}

/// Whether `text` as a whole has one of the token shapes: what `is_token` asks of a
/// format-preserving token before its checks of ranges and digits, so a value is only ever
/// taken for a token that the finder would find (`33.255.50.195` has a phone token's digits,
/// not its shape).
pub(super) fn has_token_shape(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!("^(?:{})$", shapes())).expect("the token pattern compiles")
    })
    .is_match(text)
}

/// The byte ranges of the tokens in `text`, in order.
pub fn find_tokens(text: &str) -> Vec<Range<usize>> {
    pattern()
        .find_iter(text)
        .filter(|m| stands_alone(text, m.range()) && is_any_token(m.as_str()))
        .map(|m| m.range())
        .collect()
}

/// A token stands apart from what surrounds it: a match inside a longer run of digits or a
/// word (`555-0122` at the end of `4555555555550122`, a card number) is part of some other
/// value, never a token.
fn stands_alone(text: &str, at: Range<usize>) -> bool {
    let before = text[..at.start].bytes().next_back();
    let after = text[at.end..].bytes().next();
    !before.is_some_and(|b| b.is_ascii_alphanumeric()) && !after.is_some_and(|b| b.is_ascii_digit())
}

/// Whether `token`, standing alone, is found as one token.
pub(super) fn finds_whole(token: &str) -> bool {
    pattern()
        .find(token)
        .is_some_and(|m| m.range() == (0..token.len()) && is_any_token(token))
}

fn is_any_token(s: &str) -> bool {
    if BUILTIN.iter().any(|e| is_token(e, s)) {
        return true;
    }
    // A typed token of a custom kind: `EmployeeId_7QF2`. The vault decides whether it exists.
    s.split_once('_')
        .is_some_and(|(label, _)| is_token(&Entity::Custom(camel_to_upper_snake(label).into()), s))
}

fn camel_to_upper_snake(label: &str) -> String {
    let mut out = String::new();
    for (i, c) in label.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Minter;

    #[test]
    fn every_minted_token_is_found_in_text_and_nothing_else() {
        let m = Minter::default();
        let originals = [
            (Entity::Person, "Jane Roe"),
            (Entity::EmailAddress, "jane@corp.com"),
            (Entity::CreditCard, "4111 1111 1111 1111"),
            (Entity::UsSsn, "078-05-1120"),
            (Entity::AbaRoutingNumber, "021000021"),
            (Entity::PhoneNumber, "(415) 867-5309"),
            (Entity::PhoneNumber, "+44 7911 123456"),
            (Entity::PhoneNumber, "+33 6 12 34 56 78"),
            (Entity::IbanCode, "GB82 WEST 1234 5698 7654 32"),
            (Entity::IpAddress, "10.1.2.3"),
            (Entity::IpAddress, "fe80::1"),
            (Entity::Custom("EMPLOYEE_ID".into()), "E-1"),
        ];
        for n in 0..20u8 {
            for (entity, original) in &originals {
                let token = m.mint(entity, original, &[n; 32], 0);
                let text = format!("As discussed, {token}. Thanks, order 12345 on 2024-05-01.");
                let found: Vec<&str> = find_tokens(&text).into_iter().map(|r| &text[r]).collect();
                assert_eq!(found, vec![token.as_str()], "{entity}: {text}");
            }
        }
        assert!(find_tokens(
            "Call (415) 867-5309 or mail jane@corp.com, card 4111 1111 1111 1111, IP 10.0.0.1"
        )
        .is_empty());
    }
}
