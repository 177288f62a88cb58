//! The detection engine: built once from configuration, then `detect(text)` per field.
//!
//! Steps, each small and separately tested: recognizers propose candidates → per-kind
//! thresholds, with context words consulted for candidates that need them to pass → allow-list
//! → overlap resolution. A reported score is the candidate's own score, or its with-context
//! score when context was what lifted it over the threshold.

use std::collections::{HashMap, HashSet};

use veil_kinds::kind::{self, Entity, Tier};
use veil_kinds::token;

use super::context::{ContextWords, HeaderCache};
use super::detection::{Contender, Detection};
use super::haystack::{Gate, Haystack};
use super::overlap;
use super::tiers;
use super::{Candidate, Recognizer, Tier2Budget};
use crate::config::{ConfigError, DetectionConfig};
use crate::recognizers;

/// Compiled detection configuration.
pub struct Engine {
    recognizers: Vec<Box<dyn Recognizer>>,
    /// Kinds reported; candidates of other kinds are dropped.
    enabled: HashSet<Entity>,
    thresholds: HashMap<Entity, f32>,
    default_threshold: f32,
    context: ContextWords,
    allow_list: HashSet<String>,
    /// Every recognizer's region patterns (see `Haystack::with_gate`).
    gate: Option<Gate>,
    /// The classifier's allowance per request, when it runs.
    tier2_bytes: Option<usize>,
}

impl Engine {
    /// Build a tier-1 engine, validating the configuration and naming the field of any error.
    /// A configuration that enables the classifier is refused: this constructor has none
    /// (`veil_classifier::engine` builds one that does).
    pub fn new(cfg: &DetectionConfig) -> Result<Engine, ConfigError> {
        Engine::build(cfg, None)
    }

    /// Build an engine whose tier 2 is `classifier`, run when `detection.classifier.enabled`.
    pub fn with_tier2(
        cfg: &DetectionConfig,
        classifier: Box<dyn Recognizer>,
    ) -> Result<Engine, ConfigError> {
        Engine::build(cfg, Some(classifier))
    }

    /// Validate a configuration as a build with the classifier would, without loading it.
    pub fn check(cfg: &DetectionConfig) -> Result<(), ConfigError> {
        Engine::build(cfg, Some(Box::new(NoClassifier))).map(drop)
    }

    fn build(
        cfg: &DetectionConfig,
        classifier: Option<Box<dyn Recognizer>>,
    ) -> Result<Engine, ConfigError> {
        check_score("detection.default_threshold", cfg.default_threshold)?;
        if cfg.context_window > 50 {
            return Err(ConfigError::new(
                "detection.context_window",
                "must be at most 50 words",
            ));
        }
        let tier2 = match (cfg.classifier.enabled, classifier) {
            (false, _) => None,
            (true, None) => {
                return Err(ConfigError::new(
                    "detection.classifier.enabled",
                    "this build of Veil has no classifier",
                ))
            }
            (true, Some(c)) => Some(c),
        };
        let max = cfg.classifier.max_bytes_per_request;
        if !(1024..=1 << 20).contains(&max) {
            return Err(ConfigError::new(
                "detection.classifier.max_bytes_per_request",
                "must be between 1024 and 1048576",
            ));
        }
        let tier2_on = tier2.is_some();
        let kind = |field: &str, label: &str| entity_kind(field, label, tier2_on);

        let enabled: Vec<Entity> = match &cfg.entities {
            None => kind::defaults(tier2_on).cloned().collect(),
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(i, label)| kind(&format!("detection.entities[{i}]"), label))
                .collect::<Result<_, _>>()?,
        };

