//! The token grammar. The input picks a kind, seed bytes, an attempt and an original value.
//! Properties:
//! - a minted token is recognised as a token of its kind, and found whole in running text;
//! - mint → find → recognise round trips for every kind;
//! - no real-looking value is taken for a token: a Luhn-valid card number with a real issuer
//!   digit, an SSN outside the 9xx area, an e-mail address outside example.com, a NANP number
//!   outside 555-01xx and an IPv4 address outside the documentation ranges, all built from
//!   the input, are never recognised or found.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veil_fuzz::Choices;
use veil_kinds::checksum::{digits_of, luhn};
use veil_kinds::token::{find_tokens, is_token, Minter};
use veil_kinds::BUILTIN;

fn digits(bytes: &[u8], n: usize) -> String {
    (0..n)
        .map(|i| char::from(b'0' + bytes.get(i).copied().unwrap_or(7) % 10))
        .collect()
}

/// `body` and the check digit that makes it Luhn-valid.
fn luhn_complete(body: &str) -> String {
    (b'0'..=b'9')
        .map(|check| format!("{body}{}", char::from(check)))
        .find(|d| luhn(&digits_of(d)))
        .expect("one check digit makes it Luhn-valid")
}

fn assert_not_token(value: &str) {
    for e in BUILTIN {
        assert!(
            !is_token(e, value),
            "{value:?} taken for a {} token",
            e.as_str()
        );
    }
    let text = format!("see {value} now");
    assert!(find_tokens(&text).is_empty(), "{value:?} found as a token");
}

fuzz_target!(|data: &[u8]| {
    let mut choices = Choices(data);
    let entity = &BUILTIN[usize::from(choices.byte()) % BUILTIN.len()];
    let seed: [u8; 32] = choices.bytes();
    let attempt = u32::from(choices.byte());
    let real: [u8; 20] = choices.bytes();
    let original = String::from_utf8_lossy(choices.rest());

    let token = Minter::default().mint(entity, &original, &seed, attempt);
    assert!(
        is_token(entity, &token),
        "{token:?} is not a {} token",
        entity.as_str()
    );
    let text = format!("it is {token}, ok");
    let found: Vec<&str> = find_tokens(&text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(found, [token.as_str()], "in {text:?}");

    // Real values, built from the input, each out of the reserved ranges.
    let issuer = char::from(b'1' + real[0] % 9);
    assert_not_token(&luhn_complete(&format!(
        "{issuer}{}",
        digits(&real[1..], 14)
    )));
    let area = 1 + u16::from_le_bytes([real[2], real[3]]) % 899;
    if area != 666 {
        let group = 1 + real[4] % 99;
        let serial = 1 + u16::from_le_bytes([real[5], real[6]]) % 9999;
        assert_not_token(&format!("{area:03}-{group:02}-{serial:04}"));
    }
    let local: String = digits(&real[7..], 6)
        .chars()
        .map(|c| (b'a' + c as u8 - b'0') as char)
        .collect();
    assert_not_token(&format!("{local}@corp-mail.net"));
    let exchange = 200 + u16::from_le_bytes([real[8], real[9]]) % 800;
    if exchange != 555 {
        let npa = 200 + u16::from(real[10]) % 800;
        assert_not_token(&format!("({npa}) {exchange}-{}", digits(&real[11..], 4)));
    }
    let ip = [1 + real[15] % 223, real[16], real[17], real[18]];
    let documentation = matches!(ip, [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _]);
    if !documentation {
        assert_not_token(&format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]));
    }
});
