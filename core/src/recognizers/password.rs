//! Passwords after their labels, reported as SECRET: "password: W!nter2031",
//! `"pwd": "s3cr3t!"`, "my password is Tr0ub4dor", "login: jdoe / Summer#22".
//!
//! Precision rules:
//! - A label ("password", "passwd", "passphrase", "passcode", "pwd", "pw", "pass", also glued
//!   to a variable name as in `DB_PASSWORD`, and "Passwort", "Kennwort", "contraseña", "senha",
//!   "wachtwoord", "hasło", "mot de passe", "密码") then `:`, `=`, `:=`, `=>`, or the word
//!   "is"/"was"/"to"; a password noun ("password", "passwd", "pwd" and the other languages'
//!   words, not "pass" or "pw") then at most four words and a colon on the same line
//!   ("Passwort für das Gäste-WLAN: …", "Temp pwd for Oyin Balogun: …"); a login label
//!   ("login", "user", "username", "creds", "credentials") with a `user / password` or
//!   `user, pass password` pair after it; `curl -u user:password`; or "password" and a space,
//!   when the value mixes three kinds of characters.
//! - The value runs to the next whitespace or CJK comma or full stop (or its closing quote,
//!   when quoted), 4 to 64
//!   characters, with trailing `.`, `,`, `;` or `)` left off.
//! - It mixes at least two of lower case, upper case, digits and symbols, or it is quoted:
//!   "password: reset it", "password is required", "password policy" and placeholders
//!   (`****`, `<password>`, `${DB_PASSWORD}`, `{{ pass }}`) are not passwords, nor is a URL
//!   ("password reset link for Ana: https://…").
//!
//! Score 0.9. Searched over the whole text: the label is a literal, so the regex crate's
//! prefilter passes over text without one.

use regex::Regex;

use super::regex;
use crate::detect::Candidate;
use veil_kinds::kind::Entity;

/// The words that name a password: as a table column's header they label the cells under
/// them (`labelled.rs`); the regexes below spell each of them as a label in their cases.
pub(super) const PASSWORD_NOUNS: &[&str] = &["password", "passwd", "pwd", "pass", "passphrase"];

pub struct Passwords {
    labelled: Regex,
    /// "pw: …" apart from `labelled`: a two-letter literal in that alternation made the
    /// regex crate's prefilter stop at every "pw" pair and halved its speed on prose.
    pw: Regex,
    /// "password Start!Ewa-2024": no separator, so the value must mix three kinds of
    /// characters, on the label's line (a CSV header's last cell "password" does not label
    /// the next row).
    bare: Regex,
    pair: Regex,
    /// `curl -u user:password`.
    basic_auth: Regex,
}

