"""Pre-flight checks on an input file before any parser sees it (owned by the hostile-input work).

``preflight`` looks at the bytes only (size, magic, zip directory, XML prologues) and returns
one Finding when the file must not be parsed (encrypted, too large, a zip or entity bomb, not a
workbook), else None. It must run in bounded time and memory whatever the file holds.
"""

from __future__ import annotations

from pathlib import Path

from danhgia.findings import Finding


def preflight(path: Path, display: str, limits) -> Finding | None:  # noqa: ARG001 - filled in by issue 8
    if path.stat().st_size > limits.max_file_bytes:
        return Finding("file-too-large", file=display,
                       params={"reason": f"{path.stat().st_size} bytes", "limit": f"{limits.max_file_bytes} bytes"})
    return None
