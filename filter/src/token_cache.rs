//! The tokens this VM has recently been given, so a value the vault already tokenized for the
//! same tenant and scope (a conversation's earlier turns, sent again with every request) needs
//! no callout. Tokens are deterministic per tenant, so the answer would be the same.
//!
//! No value is kept: entries are keyed by SHA-256 over a random per-VM salt and the (tenant,
//! scope, type, value) tuple, and hold only the token, which reveals nothing. Entries live
//! `ttl` (short: an erasure in the vault takes effect here within it) and the oldest go first
//! when the cache is full. Time is passed in, so this is plain, testable Rust.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

type Key = [u8; 32];

pub struct TokenCache {
    salt: [u8; 32],
    max_entries: usize,
    ttl: Duration,
    entries: HashMap<Key, (String, SystemTime)>,
    /// Keys in insertion order, for eviction (a key re-inserted appears twice; the stale
    /// position is skipped when it comes up).
    order: VecDeque<(Key, SystemTime)>,
}

impl TokenCache {
    /// `max_entries: 0` turns the cache off.
    pub fn new(salt: [u8; 32], max_entries: usize, ttl: Duration) -> Self {
        TokenCache {
            salt,
            max_entries,
            ttl,
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn key(&self, tenant: &str, scope: Option<&str>, kind: &str, value: &str) -> Key {
        let mut h = Sha256::new();
        h.update(self.salt);
        // Lengths first, so no two tuples share an encoding.
        for part in [tenant, scope.unwrap_or("\u{0}none"), kind, value] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().into()
    }

    /// The token for this value, if this VM was given it less than `ttl` ago.
    pub fn get(
        &self,
        now: SystemTime,
        tenant: &str,
        scope: Option<&str>,
        kind: &str,
        value: &str,
    ) -> Option<String> {
        let (token, at) = self.entries.get(&self.key(tenant, scope, kind, value))?;
        (now.duration_since(*at).unwrap_or_default() < self.ttl).then(|| token.clone())
    }

    pub fn insert(
        &mut self,
        now: SystemTime,
        tenant: &str,
        scope: Option<&str>,
        kind: &str,
        value: &str,
        token: &str,
    ) {
        if self.max_entries == 0 {
            return;
        }
        let key = self.key(tenant, scope, kind, value);
        self.entries.insert(key, (token.to_string(), now));
        self.order.push_back((key, now));
        while self.entries.len() > self.max_entries || self.order.len() > 2 * self.max_entries {
            let Some((old, at)) = self.order.pop_front() else {
                break;
            };
            if self.entries.get(&old).is_some_and(|(_, t)| *t == at) {
                self.entries.remove(&old);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn a_token_is_found_for_the_same_tenant_scope_kind_and_value_only() {
        let mut c = TokenCache::new([7; 32], 10, Duration::from_secs(60));
        c.insert(
            at(0),
            "acme",
            Some("u1"),
            "EMAIL_ADDRESS",
            "jane@corp.com",
            "email-x@example.com",
        );
        let get = |t, s, k, v| c.get(at(1), t, s, k, v);
        assert_eq!(
            get("acme", Some("u1"), "EMAIL_ADDRESS", "jane@corp.com").as_deref(),
            Some("email-x@example.com")
        );
        assert_eq!(
            get("acme", Some("u2"), "EMAIL_ADDRESS", "jane@corp.com"),
            None
        );
        assert_eq!(get("acme", None, "EMAIL_ADDRESS", "jane@corp.com"), None);
        assert_eq!(
            get("other", Some("u1"), "EMAIL_ADDRESS", "jane@corp.com"),
            None
        );
        assert_eq!(get("acme", Some("u1"), "PERSON", "jane@corp.com"), None);
        assert_eq!(
            get("acme", Some("u1"), "EMAIL_ADDRESS", "john@corp.com"),
            None
        );
    }

    #[test]
    fn entries_expire_and_the_oldest_go_first() {
        let mut c = TokenCache::new([7; 32], 2, Duration::from_secs(60));
        c.insert(at(0), "t", None, "K", "a", "A");
        assert_eq!(c.get(at(59), "t", None, "K", "a").as_deref(), Some("A"));
        assert_eq!(c.get(at(60), "t", None, "K", "a"), None, "expired");
        c.insert(at(1), "t", None, "K", "b", "B");
        c.insert(at(2), "t", None, "K", "a", "A2");
        c.insert(at(3), "t", None, "K", "c", "C");
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(at(4), "t", None, "K", "b"), None, "the oldest went");
        assert_eq!(c.get(at(4), "t", None, "K", "a").as_deref(), Some("A2"));
        assert_eq!(c.get(at(4), "t", None, "K", "c").as_deref(), Some("C"));
    }

    #[test]
    fn no_value_is_kept_and_zero_entries_is_off() {
        let mut c = TokenCache::new([7; 32], 10, Duration::from_secs(60));
        c.insert(at(0), "t", None, "K", "secret-value-123", "T");
        let kept: Vec<&String> = c.entries.values().map(|(t, _)| t).collect();
        assert_eq!(kept, ["T"]);
        let mut off = TokenCache::new([7; 32], 0, Duration::from_secs(60));
        off.insert(at(0), "t", None, "K", "v", "T");
        assert!(off.is_empty());
    }
}
