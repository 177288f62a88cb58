//! SECRET: cloud and SaaS credentials that must never reach a model provider.
//!
//! Token formats with fixed prefixes (AWS key ids, GitHub, GitLab, Slack, Stripe, OpenAI,
//! Anthropic, Google), JWTs (the header must decode to JSON with an `alg`), PEM private key
//! blocks (also when truncated), and connection URLs that carry a password. These are searched
//! over the whole text: each pattern starts with a literal, so the regex crate's prefilter
//! skips text without one. AWS secret access keys have no prefix: forty base64 characters with
//! mixed case and a digit, counted only next to an AWS or secret context word.
//!
//! Passwords after their labels are found by `password.rs`.
//!
//! Scores: 0.95 for prefixed formats, PEM blocks and credentialed URLs; 0.9 for JWTs; 0.8 for
//! an AWS secret key with context.

use std::ops::Range;

use base64::Engine as _;
use regex::Regex;

use super::password::Passwords;
use super::regex;
use super::url::trim_url;
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

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
    passwords: Passwords,
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
            passwords: Passwords::new(),
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
        // Natively the regex crate's multi-literal prefilter (Teddy) runs on SIMD and passes
        // over text faster than `long_runs` can; wasm has no such prefilter.
        let (whole, runs);
        let spans: &[Range<usize>] = if cfg!(target_arch = "wasm32") {
            runs = long_runs(text, SHORTEST_KEY);
            &runs
        } else {
            whole = 0..text.len();
            std::slice::from_ref(&whole)
        };
        for run in spans.iter().cloned() {
            let part = &text[run.clone()];
            let prefixed = (part.len() >= SHORTEST_PREFIXED).then(|| self.prefixed.find_iter(part));
            for m in prefixed.into_iter().flatten() {
                let (v, end) = (m.as_str(), run.start + m.end());
                let glued = text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
                if glued
                    || (v.starts_with("sk-") && !v.starts_with("sk-ant-") && !looks_random(&v[3..]))
                {
                    continue;
                }
                out.push(secret(run.start + m.start(), end, 0.95));
            }
            if part.len() >= SHORTEST_JWT && part.contains("eyJ") {
                for m in self.jwt.find_iter(part) {
                    if jwt_header_ok(m.as_str()) {
                        out.push(secret(run.start + m.start(), run.start + m.end(), 0.9));
                    }
                }
            }
            if part.contains("://") {
                for m in self.credential_url.find_iter(part) {
                    let start = run.start + m.start();
                    out.push(secret(start, start + trim_url(m.as_str()).len(), 0.95));
                }
            }
        }
        self.find_pem_blocks(text, out);
        self.passwords.find(text, out);
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

/// The shortest match of `credential_url` (`ftp://a:b@c`), of `prefixed` (`xoxb-` and ten
/// characters) and of `jwt` (three parts of at least 8 after `eyJ`). Runs of 11 to 14 bytes
/// (long English words, mostly) then cost one substring check, not a regex call.
const SHORTEST_KEY: usize = 11;
const SHORTEST_PREFIXED: usize = 15;
const SHORTEST_JWT: usize = 32;

/// The runs of `text` between ASCII whitespace that are at least `min` (11 or more) bytes
/// long. No key, JWT or credential URL contains whitespace, and the patterns see the same
/// word boundaries at a run's edges as in the whole text, so searching the runs finds exactly
/// what searching the text would. Prose has few long runs: in the filter's wasm this spares
/// the multi-literal search (no SIMD there) over most of the text, which was a fifth of tier 1.
///
/// Written out rather than a byte loop: it reads 8-byte windows every 4 bytes, and any run of
/// 11 or more bytes holds one whole window, so prose is passed over with one or two word-wide
/// tests per 4 bytes.
fn long_runs(text: &str, min: usize) -> Vec<Range<usize>> {
    debug_assert!(min >= 11);
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `x` is below `n` (n <= 128).
    let any_below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS != 0;
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let window = &bytes[at..at + 8];
        let w = u64::from_le_bytes(window.try_into().expect("8 bytes"));
        let has_space = any_below(w ^ (ONES * 0x20), 1);
        if any_below(w, 0x21) && (has_space || window.iter().any(u8::is_ascii_whitespace)) {
            at += 4;
            continue;
        }
        let start = bytes[..at]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |i| i + 1);
        let end = bytes[at + 8..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(bytes.len(), |i| at + 8 + i);
        if end - start >= min {
            runs.push(start..end);
        }
        at = end + 1;
    }
    runs
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
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::Secret;

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

    /// Searching the long runs finds exactly what searching the whole text finds, at edges,
    /// next to tabs, newlines, punctuation and non-ASCII spaces.
    #[test]
    fn runs_find_what_the_whole_text_finds() {
        let s = super::Secret::new();
        let texts = [
            "AKIAIOSFODNN7EXAMPLE".to_string(),
            "x\tAKIAIOSFODNN7EXAMPLE\n".to_string(),
            "(AKIAIOSFODNN7EXAMPLE),xoxb-2048576120-4096\u{a0}sk_live_4eC39HqLyjWDarjtT1zdp7dc"
                .to_string(),
            format!("{{\"token\":\"{JWT}\",\"db\":\"mysql://u:p@h\"}}"),
            "ftp://a:b@c ftp://a:b@c\u{2003}sftp://root:toor@10.0.0.1/x".to_string(),
            "short words, xox-no, eyJ.eyJ. and a://b:c@d".to_string(),
        ];
        for text in &texts {
            for re in [&s.prefixed, &s.jwt, &s.credential_url] {
                let whole: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
                let runs: Vec<_> = super::long_runs(text, super::SHORTEST_KEY)
                    .into_iter()
                    .flat_map(|r| {
                        re.find_iter(&text[r.clone()])
                            .map(|m| r.start + m.start()..r.start + m.end())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                assert_eq!(whole, runs, "{text:?}");
            }
        }
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
