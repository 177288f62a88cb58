//! Deny-list: terms a team always wants masked (project code names, client names), reported
//! as the kind they are listed under, case-insensitively, on word boundaries. Score 1.0.

use std::collections::BTreeMap;

use regex::{Regex, RegexBuilder};

use crate::config::ConfigError;
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::{is_valid_custom_label, Entity};

pub struct DenyListRecognizer {
    lists: Vec<(Entity, Regex)>,
}

impl DenyListRecognizer {
    pub fn new(lists: &BTreeMap<String, Vec<String>>) -> Result<Self, ConfigError> {
        let mut out = Vec::new();
        for (label, terms) in lists {
            let field = crate::config::key_field("detection.deny_list", label);
            let entity = match Entity::builtin(label) {
                Some(e) => e,
                None if is_valid_custom_label(label) => Entity::Custom(label.as_str().into()),
                None => return Err(ConfigError::new(field, "kind must be UPPER_SNAKE_CASE")),
            };
            let terms: Vec<String> = terms
                .iter()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(regex::escape)
                .collect();
            if terms.is_empty() {
                return Err(ConfigError::new(field, "needs at least one non-empty term"));
            }
            let re = RegexBuilder::new(&format!(r"\b(?:{})\b", terms.join("|")))
                .case_insensitive(true)
                .size_limit(1 << 22)
                .build()
                .map_err(|e| ConfigError::new(field, format!("too many or too long terms: {e}")))?;
            out.push((entity, re));
        }
        Ok(DenyListRecognizer { lists: out })
    }
}

impl Recognizer for DenyListRecognizer {
    fn name(&self) -> &str {
        "deny_list"
    }

    fn entities(&self) -> Vec<Entity> {
        self.lists.iter().map(|(e, _)| e.clone()).collect()
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for (entity, re) in &self.lists {
            for m in re.find_iter(hay.text()) {
                out.push(Candidate::new(
                    m.start(),
                    m.end(),
                    entity.clone(),
                    1.0,
                    true,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{NoGateway, VeilConfig};
    use crate::detect::Engine;

    #[test]
    fn terms_match_whole_words_any_case() {
        let cfg = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"deny_list": {"PROJECT": ["Falcon", "Blue Heron"]}}}"#,
        )
        .unwrap();
        let e = Engine::new(&cfg.detection).unwrap();
        let text = "Status of FALCON and blue heron, not Falconry.";
        let got: Vec<_> = e
            .detect(text)
            .into_iter()
            .map(|d| (d.entity.to_string(), &text[d.start..d.end]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PROJECT".to_string(), "FALCON"),
                ("PROJECT".to_string(), "blue heron")
            ]
        );
    }

    #[test]
    fn allow_list_wins() {
        let cfg = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"allow_list": ["Support@Acme.com"]}}"#,
        )
        .unwrap();
        let e = Engine::new(&cfg.detection).unwrap();
        assert!(e.detect("write to support@acme.com").is_empty());
        assert_eq!(e.detect("write to jane@acme.com").len(), 1);
    }

    #[test]
    fn empty_lists_are_errors() {
        let err = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"deny_list": {"PROJECT": [" "]}}}"#,
        )
        .unwrap_err();
        assert_eq!(err.field, "detection.deny_list.PROJECT");
    }
}
