"""Read the tool's mark (``danhgia.mark``) from a workbook's ``docProps/custom.xml``, cheaply.

Only the one small part is inflated (bounded by :data:`MAX_PART`), parsed with defusedxml (no
entities, no external references). Anything unexpected — not a zip, no such part, a part too
large, bad XML — means "no mark": the file is then read as it would be without one.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import IO

from danhgia.mark import NAMES, Mark, from_properties

PART = "docProps/custom.xml"
MAX_PART = 256 * 1024
ZIP_SUFFIXES = (".xlsx", ".xlsm")


def custom_properties(source: str | Path | IO[bytes]) -> dict[str, str]:
    """The tool's custom properties (names in ``danhgia.mark.NAMES``) of an .xlsx/.xlsm."""
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
    except Exception:  # not a zip, truncated: no mark
        return {}
    return properties_of(data)


def properties_of(data: bytes) -> dict[str, str]:
    """The tool's custom properties in the bytes of a ``docProps/custom.xml`` part."""
    if len(data) > MAX_PART:
        return {}
    # small parts (a mark's is ~1 KB) remembered; a large one is parsed and forgotten
    return dict(_remembered(data) if len(data) <= 16 * 1024 else _properties(data))


def _properties(data: bytes) -> tuple[tuple[str, str], ...]:
    """The part parsed; remembered by its bytes, the same in every file made from one template
    (a defusedxml parse per scoresheet cost a third of a calamine read, issue 16)."""
    import defusedxml.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except Exception:  # bad XML, entities refused: no mark
        return ()
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name not in NAMES:
            continue
        value = next(iter(prop), None)
        out[name] = (value.text or "").strip() if value is not None else ""
    return tuple(out.items())


def read_mark(path: str | Path, suffix: str | None = None, data: bytes | None = None,
              part: bytes | None = None) -> Mark | None:
    """The mark of the workbook at ``path`` (``suffix`` when the path is a temporary copy;
    ``data``: its bytes when already read, so that the file is not opened again; ``part``: the
    bytes of its docProps/custom.xml when the guard found them, b"" when it has none, so that
    the package is not opened again either: ``guard.Inspection.custom``)."""
    ext = (suffix or Path(path).suffix).lower()
    if ext not in ZIP_SUFFIXES:
        return None
    if part is not None:
        return from_properties(properties_of(part) if part else {})
    return from_properties(custom_properties(io.BytesIO(data) if data is not None else path))


_remembered = lru_cache(maxsize=64)(_properties)