impl Passwords {
    pub fn new() -> Self {
        Passwords {
            labelled: regex(concat!(
                // a password noun: a separator, or a few words and a colon
                r#"(?:(?:(?-u:\b)|_)(?:(?:[Pp]ass(?:word|wd|phrase)|PASS(?:WORD|WD|PHRASE)|[Pp]wd|PWD"#,
                r#"|[Pp]asswort|PASSWORT|[Kk]ennwort|[Cc]ontraseña|[Ss]enha|[Ww]achtwoord|[Hh]asło|[Mm]ot de passe)"#,
                r#"["']?(?:\s*(?::=|=>|:|=)|\s+(?:is|was|to|ist|es|é)\s|(?:[ \t]+[^\s:=.!?,;"']{1,24}){1,4}[ \t]*:)"#,
                // other labels: a separator only
                r#"|(?:[Pp]ass(?:code)?|PASS)["']?(?:\s*(?::=|=>|:|=)|\s+(?:is|was|to)\s))"#,
                r#"|密码\s*(?:是|：|:))\s*"#,
            )),
            pw: regex(
                r#"(?:(?-u:\b)|_)(?:[Pp]w|PW)["']?(?:\s*(?::=|=>|:|=)|\s+(?:is|was|to)\s)\s*"#,
            ),
            bare: regex(r"(?-u:\b)(?:[Pp]assword|PASSWORD|[Pp]wd|[Pp]asswd)[ \t]+"),
            pair: regex(
                r"(?-u:\b)(?:[Ll]ogin|LOGIN|[Uu]ser(?:name)?|USER(?:NAME)?|[Cc]reds|[Cc]redentials)(?:\s*[:=]\s*|\s+)[^\s/,]{2,64}\s*(?:/|,\s*(?:[Pp]ass(?:word)?|[Pp]wd|[Pp]w)\s*[:=]?)\s*",
            ),
            basic_auth: regex(r#"(?-u:\b)curl\s[^\n]*?(?:-u|--user)\s+['"]?[A-Za-z0-9._@-]+:"#),
        }
    }

    pub fn find(&self, text: &str, out: &mut Vec<Candidate>) {
        for m in self.labelled.find_iter(text).chain(self.pw.find_iter(text)) {
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
                .find(|c: char| {
                    c.is_whitespace()
                        || matches!(c, '"' | '\'' | '`' | '<' | '>' | '，' | '。' | '；' | '、')
                })
                .unwrap_or(rest.len());
            let mut value = &rest[..run];
            while value.ends_with(['.', ',', ';', ')']) {
                value = &value[..value.len() - 1];
            }
            (at, value)
        }
    };
    if value.starts_with([',', ';', ':']) {
        return None;
    }
    let chars = value.chars().count();
    if !(4..=64).contains(&chars) || value.chars().any(char::is_whitespace) || placeholder(value) {
        return None;
    }
    (classes(value) >= 2 || quote.is_some()).then_some((start, start + value.len()))
}

/// How many of lower case, upper case, digits and symbols `value` holds.
pub(super) fn classes(value: &str) -> usize {
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
        || value.contains("://")
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::Secret;

    #[test]
    fn each_password_noun_labels_a_password() {
        for noun in super::PASSWORD_NOUNS {
            for label in [noun.to_string(), noun.to_uppercase()] {
                assert_finds(Secret, &format!("{label}: W!nter2031"), "W!nter2031");
            }
        }
    }

    #[test]
    fn passwords_after_their_labels() {
        assert_finds(Secret, "password: W!nter2031", "W!nter2031");
        assert_finds(Secret, "my password is Tr0ub4dor, thanks", "Tr0ub4dor");
        assert_finds(Secret, r#"{"pwd": "s3cr3t!"}"#, "s3cr3t!");
        assert_finds(Secret, "PASSWORD='letmein'", "letmein");
        assert_finds(Secret, "wifi pw: Xk9!mm22 thanks", "Xk9!mm22");
        assert_finds(Secret, "ROUTER_PW=Xk9!mm22", "Xk9!mm22");
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
        assert_finds(
            Secret,
            "Passwort für das Gäste-WLAN: Sonnenblume!23\n",
            "Sonnenblume!23",
        );
        assert_finds(
            Secret,
            "Temp pwd for Oyin Balogun: Lagos#Temp0611 — expires",
            "Lagos#Temp0611",
        );
        assert_finds(
            Secret,
            "Contraseña del correo: Gato$Negro88.",
            "Gato$Negro88",
        );
        assert_finds(Secret, "密码是 Panda@2023cn，别告诉别人", "Panda@2023cn");
        assert_finds(
            Secret,
            "(user admin, pass admin1234 - never changed)",
            "admin1234",
        );
    }

    #[test]
    fn words_and_placeholders_are_not_passwords() {
        assert_none(Secret, "user,password\nana,Kx9-2024!\n");
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
        // words then a colon: only after a password noun, on one line, and not a URL
        assert_none(Secret, "Pass it to Maria: she-knows");
        assert_none(
            Secret,
            "password reset link for Ana: https://x.example/r/Ab1",
        );
        assert_none(
            Secret,
            "Password requirements for new accounts: At least 12",
        );
        assert_none(Secret, "the password\nwas sent to Ana: Mon-Fri");
        assert_none(Secret, "user ana, passed 2 exams");
    }
}
