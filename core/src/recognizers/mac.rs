//! MAC_ADDRESS: six hex pairs joined by one kind of separator (`:` or `-`), or Cisco's three
//! dotted quads. Score 0.8.

use regex::Regex;

use super::regex;
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &[
    "mac", "hardware", "ethernet", "wifi", "device", "nic", "bssid",
];

pub struct MacAddress {
    re: Regex,
}

impl MacAddress {
    pub fn new() -> Self {
        MacAddress {
            re: regex(
                r"(?-u:\b)(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?-u:\b)",
            ),
        }
    }
}

impl Recognizer for MacAddress {
    fn name(&self) -> &str {
        "mac_address"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::MacAddress]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for r in hay.region_finds(&self.re) {
            let value = &text[r.clone()];
            let glued = |c: char| c.is_ascii_hexdigit() || matches!(c, ':' | '-' | '.');
            let before_glued = text[..r.start]
                .chars()
                .next_back()
                .is_some_and(|c| glued(c) && c != '.');
            let after = text[r.end..].chars().next();
            let after_glued = after.is_some_and(|c| c.is_ascii_hexdigit() || c == ':' || c == '-')
                || (after == Some('.')
                    && text[r.end + 1..].starts_with(|c: char| c.is_ascii_hexdigit()));
            let cisco = value.contains('.');
            if before_glued || after_glued || (cisco && !value.bytes().any(|b| b.is_ascii_digit()))
            {
                continue;
            }
            out.push(Candidate::new(
                r.start,
                r.end,
                Entity::MacAddress,
                0.8,
                true,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::MacAddress;

    #[test]
    fn formats() {
        for v in [
            "00:1A:2B:3C:4D:5E",
            "00-1a-2b-3c-4d-5e",
            "001a.2b3c.4d5e",
            "aa:bb:cc:dd:ee:ff",
        ] {
            assert_finds(MacAddress, &format!("device {v} joined"), v);
        }
    }

    #[test]
    fn near_misses() {
        assert_none(MacAddress, "00:1A:2B-3C:4D:5E mixed");
        assert_none(MacAddress, "00:1A:2B:3C:4D:5E:6F is eight bytes");
        assert_none(MacAddress, "hash dead.beef.cafe");
        assert_none(MacAddress, "fe80:0000:0000:0000:0202:b3ff:fe1e:8329");
    }
}
