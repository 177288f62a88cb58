//! CRYPTO: wallet addresses: Bitcoin base58check (`1...`, `3...`; Litecoin `L...`, `M...`),
//! bech32/bech32m SegWit
//! (`bc1...`), Ethereum (`0x` + 40 hex, EIP-55 checked when mixed case).
//!
//! Scores: checksum-verified 0.95; Ethereum without a case checksum 0.8; failures dropped
//! (a wallet address with a wrong checksum cannot receive funds and identifies no one).

use regex::Regex;

use super::regex;
use crate::detect::{Candidate, Haystack, Recognizer};
use crate::validate::{base58check, bech32_segwit, eth_address, EthCheck};
use veil_kinds::kind::Entity;

pub const CONTEXT: &[&str] = &[
    "wallet", "bitcoin", "btc", "ethereum", "eth", "address", "crypto",
];

pub struct CryptoWallet {
    re: Regex,
}

impl CryptoWallet {
    pub fn new() -> Self {
        CryptoWallet {
            re: regex(
                // Lengths are checked in code: large counted repetitions make the regex
                // engine's DFA many times bigger for no gain in what it can reject.
                r"(?-u:\b)(?:[13LM][1-9A-HJ-NP-Za-km-z]{25,}|bc1[02-9ac-hj-np-z]{11,}|BC1[02-9AC-HJ-NP-Z]{11,}|0x[0-9a-fA-F]{40,})(?-u:\b)",
            ),
        }
    }
}

impl Recognizer for CryptoWallet {
    fn name(&self) -> &str {
        "crypto"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::Crypto]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        for r in hay.region_finds(&self.re) {
            let v = &text[r.clone()];
            let score = if v.starts_with("0x") {
                if v.len() != 42 {
                    continue;
                }
                match eth_address(v) {
                    EthCheck::Checksummed => 0.95,
                    EthCheck::NoChecksum => 0.8,
                    EthCheck::Invalid => continue,
                }
            } else if v.starts_with("bc1") || v.starts_with("BC1") {
                if v.len() > 74 || !bech32_segwit(v) {
                    continue;
                }
                0.95
            } else if v.len() <= 35 && base58check(v) {
                0.95
            } else {
                continue;
            };
            out.push(Candidate::new(r.start, r.end, Entity::Crypto, score, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::Crypto;

    #[test]
    fn wallets() {
        for v in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae",
            "LQa8wYxypsoxv5Vv7YKjVNeTSPZhWBTQ66",
        ] {
            assert_finds(Crypto, &format!("send to {v} please"), v);
        }
    }

    #[test]
    fn near_misses() {
        assert_none(Crypto, "send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb please");
        assert_none(Crypto, "commit 0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        assert_none(Crypto, "sha 3f786850e387550fdab836ed7e6dc881de23001b");
    }
}
