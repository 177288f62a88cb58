//! Veil's tier 2: a small neural tagger for PERSON, LOCATION and ORGANIZATION, the half of
//! personal data no pattern finds.
//!
//! A separate crate so the core stays free of the model and its weights: the vault never
//! builds it. The same code runs natively (`veil scan`, tests, benchmarks) and inside the
//! Envoy filter's wasm VM; tract, the reference runtime, is a test dependency only (see
//! `encoder.rs` for why).
//!
//! - `features`: text to tokens to hashed feature ids (mirrors the training pipeline).
//! - `model`: the embedded model, loaded once per process or VM; `encoder`: its forward pass.
//! - `decode`: per-token probabilities to spans; `plausible`, `not_names`: the rules on top;
//!   `mentions`: a person's name again where the tagger missed it.
//! - `recognizer`: the `Recognizer` the detection engine runs, windows and budget included.

pub mod decode;
pub mod encoder;
pub mod features;
mod mentions;
pub mod model;
mod not_names;
pub mod plausible;
pub mod recognizer;

use veil_core::config::{ConfigError, DetectionConfig};
use veil_core::Engine;

pub use recognizer::Classifier;

/// The detection engine for `cfg`, with the classifier when `detection.classifier.enabled`.
/// The one constructor the CLI and the filter use, so both run the same tiers.
pub fn engine(cfg: &DetectionConfig) -> Result<Engine, ConfigError> {
    if !cfg.classifier.enabled {
        return Engine::new(cfg);
    }
    let classifier = Classifier::load().map_err(|e| ConfigError::new("detection.classifier", e))?;
    Engine::with_tier2(cfg, Box::new(classifier))
}
