//! Detection: recognizers propose candidates, the engine scores them with context, applies
//! thresholds and the allow-list, and resolves overlaps into a final, ordered list of findings.
//!
//! `Recognizer` is the seam every tier plugs into: tier 1 (patterns and validators, in
//! `crate::recognizers`) and the tier-2 classifier (the `veil-classifier` crate, which keeps
//! its model runtime out of this crate).

mod budget;
mod candidate;
mod context;
mod detection;
mod engine;
mod haystack;
mod overlap;
mod tiers;

pub use budget::Tier2Budget;
pub use candidate::Candidate;
pub use context::{ContextWords, HeaderCache};
pub use detection::Detection;
pub use engine::Engine;
pub use haystack::{Haystack, Shift};

use veil_kinds::kind::Entity;

/// Proposes candidate spans of one or more entity kinds in a text.
///
/// Implementations are built once (from configuration) and shared by every scan, so they hold
/// compiled patterns and must not allocate per call beyond the candidates they push.
pub trait Recognizer: Send + Sync {
    /// A short stable name, used in benchmarks and diagnostics.
    fn name(&self) -> &str;
    /// The kinds this recognizer may report.
    fn entities(&self) -> Vec<Entity>;
    /// The patterns this recognizer passes to `Haystack::region_finds` /
    /// `region_captures`, exactly as compiled. The engine gates them together: each searches
    /// only the regions where it can match (see `Haystack::with_gate`). A pattern left out of
    /// this list trips a debug assertion (and searches every region in release builds).
    fn region_patterns(&self) -> Vec<&str> {
        Vec::new()
    }
    /// Push every candidate found in `hay` onto `out`.
    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>);
    /// `find` within a request's classifier allowance. Only the tier-2 classifier reads it;
    /// tier 1 is cheap enough to read everything.
    fn find_budgeted(
        &self,
        hay: &Haystack<'_>,
        budget: &mut Tier2Budget,
        out: &mut Vec<Candidate>,
    ) {
        let _ = budget;
        self.find(hay, out);
    }
}
