//! The tokenize callout: what the filter sends the vault, and how it reads the answer. The
//! vault's API is in vault-service/openapi.json.

use serde_json::{json, Value};

pub fn tokenize_body(tenant: &str, scope: Option<&str>, items: &[(String, String)]) -> Vec<u8> {
    let entities: Vec<Value> = items
        .iter()
        .map(|(t, v)| json!({"type": t, "value": v}))
        .collect();
    let mut body = json!({"tenant": tenant, "entities": entities});
    if let Some(scope) = scope {
        body["scope"] = Value::String(scope.to_string());
    }
    body.to_string().into_bytes()
}

/// The tokens from a tokenize answer, or why there are none (never quoting the body).
pub fn tokens(status: Option<&str>, body: &[u8], expected: usize) -> Result<Vec<String>, String> {
    if status != Some("200") {
        return Err(format!("vault answered {}", status.unwrap_or("nothing")));
    }
    let v: Value =
        serde_json::from_slice(body).map_err(|_| "vault answer is not JSON".to_string())?;
    let tokens: Vec<String> = v["tokens"]
        .as_array()
        .ok_or("vault answer has no tokens")?
        .iter()
        .map(|t| {
            t.as_str()
                .map(str::to_string)
                .ok_or("vault token is not a string")
        })
        .collect::<Result<_, _>>()?;
    if tokens.len() != expected {
        return Err(format!(
            "vault returned {} tokens for {expected} values",
            tokens.len()
        ));
    }
    Ok(tokens)
}

pub fn rehydrate_body(tenant: &str, scope: Option<&str>, tokens: &[String]) -> Vec<u8> {
    let mut body = json!({"tenant": tenant, "tokens": tokens});
    if let Some(scope) = scope {
        body["scope"] = Value::String(scope.to_string());
    }
    body.to_string().into_bytes()
}

/// The (token, value) pairs a rehydrate answer grants; denied, unknown and expired tokens
/// are left out (they stay tokens in the response).
pub fn granted(status: Option<&str>, body: &[u8]) -> Result<Vec<(String, String)>, String> {
    if status != Some("200") {
        return Err(format!("vault answered {}", status.unwrap_or("nothing")));
    }
    let v: Value =
        serde_json::from_slice(body).map_err(|_| "vault answer is not JSON".to_string())?;
    let values = v["values"].as_array().ok_or("vault answer has no values")?;
    Ok(values
        .iter()
        .filter(|e| e["status"] == "ok")
        .filter_map(|e| {
            Some((
                e["token"].as_str()?.to_string(),
                e["value"].as_str()?.to_string(),
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked() {
        assert_eq!(
            tokens(Some("200"), br#"{"tokens": ["a", "b"]}"#, 2).unwrap(),
            vec!["a", "b"]
        );
        assert!(tokens(Some("503"), b"", 1).unwrap_err().contains("503"));
        assert!(tokens(Some("200"), br#"{"tokens": ["a"]}"#, 2).is_err());
        assert!(tokens(None, b"", 1).is_err());
        let body: Value = serde_json::from_slice(&tokenize_body(
            "acme",
            Some("u1"),
            &[("PERSON".into(), "Jane".into())],
        ))
        .unwrap();
        assert_eq!(
            body,
            json!({"tenant": "acme", "scope": "u1", "entities": [{"type": "PERSON", "value": "Jane"}]})
        );
    }
}
