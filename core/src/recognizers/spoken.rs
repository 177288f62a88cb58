//! Values spoken rather than typed, as voice agents and call transcripts write them: digits as
//! words ("four one five, eight six seven, two three oh one") and e-mail addresses with their
//! punctuation spelt out ("jane dot doe at gmail dot com", "priya [at] outlook [dot] com").
//!
//! Precision rules:
//! - Digits: a run of at least seven digit words ("zero"/"oh" to "nine", "double"/"triple"
//!   before one; in Spanish "cero" to "nueve"), joined by spaces, commas, hyphens or "dash".
//!   Ordinary prose never counts seven in a row; "one or two" and "five to nine" are not runs.
//!   A card read out in pairs ("fifty five eleven, forty seven ten, ... sixty five hundred")
//!   counts when the run holds at least twelve digits: "one fifteen, two thirty, four forty
//!   five" is a list of times. The kind follows a context word before the run ("card",
//!   "tarjeta" → CREDIT_CARD, "social"/"SSN" → US_SSN, "account", "cuenta" →
//!   ACCOUNT_NUMBER); otherwise 7 to 15 digits are a PHONE_NUMBER and longer runs a card. Score
//!   0.8: the shape alone is rare enough.
//! - E-mail: a local part (words joined by "dot" or "underscore", digit words after them), "at"
//!   (or `@`, `[at]`, `(at)`, Spanish "arroba"), and a domain of at least two parts joined by
//!   "dot" (or "punto") whose last part is a generic top-level domain or two letters. With `@`, `[at]` or a local
//!   part holding "dot", "underscore" or a digit it scores 0.8; a plain word and "at" ("look
//!   at google dot com") needs a context word ("email", "mail", "address" ...) before it.
//!
//! Their tokens are typed or e-mail shaped: a spoken value has no digits to keep the shape of.

use regex::Regex;

use super::regex;
use crate::detect::{Candidate, ContextWords, Haystack, Recognizer};
use veil_kinds::kind::Entity;

/// Context words for a plain spoken e-mail (the EMAIL_ADDRESS list is used as well).
const EMAIL_WORDS: &[&str] = &["email", "e-mail", "mail", "address", "gmail", "inbox"];

pub struct Spoken {
    /// English runs, from their first lower-case digit word.
    digits: Regex,
    /// Spanish runs, searched apart: in one alternation with the English words the search
    /// ran at half its speed.
    digits_es: Regex,
    /// A digit word in any case right before a run (matched against the text before it).
    first_word: Regex,
    email: Regex,
    /// "dot" or "punto", in any case.
    dot: Regex,
}

/// Digit words. A run is searched for in lower case from its second word (the literals the
/// search starts from are then few and not short), and a capitalised or "oh" first word is
/// taken in after ("Four one five ...", "oh four one ...").
const DIGIT: &str = "zero|oh|one|two|three|four|five|six|seven|eight|nine";
const FIRST: &str = "zero|one|two|three|four|five|six|seven|eight|nine|double|triple";
/// Two digits in one word, as cards are read out in pairs: a tens word (and the unit after
/// it), a teen, "hundred" ("sixty five hundred": 6500). Never a run's first word, so they
/// add no literal to the search.
const PAIR: &str = concat!(
    "(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)",
    "(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?",
    "|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred",
);
const DIGIT_ES: &str = "cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve";
/// A run needs this many digits; read in pairs, this many.
const MIN_DIGITS: usize = 7;
const MIN_DIGITS_IN_PAIRS: usize = 12;

