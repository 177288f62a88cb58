//! The filter's counters, as Envoy shows them in `/stats` (prefixed `wasmcustom.`). Names
//! carry kinds and outcomes only, never a value; custom kinds are folded into `CUSTOM` so a
//! configuration cannot grow the set without bound.

use veil_kinds::kind::{counter_name, BUILTIN};
use veil_kinds::Entity;

/// Requests whose body was scanned.
pub const SCANNED: &str = "veil_requests_scanned";
/// Requests rejected because a kind's action is `block`.
pub const BLOCKED: &str = "veil_requests_blocked";
/// Request bodies over `max_body_bytes` (413).
pub const TOO_LARGE: &str = "veil_requests_too_large";
/// Bodies over the limit forwarded unscanned because the route's `over_limit` is `pass`
/// (also counted in `TOO_LARGE`).
pub const OVER_LIMIT_PASSED: &str = "veil_requests_over_limit_passed";
/// Request bodies of a type Veil cannot read, forwarded unscanned because the route's
/// `unknown_content_type` is `pass`.
pub const UNKNOWN_TYPE_PASSED: &str = "veil_requests_unknown_type_passed";
/// Malformed JSON bodies scanned as text (`invalid_json: scan_as_text`).
pub const SCANNED_AS_TEXT: &str = "veil_requests_scanned_as_text";
/// Responses whose tokens could not all be restored (the history's rehydrate callout
/// failed, the response came compressed or was over `max_response_bytes`); the tokens stay
/// in the text.
pub const REHYDRATION_INCOMPLETE: &str = "veil_responses_rehydration_incomplete";
/// Buffered responses over `max_response_bytes`, sent on as the provider wrote them, tokens
/// in place (also counted in `REHYDRATION_INCOMPLETE`).
pub const RESPONSES_OVER_LIMIT: &str = "veil_responses_over_limit";
/// Bodies that could not be read as their content type (400).
pub const INVALID: &str = "veil_requests_invalid";
/// Vault callouts (tokenize or rehydrate) that failed (dispatch error, timeout, bad answer).
pub const CALLOUT_FAILURES: &str = "veil_vault_callout_failures";
/// Requests forwarded unmasked because `failure_mode` is `open` and the vault failed.
pub const FAIL_OPEN_PASSES: &str = "veil_fail_open_passes";
/// Tokenize callout latency in milliseconds (histogram).
pub const CALLOUT_MS: &str = "veil_vault_callout_ms";
/// Responses whose body went through restoration.
pub const RESPONSES_RESTORED: &str = "veil_responses_restored";

/// Values whose token came from the VM's token cache, with no callout.
pub const CACHE_HITS: &str = "veil_token_cache_hits";
/// Request fields whose findings came from the VM's scan cache (resent history), unscanned.
pub const SCAN_CACHE_HITS: &str = "veil_scan_cache_hits";
/// Tokens restored in responses (minted for the request, or granted by the vault).
pub const TOKENS_RESTORED: &str = "veil_tokens_restored";

/// Bytes of request text the tier-2 classifier read.
pub const CLASSIFIER_BYTES: &str = "veil_classifier_bytes";
/// Bytes it did not read because the request's `max_bytes_per_request` was spent (they got
/// tier 1 only).
pub const CLASSIFIER_BYTES_SKIPPED: &str = "veil_classifier_bytes_skipped";
/// Requests with some text over the classifier's bound.
pub const CLASSIFIER_OVER_BUDGET: &str = "veil_classifier_over_budget";

/// Requests read without an identity (no verified scope): tokens minted for the request
/// alone, no vault, pasted tokens left as they are.
pub const WITHOUT_IDENTITY: &str = "veil_requests_without_identity";
/// Requests refused (400) for a value in the query string.
pub const QUERY_REJECTED: &str = "veil_requests_query_rejected";
/// Requests forwarded with a value in the query string (the route's `query.detected: pass`).
pub const QUERY_PASSED: &str = "veil_requests_query_passed";
/// Tokens left in place in answers because they stood inside a URL.
pub const TOKENS_KEPT_IN_URLS: &str = "veil_tokens_kept_in_urls";
/// Streams in which an event outgrew the limit: the rest passed with its tokens in place
/// (also counted in `REHYDRATION_INCOMPLETE`).
pub const STREAM_OVERFLOW: &str = "veil_responses_stream_overflow";
/// Answers that may hold tokens in a type Veil does not restore (a stream of unknown
/// framing, a binary type): passed as they came, tokens in place.
pub const UNKNOWN_ANSWER_TYPE: &str = "veil_responses_unknown_type";
/// Requests given the route's system instruction.
pub const INSTRUCTIONS_ADDED: &str = "veil_requests_instruction_added";

/// Every plain counter, defined once per VM.
pub const COUNTERS: &[&str] = &[
    SCANNED,
    BLOCKED,
    TOO_LARGE,
    OVER_LIMIT_PASSED,
    UNKNOWN_TYPE_PASSED,
    SCANNED_AS_TEXT,
    INVALID,
    CALLOUT_FAILURES,
    FAIL_OPEN_PASSES,
    RESPONSES_RESTORED,
    RESPONSES_OVER_LIMIT,
    REHYDRATION_INCOMPLETE,
    TOKENS_RESTORED,
    CACHE_HITS,
    SCAN_CACHE_HITS,
    CLASSIFIER_BYTES,
    CLASSIFIER_BYTES_SKIPPED,
    CLASSIFIER_OVER_BUDGET,
    WITHOUT_IDENTITY,
    QUERY_REJECTED,
    QUERY_PASSED,
    TOKENS_KEPT_IN_URLS,
    STREAM_OVERFLOW,
    UNKNOWN_ANSWER_TYPE,
    INSTRUCTIONS_ADDED,
];

/// The counter of values of `entity` masked (tokenized or redacted).
pub fn masked(entity: &Entity) -> String {
    counter_name("veil_entities_masked", entity)
}

/// The counter of values of `entity` found, whatever their action (allowed ones too).
pub fn detected(entity: &Entity) -> String {
    counter_name("veil_entities_detected", entity)
}

/// Every per-kind counter name.
pub fn per_kind_counters() -> Vec<String> {
    let custom = Entity::Custom("CUSTOM".into());
    BUILTIN
        .iter()
        .chain(std::iter::once(&custom))
        .flat_map(|e| [masked(e), detected(e)])
        .collect()
}

/// Every metric a VM defines: (name, whether it is a histogram).
pub fn all() -> Vec<(String, bool)> {
    COUNTERS
        .iter()
        .map(|c| c.to_string())
        .chain(per_kind_counters())
        .map(|c| (c, false))
        .chain([(CALLOUT_MS.to_string(), true)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded_and_carry_no_values() {
        assert_eq!(
            masked(&Entity::EmailAddress),
            "veil_entities_masked_EMAIL_ADDRESS"
        );
        assert_eq!(
            masked(&Entity::Custom("EMPLOYEE_ID".into())),
            "veil_entities_masked_CUSTOM"
        );
        assert_eq!(
            detected(&Entity::Custom("MRN".into())),
            "veil_entities_detected_CUSTOM"
        );
        assert_eq!(per_kind_counters().len(), 2 * (BUILTIN.len() + 1));
    }
}
