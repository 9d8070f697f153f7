"""The core's words, used by the rules and the readers alike.

Text: NFC normalisation, label folding for tolerant matching, staff ids, safe cell text.
Values: numbers, dates, grades and months as people type them (see "Values" below).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

_SPACES = re.compile(r"\s+")
_FORMULA_PREFIXES = ("=", "+", "-", "@")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (Vietnamese typed on some systems arrives as NFD)."""
    return unicodedata.normalize("NFC", text)


def fold(text: object) -> str:
    """Fold a label for comparison: NFC, lower case, no diacritics, single spaces.

    ``đ``/``Đ`` do not decompose in Unicode, so they are mapped to ``d`` explicitly.
    """
    if text is None:
        return ""
    if text.__class__ is str and len(text) <= 200:
        return _fold_cached(text)
    return _fold(str(text))


@functools.lru_cache(maxsize=8192)
def _fold_cached(text: str) -> str:
    # the same few labels come back thousands of times (units, positions, grades, statuses,
    # names: 6 folds per roster row, 10 per person of a sub-unit's workbook read back); the
    # cache is bounded, so memory stays flat however many people a run reads
    return _fold(text)


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFD", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "d").casefold()
    return _SPACES.sub(" ", s).strip()


def id_text(raw: object) -> str:
    """A staff id as text, the same wherever it is read (roster, events, scoresheet, monthly
    workbook), since it is the key that matches a person: an id typed as a number comes back
    from a spreadsheet as ``101.0`` and is ``"101"``; text is NFC with outer spaces removed."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return nfc(str(raw)).strip()


def strip_accents(text: str) -> str:
    """Remove diacritics, keeping case (used for file names)."""
    s = unicodedata.normalize("NFD", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


def slug(text: str) -> str:
    """A file-name-safe ASCII slug: ``Nguyễn Văn A`` → ``nguyen-van-a``."""
    s = strip_accents(nfc(text)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-") or "x"


def safe_cell_text(value: object) -> object:
    """Make text safe to write into a workbook: it must never become a formula.

    Writers must write the returned value as a *string* cell (openpyxl: ``cell.data_type = 's'``;
    XlsxWriter: ``write_string``). Prefixing a quote would change the text people see, so we keep
    the text intact and rely on the string cell type; this helper only normalises to NFC.
    """
    if isinstance(value, str):
        return nfc(value)
    return value


def looks_like_formula(text: str) -> bool:
    return isinstance(text, str) and text.startswith(_FORMULA_PREFIXES)


# --- Values --------------------------------------------------------------------------------
# Parsing cell values as people type them: numbers ("2,5", " 3 "), dates, grades, months.
#
# Each parser returns the value and what kind of input it was, so checks can report
# ``text-as-number`` or ``score-not-number`` at the exact cell.


# Binary floats from a spreadsheet (e.g. 0.1 + 0.2) are rounded to this many places before
# exact Decimal comparison; scores have at most two decimals, so this tolerance never hides a
# real difference.
FLOAT_PLACES = Decimal("0.000001")

BLANK, NUMBER, TEXT_NUMBER, NOT_NUMBER = "blank", "number", "text-number", "not-number"


@dataclass(frozen=True)
class Parsed:
    kind: str
    value: Any = None


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def float_to_decimal(x: float) -> Decimal:
    d = Decimal(repr(x))
    if d.as_tuple().exponent < -6:  # type: ignore[operator]
        d = d.quantize(FLOAT_PLACES)
    return d.normalize() if d != d.to_integral_value() else d.to_integral_value()


_NUM = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
# No score, total or share comes near 10^15 (Excel's 15 significant digits); a cell beyond it
# (1e308, four hundred nines) is not a number this tool can reckon with: a finding at its cell
# instead of arithmetic that overflows Decimal's precision (quantize, %) far from the cell.
MAX_MAGNITUDE = Decimal(10) ** 15
_MAX_DIGITS = 40      # text longer than this is not converted at all


def _bounded(d: Decimal) -> bool:
    return d.is_finite() and abs(d) < MAX_MAGNITUDE


def parse_number(raw: Any) -> Parsed:
    if is_blank(raw):
        return Parsed(BLANK)
    if isinstance(raw, bool):
        return Parsed(NOT_NUMBER, raw)
    if isinstance(raw, int):
        return Parsed(NUMBER, Decimal(raw)) if abs(raw) < MAX_MAGNITUDE else Parsed(NOT_NUMBER, raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")) or abs(raw) >= 1e15:
            return Parsed(NOT_NUMBER, raw)
        return Parsed(NUMBER, float_to_decimal(raw))
    if isinstance(raw, Decimal):
        return Parsed(NUMBER, raw) if _bounded(raw) else Parsed(NOT_NUMBER, raw)
    if isinstance(raw, str):
        s = nfc(raw).strip().replace("\u00a0", "").replace(" ", "")
        if len(s) <= _MAX_DIGITS and _NUM.match(s):
            try:
                d = Decimal(s.replace(",", "."))
            except InvalidOperation:  # pragma: no cover - regex guards this
                return Parsed(NOT_NUMBER, raw)
            if _bounded(d):
                return Parsed(TEXT_NUMBER, d)
    return Parsed(NOT_NUMBER, raw)


# Each number stands alone: "122/10/2026" and "22/10/20266" are not 22/10/2026 read in part.
_DATE_TEXT = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# what may follow a date: a time of day ("T09:30", " 14:05:00", "9h", "9h30", "9 giờ 30")
_TIME = re.compile(r"^[t ,]*(\d{1,2})\s*(?::|h|gio)\s*(\d{1,2})?(?:\s*(?::|phut)\s*(\d{1,2}))?"
                   r"(?:[.,]\d+)?\s*(?:z|[+-]\d{2}:?\d{2})?")


def _tail_ok(tail: str) -> bool:
    """The text after a date: nothing that holds a number, or a valid time of day."""
    if not any(ch.isdigit() for ch in tail):
        return True
    m = _TIME.match(tail)
    if m is None or any(ch.isdigit() for ch in tail[m.end():]):
        return False
    h, mi, sec = (int(g) if g else 0 for g in m.groups())
    return h < 24 and mi < 60 and sec < 60
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(raw: Any) -> Parsed:
    """Dates as real dates, Excel serials, ``22/10/2026``, ``2026-10-22`` or ``ngày 22 tháng 10 năm 2026``."""
    if is_blank(raw):
        return Parsed(BLANK)
    if isinstance(raw, datetime):
        return Parsed(NUMBER, raw.date())
    if isinstance(raw, date):
        return Parsed(NUMBER, raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 20000 < raw < 80000:  # an Excel serial written without a date format
            return Parsed(NUMBER, EXCEL_EPOCH + timedelta(days=int(raw)))
        return Parsed(NOT_NUMBER, raw)
    if isinstance(raw, str):
        s = fold(raw)
        for rx, order in ((_ISO, "ymd"), (_DATE_TEXT, "dmy"), (_DATE_WORDS, "dmy")):
            m = rx.search(s)
            if m:
                a, b, c = (int(g) for g in m.groups())
                y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
                if y < 100:
                    y += 2000
                if any(ch.isdigit() for ch in s[:m.start()]) or not _tail_ok(s[m.end():]):
                    return Parsed(NOT_NUMBER, raw)   # more numbers than a date: not this date
                try:
                    return Parsed(TEXT_NUMBER, date(y, mo, d))
                except ValueError:
                    return Parsed(NOT_NUMBER, raw)
    return Parsed(NOT_NUMBER, raw)


_GRADE_WORDS = {
    "a": "A", "b": "B", "c": "C", "d": "D",
    "htxsnv": "A", "httnv": "B", "htnv": "C", "khtnv": "D",
    "htxs": "A", "htt": "B",                     # short forms in units' lists (HTXS / HTT)
    "hoan thanh xuat sac nhiem vu": "A", "hoan thanh tot nhiem vu": "B",
    "hoan thanh nhiem vu": "C", "khong hoan thanh nhiem vu": "D",
    "loai a": "A", "loai b": "B", "loai c": "C", "loai d": "D",
}


def parse_grade(raw: Any) -> Parsed:
    if is_blank(raw):
        return Parsed(BLANK)
    key = fold(raw).strip(" .:()")
    if key in _GRADE_WORDS:
        return Parsed(NUMBER, _GRADE_WORDS[key])
    # "A (tốt)" is A; "A+", "B-", "A hoặc B", "B/C" are no grade (a hand edit must not pass
    # for one of its letters)
    m = re.match(r"^(?:loai\s*)?([abcd])(?![\w+\-/])(.*)$", key)
    if m and len(key) <= 12 and not re.search(r"(?<![a-z])[abcd](?![a-z])|[+/]", m.group(2)):
        return Parsed(NUMBER, m.group(1).upper())
    return Parsed(NOT_NUMBER, raw)


_MONTH_TEXT = re.compile(r"thang\s*(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})")
_MONTH_NUM = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})$")


def parse_month_text(raw: Any) -> tuple[int, int] | None:
    """``Tháng 10 năm 2026`` / ``tháng 10/2026`` / ``10/2026`` / ``2026-10`` → (2026, 10)."""
    if is_blank(raw):
        return None
    if isinstance(raw, (date, datetime)):
        return (raw.year, raw.month)
    s = fold(raw)
    for rx, order in ((_MONTH_TEXT, "my"), (_MONTH_NUM, "my"), (_MONTH_ISO, "ym")):
        m = rx.search(s)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            y, mo = (b, a) if order == "my" else (a, b)
            if 1 <= mo <= 12 and 1900 < y < 2200:
                return (y, mo)
    return None


def parse_year_month(text: str) -> tuple[int, int]:
    """Parse a ``YYYY-MM`` option; raise ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"'{text}' is not a month in the form YYYY-MM")
    return (int(m.group(1)), int(m.group(2)))