        let mut custom_names: HashSet<Entity> = HashSet::new();
        let mut recognizers: Vec<Box<dyn Recognizer>> = Vec::new();
        let mut context = ContextWords::new(cfg.context_window);
        // Labels from the configuration replace the built-in labelled-identifier recognizer
        // (the vocabulary is the built-in one and theirs); their new kinds are always on.
        if !cfg.labels.is_empty() {
            let r = recognizers::labelled::Labelled::new(&cfg.labels)?;
            custom_names.extend(r.custom_kinds().cloned());
            recognizers.push(Box::new(r));
        }
        // A recognizer may serve several kinds (SSN and ITIN share one search); it is built
        // and added once, and `detect` keeps only the kinds that are enabled.
        for entity in &enabled {
            if let Some((found, words)) = recognizers::builtin(entity) {
                context.add(entity, words.iter());
                for (name, make) in found {
                    if !recognizers.iter().any(|have| have.name() == name) {
                        recognizers.push(make());
                    }
                }
            }
        }
        let mut enabled: HashSet<Entity> = enabled.into_iter().collect();
        for (i, custom) in cfg.custom.iter().enumerate() {
            let field = format!("detection.custom[{i}]");
            let r = recognizers::custom::CustomRecognizer::new(&field, custom)?;
            let entity = r.entity().clone();
            if !custom_names.insert(entity.clone()) {
                return Err(ConfigError::new(format!("{field}.name"), "defined twice"));
            }
            context.add(&entity, custom.context.iter());
            recognizers.push(Box::new(r));
        }
        if !cfg.deny_list.is_empty() {
            let r = recognizers::deny_list::DenyListRecognizer::new(&cfg.deny_list)?;
            custom_names.extend(r.entities());
            recognizers.push(Box::new(r));
        }
        enabled.extend(custom_names.iter().cloned());

        if let Some(classifier) = tier2 {
            recognizers.push(classifier);
        }
        // A kind named in thresholds or context words: built-in (tier 2 only when it runs)
        // or custom.
        let known = |field: &str, label: &str| -> Result<Entity, ConfigError> {
            match custom_names.iter().find(|c| c.as_str() == label) {
                Some(custom) => Ok(custom.clone()),
                None => kind(field, label),
            }
        };
        let mut thresholds = HashMap::new();
        for (label, &t) in &cfg.thresholds {
            let field = crate::config::key_field("detection.thresholds", label);
            let entity = known(&field, label)?;
            check_score(&field, t)?;
            thresholds.insert(entity, t);
        }
        for (label, words) in &cfg.context_words {
            let entity = known(
                &crate::config::key_field("detection.context_words", label),
                label,
            )?;
            context.add(&entity, words.iter());
        }
        let allow_list = cfg
            .allow_list
            .iter()
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .collect();

