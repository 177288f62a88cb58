//! Text to model input: the tokenizer and the hashed features.
//!
//! Mirrors `pipeline/veil_ner/tok.py` exactly (the model was trained on what that file
//! computes); `tests/golden.rs` checks both agree on texts in many scripts. The rules avoid
//! Unicode tables where Python and Rust could disagree: a line feed, a kana/CJK ideograph or a
//! punctuation char is a token of its own (lines bound names in lists and signatures), any
//! other separator ends a token, and a token is otherwise a maximal run of everything else.

use std::ops::Range;

/// Hash buckets per feature (NORM, PREFIX, SUFFIX, SHAPE); row 0 of the table is padding.
pub const ROWS: [u64; 4] = [16384, 4096, 4096, 2048];
const OFFSETS: [u64; 4] = [1, 1 + 16384, 1 + 16384 + 4096, 1 + 16384 + 4096 + 4096];
/// Gazetteer class `c` (1..=4, see `Names`) reads row `NAME_OFFSET + c`, after the hashed rows.
const NAME_OFFSET: u32 = (ROWS[0] + ROWS[1] + ROWS[2] + ROWS[3]) as u32;
/// Gazetteer classes, each with its own row.
const NAME_CLASSES: u8 = 4;
/// Word clusters (see `Clusters`): fine cluster `f` reads row `FINE_OFFSET + f`, its coarse
/// parent `c` row `COARSE_OFFSET + c`, after the gazetteer's rows.
const FINE_CLUSTERS: u16 = 1024;
const COARSE_CLUSTERS: u8 = 128;
const FINE_OFFSET: u32 = NAME_OFFSET + NAME_CLASSES as u32 + 1;
const COARSE_OFFSET: u32 = FINE_OFFSET + FINE_CLUSTERS as u32;
/// Rows in the embedding table: padding, the hashed rows, one per gazetteer class, one per
/// fine and per coarse word cluster.
pub const VOCAB: usize = COARSE_OFFSET as usize + COARSE_CLUSTERS as usize;
/// Two hashes of each of the four features, the gazetteer class, the fine and coarse cluster.
pub const IDS_PER_TOKEN: usize = 11;
const MAX_NORM_CHARS: usize = 32;

#[derive(PartialEq)]
enum Class {
    Separator,
    Single,
    Word,
}

fn class(c: char) -> Class {
    let o = c as u32;
    if c == '\n' {
        return Class::Single;
    }
    let separator = o < 0x20
        || o == 0x7F
        || matches!(
            o,
            0x20 | 0x85
                | 0xA0
                | 0x1680
                | 0x2028
                | 0x2029
                | 0x202F
                | 0x205F
                | 0x3000
                | 0x200B
                | 0xFEFF
        )
        || (0x2000..0x200B).contains(&o);
    if separator {
        return Class::Separator;
    }
    if o < 0x80 {
        return if c.is_ascii_alphanumeric() || c == '_' {
            Class::Word
        } else {
            Class::Single
        };
    }
    let single = [
        (0x3040, 0x30FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xF900, 0xFAFF),
        (0xA1, 0xBF),
        (0xD7, 0xD7),
        (0xF7, 0xF7),
        (0x2010, 0x2027),
        (0x2030, 0x205E),
        (0x3001, 0x303F),
        (0xFF01, 0xFF0F),
        (0xFF1A, 0xFF20),
        (0xFF3B, 0xFF40),
        (0xFF5B, 0xFF65),
    ];
    if single.iter().any(|&(a, b)| (a..=b).contains(&o)) {
        Class::Single
    } else {
        Class::Word
    }
}

