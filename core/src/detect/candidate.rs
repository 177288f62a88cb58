//! A proposed span, before context, thresholds and overlap resolution.
//!
//! A candidate carries two scores: the one it earns on its own, and the one it earns when a
//! context word for its kind is near. That is how "recall first where the risk is high" works:
//! a validator failure lowers the standalone score below the threshold but a strong context word
//! still lifts it over, so an SSN-shaped value after "SSN" is masked even if the SSA never issued
//! it, while the same value in free text is left alone.

use veil_kinds::kind::Entity;

/// How much a nearby context word adds to a score.
pub const CONTEXT_BOOST: f32 = 0.4;

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Byte offsets into the scanned text, end exclusive, on char boundaries.
    pub start: usize,
    pub end: usize,
    pub entity: Entity,
    /// Score with no context word near.
    pub score: f32,
    /// Score when a context word for `entity` is near.
    pub score_with_context: f32,
    /// Whether the value passed its validator (checksum, ranges). Breaks ties on overlap.
    pub validated: bool,
}

impl Candidate {
    /// A candidate whose context boost is the standard one.
    pub fn new(start: usize, end: usize, entity: Entity, score: f32, validated: bool) -> Self {
        Candidate {
            start,
            end,
            entity,
            score,
            score_with_context: (score + CONTEXT_BOOST).min(1.0),
            validated,
        }
    }

    /// A candidate that only counts when a context word is near (`score` is then the
    /// with-context score).
    pub fn needs_context(
        start: usize,
        end: usize,
        entity: Entity,
        score: f32,
        validated: bool,
    ) -> Self {
        Candidate {
            start,
            end,
            entity,
            score: 0.0,
            score_with_context: score,
            validated,
        }
    }
}
