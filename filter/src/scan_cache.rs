//! What this VM found in long fields it has scanned before. Chat and agent APIs resend the
//! whole conversation with every turn, so without this each turn would scan every earlier
//! turn again: the work of a conversation would grow with the square of its length, and a
//! 32 KB request that is 31 KB of history would cost a 32 KB scan. Detection is a pure
//! function of a field's text and the engine, and a VM builds one engine per configuration
//! (a new configuration starts a new cache), so a field seen before is answered from here
//! and only new text is scanned.
//!
//! No text is kept: an entry is keyed by a 128-bit SipHash-2-4 of (tenant, scope, field)
//! under a random per-VM key and holds only offsets, kinds and scores. SipHash-2-4 is a keyed
//! PRF, so no one who lacks the key can write a text that collides with one scanned before
//! and inherit its (empty) findings; it is used rather than the token cache's SHA-256
//! because a field can be tens of kilobytes, and SHA-256 in the wasm would cost a large share
//! of the tier-1 scan it saves. Tenant and scope are in the key because a hit answers faster:
//! otherwise a caller could time requests to learn whether another user had sent a text.
//!
//! A field is kept only when it was read completely: if the classifier's allowance for the
//! request ran out inside it, its findings are partial, and it is scanned again next time.

use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher24};
use veil_core::detect::{Detection, Tier2Budget};

/// Shorter fields (roles, model names, short tool arguments) cost little to scan and would
/// only crowd the cache.
pub const MIN_FIELD_BYTES: usize = 256;
/// Fields remembered; the least recently used goes first.
const MAX_FIELDS: usize = 4096;
/// Detections held across all fields (about 32 bytes each), so a few number-dense fields
/// cannot grow a VM's memory without bound.
const MAX_DETECTIONS: usize = 65_536;

pub struct ScanCache {
    /// `None`: off (no randomness for the key).
    key: Option<(u64, u64)>,
    /// Findings, and when they were last used.
    entries: HashMap<u128, (Vec<Detection>, u64)>,
    /// Uses in order, for eviction: an entry used again appears again, and its earlier
    /// positions are skipped when they come up.
    order: VecDeque<(u128, u64)>,
    uses: u64,
    /// Detections held in `entries`.
    held: usize,
}

/// The cache as one requester sees it: only the entries its tenant and scope made.
pub struct Scoped<'a> {
    cache: &'a mut ScanCache,
    tenant: &'a str,
    scope: Option<&'a str>,
}

impl ScanCache {
    /// `key: None` turns the cache off: every field is scanned.
    pub fn new(key: Option<[u8; 16]>) -> Self {
        ScanCache {
            key: key.map(|k| {
                let (a, b) = k.split_at(8);
                (
                    u64::from_le_bytes(a.try_into().expect("8 bytes")),
                    u64::from_le_bytes(b.try_into().expect("8 bytes")),
                )
            }),
            entries: HashMap::new(),
            order: VecDeque::new(),
            uses: 0,
            held: 0,
        }
    }

