"""Reads the CC BY 4.0 social-media NER sets in ../shared/data/ner into Veil's example format.

An example is `{"text": str, "spans": [[start, end, label]]}` with code point offsets, the
format `synth.py` writes too, so one converter (`examples.py`) turns every source into BIO.

Label map: PER/person -> PERSON, LOC/location -> LOCATION, ORG/corporation/group ->
ORGANIZATION; product and creative-work -> no label (free hard negatives: iPhone, Coke).
Twitter handles (`@x`, and BTC's split `@` + name) are not names in prompts: no label.
"""
import html
import json
import sys
from pathlib import Path

LABELS = {
    "PER": "PERSON", "person": "PERSON",
    "LOC": "LOCATION", "location": "LOCATION",
    "ORG": "ORGANIZATION", "corporation": "ORGANIZATION", "group": "ORGANIZATION",
}


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    sentences, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.lstrip("\ufeff")
        if not line.strip():
            if cur:
                sentences.append(cur)
            cur = []
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        cur.append((html.unescape(parts[0]), parts[1].strip()))
    if cur:
        sentences.append(cur)
    return sentences


def to_example(sentence: list[tuple[str, str]]) -> dict:
    text, spans, open_span = "", [], None
    prev_at = False
    for word, tag in sentence:
        if text:
            text += " "
        start = len(text)
        text += word
        kind = tag[2:] if tag[:2] in ("B-", "I-") else None
        label = LABELS.get(kind) if kind else None
        if word.startswith("@") or prev_at:
            label = None
        prev_at = word == "@"
        if label and tag.startswith("I-") and open_span and open_span[2] == label:
            open_span[1] = len(text)
            continue
        if open_span:
            spans.append(open_span)
            open_span = None
        if label:
            open_span = [start, len(text), label]
    if open_span:
        spans.append(open_span)
    return {"text": text, "spans": spans}


def main(src: str, out: str) -> None:
    src_dir, out_dir = Path(src), Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        examples = []
        for corpus in ("btc", "wnut17"):
            examples += [to_example(s) for s in read_conll(src_dir / f"{corpus}.{split}.conll")]
        counts = {}
        for e in examples:
            for _, _, label in e["spans"]:
                counts[label] = counts.get(label, 0) + 1
        with open(out_dir / f"social-{split}.jsonl", "w", encoding="utf-8") as f:
            for e in examples:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        print(f"social-{split}: {len(examples)} examples, {counts}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
