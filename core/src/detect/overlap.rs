//! Overlap resolution: one span of text gets at most one label.
//!
//! Deterministic and privacy-first: the longer match wins (it hides more), then the validated
//! one, then the higher score, then the fixed kind order of the kinds table (`veil_kinds::kind`), then the earlier
//! start. So a card number is never also reported as a phone number inside it, and the same
//! input always yields the same spans.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::detection::{Contender, Detection};

/// The non-overlapping winners, ordered by start. `has_context` is asked only about a
/// contender that `needs_context` and would otherwise take its place: most such contenders
/// (the phone-shaped digits inside a card number, the card-shaped digits inside an IBAN) lose
/// to a longer match first, and looking up their context words was an eighth of tier 1 on
/// chat text. Skipping a loser changes nothing: a contender without context is dropped, and a
/// dropped contender takes no place from any other.
///
/// Contenders are resolved in clusters: runs of spans that overlap one another, found in one
/// sweep by start. A span can only take or lose its place to spans of its own cluster, so
/// ranking each cluster alone gives what ranking all of them together would, and most
/// clusters hold one span. (Ranking everything at once, with the accepted spans in a tree,
/// was a fifth of tier 1 on number-dense text.)
pub(crate) fn resolve(
    mut found: Vec<Contender>,
    mut has_context: impl FnMut(&Detection) -> bool,
) -> Vec<Detection> {
    debug_assert!(found.iter().all(|c| !c.detection.is_empty()));
    found.sort_unstable_by_key(|c| (c.detection.start, c.detection.end));
    let mut winners = Vec::with_capacity(found.len());
    let mut cluster: Vec<(usize, Contender)> = Vec::new();
    let mut cluster_end = 0;
    for c in found {
        if c.detection.start >= cluster_end {
            resolve_cluster(&mut cluster, &mut has_context, &mut winners);
        }
        cluster_end = cluster_end.max(c.detection.end);
        cluster.push((c.detection.entity.rank(), c));
    }
    resolve_cluster(&mut cluster, &mut has_context, &mut winners);
    winners
}

/// Clusters up to this size check clashes by scanning their winners.
const SMALL_CLUSTER: usize = 16;

