//! EMAIL_ADDRESS: RFC 5321-shaped addresses with a dotted domain and an alphabetic TLD.
//!
//! Searched over the whole text: the regex crate finds the `@` with memchr and extends the
//! match around it, so text without an `@` costs almost nothing.

use regex::Regex;

use super::regex;
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &["email", "e-mail", "mail", "contact", "address"];

pub struct Email {
    re: Regex,
}

impl Email {
    pub fn new() -> Self {
        Email {
            re: regex(
                r"[A-Za-z0-9](?:[A-Za-z0-9._%+'-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}",
            ),
        }
    }
}

impl Recognizer for Email {
    fn name(&self) -> &str {
        "email"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::EmailAddress]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        // A substring check is cheaper than a regex call on the many short fields without one.
        if !text.contains('@') {
            return;
        }
        for m in self.re.find_iter(text) {
            let local = &m.as_str()[..m.as_str().find('@').unwrap_or(0)];
            // A dot run in the local part is not a valid address; a letter or digit glued on the
            // right means the TLD was cut short by our length bound.
            if local.contains("..")
                || text[m.end()..].starts_with(|c: char| c.is_alphanumeric() || c == '@')
                || text[..m.start()].ends_with('@')
            {
                continue;
            }
            out.push(Candidate::new(
                m.start(),
                m.end(),
                Entity::EmailAddress,
                0.9,
                true,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::EmailAddress;

    #[test]
    fn positives() {
        assert_finds(
            EmailAddress,
            "Reach me at jane.doe@corp-mail.com today",
            "jane.doe@corp-mail.com",
        );
        assert_finds(
            EmailAddress,
            "<mailto:ops+alerts@sub.example.co.uk>",
            "ops+alerts@sub.example.co.uk",
        );
        assert_finds(
            EmailAddress,
            "\"email\": \"o'brien@hospital.org\"",
            "o'brien@hospital.org",
        );
        assert_finds(
            EmailAddress,
            "Écrivez à marie@exemple.fr.",
            "marie@exemple.fr",
        );
    }

    #[test]
    fn near_misses() {
        assert_none(EmailAddress, "ping @jane on slack");
        assert_none(EmailAddress, "the decorator @app.route('/x')");
        assert_none(EmailAddress, "jane..doe@corp.com");
        assert_none(EmailAddress, "user@localhost");
        assert_none(EmailAddress, "release user@1.2 is not an address");
    }
}
