//! Callers and what they may do. API keys are configured as SHA-256 hashes (keys are long
//! random strings, so a fast hash is enough; nothing in the config or memory can be replayed)
//! and compared in constant time against every configured hash, so timing reveals neither
//! whether nor which key matched.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Who a valid key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The tenant the key is for; `None` only for the dev-mode key, valid for any tenant.
    pub tenant: Option<String>,
    pub role: String,
}

impl Principal {
    pub fn may_act_for(&self, tenant: &str) -> bool {
        self.tenant.as_deref().is_none_or(|t| t == tenant)
    }
}

#[derive(Default)]
pub struct ApiKeys {
    entries: Vec<([u8; 32], Principal)>,
}

impl ApiKeys {
    pub fn add_hash(&mut self, sha256: [u8; 32], principal: Principal) {
        self.entries.push((sha256, principal));
    }

    pub fn add_key(&mut self, key: &str, principal: Principal) {
        self.add_hash(Sha256::digest(key.as_bytes()).into(), principal);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The principal of a presented key. Every entry is compared, with no early exit.
    pub fn authenticate(&self, presented: &str) -> Option<&Principal> {
        let hash: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for (expected, principal) in &self.entries {
            if bool::from(expected.ct_eq(&hash)) {
                found = Some(principal);
            }
        }
        found
    }
}

/// The key in an `Authorization: Bearer <key>` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, key) = header.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_their_tenant_and_role() {
        let mut keys = ApiKeys::default();
        keys.add_key(
            "k-acme",
            Principal {
                tenant: Some("acme".into()),
                role: "filter".into(),
            },
        );
        keys.add_key(
            "k-dev",
            Principal {
                tenant: None,
                role: "dev".into(),
            },
        );
        let p = keys.authenticate("k-acme").unwrap();
        assert!(p.may_act_for("acme") && !p.may_act_for("globex"));
        assert!(keys.authenticate("k-dev").unwrap().may_act_for("globex"));
        assert!(keys.authenticate("k-acm").is_none());
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
