//! What this VM found in long fields it has scanned before. Chat and agent APIs resend the
//! whole conversation with every turn, so without this each turn would scan every earlier
//! turn again: the work of a conversation would grow with the square of its length, and a
//! 32 KB request that is 31 KB of history would cost a 32 KB scan. Detection is a pure
//! function of a field's text and the engine, and a VM builds one engine per configuration
//! (a new configuration starts a new cache), so a field seen before is answered from here
//! and only new text is scanned.
//!
//! No text is kept: an entry is keyed by a 128-bit SipHash-2-4 of the field under a random
//! per-VM key and holds only offsets, kinds and scores. SipHash-2-4 is a keyed PRF, so no one
//! who lacks the key can write a text that collides with one scanned before and inherit its
//! (empty) findings; it is used rather than the token cache's SHA-256 because a field can be
//! tens of kilobytes and SHA-256 in the wasm would cost about as much as the scan it saves.
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
/// Fields remembered; the oldest goes first.
const MAX_FIELDS: usize = 4096;
/// Detections held across all fields (about 32 bytes each), so a few number-dense fields
/// cannot grow a VM's memory without bound.
const MAX_DETECTIONS: usize = 65_536;

pub struct ScanCache {
    /// `None`: off (no randomness for the key).
    key: Option<(u64, u64)>,
    entries: HashMap<u128, Vec<Detection>>,
    order: VecDeque<u128>,
    /// Detections held in `entries`.
    held: usize,
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
            held: 0,
        }
    }

    /// The findings in `text`: remembered, or from `scan` (then remembered if it read the
    /// whole text). True when they were remembered.
    pub fn detect(
        &mut self,
        text: &str,
        budget: &mut Tier2Budget,
        scan: impl FnOnce(&str, &mut Tier2Budget) -> Vec<Detection>,
    ) -> (Vec<Detection>, bool) {
        let Some(key) = self.key.filter(|_| text.len() >= MIN_FIELD_BYTES) else {
            return (scan(text, budget), false);
        };
        let hash = {
            let mut h = SipHasher24::new_with_keys(key.0, key.1);
            h.write(text.as_bytes());
            h.finish128().as_u128()
        };
        if let Some(found) = self.entries.get(&hash) {
            return (found.clone(), true);
        }
        let skipped_before = budget.bytes_skipped;
        let found = scan(text, budget);
        if budget.bytes_skipped == skipped_before {
            self.insert(hash, found.clone());
        }
        (found, false)
    }

    fn insert(&mut self, hash: u128, found: Vec<Detection>) {
        if found.len() > MAX_DETECTIONS {
            return;
        }
        self.held += found.len();
        self.entries.insert(hash, found);
        self.order.push_back(hash);
        while self.entries.len() > MAX_FIELDS || self.held > MAX_DETECTIONS {
            let oldest = self.order.pop_front().expect("every entry is in the order");
            let gone = self
                .entries
                .remove(&oldest)
                .expect("keys are inserted once");
            self.held -= gone.len();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
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

    #[test]
    fn a_field_seen_before_gets_the_same_findings_without_a_scan() {
        let engine = Engine::default();
        let mut cache = ScanCache::new(Some([3; 16]));
        let text = long(1000);
        let fresh = engine.detect(&text);
        assert!(!fresh.is_empty());
        let mut budget = Tier2Budget::unlimited();
        let (first, hit) = cache.detect(&text, &mut budget, |t, b| engine.detect_budgeted(t, b));
        assert_eq!((first, hit), (fresh.clone(), false));
        let (again, hit) = cache.detect(&text, &mut budget, |_, _| panic!("scanned again"));
        assert_eq!((again, hit), (fresh, true));
        let other = format!("{text}x");
        let (_, hit) = cache.detect(&other, &mut budget, |t, b| engine.detect_budgeted(t, b));
        assert!(!hit, "one byte more is another text");
    }

    #[test]
    fn short_fields_and_a_cache_without_a_key_always_scan() {
        let mut budget = Tier2Budget::unlimited();
        let mut scans = 0;
        let mut cache = ScanCache::new(Some([3; 16]));
        let short = long(MIN_FIELD_BYTES - 1);
        let short = &short[..MIN_FIELD_BYTES - 1];
        for _ in 0..2 {
            cache.detect(short, &mut budget, |_, _| {
                scans += 1;
                Vec::new()
            });
        }
        let mut off = ScanCache::new(None);
        for _ in 0..2 {
            off.detect(&long(1000), &mut budget, |_, _| {
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
        let (_, hit) = cache.detect(&text, &mut budget, |t, b| {
            b.skip(t.len());
            Vec::new()
        });
        assert!(!hit);
        let mut scanned = false;
        cache.detect(&text, &mut budget, |_, _| {
            scanned = true;
            Vec::new()
        });
        assert!(scanned, "a partial reading was not remembered");
    }

    #[test]
    fn the_same_text_under_another_key_is_another_entry() {
        let text = long(1000);
        let mut budget = Tier2Budget::unlimited();
        let mut a = ScanCache::new(Some([1; 16]));
        let mut b = ScanCache::new(Some([2; 16]));
        a.detect(&text, &mut budget, |_, _| Vec::new());
        b.detect(&text, &mut budget, |_, _| Vec::new());
        assert_ne!(a.entries.keys().next(), b.entries.keys().next());
    }

    #[test]
    fn the_oldest_fields_go_first_within_both_bounds() {
        let mut budget = Tier2Budget::unlimited();
        let mut cache = ScanCache::new(Some([3; 16]));
        let base = long(MIN_FIELD_BYTES);
        let one = |i: usize| Detection {
            start: 0,
            end: 1,
            entity: veil_core::Entity::EmailAddress,
            score: i as f32,
        };
        for i in 0..MAX_FIELDS + 10 {
            cache.detect(&format!("{base}{i}"), &mut budget, |_, _| vec![one(i)]);
        }
        assert_eq!(cache.len(), MAX_FIELDS);
        let (_, hit) = cache.detect(&format!("{base}0"), &mut budget, |_, _| Vec::new());
        assert!(!hit, "the first went");
        let newest = format!("{base}{}", MAX_FIELDS + 9);
        assert!(cache.detect(&newest, &mut budget, |_, _| panic!()).1);

        let dense = |tag: &str| format!("{base}{tag}");
        let many = vec![one(0); MAX_DETECTIONS / 2 + 1];
        cache.detect(&dense("a"), &mut budget, |_, _| many.clone());
        cache.detect(&dense("b"), &mut budget, |_, _| many.clone());
        assert!(cache.held <= MAX_DETECTIONS);
        assert!(!cache.detect(&dense("a"), &mut budget, |_, _| Vec::new()).1);
        assert!(cache.detect(&dense("b"), &mut budget, |_, _| panic!()).1);
        let too_many = vec![one(0); MAX_DETECTIONS + 1];
        cache.detect(&dense("c"), &mut budget, |_, _| too_many.clone());
        assert!(!cache.detect(&dense("c"), &mut budget, |_, _| Vec::new()).1);
    }
}
