//! IP_ADDRESS: IPv4 dotted quads and IPv6 in full, compressed and IPv4-embedded forms.
//!
//! IPv4 octets must be 0-255 without leading zeros, and the quad must not continue
//! (`1.3.6.1.4.1` is an OID) or follow a version word ("version 1.2.3.4"). IPv6 candidates are
//! parsed with the standard library and need at least three groups or a `::` with two, so
//! `std::io` or `12:30:45` never qualify.
//!
//! Scores: 0.75 for both families.

use std::net::Ipv6Addr;

use regex::Regex;

use super::{clean_after, clean_before, regex};
use crate::detect::{Candidate, ContextWords, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &["ip", "address", "host", "server", "client", "ipv4", "ipv6"];
const VERSION_WORDS: &[&str] = &[
    "version", "ver", "v", "release", "build", "firmware", "rev", "sdk", "upgrade", "patch",
    "kernel",
];

pub struct IpAddress {
    v4: Regex,
    v6: Regex,
}

impl IpAddress {
    pub fn new() -> Self {
        IpAddress {
            v4: regex(r"(?-u:\b)(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)"),
            v6: regex(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"),
        }
    }
}

impl Recognizer for IpAddress {
    fn name(&self) -> &str {
        "ip_address"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::IpAddress]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.v4.as_str(), self.v6.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for r in hay.region_finds(&self.v4) {
            let value = &text[r.clone()];
            let octets_ok = value.split('.').all(|o| {
                o.parse::<u16>().is_ok_and(|n| n <= 255) && !(o.len() > 1 && o.starts_with('0'))
            });
            if octets_ok
                && alone(text, r.start, r.end)
                && !ContextWords::any_before(text, r.start, 6, VERSION_WORDS)
                && !ContextWords::in_column_header(text, r.start, VERSION_WORDS)
            {
                out.push(Candidate::new(
                    r.start,
                    r.end,
                    Entity::IpAddress,
                    0.75,
                    true,
                ));
            }
        }
        for r in hay.region_finds(&self.v6) {
            let (start, mut end) = (r.start, r.end);
            // Sentence punctuation after an address: "at fe80::1." or "fe80::1: it".
            while end > start && text.as_bytes()[end - 1] == b'.' {
                end -= 1;
            }
            if end > start + 1
                && text.as_bytes()[end - 1] == b':'
                && text.as_bytes()[end - 2] != b':'
            {
                end -= 1;
            }
            let value = &text[start..end];
            if value.parse::<Ipv6Addr>().is_ok()
                && enough_groups(value)
                && value.bytes().any(|b| b.is_ascii_digit())
                && alone(text, start, end)
            {
                out.push(Candidate::new(start, end, Entity::IpAddress, 0.75, true));
            }
        }
    }
}

/// Not glued to anything but a `user@` before or a `:port` or `/prefix` after.
fn alone(text: &str, start: usize, end: usize) -> bool {
    // `deploy@10.0.0.5` is a user at a host.
    (text[..start].ends_with('@') || clean_before(text, start))
        && clean_after(text, end + port_len(&text[end..]))
}

/// Length of a `:port` or `/prefix` suffix, so "10.0.0.5:8080" and "10.0.0.0/8" still stand
/// alone (the suffix is not part of the reported address).
fn port_len(rest: &str) -> usize {
    let Some(p) = rest.strip_prefix([':', '/']) else {
        return 0;
    };
    let digits = p.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=5).contains(&digits) {
        digits + 1
    } else {
        0
    }
}

fn enough_groups(v: &str) -> bool {
    let groups = v.split(':').filter(|g| !g.is_empty()).count();
    groups >= 3 || (v.contains("::") && groups >= 2)
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::IpAddress;

    #[test]
    fn ipv4() {
        assert_finds(IpAddress, "ssh into 10.0.0.5:8080 now", "10.0.0.5");
        assert_finds(IpAddress, "block 81.2.69.142.", "81.2.69.142");
        assert_finds(IpAddress, "route 192.168.1.0/24", "192.168.1.0");
        assert_finds(IpAddress, "ssh deploy@69.82.72.65 -p 22", "69.82.72.65");
    }

    #[test]
    fn ipv6() {
        for v in [
            "2a02:c7f::1",
            "fe80::1ff:fe23:4567:890a",
            "2a02:0c7f:85a3:0000:0000:8a2e:0370:7334",
            "::ffff:192.0.2.128",
        ] {
            assert_finds(IpAddress, &format!("from {v} today"), v);
        }
        assert_finds(IpAddress, "peer [2a02:c7f::1]:443", "2a02:c7f::1");
    }

    #[test]
    fn near_misses() {
        assert_none(IpAddress, "upgrade to version 1.2.3.4 today");
        assert_none(IpAddress, "build v10.0.1.2 failed");
        assert_none(IpAddress, "Versions in the fleet: 10.4.2.1 (router)");
        assert_none(IpAddress, "Upgrade the agent to 4.20.1.7 first");
        assert_none(IpAddress, "host | fw_version\n-----+-----\na    | 3.10.2.7");
        assert_none(IpAddress, "oid 1.3.6.1.4.1 in the mib");
        assert_none(IpAddress, "octets 256.1.1.1 and 01.02.03.04");
        assert_none(IpAddress, "at 12:30:45 use std::io::Read");
        assert_none(IpAddress, "mac 00:1A:2B:3C:4D:5E");
    }
}
