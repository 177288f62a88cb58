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
//! - Scope keys (crypto-shredding): a random 256-bit key per scope, kept in the key store
//!   wrapped (AES-256-GCM) under the tenant's encrypt key and bound to tenant and scope. A
//!   value of the scope is encrypted under HMAC(tenant encrypt key of the active version,
//!   scope key): it needs both, so a master-key rotation protects new values as it does
//!   without scope keys. Destroying the record makes every copy of those values,
//!   in backups and replicas included, ciphertext nobody can open. A value sealed so says it
//!   with `SCOPE_SEALED` in its key version and carries its scope's hash before the ciphertext,
//!   so a role that may unmask any scope finds the key too.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

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

/// AES-256-GCM under `key` with a fresh random nonce: (nonce, ciphertext with tag).
fn aead_seal(key: &[u8; 32], ad: &[u8], msg: &[u8]) -> ([u8; 12], Vec<u8>) {
    let mut nonce = [0u8; 12];
    getrandom::getrandom(&mut nonce).expect("the OS random source works");
    let ct = Aes256Gcm::new(key.into())
        .encrypt(Nonce::from_slice(&nonce), Payload { msg, aad: ad })
        .expect("AES-GCM encryption of a bounded message cannot fail");
    (nonce, ct)
}

/// The plaintext, or `None` when the key, the binding or the ciphertext is wrong.
fn aead_open(key: &[u8; 32], nonce: &[u8], ad: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    if nonce.len() != 12 {
        return None;
    }
    Aes256Gcm::new(key.into())
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: ad })
        .ok()
}

/// Set in a mapping's key version when its value is sealed under a scope key.
pub const SCOPE_SEALED: u32 = 1 << 24;

/// A fresh scope key.
pub fn new_scope_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(key.as_mut_slice()).expect("the OS random source works");
    key
}

fn scope_key_ad(tenant: &str, scope: &ScopeHash, version: u32) -> Vec<u8> {
    let mut ad = b"veil-scope-key".to_vec();
    ad.extend((tenant.len() as u32).to_be_bytes());
    ad.extend(tenant.as_bytes());
    ad.extend(scope);
    ad.extend(version.to_be_bytes());
    ad
}

/// A scope key as its key record holds it: the wrapping version (4 bytes), a nonce, and the
/// key encrypted under the tenant's encrypt key of that version, bound to tenant and scope.
pub fn wrap_scope_key(
    keys: &TenantKeys,
    tenant: &str,
    scope: &ScopeHash,
    key: &[u8; 32],
) -> Vec<u8> {
    let (nonce, ct) = aead_seal(
        &keys.encrypt,
        &scope_key_ad(tenant, scope, keys.version),
        key,
    );
    let mut blob = keys.version.to_be_bytes().to_vec();
    blob.extend(nonce);
    blob.extend(ct);
    blob
}

/// The version a wrapped scope key names (to find the tenant keys that unwrap it).
pub fn scope_key_version(blob: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(blob.get(..4)?.try_into().ok()?))
}

/// Unwraps a scope key with the tenant keys of its version; `None` if anything is wrong.
pub fn unwrap_scope_key(
    keys: &TenantKeys,
    tenant: &str,
    scope: &ScopeHash,
    blob: &[u8],
) -> Option<Zeroizing<[u8; 32]>> {
    if scope_key_version(blob)? != keys.version || blob.len() < 16 {
        return None;
    }
    let ad = scope_key_ad(tenant, scope, keys.version);
    let plain = Zeroizing::new(aead_open(&keys.encrypt, &blob[4..16], &ad, &blob[16..])?);
    let key: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(Zeroizing::new(key))
}

/// The key a scope's values are encrypted under: the tenant's (of one version) and the
/// scope's together.
fn scope_value_key(keys: &TenantKeys, scope_key: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(hmac(&keys.encrypt, &[b"veil-scope-value", scope_key]))
}

/// Encrypts a value under its scope's key and the tenant's: (nonce, scope hash ‖ ciphertext
/// with tag), for a mapping whose key version is `keys.version | SCOPE_SEALED`.
pub fn seal_in_scope(
    keys: &TenantKeys,
    scope_key: &[u8; 32],
    scope: &ScopeHash,
    tenant: &str,
    entity: &str,
    token: &str,
    value: &str,
) -> ([u8; 12], Vec<u8>) {
    let ad = associated_data(tenant, entity, token, keys.version | SCOPE_SEALED);
    let (nonce, ct) = aead_seal(&scope_value_key(keys, scope_key), &ad, value.as_bytes());
    let mut out = scope.to_vec();
    out.extend(ct);
    (nonce, out)
}

/// The scope whose key sealed a value, from its stored ciphertext.
pub fn sealing_scope(ciphertext: &[u8]) -> Option<ScopeHash> {
    ciphertext.get(..16)?.try_into().ok()
}

/// Decrypts a value sealed by `seal_in_scope` (`keys` of the version it names); `None` when
/// anything is wrong.
pub fn open_in_scope(
    keys: &TenantKeys,
    scope_key: &[u8; 32],
    tenant: &str,
    entity: &str,
    token: &str,
    nonce: &[u8; 12],
    ciphertext: &[u8],
) -> Option<String> {
    let ad = associated_data(tenant, entity, token, keys.version | SCOPE_SEALED);
    let key = scope_value_key(keys, scope_key);
    let plain = aead_open(&key, nonce, &ad, ciphertext.get(16..)?)?;
    String::from_utf8(plain).ok()
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
    let ad = associated_data(tenant, entity, token, keys.version);
    aead_seal(&keys.encrypt, &ad, value.as_bytes())
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
    let ad = associated_data(tenant, entity, token, keys.version);
    let plain = aead_open(&keys.encrypt, nonce, &ad, ciphertext)?;
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
    fn scope_keys_are_bound_to_tenant_and_scope_and_seal_their_values() {
        let master = keys();
        let k = master.active("acme");
        let (s1, s2) = (scope_hash(&k, "user-1"), scope_hash(&k, "user-2"));
        let key = new_scope_key();
        let blob = wrap_scope_key(&k, "acme", &s1, &key);
        assert_eq!(scope_key_version(&blob), Some(k.version));
        assert!(!blob.windows(8).any(|w| w == &key[..8]));
        let unwrapped = unwrap_scope_key(&k, "acme", &s1, &blob).unwrap();
        assert_eq!(*unwrapped, *key);
        assert!(
            unwrap_scope_key(&k, "acme", &s2, &blob).is_none(),
            "another scope"
        );
        assert!(unwrap_scope_key(&master.active("globex"), "globex", &s1, &blob).is_none());

        let token = "Person_AB12";
        let (nonce, ct) = seal_in_scope(&k, &key, &s1, "acme", "PERSON", token, "Jane Roe");
        assert_eq!(sealing_scope(&ct), Some(s1));
        let open = |keys: &TenantKeys, key: &[u8; 32], token: &str| {
            open_in_scope(keys, key, "acme", "PERSON", token, &nonce, &ct)
        };
        assert_eq!(open(&k, &key, token).as_deref(), Some("Jane Roe"));
        assert_eq!(
            open(&k, &new_scope_key(), token),
            None,
            "another scope's key"
        );
        assert_eq!(
            open(&k, &key, "Person_ZZ99"),
            None,
            "moved to another token"
        );
        let other_master = keys();
        assert_eq!(
            open(&other_master.active("acme"), &key, token),
            None,
            "the scope key alone does not open it"
        );
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