impl Spoken {
    pub fn new() -> Self {
        // Pairs first: "seventy" is not "seven" and a word left over.
        let word = format!(r"(?:{PAIR}|(?:(?:double|triple)[ -])?(?:{DIGIT}))");
        let sep = r"(?:[ ,.-]+|[ ,]+dash[ ,]+)";
        Spoken {
            digits: regex(&format!(
                r"(?-u:\b)(?:{FIRST})(?:[ -](?:{DIGIT}))?(?:{sep}{word}){{3,}}(?-u:\b)"
            )),
            digits_es: regex(&format!(
                r"(?-u:\b)(?:{DIGIT_ES})(?:{sep}(?:{DIGIT_ES})){{3,}}(?-u:\b)"
            )),
            first_word: regex(&format!(
                r"(?i)(?-u:\b)(?:(?:double|triple)[ -])?(?:{PAIR}|{DIGIT}|{DIGIT_ES}){sep}$"
            )),
            dot: regex(r"(?i:dot|punto)"),
            email: regex(concat!(
                r"(?i)(?-u:\b)([a-z0-9_]+(?: (?:dot|punto|underscore) [a-z0-9_]+| (?:zero|oh|one|two|three|four|five|six|seven|eight|nine))*)",
                r" (at|@|\[at\]|\(at\)|arroba) ",
                r"[a-z0-9-]+(?: (?:dot|punto|\[dot\]|\(dot\)) [a-z0-9-]+)*",
                r" (?:dot|punto|\[dot\]|\(dot\)) ",
                r"(?:com|org|net|edu|gov|info|biz|[a-z]{2})(?-u:\b)"
            )),
        }
    }
}

impl Recognizer for Spoken {
    fn name(&self) -> &str {
        "spoken"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![
            Entity::PhoneNumber,
            Entity::EmailAddress,
            Entity::UsSsn,
            Entity::CreditCard,
            Entity::AccountNumber,
        ]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for m in self
            .digits
            .find_iter(text)
            .chain(self.digits_es.find_iter(text))
        {
            let mut from = m.start().saturating_sub(16);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            let head = &text[from..m.start()];
            let start = self
                .first_word
                .find(head)
                .map_or(m.start(), |w| from + w.start());
            let (count, in_pairs) = digit_count(&text[start..m.end()]);
            if count < MIN_DIGITS || (in_pairs && count < MIN_DIGITS_IN_PAIRS) {
                continue;
            }
            let entity = kind_before(text, start, count);
            out.push(Candidate::new(start, m.end(), entity, 0.8, true));
        }
        // Every spoken address has a "dot" or "punto" (in any case: one search); most texts
        // have none, and skip the search.
        if !self.dot.is_match(text) {
            return;
        }
        for c in self.email.captures_iter(text) {
            let (m, local) = (c.get(0).expect("match"), &c[1]);
            // "[at]", "arroba" and "@" are only ever written for an address.
            let marked = !c[2].eq_ignore_ascii_case("at")
                || local.contains(' ')
                || local.contains(|ch: char| ch.is_ascii_digit() || ch == '_');
            if marked || ContextWords::any_before(text, m.start(), 4, EMAIL_WORDS) {
                out.push(Candidate::new(
                    m.start(),
                    m.end(),
                    Entity::EmailAddress,
                    0.8,
                    true,
                ));
            }
        }
    }
}

const UNITS: [&str; 9] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Digits a run of digit words stands for ("double five" is two, "fifty five" two), and
/// whether it was read in pairs.
fn digit_count(run: &str) -> (usize, bool) {
    let (mut count, mut times, mut in_pairs, mut after_tens) = (0, 1, false, false);
    for word in run
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
    {
        let w = word.as_str();
        let tens = w.ends_with("ty");
        match w {
            "double" => times = 2,
            "triple" => times = 3,
            "dash" => {}
            // The unit of "fifty five".
            _ if after_tens && UNITS.contains(&w) => {}
            _ if tens
                || w.ends_with("teen")
                || matches!(w, "ten" | "eleven" | "twelve" | "hundred") =>
            {
                count += 2;
                in_pairs = true;
            }
            _ => {
                count += times;
                times = 1;
            }
        }
        after_tens = tens;
    }
    (count, in_pairs)
}

