//! Configuration: one JSON document for `veil scan --config` and the Envoy filter's plugin
//! configuration. The core defines what to detect and how bodies are read; the document's
//! `gateway` part is the filter's own (`veil_filter::config`), plugged in as a type parameter
//! so the CLI and the filter read the same document with the same parser.
//!
//! Parsed once, validated once. Unknown fields are rejected and every error names the field it
//! is about (`detection.thresholds.PHONE_NUMBER: ...`), so a typo in a mesh-wide plugin config is
//! caught at load time instead of silently changing what is masked.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::validate::Named;

/// The whole configuration document. `G` is the schema of its `gateway` part: the filter's
/// `GatewayConfig` where the filter or the CLI reads the document, `NoGateway` where only
/// detection is configured (a `gateway` part is then an error).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "G: Deserialize<'de>"))]
pub struct VeilConfig<G = NoGateway> {
    #[serde(default)]
    pub detection: DetectionConfig,
    #[serde(default)]
    pub body: BodyConfig,
    /// The Envoy filter's settings; absent for `veil scan`.
    #[serde(default = "Option::default")]
    pub gateway: Option<G>,
}

impl<G> Default for VeilConfig<G> {
    fn default() -> Self {
        VeilConfig {
            detection: DetectionConfig::default(),
            body: BodyConfig::default(),
            gateway: None,
        }
    }
}

/// A `gateway` part's own checks, run when the document is parsed.
pub trait GatewayPart: DeserializeOwned {
    fn validate(&self) -> Result<(), ConfigError>;
}

/// The `gateway` part where no gateway schema is plugged in: present, it is an error.
#[derive(Debug, Clone)]
pub enum NoGateway {}

impl<'de> Deserialize<'de> for NoGateway {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "the gateway part is read by the Envoy filter (veil-filter), not here",
        ))
    }
}

impl GatewayPart for NoGateway {
    fn validate(&self) -> Result<(), ConfigError> {
        match *self {}
    }
}

/// What to detect and how sure to be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionConfig {
    /// Entity kinds to detect; absent means the default set (every tier-1 kind except URL).
    /// Custom and deny-list kinds are always on.
    #[serde(default)]
    pub entities: Option<Vec<String>>,
    /// Minimum score to report, for kinds not listed in `thresholds`.
    #[serde(default = "default_threshold")]
    pub default_threshold: f32,
    /// Per-kind minimum score.
    #[serde(default)]
    pub thresholds: BTreeMap<String, f32>,
    /// How many words before a match are searched for context words (Presidio uses 5; 6 also
    /// catches "Contact number on the form says ...").
    #[serde(default = "default_context_window")]
    pub context_window: usize,
    /// Extra context words per kind, added to the built-in ones.
    #[serde(default)]
    pub context_words: BTreeMap<String, Vec<String>>,
    /// Values never reported (compared case-insensitively), e.g. the company's support address.
    #[serde(default)]
    pub allow_list: Vec<String>,
    /// Terms always reported, by the kind to report them as (e.g. `{"PROJECT": ["Falcon"]}`).
    #[serde(default)]
    pub deny_list: BTreeMap<String, Vec<String>>,
    /// Labels that make the identifier right after them personal, added to the built-in
    /// vocabulary, by the kind to report (`{"badge number": "EMPLOYEE_ID"}`): a tier-1 kind
    /// or a new `UPPER_SNAKE` one (then always on).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Team-defined kinds: a regex, an optional validator and context words.
    #[serde(default)]
    pub custom: Vec<CustomEntity>,
    /// The tier-2 classifier (PERSON, LOCATION, ORGANIZATION).
    #[serde(default)]
    pub classifier: ClassifierConfig,
}

/// The tier-2 classifier: a small neural tagger for names, places and organisations, which
/// patterns cannot find. Off unless enabled: it costs far more per byte than tier 1.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Run the classifier; PERSON, LOCATION and ORGANIZATION are then detected by default.
    #[serde(default)]
    pub enabled: bool,
    /// Text the classifier reads per request (per `veil scan` line). Fields are read newest
    /// first (the latest chat turn before the history); text beyond the bound gets tier 1
    /// only, and is counted (`veil_classifier_bytes_skipped`), never silently.
    #[serde(default = "default_classifier_bytes")]
    pub max_bytes_per_request: usize,
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        ClassifierConfig {
            enabled: false,
            max_bytes_per_request: default_classifier_bytes(),
        }
    }
}

