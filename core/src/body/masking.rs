//! The values of a document to replace by tokens: each distinct (kind, value) once, however
//! often it appears, and the edits that put its token in place once the vault has answered.
//! The filter and the vault's masking API build their requests with it, so both send the
//! vault the same items for the same text.

use std::collections::HashMap;

use super::{Document, Edit, Finding};

#[derive(Debug, Default)]
pub struct Masking {
    /// (kind, value) to tokenize, each once, in the order first found.
    pub items: Vec<(String, String)>,
    index: HashMap<(String, String), usize>,
    /// Edits whose replacement is the token of `items[i]`.
    edits: Vec<(Edit, usize)>,
}

impl Masking {
    /// Adds `finding` (a detection in `doc`) to be tokenized; returns its item's index.
    pub fn add(&mut self, doc: &Document<'_>, finding: &Finding) -> usize {
        let d = &finding.detection;
        let value = doc.fields()[finding.field].text[d.start..d.end].to_string();
        let key = (d.entity.to_string(), value);
        let items = &mut self.items;
        let i = *self.index.entry(key).or_insert_with_key(|key| {
            items.push(key.clone());
            items.len() - 1
        });
        self.edits.push((finding.edit(String::new()), i));
        i
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The edits, given one token per item, in order.
    pub fn edits(&self, tokens: &[String]) -> Vec<Edit> {
        self.edits
            .iter()
            .map(|(e, i)| Edit {
                replacement: tokens[*i].clone(),
                ..e.clone()
            })
            .collect()
    }
}
