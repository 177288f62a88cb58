//! Phone tokens keep the original's formatting (spaces, dashes, brackets, a leading `+`) and
//! draw from numbers reserved for fiction where a plan has them:
//! - NANP: `NPA-555-0100` to `NPA-555-0199` in any area code (reserved by NANPA for fiction);
//! - UK: Ofcom's drama ranges, `07700 900000-900999` for mobiles, `020 7946 0000-0999` else;
//! - anywhere else (the documented marker): country code `+999`, which the ITU keeps
//!   unassigned, followed by the original's national digits' count and grouping.
//!
//! The NANP and UK ranges are small, so after `SMALL_SPACE_ATTEMPTS` collisions the typed
//! token (`Phone_7QF2`) takes over.

use super::{digits_on_stack, fill_digits, Draw, SMALL_SPACE_ATTEMPTS};
use crate::checksum::{digits_of, mod11_nhs};

enum Plan {
    Nanp,
    /// National significant number of a UK number starts at this digit index.
    Uk(usize),
    Other,
}

fn plan(text: &str, digits: &[u8]) -> Plan {
    let international = text.trim_start().starts_with('+');
    match (international, digits) {
        (false, [2..=9, ..]) if digits.len() == 10 => Plan::Nanp,
        (_, [1, 2..=9, ..]) if digits.len() == 11 => Plan::Nanp,
        (true, [4, 4, ..]) if digits.len() == 12 => Plan::Uk(2),
        (false, [0, 0, 4, 4, ..]) if digits.len() == 14 => Plan::Uk(4),
        (false, [0, 1..=9, ..]) if digits.len() == 11 => Plan::Uk(1),
        _ => Plan::Other,
    }
}

pub(super) fn mint(original: &str, draw: &mut Draw, attempt: u32) -> Option<String> {
    let digits = digits_of(original);
    // Every non-digit of the original is copied into the token: only phone punctuation may be.
    let shape_ok = original
        .bytes()
        .all(|b| b.is_ascii_digit() || b" +-.()/".contains(&b));
    if !(7..=15).contains(&digits.len()) || !shape_ok || original.len() > 32 {
        return None;
    }
    let small_space_left = attempt < SMALL_SPACE_ATTEMPTS;
    match plan(original, &digits) {
        Plan::Nanp if small_space_left => {
            // NPA: [2-9][0-8][0-9], not an N11 service code.
            let (a, b) = loop {
                let a = 2 + draw.below(8) as u8;
                let b = draw.below(9) as u8;
                let c = draw.digit();
                if !(b == 1 && c == 1) {
                    break (a, [b, c]);
                }
            };
            // Ten digits printed 3-3-4 are also how NHS numbers look: a token never passes
            // the NHS check, so no real NHS number is ever taken for a phone token.
            let ten = loop {
                let ten = [a, b[0], b[1], 5, 5, 5, 0, 1, draw.digit(), draw.digit()];
                if !mod11_nhs(&ten) {
                    break ten;
                }
            };
            let mut new = Vec::with_capacity(11);
            if digits.len() == 11 {
                new.push(1);
            }
            new.extend(ten);
            Some(fill_digits(original, &new))
        }
        Plan::Uk(nsn_at) if small_space_left => {
            let range: &[u8] = if digits[nsn_at] == 7 {
                &[7, 7, 0, 0, 9, 0, 0]
            } else {
                &[2, 0, 7, 9, 4, 6, 0]
            };
            let mut new = digits[..nsn_at].to_vec();
            new.extend_from_slice(range);
            new.extend([draw.digit(), draw.digit(), draw.digit()]);
            Some(fill_digits(original, &new))
        }
        Plan::Nanp | Plan::Uk(_) => None,
        Plan::Other => Some(marker(original, &digits, draw)),
    }
}

/// `+999` then the national digits in the original grouping: an international original's
/// country code is replaced, a national original's trunk `0` gives way to the prefix.
fn marker(original: &str, digits: &[u8], draw: &mut Draw) -> String {
    let trimmed = original.trim();
    let national = match trimmed.strip_prefix('+') {
        // `+CC rest`: the country code group is replaced whole, the rest keeps its grouping.
        Some(rest) => match rest.find(|c: char| !c.is_ascii_digit()) {
            Some(cc_end) if cc_end <= 3 => &rest[cc_end..],
            _ => rest.get(3..).unwrap_or(""),
        },
        None => trimmed.strip_prefix('0').unwrap_or(trimmed),
    };
    let random: Vec<u8> = (0..digits.len()).map(|_| draw.digit()).collect();
    let national = fill_digits(national, &random);
    if national.starts_with(|c: char| c.is_ascii_digit()) {
        format!("+999 {national}")
    } else {
        format!("+999{national}")
    }
}

pub(super) fn is_token(text: &str) -> bool {
    let trimmed = text.trim();
    let Some((buf, n)) = digits_on_stack(trimmed) else {
        return false;
    };
    let digits = &buf[..n];
    if trimmed.starts_with('+') && digits.starts_with(&[9, 9, 9]) {
        return true;
    }
    match plan(trimmed, digits) {
        Plan::Nanp => {
            let ten = &digits[digits.len() - 10..];
            ten[3..8] == [5, 5, 5, 0, 1] && !mod11_nhs(ten)
        }
        Plan::Uk(at) => {
            let nsn = &digits[at..];
            nsn.len() == 10
                && (nsn[..7] == [7, 7, 0, 0, 9, 0, 0] || nsn[..7] == [2, 0, 7, 9, 4, 6, 0])
        }
        Plan::Other => false,
    }
}
