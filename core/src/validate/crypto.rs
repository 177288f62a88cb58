//! Cryptocurrency address checks: Bitcoin base58check and bech32/bech32m (SegWit), and
//! Ethereum's EIP-55 mixed-case checksum. Decoding uses the `bs58` and `bech32` crates; the
//! checksums use RustCrypto's SHA-256 and Keccak-256.

use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// A legacy (P2PKH `1...`) or script (P2SH `3...`) Bitcoin address, or a Litecoin one
/// (`L...`, `M...`): base58 of version byte + 20-byte hash + the first 4 bytes of double
/// SHA-256.
pub fn base58check(text: &str) -> bool {
    let Ok(bytes) = bs58::decode(text).into_vec() else {
        return false;
    };
    if bytes.len() != 25 || !matches!(bytes[0], 0x00 | 0x05 | 0x30 | 0x32) {
        return false;
    }
    let (payload, check) = bytes.split_at(21);
    let digest = Sha256::digest(Sha256::digest(payload));
    digest[..4] == *check
}

/// A SegWit address (`bc1...`, bech32 for v0, bech32m for v1+), checksum and program length.
pub fn bech32_segwit(text: &str) -> bool {
    bech32::segwit::decode(text)
        .map(|(hrp, _version, _program)| hrp == bech32::hrp::BC)
        .unwrap_or(false)
}

/// How sure we are of an `0x` + 40-hex Ethereum address.
#[derive(Debug, PartialEq, Eq)]
pub enum EthCheck {
    /// Mixed case matching EIP-55.
    Checksummed,
    /// All lower or all upper case: no checksum to verify.
    NoChecksum,
    /// Mixed case that fails EIP-55.
    Invalid,
}

pub fn eth_address(text: &str) -> EthCheck {
    let hex = &text[2..];
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if !(has_lower && has_upper) {
        return EthCheck::NoChecksum;
    }
    let hash = Keccak256::digest(hex.to_ascii_lowercase().as_bytes());
    let ok = hex.bytes().enumerate().all(|(i, b)| {
        if !b.is_ascii_alphabetic() {
            return true;
        }
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
        b.is_ascii_uppercase() == (nibble >= 8)
    });
    if ok {
        EthCheck::Checksummed
    } else {
        EthCheck::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitcoin_base58() {
        assert!(base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        assert!(base58check("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
        assert!(!base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
        assert!(!base58check("0OIl"));
    }

    #[test]
    fn bitcoin_bech32() {
        assert!(bech32_segwit("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(!bech32_segwit("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
        assert!(!bech32_segwit("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"));
    }

    #[test]
    fn ethereum_eip55() {
        assert_eq!(
            eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            EthCheck::Checksummed
        );
        assert_eq!(
            eth_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
            EthCheck::NoChecksum
        );
        assert_eq!(
            eth_address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            EthCheck::Invalid
        );
    }
}
