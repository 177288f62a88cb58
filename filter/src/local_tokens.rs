//! Tokens for a request that carries no identity (no verified scope). Such a request has no
//! one to share tokens with, so its tokens are minted here, from a key that exists only for
//! this request: the same value keeps one token within the request (the model can follow
//! it), gets another in the next, and a token pasted from elsewhere never matches one of
//! these, so it stays a token. Nothing is stored and the vault is not called.
//!
//! The cost: an unscoped conversation's history gets new tokens every turn, so a provider's
//! prompt cache cannot reuse it. Configuring an identity (`gateway.scope`) restores stable
//! tokens.

use std::collections::HashSet;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use veil_kinds::token::Minter;
use veil_kinds::Entity;

/// Attempts before two values of one request stop competing for a token (never reached: typed
/// ids grow longer as attempts climb).
const MAX_ATTEMPTS: u32 = 64;

/// One token per (kind label, value) item, in order, distinct from each other (ignoring
/// ASCII case, as restoring does).
pub fn mint(items: &[(String, String)], key: &[u8; 32]) -> Vec<String> {
    let minter = Minter::default();
    let mut taken = HashSet::new();
    items
        .iter()
        .map(|(label, value)| {
            let entity =
                Entity::builtin(label).unwrap_or_else(|| Entity::Custom(label.as_str().into()));
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
            for part in [label.as_bytes(), value.as_bytes()] {
                mac.update(&(part.len() as u64).to_be_bytes());
                mac.update(part);
            }
            let seed: [u8; 32] = mac.finalize().into_bytes().into();
            let mut attempt = 0;
            loop {
                let token = minter.mint(&entity, value, &seed, attempt);
                if taken.insert(token.to_ascii_lowercase()) || attempt >= MAX_ATTEMPTS {
                    return token;
                }
                attempt += 1;
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use veil_kinds::token::is_token;

    fn items() -> Vec<(String, String)> {
        vec![
            ("EMAIL_ADDRESS".into(), "jane@corp.com".into()),
            ("CREDIT_CARD".into(), "4111 1111 1111 1111".into()),
            ("PERSON".into(), "Jane Roe".into()),
            ("EMPLOYEE_ID".into(), "EMP-123456".into()),
        ]
    }

    #[test]
    fn tokens_keep_their_form_and_differ_between_requests() {
        let a = mint(&items(), &[1; 32]);
        assert_eq!(a, mint(&items(), &[1; 32]), "one key, the same tokens");
        let b = mint(&items(), &[2; 32]);
        for (i, (label, _)) in items().iter().enumerate() {
            assert_ne!(a[i], b[i], "another request, another token for {label}");
            if let Some(e) = Entity::builtin(label) {
                assert!(is_token(&e, &a[i]), "{label}: {}", a[i]);
            }
        }
        assert!(a[3].starts_with("EmployeeId_"));
    }

    #[test]
    fn values_of_one_request_never_share_a_token() {
        // A thousand values of a kind whose tokens are short: still a thousand tokens.
        let many: Vec<(String, String)> = (0..1000)
            .map(|i| ("PERSON".to_string(), format!("Name {i}")))
            .collect();
        let tokens = mint(&many, &[3; 32]);
        let distinct: HashSet<String> = tokens.iter().map(|t| t.to_ascii_lowercase()).collect();
        assert_eq!(distinct.len(), 1000);
    }
}
