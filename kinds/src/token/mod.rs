//! The token grammar: what a Veil token looks like for each kind of value, how one is minted,
//! and how one is recognised. The vault mints tokens, the filter finds them in responses, and
//! the detector must never report one as new PII; one grammar for all three means they cannot
//! drift. Which form a kind's tokens take is a column of the kinds table (`crate::kind`).
//!
//! A token keeps the shape of what it replaces, so strict downstream validators and the
//! language model treat it naturally, but always from a range no real value uses. That is what
//! makes a token recognisable without a lookup, and why a real value is never taken for one:
//!
//! | kind | token |
//! |---|---|
//! | CREDIT_CARD | same length and grouping, Luhn-valid, prefix `00` (no issuer uses MII 0) |
//! | US_SSN, US_ITIN | `9AA-GG-SSSS`, group 01-49 (issued neither as SSN nor ITIN), the original's delimiter |
//! | PHONE_NUMBER | same formatting: NANP `NPA-555-01XX`; UK Ofcom drama ranges; else the `+999` marker |
//! | EMAIL_ADDRESS | `email-xxxxxxxx@example.com` (RFC 2606) |
//! | IBAN_CODE | same country, length and letter/digit layout, bank code `0000`/`XXXX`, valid mod-97 |
//! | ABA_ROUTING_NUMBER | `99X00XXXX` (no Federal Reserve district, no SSN area), valid checksum |
//! | IP_ADDRESS | RFC 5737 documentation ranges for v4, `2001:db8::/32` (RFC 3849) for v6 |
//! | anything else | a readable typed token, `Person_7QF2` |
//!
//! Minting is a pure function of the kind, the original (for its shape), pseudo-random seed
//! bytes (the vault derives them with a per-tenant key) and an attempt number. When two values
//! want one token the vault retries with the next attempt; formats whose reserved range is
//! small (IPv4, phones, routing numbers) fall back to the typed token after `SMALL_SPACE_ATTEMPTS`, and typed
//! ids grow longer as attempts climb (to 12 characters, 60 bits), so minting terminates with a
//! free token.

mod digits;
mod find;
mod network;
mod phone;
mod typed;

use sha2::{Digest, Sha256};

use crate::kind::{Entity, TokenForm};

pub use find::find_tokens;
pub use typed::{starts_with_typed_token, typed_label};

/// Longest format-preserving token; a longer original (odd spacing) gets the typed token.
const MAX_STRUCTURED_LEN: usize = 48;

/// Attempts a small reserved range gets before the typed token takes over.
pub const SMALL_SPACE_ATTEMPTS: u32 = 32;

/// Pseudo-random bytes a token is drawn from (the vault: a keyed HMAC of kind and value).
pub type Seed = [u8; 32];

/// Mints tokens. `typed_id_len` is the number of base-32 characters in a typed token's id at
/// attempt 0 (default 4, about a million tokens per kind per tenant); tests shrink it to force
/// collisions.
#[derive(Debug, Clone)]
pub struct Minter {
    typed_id_len: usize,
}

impl Default for Minter {
    fn default() -> Self {
        Minter { typed_id_len: 4 }
    }
}

impl Minter {
    /// A minter whose typed tokens start with ids of `len` characters (1..=12).
    pub fn with_typed_id_len(len: usize) -> Self {
        Minter {
            typed_id_len: len.clamp(1, 12),
        }
    }