/// A team-defined entity kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomEntity {
    /// Label, `UPPER_SNAKE`, not a built-in one.
    pub name: String,
    /// A regex (Rust `regex` syntax: linear time, no look-around or backreferences).
    pub pattern: String,
    /// A checksum the match must pass; on failure the match needs a context word.
    #[serde(default)]
    pub validator: Option<Named>,
    /// Words that raise the score when near the match.
    #[serde(default)]
    pub context: Vec<String>,
    /// Score of a validated match without context.
    #[serde(default = "default_custom_score")]
    pub score: f32,
    /// When true, a match counts only with a context word near.
    #[serde(default)]
    pub context_required: bool,
}

/// How request and response bodies are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyConfig {
    #[serde(default)]
    pub json: JsonScanConfig,
}

/// Which parts of a JSON body are scanned.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonScanConfig {
    /// JSON pointers (RFC 6901, plus `*` for any one segment); when non-empty, only values
    /// under one of them are scanned.
    #[serde(default)]
    pub include: Vec<String>,
    /// JSON pointers whose values are never scanned (wins over `include`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Also scan object keys.
    #[serde(default)]
    pub scan_keys: bool,
    /// Which number literals are scanned (as their text): `long` ones (9 or more digits: a
    /// card or an account number sent as a number), `all`, or `none`.
    #[serde(default)]
    pub scan_numbers: ScanNumbers,
    /// Deeper nesting is rejected with an error.
    #[serde(default = "default_max_depth")]
    pub max_depth: usize,
}

/// Which JSON number literals are scanned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanNumbers {
    None,
    /// Literals of 9 or more digits: shorter numbers (counts, limits, prices) are never
    /// personal data of the kinds Veil knows.
    #[default]
    Long,
    All,
}

impl ScanNumbers {
    pub fn covers(self, literal: &str) -> bool {
        match self {
            ScanNumbers::None => false,
            ScanNumbers::All => true,
            ScanNumbers::Long => literal.bytes().filter(u8::is_ascii_digit).count() >= 9,
        }
    }
}

impl Default for DetectionConfig {
    fn default() -> Self {
        DetectionConfig {
            entities: None,
            default_threshold: default_threshold(),
            thresholds: BTreeMap::new(),
            context_window: default_context_window(),
            context_words: BTreeMap::new(),
            allow_list: Vec::new(),
            deny_list: BTreeMap::new(),
            labels: BTreeMap::new(),
            custom: Vec::new(),
            classifier: ClassifierConfig::default(),
        }
    }
}

impl Default for JsonScanConfig {
    fn default() -> Self {
        JsonScanConfig {
            include: Vec::new(),
            exclude: Vec::new(),
            scan_keys: false,
            scan_numbers: ScanNumbers::Long,
            max_depth: default_max_depth(),
        }
    }
}

fn default_threshold() -> f32 {
    0.5
}
fn default_context_window() -> usize {
    6
}
fn default_custom_score() -> f32 {
    0.6
}
fn default_max_depth() -> usize {
    128
}
fn default_classifier_bytes() -> usize {
    16 * 1024
}