/// The kind a context word before a spoken run of `digits` digits names.
fn kind_before(text: &str, start: usize, digits: usize) -> Entity {
    let near = |words: &[&str]| ContextWords::any_before(text, start, 8, words);
    if near(&["card", "visa", "mastercard", "amex", "tarjeta"]) && digits >= 12 {
        Entity::CreditCard
    } else if near(&["social", "ssn"]) && digits == 9 {
        Entity::UsSsn
    } else if near(&["account", "acct", "cuenta"]) {
        Entity::AccountNumber
    } else if digits <= 15 {
        Entity::PhoneNumber
    } else {
        Entity::CreditCard
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none, found};
    use veil_kinds::kind::Entity::*;

    #[test]
    fn spoken_digits_by_their_context() {
        assert_finds(
            PhoneNumber,
            "sure, it's four one five, eight six seven, two three oh one.",
            "four one five, eight six seven, two three oh one",
        );
        assert_finds(
            PhoneNumber,
            "call me on double five five one two three four",
            "double five five one two three four",
        );
        assert_finds(
            UsSsn,
            "my social is five three six nine oh four three nine nine",
            "five three six nine oh four three nine nine",
        );
        assert_finds(
            CreditCard,
            "the card number is four one one one one one one one one one one one one one one one",
            "four one one one one one one one one one one one one one one one",
        );
    }

    #[test]
    fn read_in_pairs_and_in_spanish() {
        assert_finds(
            CreditCard,
            "yes it's the mastercard, fifty five eleven, forty seven ten, forty nine seventy four, sixty five hundred",
            "fifty five eleven, forty seven ten, forty nine seventy four, sixty five hundred",
        );
        assert_finds(
            PhoneNumber,
            "mi número de celular es cinco cinco, tres tres uno ocho, nueve cero dos cuatro y mi correo",
            "cinco cinco, tres tres uno ocho, nueve cero dos cuatro",
        );
        assert_finds(
            CreditCard,
            "el número de la tarjeta es cuatro uno uno uno, uno uno uno uno, uno uno uno uno, uno uno uno uno",
            "cuatro uno uno uno, uno uno uno uno, uno uno uno uno, uno uno uno uno",
        );
        // times and counting are no number
        assert_none(
            PhoneNumber,
            "trains leave at one fifteen, two thirty, four forty five and six",
        );
        assert_none(
            CreditCard,
            "trains leave at one fifteen, two thirty, four forty five and six",
        );
        assert_none(PhoneNumber, "uno, dos, tres, cuatro y cinco");
        assert_eq!(super::digit_count("seventy four sixteen"), (4, true));
        assert_eq!(super::digit_count("double five one"), (3, false));
    }

    #[test]
    fn a_run_after_wide_characters() {
        // The capitalised first word is looked for in the bytes before the run; they may end
        // inside a character.
        for pad in ["", "é", "日本", "日本語"] {
            let text = format!("{pad}日本語日本語 Four one five eight six seven two three");
            assert_eq!(
                found(PhoneNumber, &text),
                vec!["Four one five eight six seven two three"]
            );
        }
    }

    #[test]
    fn counting_in_prose_is_no_number() {
        assert_none(
            PhoneNumber,
            "one or two of them, maybe three or four at most",
        );
        assert_none(PhoneNumber, "we open five to nine, seven days a week");
        assert_none(PhoneNumber, "one two three four five six");
        assert_finds(
            PhoneNumber,
            "Four one five eight six seven two three oh one.",
            "Four one five eight six seven two three oh one",
        );
        assert_finds(
            PhoneNumber,
            "it is oh seven seven double oh nine one two",
            "oh seven seven double oh nine one two",
        );
    }

    #[test]
    fn spoken_emails() {
        assert_finds(
            EmailAddress,
            "it's jane dot doe at gmail dot com",
            "jane dot doe at gmail dot com",
        );
        assert_finds(
            EmailAddress,
            "write to priya [at] outlook [dot] com",
            "priya [at] outlook [dot] com",
        );
        assert_finds(
            EmailAddress,
            "my email is marco at fastmail dot co dot uk",
            "marco at fastmail dot co dot uk",
        );
        assert!(found(EmailAddress, "just look at google dot com for it").is_empty());
        assert_finds(
            EmailAddress,
            "it's lindawhitaker seven two at yahoo dot com all one word",
            "lindawhitaker seven two at yahoo dot com",
        );
        assert_finds(
            EmailAddress,
            "mi correo xochitl punto ramirez arroba hotmail punto com",
            "xochitl punto ramirez arroba hotmail punto com",
        );
        assert_finds(
            EmailAddress,
            "send a link to r dot mahlangu at sun dot ac dot za",
            "r dot mahlangu at sun dot ac dot za",
        );
    }
}
