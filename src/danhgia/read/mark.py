"""Read the tool's mark (``danhgia.mark``) from a workbook's ``docProps/custom.xml``, cheaply.

Only the one small part is inflated (bounded by :data:`MAX_PART`), parsed with defusedxml (no
entities, no external references). Anything unexpected — not a zip, no such part, a part too
large, bad XML — means "no mark": the file is then read as it would be without one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

from danhgia.mark import NAMES, Mark, from_properties

PART = "docProps/custom.xml"
MAX_PART = 256 * 1024
ZIP_SUFFIXES = (".xlsx", ".xlsm")


def custom_properties(source: str | Path | IO[bytes]) -> dict[str, str]:
    """The tool's custom properties (names in ``danhgia.mark.NAMES``) of an .xlsx/.xlsm."""
    import defusedxml.ElementTree as ET

    try:
        with zipfile.ZipFile(source) as zf:
            try:
                info = zf.getinfo(PART)
            except KeyError:
                return {}
            if info.file_size > MAX_PART or info.flag_bits & 0x1:
                return {}
            with zf.open(info) as fh:
                data = fh.read(MAX_PART + 1)
        if len(data) > MAX_PART:
            return {}
        root = ET.fromstring(data)
    except Exception:  # not a zip, truncated, bad XML, entities refused: no mark
        return {}
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name not in NAMES:
            continue
        value = next(iter(prop), None)
        out[name] = (value.text or "").strip() if value is not None else ""
    return out


def read_mark(path: str | Path, suffix: str | None = None) -> Mark | None:
    """The mark of the workbook at ``path`` (``suffix`` when the path is a temporary copy)."""
    ext = (suffix or Path(path).suffix).lower()
    if ext not in ZIP_SUFFIXES:
        return None
    return from_properties(custom_properties(path))