/// A configuration problem, naming the field (a dotted path) it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() || self.field == "." {
            write!(f, "config: {}", self.message)
        } else {
            write!(f, "config field `{}`: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

impl<G: GatewayPart> VeilConfig<G> {
    /// Parse and validate a configuration document, detection settings included
    /// (`Engine::check`), so a bad document never half-loads. Whether this build can run the
    /// classifier is checked when the engine is built.
    pub fn from_json(text: &str) -> Result<VeilConfig<G>, ConfigError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let config: VeilConfig<G> = serde_path_to_error::deserialize(de).map_err(|e| {
            // serde's message for a type error can quote the offending value, and the path can
            // hold an unknown key: keep both short and never echo long strings (they may be
            // secrets pasted in the wrong place).
            ConfigError::new(
                error_field(e.path()),
                redact_serde_message(&e.into_inner().to_string()),
            )
        })?;
        config.body.json.validate()?;
        if let Some(gateway) = &config.gateway {
            gateway.validate()?;
        }
        crate::detect::Engine::check(&config.detection)?;
        Ok(config)
    }
}

/// Longest part of a document an error repeats: a quoted value, or one key of a field path.
const ECHO_CHARS: usize = 40;

/// A field path for an error, `a.b[2].c`, each key cut to a short prefix: an unknown key
/// ends the path, and a key can be a value pasted in the wrong place. Empty at the top level.
pub fn error_field(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&cut(key));
            }
            serde_path_to_error::Segment::Enum { variant } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.extend(variant.chars().take(ECHO_CHARS));
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// The field `prefix.key` for an error about a key of the document, the key cut short as
/// `error_field` cuts it (`detection.labels.<phrase>`).
pub fn key_field(prefix: &str, key: &str) -> String {
    format!("{prefix}.{}", cut(key))
}

