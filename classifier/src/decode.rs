//! Per-token label probabilities to entity spans (token indices). Mirrors `decode` in
//! `pipeline/veil_ner/examples.py`, which the published figures were measured with.

use veil_core::Entity;

use crate::encoder::LABELS;

/// Label order of the model: O, then B-/I- for each kind.
pub const KINDS: [Entity; 3] = [Entity::Person, Entity::Location, Entity::Organization];

/// A span of tokens `first..end` of one kind, with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSpan {
    pub first: usize,
    pub end: usize,
    pub kind: usize,
    pub score: f32,
}

/// Argmax labels, then spans: an I- that does not continue a span of its kind opens one (the
/// model's B was weaker than its I). A span starts and ends on a word (`words[i]`: token i has
/// a letter or digit): edge punctuation and line feeds are trimmed. The score is the mean over
/// the span's tokens of P(B-kind) + P(I-kind).
pub fn spans(probs: &[[f32; LABELS]], words: &[bool]) -> Vec<TokenSpan> {
    let mut runs: Vec<(usize, usize, usize)> = Vec::new(); // first, end, kind
    let mut open: Option<(usize, usize, usize)> = None;
    for (i, p) in probs.iter().enumerate() {
        let label = argmax(p);
        let kind = (label > 0).then(|| (label - 1) / 2);
        let inside = label > 0 && (label - 1) % 2 == 1;
        if let Some((first, _, k)) = open {
            if inside && kind == Some(k) {
                open = Some((first, i + 1, k));
                continue;
            }
            runs.push((first, i, k));
            open = None;
        }
        if let Some(k) = kind {
            open = Some((i, i + 1, k));
        }
    }
    runs.extend(open);
    runs.into_iter()
        .filter_map(|(mut first, mut end, kind)| {
            while first < end && !words[first] {
                first += 1;
            }
            while end > first && !words[end - 1] {
                end -= 1;
            }
            (first < end).then(|| close(probs, first, end, kind))
        })
        .collect()
}

fn close(probs: &[[f32; LABELS]], first: usize, end: usize, kind: usize) -> TokenSpan {
    let total: f32 = probs[first..end]
        .iter()
        .map(|p| p[1 + 2 * kind] + p[2 + 2 * kind])
        .sum();
    TokenSpan {
        first,
        end,
        kind,
        score: total / (end - first) as f32,
    }
}

fn argmax(p: &[f32; LABELS]) -> usize {
    // First maximum wins, as numpy's argmax does.
    let mut best = 0;
    for i in 1..LABELS {
        if p[i] > p[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_hot(label: usize) -> [f32; LABELS] {
        let mut p = [0.0; LABELS];
        p[label] = 1.0;
        p
    }

    #[test]
    fn b_i_runs_become_spans_and_stray_i_opens_one() {
        // O B-PER I-PER I-LOC O I-ORG
        let probs: Vec<_> = [0, 1, 2, 4, 0, 6].into_iter().map(one_hot).collect();
        let words = [true; 6];
        let got: Vec<(usize, usize, usize)> = spans(&probs, &words)
            .iter()
            .map(|s| (s.first, s.end, s.kind))
            .collect();
        assert_eq!(got, [(1, 3, 0), (3, 4, 1), (5, 6, 2)]);
        // Edge tokens without a letter or digit are trimmed.
        let words = [true, true, false, true, true, true];
        let got: Vec<(usize, usize)> = spans(&probs, &words)
            .iter()
            .map(|s| (s.first, s.end))
            .collect();
        assert_eq!(got, [(1, 2), (3, 4), (5, 6)]);
    }
}
