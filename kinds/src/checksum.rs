//! Arithmetic check digits. Written by hand: each is a few lines, and the crates that offer them
//! bundle much more than we need or are unmaintained.

/// The ASCII digits of `text` as numbers, skipping separators.
pub fn digits_of(text: &str) -> Vec<u8> {
    text.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Luhn mod-10.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 7064 mod-97-10 as IBAN uses it: first four characters moved to the end, letters as
/// 10..35, remainder must be 1. Separators (spaces) are ignored; any other character fails.
pub fn mod97(text: &str) -> bool {
    let chars: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'-')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if chars.len() < 5 || !chars.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (head, tail) = chars.split_at(4);
    let mut rem: u32 = 0;
    for &c in tail.iter().chain(head) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// NHS number check: weights 10..2 over the first nine digits; check digit 11 - (sum mod 11),
/// where 11 means 0 and 10 means the number is invalid.
pub fn mod11_nhs(digits: &[u8]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(digits[9])
}

/// ABA routing number: weights 3,7,1 repeated; sum divisible by 10; Federal Reserve prefixes
/// 00-12 (banks), 21-32 (thrifts), 61-72 (electronic), 80 (traveller's cheques).
pub fn aba_routing(digits: &[u8]) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let prefix = digits[0] * 10 + digits[1];
    matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80) && aba_routing_checksum(digits)
}

/// The 3-7-1 checksum alone, whatever the prefix (Veil's tokens use a reserved prefix).
pub fn aba_routing_checksum(digits: &[u8]) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .zip([3u32, 7, 1].iter().cycle())
        .map(|(&d, &w)| u32::from(d) * w)
        .sum();
    sum.is_multiple_of(10) && sum != 0
}

/// Verhoeff dihedral-group check.
pub fn verhoeff(digits: &[u8]) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    if digits.len() < 2 {
        return false;
    }
    let mut c = 0u8;
    for (i, &d) in digits.iter().rev().enumerate() {
        c = D[c as usize][P[i % 8][d as usize] as usize];
    }
    c == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_known_cards_and_rejects_typos() {
        assert!(luhn(&digits_of("4111 1111 1111 1111")));
        assert!(luhn(&digits_of("3782-822463-10005")));
        assert!(!luhn(&digits_of("4111 1111 1111 1112")));
        assert!(!luhn(&[7]));
    }

    #[test]
    fn mod97_checks_ibans() {
        assert!(mod97("DE89 3704 0044 0532 0130 00"));
        assert!(mod97("GB82WEST12345698765432"));
        assert!(!mod97("GB82WEST12345698765433"));
        assert!(!mod97("GB82/WEST"));
    }

    #[test]
    fn nhs_mod11() {
        assert!(mod11_nhs(&digits_of("943 476 5919")));
        assert!(!mod11_nhs(&digits_of("943 476 5918")));
        assert!(!mod11_nhs(&digits_of("123")));
    }

    #[test]
    fn aba_checksum_and_prefix() {
        assert!(aba_routing(&digits_of("011000015")));
        assert!(aba_routing(&digits_of("021000021")));
        assert!(!aba_routing(&digits_of("021000022")));
        // valid checksum, reserved prefix 50
        assert!(!aba_routing(&digits_of("500000000")));
        assert!(!aba_routing(&digits_of("000000000")));
    }

    #[test]
    fn verhoeff_known_values() {
        assert!(verhoeff(&digits_of("2363")));
        // The permutation of the fifth digit from the right: p(4) = p(1)^4.
        assert!(verhoeff(&digits_of("427472780481")));
        assert!(verhoeff(&digits_of("447375973529")));
        assert!(!verhoeff(&digits_of("427472780482")));
        assert!(!verhoeff(&digits_of("2364")));
    }
}
