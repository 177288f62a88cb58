//! The masking API's decisions, with no I/O: read a text or a JSON document as the filter reads
//! a request body, find what it holds with the detection engine, say which values need tokens,
//! and put the tokens in; for unmasking, find the tokens a text holds and put back the values
//! the vault grants. The handlers (`http::masking`) call the vault between the two halves.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;
use veil_core::body::{BodyKind, Document, Masking};
use veil_core::config::{ConfigError, DetectionConfig};
use veil_core::providers::Api;
use veil_core::restore::{restore_buffered, TokenMap};
use veil_core::{Engine, NoGateway, VeilConfig};

/// The detection engines the masking API runs: the service's own (its config's `detection`,
/// by default the shipped gateway's: tier 1 and tier 2), and those of the last few
/// configurations requests named (building one loads the tier-2 model).
pub struct Engines {
    default: Arc<Engine>,
    named: Mutex<Vec<(String, Arc<Engine>)>>,
    /// Held while an engine is built: callers naming new configurations build one at a time.
    building: Mutex<()>,
}

/// Configurations whose engines are kept.
const KEPT_ENGINES: usize = 8;

impl Engines {
    pub fn new(detection: &DetectionConfig) -> Result<Engines, ConfigError> {
        Ok(Engines {
            default: Arc::new(veil_classifier::engine(detection)?),
            named: Mutex::new(Vec::new()),
            building: Mutex::new(()),
        })
    }

    /// The detection the gateway ships with: tier 1 and the tier-2 classifier.
    pub fn gateway_default() -> DetectionConfig {
        let mut d = DetectionConfig::default();
        d.classifier.enabled = true;
        d
    }

    /// The engine for a request's `config` (a Veil configuration document; only its
    /// `detection` matters), or the service's own. Errors name the field. Building one loads
    /// the model: call it where blocking is allowed.
    pub fn get(&self, config: Option<&Value>) -> Result<Arc<Engine>, ConfigError> {
        let Some(config) = config else {
            return Ok(self.default.clone());
        };
        let text = config.to_string();
        if let Some(engine) = self.kept(&text) {
            return Ok(engine);
        }
        let _one_at_a_time = self.building.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(engine) = self.kept(&text) {
            return Ok(engine); // built by the caller we waited for
        }
        let parsed = VeilConfig::<NoGateway>::from_json(&text)?;
        let engine = Arc::new(veil_classifier::engine(&parsed.detection)?);
        let mut named = self.named.lock().unwrap_or_else(|p| p.into_inner());
        if named.len() == KEPT_ENGINES {
            named.remove(0);
        }
        named.push((text, engine.clone()));
        Ok(engine)
    }

    fn kept(&self, text: &str) -> Option<Arc<Engine>> {
        let mut named = self.named.lock().unwrap_or_else(|p| p.into_inner());
        let i = named.iter().position(|(k, _)| k == text)?;
        let hit = named.remove(i);
        let engine = hit.1.clone();
        named.push(hit);
        Some(engine)
    }
}

/// What the caller sent: a text, or any JSON document (every string is scanned, whatever its
/// keys look like: a document is not a provider's request; it stays valid JSON).
#[derive(Debug, Clone)]
pub enum Input {
    Text(String),
    Json(Value),
}

impl Input {
    fn bytes(&self) -> (Vec<u8>, BodyKind) {
        match self {
            Input::Text(t) => (t.as_bytes().to_vec(), BodyKind::Text),
            Input::Json(v) => (v.to_string().into_bytes(), BodyKind::Json),
        }
    }

    fn output(bytes: Vec<u8>, kind: BodyKind) -> Result<Input, String> {
        match kind {
            BodyKind::Json => serde_json::from_slice(&bytes)
                .map(Input::Json)
                .map_err(|e| format!("the rewritten document is not JSON: {e}")),
            _ => String::from_utf8(bytes)
                .map(Input::Text)
                .map_err(|_| "the rewritten text is not UTF-8".to_string()),
        }
    }
}

/// A value found: its kind and where it stood (a JSON pointer for documents; offsets in
/// Unicode code points of that field's text, end exclusive). Never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    #[serde(rename = "type")]
    pub entity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub start: usize,
    pub end: usize,
    /// Filled once the vault has answered.
    pub token: String,
    #[serde(skip)]
    item: usize,
}

/// A document read and scanned, waiting for its tokens.
pub struct Prepared {
    raw: Vec<u8>,
    kind: BodyKind,
    masking: Masking,
    found: Vec<Found>,
}

/// Reads `input` and finds what it holds, within one request's classifier allowance.
pub fn prepare(input: &Input, engine: &Engine) -> Result<Prepared, String> {
    let (raw, kind) = input.bytes();
    let cfg = veil_core::config::JsonScanConfig::default();
    let doc = Document::parse_as(&raw, kind, &cfg, Api::Generic).map_err(|e| e.to_string())?;
    let mut masking = Masking::default();
    let mut found = Vec::new();
    for f in doc.detect(engine) {
        let item = masking.add(&doc, &f);
        let field = &doc.fields()[f.field];
        let chars = |byte: usize| field.text[..byte].chars().count();
        found.push(Found {
            entity: f.detection.entity.to_string(),
            pointer: (kind == BodyKind::Json).then(|| field.pointer.clone()),
            start: chars(f.detection.start),
            end: chars(f.detection.end),
            token: String::new(),
            item,
        });
    }
    drop(doc);
    Ok(Prepared {
        raw,
        kind,
        masking,
        found,
    })
}

impl Prepared {
    /// (kind, value) pairs to tokenize, each once.
    pub fn items(&self) -> &[(String, String)] {
        &self.masking.items
    }

