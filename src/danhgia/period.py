"""Quarters: the NĐ 335 / NĐ 233 monitoring period besides the month.

A month is ``(year, month)`` everywhere in the tool; a quarter is ``(year, q)`` with q in 1..4
and travels in its own fields (``quarter=``), never in a month's place, so no month code can
take a quarter for a month by mistake. The text of a quarter is ``2026-Q3`` (the ``--quarter``
option, the workbook's mark); people read «Quý III/2026».
"""

from __future__ import annotations

import re
from typing import Any

from danhgia.text import fold, is_blank

Quarter = tuple[int, int]

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v.lower(): k for k, v in ROMAN.items()}

_OPTION = re.compile(r"\s*(\d{4})\s*-?\s*[qQ]\s*([1-4])\s*")
# "Quý III năm 2026", "quý 3/2026", "Quý IV - 2026", "Q3/2026", "Kỳ: Quý III năm 2026" (folded:
# lower case, no diacritics)
_TEXT = re.compile(r"(?:\bquy|\bq)\s*[:.]?\s*(iv|iii|ii|i|[1-4])\b\s*(?:nam|/|-|,)?\s*(\d{4})?")


def parse_quarter_option(text: str) -> Quarter:
    """Parse a ``--quarter YYYY-Qn`` value; raise ValueError otherwise."""
    m = _OPTION.fullmatch(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a quarter in the form YYYY-Qn")
    return (int(m.group(1)), int(m.group(2)))


def quarter_number(raw: Any) -> int | None:
    """A quarter cell's value: 1–4, or I–IV (``Quý III`` too) → 1..4; None otherwise."""
    if is_blank(raw):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return int(raw) if float(raw).is_integer() and 1 <= raw <= 4 else None
    s = fold(str(raw)).strip()
    s = re.sub(r"^(quy|q)\s*[:.]?\s*", "", s)
    s = re.sub(r"\s*(nam|/|-)\s*\d{4}\s*$", "", s).strip()
    if s in _FROM_ROMAN:
        return _FROM_ROMAN[s]
    if s.isdigit() and 1 <= int(s) <= 4:
        return int(s)
    return None


def parse_quarter_text(raw: Any) -> tuple[int | None, int] | None:
    """``Quý III năm 2026`` / ``quý 3/2026`` / ``Q3/2026`` → (2026, 3); ``Quý III`` alone →
    (None, 3). None when the text names no quarter."""
    if is_blank(raw) or not isinstance(raw, str):
        return None
    m = _TEXT.search(fold(raw))
    if not m:
        return None
    q = _FROM_ROMAN.get(m.group(1)) or int(m.group(1))
    year = int(m.group(2)) if m.group(2) else None
    if year is not None and not 1900 < year < 2200:
        year = None
    return (year, q)


def quarter_of(month: tuple[int, int]) -> Quarter:
    return (month[0], (month[1] - 1) // 3 + 1)


def quarter_months(q: Quarter) -> list[tuple[int, int]]:
    first = (q[1] - 1) * 3 + 1
    return [(q[0], m) for m in range(first, first + 3)]


def last_month(q: Quarter) -> tuple[int, int]:
    return quarter_months(q)[-1]


def quarter_text(q: Quarter) -> str:
    """``2026-Q3``: the option's form, the workbook mark's period."""
    return f"{q[0]:04d}-Q{q[1]}"


def quarter_label(q: Quarter, lang: str = "vi", in_sentence: bool = False) -> str:
    """«Quý III/2026» (vi; inside a sentence «quý III/2026», the numeral kept), «Q3 2026» (en)."""
    if lang == "en":
        return f"Q{q[1]} {q[0]}"
    return f"{'quý' if in_sentence else 'Quý'} {ROMAN[q[1]]}/{q[0]}"


def months_label(months: list[int], lang: str = "vi") -> str:
    """«tháng 7, 8, 9» / «months 7, 8, 9»."""
    nums = ", ".join(str(m) for m in sorted(months))
    return (f"month {nums}" if len(months) == 1 else f"months {nums}") if lang == "en" else f"tháng {nums}"
