"""File fingerprints: the SHA-256 that the "Nguồn" sheets record for every input."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(path: str | Path) -> str:
    """SHA-256 of a file, streamed (``hashlib.file_digest`` reads into one reused buffer, which
    measured several times faster per small file than a Python read loop)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
