//! Team-defined entities from configuration: a regex, an optional named validator, context
//! words. Lets a team add MRNs, employee ids or policy numbers without code.
//!
//! Scores: a match that passes its validator (or has none) scores the configured `score`; one
//! that fails scores 0.1, so only a context word lifts it (the same recall-first rule as the
//! built-ins). With `context_required`, nothing counts without a context word.

use regex::{Regex, RegexBuilder};

use crate::config::{ConfigError, CustomEntity};
use crate::detect::{Candidate, Haystack, Recognizer};
use crate::validate::Named;
use veil_kinds::kind::{is_valid_custom_label, Entity};

/// Compiled-size bound for user patterns, so a pathological pattern fails at load time rather
/// than exhausting a wasm VM's memory.
const MAX_PATTERN_SIZE: usize = 1 << 20;

pub struct CustomRecognizer {
    entity: Entity,
    name: String,
    re: Regex,
    validator: Option<Named>,
    score: f32,
    context_required: bool,
}

impl CustomRecognizer {
    pub fn new(field: &str, cfg: &CustomEntity) -> Result<Self, ConfigError> {
        if !is_valid_custom_label(&cfg.name) {
            return Err(ConfigError::new(
                format!("{field}.name"),
                "must be UPPER_SNAKE_CASE (A-Z, 0-9, _), at most 64 characters",
            ));
        }
        if Entity::builtin(&cfg.name).is_some() {
            return Err(ConfigError::new(
                format!("{field}.name"),
                "is a built-in entity kind",
            ));
        }
        if !(0.0..=1.0).contains(&cfg.score) {
            return Err(ConfigError::new(
                format!("{field}.score"),
                "must be between 0.0 and 1.0",
            ));
        }
        let re = RegexBuilder::new(&cfg.pattern)
            .size_limit(MAX_PATTERN_SIZE)
            .build()
            .map_err(|e| {
                ConfigError::new(format!("{field}.pattern"), format!("invalid regex: {e}"))
            })?;
        if re.is_match("") {
            return Err(ConfigError::new(
                format!("{field}.pattern"),
                "matches the empty string",
            ));
        }
        Ok(CustomRecognizer {
            entity: Entity::Custom(cfg.name.as_str().into()),
            name: format!("custom:{}", cfg.name),
            re,
            validator: cfg.validator,
            score: cfg.score,
            context_required: cfg.context_required,
        })
    }

    pub fn entity(&self) -> &Entity {
        &self.entity
    }
}

impl Recognizer for CustomRecognizer {
    fn name(&self) -> &str {
        &self.name
    }

    fn entities(&self) -> Vec<Entity> {
        vec![self.entity.clone()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for m in self.re.find_iter(hay.text()) {
            if m.is_empty() {
                continue;
            }
            let valid = self.validator.is_none_or(|v| v.check(m.as_str()));
            let score = if valid { self.score } else { 0.1 };
            out.push(if self.context_required {
                Candidate::needs_context(
                    m.start(),
                    m.end(),
                    self.entity.clone(),
                    (score + 0.4).min(1.0),
                    valid,
                )
            } else {
                Candidate::new(m.start(), m.end(), self.entity.clone(), score, valid)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{NoGateway, VeilConfig};
    use crate::detect::Engine;

    fn engine(custom: &str) -> Result<Engine, crate::config::ConfigError> {
        let cfg = VeilConfig::<NoGateway>::from_json(&format!(
            r#"{{"detection": {{"custom": [{custom}]}}}}"#
        ))?;
        Engine::new(&cfg.detection)
    }

    fn labels(e: &Engine, text: &str) -> Vec<(String, String)> {
        e.detect(text)
            .into_iter()
            .map(|d| (d.entity.to_string(), text[d.start..d.end].to_string()))
            .collect()
    }

    #[test]
    fn regex_with_validator_and_context() {
        let e = engine(r#"{"name": "MEMBER_ID", "pattern": "\\bM\\d{8}\\b", "validator": "luhn", "context": ["club"]}"#).unwrap();
        assert_eq!(
            labels(&e, "id M79927398 ok"),
            vec![("MEMBER_ID".into(), "M79927398".into())]
        );
        assert!(labels(&e, "id M79927399 ok").is_empty());
        assert_eq!(
            labels(&e, "club M79927399"),
            vec![("MEMBER_ID".into(), "M79927399".into())]
        );
    }

    #[test]
    fn context_required() {
        let e = engine(r#"{"name": "MRN", "pattern": "\\b\\d{7}\\b", "context": ["mrn"], "context_required": true}"#).unwrap();
        assert!(labels(&e, "count 1234567").is_empty());
        assert_eq!(
            labels(&e, "MRN 1234567"),
            vec![("MRN".into(), "1234567".into())]
        );
    }

    #[test]
    fn errors_name_the_field() {
        let err = |c: &str| engine(c).err().expect("should fail").field;
        assert_eq!(
            err(r#"{"name": "bad name", "pattern": "x"}"#),
            "detection.custom[0].name"
        );
        assert_eq!(
            err(r#"{"name": "US_SSN", "pattern": "x"}"#),
            "detection.custom[0].name"
        );
        assert_eq!(
            err(r#"{"name": "X", "pattern": "("}"#),
            "detection.custom[0].pattern"
        );
        assert_eq!(
            err(r#"{"name": "X", "pattern": "a*"}"#),
            "detection.custom[0].pattern"
        );
        assert_eq!(
            err(r#"{"name": "X", "pattern": "a", "validator": "crc"}"#),
            "detection.custom[0].validator"
        );
        assert_eq!(
            err(r#"{"name": "X", "pattern": "a", "score": 2}"#),
            "detection.custom[0].score"
        );
    }
}