    pub fn scoped<'a>(&'a mut self, tenant: &'a str, scope: Option<&'a str>) -> Scoped<'a> {
        Scoped {
            cache: self,
            tenant,
            scope,
        }
    }

    /// Marks `hash` as just used, then evicts what the bounds require.
    fn touch(&mut self, hash: u128) {
        self.uses += 1;
        if let Some(entry) = self.entries.get_mut(&hash) {
            entry.1 = self.uses;
        }
        self.order.push_back((hash, self.uses));
        let live = |entries: &HashMap<u128, (Vec<Detection>, u64)>, (hash, at): &(u128, u64)| {
            entries.get(hash).is_some_and(|(_, last)| last == at)
        };
        while self.entries.len() > MAX_FIELDS || self.held > MAX_DETECTIONS {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            // Only an entry's latest position evicts it; earlier ones are stale.
            if live(&self.entries, &oldest) {
                if let Some((gone, _)) = self.entries.remove(&oldest.0) {
                    self.held -= gone.len();
                }
            }
        }
        // Hits alone add positions: drop the stale ones once they are half the queue.
        if self.order.len() > 2 * MAX_FIELDS {
            let entries = &self.entries;
            self.order.retain(|p| live(entries, p));
        }
    }

    fn insert(&mut self, hash: u128, found: Vec<Detection>) {
        if found.len() > MAX_DETECTIONS {
            return;
        }
        self.held += found.len();
        self.entries.insert(hash, (found, 0));
        self.touch(hash);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

impl Scoped<'_> {
    /// The findings in `text`: remembered, or from `scan` (then remembered if it read the
    /// whole text). True when they were remembered.
    pub fn detect(
        &mut self,
        text: &str,
        budget: &mut Tier2Budget,
        scan: impl FnOnce(&str, &mut Tier2Budget) -> Vec<Detection>,
    ) -> (Vec<Detection>, bool) {
        let Some(key) = self.cache.key.filter(|_| text.len() >= MIN_FIELD_BYTES) else {
            return (scan(text, budget), false);
        };
        let hash = {
            let mut h = SipHasher24::new_with_keys(key.0, key.1);
            // Lengths first (0 for no scope), so no two triples share an encoding.
            for part in [Some(self.tenant), self.scope, Some(text)] {
                h.write_u64(part.map_or(0, |p| p.len() as u64 + 1));
                h.write(part.unwrap_or_default().as_bytes());
            }
            h.finish128().as_u128()
        };
        let cache = &mut *self.cache;
        if let Some((found, _)) = cache.entries.get(&hash) {
            let found = found.clone();
            cache.touch(hash);
            return (found, true);
        }
        let skipped_before = budget.bytes_skipped;
        let found = scan(text, budget);
        if budget.bytes_skipped == skipped_before {
            cache.insert(hash, found.clone());
        }
        (found, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veil_core::Engine;

    fn long(n: usize) -> String {
        let line = "Please write to jane.doe@corp-mail.com about the invoice. ";
        line.repeat(n.div_ceil(line.len()))
    }

    /// Looks `text` up for tenant `t`, scope `u1`: true if remembered. A miss records no findings.
    fn hit(cache: &mut ScanCache, text: &str) -> bool {
        let mut budget = Tier2Budget::unlimited();
        cache
            .scoped("t", Some("u1"))
            .detect(text, &mut budget, |_, _| Vec::new())
            .1
    }

    #[test]
    fn a_field_seen_before_gets_the_same_findings_without_a_scan() {
        let engine = Engine::default();
        let mut cache = ScanCache::new(Some([3; 16]));
        let mut mine = cache.scoped("acme", Some("u1"));
        let text = long(1000);
        let fresh = engine.detect(&text);
        assert!(!fresh.is_empty());
        let mut budget = Tier2Budget::unlimited();
        let (first, hit) = mine.detect(&text, &mut budget, |t, b| engine.detect_budgeted(t, b));
        assert_eq!((first, hit), (fresh.clone(), false));
        let (again, hit) = mine.detect(&text, &mut budget, |_, _| panic!("scanned again"));
        assert_eq!((again, hit), (fresh, true));
        let other = format!("{text}x");
        let (_, hit) = mine.detect(&other, &mut budget, |t, b| engine.detect_budgeted(t, b));
        assert!(!hit, "one byte more is another text");
    }

    #[test]
    fn another_tenant_or_scope_never_hits_what_one_scope_sent() {
        let mut cache = ScanCache::new(Some([3; 16]));
        let text = long(1000);
        let mut budget = Tier2Budget::unlimited();
        let mut look = |tenant: &str, scope: Option<&str>| {
            cache
                .scoped(tenant, scope)
                .detect(&text, &mut budget, |_, _| Vec::new())
                .1
        };
        assert!(!look("acme", Some("u1")));
        assert!(look("acme", Some("u1")));
        assert!(!look("acme", Some("u2")));
        assert!(!look("acme", None));
        assert!(!look("acme", Some("")), "no scope is not the empty scope");
        assert!(!look("globex", Some("u1")));
        assert!(!look("acmeu", Some("1")), "parts cannot run together");
    }

    #[test]
    fn short_fields_and_a_cache_without_a_key_always_scan() {
        let mut budget = Tier2Budget::unlimited();
        let mut scans = 0;
        let mut cache = ScanCache::new(Some([3; 16]));
        let short = long(MIN_FIELD_BYTES - 1);
        let short = &short[..MIN_FIELD_BYTES - 1];
        for _ in 0..2 {
            cache.scoped("t", None).detect(short, &mut budget, |_, _| {
                scans += 1;
                Vec::new()
            });
        }
        let mut off = ScanCache::new(None);
        for _ in 0..2 {
            off.scoped("t", None)
                .detect(&long(1000), &mut budget, |_, _| {
                    scans += 1;
                    Vec::new()
                });
        }
        assert_eq!(scans, 4);
        assert_eq!(cache.len() + off.len(), 0);
    }

    #[test]
    fn a_field_the_classifier_did_not_finish_is_scanned_again() {
        let mut cache = ScanCache::new(Some([3; 16]));
        let text = long(1000);
        let mut budget = Tier2Budget::new(10);
        let (_, hit) = cache.scoped("t", None).detect(&text, &mut budget, |t, b| {
            b.skip(t.len());
            Vec::new()
        });
        assert!(!hit);
        let mut scanned = false;
        cache.scoped("t", None).detect(&text, &mut budget, |_, _| {
            scanned = true;
            Vec::new()
        });
        assert!(scanned, "a partial reading was not remembered");
    }

    #[test]
    fn the_same_text_under_another_key_is_another_entry() {
        let text = long(1000);
        let (mut a, mut b) = (ScanCache::new(Some([1; 16])), ScanCache::new(Some([2; 16])));
        hit(&mut a, &text);
        hit(&mut b, &text);
        assert_ne!(a.entries.keys().next(), b.entries.keys().next());
    }

    #[test]
    fn the_least_recently_used_field_goes_first() {
        let mut cache = ScanCache::new(Some([3; 16]));
        let base = long(MIN_FIELD_BYTES);
        let field = |i: usize| format!("{base}{i}");
        hit(&mut cache, &field(0));
        for i in 1..MAX_FIELDS + 10 {
            hit(&mut cache, &field(i));
            // Field 0 is a conversation's history, resent with every turn.
            assert!(hit(&mut cache, &field(0)), "used every time, kept");
        }
        assert_eq!(cache.len(), MAX_FIELDS);
        assert!(cache.order.len() <= 2 * MAX_FIELDS);
        assert!(!hit(&mut cache, &field(1)), "unused since, gone");
        assert!(hit(&mut cache, &field(MAX_FIELDS + 9)));
        for _ in 0..3 * MAX_FIELDS {
            assert!(hit(&mut cache, &field(0)));
        }
        assert!(
            cache.order.len() <= 2 * MAX_FIELDS,
            "hits alone stay bounded"
        );
        assert_eq!(cache.len(), MAX_FIELDS, "and evict nothing");
    }

    #[test]
    fn detections_held_stay_bounded() {
        let mut budget = Tier2Budget::unlimited();
        let mut cache = ScanCache::new(Some([3; 16]));
        let base = long(MIN_FIELD_BYTES);
        let one = Detection {
            start: 0,
            end: 1,
            entity: veil_kinds::Entity::EmailAddress,
            score: 1.0,
        };
        let mut put = |tag: &str, n: usize| {
            let found = vec![one.clone(); n];
            cache
                .scoped("t", Some("u1"))
                .detect(&format!("{base}{tag}"), &mut budget, |_, _| found)
        };
        put("a", MAX_DETECTIONS / 2 + 1);
        put("b", MAX_DETECTIONS / 2 + 1);
        put("c", MAX_DETECTIONS + 1);
        assert!(cache.held <= MAX_DETECTIONS);
        assert!(
            !hit(&mut cache, &format!("{base}a")),
            "evicted to make room"
        );
        assert!(hit(&mut cache, &format!("{base}b")));
        assert!(!hit(&mut cache, &format!("{base}c")), "too many to keep");
    }
}
