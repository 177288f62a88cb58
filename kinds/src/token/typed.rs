//! Typed tokens, `Person_7QF2`: a readable kind label and a Crockford base-32 id. Used for
//! every kind without a format of its own, and as the fallback when a format's reserved range
//! is exhausted. The label reads naturally to a language model, so it keeps the token intact
//! and uses it like a name.

use super::Draw;
use crate::kind::{Entity, BUILTIN};

/// Crockford's base 32: no I, L, O or U, so ids survive being read aloud or retyped.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The label a typed token starts with: `PERSON` → `Person`, `EMPLOYEE_ID` → `EmployeeId`.
pub fn typed_label(entity: &Entity) -> String {
    match entity.kind() {
        Some(kind) => kind.typed_label.to_string(),
        None => camel(entity.as_str()),
    }
}

fn camel(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for part in label.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// The longest id a typed token has: the finder's pattern takes no more, so a mint never
/// gives a token that responses could not be searched for.
pub(crate) const MAX_ID_LEN: usize = 12;

pub(super) fn mint(entity: &Entity, draw: &mut Draw, id_len: usize) -> String {
    let mut out = typed_label(entity);
    out.push('_');
    for _ in 0..id_len.min(MAX_ID_LEN) {
        out.push(char::from(ALPHABET[draw.below(32) as usize]));
    }
    out
}

/// Whether `text` begins with a typed token of a built-in kind (`Nhs_2V5C, ...`). The detector
/// uses it so a token's label is never taken for a context word ("Nhs" next to a number).
pub fn starts_with_typed_token(text: &str) -> bool {
    BUILTIN
        .iter()
        .map(|e| e.kind().expect("built-in").typed_label)
        .any(|label| {
            let Some(id) = text.strip_prefix(label).and_then(|r| r.strip_prefix('_')) else {
                return false;
            };
            let run = id.bytes().take_while(u8::is_ascii_alphanumeric).count();
            run > 0 && id.as_bytes()[..run].iter().all(|b| ALPHABET.contains(b))
        })
}

pub(super) fn is_token(entity: &Entity, text: &str) -> bool {
    // Every typed token has an underscore; most candidates do not, and cost nothing more.
    if !text.contains('_') {
        return false;
    }
    let custom;
    let label = match entity.kind() {
        Some(kind) => kind.typed_label,
        None => {
            custom = camel(entity.as_str());
            custom.as_str()
        }
    };
    text.strip_prefix(label)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|id| {
            (1..=MAX_ID_LEN).contains(&id.len()) && id.bytes().all(|b| ALPHABET.contains(&b))
        })
}
