//! URL: `http`, `https`, `ftp` URLs and bare `www.` hosts, with sentence punctuation trimmed
//! from the end (and a closing parenthesis only when the URL did not open one). Score 0.6.
//! Off by default (the kinds table, `veil_kinds::kind`); URLs that carry a password are SECRET.

use regex::Regex;

use super::regex;
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &["url", "link", "website", "site", "href"];

pub struct Url {
    re: Regex,
}

impl Url {
    pub fn new() -> Self {
        Url {
            re: regex(
                r#"(?i:https?|ftp)://[^\s<>"'`{}|\\^\[\]]+|(?-u:\b)www\.[A-Za-z0-9-]+\.[^\s<>"'`{}|\\^\[\]]+"#,
            ),
        }
    }
}

impl Recognizer for Url {
    fn name(&self) -> &str {
        "url"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::Url]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for m in self.re.find_iter(text) {
            let end = m.start() + trim_url(m.as_str()).len();
            if text[..m.start()].ends_with(|c: char| c.is_alphanumeric()) || end <= m.start() + 8 {
                continue;
            }
            out.push(Candidate::new(m.start(), end, Entity::Url, 0.6, true));
        }
    }
}

/// Drop trailing sentence punctuation, and a `)` that closes a parenthesis opened outside.
pub(crate) fn trim_url(url: &str) -> &str {
    let mut url = url;
    loop {
        let before = url.len();
        url = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if url.ends_with(')') && url.matches('(').count() < url.matches(')').count() {
            url = &url[..url.len() - 1];
        }
        if url.len() == before {
            return url;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::Url;

    #[test]
    fn urls() {
        assert_finds(
            Url,
            "see https://docs.example.com/a/b?x=1&y=2.",
            "https://docs.example.com/a/b?x=1&y=2",
        );
        assert_finds(
            Url,
            "(docs at https://en.wikipedia.org/wiki/Foo_(bar))",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        );
        assert_finds(Url, "visit www.example.org, then", "www.example.org");
    }

    #[test]
    fn near_misses() {
        assert_none(Url, "the scheme is https:// only");
        assert_none(Url, "file.www.txt");
    }
}
