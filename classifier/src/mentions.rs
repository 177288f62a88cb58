//! Further mentions of a name. A text that names "Vikram Iyer" and later says "Iyer" alone, or
//! that calls someone "Bill" in one sentence the tagger reads as a name and in another it
//! does not, names the same person each time. The tagger reads each mention in its own
//! context and misses many of the short ones (a surname alone, a given name that is also a
//! word: "Will", "Grace", "Page"), and each one it misses is the name sent to the provider.
//!
//! So a capitalised word of a person's span the rules kept is a person wherever else it
//! stands, capitalised, in the part of the text the tagger read; runs of such words are one
//! span ("Vikram Iyer" again). A mention still passes the rules on top (`plausible.rs`), and
//! a name that is also a common word ("Will", "Rose") does not count where it opens a
//! sentence ("Will you come?"). Only people: a place or a company named twice costs less
//! when the second mention is missed, and their words ("Bank", "River") recur as words.

use std::collections::HashMap;
use std::ops::Range;

use veil_kinds::Entity;

use crate::decode::{TokenSpan, KINDS};
use crate::plausible::{opens_a_sentence, Plausible, Words};

/// Further mentions, as PERSON spans, of the words of the person spans among `kept` (the
/// spans the rules kept, of any kind), in the tokens the tagger `read` and no kept span holds.
pub fn further(
    text: &str,
    tokens: &[Range<usize>],
    read: &[bool],
    kept: &[TokenSpan],
    rules: &Plausible<'_>,
    words: &impl Words,
) -> Vec<TokenSpan> {
    let person = KINDS
        .iter()
        .position(|k| *k == Entity::Person)
        .expect("PERSON is a tier-2 kind");
    let mut covered = vec![false; tokens.len()];
    // Each name word and its best score, hashed: a pasted list of names is one text.
    let mut names: HashMap<&str, f32> = HashMap::new();
    for span in kept {
        covered[span.first..span.end].fill(true);
        if span.kind != person {
            continue;
        }
        for token in &tokens[span.first..span.end] {
            let word = &text[token.clone()];
            if name_word(word) {
                let best = names.entry(word).or_insert(span.score);
                *best = best.max(span.score);
            }
        }
    }
    let score_of = |t: usize| {
        (read[t] && !covered[t])
            .then(|| names.get(&text[tokens[t].clone()]).copied())
            .flatten()
    };
    let mut out = Vec::new();
    let mut t = 0;
    while t < tokens.len() {
        let Some(mut score) = score_of(t) else {
            t += 1;
            continue;
        };
        let first = t;
        t += 1;
        while t < tokens.len() && &text[tokens[t - 1].end..tokens[t].start] == " " {
            match score_of(t) {
                Some(s) => score = score.max(s),
                None => break,
            }
            t += 1;
        }
        let (start, end) = (tokens[first].start, tokens[t - 1].end);
        let word_opening =
            t - first == 1 && words.is_common(&text[start..end]) && opens_a_sentence(text, start);
        if !word_opening && rules.keeps(start, end, words) {
            out.push(TokenSpan {
                first,
                end: t,
                kind: person,
                score,
            });
        }
    }
    out
}

/// A word that names someone wherever it stands capitalised: a capital, then a lower-case
/// letter somewhere ("Iyer", "McDonald"; not "NASA"), and not a title or a form of address
/// ("Dr", "Sir", "Aunty"), which other people share.
fn name_word(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.any(char::is_lowercase)
        && !crate::not_names::not_a_name(word)
}

#[cfg(test)]
mod tests {
    use super::further;
    use crate::decode::{TokenSpan, KINDS};
    use crate::features::tokenize;
    use crate::plausible::{Plausible, Words};

    struct Listed;

    impl Words for Listed {
        fn is_name(&self, word: &str) -> bool {
            ["vikram", "iyer", "will", "hunter"].contains(&word.to_lowercase().as_str())
        }
        fn is_given_name(&self, word: &str) -> bool {
            ["vikram", "will"].contains(&word.to_lowercase().as_str())
        }
        fn is_common(&self, word: &str) -> bool {
            ["will", "hunter"].contains(&word.to_lowercase().as_str())
        }
    }

    /// The further mentions in `text` of the person spans `names` (each a whole match).
    fn mentions(text: &str, names: &[&str]) -> Vec<String> {
        let tokens = tokenize(text);
        let kept: Vec<TokenSpan> = names
            .iter()
            .map(|n| {
                let start = text.find(n).unwrap();
                TokenSpan {
                    first: tokens.iter().position(|t| t.start == start).unwrap(),
                    end: tokens
                        .iter()
                        .position(|t| t.end == start + n.len())
                        .unwrap()
                        + 1,
                    kind: KINDS
                        .iter()
                        .position(|k| *k == veil_kinds::Entity::Person)
                        .unwrap(),
                    score: 0.9,
                }
            })
            .collect();
        let read = vec![true; tokens.len()];
        let rules = Plausible::new(text);
        further(text, &tokens, &read, &kept, &rules, &Listed)
            .into_iter()
            .map(|s| text[tokens[s.first].start..tokens[s.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn a_name_is_a_name_again() {
        let text = "Vikram Iyer hit 87. Later Iyer was out, and Vikram Iyer left.";
        assert_eq!(mentions(text, &["Vikram Iyer"]), ["Iyer", "Vikram Iyer"]);
        // in lower case, or as part of a longer word, it is another word
        let text = "Will Hunter scored. The hunter will leave; Hunters came.";
        assert!(mentions(text, &["Will Hunter"]).is_empty());
        // a name that is a common word does not count opening a sentence
        let text = "Will Hunter scored. Will you stay? Then Hunter said no to Will.";
        assert_eq!(mentions(text, &["Will Hunter"]), ["Hunter", "Will"]);
    }

    #[test]
    fn titles_and_acronyms_are_not_carried() {
        let text = "Dr Iyer called. The Dr on duty and the NASA IYER team.";
        assert!(mentions(text, &["Dr Iyer"]).is_empty());
    }
}
