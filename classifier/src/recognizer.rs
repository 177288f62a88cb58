//! The classifier as a detection-engine `Recognizer`.
//!
//! Long texts are read in overlapping windows of `WINDOW` tokens (the length the model was
//! trained on); each token takes its labels from the window where it sits furthest from an
//! edge, so every token has context on both sides. Windows spend the request's budget; from
//! the first window that does not fit, the rest of the text is left unread and counted.

use std::ops::Range;

use veil_core::detect::{Candidate, Haystack, Recognizer, Tier2Budget};
use veil_kinds::Entity;

use crate::decode::{self, KINDS};
use crate::encoder::LABELS;
use crate::features;
use crate::mentions;
use crate::model::{self, Model};
use crate::plausible;

/// Tokens per model run: the training window.
const WINDOW: usize = 256;
/// Tokens of context kept on each side of a window's scored middle.
const MARGIN: usize = 16;

pub struct Classifier {
    model: &'static Model,
}

impl Classifier {
    /// The classifier over the embedded model (loaded on first use in this process or VM).
    pub fn load() -> Result<Classifier, String> {
        Ok(Classifier {
            model: model::shared()?,
        })
    }

    /// Label probabilities for every token, window by window within `budget`; `None` for
    /// tokens left unread.
    fn probabilities(
        &self,
        text: &str,
        tokens: &[std::ops::Range<usize>],
        budget: &mut Tier2Budget,
    ) -> Vec<Option<[f32; LABELS]>> {
        let mut probs = vec![None; tokens.len()];
        // Feature ids, computed as windows reach them: text over the budget is never hashed.
        let mut ids = Vec::with_capacity(tokens.len());
        let mut start = 0;
        loop {
            let end = (start + WINDOW).min(tokens.len());
            // The tokens this window scores: all but its margins, except at the text's ends.
            let keep_from = if start == 0 { 0 } else { start + MARGIN };
            let keep_to = if end == tokens.len() {
                end
            } else {
                end - MARGIN
            };
            let bytes = tokens[end - 1].end - tokens[start].start;
            if !budget.take(bytes) {
                budget.skip(text.len() - tokens[keep_from].start);
                break;
            }
            ids.extend(
                tokens[ids.len()..end]
                    .iter()
                    .map(|r| features::token_ids(&text[r.clone()], Some(&self.model.lexicon))),
            );
            let window = self.model.probabilities(&ids[start..end]);
            for (slot, p) in probs[keep_from..keep_to]
                .iter_mut()
                .zip(&window[keep_from - start..])
            {
                *slot = Some(*p);
            }
            if end == tokens.len() {
                break;
            }
            start = end - 2 * MARGIN;
        }
        probs
    }
}

impl Recognizer for Classifier {
    fn name(&self) -> &str {
        "classifier"
    }

    fn entities(&self) -> Vec<Entity> {
        KINDS.to_vec()
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        self.find_budgeted(hay, &mut Tier2Budget::unlimited(), out);
    }

    fn find_budgeted(
        &self,
        hay: &Haystack<'_>,
        budget: &mut Tier2Budget,
        out: &mut Vec<Candidate>,
    ) {
        let text = hay.text();
        let tokens = features::tokenize(text);
        if tokens.is_empty() {
            return;
        }
        let probs = self.probabilities(text, &tokens, budget);
        let rules = plausible::Plausible::new(text);
        // The spans the rules keep, as token ranges (the further mentions of names read them).
        let mut kept: Vec<decode::TokenSpan> = Vec::new();
        // Decode each run of scored tokens on its own: a skipped window splits the text.
        let mut i = 0;
        while i < probs.len() {
            if probs[i].is_none() {
                i += 1;
                continue;
            }
            let run_start = i;
            let mut run = Vec::new();
            while let Some(Some(p)) = probs.get(i) {
                run.push(*p);
                i += 1;
            }
            let shapes = decode::shapes(text, &tokens[run_start..i]);
            let run_tokens = &tokens[run_start..i];
            for span in decode::spans(&run, &shapes) {
                for (first, end) in rules.pieces(run_tokens, span.first, span.end) {
                    let piece = decode::TokenSpan {
                        first: run_start + first,
                        end: run_start + end,
                        ..span
                    };
                    if self.keeps(text, &tokens, &rules, &piece) {
                        kept.push(piece);
                    }
                }
            }
        }
        let read: Vec<bool> = probs.iter().map(Option::is_some).collect();
        let further = mentions::further(text, &tokens, &read, &kept, &rules, self.model);
        kept.extend(further);
        for span in kept {
            let (start, end) = (tokens[span.first].start, tokens[span.end - 1].end);
            let mut c = Candidate::new(start, end, KINDS[span.kind].clone(), span.score, false);
            // The model read the context already; a context word adds nothing.
            c.score_with_context = c.score;
            out.push(c);
        }
    }
}

impl Classifier {
    /// Whether `span` is kept as a candidate, or the rules drop it.
    fn keeps(
        &self,
        text: &str,
        tokens: &[Range<usize>],
        rules: &plausible::Plausible<'_>,
        span: &decode::TokenSpan,
    ) -> bool {
        let (first, last) = (&tokens[span.first], &tokens[span.end - 1]);
        let value = &text[first.start..last.end];
        // A typed token (`Person_7QF2`) is already masked; a span needs a letter, and more
        // than one ASCII char: a lone Latin letter is a flag or a format (`-d`, `%s`) in
        // technical text, not a name (a lone ideograph can be: 雷).
        !(span.first..span.end).any(|t| features::is_veil_token(&text[tokens[t].clone()]))
            && value.chars().any(char::is_alphabetic)
            && !(value.len() == 1 && value.is_ascii())
            && rules.keeps(first.start, last.end, self.model)
    }
}