    /// The masked input and what was found, given one token per item.
    pub fn finish(mut self, tokens: &[String]) -> Result<(Input, Vec<Found>), String> {
        if tokens.len() != self.items().len() {
            return Err(format!(
                "{} tokens for {} values",
                tokens.len(),
                self.items().len()
            ));
        }
        let cfg = veil_core::config::JsonScanConfig::default();
        let doc = Document::parse_as(&self.raw, self.kind, &cfg, Api::Generic)
            .map_err(|e| e.to_string())?;
        let masked = doc
            .rewrite(&self.masking.edits(tokens))
            .map_err(|e| e.to_string())?;
        for f in &mut self.found {
            f.token = tokens[f.item].clone();
        }
        Ok((Input::output(masked, self.kind)?, self.found))
    }
}

/// The tokens `input` holds, each once, in order; at most `limit`.
pub fn tokens_in(input: &Input, limit: usize) -> Result<Vec<String>, String> {
    let (raw, kind) = input.bytes();
    let cfg = veil_core::config::JsonScanConfig::default();
    let doc = Document::parse_as(&raw, kind, &cfg, Api::Generic).map_err(|e| e.to_string())?;
    let mut seen = HashSet::new();
    let mut tokens = Vec::new();
    for field in doc.fields() {
        for r in veil_kinds::token::find_tokens(&field.text) {
            let t = &field.text[r];
            if seen.insert(t.to_string()) {
                if tokens.len() == limit {
                    return Err(format!("more than {limit} distinct tokens"));
                }
                tokens.push(t.to_string());
            }
        }
    }
    Ok(tokens)
}

/// `input` with the granted (token, value) pairs put back. Tokens inside URLs stay tokens
/// unless `in_urls` (the gateway's rule: a link that carries a value leaks it when rendered).
pub fn restore(
    input: &Input,
    granted: Vec<(String, String)>,
    in_urls: bool,
) -> Result<Input, String> {
    let (raw, kind) = input.bytes();
    let map = TokenMap::new(granted).restoring_in_urls(in_urls);
    let out = restore_buffered(&raw, kind == BodyKind::Json, &map);
    Input::output(out, kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use veil_core::config::DetectionConfig;

    fn engine() -> Engine {
        Engine::new(&DetectionConfig::default()).unwrap()
    }

    #[test]
    fn text_is_masked_with_one_token_per_distinct_value() {
        let text =
            "Mail jane@corp.com or JANE@corp.com, again jane@corp.com; card 4111 1111 1111 1111.";
        let p = prepare(&Input::Text(text.into()), &engine()).unwrap();
        let kinds: Vec<&str> = p.items().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["EMAIL_ADDRESS", "EMAIL_ADDRESS", "CREDIT_CARD"]);
        let tokens = [
            "email-a@example.com",
            "email-b@example.com",
            "0073 6555 7214 2076",
        ]
        .map(String::from);
        let (Input::Text(out), found) = p.finish(&tokens).unwrap() else {
            panic!("text in, text out")
        };
        assert_eq!(
            out,
            "Mail email-a@example.com or email-b@example.com, again email-a@example.com; card 0073 6555 7214 2076."
        );
        assert_eq!(found.len(), 4);
        assert_eq!(
            (found[0].start, found[0].end),
            (5, 18),
            "code points of the input"
        );
        assert_eq!(found[2].token, "email-a@example.com");
    }

    #[test]
    fn json_stays_json_and_offsets_name_the_field() {
        let doc = json!({"ticket": {"from": "jane@corp.com", "n": 3, "notes": ["née Roe: jane@corp.com"]}});
        let p = prepare(&Input::Json(doc), &engine()).unwrap();
        assert_eq!(p.items().len(), 1);
        let (Input::Json(out), found) = p.finish(&["email-a@example.com".into()]).unwrap() else {
            panic!("JSON in, JSON out")
        };
        assert_eq!(out["ticket"]["from"], "email-a@example.com");
        assert_eq!(out["ticket"]["notes"][0], "née Roe: email-a@example.com");
        assert_eq!(out["ticket"]["n"], 3);
        assert_eq!(found[1].pointer.as_deref(), Some("/ticket/notes/0"));
        assert_eq!((found[1].start, found[1].end), (9, 22));
    }

    #[test]
    fn a_document_shaped_like_a_provider_request_has_every_string_scanned() {
        // Keys of an OpenAI Responses body, whose `text` is structure in a request: here it
        // is the caller's data.
        let doc = json!({"model": "x", "input": "hi", "text": "mail jane@corp.com"});
        let p = prepare(&Input::Json(doc), &engine()).unwrap();
        assert_eq!(p.items().len(), 1);
        let tokens_doc = Input::Json(json!({"model": "email-a@example.com", "input": "x"}));
        assert_eq!(tokens_in(&tokens_doc, 10).unwrap(), ["email-a@example.com"]);
    }

    #[test]
    fn tokens_are_found_once_and_restored_where_granted() {
        let text = Input::Text("Hi email-a@example.com and email-a@example.com, see https://x.example/?u=email-a@example.com".into());
        assert_eq!(tokens_in(&text, 10).unwrap(), ["email-a@example.com"]);
        let granted = vec![(
            "email-a@example.com".to_string(),
            "jane@corp.com".to_string(),
        )];
        let Input::Text(out) = restore(&text, granted.clone(), false).unwrap() else {
            panic!()
        };
        assert_eq!(
            out,
            "Hi jane@corp.com and jane@corp.com, see https://x.example/?u=email-a@example.com"
        );
        let Input::Text(out) = restore(&text, granted, true).unwrap() else {
            panic!()
        };
        assert!(out.ends_with("?u=jane@corp.com"));
        let many: String = (0..3).map(|i| format!("email-{i}a@example.com ")).collect();
        assert!(tokens_in(&Input::Text(many), 2).is_err());
    }
}
