//! Inputs for the benchmarks: realistic prompt text of a chosen size with a few entities per KB.
//!
//! Built from the labelled corpus (markers stripped) interleaved with ordinary prose without
//! personal data, in a fixed order, so every run measures the same bytes.

use std::path::Path;

const PROSE: &[&str] = &[
    "Can you summarise the following support conversation and suggest a polite reply that explains our refund policy?",
    "We are migrating the billing service to a new queue; list the risks and a rollback plan in bullet points.",
    "Rewrite this paragraph so it reads more clearly for a non-technical audience, keeping the meaning intact.",
    "The customer says the package arrived damaged and wants a replacement before the weekend; draft an answer.",
    "Explain the difference between optimistic and pessimistic locking with a short example in Python.",
    "Here are the meeting notes from this morning. Extract the action items and who owns each of them.",
    "Translate the following message into French and German, keeping the tone friendly but professional.",
    "Our dashboard shows higher latency since the last deploy; which metrics should we look at first and why?",
    "Please review this pull request description and point out anything that is unclear or missing.",
    "Write a short onboarding checklist for a new engineer joining the payments team next week.",
];

/// Sentences carrying one entity each, for `chat_text`.
const WITH_ENTITY: &[&str] = &[
    "You can reach me at jane.doe@corp-mail.com if anything is unclear.",
    // Not an Ofcom drama number: those are the token space for UK phones, and a prompt
    // carrying one makes the filter ask the vault to rehydrate it.
    "My mobile is +44 7911 123456, call after five.",
    "The card ending up charged twice was 4111 1111 1111 1111.",
    "The staging server at 10.20.30.40 stopped answering on port 8443.",
    "I was born on March 5, 1990, if the form needs it.",
    "Her SSN on the application reads 536-90-4399.",
    "Refund to IBAN DE89 3704 0044 0532 0130 00 please.",
    "Someone committed the key AKIAIOSFODNN7EXAMPLE to the repo.",
];

/// Sentences with ordinary numbers that are not personal data.
const WITH_NUMBERS: &[&str] = &[
    "We shipped 3 releases last quarter and the next one, v2.14.1, is due in 10 days.",
    "The plan costs $49.99 per seat per month, about 12% more than last year.",
    "Latency went from 120 ms to 340 ms after the deploy on the 2nd cluster.",
];

/// About `size` bytes of everyday chat-prompt text: prose, a few ordinary numbers, and about
/// three entities per KB. Less adversarial than `prompt_text`, whose corpus examples are dense
/// with numeric hard negatives.
pub fn chat_text(size: usize) -> String {
    let mut out = String::with_capacity(size + 512);
    let mut i = 0;
    while out.len() < size {
        out.push_str(PROSE[i % PROSE.len()]);
        out.push(' ');
        if i % 3 == 0 {
            out.push_str(WITH_NUMBERS[(i / 3) % WITH_NUMBERS.len()]);
            out.push(' ');
        }
        if i % 2 == 1 {
            out.push_str(WITH_ENTITY[(i / 2) % WITH_ENTITY.len()]);
            out.push('\n');
        }
        i += 1;
    }
    truncate(out, size)
}

/// The development corpus, markers stripped, one string per example.
pub fn corpus_examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("benchmarks read the corpus in core/tests/corpus")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for ex in text.split("\n---\n") {
            out.push(strip_markers(ex));
        }
    }
    out
}

fn strip_markers(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len());
    let mut rest = marked;
    while let Some(open) = rest.find('⟦') {
        out.push_str(&rest[..open]);
        let after = &rest[open + '⟦'.len_utf8()..];
        let close = after.find('⟧').expect("closed marker");
        let inner = &after[..close];
        out.push_str(inner.split_once('|').map_or(inner, |(_, v)| v));
        rest = &after[close + '⟧'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// About `size` bytes of prompt text: one corpus example, then prose, repeated, so that there
/// are a few entities per KB.
pub fn prompt_text(size: usize) -> String {
    let examples = corpus_examples();
    let mut out = String::with_capacity(size + 4096);
    let mut i = 0;
    while out.len() < size {
        out.push_str(&examples[i % examples.len()]);
        out.push('\n');
        for k in 0..4 {
            out.push_str(PROSE[(i * 3 + k) % PROSE.len()]);
            out.push(' ');
        }
        out.push('\n');
        i += 1;
    }
    truncate(out, size)
}

/// `text` cut to at most `size` bytes, on a char boundary.
fn truncate(mut text: String, size: usize) -> String {
    let mut end = size.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// An OpenAI chat/completions request whose user messages hold `prompt_text(size)`.
pub fn chat_body(size: usize) -> String {
    let text = prompt_text(size);
    let messages: Vec<serde_json::Value> = text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::json!({"role": "user", "content": l}))
        .collect();
    serde_json::json!({"model": "gpt-4o", "messages": messages}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value in a token's space (a drama-range phone, say) is read as a token from an
    /// earlier turn and costs every request a rehydrate callout: the load figures would
    /// measure that instead of detection.
    #[test]
    fn chat_text_holds_entities_and_no_token() {
        let text = chat_text(64 << 10);
        assert!(veil_kinds::token::find_tokens(&text).is_empty());
        let found = veil_core::Engine::default().detect(&text);
        assert!(found.len() > 3 * 64, "{} entities in 64 KB", found.len());
    }
}
