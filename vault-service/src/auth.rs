//! Callers and what they may do. Each API key belongs to one tenant and has one role; a role
//! is a set of rights (tokenize, rehydrate, erase, and the masking API's mask and unmask) and the kinds it may unmask whatever the
//! scope. The filter's role, `filter`, tokenizes and rehydrates and nothing else: a gateway's
//! key cannot erase and cannot read another scope's values.
//!
//! API keys are configured as SHA-256 hashes (keys are long random strings, so a fast hash is
//! enough; nothing in the config or memory can be replayed) and compared in constant time
//! against every configured hash, so timing reveals neither whether nor which key matched.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// An operation a role may be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Right {
    Tokenize,
    Rehydrate,
    Erase,
    /// `/v1/mask`: detect and tokenize in the vault.
    Mask,
    /// `/v1/unmask`: find tokens and put back the values the scope (or role) may see.
    Unmask,
}

impl Right {
    /// Every right: dev mode's administrator has them all.
    pub const ALL: [Right; 5] = [
        Right::Tokenize,
        Right::Rehydrate,
        Right::Erase,
        Right::Mask,
        Right::Unmask,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Right::Tokenize => "tokenize",
            Right::Rehydrate => "rehydrate",
            Right::Erase => "erase",
            Right::Mask => "mask",
            Right::Unmask => "unmask",
        }
    }
}

/// The built-in role of a gateway's key.
pub const FILTER_ROLE: &str = "filter";

/// What a role may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub rights: BTreeSet<Right>,
    /// Kinds this role may rehydrate whatever the scope that sent them.
    pub unmask: BTreeSet<String>,
}

impl Role {
    /// The gateway's role: tokenize and rehydrate, within the request's own scope.
    pub fn filter() -> Role {
        Role {
            name: FILTER_ROLE.into(),
            rights: [Right::Tokenize, Right::Rehydrate].into(),
            unmask: BTreeSet::new(),
        }
    }

    pub fn may(&self, right: Right) -> bool {
        self.rights.contains(&right)
    }
}

/// Who a valid key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The tenant the key is for; `None` only for dev-mode keys, valid for any tenant.
    pub tenant: Option<String>,
    pub role: Role,
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
                role: Role::filter(),
            },
        );
        keys.add_key(
            "k-dev",
            Principal {
                tenant: None,
                role: Role::filter(),
            },
        );
        let p = keys.authenticate("k-acme").unwrap();
        assert!(p.may_act_for("acme") && !p.may_act_for("globex"));
        assert!(p.role.may(Right::Tokenize) && p.role.may(Right::Rehydrate));
        assert!(!p.role.may(Right::Erase), "a gateway's key cannot erase");
        assert!(keys.authenticate("k-dev").unwrap().may_act_for("globex"));
        assert!(keys.authenticate("k-acm").is_none());
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
