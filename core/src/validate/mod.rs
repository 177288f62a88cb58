//! Validators: checksums and structural rules that turn a pattern match into a confident one.
//!
//! Each is a pure function over the matched text. `Named` lists the ones a team can attach to a
//! custom entity from configuration.

mod crypto;

// The check digits live with the token grammar (`veil-kinds`), which keeps them valid in
// tokens; the recognizers use the same functions.
pub use crypto::{base58check, bech32_segwit, eth_address, EthCheck};
pub use veil_kinds::checksum::{
    aba_routing, aba_routing_checksum, digits_of, luhn, mod11_nhs, mod97, verhoeff,
};

use serde::Deserialize;

/// Validators a custom entity may name in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Named {
    /// Luhn mod-10 over the digits (cards, IMEIs, many member ids).
    Luhn,
    /// ISO 7064 mod-97-10 over the alphanumerics, IBAN style (country code moved to the end).
    Mod97,
    /// Mod-11 with weights 10..2 over the first nine digits (NHS style).
    Mod11,
    /// Verhoeff over the digits (Aadhaar and others).
    Verhoeff,
}

impl Named {
    pub fn check(self, text: &str) -> bool {
        match self {
            Named::Luhn => luhn(&digits_of(text)),
            Named::Mod97 => mod97(text),
            Named::Mod11 => mod11_nhs(&digits_of(text)),
            Named::Verhoeff => verhoeff(&digits_of(text)),
        }
    }
}
