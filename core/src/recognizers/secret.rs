//! SECRET: cloud and SaaS credentials that must never reach a model provider.
//!
//! Token formats with fixed prefixes (AWS key ids, GitHub, GitLab, Slack, Stripe, OpenAI,
//! Anthropic, Google), JWTs (the header must decode to JSON with an `alg`), PEM private key
//! blocks (also when truncated), and connection URLs that carry a password. These are searched
//! over the whole text: each pattern starts with a literal, so the regex crate's prefilter
//! skips text without one. AWS secret access keys have no prefix: forty base64 characters with
//! mixed case and a digit, counted only next to an AWS or secret context word.
//!
//! Scores: 0.95 for prefixed formats, PEM blocks and credentialed URLs; 0.9 for JWTs; 0.8 for
//! an AWS secret key with context.

use base64::Engine as _;
use regex::Regex;

use super::regex;
use super::url::trim_url;
use crate::detect::{Candidate, Haystack, Recognizer};
use crate::entity::Entity;

pub const CONTEXT: &[&str] = &[
    "aws",
    "secret",
    "key",
    "token",
    "password",
    "credential",
    "credentials",
    "apikey",
];

pub struct Secret {
    prefixed: Regex,
    jwt: Regex,
    pem_begin: Regex,
    pem_end: Regex,
    /// Header and base64 lines after a BEGIN line, for blocks pasted without their END.
    pem_body: Regex,
    credential_url: Regex,
    aws_secret: Regex,
}

