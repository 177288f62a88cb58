//! Digit formats that keep the original's grouping: cards, SSNs and ITINs, ABA routing
//! numbers, IBANs. Each draws from a range its issuing system never assigns. A format is used
//! only when the original is made of digits (letters for IBANs) and separators, since every
//! other character of the original is copied into the token: anything else gets the typed
//! token, so no stray text can travel inside a token.

use super::{digits_on_stack, fill_digits, Draw, SMALL_SPACE_ATTEMPTS};
use crate::checksum::{aba_routing_checksum, digits_of, luhn, mod97};

/// MII 0 belongs to ISO/TC 68, not to any card network: `00…` is never a real card.
const CARD_PREFIX: [u8; 2] = [0, 0];

pub(super) fn card(original: &str, draw: &mut Draw) -> Option<String> {
    let n = digits_of(original).len();
    if !(12..=19).contains(&n) || !only_digits_and(original, b" -") {
        return None;
    }
    let mut d: Vec<u8> = CARD_PREFIX.to_vec();
    while d.len() < n - 1 {
        d.push(draw.digit());
    }
    d.push(0);
    // The check digit that makes the whole number Luhn-valid.
    let check = (0..10).find(|&c| {
        d[n - 1] = c;
        luhn(&d)
    })?;
    d[n - 1] = check;
    Some(fill_digits(original, &d))
}

pub(super) fn is_card(text: &str) -> bool {
    let Some((buf, n)) = digits_on_stack(text) else {
        return false;
    };
    let d = &buf[..n];
    only_digits_and(text, b" -") && (12..=19).contains(&d.len()) && d[..2] == CARD_PREFIX && luhn(d)
}

/// Area 900-999 with group 01-49 is issued neither as an SSN (never 9xx) nor as an ITIN
/// (groups 50-65, 70-88, 90-92, 94-99) nor an ATIN (93): about 49 million tokens. Always
/// printed with delimiters (a compact original gets dashes): nine bare digits are also how
/// passport and routing numbers look, and a token must never be mistaken for those.
pub(super) fn ssn(original: &str, draw: &mut Draw) -> Option<String> {
    if digits_of(original).len() != 9 || !only_digits_and(original, b" -") {
        return None;
    }
    let area = 900 + draw.below(100);
    let group = 1 + draw.below(49);
    let serial = 1 + draw.below(9999);
    let sep = if original.contains(' ') && !original.contains('-') {
        ' '
    } else {
        '-'
    };
    Some(format!("{area:03}{sep}{group:02}{sep}{serial:04}"))
}

pub(super) fn is_ssn(text: &str) -> bool {
    let b = text.as_bytes();
    let delimited = b.len() == 11
        && (b[3] == b'-' || b[3] == b' ')
        && b[6] == b[3]
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 3 || i == 6 || c.is_ascii_digit());
    delimited && b[0] == b'9' && (1..=49).contains(&((b[4] - b'0') * 10 + (b[5] - b'0')))
}

/// Prefix 99 belongs to no Federal Reserve district (valid ones are 00-12, 21-32, 61-72, 80),
/// and digits four and five are `00`, so read as an SSN the token has area 99x and group 00,
/// which is never issued either: ten thousand tokens, then the typed fallback.
pub(super) fn aba(original: &str, draw: &mut Draw, attempt: u32) -> Option<String> {
    if digits_of(original).len() != 9
        || attempt >= SMALL_SPACE_ATTEMPTS
        || !only_digits_and(original, b" -")
    {
        return None;
    }
    let mut d = vec![
        9,
        9,
        draw.digit(),
        0,
        0,
        draw.digit(),
        draw.digit(),
        draw.digit(),
        0,
    ];
    d[8] = (0..10).find(|&c| {
        d[8] = c;
        aba_routing_checksum(&d)
    })?;
    Some(fill_digits(original, &d))
}

pub(super) fn is_aba(text: &str) -> bool {
    let Some((buf, n)) = digits_on_stack(text) else {
        return false;
    };
    let d = &buf[..n];
    only_digits_and(text, b"-")
        && d.len() == 9
        && d[..2] == [9, 9]
        && d[3..5] == [0, 0]
        && aba_routing_checksum(d)
}

/// Keeps the country, the length and the letter/digit layout (strict validators check the
/// per-country BBAN structure), writes a bank code of `0`s and `X`s that no bank holds, and
/// computes the mod-97 check digits.
pub(super) fn iban(original: &str, draw: &mut Draw) -> Option<String> {
    let compact: Vec<u8> = original
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let shape_ok = original
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ');
    if compact.len() < 8
        || compact.len() > 34
        || !shape_ok
        || !compact[..2].iter().all(u8::is_ascii_alphabetic)
    {
        return None;
    }
    let mut bban = Vec::with_capacity(compact.len() - 4);
    for (i, &c) in compact[4..].iter().enumerate() {
        let marker = i < 4;
        bban.push(match (c.is_ascii_digit(), marker) {
            (true, true) => b'0',
            (true, false) => b'0' + draw.digit(),
            (false, true) => b'X',
            (false, false) => b'A' + draw.below(26) as u8,
        });
    }
    let check = (2..=98).find(|c| {
        let candidate = [&compact[..2], format!("{c:02}").as_bytes(), &bban].concat();
        mod97(std::str::from_utf8(&candidate).unwrap_or(""))
    })?;
    let token = [&compact[..2], format!("{check:02}").as_bytes(), &bban].concat();
    // Re-insert the original's spaces at the same positions.
    let mut out = String::with_capacity(original.len());
    let mut next = token.iter();
    for c in original.chars() {
        if c.is_whitespace() {
            out.push(c);
        } else if let Some(&t) = next.next() {
            out.push(char::from(t));
        }
    }
    Some(out)
}

pub(super) fn is_iban(text: &str) -> bool {
    // An IBAN's shape first (country letters, check digits): a run of digits that happens to
    // pass mod 97 with `0000` in it (a card number) is not a token, and must still be masked.
    let mut compact = text.bytes().filter(|b| *b != b' ');
    let shaped = compact.by_ref().take(4).enumerate().all(|(i, b)| match i {
        0 | 1 => b.is_ascii_uppercase(),
        _ => b.is_ascii_digit(),
    });
    // Characters 5-8 of the compact form are the bank code: `0`s and `X`s in a token.
    let mut compact = text.bytes().filter(|b| *b != b' ');
    shaped
        && compact.nth(3).is_some()
        && compact
            .by_ref()
            .take(4)
            .filter(|b| matches!(b, b'0' | b'X' | b'x'))
            .count()
            == 4
        && mod97(text)
}

fn only_digits_and(text: &str, separators: &[u8]) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || separators.contains(&b))
}
