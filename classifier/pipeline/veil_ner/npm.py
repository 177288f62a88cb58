"""Pinned npm tarballs the pipeline reads data from (the GloVe clusters' vectors, SCOWL's
word lists): downloaded once into the data directory and checked against npm's
`dist.integrity` (sha512, base64) for that version."""
import base64
import hashlib
import urllib.request
from pathlib import Path


def tarball(data: Path, url: str, sha512: str) -> Path:
    """The tarball at `url`, in `data`, downloaded once and checked."""
    tgz = data / url.rsplit("/", 1)[1]
    if not tgz.exists():
        with urllib.request.urlopen(url, timeout=600) as r:
            tgz.write_bytes(r.read())
    digest = base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    if digest != sha512:
        raise SystemExit(f"{tgz}: sha512 {digest}, expected {sha512}")
    return tgz