impl Secret {
    pub fn new() -> Self {
        Secret {
            prefixed: regex(concat!(
                r"(?-u:\b)(?:",
                r"(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[0-9A-Z]{16}",
                r"|gh[pousr]_[A-Za-z0-9]{36,255}",
                r"|github_pat_[A-Za-z0-9_]{22,255}",
                r"|gl(?:pat|ptt|dt|rt)-[A-Za-z0-9_-]{20,}",
                r"|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}",
                r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
                r"|whsec_[A-Za-z0-9]{24,}",
                r"|sk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{20,}",
                r"|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
                r"|AIza[0-9A-Za-z_-]{35}",
                r"|hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
                r")",
            )),
            jwt: regex(r"(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
            pem_begin: regex(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
            pem_end: regex(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
            pem_body: regex(r"\A(?:\r?\n(?:[A-Za-z-]+: [^\r\n]*|[A-Za-z0-9+/=]{16,}))*"),
            credential_url: regex(
                r#"(?-u:\b)(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|clickhouse|cockroachdb|jdbc:[a-z]+|https?|ftps?|smtps?|sftp)(?:\+[a-z0-9]+)?://[^\s:/@"'<>]+:[^\s@/"'<>]+@[^\s"'<>]+"#,
            ),
            aws_secret: regex(r"[A-Za-z0-9/+]{40}"),
        }
    }
}

impl Recognizer for Secret {
    fn name(&self) -> &str {
        "secret"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::Secret]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.aws_secret.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        let secret = |start: usize, end: usize, score: f32| {
            Candidate::new(start, end, Entity::Secret, score, true)
        };
        for m in self.prefixed.find_iter(text) {
            let v = m.as_str();
            let glued = text[m.end()..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
            if glued
                || (v.starts_with("sk-") && !v.starts_with("sk-ant-") && !looks_random(&v[3..]))
            {
                continue;
            }
            out.push(secret(m.start(), m.end(), 0.95));
        }
        // Substring checks first: cheaper than a regex call on the many short fields without.
        let jwts = text.contains("eyJ").then(|| self.jwt.find_iter(text));
        for m in jwts.into_iter().flatten() {
            if jwt_header_ok(m.as_str()) {
                out.push(secret(m.start(), m.end(), 0.9));
            }
        }
        self.find_pem_blocks(text, out);
        let urls = text
            .contains("://")
            .then(|| self.credential_url.find_iter(text));
        for m in urls.into_iter().flatten() {
            let end = m.start() + trim_url(m.as_str()).len();
            out.push(secret(m.start(), end, 0.95));
        }
        for r in hay.region_finds(&self.aws_secret) {
            let v = &text[r.clone()];
            let glued =
                |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | '=' | '_' | '-');
            if text[..r.start].ends_with(|c: char| c != '=' && glued(c))
                || text[r.end..].starts_with(glued)
                || !looks_random(v)
            {
                continue;
            }
            out.push(Candidate::needs_context(
                r.start,
                r.end,
                Entity::Secret,
                0.8,
                true,
            ));
        }
    }
}

impl Secret {
    /// PEM private keys: from each BEGIN line to its END line, or, when the END is missing
    /// (a truncated paste), through the header and base64 lines that follow. Searched as
    /// BEGIN, then END forward from it, so the cost stays linear (a single pattern with a lazy
    /// `.*?` between them made the regex engine search backwards from every END).
    fn find_pem_blocks(&self, text: &str, out: &mut Vec<Candidate>) {
        let mut from = 0;
        while let Some(begin) = self.pem_begin.find_at(text, from) {
            let next_begin = self
                .pem_begin
                .find_at(text, begin.end())
                .map_or(text.len(), |m| m.start());
            let end = match self.pem_end.find_at(text, begin.end()) {
                Some(end) if end.start() < next_begin => end.end(),
                _ => {
                    begin.end()
                        + self
                            .pem_body
                            .find(&text[begin.end()..])
                            .map_or(0, |m| m.end())
                }
            };
            out.push(Candidate::new(
                begin.start(),
                end,
                Entity::Secret,
                0.95,
                true,
            ));
            from = end.max(begin.end());
        }
    }
}

/// Random-looking key material: upper case, lower case and digits all present, and not a
/// hyphenated slug ("sk-learn-and-other-words").
fn looks_random(v: &str) -> bool {
    v.bytes().any(|b| b.is_ascii_uppercase())
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && v.bytes().any(|b| b.is_ascii_digit())
        && !v.bytes().all(|b| b.is_ascii_hexdigit())
}

fn jwt_header_ok(token: &str) -> bool {
    let header = token.split('.').next().unwrap_or("");
    let Ok(bytes) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header.trim_end_matches('='))
    else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .is_ok_and(|v| v.get("alg").is_some_and(serde_json::Value::is_string))
}

#[cfg(test)]
mod tests {
    use crate::entity::Entity::Secret;
    use crate::recognizers::test_support::{assert_finds, assert_none};

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn prefixed_tokens() {
        for v in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5",
            "glpat-xY7k2Lm9Qw3Rt5Vb8Np1",
            "xoxb-2048576120-4096543210987-AbCdEfGhIjKlMnOpQrStUvWx",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "sk-proj-Xy7Kp2Lm9Qw3Rt5Vb8Np1Zq4Ws6Ed",
            "sk-ant-api03-Xy7Kp2Lm9Qw3Rt5Vb8Np1Zq4Ws6EdXy7Kp2Lm9Qw3",
            "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
            "xapp-1-A0PT092NCMD-8702769787908-4c0a701660fdeb084f13ec2afe",
        ] {
            assert_finds(Secret, &format!("key={v} end"), v);
        }
    }

    #[test]
    fn jwt_pem_and_urls() {
        assert_finds(Secret, &format!("Authorization: Bearer {JWT}"), JWT);
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2KjdXr3x\n-----END RSA PRIVATE KEY-----";
        assert_finds(Secret, &format!("key:\n{pem}\nthanks"), pem);
        let cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
        assert_finds(Secret, &format!("{cut}\n...and the rest"), cut);
        let url = "postgres://app:S3cr3t@db.internal:5432/orders";
        assert_finds(Secret, &format!("DATABASE_URL={url}."), url);
        let url = "postgresql+psycopg2://flask:EgQHo5H5SRN8@localhost:5432/flaskdb";
        assert_finds(Secret, &format!("URI = \"{url}\""), url);
    }

    #[test]
    fn aws_secret_needs_context() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert_finds(Secret, &format!("AWS_SECRET_ACCESS_KEY={key}"), key);
        assert_none(Secret, &format!("blob {key} here"));
    }

    #[test]
    fn near_misses() {
        assert_none(
            Secret,
            "pip install scikit-learn; task-management-system-for-teams",
        );
        assert_none(Secret, "commit 3f786850e387550fdab836ed7e6dc881de23001b");
        assert_none(Secret, "eyJhbGciOi.eyJzdWIiOi.abc");
        assert_none(Secret, "postgres://app@db.internal:5432/orders");
        assert_none(Secret, "token AKIAIOSFODNN7EXAMPLEX");
    }
}