/// Token byte ranges in `text`.
pub fn tokenize(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut start = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if k == Class::Word {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(s..i);
        }
        if k == Class::Single {
            out.push(i..i + c.len_utf8());
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Whether a token is a whole Veil typed token (`Person_7QF2`): the model must never tag one.
/// The same rule as `VEIL_TOKEN` in tok.py: `[A-Z][A-Za-z]*_` then 4+ Crockford base-32 chars.
pub fn is_veil_token(token: &str) -> bool {
    let Some((label, id)) = token.split_once('_') else {
        return false;
    };
    let crockford = |b: &u8| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(b));
    label.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        && label.bytes().all(|b| b.is_ascii_alphabetic())
        && id.len() >= 4
        && id.as_bytes().iter().all(crockford)
}

/// The word's shape: X upper, x lower, d digit, other ASCII as itself, `o` otherwise; runs of
/// one symbol cut at four.
fn shape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut run = 0;
    let mut last = '\0';
    for c in token.chars() {
        let s = if c.to_lowercase().ne(std::iter::once(c)) {
            'X'
        } else if c.to_uppercase().ne(std::iter::once(c)) {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_ascii() {
            c
        } else {
            'o'
        };
        run = if s == last { run + 1 } else { 1 };
        last = s;
        if run <= 4 {
            out.push(s);
        }
    }
    out
}

/// FNV-1a 64, folded: the features are hashed into buckets (the "hashing trick"), so the
/// vocabulary is fixed and any word, seen in training or not, has rows.
fn fnv(feature: u8, seed: u8, value: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in [feature, seed].iter().chain(value.as_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 32)
}

/// The words seen often enough in training to have learnt rows (`model/vocab.bin`: sorted
/// 64-bit hashes of their NORM).
pub struct Vocabulary(Vec<u64>);

impl Vocabulary {
    /// From the little-endian u64 list the pipeline writes.
    pub fn from_le_bytes(bytes: &[u8]) -> Vocabulary {
        let mut keys: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        keys.sort_unstable();
        Vocabulary(keys)
    }

    fn contains(&self, norm: &str) -> bool {
        self.0.binary_search(&fnv(9, 0, norm)).is_ok()
    }
}

/// Sorted little-endian u32 keys, searched where they lie: the tables are embedded in the
/// module, and a copy would cost every VM their size again.
#[derive(Clone, Copy)]
struct SortedKeys<'a>(&'a [[u8; 4]]);

impl<'a> SortedKeys<'a> {
    /// The first `n` keys of `bytes`, which must be strictly ascending.
    fn new(bytes: &'a [u8], n: usize, file: &str) -> Result<SortedKeys<'a>, String> {
        let (keys, _) = bytes[..4 * n].as_chunks::<4>();
        if keys
            .windows(2)
            .any(|w| u32::from_le_bytes(w[0]) >= u32::from_le_bytes(w[1]))
        {
            return Err(format!("classifier {file} keys are not strictly ascending"));
        }
        Ok(SortedKeys(keys))
    }

    fn position(&self, key: u32) -> Option<usize> {
        self.0
            .binary_search_by(|k| u32::from_le_bytes(*k).cmp(&key))
            .ok()
    }
}

/// The name gazetteer (`model/names.bin`, written by `pipeline/veil_ner/gazetteer.py` from
/// the US Census name tables): the class of each listed word, by a 32-bit hash of its NORM.
/// Classes: 1 given name, 2 surname, 3 both but mostly given, 4 both but mostly surname.
pub struct Names<'a> {
    keys: SortedKeys<'a>,
    classes: &'a [u8],
}

