"""Text helpers: NFC normalisation, label folding for tolerant matching, safe cell text."""

from __future__ import annotations

import re
import unicodedata

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
    s = unicodedata.normalize("NFD", str(text))
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
