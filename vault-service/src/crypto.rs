//! The vault's cryptographic operations, each one small and named for what it protects.
//!
//! - Values: AES-256-GCM with a random 96-bit nonce per write; the associated data binds
//!   tenant, entity type, token and key version, so a ciphertext moved to another row, tenant
//!   or token fails to decrypt instead of rehydrating the wrong value.
//! - Lookup index and token seeds: HMAC-SHA-256 over (scope hash, type, value), or over (type,
//!   value) for tenant-wide tokens and for the value key erasure looks values up by. HMAC
//!   rather than AES-SIV: the index needs equality only, and a fixed 32-byte key hides the
//!   value's length, which a SIV ciphertext would reveal.
//! - Scopes: HMAC-SHA-256, truncated to 128 bits, so stores and audit logs never hold a
//!   scope (often a user id) in clear.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::keys::TenantKeys;
use crate::store::{IndexKey, ScopeHash};

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") never collide.
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The deterministic lookup key of a value, within a scope (`Some`) or the tenant (`None`).
pub fn index_key(
    keys: &TenantKeys,
    scope: Option<&ScopeHash>,
    entity: &str,
    value: &str,
) -> IndexKey {
    derive(&keys.index, scope, entity, value)
}

/// The seed a value's token is minted from, within a scope (`Some`) or the tenant (`None`).
pub fn token_seed(
    keys: &TenantKeys,
    scope: Option<&ScopeHash>,
    entity: &str,
    value: &str,
) -> [u8; 32] {
    derive(&keys.token, scope, entity, value)
}

/// HMAC of (type, value), or of (a domain tag, scope, type, value): the part counts keep the
/// two families apart.
fn derive(key: &[u8; 32], scope: Option<&ScopeHash>, entity: &str, value: &str) -> [u8; 32] {
    match scope {
        None => hmac(key, &[entity.as_bytes(), value.as_bytes()]),
        Some(s) => hmac(
            key,
            &[b"veil-scope", s, entity.as_bytes(), value.as_bytes()],
        ),
    }
}

/// A scope as stored: keyed hash, 128 bits.
pub fn scope_hash(keys: &TenantKeys, scope: &str) -> ScopeHash {
    let full = hmac(&keys.scope, &[scope.as_bytes()]);
    full[..16].try_into().expect("16 of 32 bytes")
}

fn associated_data(tenant: &str, entity: &str, token: &str, version: u32) -> Vec<u8> {
    let mut ad = Vec::with_capacity(tenant.len() + entity.len() + token.len() + 16);
    for p in [tenant.as_bytes(), entity.as_bytes(), token.as_bytes()] {
        ad.extend((p.len() as u32).to_be_bytes());
        ad.extend(p);
    }
    ad.extend(version.to_be_bytes());
    ad
}

/// Encrypts a value; returns (nonce, ciphertext with tag).
pub fn seal(
    keys: &TenantKeys,
    tenant: &str,
    entity: &str,
    token: &str,
    value: &str,
) -> ([u8; 12], Vec<u8>) {
    let mut nonce = [0u8; 12];
    getrandom::getrandom(&mut nonce).expect("the OS random source works");
    let cipher = Aes256Gcm::new(&keys.encrypt.into());
    let ad = associated_data(tenant, entity, token, keys.version);
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: value.as_bytes(),
                aad: &ad,
            },
        )
        .expect("AES-GCM encryption of a bounded value cannot fail");
    (nonce, ct)
}

/// Decrypts a value; `None` when the ciphertext, its binding or the key is wrong.
pub fn open(
    keys: &TenantKeys,
    tenant: &str,
    entity: &str,
    token: &str,
    nonce: &[u8; 12],
    ciphertext: &[u8],
) -> Option<String> {
    let cipher = Aes256Gcm::new(&keys.encrypt.into());
    let ad = associated_data(tenant, entity, token, keys.version);
    let plain = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &ad,
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::MasterKeys;

    fn keys() -> MasterKeys {
        MasterKeys::from_json(&MasterKeys::generate_file()).unwrap()
    }

    #[test]
    fn values_round_trip_and_are_bound_to_their_row() {
        let master = keys();
        let k = master.active("acme");
        let (nonce, ct) = seal(
            &k,
            "acme",
            "EMAIL_ADDRESS",
            "email-x@example.com",
            "jane@corp.com",
        );
        assert!(!ct.windows(4).any(|w| w == b"jane"));
        let open_as = |tenant: &str, entity: &str, token: &str| {
            open(&master.active(tenant), tenant, entity, token, &nonce, &ct)
        };
        assert_eq!(
            open_as("acme", "EMAIL_ADDRESS", "email-x@example.com").as_deref(),
            Some("jane@corp.com")
        );
        assert_eq!(open_as("acme", "PERSON", "email-x@example.com"), None);
        assert_eq!(
            open_as("acme", "EMAIL_ADDRESS", "email-y@example.com"),
            None
        );
        assert_eq!(
            open_as("globex", "EMAIL_ADDRESS", "email-x@example.com"),
            None
        );
        let (nonce2, _) = seal(
            &k,
            "acme",
            "EMAIL_ADDRESS",
            "email-x@example.com",
            "jane@corp.com",
        );
        assert_ne!(nonce, nonce2, "a fresh nonce per write");
    }

    #[test]
    fn index_and_seed_are_deterministic_per_tenant() {
        let master = keys();
        let a = master.active("acme");
        let b = master.active("globex");
        let ik = |k, s, e| index_key(k, s, e, "Jane");
        assert_eq!(ik(&a, None, "PERSON"), ik(&a, None, "PERSON"));
        assert_ne!(ik(&a, None, "PERSON"), ik(&b, None, "PERSON"));
        assert_ne!(ik(&a, None, "PERSON"), ik(&a, None, "LOCATION"));
        assert_ne!(
            ik(&a, None, "PERSON"),
            token_seed(&a, None, "PERSON", "Jane")
        );
        assert_ne!(scope_hash(&a, "user-1"), scope_hash(&b, "user-1"));
        let (s1, s2) = (scope_hash(&a, "user-1"), scope_hash(&a, "user-2"));
        assert_eq!(ik(&a, Some(&s1), "PERSON"), ik(&a, Some(&s1), "PERSON"));
        assert_ne!(ik(&a, Some(&s1), "PERSON"), ik(&a, Some(&s2), "PERSON"));
        assert_ne!(ik(&a, Some(&s1), "PERSON"), ik(&a, None, "PERSON"));
        assert_ne!(
            token_seed(&a, Some(&s1), "PERSON", "Jane"),
            token_seed(&a, Some(&s2), "PERSON", "Jane")
        );
    }
}
