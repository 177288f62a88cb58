//! STREET_ADDRESS: a street address as one span, from the flat or house number to the postcode
//! or city, in US, UK and continental European layouts:
//!
//! ```text
//! 1420 Elm Street, Apt 4B, Springfield, IL 62704        number, name, street type, unit, city, state ZIP
//! Flat 3, 27 Baker Road, Leeds LS6 2AB                  flat, number, name, type, city, postcode
//! Hauptstraße 12, 10115 Berlin                          name with its type, number, postcode, city
//! 12 rue de la Paix, 75002 Paris / Via Roma 10, 00184 Roma / Calle Mayor 5, 28013 Madrid
//! ```
//!
//! Precision rules: every address has a house number (so the search starts from the candidate
//! regions) and a street type: a word from `STREET_TYPES` after one to four capitalised name
//! words ("Elm Street", "Martin Luther King Jr Blvd"), a German or Dutch name ending in one
//! ("Hauptstraße", "Keizersgracht"), or a Romance type word before the name ("rue de la Paix",
//! "Via Roma"). A number with no street type ("page 12 of the Report") is no address, nor is a
//! street type with no name ("3 Way Handshake"). What follows (unit, city, state, postcode)
//! joins the span only in its own shapes: a unit word and its number, capitalised city words,
//! a two-letter state and a ZIP, a UK postcode, a four- or five-digit postcode and its city.
//!
//! Scores: a street alone 0.6; with a city, state or postcode after it 0.85.

use regex::Regex;

use super::regex;
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

/// English street types, and their abbreviations (which may keep their full stop).
const STREET_TYPES: &str = "Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Way|Terrace|Parkway|Circle|Highway|Square|Trail|Crescent|Close|Gardens|Grove|Row|Mews|Hill|Walk|Plaza|Alley|Loop|Pike|Run|Path";
const STREET_ABBREVIATIONS: &str = "St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl|Cres";

/// German and Dutch street names end in their type ("Hauptstraße", "Keizersgracht").
const GLUED_TYPES: &[&str] = &[
    "straße", "strasse", "str.", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer",
    "chaussee", "gracht", "straat", "laan", "plein", "kade", "singel", "steeg", "dijk",
];

/// Romance street types, written before the name ("rue de la Paix", "Via Roma").
const ROMANCE_TYPES: &[&str] = &[
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "place",
    "chemin",
    "allée",
    "quai",
    "impasse",
    "cours",
    "via",
    "viale",
    "piazza",
    "corso",
    "vicolo",
    "calle",
    "avenida",
    "av.",
    "paseo",
    "plaza",
    "carrer",
    "rua",
    "travessa",
    "largo",
];

pub struct StreetAddress {
    /// After a house number: an English street.
    english: Regex,
    /// Before a house number: a German/Dutch street name, or a Romance street.
    european: Regex,
    /// Before a house number written first: a UK flat or a Romance street type after it.
    romance_after_number: Regex,
    /// After the street: unit, city, state, postcode.
    tail: Regex,
    /// Before the number: "Flat 3, " / "Apt 4B, ".
    unit_before: Regex,
}