        Ok(Engine {
            gate: Gate::new(recognizers.iter().flat_map(|r| r.region_patterns())),
            recognizers,
            enabled,
            thresholds,
            default_threshold: cfg.default_threshold,
            context,
            allow_list,
            tier2_bytes: tier2_on.then_some(max),
        })
    }

    /// Whether the tier-2 classifier runs.
    pub fn has_tier2(&self) -> bool {
        self.tier2_bytes.is_some()
    }

    /// A fresh classifier allowance for one request (as configured; unlimited when the
    /// classifier does not run, since nothing then reads it).
    pub fn request_budget(&self) -> Tier2Budget {
        self.tier2_bytes
            .map_or_else(Tier2Budget::unlimited, Tier2Budget::new)
    }

    /// Every reported span in `text`, ordered by start, non-overlapping. The classifier, when
    /// it runs, reads all of `text`.
    pub fn detect(&self, text: &str) -> Vec<Detection> {
        self.detect_budgeted(text, &mut Tier2Budget::unlimited())
    }

    /// `detect` within a request's classifier allowance (see `Tier2Budget`).
    pub fn detect_budgeted(&self, text: &str, budget: &mut Tier2Budget) -> Vec<Detection> {
        match &self.gate {
            Some(gate) => self.detect_in(Haystack::with_gate(text, gate), budget),
            None => self.detect_in(Haystack::new(text), budget),
        }
    }

    /// `detect` without the region gate: every regional pattern searches every region. Only
    /// for the test that proves the gate changes nothing.
    #[doc(hidden)]
    pub fn detect_ungated(&self, text: &str) -> Vec<Detection> {
        self.detect_in(Haystack::new(text), &mut Tier2Budget::unlimited())
    }

    fn detect_in(&self, hay: Haystack<'_>, budget: &mut Tier2Budget) -> Vec<Detection> {
        let text = hay.text();
        if text.is_empty() {
            return Vec::new();
        }
        let mut candidates = Vec::new();
        for r in &self.recognizers {
            r.find_budgeted(&hay, budget, &mut candidates);
        }
        let mut kept = Vec::with_capacity(candidates.len());
        let mut headers = HeaderCache::default();
        for mut c in candidates {
            debug_assert!(
                c.start < c.end && text.is_char_boundary(c.start) && text.is_char_boundary(c.end)
            );
            if !self.enabled.contains(&c.entity) {
                continue;
            }
            // A Veil token of the candidate's own kind wins every overlap (so no shorter match
            // inside it, and no other kind reading the same digits, survives), then is dropped
            // below: masking a masked prompt changes nothing.
            if token::is_token(&c.entity, &text[c.start..c.end]) {
                c.score = 1.0;
                c.score_with_context = 1.0;
                c.validated = true;
            }
            let threshold = self
                .thresholds
                .get(&c.entity)
                .copied()
                .unwrap_or(self.default_threshold);
            // Context decides only a candidate under the threshold on its own; it is looked
            // up later, and only if the candidate wins its place (`overlap::resolve`).
            let (score, needs_context) = if c.score >= threshold {
                (c.score, false)
            } else if c.score_with_context >= threshold {
                (c.score_with_context, true)
            } else {
                continue;
            };
            if score <= 0.0 {
                continue;
            }
            if !self.allow_list.is_empty()
                && self
                    .allow_list
                    .contains(&text[c.start..c.end].to_lowercase())
            {
                continue;
            }
            kept.push(Contender {
                detection: Detection {
                    start: c.start,
                    end: c.end,
                    entity: c.entity,
                    score,
                },
                validated: c.validated,
                needs_context,
            });
        }
        let mut has_context = |d: &Detection| {
            self.context
                .near(text, d.start, d.end, &d.entity, &mut headers)
        };
        if self.tier2_bytes.is_some() {
            // A validated match cuts the classifier's spans only if it counts, so its context
            // is settled first.
            kept.retain_mut(|c| {
                if !(c.needs_context && c.validated && c.detection.entity.is_tier1()) {
                    return true;
                }
                c.needs_context = false;
                has_context(&c.detection)
            });
            tiers::yield_to_validated(&mut kept, text);
        }
        // Tokens are already masked; they are dropped only now, after they have shadowed
        // whatever overlapped them. A tier-1 token's score was raised to 1.0 above, so a
        // tier-1 detection scored lower is not one and is not read again. Tier-2 spans are
        // read whatever their score: `yield_to_validated` may have cut one down to a token.
        let mut found = overlap::resolve(kept, has_context);
        found.retain(|d| {
            (d.score < 1.0 && d.entity.is_tier1())
                || !token::is_token(&d.entity, &text[d.start..d.end])
        });
        found
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&DetectionConfig::default()).expect("the default configuration is valid")
    }
}

fn check_score(field: &str, value: f32) -> Result<(), ConfigError> {
    if !(0.0..=1.0).contains(&value) || value.is_nan() {
        return Err(ConfigError::new(field, "must be between 0.0 and 1.0"));
    }
    Ok(())
}

/// The built-in kind `label` names, refused when it is tier 2 and the classifier is off.
fn entity_kind(field: &str, label: &str, tier2_on: bool) -> Result<Entity, ConfigError> {
    match Entity::builtin(label) {
        Some(e) if e.is_tier1() || tier2_on => Ok(e),
        Some(e) => Err(ConfigError::new(
            field,
            format!("{e} is detected by the tier-2 classifier; set detection.classifier.enabled"),
        )),
        None => Err(ConfigError::new(
            field,
            format!(
                "unknown entity kind; known kinds: {}",
                kind::BUILTIN
                    .iter()
                    .map(Entity::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// Stands in for the classifier when a configuration is only checked (`Engine::check`).
struct NoClassifier;

impl Recognizer for NoClassifier {
    fn name(&self) -> &str {
        "no-classifier"
    }
    fn entities(&self) -> Vec<Entity> {
        kind::of_tier(Tier::Classifier).cloned().collect()
    }
    fn find(&self, _: &Haystack<'_>, _: &mut Vec<Candidate>) {}
}