    /// The token for `original` of kind `entity` at this attempt. Same inputs, same token.
    pub fn mint(&self, entity: &Entity, original: &str, seed: &Seed, attempt: u32) -> String {
        let mut draw = Draw::for_attempt(seed, attempt);
        let structured = match entity.token_form() {
            TokenForm::Card => digits::card(original, &mut draw),
            TokenForm::Ssn => digits::ssn(original, &mut draw),
            TokenForm::Aba => digits::aba(original, &mut draw, attempt),
            TokenForm::Iban => digits::iban(original, &mut draw),
            TokenForm::Email => Some(network::email(&mut draw)),
            TokenForm::Ip if attempt < SMALL_SPACE_ATTEMPTS => network::ip(original, &mut draw),
            TokenForm::Phone => phone::mint(original, &mut draw, attempt),
            TokenForm::Ip | TokenForm::Typed => None,
        };
        // An original whose shape a format cannot keep (a card with 25 digits, stray text,
        // runs of spaces, an unbalanced parenthesis) still gets a token: the typed one.
        // Tokens stay short, and a token is always one responses can be searched for.
        structured
            .filter(|t| t.len() <= MAX_STRUCTURED_LEN && find::finds_whole(t))
            .unwrap_or_else(|| {
                typed::mint(
                    entity,
                    &mut draw,
                    self.typed_id_len + 2 * (attempt as usize / 16),
                )
            })
    }
}

/// Whether `text` is, as a whole, a token Veil could have minted for `entity`. The detector
/// uses it so masking an already-masked prompt changes nothing.
pub fn is_token(entity: &Entity, text: &str) -> bool {
    if typed::is_token(entity, text) {
        return true;
    }
    let in_range = match entity.token_form() {
        TokenForm::Card => digits::is_card(text),
        TokenForm::Ssn => digits::is_ssn(text),
        TokenForm::Aba => digits::is_aba(text),
        TokenForm::Iban => digits::is_iban(text),
        TokenForm::Email => network::is_email(text),
        TokenForm::Ip => network::is_ip(text),
        TokenForm::Phone => phone::is_token(text),
        TokenForm::Typed => false,
    };
    in_range && find::has_token_shape(text.trim())
}

/// The digits of a short text, on the stack: `is_token` runs on every detection candidate, so
/// recognising must not allocate. `None` when the text holds more digits than any token.
pub(crate) fn digits_on_stack(text: &str) -> Option<([u8; 24], usize)> {
    let mut buf = [0u8; 24];
    let mut n = 0;
    for b in text.bytes().filter(u8::is_ascii_digit) {
        *buf.get_mut(n)? = b - b'0';
        n += 1;
    }
    Some((buf, n))
}

/// Draws numbers from a seed, extending it with SHA-256 when its bytes run out. Uniformity is
/// not a security property here (the seed is already keyed); the small modulo bias is fine.
pub(crate) struct Draw {
    block: [u8; 32],
    used: usize,
    counter: u32,
    seed: Seed,
}

impl Draw {
    /// Attempt 0 draws from the seed itself; each later attempt from a hash of the seed and
    /// the attempt number, so every attempt proposes an unrelated token.
    pub(crate) fn for_attempt(seed: &Seed, attempt: u32) -> Self {
        let seed: Seed = if attempt == 0 {
            *seed
        } else {
            let mut h = Sha256::new();
            h.update(b"veil-token-attempt");
            h.update(seed);
            h.update(attempt.to_be_bytes());
            h.finalize().into()
        };
        Draw {
            block: seed,
            used: 0,
            counter: 0,
            seed,
        }
    }

    fn byte(&mut self) -> u8 {
        if self.used == self.block.len() {
            self.counter += 1;
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.counter.to_be_bytes());
            self.block = h.finalize().into();
            self.used = 0;
        }
        self.used += 1;
        self.block[self.used - 1]
    }

    /// A number in `0..n` (n ≤ 65536).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        let v = u32::from(self.byte()) << 8 | u32::from(self.byte());
        v % n
    }

    pub(crate) fn digit(&mut self) -> u8 {
        self.below(10) as u8
    }
}

/// Writes `digits` (numbers 0..=9) over the ASCII digits of `shape`, keeping every other
/// character: the grouping of the original survives.
pub(crate) fn fill_digits(shape: &str, digits: &[u8]) -> String {
    let mut next = digits.iter();
    shape
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from(b'0' + next.next().copied().unwrap_or(0))
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
