//! The request path's decisions: find what the body holds, apply each kind's action, and say
//! which values need tokens from the vault. No I/O: the glue sends the callout and comes back
//! with the tokens.

use std::collections::HashSet;

use veil_core::body::{BodyKind, Document, Edit, Finding, Masking};
use veil_core::config::JsonScanConfig;
use veil_core::detect::Tier2Budget;
use veil_core::providers::Api;
use veil_kinds::Entity;

use crate::config::{Action, GatewayConfig, InvalidJson};
use crate::scan_cache::Scoped;
use crate::settings::Settings;

/// What to do with a request body.
#[derive(Debug)]
pub enum Plan {
    /// Nothing to change: forward as is.
    Forward,
    /// A kind whose action is `block` was found: reject with 422, naming the kind.
    Block { entity: String },
    /// The body cannot be read as its content type says (400).
    Invalid { message: String },
    /// Values to tokenize (ask the vault), then `Pending::apply`.
    Tokenize(Pending),
    /// Only redactions: the new body is ready.
    Rewritten { body: Vec<u8>, masked: Vec<Entity> },
}

/// A masked body and the (token, value) pairs the response path restores.
pub type Masked = (Vec<u8>, Vec<(String, String)>);

/// A body waiting for its tokens.
#[derive(Debug)]
pub struct Pending {
    body: Vec<u8>,
    kind: BodyKind,
    /// The request's path: it names the API, which decides the fields read.
    path: Option<String>,
    /// The values to send to the vault, each distinct (type, value) once, and where their
    /// tokens go.
    masking: Masking,
    /// Edits decided locally (redactions).
    fixed_edits: Vec<Edit>,
    /// The kind of every value masked (tokenized or redacted), for the counters.
    pub masked: Vec<Entity>,
}

/// A request body read once: what to do with it, and the tokens it already holds (earlier
/// turns, pasted text): the response may repeat those, so the filter asks the vault for the
/// ones this scope may see.
pub struct Scan {
    pub plan: Plan,
    /// The API the body was read as.
    pub api: Api,
    pub history: Vec<String>,
    /// A JSON body that did not parse was scanned as plain text (`invalid_json: scan_as_text`).
    pub as_text: bool,
    /// The kind of every value found, whatever its action (for the counters).
    pub detected: Vec<Entity>,
    /// What the tier-2 classifier read and skipped.
    pub classifier: Tier2Budget,
    /// Fields answered from the VM's scan cache (a conversation's earlier turns).
    pub cached_fields: usize,
}

/// Reads `body` (of a request to `path`) as `kind` and decides, with the route's gateway
/// settings. Long fields this requester sent before are answered from `cache`.
pub fn scan(
    body: &[u8],
    kind: BodyKind,
    path: Option<&str>,
    settings: &Settings,
    gateway: &GatewayConfig,
    cache: &mut Scoped<'_>,
) -> Scan {
    let parsed = Document::parse_for(body, kind, &settings.config.body.json, path);
    let escaped = |b: &[u8]| b.windows(2).any(|w| w == b"\\u");
    let (parsed, kind, as_text) = match parsed {
        // As text, `jane\u0040corp.com` would not be found, yet a lenient reader decodes it.
        Err(e) if kind == BodyKind::Json && escaped(body) => (Err(e), kind, false),
        Err(_) if kind == BodyKind::Json && gateway.invalid_json == InvalidJson::ScanAsText => (
            Document::parse(body, BodyKind::Text, &settings.config.body.json),
            BodyKind::Text,
            true,
        ),
        parsed => (parsed, kind, false),
    };
    match parsed {
        Ok(doc) => {
            let mut classifier = settings.engine.request_budget();
            let mut cached_fields = 0;
            let findings = doc.detect_each(&mut classifier, |text, budget| {
                let (found, cached) =
                    cache.detect(text, budget, |t, b| settings.engine.detect_budgeted(t, b));
                cached_fields += usize::from(cached);
                found
            });
            Scan {
                api: doc.api(),
                classifier,
                cached_fields,
                history: history_tokens(&doc),
                detected: findings
                    .iter()
                    .map(|f| f.detection.entity.clone())
                    .collect(),
                plan: plan(&doc, &findings, body, kind, path, gateway),
                as_text,
            }
        }
        Err(e) => Scan {
            api: Api::Generic,
            plan: Plan::Invalid {
                message: e.to_string(),
            },
            history: Vec::new(),
            as_text,
            detected: Vec::new(),
            classifier: Tier2Budget::unlimited(),
            cached_fields: 0,
        },
    }
}