impl StreetAddress {
    pub fn new() -> Self {
        let glued: Vec<String> = GLUED_TYPES.iter().map(|t| regex::escape(t)).collect();
        let glued = glued.join("|");
        let romance: Vec<String> = ROMANCE_TYPES.iter().map(|t| regex::escape(t)).collect();
        let romance = romance.join("|");
        let name = r"(?:[A-Z][A-Za-z'’.-]*\.? ){1,4}";
        StreetAddress {
            english: regex(&format!(
                r"^(?:[NSEW]\.? |North |South |East |West )?{name}(?:(?:{STREET_TYPES})(?-u:\b)|(?:{STREET_ABBREVIATIONS})(?-u:\b)\.?)"
            )),
            european: regex(&format!(
                r"(?:(?-u:\b)[A-ZÀ-ÖØ-Þ][\w-]*(?:{glued})|(?-u:\b)(?i:{romance})(?: (?:de|del|de la|di|da|do|dos|das|des|du|della|delle|dei|degli|d'|l')? ?[A-ZÀ-ÖØ-Þ][\w'’-]*){{1,4}}) $"
            )),
            romance_after_number: regex(&format!(
                r"^,? (?i:{romance}) (?:(?:de|del|de la|di|da|do|dos|das|des|du|della|d'|l') ?)?[A-ZÀ-ÖØ-Þ][\w'’-]*(?: [A-ZÀ-ÖØ-Þ][\w'’-]*){{0,3}}"
            )),
            tail: regex(concat!(
                r"^(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\.? ?#?[0-9A-Z]{1,5}(?-u:\b))?",
                r"(?:",
                // City, ST 12345(-6789) / City ST 12345
                r",? (?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+,? [A-Z]{2} \d{5}(?:-\d{4})?(?-u:\b)",
                // City LS6 2AB (UK postcode)
                r"|,? (?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+,? [A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?-u:\b)",
                // 10115 Berlin / 1015 CJ Amsterdam / 75002 Paris
                r"|, \d{4,5}(?: [A-Z]{2})? [A-ZÀ-ÖØ-Þ][\w-]+(?: [A-ZÀ-ÖØ-Þ][\w-]+)?",
                // , LS6 2AB (a UK postcode alone)
                r"|, [A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?-u:\b)",
                // City, ST / City ST / City (a capitalised word or two after a comma)
                r"|, (?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+(?:,? [A-Z]{2}(?-u:\b))?",
                r")?",
            )),
            unit_before: regex(r"(?:Flat|Apt|Apartment|Unit|Suite)\.? [0-9A-Z]{1,5},? $"),
        }
    }

    /// The address whose house number is `number` (a range of `text`), if there is one.
    fn around(&self, text: &str, number: std::ops::Range<usize>) -> Option<(usize, usize, f32)> {
        let after = &text[number.end..];
        let window = |s: &str, n: usize| {
            let mut end = n.min(s.len());
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            end
        };
        // Cheap checks first: most numbers are followed and preceded by no street at all.
        let capital_after = after
            .strip_prefix(' ')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
        // Before the number, a capitalised word ("Via Roma 10", "Hauptstraße 12": the pattern
        // wants a capital either way); most words before numbers are not.
        let word_before = || {
            text[..number.start].strip_suffix(' ').is_some_and(|head| {
                let word = &head[head
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| c.is_alphabetic() || *c == '.')
                    .last()
                    .map_or(head.len(), |(i, _)| i)..];
                word.starts_with(|c: char| c.is_uppercase())
            })
        };
        let (start, street_end) = if let Some(m) = after
            .strip_prefix(' ')
            .filter(|_| capital_after)
            .and_then(|rest| self.english.find(&rest[..window(rest, 120)]))
        {
            (number.start, number.end + 1 + m.end())
        } else if let Some(m) = romance_word_after(after)
            .then(|| self.romance_after_number.find(&after[..window(after, 120)]))
            .flatten()
        {
            (number.start, number.end + m.end())
        } else if word_before() {
            let from = text[..number.start]
                .char_indices()
                .rev()
                .take(80)
                .last()
                .map_or(number.start, |(i, _)| i);
            let m = self.european.find(&text[from..number.start])?;
            (from + m.start(), number.end)
        } else {
            return None;
        };
        // "Flat 3, 27 Baker Road": the unit before the number.
        let head = &text[..start];
        let from = head
            .char_indices()
            .rev()
            .take(24)
            .last()
            .map_or(start, |(i, _)| i);
        let start = self
            .unit_before
            .find(&head[from..])
            .map_or(start, |m| from + m.start());
        let rest = &text[street_end..];
        let tail = self
            .tail
            .find(&rest[..window(rest, 120)])
            .map_or(0, |m| m.end());
        let end = street_end + tail;
        let score = if tail > 0 { 0.85 } else { 0.6 };
        Some((start, end, score))
    }
}

