"""Text to model input: the tokenizer and the hashed features, mirrored exactly in Rust.

`classifier/src/features.rs` implements the same rules; `classifier/model/golden.jsonl`
(written by `evaluate.py`) pins them, and the Rust golden test fails on any drift. Change
nothing here without bumping TOKENIZER_VERSION and retraining.

Rules, chosen so both languages agree without sharing a Unicode table:
- a line feed is a token of its own (lines bound names in lists, signatures and tables);
- any other separator (whitespace or an ASCII control) ends a token and is dropped;
- a kana or CJK ideograph, or a punctuation char, is a token of its own;
- everything else is a word char; a token is a maximal run of word chars.
"""
import re

TOKENIZER_VERSION = 4
ROWS = [16384, 4096, 4096, 2048]  # NORM, PREFIX, SUFFIX, SHAPE buckets
OFFSETS = [1, 1 + 16384, 1 + 16384 + 4096, 1 + 16384 + 4096 + 4096]  # row 0 is padding
NAME_ROWS = 4  # one per gazetteer class (gazetteer.CLASSES), after the hashed rows
NAME_OFFSET = sum(ROWS)  # class c (1..4) reads row NAME_OFFSET + c, after the hashed rows; 0 reads padding
# A word's fine and coarse cluster (clusters.py) read one row each, after the gazetteer's;
# a word without a cluster reads padding for both.
FINE_CLUSTERS = 1024
COARSE_CLUSTERS = 128
FINE_OFFSET = NAME_OFFSET + NAME_ROWS + 1
COARSE_OFFSET = FINE_OFFSET + FINE_CLUSTERS
VOCAB = COARSE_OFFSET + COARSE_CLUSTERS
IDS_PER_TOKEN = 11
MAX_NORM_CHARS = 32

_SEP = set(range(0x09, 0x0E)) | {0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F,
                                 0x3000, 0x200B, 0xFEFF} | set(range(0x2000, 0x200B))
_HAN = [(0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
_PUNCT = [(0xA1, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2010, 0x2027), (0x2030, 0x205E),
          (0x3001, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65)]

# A Veil typed token (`Person_7QF2`): the model must never tag one (masking a masked prompt
# changes nothing). Mirrors veil_kinds::token::starts_with_typed_token for whole tokens.
VEIL_TOKEN = re.compile(r"^[A-Z][A-Za-z]*_[0-9A-HJKMNP-TV-Z]{4,}$")


def char_class(c: str) -> str:
    o = ord(c)
    if c == "\n":
        return "P"
    if o < 0x20 or o == 0x7F or o in _SEP:
        return "S"
    if o < 0x80:
        return "W" if (c.isascii() and (c.isalnum() or c == "_")) else "P"
    if any(a <= o <= b for a, b in _HAN):
        return "H"
    if any(a <= o <= b for a, b in _PUNCT):
        return "P"
    return "W"


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token spans as (start, end) code point offsets."""
    out = []
    start = None
    for i, c in enumerate(text):
        k = char_class(c)
        if k == "W":
            if start is None:
                start = i
            continue
        if start is not None:
            out.append((start, i))
            start = None
        if k != "S":
            out.append((i, i + 1))
    if start is not None:
        out.append((start, len(text)))
    return out


def shape(tok: str) -> str:
    out = []
    for c in tok:
        if c.lower() != c:
            s = "X"
        elif c.upper() != c:
            s = "x"
        elif "0" <= c <= "9":
            s = "d"
        elif c.isascii():
            s = c
        else:
            s = "o"
        if len(out) >= 4 and all(p == s for p in out[-4:]):
            continue
        out.append(s)
    return "".join(out)


def fnv(feature: int, seed: int, value: str) -> int:
    h = 0xCBF29CE484222325
    for b in bytes([feature, seed]) + value.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h ^ (h >> 32)


def norm(tok: str) -> str:
    if VEIL_TOKEN.match(tok):
        return "<veil>"
    n = tok.lower()
    return "<long>" if len(n) > MAX_NORM_CHARS else n


def vocab_key(n: str) -> int:
    """How the vocabulary (model/vocab.bin) stores a known NORM: a 64-bit hash."""
    return fnv(9, 0, n)


def name_key(n: str) -> int:
    """How the gazetteer (model/names.bin) stores a listed NORM: a 32-bit hash."""
    return fnv(10, 0, n) & 0xFFFFFFFF


def cluster_key(n: str) -> int:
    """How the word clusters (model/clusters.bin) store a NORM: a 32-bit hash."""
    return fnv(11, 0, n) & 0xFFFFFFFF


def token_ids(tok: str, vocab: frozenset | None = None) -> list[int]:
    """The 11 feature ids: two hashes of each of NORM, PREFIX, SUFFIX and SHAPE, then the
    gazetteer class of NORM (gazetteer.py), then its fine and coarse cluster (clusters.py). A word outside `vocab` (the words seen often
    enough in training) gets the NORM of `<unk>`: its hash rows would be another word's,
    learnt for that word; `<unk>` rows are learnt for "a word never seen", so an unseen name
    is judged by its shape, affixes, gazetteer class and context, as training taught (word
    dropout)."""
    full = norm(tok)
    n = full if vocab is None or vocab_key(full) in vocab else "<unk>"
    values = [n, full[:3], full[-3:], shape(tok)]
    ids = []
    for f, v in enumerate(values):
        for seed in (1, 2):
            ids.append(OFFSETS[f] + fnv(f, seed, v) % ROWS[f])
    name_class = NAMES.get(name_key(full), 0) if NAMES else 0
    ids.append(NAME_OFFSET + name_class if name_class else 0)
    fine = CLUSTERS[0].get(cluster_key(full)) if CLUSTERS else None
    if fine is None:
        ids += [0, 0]
    else:
        ids += [FINE_OFFSET + fine, COARSE_OFFSET + int(CLUSTERS[1][fine])]
    return ids


def encode(text: str, vocab: frozenset | None = None) -> tuple[list[tuple[int, int]], list[list[int]]]:
    spans = tokenize(text)
    vocab = vocab if vocab is not None else KNOWN
    return spans, [token_ids(text[a:b], vocab) for a, b in spans]


def unk_norm_ids() -> tuple[int, int]:
    """The NORM ids of `<unk>` (word dropout writes them)."""
    return tuple(OFFSETS[0] + fnv(0, s, "<unk>") % ROWS[0] for s in (1, 2))


def load_vocab(path) -> frozenset:
    import numpy as np
    return frozenset(int(x) for x in np.fromfile(path, dtype="<u8"))


def save_vocab(path, norms) -> None:
    import numpy as np
    np.array(sorted({vocab_key(n) for n in norms}), dtype="<u8").tofile(path)


# The lexicon in use (lexicon.use sets all three): the vocabulary, built by train.py or read
# from model/vocab.bin.
KNOWN: frozenset | None = None
# The gazetteer in use (key -> class, gazetteer.load); set from data/ or model/names.bin.
NAMES: dict | None = None
# The word clusters in use (clusters.load: key -> fine cluster, parents); set like NAMES.
CLUSTERS: tuple | None = None
