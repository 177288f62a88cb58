//! Overlap resolution: one span of text gets at most one label.
//!
//! Deterministic and privacy-first: the longer match wins (it hides more), then the validated
//! one, then the higher score, then the fixed kind order of `entity::BUILTIN`, then the earlier
//! start. So a card number is never also reported as a phone number inside it, and the same
//! input always yields the same spans.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::engine::Detection;

/// A span competing for its text.
#[derive(Debug, Clone)]
pub(crate) struct Contender {
    pub detection: Detection,
    /// Whether the value passed its validator: breaks ties between equally long spans.
    pub validated: bool,
    /// Whether it counts only with a context word near, not yet looked up (see `resolve`).
    pub needs_context: bool,
}

/// The non-overlapping winners, ordered by start. `has_context` is asked only about a
/// contender that `needs_context` and would otherwise take its place: most such contenders
/// (the phone-shaped digits inside a card number, the card-shaped digits inside an IBAN) lose
/// to a longer match first, and looking up their context words was an eighth of tier 1 on
/// chat text. Skipping a loser changes nothing: a contender without context is dropped, and a
/// dropped contender takes no place from any other.
pub(crate) fn resolve(
    found: Vec<Contender>,
    mut has_context: impl FnMut(&Detection) -> bool,
) -> Vec<Detection> {
    // Each contender's rank is computed once, not in every comparison.
    let mut ranked: Vec<(usize, Contender)> = found
        .into_iter()
        .map(|c| (c.detection.entity.rank(), c))
        .collect();
    ranked.sort_unstable_by(|(ar, a), (br, b)| {
        let (ad, bd) = (&a.detection, &b.detection);
        bd.len()
            .cmp(&ad.len())
            .then(b.validated.cmp(&a.validated))
            .then(bd.score.partial_cmp(&ad.score).unwrap_or(Ordering::Equal))
            .then(ar.cmp(br))
            .then_with(|| ad.entity.as_str().cmp(bd.entity.as_str()))
            .then(ad.start.cmp(&bd.start))
    });
    // Accepted spans keyed by start; spans never overlap, so checking the nearest neighbour on
    // each side is enough. (A tree, not a sorted vector: a megabyte of text has thousands of
    // spans, and inserting into the middle of a vector made this quadratic.)
    let mut taken: BTreeMap<usize, Detection> = BTreeMap::new();
    for (_, c) in ranked {
        let d = c.detection;
        let clashes_before = taken
            .range(..=d.start)
            .next_back()
            .is_some_and(|(_, prev)| prev.end > d.start);
        let clashes_after = taken
            .range(d.start..)
            .next()
            .is_some_and(|(&s, _)| s < d.end);
        if !clashes_before && !clashes_after && (!c.needs_context || has_context(&d)) {
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

    fn resolve(found: Vec<(Detection, bool)>) -> Vec<Detection> {
        let found = found
            .into_iter()
            .map(|(detection, validated)| Contender {
                detection,
                validated,
                needs_context: false,
            })
            .collect();
        super::resolve(found, |_| unreachable!("no contender needs context"))
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
    fn context_is_asked_only_of_contenders_that_would_win() {
        let contender = |start, end, entity, needs_context| Contender {
            detection: d(start, end, entity, 0.9),
            validated: true,
            needs_context,
        };
        let found = vec![
            // Inside the card: loses before its context matters.
            contender(0, 14, Entity::PhoneNumber, true),
            contender(0, 19, Entity::CreditCard, false),
            // Alone: kept with context, dropped without.
            contender(30, 40, Entity::UsSsn, true),
            contender(50, 60, Entity::UsSsn, true),
        ];
        let mut asked = Vec::new();
        let out = super::resolve(found, |d| {
            asked.push(d.start);
            d.start == 30
        });
        assert_eq!(asked, vec![30, 50]);
        let kept: Vec<usize> = out.iter().map(|d| d.start).collect();
        assert_eq!(kept, vec![0, 30]);
        assert_eq!(out[0].entity, Entity::CreditCard);
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