fn plan(
    doc: &Document<'_>,
    findings: &[Finding],
    body: &[u8],
    kind: BodyKind,
    path: Option<&str>,
    gateway: &GatewayConfig,
) -> Plan {
    let mut masking = Masking::default();
    let mut fixed_edits = Vec::new();
    let mut masked = Vec::new();
    for f in findings {
        let entity = &f.detection.entity;
        match gateway.action(entity) {
            Action::Allow => {}
            Action::Block => {
                return Plan::Block {
                    entity: entity.to_string(),
                }
            }
            Action::Redact => {
                fixed_edits.push(f.edit(format!("[{entity}]")));
                masked.push(entity.clone());
            }
            Action::Tokenize => {
                masked.push(entity.clone());
                masking.add(doc, f);
            }
        }
    }
    if !masking.is_empty() {
        return Plan::Tokenize(Pending {
            body: body.to_vec(),
            kind,
            path: path.map(str::to_string),
            masking,
            fixed_edits,
            masked,
        });
    }
    if fixed_edits.is_empty() {
        return Plan::Forward;
    }
    match doc.rewrite(&fixed_edits) {
        Ok(new) => Plan::Rewritten { body: new, masked },
        Err(e) => Plan::Invalid {
            message: e.to_string(),
        },
    }
}

/// The kinds of the values a query string holds (each once, in the kinds table's order),
/// leaving out parameters the route skips and kinds it allows. Query strings are never
/// rewritten: a value there is refused or, where the route says so, passed.
pub fn scan_query(query: &str, settings: &Settings, gateway: &GatewayConfig) -> Vec<Entity> {
    let skip = JsonScanConfig {
        exclude: gateway.query.skip.iter().map(|p| format!("/{p}")).collect(),
        ..JsonScanConfig::default()
    };
    let Ok(doc) = Document::parse(query.as_bytes(), BodyKind::Form, &skip) else {
        return Vec::new();
    };
    let mut kinds: Vec<Entity> = doc
        .detect(&settings.engine)
        .into_iter()
        .map(|f| f.detection.entity)
        .filter(|e| gateway.action(e) != Action::Allow)
        .collect();
    kinds.sort_by_key(Entity::rank);
    kinds.dedup();
    kinds
}

/// The tokens in the body's fields, each once, at most 1,000 (the vault's batch limit).
fn history_tokens(doc: &Document<'_>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut tokens = Vec::new();
    for field in doc.fields() {
        for r in veil_kinds::token::find_tokens(&field.text) {
            let t = &field.text[r];
            if tokens.len() < 1000 && seen.insert(t) {
                tokens.push(t.to_string());
            }
        }
    }
    tokens
}

impl Pending {
    /// (type, value) to send to the vault, each distinct pair once.
    pub fn items(&self) -> &[(String, String)] {
        &self.masking.items
    }

    /// The masked body, given one token per item (in order), and the (token, value) pairs
    /// the response path restores.
    pub fn apply(&self, tokens: &[String], settings: &Settings) -> Result<Masked, String> {
        if tokens.len() != self.items().len() {
            return Err(format!(
                "vault returned {} tokens for {} values",
                tokens.len(),
                self.items().len()
            ));
        }
        let doc = self.parse(settings)?;
        let mut edits = self.fixed_edits.clone();
        edits.extend(self.masking.edits(tokens));
        let body = doc.rewrite(&edits).map_err(|e| e.to_string())?;
        let pairs = tokens
            .iter()
            .cloned()
            .zip(self.items().iter().map(|(_, v)| v.clone()))
            .collect();
        Ok((body, pairs))
    }

