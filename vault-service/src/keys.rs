//! Key material: the versioned master keys, and the per-tenant keys derived from them.
//!
//! Each tenant gets four 256-bit keys per master-key version, derived with HKDF-SHA-256
//! (salt `veil-vault/v1`, info `tenant:<tenant>:<purpose>`), so tenants share nothing and a
//! leaked tenant key exposes only that tenant:
//! - `encrypt`: AES-256-GCM over values at rest;
//! - `index`:   HMAC-SHA-256 lookup key of (type, value), the deterministic index;
//! - `token`:   HMAC-SHA-256 seed a token is minted from;
//! - `scope`:   HMAC-SHA-256 of scope names, which are stored only hashed.
//!
//! Rotation: a new master-key version becomes active for new writes (values are encrypted
//! under it); old versions stay configured so old values still decrypt. Lookup keys (index,
//! token, scope) come from the oldest configured version, so a value keeps its token across
//! rotations; retiring that version is a re-keying that changes every token. All key bytes
//! are zeroized on drop.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{ZeroizeOnDrop, Zeroizing};

/// A tenant's derived keys under one master-key version.
#[derive(ZeroizeOnDrop)]
pub struct TenantKeys {
    pub version: u32,
    pub encrypt: [u8; 32],
    pub index: [u8; 32],
    pub token: [u8; 32],
    pub scope: [u8; 32],
}

/// The master keys by version, and which version new writes use.
pub struct MasterKeys {
    active: u32,
    keys: BTreeMap<u32, Zeroizing<[u8; 32]>>,
    /// Derived keys by (tenant, version): HKDF is cheap, but not free on every entity.
    cache: RwLock<HashMap<(String, u32), Arc<TenantKeys>>>,
}

/// The master-key file: `{"active": 2, "keys": {"1": "<base64 of 32 bytes>", "2": "..."}}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterKeyFile {
    pub active: u32,
    pub keys: BTreeMap<u32, String>,
}

impl Drop for MasterKeyFile {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.keys.values_mut().for_each(Zeroize::zeroize);
    }
}

/// More cached tenants than this and the cache starts over (dev mode accepts any tenant).
const CACHE_LIMIT: usize = 10_000;

impl MasterKeys {
    /// Parses and checks the master-key file; errors name the field and never echo key bytes.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: MasterKeyFile = serde_json::from_str(text)
            .map_err(|e| format!("master key file: {}", redact_serde(&e)))?;
        let mut keys = BTreeMap::new();
        for (version, b64) in &file.keys {
            let bytes = Zeroizing::new(
                B64.decode(b64.trim())
                    .map_err(|_| format!("master key file: keys.{version}: not valid base64"))?,
            );
            let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                format!(
                    "master key file: keys.{version}: must be 32 bytes, is {}",
                    bytes.len()
                )
            })?;
            keys.insert(*version, Zeroizing::new(key));
        }
        if !keys.contains_key(&file.active) {
            return Err(format!(
                "master key file: active: version {} is not in keys",
                file.active
            ));
        }
        Ok(MasterKeys {
            active: file.active,
            keys,
            cache: RwLock::default(),
        })
    }

    /// A fresh single-version key file (dev mode writes it once into its data directory).
    pub fn generate_file() -> Zeroizing<String> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(key.as_mut_slice()).expect("the OS random source works");
        let file = MasterKeyFile {
            active: 1,
            keys: BTreeMap::from([(1, B64.encode(key.as_slice()))]),
        };
        Zeroizing::new(serde_json::to_string_pretty(&file).expect("serializes"))
    }

    pub fn active_version(&self) -> u32 {
        self.active
    }

    /// The tenant's keys under `version`, if that version is configured.
    pub fn tenant(&self, tenant: &str, version: u32) -> Option<Arc<TenantKeys>> {
        let cache_key = (tenant.to_string(), version);
        if let Some(k) = self.cache.read().expect("not poisoned").get(&cache_key) {
            return Some(k.clone());
        }
        let master = self.keys.get(&version)?;
        let hk = Hkdf::<Sha256>::new(Some(b"veil-vault/v1"), master.as_slice());
        let derive = |purpose: &str| {
            let mut out = [0u8; 32];
            hk.expand(format!("tenant:{tenant}:{purpose}").as_bytes(), &mut out)
                .expect("32 bytes is a valid HKDF-SHA-256 length");
            out
        };
        let keys = Arc::new(TenantKeys {
            version,
            encrypt: derive("encrypt"),
            index: derive("index"),
            token: derive("token"),
            scope: derive("scope"),
        });
        let mut cache = self.cache.write().expect("not poisoned");
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(cache_key, keys.clone());
        Some(keys)
    }

    /// The tenant's keys for lookups: index keys, token seeds and scope hashes. These come
    /// from the oldest configured version, so rotating the master key changes how values are
    /// encrypted but not how they are found: a value keeps its token across a rotation.
    pub fn lookup(&self, tenant: &str) -> Arc<TenantKeys> {
        let oldest = *self
            .keys
            .keys()
            .next()
            .expect("at least the active version");
        self.tenant(tenant, oldest).expect("configured")
    }

    /// The tenant's keys under the active version.
    pub fn active(&self, tenant: &str) -> Arc<TenantKeys> {
        self.tenant(tenant, self.active)
            .expect("the active version is always configured")
    }
}

/// serde_json errors quote input fragments; keep only the position and the kind of error.
fn redact_serde(e: &serde_json::Error) -> String {
    format!(
        "invalid at line {} column {} ({:?})",
        e.line(),
        e.column(),
        e.classify()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_and_versions_get_different_keys() {
        let file = r#"{"active": 2, "keys": {"1": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "2": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="}}"#;
        let keys = MasterKeys::from_json(file).unwrap();
        assert_eq!(keys.active_version(), 2);
        assert_eq!(keys.lookup("acme").version, 1);
        let a1 = keys.tenant("acme", 1).unwrap();
        let a2 = keys.active("acme");
        let b2 = keys.active("globex");
        assert_ne!(a1.encrypt, a2.encrypt);
        assert_ne!(a2.encrypt, b2.encrypt);
        assert_ne!(a2.encrypt, a2.index);
        assert!(keys.tenant("acme", 3).is_none());
    }

    #[test]
    fn bad_files_name_the_field_without_echoing_keys() {
        let short = r#"{"active": 1, "keys": {"1": "c2VjcmV0"}}"#;
        let err = MasterKeys::from_json(short).err().unwrap();
        assert!(err.contains("keys.1") && err.contains("32 bytes"), "{err}");
        assert!(!err.contains("c2VjcmV0"));
        let inactive =
            r#"{"active": 3, "keys": {"1": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}"#;
        assert!(MasterKeys::from_json(inactive)
            .err()
            .unwrap()
            .contains("active"));
        let generated = MasterKeys::generate_file();
        assert!(MasterKeys::from_json(&generated).is_ok());
    }
}