impl Recognizer for StreetAddress {
    fn name(&self) -> &str {
        "street_address"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::StreetAddress]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        let mut last_end = 0;
        for region in hay.regions() {
            let bytes = text.as_bytes();
            // Every word of the region that starts with a digit may be a house number ("Flat
            // 3, 27 Baker Road" is one region).
            let starts = (region.start..region.end).filter(|&i| {
                bytes[i].is_ascii_digit()
                    && (i == region.start || matches!(bytes[i - 1], b' ' | b','))
            });
            for start in starts {
                let word = &text[start..region.end];
                // A house number: up to five digits and a letter ("221B"), standing alone.
                let digits = word.bytes().take_while(u8::is_ascii_digit).count();
                let letter = usize::from(
                    word.as_bytes()
                        .get(digits)
                        .is_some_and(u8::is_ascii_alphabetic),
                );
                // "418-2", "84/92": a flat or building after the number.
                let suffix = match word.as_bytes().get(digits + letter) {
                    Some(b'-' | b'/') => {
                        let more = word[digits + letter + 1..]
                            .bytes()
                            .take_while(u8::is_ascii_digit)
                            .count();
                        if more > 0 {
                            more + 1
                        } else {
                            0
                        }
                    }
                    _ => 0,
                };
                let len = digits + letter + suffix;
                if digits > 5
                    || start < last_end
                    || text[..start]
                        .ends_with(|c: char| c.is_alphanumeric() || c == '-' || c == '.')
                    || !text[start + len..].starts_with([' ', ','])
                {
                    continue;
                }
                if let Some((s, e, score)) = self.around(text, start..start + len) {
                    let e = trim_end(text, s, e);
                    out.push(Candidate::new(s, e, Entity::StreetAddress, score, false));
                    last_end = e;
                }
            }
        }
    }
}

/// Whether the word after a house number (past a comma) is a Romance street type: checked
/// before the pattern, as most numbers are followed by no street at all.
fn romance_word_after(after: &str) -> bool {
    let rest = after.trim_start_matches([',', ' ']);
    // Every Romance type starts with one of these letters.
    if !rest
        .as_bytes()
        .first()
        .is_some_and(|b| b"abcilpqrtvABCILPQRTV".contains(b))
    {
        return false;
    }
    let end = rest
        .find(|c: char| !(c.is_alphabetic() || c == '.'))
        .unwrap_or(rest.len());
    let word = rest[..end].trim_end_matches('.');
    (2..=9).contains(&word.len())
        && ROMANCE_TYPES
            .iter()
            .any(|t| t.strip_suffix('.').unwrap_or(t).eq_ignore_ascii_case(word))
}

/// The span without trailing spaces, commas and a sentence's full stop.
fn trim_end(text: &str, start: usize, mut end: usize) -> usize {
    while end > start && text[..end].ends_with([' ', ',']) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::StreetAddress;

    #[test]
    fn one_span_from_number_to_postcode() {
        for a in [
            "1420 Elm Street, Apt 4B, Springfield, IL 62704",
            "27 Baker Road, Leeds LS6 2AB",
            "Flat 3, 27 Baker Road, Leeds LS6 2AB",
            "350 Fifth Avenue, New York, NY 10118",
            "88 N. Main St., Austin TX 78701",
            "Hauptstraße 12, 10115 Berlin",
            "12 rue de la Paix, 75002 Paris",
            "Via Roma 10, 00184 Roma",
            "Calle Mayor 5, 28013 Madrid",
            "Keizersgracht 123, 1015 CJ Amsterdam",
            "Prinsengracht 418-2, 1016 HZ Amsterdam",
            "221B Baker Street",
            "9 Martin Luther King Jr Blvd, Atlanta",
        ] {
            assert_finds(StreetAddress, &format!("Ship it to {a}. Thanks"), a);
        }
    }

    #[test]
    fn numbers_without_a_street_are_no_address() {
        assert_none(StreetAddress, "see page 12 of the Report");
        assert_none(StreetAddress, "a 3 Way Handshake");
        assert_none(StreetAddress, "version 2 Way better");
        assert_none(StreetAddress, "we sold 1420 units in Springfield, IL");
        assert_none(StreetAddress, "order 88213 Street Fighter edition");
        assert_none(StreetAddress, "v2.1 Main Street");
    }
}
