//! Overlap resolution: one span of text gets at most one label.
//!
//! Deterministic and privacy-first: the longer match wins (it hides more), then the validated
//! one, then the higher score, then the fixed kind order of `entity::BUILTIN`, then the earlier
//! start. So a card number is never also reported as a phone number inside it, and the same
//! input always yields the same spans.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::engine::Detection;

pub(crate) fn resolve(mut found: Vec<(Detection, bool)>) -> Vec<Detection> {
    found.sort_by(|(a, av), (b, bv)| {
        b.len()
            .cmp(&a.len())
            .then(bv.cmp(av))
            .then(b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal))
            .then(a.entity.rank().cmp(&b.entity.rank()))
            .then(a.entity.as_str().cmp(b.entity.as_str()))
            .then(a.start.cmp(&b.start))
    });
    // Accepted spans keyed by start; spans never overlap, so checking the nearest neighbour on
    // each side is enough.
    let mut taken: BTreeMap<usize, Detection> = BTreeMap::new();
    for (d, _) in found {
        let clashes_before = taken
            .range(..=d.start)
            .next_back()
            .is_some_and(|(_, prev)| prev.end > d.start);
        let clashes_after = taken
            .range(d.start..)
            .next()
            .is_some_and(|(&s, _)| s < d.end);
        if !clashes_before && !clashes_after {
            taken.insert(d.start, d);
        }
    }
    taken.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Entity;

    fn d(start: usize, end: usize, entity: Entity, score: f32) -> Detection {
        Detection {
            start,
            end,
            entity,
            score,
        }
    }

    #[test]
    fn longer_wins_and_output_is_ordered() {
        let out = resolve(vec![
            (d(4, 14, Entity::PhoneNumber, 0.9), true),
            (d(0, 19, Entity::CreditCard, 0.6), true),
            (d(30, 40, Entity::UsSsn, 0.7), true),
        ]);
        assert_eq!(
            out,
            vec![
                d(0, 19, Entity::CreditCard, 0.6),
                d(30, 40, Entity::UsSsn, 0.7)
            ]
        );
    }

    #[test]
    fn equal_length_prefers_validated_then_score_then_rank() {
        let out = resolve(vec![
            (d(0, 10, Entity::PhoneNumber, 0.9), false),
            (d(0, 10, Entity::UkNhs, 0.5), true),
        ]);
        assert_eq!(out[0].entity, Entity::UkNhs);
        let out = resolve(vec![
            (d(0, 10, Entity::PhoneNumber, 0.5), true),
            (d(0, 10, Entity::UsSsn, 0.5), true),
        ]);
        assert_eq!(out[0].entity, Entity::UsSsn);
    }

    #[test]
    fn adjacent_spans_both_survive() {
        let out = resolve(vec![
            (d(0, 5, Entity::UsSsn, 0.7), true),
            (d(5, 9, Entity::UsSsn, 0.7), true),
        ]);
        assert_eq!(out.len(), 2);
    }
}