/// Resolves one cluster (emptying it) and appends its winners, ordered by start.
fn resolve_cluster(
    cluster: &mut Vec<(usize, Contender)>,
    has_context: &mut impl FnMut(&Detection) -> bool,
    winners: &mut Vec<Detection>,
) {
    // Each contender's rank was computed once, not in every comparison.
    cluster.sort_unstable_by(|(ar, a), (br, b)| {
        let (ad, bd) = (&a.detection, &b.detection);
        bd.len()
            .cmp(&ad.len())
            .then(b.validated.cmp(&a.validated))
            .then(bd.score.partial_cmp(&ad.score).unwrap_or(Ordering::Equal))
            .then(ar.cmp(br))
            .then_with(|| ad.entity.as_str().cmp(bd.entity.as_str()))
            .then(ad.start.cmp(&bd.start))
            // The same span twice: the one that needs no context word goes first, so the
            // other is not looked up.
            .then(a.needs_context.cmp(&b.needs_context))
    });
    let first = winners.len();
    // Accepted spans of a large cluster are kept in a tree keyed by start: spans never
    // overlap, so the nearest neighbour on each side is all a clash check reads. Scanning a
    // list instead would make a cluster of thousands of chained spans quadratic.
    let mut tree = (cluster.len() > SMALL_CLUSTER).then(BTreeMap::new);
    for (_, c) in cluster.drain(..) {
        let d = c.detection;
        let clashes = match &tree {
            None => winners[first..]
                .iter()
                .any(|w| w.start < d.end && d.start < w.end),
            Some(taken) => {
                taken
                    .range(..=d.start)
                    .next_back()
                    .is_some_and(|(_, prev): (_, &Detection)| prev.end > d.start)
                    || taken
                        .range(d.start..)
                        .next()
                        .is_some_and(|(&s, _)| s < d.end)
            }
        };
        if clashes || (c.needs_context && !has_context(&d)) {
            continue;
        }
        match &mut tree {
            None => winners.push(d),
            Some(taken) => {
                taken.insert(d.start, d);
            }
        }
    }
    match tree {
        None => winners[first..].sort_unstable_by_key(|d| d.start),
        Some(taken) => winners.extend(taken.into_values()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veil_kinds::kind::Entity;

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

    /// The rule as stated, ranking every contender at once: what clusters must reproduce.
    fn reference(
        mut found: Vec<Contender>,
        mut has_context: impl FnMut(&Detection) -> bool,
    ) -> Vec<Detection> {
        found.sort_by(|a, b| {
            let (ad, bd) = (&a.detection, &b.detection);
            bd.len()
                .cmp(&ad.len())
                .then(b.validated.cmp(&a.validated))
                .then(bd.score.partial_cmp(&ad.score).unwrap())
                .then(ad.entity.rank().cmp(&bd.entity.rank()))
                .then(ad.start.cmp(&bd.start))
                .then(a.needs_context.cmp(&b.needs_context))
        });
        let mut taken: Vec<Detection> = Vec::new();
        for c in found {
            let d = c.detection;
            if taken.iter().all(|t| t.end <= d.start || d.end <= t.start)
                && (!c.needs_context || has_context(&d))
            {
                taken.push(d);
            }
        }
        taken.sort_by_key(|d| d.start);
        taken
    }

    fn largest_cluster(found: &[Contender]) -> usize {
        let mut spans: Vec<(usize, usize)> = found
            .iter()
            .map(|c| (c.detection.start, c.detection.end))
            .collect();
        spans.sort();
        let (mut largest, mut size, mut end) = (0, 0, 0);
        for (s, e) in spans {
            size = if s < end { size + 1 } else { 1 };
            end = if s < end { end.max(e) } else { e };
            largest = largest.max(size);
        }
        largest
    }

    #[test]
    fn clusters_resolve_as_one_global_ranking_would() {
        const KINDS: [Entity; 4] = [
            Entity::PhoneNumber,
            Entity::CreditCard,
            Entity::UsSsn,
            Entity::DateTime,
        ];
        // A fixed linear congruential sequence: the same cases on every run.
        let mut seed: u64 = 0x5eed;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        let mut large_clusters = 0;
        for case in 0..2000u32 {
            // Dense cases chain hundreds of spans into one cluster (the tree path).
            let (count, room) = if case.is_multiple_of(50) {
                (400, 600)
            } else {
                (12, 60)
            };
            let found: Vec<Contender> = (0..count)
                .map(|_| {
                    let start = next(room as u64);
                    Contender {
                        detection: d(
                            start,
                            start + 1 + next(12),
                            KINDS[next(4)].clone(),
                            [0.5, 0.7, 0.9][next(3)],
                        ),
                        validated: next(2) == 0,
                        needs_context: next(3) == 0,
                    }
                })
                .collect();
            large_clusters += usize::from(largest_cluster(&found) > SMALL_CLUSTER);
            // Same winners, and context asked of the same contenders (in any order).
            let (mut asked, mut asked_reference) = (Vec::new(), Vec::new());
            let got = super::resolve(found.clone(), |d| {
                asked.push(d.clone());
                !d.start.is_multiple_of(3)
            });
            let want = reference(found, |d| {
                asked_reference.push(d.clone());
                !d.start.is_multiple_of(3)
            });
            assert_eq!(got, want, "case {case}");
            let key = |d: &Detection| (d.start, d.end, d.entity.rank());
            asked.sort_by_key(key);
            asked_reference.sort_by_key(key);
            assert_eq!(asked, asked_reference, "case {case}");
        }
        assert!(large_clusters > 0);
    }
}