impl<'a> Names<'a> {
    /// From the pipeline's layout: n ascending little-endian u32 keys, then n class bytes.
    pub fn from_le_bytes(bytes: &'a [u8]) -> Result<Names<'a>, String> {
        let n = bytes.len() / 5;
        if !bytes.len().is_multiple_of(5) {
            return Err(format!(
                "classifier names.bin is {} bytes, not 5 per name",
                bytes.len()
            ));
        }
        let keys = SortedKeys::new(bytes, n, "names.bin")?;
        let classes = &bytes[4 * n..];
        // A class past the four rows would read outside the embedding table mid-request.
        if classes.iter().any(|c| !(1..=NAME_CLASSES).contains(c)) {
            return Err("classifier names.bin holds a class outside 1..=4".to_string());
        }
        Ok(Names { keys, classes })
    }

    /// Whether the census tables list `word` as a given name or surname, in any case.
    pub fn is_name(&self, word: &str) -> bool {
        self.class(&norm(word)) != 0
    }

    /// Whether the census tables list `word` mostly as a given name (classes 1 and 3).
    pub fn is_given_name(&self, word: &str) -> bool {
        matches!(self.class(&norm(word)), 1 | 3)
    }

    fn class(&self, norm: &str) -> u8 {
        self.keys
            .position(name_key(norm))
            .map_or(0, |i| self.classes[i])
    }
}

/// How the name gazetteer and the common words store a NORM: a 32-bit hash (the pipeline's
/// `tok.name_key`).
fn name_key(norm: &str) -> u32 {
    (fnv(10, 0, norm) & 0xFFFF_FFFF) as u32
}

/// Common English words (`model/common.bin`, written by `pipeline/veil_ner/common_words.py`
/// from SCOWL): not a model feature, but what the rules on top of it (`plausible.rs`) ask of
/// a word the census tables may also list ("young", "king", "grant"). By the same 32-bit
/// hash of its NORM as the name gazetteer.
pub struct CommonWords<'a>(SortedKeys<'a>);

impl<'a> CommonWords<'a> {
    /// From the pipeline's layout: n ascending little-endian u32 keys.
    pub fn from_le_bytes(bytes: &'a [u8]) -> Result<CommonWords<'a>, String> {
        if !bytes.len().is_multiple_of(4) {
            return Err(format!(
                "classifier common.bin is {} bytes, not 4 per word",
                bytes.len()
            ));
        }
        Ok(CommonWords(SortedKeys::new(
            bytes,
            bytes.len() / 4,
            "common.bin",
        )?))
    }

    /// Whether `word`, in lower case, is a common English word.
    pub fn contains(&self, word: &str) -> bool {
        self.0.position(name_key(&norm(word))).is_some()
    }
}

/// Word clusters (`model/clusters.bin`, written by `pipeline/veil_ner/clusters.py` from GloVe
/// vectors): which of 1,024 clusters of similar words a word falls in, and that cluster's
/// coarse parent (one of 128), by a 32-bit hash of its NORM. They carry what pretrained
/// vectors know (that "mieszko" is a given name, that "ping" is like "email") in two ids.
pub struct Clusters<'a> {
    keys: SortedKeys<'a>,
    /// Little-endian u16 per key.
    fine: &'a [[u8; 2]],
    parents: &'a [u8],
}

impl<'a> Clusters<'a> {
    /// From the pipeline's layout: n ascending little-endian u32 keys, n little-endian u16
    /// fine clusters, then one parent byte per fine cluster.
    pub fn from_le_bytes(bytes: &'a [u8]) -> Result<Clusters<'a>, String> {
        let parents_len = usize::from(FINE_CLUSTERS);
        let words = bytes.len().saturating_sub(parents_len) / 6;
        if bytes.len() != words * 6 + parents_len {
            return Err(format!(
                "classifier clusters.bin is {} bytes, not 6 per word plus {parents_len}",
                bytes.len()
            ));
        }
        let clusters = Clusters {
            keys: SortedKeys::new(bytes, words, "clusters.bin")?,
            fine: bytes[4 * words..6 * words].as_chunks::<2>().0,
            parents: &bytes[6 * words..],
        };
        // A cluster past its rows would read outside the embedding table mid-request.
        if (0..words).any(|i| clusters.fine(i) >= FINE_CLUSTERS)
            || clusters.parents.iter().any(|&c| c >= COARSE_CLUSTERS)
        {
            return Err("classifier clusters.bin holds a cluster outside its rows".to_string());
        }
        Ok(clusters)
    }

    fn fine(&self, i: usize) -> u16 {
        u16::from_le_bytes(self.fine[i])
    }

    /// The (fine, coarse) rows of a word, or padding for a word without a cluster.
    fn rows(&self, norm: &str) -> [u32; 2] {
        let key = (fnv(11, 0, norm) & 0xFFFF_FFFF) as u32;
        match self.keys.position(key) {
            Some(i) => {
                let fine = self.fine(i);
                let coarse = self.parents[usize::from(fine)];
                [
                    FINE_OFFSET + u32::from(fine),
                    COARSE_OFFSET + u32::from(coarse),
                ]
            }
            None => [0, 0],
        }
    }
}

/// What the model knows of words beyond their spelling: which have learnt rows, which are
/// listed names, which are like one another.
pub struct Lexicon<'a> {
    pub vocabulary: Vocabulary,
    pub names: Names<'a>,
    pub clusters: Clusters<'a>,
}

