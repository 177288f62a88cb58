//! The filter's own answers: `{"error": {"code", "message"}}`, the vault's shape. Messages
//! name kinds and limits, never a value.

pub fn error_body(code: &str, message: &str) -> Vec<u8> {
    serde_json::json!({"error": {"code": code, "message": message, "source": "veil"}})
        .to_string()
        .into_bytes()
}
