//! Passwords after their labels, reported as SECRET: "password: W!nter2031",
//! `"pwd": "s3cr3t!"`, "my password is Tr0ub4dor", "login: jdoe / Summer#22".
//!
//! Precision rules:
//! - A label ("password", "passwd", "passphrase", "passcode", "pwd", "pw", "pass", also glued
//!   to a variable name as in `DB_PASSWORD`, and "Passwort", "Kennwort", "contraseña", "senha",
//!   "wachtwoord", "hasło", "mot de passe") then `:`, `=`, `:=`, `=>`, or the word
//!   "is"/"was"/"to"; a login label ("login", "user", "username", "creds", "credentials") with
//!   a `user / password` pair after it; `curl -u user:password`; or "password" and a space,
//!   when the value mixes three kinds of characters.
//! - The value runs to the next whitespace (or its closing quote, when quoted), 4 to 64
//!   characters, with trailing `.`, `,`, `;` or `)` left off.
//! - It mixes at least two of lower case, upper case, digits and symbols, or it is quoted:
//!   "password: reset it", "password is required", "password policy" and placeholders
//!   (`****`, `<password>`, `${DB_PASSWORD}`, `{{ pass }}`) are not passwords.
//!
//! Score 0.9. Searched over the whole text: the label is a literal, so the regex crate's
//! prefilter passes over text without one.

use regex::Regex;

use super::regex;
use crate::detect::Candidate;
use veil_kinds::kind::Entity;

pub struct Passwords {
    labelled: Regex,
    /// "password Start!Ewa-2024": no separator, so the value must mix three kinds of
    /// characters.
    bare: Regex,
    pair: Regex,
    /// `curl -u user:password`.
    basic_auth: Regex,
}

impl Passwords {
    pub fn new() -> Self {
        Passwords {
            labelled: regex(concat!(
                r#"(?:(?-u:\b)|_)(?:[Pp]ass(?:word|wd|phrase|code)?|PASS(?:WORD|WD)?|[Pp]wd|PWD|[Pp]w|PW"#,
                r#"|[Pp]asswort|PASSWORT|[Kk]ennwort|[Cc]ontraseña|[Ss]enha|[Ww]achtwoord|[Hh]asło|[Mm]ot de passe)"#,
                r#"["']?(?:\s*(?::=|=>|:|=)|\s+(?:is|was|to|ist|es|é)\s)\s*"#,
            )),
            bare: regex(r"(?-u:\b)(?:[Pp]assword|PASSWORD|[Pp]wd|[Pp]asswd)\s+"),
            pair: regex(
                r"(?-u:\b)(?:[Ll]ogin|LOGIN|[Uu]ser(?:name)?|USER(?:NAME)?|[Cc]reds|[Cc]redentials)\s*[:=]?\s*[^\s/]{2,64}\s*/\s*",
            ),
            basic_auth: regex(r#"(?-u:\b)curl\s[^\n]*?(?:-u|--user)\s+['"]?[A-Za-z0-9._@-]+:"#),
        }
    }

    pub fn find(&self, text: &str, out: &mut Vec<Candidate>) {
        for m in self.labelled.find_iter(text) {
            if let Some((start, end)) = value_at(text, m.end()) {
                out.push(Candidate::new(start, end, Entity::Secret, 0.9, true));
            }
        }
        for m in self
            .pair
            .find_iter(text)
            .chain(self.basic_auth.find_iter(text))
        {
            if let Some((start, end)) = value_at(text, m.end()) {
                out.push(Candidate::new(start, end, Entity::Secret, 0.9, true));
            }
        }
        for m in self.bare.find_iter(text) {
            if let Some((start, end)) = value_at(text, m.end()) {
                if classes(&text[start..end]) >= 3 {
                    out.push(Candidate::new(start, end, Entity::Secret, 0.9, true));
                }
            }
        }
    }
}

/// The password starting at `at`, if what is there is one (see the rules).
fn value_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at..];
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'));
    let (start, value) = match quote {
        Some(q) => {
            let inner = &rest[1..];
            let close = inner.find(q)?;
            (at + 1, &inner[..close])
        }
        None => {
            let run = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
                .unwrap_or(rest.len());
            let mut value = &rest[..run];
            while value.ends_with(['.', ',', ';', ')']) {
                value = &value[..value.len() - 1];
            }
            (at, value)
        }
    };
    let chars = value.chars().count();
    if !(4..=64).contains(&chars) || value.chars().any(char::is_whitespace) || placeholder(value) {
        return None;
    }
    (classes(value) >= 2 || quote.is_some()).then_some((start, start + value.len()))
}

/// How many of lower case, upper case, digits and symbols `value` holds.
fn classes(value: &str) -> usize {
    [
        value.chars().any(|c| c.is_lowercase()),
        value.chars().any(|c| c.is_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|c| **c)
    .count()
}

/// Masked values, template variables and angle-bracket placeholders.
fn placeholder(value: &str) -> bool {
    value
        .chars()
        .all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '#' | '.' | '-' | '_'))
        || value.starts_with(['<', '$', '{', '%'])
        || value.contains("{{")
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::Secret;

    #[test]
    fn passwords_after_their_labels() {
        assert_finds(Secret, "password: W!nter2031", "W!nter2031");
        assert_finds(Secret, "my password is Tr0ub4dor, thanks", "Tr0ub4dor");
        assert_finds(Secret, r#"{"pwd": "s3cr3t!"}"#, "s3cr3t!");
        assert_finds(Secret, "PASSWORD='letmein'", "letmein");
        assert_finds(Secret, "login: jdoe / Summer#22", "Summer#22");
        assert_finds(Secret, "temporary pass: Blue-Kettle-88.", "Blue-Kettle-88");
        assert_finds(Secret, "DB_PASSWORD=Qw7!zR2#pLm9\n", "Qw7!zR2#pLm9");
        assert_finds(
            Secret,
            "set my new password to Tr1cky-Pangolin-58 but",
            "Tr1cky-Pangolin-58",
        );
        assert_finds(Secret, "WLAN-Passwort: Sonnenblume!23", "Sonnenblume!23");
        assert_finds(
            Secret,
            "username ezielinska, password Start!Ewa-2024.",
            "Start!Ewa-2024",
        );
        assert_finds(
            Secret,
            "curl -u dkowalski:Hx!92mQ_r https://ci",
            "Hx!92mQ_r",
        );
    }

    #[test]
    fn words_and_placeholders_are_not_passwords() {
        assert_none(Secret, "password: reset it tomorrow");
        assert_none(Secret, "the password is required");
        assert_none(Secret, "see the password policy: 12 characters");
        assert_none(Secret, "password: ********");
        assert_none(Secret, "password=${DB_PASSWORD}");
        assert_none(Secret, "pass: <password>");
        assert_none(Secret, "passport: X1234567");
        assert_none(Secret, "user / group permissions");
        assert_none(Secret, "reset your password today");
        assert_none(Secret, "the password Manager app");
    }
}
