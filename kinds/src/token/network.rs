//! Email and IP tokens: addresses on names the IETF reserved for documentation, so they are
//! valid to any parser and can never reach a real mailbox or host.

use std::net::IpAddr;

use super::Draw;

/// RFC 2606 reserves example.com; it is a real, resolvable domain (strict validators accept
/// it) that accepts no mail.
const EMAIL_DOMAIN: &str = "@example.com";
const EMAIL_PREFIX: &str = "email-";
const EMAIL_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

pub(super) fn email(draw: &mut Draw) -> String {
    let mut out = String::from(EMAIL_PREFIX);
    for _ in 0..8 {
        out.push(char::from(EMAIL_ALPHABET[draw.below(32) as usize]));
    }
    out.push_str(EMAIL_DOMAIN);
    out
}

pub(super) fn is_email(text: &str) -> bool {
    let n = text.len();
    n > EMAIL_DOMAIN.len() + EMAIL_PREFIX.len()
        && text.is_char_boundary(n - EMAIL_DOMAIN.len())
        && text[n - EMAIL_DOMAIN.len()..].eq_ignore_ascii_case(EMAIL_DOMAIN)
        && text[..EMAIL_PREFIX.len()].eq_ignore_ascii_case(EMAIL_PREFIX)
        && text[EMAIL_PREFIX.len()..n - EMAIL_DOMAIN.len()]
            .bytes()
            .all(|b| EMAIL_ALPHABET.contains(&b.to_ascii_lowercase()))
}

/// RFC 5737's three documentation networks.
const V4_NETS: [[u8; 3]; 3] = [[192, 0, 2], [198, 51, 100], [203, 0, 113]];

pub(super) fn ip(original: &str, draw: &mut Draw) -> Option<String> {
    match original.trim().parse::<IpAddr>().ok()? {
        IpAddr::V4(_) => {
            let [a, b, c] = V4_NETS[draw.below(3) as usize];
            let host = 1 + draw.below(254);
            Some(format!("{a}.{b}.{c}.{host}"))
        }
        // RFC 3849: 2001:db8::/32, 96 bits of room.
        IpAddr::V6(_) => {
            let groups: Vec<String> = (0..6).map(|_| format!("{:x}", draw.below(65536))).collect();
            Some(format!("2001:db8:{}", groups.join(":")))
        }
    }
}

pub(super) fn is_ip(text: &str) -> bool {
    match text.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let o = v4.octets();
            V4_NETS.contains(&[o[0], o[1], o[2]])
        }
        Ok(IpAddr::V6(v6)) => v6.segments()[..2] == [0x2001, 0x0db8],
        Err(_) => false,
    }
}
