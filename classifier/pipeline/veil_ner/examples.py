"""Examples (text + labelled spans) to model arrays: token ids and BIO label ids.

The label order is the model's output order; `classifier/src/decode.rs` reads it from the
manifest.
"""
import json
from pathlib import Path

import numpy as np

from . import tok

KINDS = ["PERSON", "LOCATION", "ORGANIZATION"]
LABELS = ["O"] + [f"{p}-{k}" for k in KINDS for p in ("B", "I")]
MAX_TOKENS = 256  # training windows; inference slides windows of the same size


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def bio(token_spans: list[tuple[int, int]], spans: list) -> list[int]:
    """A token inside a span gets B- (first) or I-; tokens outside get O."""
    labels = [0] * len(token_spans)
    for start, end, kind in spans:
        first = True
        for i, (a, b) in enumerate(token_spans):
            if a >= start and b <= end:
                labels[i] = 1 + 2 * KINDS.index(kind) + (0 if first else 1)
                first = False
    return labels


def arrays(examples: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (ids [T,8] int32, labels [T] int32) pair per window of at most MAX_TOKENS."""
    out = []
    for e in examples:
        spans, ids = tok.encode(e["text"])
        if not ids:
            continue
        labels = bio(spans, e["spans"])
        for s in range(0, len(ids), MAX_TOKENS):
            out.append((np.array(ids[s:s + MAX_TOKENS], dtype=np.int32),
                        np.array(labels[s:s + MAX_TOKENS], dtype=np.int32)))
    return out


def count_spans(stats: dict, pred: set, gold: set) -> None:
    """Adds, per kind, exact-span true positives, false positives and misses to `stats`
    (`{kind: [tp, fp, fn]}`); spans are `(start, end, kind)`."""
    for k in KINDS:
        pk, gk = {s for s in pred if s[2] == k}, {s for s in gold if s[2] == k}
        stats[k][0] += len(pk & gk)
        stats[k][1] += len(pk - gk)
        stats[k][2] += len(gk - pk)


def decode(label_ids: list[int], probs: np.ndarray, words: list[bool]) -> list[tuple[int, int, str, float]]:
    """Token-level spans (first, last+1, kind, score) from per-token argmax labels.

    An I- that does not continue a span of its kind opens one (the model's B was weaker than
    its I). The score is the mean, over the span's tokens, of P(B-kind) + P(I-kind).
    `words[i]`: whether token i has a letter or digit.
    Mirrored by classifier/src/decode.rs.
    """
    out = []
    cur = None
    for i, lab in enumerate(label_ids):
        kind = (lab - 1) // 2 if lab else None
        inside = lab and (lab - 1) % 2 == 1
        if cur and kind == cur[2] and inside:
            cur[1] = i + 1
            continue
        if cur:
            out.append(cur)
            cur = None
        if kind is not None:
            cur = [i, i + 1, kind]
    if cur:
        out.append(cur)
    result = []
    for a, b, k in out:
        # A span starts and ends on a word: edge punctuation and line feeds are trimmed.
        while a < b and not words[a]:
            a += 1
        while b > a and not words[b - 1]:
            b -= 1
        if a == b:
            continue
        p = probs[a:b, 1 + 2 * k] + probs[a:b, 2 + 2 * k]
        result.append((a, b, KINDS[k], float(p.mean())))
    return result
