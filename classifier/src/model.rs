//! The model: an int8 embedding table summed per token, then the conv encoder.
//!
//! Everything is embedded in the binary (`model/`), so the model and the tokenizer that feeds
//! it are versioned together, a config push never re-sends megabytes, and a VM pays no fetch.
//! Parsing it is done once per process (or wasm VM); every request then only runs it.

use std::sync::OnceLock;

use crate::encoder::{Encoder, LABELS, WIDTH};
use crate::features::{Clusters, CommonWords, Lexicon, Names, Vocabulary, IDS_PER_TOKEN, VOCAB};
use crate::plausible::Words;

static EMBEDDINGS: &[u8] = include_bytes!("../model/embeddings.bin");
static ENCODER: &[u8] = include_bytes!("../model/encoder.bin");
static KNOWN_WORDS: &[u8] = include_bytes!("../model/vocab.bin");
static NAMES: &[u8] = include_bytes!("../model/names.bin");
static CLUSTERS: &[u8] = include_bytes!("../model/clusters.bin");
static COMMON: &[u8] = include_bytes!("../model/common.bin");

pub struct Model {
    /// The words with learnt rows (others read as `<unk>`), the listed names, the clusters.
    pub lexicon: Lexicon<'static>,
    /// Common English words, for the rules on top of the model (not a feature).
    pub common: CommonWords<'static>,
    /// VOCAB rows of WIDTH int8 weights (weight-only quantisation: 4x smaller than f32).
    table: &'static [u8],
    /// One dequantisation scale per row.
    scales: Vec<f32>,
    encoder: Encoder,
}

/// The process-wide model, loaded on first use. A load failure is kept and reported to every
/// caller (it means a broken build, and the configuration that enabled the classifier fails).
pub fn shared() -> Result<&'static Model, String> {
    static MODEL: OnceLock<Result<Model, String>> = OnceLock::new();
    MODEL
        .get_or_init(Model::load)
        .as_ref()
        .map_err(Clone::clone)
}

impl Model {
    fn load() -> Result<Model, String> {
        let table_len = VOCAB * WIDTH;
        if EMBEDDINGS.len() != table_len + VOCAB * 4 {
            return Err(format!(
                "classifier embeddings are {} bytes, expected {}",
                EMBEDDINGS.len(),
                table_len + VOCAB * 4
            ));
        }
        let scales = EMBEDDINGS[table_len..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok(Model {
            lexicon: Lexicon {
                vocabulary: Vocabulary::from_le_bytes(KNOWN_WORDS),
                names: Names::from_le_bytes(NAMES)?,
                clusters: Clusters::from_le_bytes(CLUSTERS)?,
            },
            common: CommonWords::from_le_bytes(COMMON)?,
            table: &EMBEDDINGS[..table_len],
            scales,
            encoder: Encoder::from_le_bytes(ENCODER)?,
        })
    }

    /// The embedding bag: each token's rows, dequantised and summed (`[T][WIDTH]`).
    pub fn embed(&self, ids: &[[u32; IDS_PER_TOKEN]]) -> Vec<f32> {
        let mut x = vec![0f32; WIDTH * ids.len()];
        for (token, out) in ids.iter().zip(x.chunks_exact_mut(WIDTH)) {
            for &id in token {
                let row = id as usize;
                let scale = self.scales[row];
                let weights = &self.table[row * WIDTH..(row + 1) * WIDTH];
                for (o, &w) in out.iter_mut().zip(weights) {
                    *o += f32::from(w as i8) * scale;
                }
            }
        }
        x
    }

    /// Label logits per token (the tract reference test compares these).
    pub fn logits(&self, ids: &[[u32; IDS_PER_TOKEN]]) -> Vec<[f32; LABELS]> {
        self.encoder.forward(self.embed(ids))
    }

    /// Label probabilities per token.
    pub fn probabilities(&self, ids: &[[u32; IDS_PER_TOKEN]]) -> Vec<[f32; LABELS]> {
        let mut out = self.logits(ids);
        for p in &mut out {
            softmax(p);
        }
        out
    }
}

fn softmax(v: &mut [f32; LABELS]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in v.iter_mut() {
        *x /= sum;
    }
}

impl Words for Model {
    fn is_name(&self, word: &str) -> bool {
        self.lexicon.names.is_name(word)
    }

    fn is_given_name(&self, word: &str) -> bool {
        self.lexicon.names.is_given_name(word)
    }

    fn is_common(&self, word: &str) -> bool {
        self.common.contains(word)
    }
}
