"""The lexicon the features read: the vocabulary, the name gazetteer and the word clusters,
loaded from data/ (training) or model/ (the shipped files) into tok's tables. Kept apart from
tok.py, which gazetteer.py and clusters.py import for their hash keys."""
from . import clusters, gazetteer, tok


def use(directory) -> None:
    """Reads vocab.bin, names.bin and clusters.bin from `directory` into tok.KNOWN, tok.NAMES
    and tok.CLUSTERS, which `tok.encode` uses."""
    tok.KNOWN = tok.load_vocab(directory / "vocab.bin")
    tok.NAMES = gazetteer.load(directory / "names.bin")
    tok.CLUSTERS = clusters.load(directory / "clusters.bin")