    /// The body read again as the scan read it (same API, same fields).
    fn parse(&self, settings: &Settings) -> Result<Document<'_>, String> {
        Document::parse_for(
            &self.body,
            self.kind,
            &settings.config.body.json,
            self.path.as_deref(),
        )
        .map_err(|e| e.to_string())
    }

    /// The body with only the redactions applied: what `failure_mode: open` forwards when
    /// the vault cannot tokenize (redacting needs no vault).
    pub fn redacted_only(&self, settings: &Settings) -> Result<Vec<u8>, String> {
        if self.fixed_edits.is_empty() {
            return Ok(self.body.clone());
        }
        let doc = self.parse(settings)?;
        doc.rewrite(&self.fixed_edits).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan_cache::ScanCache;

    fn settings(actions: &str) -> std::sync::Arc<Settings> {
        Settings::parse(format!(r#"{{"gateway": {{"tenant": {{"static": "acme"}}, "vault": {{"api_key": "k"}}, "actions": {actions}}}}}"#).as_bytes()).unwrap()
    }

    fn scan(body: &[u8], kind: BodyKind, s: &Settings) -> Scan {
        scan_at(body, kind, None, s)
    }

    fn scan_at(body: &[u8], kind: BodyKind, path: Option<&str>, s: &Settings) -> Scan {
        super::scan(
            body,
            kind,
            path,
            s,
            &s.gateway,
            &mut ScanCache::new(None).scoped("t", None),
        )
    }

    const BODY: &[u8] = br#"{"model": "m", "messages": [{"role": "user", "content": "Mail jane@corp.com or jane@corp.com, card 4111 1111 1111 1111"}]}"#;

    #[test]
    fn resent_history_is_answered_from_the_scan_cache_with_the_same_plan() {
        let s = settings("{}");
        let history = format!(
            "My card is 4111 1111 1111 1111. {}",
            "We talked about the quarterly report at length. ".repeat(8)
        );
        let body = |turn: &str| {
            serde_json::json!({"model": "m", "messages": [
                {"role": "user", "content": history},
                {"role": "user", "content": turn}]})
            .to_string()
        };
        let mut cache = ScanCache::new(Some([9; 16]));
        let mut turn = |text: &str| {
            super::scan(
                body(text).as_bytes(),
                BodyKind::Json,
                None,
                &s,
                &s.gateway,
                &mut cache.scoped("acme", Some("u1")),
            )
        };
        let first = turn("Mail jane@corp.com");
        let second = turn("Mail john@corp.com");
        assert_eq!((first.cached_fields, second.cached_fields), (0, 1));
        let Plan::Tokenize(p) = second.plan else {
            panic!("the history's card and the new address are tokenized")
        };
        assert_eq!(
            p.items(),
            vec![
                ("CREDIT_CARD".into(), "4111 1111 1111 1111".into()),
                ("EMAIL_ADDRESS".into(), "john@corp.com".into())
            ]
        );
    }

    #[test]
    fn values_are_tokenized_once_each_and_the_body_stays_json() {
        let s = settings("{}");
        let Plan::Tokenize(p) = scan(BODY, BodyKind::Json, &s).plan else {
            panic!()
        };
        assert_eq!(
            p.items(),
            vec![
                ("EMAIL_ADDRESS".into(), "jane@corp.com".into()),
                ("CREDIT_CARD".into(), "4111 1111 1111 1111".into())
            ]
        );
        let (body, pairs) = p
            .apply(
                &["email-x@example.com".into(), "0073 6555 7214 2076".into()],
                &s,
            )
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v["messages"][0]["content"],
            "Mail email-x@example.com or email-x@example.com, card 0073 6555 7214 2076"
        );
        assert_eq!(
            pairs[1],
            (
                "0073 6555 7214 2076".to_string(),
                "4111 1111 1111 1111".to_string()
            )
        );
        assert!(p.apply(&["one".into()], &s).is_err());
    }

    #[test]
    fn redactions_apply_without_the_vault() {
        let s = settings(r#"{"CREDIT_CARD": "redact"}"#);
        let Plan::Tokenize(p) = scan(BODY, BodyKind::Json, &s).plan else {
            panic!()
        };
        let out = String::from_utf8(p.redacted_only(&s).unwrap()).unwrap();
        assert!(
            out.contains("card [CREDIT_CARD]") && out.contains("jane@corp.com"),
            "{out}"
        );
    }

    #[test]
    fn query_strings_are_scanned_but_the_providers_key_is_not() {
        let s = settings("{}");
        let found = scan_query(
            "alt=sse&key=AIzaSyD4x9QWlmP1abcdefghijklmnopqrstuvw&email=jane%40corp.com",
            &s,
            &s.gateway,
        );
        assert_eq!(found, vec![Entity::EmailAddress]);
        assert!(scan_query("api-version=2024-06-01&stream=true", &s, &s.gateway).is_empty());
        let allowed = settings(r#"{"EMAIL_ADDRESS": "allow"}"#);
        assert!(scan_query("to=jane%40corp.com", &allowed, &allowed.gateway).is_empty());
    }

    #[test]
    fn the_path_names_the_api_and_its_structure_is_left_alone() {
        let s = settings("{}");
        // A Bedrock Converse body: `messages` like a chat, but its own structure.
        let body = br#"{"messages": [{"role": "user", "content": [{"text": "Mail jane@corp.com"}, {"document": {"format": "txt", "name": "jane@corp.com", "source": {"bytes": "amFuZUBjb3JwLmNvbQ=="}}}]}]}"#;
        let scan = scan_at(body, BodyKind::Json, Some("/model/m/converse"), &s);
        assert_eq!(scan.api, Api::BedrockConverse);
        let Plan::Tokenize(p) = scan.plan else {
            panic!("values found")
        };
        assert_eq!(p.items().len(), 1, "text and document name, one value");
        assert_eq!(p.masking.edits(&["t".into()]).len(), 2);
        let (masked, _) = p.apply(&["email-3y9tm3d4@example.com".into()], &s).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&masked).unwrap();
        assert_eq!(
            v["messages"][0]["content"][1]["document"]["source"]["bytes"], "amFuZUBjb3JwLmNvbQ==",
            "base64 media is structure"
        );
        assert_eq!(
            v["messages"][0]["content"][1]["document"]["name"],
            "email-3y9tm3d4@example.com"
        );
    }

    #[test]
    fn history_tokens_are_found_once() {
        let body = br#"{"messages": [{"role": "user", "content": "I am Person_7QF2"}, {"role": "assistant", "content": "Hi Person_7QF2, mail email-3y9tm3d4@example.com"}]}"#;
        assert_eq!(
            scan(body, BodyKind::Json, &settings("{}")).history,
            vec!["Person_7QF2", "email-3y9tm3d4@example.com"]
        );
    }

    #[test]
    fn actions_per_kind() {
        assert!(
            matches!(scan(BODY, BodyKind::Json, &settings(r#"{"CREDIT_CARD": "block"}"#)).plan, Plan::Block { entity } if entity == "CREDIT_CARD")
        );
        let Plan::Rewritten { body, .. } = scan(
            BODY,
            BodyKind::Json,
            &settings(r#"{"CREDIT_CARD": "redact", "EMAIL_ADDRESS": "allow"}"#),
        )
        .plan
        else {
            panic!()
        };
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("jane@corp.com, card [CREDIT_CARD]"));
        assert!(matches!(
            scan(
                BODY,
                BodyKind::Json,
                &settings(r#"{"CREDIT_CARD": "allow", "EMAIL_ADDRESS": "allow"}"#)
            )
            .plan,
            Plan::Forward
        ));
        assert!(matches!(
            scan(b"{not json", BodyKind::Json, &settings("{}")).plan,
            Plan::Invalid { .. }
        ));
    }

    #[test]
    fn malformed_json_is_rejected_or_scanned_as_text_by_config() {
        let body = br#"{"messages": [{"content": "mail jane@corp.com"}"#;
        let s = settings("{}");
        let rejected = scan(body, BodyKind::Json, &s);
        assert!(matches!(rejected.plan, Plan::Invalid { .. }) && !rejected.as_text);
        let mut lenient = (*s.gateway).clone();
        lenient.invalid_json = InvalidJson::ScanAsText;
        let text = super::scan(
            body,
            BodyKind::Json,
            None,
            &s,
            &lenient,
            &mut ScanCache::new(None).scoped("t", None),
        );
        assert!(text.as_text);
        let Plan::Tokenize(p) = text.plan else {
            panic!("the e-mail is found in the text")
        };
        let (out, _) = p.apply(&["email-x@example.com".into()], &s).unwrap();
        assert_eq!(
            out,
            br#"{"messages": [{"content": "mail email-x@example.com"}"#
        );
        let invalid_utf8 = super::scan(
            b"{\"a\": \"\xff",
            BodyKind::Json,
            None,
            &s,
            &lenient,
            &mut ScanCache::new(None).scoped("t", None),
        );
        assert!(matches!(invalid_utf8.plan, Plan::Invalid { .. }));
        let escaped = super::scan(
            br#"{"a": "jane\u0040corp.com""#,
            BodyKind::Json,
            None,
            &s,
            &lenient,
            &mut ScanCache::new(None).scoped("t", None),
        );
        assert!(
            matches!(escaped.plan, Plan::Invalid { .. }),
            "escapes a text scan cannot read are rejected"
        );
    }
}
