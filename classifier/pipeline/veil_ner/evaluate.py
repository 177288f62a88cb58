"""Scores the shipped model and writes what the Rust tests check it against.

Runs data/veil-ner.onnx (the int8 table and the encoder, in onnxruntime) over:
- synth-heldout: prompt text from templates and names never seen in training (the headline);
- social-dev: the BTC and WNUT-17 dev sets (noisy tweets; reported, not tuned for);
- synth-technical: code, logs and configs; every span outside the few labelled names is a
  false positive, reported per KB.
Spans must match exactly (same label, same characters). Decoding is `examples.viterbi`, `join_compounds` and
`decode`, with the same filters the Rust recognizer applies.

Writes model/metrics.json, model/golden.jsonl (tokens, ids and spans for the Rust golden test)
and ../tests/data/{heldout,technical}.jsonl (the examples the Rust quality test scores). Also
measures, natively with the tract wheel, the f32 encoder against onnxruntime's dynamic and
static int8 ones (the alternatives to weight-only int8 on the table).
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

from . import examples as ex
from . import lexicon, tok
from .train import WIDTH

THRESHOLD = 0.5  # the engine's default_threshold


def predict_spans(session, text: str) -> list[tuple[int, int, str, float]]:
    spans, ids = tok.encode(text)
    if not ids:
        return []
    assert len(ids) <= ex.MAX_TOKENS, "evaluation texts fit one window"
    logits = session.run(None, {"ids": np.array([ids], np.int64)})[0][0]
    e = np.exp(logits - logits.max(-1, keepdims=True))
    probs = e / e.sum(-1, keepdims=True)
    out = []
    words = [any(c.isalnum() for c in text[s:t]) for s, t in spans]
    for a, b, kind, score in ex.decode(ex.join_compounds(ex.viterbi(probs), ex.hyphen_joins(text, spans)),
                                       probs, words):
        value = text[spans[a][0]:spans[b - 1][1]]
        if any(tok.VEIL_TOKEN.match(text[s:t]) for s, t in spans[a:b]):
            continue
        if not any(c.isalpha() for c in value) or (len(value) == 1 and value.isascii()) or score < THRESHOLD:
            continue
        out.append((spans[a][0], spans[b - 1][1], kind, score))
    return out


def score(session, examples: list[dict]) -> dict:
    stats = {k: [0, 0, 0] for k in ex.KINDS}
    for e in examples:
        pred = {(a, b, k) for a, b, k, _ in predict_spans(session, e["text"])}
        gold = {(a, b, k) for a, b, k in e["spans"]}
        ex.count_spans(stats, pred, gold)
    out = {}
    for k, (tp, fp, fn) in stats.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[k] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                  "support": tp + fn}
    return out


def false_positives_per_kb(session, examples: list[dict]) -> float:
    fps, size = 0, 0
    for e in examples:
        gold = {(a, b, k) for a, b, k in e["spans"]}
        fps += sum(1 for a, b, k, _ in predict_spans(session, e["text"]) if (a, b, k) not in gold)
        size += len(e["text"].encode("utf-8"))
    return round(fps * 1024 / size, 3)


def encoder_timing(data: Path, heldout: list[dict]) -> dict:
    """Native tract time per 256 tokens of the f32 encoder and of onnxruntime's dynamic and
    static int8 quantizations of it, and how often each int8 one picks the f32 one's label on
    held-out text."""
    import tract
    from .export import encoder_input
    emb = np.load(data / "params.npz")["emb"]
    inputs = [encoder_input(e["text"], emb) for e in heldout[:100]]
    x = np.random.default_rng(0).normal(size=(1, WIDTH, 256)).astype(np.float32)
    out, labels = {}, {}
    for name in ("encoder", "encoder-dyn8", "encoder-static8"):
        m = tract.onnx().load(str(data / f"{name}.onnx"))
        m.set_input_fact(0, f"1,{WIDTH},T,f32")
        run = m.into_model().into_runnable()
        run.run([x])
        started = time.perf_counter()
        for _ in range(50):
            run.run([x])
        out[name] = {"us_per_256_tokens": round((time.perf_counter() - started) / 50 * 1e6),
                     "bytes": (data / f"{name}.onnx").stat().st_size}
        labels[name] = np.concatenate([run.run([i])[0].to_numpy()[0].argmax(0) for i in inputs])
    for name in ("encoder-dyn8", "encoder-static8"):
        out[name]["label_agreement_heldout"] = round(float((labels[name] == labels["encoder"]).mean()), 4)
    return out


GOLDEN_TEXTS = [
    "Please email Dr. Amara Okafor at St. Thomas' Hospital about the referral.",
    "Call Jean-Luc Picard in Paris tomorrow; Starfleet Academy confirmed.",
    "佐藤 健 works at 東京大学 in Tokyo.",
    "Привет, меня зовут Иван Петров, я живу в Москве.",
    "محمد بن سلمان visited Riyadh.",
    "राहुल शर्मा from Mumbai, India wrote to HDFC Bank.",
    "Person_7QF2 met Org_K3MX at Location_9TRA, see email-4f2a@example.com 🚀",
    "def get_user_name(user_id): return db.query(User).filter_by(id=user_id).first()",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0 base64 QUJDREVGRw==",
    "  tabs\tand\u00a0non-breaking\u2009spaces, ZWJ 👩‍💻 and café Zoë Łódź ÅNGSTRÖM",
    "MARIA GARCIA-LOPEZ lives at 221B Baker Street, London NW1 6XE.",
]


def golden(session, extra: list[dict]) -> list[dict]:
    rows = []
    for text in GOLDEN_TEXTS + [e["text"] for e in extra]:
        spans, ids = tok.encode(text)
        rows.append({"text": text, "tokens": spans, "ids": ids,
                     "spans": [[a, b, k, round(s, 4)] for a, b, k, s in predict_spans(session, text)]})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(data_dir: str, model_dir: str) -> None:
    data, model = Path(data_dir), Path(model_dir)
    lexicon.use(model)
    session = ort.InferenceSession(str(data / "veil-ner.onnx"), providers=["CPUExecutionProvider"])
    heldout = ex.load(data / "synth-heldout.jsonl")
    technical = ex.load(data / "synth-technical.jsonl")
    social = [e for e in ex.load(data / "social-dev.jsonl") if len(tok.tokenize(e["text"])) <= ex.MAX_TOKENS]
    metrics = {
        "threshold": THRESHOLD,
        "synth_heldout": score(session, heldout),
        "social_dev": score(session, social),
        "technical": score(session, technical),
        "technical_false_positives_per_kb": false_positives_per_kb(session, technical),
        "technical_kb": round(sum(len(e["text"].encode()) for e in technical) / 1024, 1),
        "encoder_native_tract": encoder_timing(data, heldout),
        "embeddings_bytes": (model / "embeddings.bin").stat().st_size,
        "encoder_nnef_bytes": (model / "encoder.nnef.tar").stat().st_size,
        "tokenizer_version": tok.TOKENIZER_VERSION,
    }
    (model / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_jsonl(model / "golden.jsonl", golden(session, heldout[:30] + technical[:15]))
    tests = Path(model_dir).parent / "tests" / "data"
    write_jsonl(tests / "heldout.jsonl", heldout[:800])
    write_jsonl(tests / "technical.jsonl", technical)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