fn norm(token: &str) -> String {
    if is_veil_token(token) {
        return "<veil>".to_string();
    }
    let lower = token.to_lowercase();
    if lower.chars().count() > MAX_NORM_CHARS {
        "<long>".to_string()
    } else {
        lower
    }
}

/// The 11 embedding rows of one token. A word outside the vocabulary gets the NORM of
/// `<unk>`: its hash rows would be some other word's; `<unk>` rows were learnt for "a word
/// never seen", so an unseen name is judged by its shape, affixes, gazetteer class and
/// context. `None` knows every word and lists no name and no cluster.
pub fn token_ids(token: &str, lexicon: Option<&Lexicon<'_>>) -> [u32; IDS_PER_TOKEN] {
    let full = norm(token);
    let known = lexicon.is_none_or(|l| l.vocabulary.contains(&full));
    // The first and last three chars, sliced in place: this runs for every token read.
    let prefix_end = full.char_indices().nth(3).map_or(full.len(), |(i, _)| i);
    let suffix_start = full.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
    let word = if known { full.as_str() } else { "<unk>" };
    let values = [
        word,
        &full[..prefix_end],
        &full[suffix_start..],
        &shape(token),
    ];
    let mut ids = [0; IDS_PER_TOKEN];
    for (f, value) in values.iter().enumerate() {
        for seed in 1..=2u8 {
            let h = fnv(f as u8, seed, value);
            ids[f * 2 + usize::from(seed - 1)] = (OFFSETS[f] + h % ROWS[f]) as u32;
        }
    }
    let class = lexicon.map_or(0, |l| l.names.class(&full));
    ids[8] = if class == 0 {
        0
    } else {
        NAME_OFFSET + u32::from(class)
    };
    if let Some(l) = lexicon {
        [ids[9], ids[10]] = l.clusters.rows(&full);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_punctuation_and_ideographs() {
        let text = "Dr. O'Brien met 李小龙\nat 10:30";
        let tokens: Vec<&str> = tokenize(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            tokens,
            ["Dr", ".", "O", "'", "Brien", "met", "李", "小", "龙", "\n", "at", "10", ":", "30"]
        );
    }

    #[test]
    fn shapes_cap_runs() {
        assert_eq!(shape("McDonald2024"), "XxXxxxxdddd");
        assert_eq!(shape("Łódź"), "Xxxx");
    }

    #[test]
    fn veil_tokens_are_recognised_whole() {
        assert!(is_veil_token("Person_7QF2"));
        assert!(is_veil_token("Org_K3MX9"));
        assert!(!is_veil_token("Person_7Q"));
        assert!(!is_veil_token("user_name"));
        assert!(!is_veil_token("Person_7QF2x"));
        // Same ids as tok.py computes for it.
        assert_eq!(
            token_ids("Person_7QF2", None),
            [8082, 7251, 18487, 16966, 22259, 24046, 26553, 24586, 0, 0, 0]
        );
    }

    #[test]
    fn listed_names_read_their_class_row() {
        let key = super::name_key;
        let mut listed = [(key("kwame"), 1u8), (key("nguyen"), 2)];
        listed.sort();
        let mut bytes: Vec<u8> = listed.iter().flat_map(|(k, _)| k.to_le_bytes()).collect();
        bytes.extend(listed.iter().map(|&(_, c)| c));
        let lexicon = Lexicon {
            vocabulary: Vocabulary::from_le_bytes(&[]),
            names: Names::from_le_bytes(&bytes).unwrap(),
            clusters: Clusters::from_le_bytes(&[0; FINE_CLUSTERS as usize]).unwrap(),
        };
        // Looked up by NORM, so case does not matter; an unlisted word reads padding.
        assert_eq!(token_ids("Kwame", Some(&lexicon))[8], NAME_OFFSET + 1);
        assert_eq!(token_ids("NGUYEN", Some(&lexicon))[8], NAME_OFFSET + 2);
        assert_eq!(token_ids("Tuesday", Some(&lexicon))[8], 0);
        assert!(NAME_OFFSET as usize + 4 < VOCAB);

        bytes.pop();
        assert!(Names::from_le_bytes(&bytes).is_err());
        let loads = |keys: [u32; 2], classes: [u8; 2]| {
            let mut bytes: Vec<u8> = keys.iter().flat_map(|k| k.to_le_bytes()).collect();
            bytes.extend(classes);
            Names::from_le_bytes(&bytes).is_ok()
        };
        assert!(loads([1, 2], [1, 4]));
        assert!(!loads([2, 1], [1, 1]));
        assert!(!loads([1, 1], [1, 1]));
        assert!(!loads([1, 2], [1, 5]));
        assert!(!loads([1, 2], [0, 1]));
    }

    /// clusters.bin for (word, fine cluster) pairs, every fine cluster's parent `parent`.
    fn clusters_bin(words: &[(&str, u16)], parent: u8) -> Vec<u8> {
        let mut rows: Vec<(u32, u16)> = words
            .iter()
            .map(|&(w, f)| ((fnv(11, 0, w) & 0xFFFF_FFFF) as u32, f))
            .collect();
        rows.sort();
        let mut bytes: Vec<u8> = rows.iter().flat_map(|(k, _)| k.to_le_bytes()).collect();
        bytes.extend(rows.iter().flat_map(|(_, f)| f.to_le_bytes()));
        bytes.extend(std::iter::repeat_n(parent, usize::from(FINE_CLUSTERS)));
        bytes
    }

    #[test]
    fn clustered_words_read_their_fine_and_coarse_rows() {
        let bin = clusters_bin(&[("mieszko", 473), ("ping", 0)], 64);
        let lexicon = Lexicon {
            vocabulary: Vocabulary::from_le_bytes(&[]),
            names: Names::from_le_bytes(&[]).unwrap(),
            clusters: Clusters::from_le_bytes(&bin).unwrap(),
        };
        // Looked up by NORM; a word without a cluster reads padding for both.
        assert_eq!(
            token_ids("Mieszko", Some(&lexicon))[9..],
            [FINE_OFFSET + 473, COARSE_OFFSET + 64]
        );
        assert_eq!(
            token_ids("PING", Some(&lexicon))[9..],
            [FINE_OFFSET, COARSE_OFFSET + 64]
        );
        assert_eq!(token_ids("zyxw", Some(&lexicon))[9..], [0, 0]);
        assert_eq!(COARSE_OFFSET as usize + usize::from(COARSE_CLUSTERS), VOCAB);

        // Wrong length, keys out of order, a cluster past its rows: refused at load.
        let mut short = clusters_bin(&[("a", 1)], 1);
        short.pop();
        assert!(Clusters::from_le_bytes(&short).is_err());
        assert!(Clusters::from_le_bytes(&clusters_bin(&[("a", 1), ("a", 2)], 1)).is_err());
        assert!(Clusters::from_le_bytes(&clusters_bin(&[("a", FINE_CLUSTERS)], 1)).is_err());
        assert!(Clusters::from_le_bytes(&clusters_bin(&[("a", 1)], COARSE_CLUSTERS)).is_err());
    }
}
