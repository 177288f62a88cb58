//! What detection reports (`Detection`), and a span while it still competes with others for
//! its text (`Contender`). Below the engine and the overlap rules, which both use them.

use veil_kinds::kind::Entity;

/// A reported span of sensitive text.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Byte offsets into the scanned text, end exclusive, on char boundaries.
    pub start: usize,
    pub end: usize,
    pub entity: Entity,
    pub score: f32,
}

impl Detection {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A span competing for its text.
#[derive(Debug, Clone)]
pub(crate) struct Contender {
    pub detection: Detection,
    /// Whether the value passed its validator: breaks ties between equally long spans.
    pub validated: bool,
    /// Whether it counts only with a context word near, not yet looked up (see `resolve`).
    pub needs_context: bool,
}
