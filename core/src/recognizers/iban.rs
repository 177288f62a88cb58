//! IBAN_CODE: country code, two check digits, and the country's fixed-length BBAN, written
//! compact or in groups of four; the ISO 7064 mod-97 check must give 1.
//!
//! The length comes from the country table, so the match stops exactly where the IBAN ends
//! even when a word in capitals follows ("... 0130 00 EUR").
//!
//! Scores: valid 0.95; right length but failing mod-97 0.1 (a context word such as "IBAN"
//! lifts it: a mistyped IBAN is still sensitive). Written in lower case, grouped other than
//! by fours ("de89 370 400 440 532 013 000"), with hyphens ("ES59-6906-0443-...") or with a
//! space after the country code ("GB 43 MIDL 3478 ..."), only a valid IBAN counts.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use crate::validate::mod97;
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &[
    "iban", "bank", "account", "transfer", "sepa", "wire", "bic", "swift",
];

/// IBAN lengths by country (SWIFT IBAN registry).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

pub struct Iban {
    start: Regex,
}

impl Iban {
    pub fn new() -> Self {
        Iban {
            // Searched in the regions (the country code and check digits form a
            // digit-bearing word); the rest is read from the text itself.
            start: regex(r"(?-u:\b)[A-Za-z]{2}\d{2}"),
        }
    }
}

impl Recognizer for Iban {
    fn name(&self) -> &str {
        "iban"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::IbanCode]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.start.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        let glued = hay.region_finds(&self.start).map(|r| r.start);
        // "GB 43 MIDL ...": the check digits open a region and the country code is the word
        // before it, which no regional pattern sees; read at each region's start instead (a
        // byte test: a pattern opening on two digits would wake the gate at every "25 km").
        let spaced = hay
            .regions()
            .iter()
            .filter_map(|r| country_before(text.as_bytes(), r.start));
        for start in glued.chain(spaced) {
            let country = &text[start..start + 2];
            let upper = country.bytes().all(|b| b.is_ascii_uppercase());
            let Some(&(_, len)) = LENGTHS
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(country))
            else {
                continue;
            };
            // Check digits 00, 01 and 99 cannot result from the mod-97 computation.
            let digits = start + 2 + usize::from(text.as_bytes()[start + 2] == b' ');
            let check: u32 = text[digits..digits + 2].parse().unwrap_or(0);
            let Some(end) =
                take_alnum(text.as_bytes(), start, len).filter(|_| (2..=98).contains(&check))
            else {
                continue;
            };
            if !stands_alone(text, start, end) {
                continue;
            }
            let value = &text[start..end];
            let valid = mod97(value);
            // Lower case or odd groupings: only a valid IBAN (a failing one is likelier a
            // word and digits than a typo).
            let as_printed = upper && value.bytes().all(|b| !b.is_ascii_lowercase());
            if !valid && (!as_printed || !fours(value)) {
                continue;
            }
            let score = if valid { 0.95 } else { 0.1 };
            out.push(Candidate::new(start, end, Entity::IbanCode, score, valid));
        }
    }
}

/// End offset after `count` alphanumerics from `start`, allowing a single space or hyphen
/// between groups after the country code ("DE89 3704 0044 ...", "de89 370 400 440 ...",
/// "ES59-6906-0443-...", "GB 43 MIDL ...").
fn take_alnum(bytes: &[u8], start: usize, count: usize) -> Option<usize> {
    let mut i = start;
    let mut taken = 0;
    while taken < count {
        let b = *bytes.get(i)?;
        if matches!(b, b' ' | b'-')
            && taken >= 2
            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            i += 1;
            continue;
        }
        if !b.is_ascii_alphanumeric() {
            return None;
        }
        taken += 1;
        i += 1;
    }
    Some(i)
}

/// The start of the upper-case country code and space before check digits at `at`
/// ("GB 43 MIDL ...").
fn country_before(bytes: &[u8], at: usize) -> Option<usize> {
    let start = at.checked_sub(3)?;
    let check_digits = bytes.get(at..at + 2)?.iter().all(u8::is_ascii_digit)
        && !bytes.get(at + 2).is_some_and(u8::is_ascii_alphanumeric);
    let country =
        bytes[start..start + 2].iter().all(u8::is_ascii_uppercase) && bytes[at - 1] == b' ';
    (check_digits && country).then_some(start)
}

/// Compact, or spaced in groups of four: how IBANs are printed (hyphens are not).
fn fours(value: &str) -> bool {
    if value.contains('-') {
        return false;
    }
    let groups: Vec<&str> = value.split(' ').collect();
    groups.len() == 1 || groups[..groups.len() - 1].iter().all(|g| g.len() == 4)
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::IbanCode;

    #[test]
    fn grouped_and_compact() {
        assert_finds(
            IbanCode,
            "pay DE89 3704 0044 0532 0130 00 EUR",
            "DE89 3704 0044 0532 0130 00",
        );
        assert_finds(
            IbanCode,
            "iban=GB82WEST12345698765432;",
            "GB82WEST12345698765432",
        );
        assert_finds(
            IbanCode,
            "FR14 2004 1010 0505 0001 3M02 606",
            "FR14 2004 1010 0505 0001 3M02 606",
        );
        assert_finds(IbanCode, "NL91ABNA0417164300", "NL91ABNA0417164300");
    }

    #[test]
    fn lower_case_and_odd_groupings_when_valid() {
        assert_finds(
            IbanCode,
            "iban de89370400440532013000 pls",
            "de89370400440532013000",
        );
        assert_finds(
            IbanCode,
            "to DE89 370 400 440 532 013 000.",
            "DE89 370 400 440 532 013 000",
        );
        assert_finds(
            IbanCode,
            "gb82 west 1234 5698 7654 32",
            "gb82 west 1234 5698 7654 32",
        );
        assert_finds(
            IbanCode,
            "y mi cuenta ES59-6906-0443-1982-9657-2492.",
            "ES59-6906-0443-1982-9657-2492",
        );
        assert_finds(
            IbanCode,
            "paid to GB 43 MIDL 3478 2450 4000 88 instead",
            "GB 43 MIDL 3478 2450 4000 88",
        );
        assert_finds(
            IbanCode,
            "DE 89 3704 0044 0532 0130 00",
            "DE 89 3704 0044 0532 0130 00",
        );
        assert_none(IbanCode, "paid to GB 44 MIDL 3478 2450 4000 88 instead");
        assert_none(IbanCode, "BOARDING AT 12 3456 7890 1234 5678");
        assert_none(IbanCode, "ref ES59-6906-0443-1982-9657-2493.");
        assert_none(IbanCode, "iban de89370400440532013001 pls");
        assert_none(IbanCode, "IBAN DE89 370 400 440 532 013 001");
    }

    #[test]
    fn checksum_and_length() {
        assert_none(IbanCode, "code GB82WEST12345698765433 here");
        assert_none(IbanCode, "code GB82WEST1234569876543 here");
        assert_none(IbanCode, "code XX82WEST12345698765432 here");
        assert_none(IbanCode, "IBAN GB00 WEST 1234 5698 7654 32");
        assert_finds(
            IbanCode,
            "IBAN GB82WEST12345698765433",
            "GB82WEST12345698765433",
        );
    }
}