/// `key` as an error may repeat it: its first `ECHO_CHARS` characters.
fn cut(key: &str) -> String {
    let mut out: String = key.chars().take(ECHO_CHARS).collect();
    if key.chars().nth(ECHO_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// serde's message with every quoted value or name cut to a short prefix.
pub fn redact_serde_message(message: &str) -> String {
    // serde_json appends " at line L column C", which is useful; quoted values are cut to a
    // short prefix. serde quotes a string value with `"` (escaping any inside) and a name with
    // backticks; a quote ends only at its own kind, so a value holding the other kind (or an
    // escaped quote) cannot end it early and let the rest through.
    let mut out = String::with_capacity(message.len());
    let mut open: Option<char> = None;
    let mut escaped = false;
    let mut quoted = 0;
    for c in message.chars() {
        match open {
            None if c == '`' || c == '"' => {
                open = Some(c);
                quoted = 0;
                out.push(c);
                continue;
            }
            Some(q) if c == q && !escaped => {
                open = None;
                out.push(c);
                continue;
            }
            Some(_) => {
                escaped = c == '\\' && !escaped;
                quoted += 1;
                if quoted > ECHO_CHARS {
                    if quoted == ECHO_CHARS + 1 {
                        out.push('…');
                    }
                    continue;
                }
            }
            None => {}
        }
        out.push(c);
    }
    out
}

impl JsonScanConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        for (name, list) in [("include", &self.include), ("exclude", &self.exclude)] {
            for (i, p) in list.iter().enumerate() {
                if !(p.is_empty() || p.starts_with('/')) {
                    return Err(ConfigError::new(
                        format!("body.json.{name}[{i}]"),
                        "a JSON pointer is empty or starts with `/`",
                    ));
                }
            }
        }
        if self.max_depth == 0 || self.max_depth > 1024 {
            return Err(ConfigError::new(
                "body.json.max_depth",
                "must be between 1 and 1024",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_document_is_the_default() {
        let c = VeilConfig::<NoGateway>::from_json("{}").unwrap();
        assert_eq!(c.detection.default_threshold, 0.5);
        assert_eq!(c.body.json.max_depth, 128);
    }

    #[test]
    fn shipped_example_is_valid() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/example.json");
        let text = std::fs::read_to_string(path).expect("config/example.json is in the repo");
        let c = VeilConfig::<NoGateway>::from_json(&text).unwrap();
        assert_eq!(c.detection.custom.len(), 2);
    }

    #[test]
    fn a_gateway_part_needs_the_filters_schema() {
        let e = VeilConfig::<NoGateway>::from_json(r#"{"gateway": {}}"#).unwrap_err();
        assert_eq!(e.field, "gateway");
        assert!(e.message.contains("veil-filter"), "{e}");
    }

    #[test]
    fn unknown_fields_are_named() {
        let e =
            VeilConfig::<NoGateway>::from_json(r#"{"detection": {"tresholds": {}}}"#).unwrap_err();
        assert_eq!(e.field, "detection.tresholds");
        assert!(e.message.contains("tresholds"), "{e}");
        let e = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"custom": [{"name": "X", "pattern": "a", "colour": 1}]}}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "detection.custom[0].colour");
    }

    #[test]
    fn wrong_types_are_named() {
        let e = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"thresholds": {"US_SSN": "high"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "detection.thresholds.US_SSN");
    }

    #[test]
    fn bad_pointers_are_named() {
        let e = VeilConfig::<NoGateway>::from_json(r#"{"body": {"json": {"exclude": ["model"]}}}"#)
            .unwrap_err();
        assert_eq!(e.field, "body.json.exclude[0]");
    }

    #[test]
    fn the_classifier_is_validated_and_needs_a_build_with_one() {
        let c = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"classifier": {"enabled": true}}}"#,
        )
        .unwrap();
        let e = crate::detect::Engine::new(&c.detection).err().unwrap();
        assert_eq!(e.field, "detection.classifier.enabled");
        let e = VeilConfig::<NoGateway>::from_json(r#"{"detection": {"entities": ["PERSON"]}}"#)
            .unwrap_err();
        assert_eq!(e.field, "detection.entities[0]");
        assert!(e.message.contains("detection.classifier.enabled"), "{e}");
        let e = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"classifier": {"enabled": true, "max_bytes_per_request": 10}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "detection.classifier.max_bytes_per_request");
        VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"classifier": {"enabled": true}, "thresholds": {"PERSON": 0.7}}}"#,
        )
        .unwrap();
        let e = VeilConfig::<NoGateway>::from_json(
            r#"{"detection": {"classifier": {"enabeld": true}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "detection.classifier.enabeld");
    }

    #[test]
    fn long_values_are_not_echoed() {
        let secret = "sk-".to_string() + &"a".repeat(60);
        let doc = format!(r#"{{"detection": {{"default_threshold": "{secret}"}}}}"#);
        let e = VeilConfig::<NoGateway>::from_json(&doc).unwrap_err();
        assert!(!e.to_string().contains(&secret), "{e}");
    }

    /// Found by fuzzing (fuzz/plugin_config): a value holding backticks or escaped quotes
    /// ended the redaction's quote early, and the rest of the value was echoed.
    #[test]
    fn values_with_quotes_inside_are_not_echoed() {
        for tail in ["`".repeat(60), "\\\"".repeat(30), "`x\\\"y".repeat(20)] {
            let secret = format!("sk-{tail}secret-end");
            let doc = serde_json::to_string(&secret).unwrap();
            let e = VeilConfig::<NoGateway>::from_json(&doc).unwrap_err();
            assert!(!e.to_string().contains("secret-end"), "{e}");
            let doc = format!(r#"{{"detection": {{"default_threshold": {doc}}}}}"#);
            let e = VeilConfig::<NoGateway>::from_json(&doc).unwrap_err();
            assert!(!e.to_string().contains("secret-end"), "{e}");
        }
    }

    #[test]
    fn long_keys_of_maps_are_not_echoed() {
        let key = format!("X{}secret-end", "Y".repeat(60));
        for doc in [
            format!(r#"{{"detection": {{"labels": {{"{key}": "BADGE"}}}}}}"#),
            format!(r#"{{"detection": {{"deny_list": {{"{key}": ["a"]}}}}}}"#),
            format!(r#"{{"detection": {{"thresholds": {{"{key}": 0.5}}}}}}"#),
            format!(r#"{{"detection": {{"context_words": {{"{key}": ["a"]}}}}}}"#),
        ] {
            let e = VeilConfig::<NoGateway>::from_json(&doc).unwrap_err();
            assert!(!e.to_string().contains("secret-end"), "{e}");
        }
    }

    #[test]
    fn a_long_unknown_key_is_not_echoed_in_the_field_path() {
        // Found by fuzzing: the message quoted the key short, the path repeated it whole.
        let key = format!("api_key_{}secret-end", "r".repeat(60));
        let doc = format!(r#"{{"detection": {{"{key}": 1}}}}"#);
        let e = VeilConfig::<NoGateway>::from_json(&doc).unwrap_err();
        assert!(e.field.starts_with("detection.api_key_rrr"), "{e}");
        assert!(!e.to_string().contains("secret-end"), "{e}");
    }
}
