"""Plain tables (rosters, annual events): read a .csv or one sheet of a workbook as rows.

Shared by ``danhgia.roster`` and ``danhgia.events``; also the A1 column letters every module
uses to name a cell.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterator

_LETTERS: list[str] = []


def col_letter(c: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA`` (cached: called for every cell the reader names)."""
    while len(_LETTERS) <= c:
        i = len(_LETTERS) + 1
        s = ""
        while i:
            i, rem = divmod(i - 1, 26)
            s = chr(65 + rem) + s
        _LETTERS.append(s)
    return _LETTERS[c]


class TableRow:
    """One row below a header whose columns were found by label: values by column key, and
    the A1 cell of each key, for messages."""

    __slots__ = ("values", "index", "cols")

    def __init__(self, values: list[Any], index: int, cols: dict[str, int]):
        self.values, self.index, self.cols = values, index, cols

    def get(self, key: str) -> Any:
        c = self.cols.get(key)
        return self.values[c] if c is not None and c < len(self.values) else None

    def cell(self, key: str) -> str:
        return f"{col_letter(self.cols[key])}{self.index + 1}"


def body_rows(rows: list[list[Any]], header_row: int, cols: dict[str, int]) -> Iterator[TableRow]:
    """The rows below ``header_row`` (0-based), each as a TableRow."""
    for r in range(header_row + 1, len(rows)):
        yield TableRow(rows[r], r, cols)


def decode_text(data: bytes) -> str:
    """The text of a CSV as Excel and other tools save it: UTF-16 with its BOM (Excel's "Unicode
    text"), UTF-8 with or without BOM, else the Vietnamese Windows code page (Windows-1258, whose
    tone marks are combining characters: the text is returned in NFC)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    head = data[:200]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:          # UTF-16 LE without a BOM
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


DELIMITERS = (",", ";", "\t")


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Vietnamese locales) or tab (Excel's "Unicode text"): the one that splits
    the first rows into the most cells, a quoted field counted as one."""
    sample = "\n".join([ln for ln in text.splitlines()[:30] if ln.strip()])

    def cells(delim: str) -> int:
        return sum(len(row) - 1 for row in csv.reader(io.StringIO(sample), delimiter=delim))

    scores = {d: cells(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])          # a tie: the first (comma)
    return best if scores[best] > 0 else ","


def csv_rows(data: bytes) -> list[list[str]]:
    """Rows of a CSV as units save it: the encoding of ``decode_text``, the separator of
    ``sniff_delimiter``."""
    text = decode_text(data)
    return list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)))


def long_cells(rows: list[list[Any]], limit: int) -> Iterator[tuple[str, int]]:
    """(A1 cell, length) of every text cell longer than ``limit`` characters."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value.__class__ is str and len(value) > limit:
                yield f"{col_letter(c)}{r + 1}", len(value)


def read_table(path: Path, choose: Callable[[list[str]], str | None],
               limits: Any = None) -> tuple[str, list[list[Any]]] | None:
    """(sheet name, rows) of a .csv (sheet name "") or of the workbook sheet ``choose`` picks
    from the sheet names; ``None`` when ``choose`` returns None. Rows keep empty cells so
    column indexes match the file's columns.

    The file passes the guard first (a roster can be as hostile as a scoresheet); a refusal
    raises ValueError with the guard's message, which roster and events report as exit 2.
    """
    from danhgia.config import Limits
    from danhgia.read.files import read_bytes
    from danhgia.read.guard import preflight

    limits = (limits or Limits()).for_tables()
    if path.suffix.lower() == ".csv":
        # a regular file within the limit (InputFileError otherwise: a FIFO, /dev/zero …)
        data = read_bytes(path, limits.max_file_bytes)
        # the csv module's own field limit (128 KB) would end the read with no row or column;
        # the file is bounded already, and a long cell is reported by ``long_cells`` instead
        csv.field_size_limit(max(csv.field_size_limit(), len(data) + 1))
        return "", csv_rows(data)
    stop = preflight(path, str(path), limits)
    if stop is not None:
        raise ValueError(f"{stop.message('vi')} / {stop.message('en')}")
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    chosen = choose(list(wb.sheet_names))
    if chosen is None:
        return None
    return chosen, wb.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
