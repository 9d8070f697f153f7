"""Find a scoresheet on a plain grid of cell values, by labels and codes, not by fixed cells.

Pure: no I/O, no printing; ``locate`` takes the rows of one worksheet as python-calamine returns
them (lists of str / float / int / bool / date / datetime / "" for blank) and returns a
``Scoresheet`` or ``None`` when the sheet is not a scoresheet. It never raises on odd input
(the grid can be fuzzed).

What it looks for (design.md §3):

* the criteria table's header: a band of one to three rows holding a max-points column
  ("Điểm tối đa", "Điểm chuẩn", "Thang điểm"), a self-score column ("Tự chấm", "Cá nhân tự
  chấm", "Tự đánh giá") and a leader column ("Lãnh đạo chấm", "Cấp có thẩm quyền đánh giá",
  "Thủ trưởng chấm"), optionally a note ("Ghi chú") and a completion-share column; merged
  two-row headers work because each cell is classified on its own;
* criteria rows by code (I, I.1, II.1.3, also "I.1. label" in one cell) or, failing that, by
  the label compared with the framework's labels (folded: no case, no diacritics, đ → d);
* header fields by label, the value in the next non-empty cell to the right (unless that is
  another label) or after a colon in the same cell; the month also inside the title;
* the variant by the template marker, then the title, then the roster, then the structure
  (which variant's codes and labels the rows match).

Labels are folded once per distinct text (cached), and the grid is walked once.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from danhgia.framework import Framework, Variant
from danhgia.read import legacy
from danhgia.form import (FIELD_LABELS, INPUT_OFFSET, MARKER_PREFIX, QUARTER_LABEL, TABLE_HEADERS,
                          TAIL_INPUT_OFFSET, label_text, layout_for, parse_marker)
from danhgia.period import parse_quarter_text, quarter_number
from danhgia.read.table import col_letter
from danhgia.text import fold, id_text, nfc
from danhgia.text import (BLANK, NOT_NUMBER, NUMBER, TEXT_NUMBER, parse_date, parse_grade, parse_month_text,
                           parse_number)
from danhgia.model import Entry, CriterionRow, Scoresheet

MAX_LABEL_CHARS = 300          # longer texts are values (a bonus statement), never labels
MAX_HEADER_CHARS = 60
TOTAL_KEY = "TOTAL"

# ---------------------------------------------------------------------------------------------
# Text helpers


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return fold(text)


_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_BULLET = re.compile(r"^(?:[-+•*–—>]\s*|\d{1,2}(?:\.\d{1,2})*\s*[.)/]\s*|[a-zđ]\s*[.)]\s+)")
_TRAIL = re.compile(r"[\s:;,.*…_]+$")
_DOTS = re.compile(r"^[\s.…_\-–:]*$")


@lru_cache(maxsize=65536)
def norm_label(folded: str) -> str:
    """A folded label without bullets / numbering, parentheses and trailing punctuation."""
    s = _PARENS.sub(" ", folded)
    for _ in range(3):
        t = _BULLET.sub("", s.strip())
        if t == s:
            break
        s = t
    s = _TRAIL.sub("", s)
    return " ".join(s.split())


_WORDS = re.compile(r"[^a-z0-9%]+")


def _words(folded: str) -> str:
    return " " + _WORDS.sub(" ", folded).strip() + " "


# ---------------------------------------------------------------------------------------------
# Column roles of the table header

_LEADER_WHO = ("lanh dao", "thu truong", "cap tren", "cap co tham quyen", "nguoi danh gia",
               "cap truong", "truong phong", "nguoi dung dau", "cap pho", "pho phong", "to truong",
               "hieu truong", "giam doc", "truong khoa", "truong ban")
_MAX_WORDS = ("toi da", "diem chuan", "thang diem", "khung diem", "diem quy dinh", "muc diem",
              "diem theo quy dinh", "diem tieu chuan")
_SELF_WORDS = ("tu cham", "tu danh gia", "ca nhan cham", "ca nhan tu", "tu cho diem")
_CODE_HEADERS = {"tt", "stt", "so tt", "ma", "muc", "ma tieu chi", "so thu tu", "ma so tieu chi"}
_LABEL_HEADERS = ("noi dung", "tieu chi", "cac tieu chi", "chi tieu", "noi dung danh gia")


@lru_cache(maxsize=16384)
def column_role(folded: str) -> str | None:
    """The role of a header cell: max / self / leader / note / share / code / label, or None."""
    if not folded or len(folded) > MAX_HEADER_CHARS or folded.startswith("ngay"):
        return None
    f = norm_label(folded) or folded
    if any(w in f for w in _LEADER_WHO) and ("cham" in f or "danh gia" in f or f.startswith("diem")
                                             or f in _LEADER_WHO):
        return "leader"                 # "Lãnh đạo chấm", "Điểm cấp phó", "Cấp trưởng" (under "Điểm")
    if f in ("ca nhan", "diem ca nhan"):
        return "self"
    if any(w in f for w in _SELF_WORDS):
        return "self"
    if any(w in f for w in _MAX_WORDS):
        return "max"
    if f.startswith("ghi chu"):
        return "note"
    if "ty le" in f and "hoan thanh" in f or f in ("ty le", "ty le %", "% hoan thanh"):
        return "share"
    if f in _CODE_HEADERS:
        return "code"
    if f.startswith(_LABEL_HEADERS):
        return "label"
    return None


# ---------------------------------------------------------------------------------------------
# Header fields

FIELD_SYNONYMS: dict[str, str] = {}
for _key, _names in {
    "name": ("ho va ten", "ho ten", "ho va ten can bo", "ho va ten nguoi duoc danh gia",
             "ho va ten cbccvc", "ten can bo", "ho va ten cong chuc", "ho va ten vien chuc"),
    "id": ("ma so", "ma can bo", "ma cb", "ma nhan vien", "ma nv", "ma cbccvc", "ma ccvc",
           "ma so can bo", "ma so cong chuc", "ma dinh danh", "so hieu can bo", "ma nhan su",
           "ma so nhan su", "ma cong chuc", "ma vien chuc"),
    "position": ("chuc vu", "chuc danh", "chuc vu/chuc danh", "chuc vu, chuc danh",
                 "chuc vu chuc danh", "chuc danh/chuc vu", "chuc vu hien tai"),
    "unit": ("don vi", "phong", "don vi/phong", "phong/don vi", "don vi cong tac", "co quan",
             "co quan/don vi", "bo phan", "phong ban", "don vi / phong", "khoa/phong",
             "phong, ban", "co quan, don vi", "to chuyen mon", "to", "to/nhom"),
    "month": ("thang", "thang danh gia", "ky danh gia"),
    "year": ("nam",),
    # a quarterly form (NĐ 335 / NĐ 233): «Quý: III»
    "quarter": ("quy", "quy danh gia", "quy thu", "ky danh gia quy", "quy so"),
    "self_date": ("ngay tu danh gia", "ngay tu cham", "ngay ca nhan tu danh gia",
                  "ngay tu cham diem", "ngay danh gia"),
    "leader_date": ("ngay lanh dao danh gia", "ngay lanh dao cham", "ngay lanh dao cham diem",
                    "ngay danh gia cua lanh dao", "ngay lanh dao truc tiep danh gia",
                    "ngay cap co tham quyen danh gia"),
    "head_date": ("ngay thu truong quyet dinh", "ngay quyet dinh", "ngay quyet dinh xep loai",
                  "ngay thu truong danh gia", "ngay thu truong xep loai"),
    "self_grade": ("tu xep loai", "ca nhan tu xep loai", "tu danh gia xep loai",
                   "xep loai tu danh gia", "ca nhan tu danh gia xep loai", "tu xep loai muc"),
    "decided_grade": ("thu truong quyet dinh xep loai", "thu truong xep loai", "quyet dinh xep loai",
                      "xep loai cua thu truong", "ket qua xep loai", "thu truong don vi quyet dinh xep loai",
                      "cap co tham quyen xep loai", "cap co tham quyen quyet dinh xep loai",
                      "thu truong don vi xep loai", "xep loai cua cap co tham quyen"),
    "bonus_note": ("noi dung de nghi cong diem thuong", "noi dung de nghi cong diem",
                   "de nghi cong diem thuong", "noi dung cong diem thuong", "noi dung diem thuong",
                   "ly do cong diem thuong", "ly do de nghi cong diem thuong"),
    "completion_share": ("ty le hoan thanh", "ty le hoan thanh nhiem vu", "ty le cong viec hoan thanh",
                         "ty le hoan thanh nhiem vu theo ke hoach", "ty le hoan thanh cong viec"),
}.items():
    for _n in _names:
        FIELD_SYNONYMS[_n] = _key

# NĐ 335/2025 "Mẫu 01 — Phiếu theo dõi, đánh giá công chức" as agencies word it: the assessment
# in words, the self-proposed level and the competent level's level (kept apart from the Hanoi
# words above so either list can change alone).
for _key, _names in {
    "strengths": ("uu diem", "uu diem noi bat", "nhung uu diem"),
    "weaknesses": ("han che, khuyet diem", "han che", "khuyet diem", "ton tai, han che",
                   "han che khuyet diem", "nhung han che, khuyet diem"),
    "comments": ("nhan xet cua cap co tham quyen", "y kien nhan xet cua cap co tham quyen",
                 "nhan xet, danh gia cua cap co tham quyen", "y kien cua cap co tham quyen",
                 "nhan xet cua lanh dao", "y kien nhan xet cua lanh dao truc tiep",
                 "nhan xet cua cap co tham quyen danh gia"),
    "self_grade": ("ca nhan tu de xuat muc xep loai", "tu de xuat muc xep loai",
                   "muc xep loai tu de xuat", "ca nhan de xuat muc xep loai",
                   "ca nhan tu danh gia, xep loai", "de xuat muc xep loai"),
    "decided_grade": ("cap co tham quyen danh gia, xep loai", "cap co tham quyen danh gia xep loai",
                      "muc xep loai cua cap co tham quyen", "cap co tham quyen xep loai muc",
                      "ket qua danh gia, xep loai cua cap co tham quyen",
                      "cap co tham quyen danh gia, xep loai muc"),
    "leader_date": ("ngay cap co tham quyen danh gia", "ngay cap co tham quyen nhan xet"),
}.items():
    for _n in _names:
        FIELD_SYNONYMS.setdefault(_n, _key)

_FIELD_PREFIXES = (
    ("ty le hoan thanh", "completion_share"), ("ty le cong viec hoan thanh", "completion_share"),
    ("noi dung de nghi cong diem", "bonus_note"), ("thu truong quyet dinh xep loai", "decided_grade"),
    ("ho va ten nguoi", "name"), ("ngay tu danh gia", "self_date"),
    ("ngay lanh dao", "leader_date"), ("ngay thu truong", "head_date"),
)


@lru_cache(maxsize=16384)
def field_label(folded: str) -> tuple[str | None, int]:
    """(field key, split) for a folded cell text: split = -1 when the whole cell is the label,
    else the index of the colon after which the value follows in the same cell."""
    if not folded or len(folded) > MAX_LABEL_CHARS:
        return None, -1
    n = norm_label(folded)
    key = FIELD_SYNONYMS.get(n)
    if key is not None:
        return key, -1
    i = folded.find(":")
    if key is None and len(n) <= 80 and not (0 < i < 60 and folded[i + 1:].strip(" .…_-–")):
        # a longer label ("Ngày tự đánh giá của cá nhân") without a value after a colon
        key = next((k for p, k in _FIELD_PREFIXES if n.startswith(p)), None)
        if key is not None:
            return key, -1
    if 0 < i < 60:
        head = norm_label(folded[:i])
        key = FIELD_SYNONYMS.get(head) or next((k for p, k in _FIELD_PREFIXES if head.startswith(p)), None)
        if key is not None:
            return key, i
    return None, -1


# ---------------------------------------------------------------------------------------------
# Criteria rows

_ROMAN = "VIII|VII|VI|IV|IX|V|X|III|II|I"
_CODE = re.compile(rf"^\s*((?:{_ROMAN})(?:\s*\.\s*\d{{1,2}})*)(?:\s*[.:)]\s*|\s+|$)(.*)$", re.S)
_TOTAL_PREFIXES = ("tong cong", "tong diem", "tong so diem", "cong diem", "tong so", "diem tong")


def split_code(text: str) -> tuple[str | None, str]:
    """``"II.1.3. Label"`` → (``"II.1.3"``, ``"Label"``); no code → (None, text)."""
    m = _CODE.match(text)
    if not m:
        return None, text
    return re.sub(r"\s+", "", m.group(1)), m.group(2).strip()


# ---------------------------------------------------------------------------------------------
# Item numbering: full codes (II.1.3), codes relative to the block (I / 1 / 1.1), Arabic blocks
# (1 / 1.1 / 1.1.1), letters (a, b, c under the item above) and no codes (labels only)

_ARABIC = re.compile(r"^\s*(\d{1,2}(?:\s*\.\s*\d{1,2})*)\s*(?:[.:)/]\s*|$)(.*)$", re.S)
_ARABIC_LABEL = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)(?:\.\s+|\)\s*|\s+(?=\D))(.*)$", re.S)
_LETTER = re.compile(r"^\s*([a-zđ])\s*(?:[.):/]\s*|$)(.*)$", re.S | re.I)


def number_token(v: Any, alone: bool) -> tuple[str, str, str] | None:
    """(kind, token, rest) of a code-column cell: kind "roman" (a full code), "arabic" ("1.2"
    typed as text or as a number) or "letter"; ``rest`` is a label written in the same cell.
    ``alone``: the cell is in the code column (a bare number is a code there, not a label)."""
    if v.__class__ is str:
        s = v.strip()
        code, rest = split_code(s)
        if code is not None:
            return "roman", code, rest
        m = _ARABIC.match(s) if alone else _ARABIC_LABEL.match(s)
        if m and (alone or m.group(2).strip()):
            return "arabic", re.sub(r"\s+", "", m.group(1)), m.group(2).strip()
        m = _LETTER.match(s)
        if m and (not m.group(2).strip() or (s[1:2] in ").")):
            return "letter", m.group(1).lower(), m.group(2).strip()
        return None
    if alone and v.__class__ in (int, float) and 0 < v < 100:
        text = str(int(v)) if v == int(v) else repr(float(v))
        return ("arabic", text, "") if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})?", text) else None
    return None


def resolve_numbering(tokens: list[tuple[str, str] | None]) -> list[str | None]:
    """Full codes for the tokens of the code column, in order. Relative numbers hang under the
    Roman block above them; without any Roman block, Arabic numbers are the blocks (1 → I,
    2.1 → II.1); a letter is the n-th child of the last numbered item above it. A sequence
    that cannot be a numbering (a block above 10, a repeated code) gives up its numbers."""
    romans = any(t is not None and t[0] == "roman" for t in tokens)
    out: list[str | None] = []
    block: str | None = None
    last: str | None = None
    letters: dict[str, int] = {}
    for t in tokens:
        code: str | None = None
        if t is not None:
            kind, tok = t
            if kind == "roman":
                code = tok
                block = tok.split(".")[0]
            elif kind == "arabic":
                parts = tok.split(".")
                if romans:
                    code = f"{block}.{tok}" if block else None
                elif 1 <= int(parts[0]) <= 10:
                    code = ".".join([_ROMANS[int(parts[0]) - 1], *parts[1:]])
            elif kind == "letter" and last is not None:
                letters[last] = letters.get(last, 0) + 1
                code = f"{last}.{letters[last]}"
            if code is not None and kind != "letter":
                last = code
        out.append(code)
    seen: set[str] = set()
    arabic_codes = [c for c, t in zip(out, tokens) if c is not None and t is not None and t[0] != "roman"]
    for c in arabic_codes:
        if c in seen:          # not a numbering (a running row number): keep the Roman codes only
            return [c if t is not None and t[0] == "roman" else None for c, t in zip(out, tokens)]
        seen.add(c)
    return out


_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


_SUBTOTAL = re.compile(r"\bmuc\b|\bphan\b|^\S+(?: \S+)* (?:i|ii|iii|iv|v)$")


def _is_total(n: str) -> bool:
    """The grand total row ("Tổng cộng", "Tổng điểm"), not a block's subtotal ("Cộng mục I")."""
    if not (n in ("tong", "cong") or n.startswith(_TOTAL_PREFIXES)):
        return False
    return "+" in n or not _SUBTOTAL.search(n)


class _VariantIndex:
    """Codes and folded labels of one variant, with parent codes."""

    def __init__(self, variant: Variant):
        self.variant = variant
        self.codes: dict[str, Any] = {}
        self.labels: dict[str, str] = {}
        self.parents: set[str] = set()
        for c, _d in variant.walk():
            self.codes[c.code] = c
            if c.children:
                self.parents.add(c.code)
            self.labels.setdefault(norm_label(_fold(nfc(c.label))), c.code)
            for alias in c.aliases:                 # other agencies' wording (NĐ 335 Mẫu 01)
                self.labels.setdefault(norm_label(_fold(nfc(alias))), c.code)
        self.label_items = list(self.labels.items())


_INDEX: dict[int, tuple[Variant, _VariantIndex]] = {}


def _index(variant: Variant) -> _VariantIndex:
    hit = _INDEX.get(id(variant))
    if hit is not None and hit[0] is variant:
        return hit[1]
    idx = _VariantIndex(variant)
    if len(_INDEX) > 256:
        _INDEX.clear()
    _INDEX[id(variant)] = (variant, idx)
    return idx


def _label_code(n: str, idx: _VariantIndex, taken: set[str], fuzzy: bool) -> str | None:
    code = idx.labels.get(n)
    if code is not None:
        return None if code in taken else code
    if not fuzzy or len(n) < 6:
        return None
    best, best_code = 0.0, None
    sm = difflib.SequenceMatcher(autojunk=False)
    sm.set_seq2(n)
    for label, code in idx.label_items:
        if code in taken:
            continue
        sm.set_seq1(label)
        if sm.real_quick_ratio() < 0.8 or sm.quick_ratio() < 0.8:
            continue
        r = sm.ratio()
        if r > best:
            best, best_code = r, code
    return best_code if best >= 0.8 else None


# ---------------------------------------------------------------------------------------------
# The grid


def a1(r: int, c: int) -> str:
    return f"{col_letter(c)}{r + 1}"


def _blank(v: Any) -> bool:
    return v is None or v == "" or (v.__class__ is str and not v.strip())


def _raw(v: Any) -> Any:
    """A cell value as stored in an Entry: text in NFC (ASCII and blank text are already)."""
    if v.__class__ is str and v and not v.isascii():
        return nfc(v)
    return v


TITLE_HINTS = ("bang diem", "phieu danh gia", "phieu theo doi", "phieu cham diem", "phieu tu danh gia",
               "bang tu danh gia", "danh gia, xep loai", "danh gia xep loai", "bang danh gia")


def _candidates(frameworks: Any) -> list[tuple[Variant, Framework]]:
    if isinstance(frameworks, Framework):
        return [(v, frameworks) for v in frameworks.variants]
    out: list[tuple[Variant, Framework]] = []
    if isinstance(frameworks, Mapping):
        for vid, fw in frameworks.items():
            v = fw.variant(vid)
            if v is not None:
                out.append((v, fw))
        return out
    for fw in frameworks or ():
        out.extend((v, fw) for v in fw.variants)
    return out


class _Texts:
    """Text cells of the grid, folded once: list of (row, col, raw, folded)."""

    def __init__(self, grid: Sequence[Sequence[Any]], decode: str | None = None):
        self.items: list[tuple[int, int, str, str]] = []
        self.marker: tuple[int, int, str] | None = None
        self.legacy: list[tuple[int, int, str, str]] = []
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v.__class__ is not str or not v or v.isspace():
                    continue
                if v.startswith(MARKER_PREFIX):
                    if self.marker is None:
                        self.marker = (r, c, v)
                    continue
                if len(v) > MAX_LABEL_CHARS:
                    self.items.append((r, c, v, ""))
                    continue
                if decode:
                    enc = legacy.detect(v)
                    if enc:
                        self.legacy.append((r, c, v, enc))
                        self.items.append((r, c, v, _fold(legacy.decode(v, enc))))
                        continue
                self.items.append((r, c, v, _fold(v)))


def _find_header(texts: _Texts) -> tuple[int, int, dict[str, list[int]]] | None:
    by_row: dict[int, list[tuple[int, str]]] = {}
    for r, c, _raw_text, f in texts.items:
        role = column_role(f) if f else None
        if role:
            by_row.setdefault(r, []).append((c, role))
    for r in sorted(by_row):
        band: dict[str, list[int]] = {}
        for rr in (r, r + 1, r + 2):
            for c, role in by_row.get(rr, ()):
                band.setdefault(role, []).append(c)
            if {"max", "self", "leader"} <= band.keys():
                self_c = min(band["self"])
                leaders = [c for c in band["leader"] if c != self_c]
                maxes = [c for c in band["max"] if c not in (self_c, *leaders)]
                if leaders and maxes:
                    return r, rr, band
    return None


def _pick_columns(band: dict[str, list[int]]) -> dict[str, int]:
    cols: dict[str, int] = {}
    cols["self"] = min(band["self"])
    cols["leader"] = max(c for c in band["leader"] if c != cols["self"])
    cols["max"] = min(c for c in band["max"] if c not in (cols["self"], cols["leader"]))
    # other reviewers' columns ("Điểm cấp phó" before "Điểm cấp trưởng"): kept, left to right
    others = sorted({c for c in band["leader"] if c not in cols.values()})
    for i, c in enumerate(others, 1):
        cols[f"review{i}"] = c
    used = set(cols.values())
    for role in ("note", "share", "code", "label"):
        free = [c for c in band.get(role, ()) if c not in used]
        if free:
            cols[role] = min(free)
            used.add(cols[role])
    return cols


class _Row:
    __slots__ = ("r", "code", "label", "norm", "label_cell", "tok")

    def __init__(self, r: int, code: str | None, label: str, norm: str, label_cell: int,
                 tok: tuple[str, str] | None = None):
        self.r, self.code, self.label, self.norm, self.label_cell = r, code, label, norm, label_cell
        self.tok = tok          # (kind, text) of the code column before resolving: see numbering


def _table_rows(grid: Sequence[Sequence[Any]], start: int, cols: dict[str, int],
                folded: dict[tuple[int, int], str]) -> tuple[list[_Row], int | None]:
    """Candidate criteria rows after the header, and the row of the total (or None)."""
    score_cols = [cols[k] for k in ("max", "self", "leader")]
    left = min(score_cols)
    skip = {cols.get("note"), cols.get("share")}
    code_col = cols.get("code")
    label_col = cols.get("label")
    out: list[_Row] = []
    for r in range(start, len(grid)):
        row = grid[r]
        cells = [(c, row[c]) for c in range(min(left, len(row))) if c not in skip and not _blank(row[c])]
        if not cells:
            continue
        code: str | None = None
        tok: tuple[str, str] | None = None
        label, label_c = "", -1
        first_c, first = cells[0]
        if code_col is None or first_c == code_col or first_c < (label_col if label_col is not None else 99):
            alone = first_c == code_col or any(v.__class__ is str for _c, v in cells[1:])
            t = number_token(first, alone)
            if t is not None:
                kind, text, rest = t
                tok = (kind, text)
                code = text
                if rest:
                    label, label_c = rest, first_c
        if code is not None and not label:
            for c, v in cells[1:]:
                if v.__class__ is str:
                    label, label_c = v, c
                    break
        if code is None:
            if label_col is not None and label_col < len(row) and row[label_col].__class__ is str \
                    and not _blank(row[label_col]):
                label, label_c = row[label_col], label_col
            else:
                texts = [(c, v) for c, v in cells if v.__class__ is str]
                if not texts:
                    continue
                label_c, label = max(texts, key=lambda cv: len(cv[1].strip()))
        f = folded.get((r, label_c)) if label_c >= 0 else None
        if f is None:
            f = _fold(label) if len(label) <= MAX_LABEL_CHARS else ""
        n = norm_label(f)
        if code is None and _is_total(n):
            return _numbered(out), r
        out.append(_Row(r, code, nfc(label.strip()), n, label_c, tok))
    return _numbered(out), None


def _numbered(rows: list[_Row]) -> list[_Row]:
    """The rows with their codes resolved from the form's numbering (see resolve_numbering)."""
    if any(row.tok is not None and row.tok[0] != "roman" for row in rows):
        for row, code in zip(rows, resolve_numbering([row.tok for row in rows])):
            row.code = code
    return rows


def _match(rows: list[_Row], idx: _VariantIndex, fuzzy: bool) -> dict[str, _Row]:
    matched: dict[str, _Row] = {}
    taken: set[str] = set()
    pending: list[_Row] = []
    for row in rows:
        if row.code is not None and row.code in idx.codes and not _label_elsewhere(row, idx):
            if row.code not in taken:
                matched[row.code] = row
                taken.add(row.code)
        else:
            pending.append(row)
    for row in pending:
        if not row.norm:
            continue
        code = _label_code(row.norm, idx, taken, fuzzy)
        if code is not None:
            matched[code] = row
            taken.add(code)
    return matched


def _label_elsewhere(row: _Row, idx: _VariantIndex) -> bool:
    """A code inferred from the numbering (not written in full) whose label is exactly another
    item's label: the label wins (a running row number is not a code)."""
    if row.tok is None or row.tok[0] == "roman" or not row.norm:
        return False
    other = idx.labels.get(row.norm)
    return other is not None and other != row.code


def _complete_first(scores: list) -> list:
    """Break a tie between variants that match the same rows by completeness: a form whose rows
    are the whole of one variant and part of another (NĐ 335 Mẫu 01A is Mẫu 01B without d, đ, e)
    is the one it covers entirely. Entries: (matched count, variant id, (variant, fw), matched)."""
    if len(scores) < 2 or scores[0][0] == 0 or scores[0][0] != scores[1][0] or scores[0][1] == scores[1][1]:
        return scores
    top = [s for s in scores if s[0] == scores[0][0]]
    complete = [s for s in top if s[0] == len(_index(s[2][0]).codes)]
    if len({s[1] for s in complete}) != 1:
        return scores
    best = complete[0]
    rest = [s for s in scores if s is not best]
    return [best, *[(s[0] - 1 if s[0] == best[0] else s[0], *s[1:]) for s in rest]]


# ---------------------------------------------------------------------------------------------
# Variant by title


def _title_variant(title_texts: list[str], cands: list[tuple[Variant, Framework]]) -> str | None:
    best: dict[str, int] = {}
    for t in title_texts:
        w = _words(t)
        for v, _fw in cands:
            for alias in (v.title, *v.aliases):
                a = _words(_fold(alias)).strip()
                if a and f" {a} " in w:
                    best[v.id] = max(best.get(v.id, 0), len(a))
    if not best:
        return None
    top = max(best.values())
    winners = [vid for vid, n in best.items() if n == top]
    return winners[0] if len(winners) == 1 else None


# ---------------------------------------------------------------------------------------------
# Public entry point


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        # inf (a cell holding 1e400) has no int; a month or year has at most four digits
        return int(v) if -1e5 < v < 1e5 and v == int(v) else None
    if isinstance(v, str):
        s = v.strip()
        return int(s) if s.isdigit() and len(s) <= 4 else None
    return None




def locate(grid: Sequence[Sequence[Any]], sheet: str, frameworks: Any, *, file: str = "",
           merged: Iterable[Any] | None = None,
           roster_variants: Mapping[str, str | None] | None = None) -> Scoresheet | None:
    """The scoresheet on ``grid`` (rows of raw cell values, row 0 = spreadsheet row 1), or None.

    ``frameworks``: a Framework, a sequence of Frameworks, or a mapping variant id → Framework
    (the framework each variant is checked against). ``merged``: calamine's merged ranges
    (``((r0, c0), (r1, c1))``, 0-based inclusive) if known. ``roster_variants``: staff id →
    variant id, used when neither the marker nor the title names the variant.
    """
    try:
        return _locate(grid, sheet, frameworks, file, merged, roster_variants)
    except (RecursionError, MemoryError):  # pragma: no cover - only on absurd input
        return None


class _Found:
    """What the structure search found on a sheet, before the Scoresheet is built."""

    __slots__ = ("h0", "cols", "rows", "matched", "total_r", "fields", "title", "title_texts",
                 "month_text", "quarter_text", "marker", "legacy_first", "chosen", "variant_id", "source", "lazy_month", "plan",
                 "heads", "conflicts")

    def __init__(self) -> None:
        self.matched: dict[str, _Row] | None = None
        self.chosen: tuple[Variant, Framework] | None = None
        self.variant_id: str | None = None
        self.source: str | None = None
        self.legacy_first: tuple[int, int, str, str] | None = None
        self.month_text: tuple[tuple[int, int], str] | None = None
        # "Kỳ: Quý III năm 2026" / "QUÝ III NĂM 2026" above the table: ((year | None, q), cell)
        self.quarter_text: tuple[tuple[int | None, int], str] | None = None
        self.title_texts: list[str] = []
        self.title = ""
        self.lazy_month = None
        self.plan: _TemplatePlan | None = None
        self.heads: dict[int, str] | None = None
        self.conflicts: list[tuple[str, Entry, Entry]] = []


def _merge_ends(merged: Iterable[Any] | None, only: Any = None) -> dict[tuple[int, int], int]:
    """Top-left cell → last column of each merged range (of those starting in ``only``, if given)."""
    out: dict[tuple[int, int], int] = {}
    for rng in merged or ():
        try:
            (r0, c0), (_r1, c1) = rng
            key = (int(r0), int(c0))
            if only is None or key in only:
                out[key] = int(c1)
        except (TypeError, ValueError):
            continue
    return out


def _field_value(grid, r: int, c: int, key: str, split: int, label_at: Any, merge_end: dict,
                 merges_known: bool, on_template: bool) -> Entry:
    """The value of the field labelled at (r, c): after the colon, else the next non-empty cell
    to the right unless that is another label; blank → the input cell right of the label."""
    row = grid[r]
    if split >= 0:
        value = row[c][split + 1:].strip() if row[c].__class__ is str else ""
        if value and not _DOTS.match(value):
            return Entry(a1(r, c), nfc(value))
    end = merge_end.get((r, c), c)
    for cc in range(end + 1, len(row)):
        v = row[cc]
        if _blank(v):
            continue
        if (r, cc) in label_at:
            break
        if v.__class__ is str and _DOTS.match(v):
            continue
        return Entry(a1(r, cc), _raw(v))
    if not on_template:
        below = _value_below(grid, r, c, key, label_at)
        if below is not None:
            return below
    if not merges_known and on_template and end == c:
        # merges unknown (ODS) on a danhgia template: its convention says where the input is
        end = c + INPUT_OFFSET.get(key, TAIL_INPUT_OFFSET) - 1
    return Entry(a1(r, end + 1), None)


_DATE_KEYS = ("self_date", "leader_date", "head_date")
_GRADE_KEYS = ("self_grade", "decided_grade")


def _value_below(grid, r: int, c: int, key: str, label_at: Any) -> Entry | None:
    """The value written under its label (a signature block: "Ngày tự đánh giá" over
    "22/10/2018"), when it is of the field's kind and not itself a label or a table header."""
    if r + 1 >= len(grid) or c >= len(grid[r + 1]) or (r + 1, c) in label_at:
        return None
    v = grid[r + 1][c]
    if _blank(v) or (v.__class__ is str and (_DOTS.match(v) or len(v) > MAX_LABEL_CHARS)):
        return None
    if key in _DATE_KEYS:
        ok = parse_date(v).kind in (NUMBER, TEXT_NUMBER)
    elif key in _GRADE_KEYS:
        ok = parse_grade(v).kind not in (BLANK, NOT_NUMBER)
    elif key in ("month", "year", "completion_share"):
        ok = parse_number(v).kind in (NUMBER, TEXT_NUMBER)
    elif key == "quarter":
        ok = quarter_number(v) is not None
    else:
        ok = v.__class__ is str and column_role(_fold(v)) is None and field_label(_fold(v))[0] is None \
            or key == "id" and v.__class__ in (int, float)
    return Entry(a1(r + 1, c), _raw(v)) if ok else None


def _same_value(key: str, a: Any, b: Any) -> bool:
    """Two cells hold the same field value: the same date, grade or number, else the same text
    compared like labels."""
    for parse in ((parse_date,) if key in _DATE_KEYS else (parse_grade,) if key in _GRADE_KEYS
                  else (parse_number,)):
        pa, pb = parse(a), parse(b)
        if pa.kind in (NUMBER, TEXT_NUMBER) and pb.kind in (NUMBER, TEXT_NUMBER):
            return pa.value == pb.value
    return " ".join(_fold(str(a)).split()) == " ".join(_fold(str(b)).split())


def _above_header(found: _Found, grid, h0: int, items: Iterable[tuple[int, int, str, str]],
                  label_at: Any) -> None:
    """Title texts and a "tháng … năm …" text in the rows above the table header."""
    for r, c, v, f in items:
        if r >= h0:
            break
        if not f:
            continue
        hint = any(h in f for h in TITLE_HINTS)
        if hint or (v.isupper() and len(f) > 6 and (r, c) not in label_at):
            found.title_texts.append(f)
            if not found.title and hint:
                found.title = nfc(" ".join(v.split()))
        if found.month_text is None and "thang" in f and (r, c) not in label_at:
            ym = parse_month_text(v)
            if ym:
                found.month_text = (ym, a1(r, c))
        if found.quarter_text is None and "q" in f and (r, c) not in label_at:
            yq = parse_quarter_text(v)
            if yq:
                found.quarter_text = (yq, a1(r, c))


# --- danhgia's own templates: a fast path, verified cell by cell --------------------------------

class _TemplatePlan:
    """A variant's form as ``danhgia template`` writes it, compiled once per variant: the cells
    that must hold fixed text (table header, codes, total, field labels) and, per criteria row,
    the A1 names of its cells, so reading a sheet from the template is a few look-ups per row."""

    __slots__ = ("variant", "h0", "total_r", "expect", "rows", "labels", "label_at", "min_rows", "fields",
                 "columns", "totals", "month_at", "merges", "by_column", "either")

    def __init__(self, variant: Variant):
        lay = layout_for(variant)
        self.variant = variant
        self.h0 = h0 = lay.header_row - 1
        self.total_r = lay.total_row - 1
        parents = {c.code for c, _d in variant.walk() if c.children}
        letters = {k: col_letter(c) for k, c in _TEMPLATE_COLS.items()}
        # (row, col, text) every template sheet holds, checked in this order
        expect: list[tuple[int, int, str]] = [(h0, c, t) for c, t in enumerate(TABLE_HEADERS)]
        rows = []
        for c, _d in variant.walk():
            r = lay.rows[c.code] - 1
            expect.append((r, 0, c.code))
            n = str(r + 1)
            rows.append((c.code, r, r + 1, letters["max"] + n, letters["self"] + n, letters["leader"] + n,
                         letters["note"] + n, c.code in parents))
        expect.append((self.total_r, 0, "Tổng cộng"))
        self.labels = []
        for key, cell in lay.labels.items():
            col = ord(cell[0]) - 65
            r = int(cell[1:]) - 1
            self.labels.append((key, r, col))
            text = label_text(variant, key)
            # a quarterly form has «Quý:» where a monthly one has «Tháng:» (same cells)
            expect.append((r, col, frozenset((text, QUARTER_LABEL)) if key == "month" else text))
        self.rows = rows
        self.expect = expect
        self.label_at = label_at = {(r, c) for _k, r, c in self.labels}
        self.min_rows = max(r for r, _c, _t in expect) + 1
        # per field: (key, row, label column, label columns of that row, the row's A1 names)
        self.fields = [(key, r, c, frozenset(cc for rr, cc in label_at if rr == r),
                        tuple(a1(r, cc) for cc in range(_NAMED_COLS)))
                       for key, r, c in self.labels]
        self.month_at = next(((r, c) for key, r, c in self.labels if key == "month"), None)
        columns: dict[int, tuple[list[int], list[str]]] = {}
        for r, c, text in expect:
            if text.__class__ is str:
                rs, texts = columns.setdefault(c, ([], []))
                rs.append(r)
                texts.append(text)
        self.by_column = [(c, tuple(rs), texts) for c, (rs, texts) in columns.items()]
        self.either = [(r, c, text) for r, c, text in expect if text.__class__ is not str]
        self.columns = {k: letters[k] for k in ("max", "self", "leader", "note")}
        n = str(self.total_r + 1)
        self.totals = tuple((key, _TEMPLATE_COLS[key], letters[key] + n) for key in ("self", "leader"))
        self.merges: dict[Any, dict[tuple[int, int], int]] = {}     # merged ranges → label merge ends

    def merge_ends(self, merged) -> dict[tuple[int, int], int]:
        """``_merge_ends(merged, label_at)``, remembered per distinct list of merged ranges (the
        sheets of one template have the same merges)."""
        try:
            key = None if merged is None else tuple(merged)
            hit = self.merges.get(key)
        except TypeError:                       # unhashable ranges: work it out
            return _merge_ends(merged, self.label_at)
        if hit is None:
            if len(self.merges) > 64:
                self.merges.clear()
            hit = self.merges[key] = _merge_ends(merged, self.label_at)
        return hit

    def matches(self, grid) -> bool:
        if len(grid) < self.min_rows:
            return False
        try:
            # the fixed texts of one column compared at once (rows, texts), in expect's order
            for c, rs, texts in self.by_column:
                if [grid[r][c] for r in rs] != texts:
                    return False
        except IndexError:                      # a row shorter than the template's
            return False
        for r, c, text in self.either:           # «Tháng:» or «Quý:»
            row = grid[r]
            if len(row) <= c or row[c] not in text:
                return False
        return True


_PLANS: dict[int, tuple[Variant, _TemplatePlan]] = {}


def _template_plan(variant: Variant) -> _TemplatePlan:
    hit = _PLANS.get(id(variant))
    if hit is not None and hit[0] is variant:
        return hit[1]
    plan = _TemplatePlan(variant)
    if len(_PLANS) > 256:
        _PLANS.clear()
    _PLANS[id(variant)] = (variant, plan)
    return plan


_TEMPLATE_COLS = {"code": 0, "label": 1, "max": 2, "self": 3, "leader": 4, "note": 5}
_NAMED_COLS = 16            # A1 names precomputed per field row (a template row is 7 cells wide)


def _template_field(row, r: int, c: int, key: str, end: int, row_labels, names, merges_known: bool) -> Entry:
    """``_field_value`` on a template sheet (``split`` -1, ``on_template``), with the row's label
    columns and A1 names precomputed: the next non-empty cell right of the label (or its merge)
    unless that is another label; blank → the input cell right of the label."""
    for cc in range(end + 1, len(row)):
        v = row[cc]
        if v.__class__ is str:
            if not v or v.isspace():
                continue
            if cc in row_labels:
                break
            if _DOTS.match(v):
                continue
            if not v.isascii():
                v = nfc(v)
        elif v is None or v == "":
            continue
        elif cc in row_labels:
            break
        return Entry(names[cc] if cc < _NAMED_COLS else a1(r, cc), v)
    if not merges_known and end == c:
        # merges unknown (ODS) on a danhgia template: its convention says where the input is
        end = c + INPUT_OFFSET.get(key, TAIL_INPUT_OFFSET) - 1
    return Entry(names[end + 1] if end + 1 < _NAMED_COLS else a1(r, end + 1), None)


@lru_cache(maxsize=4096)
def _label(text: str) -> str:
    """A criteria row's label cell as the Scoresheet keeps it (stripped, NFC); labels repeat
    across the sheets of one template."""
    return _raw(text.strip())


@lru_cache(maxsize=256)
def _marker(text: str) -> dict[str, str] | None:
    return parse_marker(text)


def _marker_pairs(frameworks: Any, variant_id: str) -> list[tuple[Variant, Framework]]:
    """``[(v, fw) for v, fw in _candidates(frameworks) if v.id == variant_id]``: for a mapping
    variant id → framework (what the reader passes) only that key can hold the variant."""
    if isinstance(frameworks, dict):
        fw = frameworks.get(variant_id)
        v = fw.variant(variant_id) if fw is not None else None
        return [(v, fw)] if v is not None else []
    return [(v, fw) for v, fw in _candidates(frameworks) if v.id == variant_id]


def _from_template(grid, cands, merged, frameworks: Any = None) -> _Found | None:
    """A sheet written by ``danhgia template`` and not re-arranged: the marker in G1, the table
    header, every code and every field label exactly where the layout puts them. Anything
    else (rows inserted, a unit's form) goes the general way. ``cands``: the candidates, or
    None with ``frameworks`` given (then only the marker's variant is looked up)."""
    if not grid or len(grid[0]) <= 6:
        return None
    text = grid[0][6]
    if text.__class__ is not str or not text.startswith(MARKER_PREFIX):
        return None
    marker = _marker(text)
    if marker is None:
        return None
    marker = dict(marker)                       # the Scoresheet's own (the cached one stays intact)
    if cands is None:
        pairs = _marker_pairs(frameworks, marker["variant"])
    else:
        pairs = [(v, fw) for v, fw in cands if v.id == marker["variant"]]
    if not pairs:
        return None
    pairs.sort(key=lambda p: p[1].id != marker.get("framework"))
    variant, _fw = pairs[0]
    plan = _template_plan(variant)
    if not plan.matches(grid):
        return None
    h0 = plan.h0
    found = _Found()
    found.h0 = h0
    found.marker = marker
    found.cols = dict(_TEMPLATE_COLS)
    found.total_r = plan.total_r
    found.chosen = pairs[0]
    found.variant_id, found.source = variant.id, "marker"
    found.plan = plan
    label_at = plan.label_at
    merge_end = plan.merge_ends(merged)
    known = merged is not None
    found.fields = {key: _template_field(grid[r], r, c, key, merge_end.get((r, c), c), labels, names, known)
                    for key, r, c, labels, names in plan.fields}
    if plan.month_at is not None and grid[plan.month_at[0]][plan.month_at[1]] == QUARTER_LABEL:
        found.fields["quarter"] = found.fields.pop("month")     # a quarterly form: «Quý: III»
    title = grid[3][0]
    if title.__class__ is str and title:
        found.title = nfc(" ".join(title.split()))

    def month_text() -> None:                       # only needed when Tháng / Năm are not filled
        items = ((r, c, v, _fold(v)) for r in range(h0) for c, v in enumerate(grid[r])
                 if v.__class__ is str and v and (r, c) not in label_at and not v.startswith(MARKER_PREFIX)
                 and len(v) <= MAX_LABEL_CHARS)
        _above_header(found, grid, h0, items, label_at)

    found.lazy_month = month_text
    return found


def _template_rows(plan: _TemplatePlan, grid, ss: Scoresheet) -> None:
    """The criteria rows of a sheet that matched ``plan``: cells named by the plan."""
    rows_out = ss.rows
    stored = ss.stored_totals
    for code, r, row_no, c_max, c_self, c_leader, c_note, parent in plan.rows:
        line = grid[r]
        if len(line) > 5:
            _code, label, v_max, v_self, v_leader, v_note = line[:6]
        else:
            label = line[1] if len(line) > 1 else ""
            v_max, v_self, v_leader, v_note = (list(line[2:6]) + [None] * 4)[:4]
        label = _label(label) if label.__class__ is str else ""
        # scores are numbers; only a non-ASCII text needs NFC (what _raw does, inlined)
        if v_max.__class__ is str and v_max and not v_max.isascii():
            v_max = nfc(v_max)
        if v_self.__class__ is str and v_self and not v_self.isascii():
            v_self = nfc(v_self)
        if v_leader.__class__ is str and v_leader and not v_leader.isascii():
            v_leader = nfc(v_leader)
        if v_note.__class__ is str and v_note and not v_note.isascii():
            v_note = nfc(v_note)
        e_self, e_leader = Entry(c_self, v_self), Entry(c_leader, v_leader)
        rows_out[code] = CriterionRow(code, label, row_no, Entry(c_max, v_max), {"self": e_self, "leader": e_leader},
                                      Entry(c_note, v_note), None)
        if parent:
            stored[code] = {"self": e_self, "leader": e_leader}


# --- any other layout ---------------------------------------------------------------------


def _general(grid, cands, merged, roster_variants) -> _Found | None:
    texts = _Texts(grid)
    hit = _find_header(texts)
    legacy_labels = False
    if hit is None:
        # a form typed entirely in TCVN3 / VNI: try again on the decoded labels
        if sum(1 for _r, _c, v, _f in texts.items[:400] if not v.isascii() and legacy.detect(v)) >= 3:
            texts = _Texts(grid, decode="auto")
            hit = _find_header(texts)
            legacy_labels = hit is not None
        if hit is None:
            return None
    h0, h1, band = hit
    found = _Found()
    found.h0 = h0
    found.cols = cols = _pick_columns(band)
    found.heads = _column_heads(texts, h0, h1)
    folded = {(r, c): f for r, c, _v, f in texts.items}
    rows, found.total_r = _table_rows(grid, h1 + 1, cols, folded)
    found.rows = rows
    if legacy_labels and texts.legacy:
        found.legacy_first = texts.legacy[0]
    found.marker = marker = parse_marker(texts.marker[2]) if texts.marker else None

    # header fields (first occurrence wins)
    label_at: dict[tuple[int, int], tuple[str, int]] = {}
    for r, c, v, f in texts.items:
        if h0 <= r <= h1 or not f:
            continue
        key, split = field_label(f)
        if key is not None:
            label_at[(r, c)] = (key, split)
    merge_end = _merge_ends(merged)
    fields: dict[str, Entry] = {}
    body = range(h1 + 1, (found.total_r if found.total_r is not None else (rows[-1].r if rows else h1)) + 1)
    conflicts: list[tuple[str, Entry, Entry]] = []
    outside: dict[str, Entry] = {}       # the first value of each field outside the table's rows
    for (r, c), (key, split) in sorted(label_at.items()):
        e = _field_value(grid, r, c, key, split, label_at, merge_end, merged is not None, marker is not None)
        first = fields.get(key)
        if first is None or (first.blank and not e.blank):
            fields[key] = e              # the first value found (above, beside or below the table)
        if e.blank or r in body:
            continue
        seen = outside.setdefault(key, e)
        if seen is not e and not _same_value(key, seen.raw, e.raw):
            conflicts.append((key, seen, e))
    found.fields = fields
    found.conflicts = conflicts
    _above_header(found, grid, h0, texts.items, label_at)

    # the variant: marker, title, roster, then the structure
    by_id: dict[str, list[tuple[Variant, Framework]]] = {}
    for v, fw in cands:
        by_id.setdefault(v.id, []).append((v, fw))
    variant_id: str | None = None
    source: str | None = None
    if marker and marker.get("variant") in by_id:
        variant_id, source = marker["variant"], "marker"
    if variant_id is None:
        vid = _title_variant(found.title_texts, cands)
        if vid:
            variant_id, source = vid, "title"
    person_id = id_text(fields["id"].raw) if "id" in fields else ""
    if variant_id is None and roster_variants and person_id:
        vid = roster_variants.get(person_id)
        if vid in by_id:
            variant_id, source = vid, "roster"

    matched: dict[str, _Row] = {}
    chosen: tuple[Variant, Framework] | None = None
    if variant_id is not None:
        pairs = by_id[variant_id]
        if marker and len(pairs) > 1:
            pairs = sorted(pairs, key=lambda p: p[1].id != marker.get("framework"))
        chosen = pairs[0]
        matched = _match(rows, _index(chosen[0]), fuzzy=True)
    else:
        # which variant the rows fit (codes and exact labels first)
        scores = []
        for v, fw in cands:
            m = _match(rows, _index(v), fuzzy=False)
            scores.append((len(m), v.id, (v, fw), m))
        scores.sort(key=lambda s: -s[0])
        scores = _complete_first(scores)
        if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] > scores[1][0]
                                            or scores[1][1] == scores[0][1]):
            chosen = scores[0][2]
            variant_id, source = chosen[0].id, "framework"
            matched = _match(rows, _index(chosen[0]), fuzzy=True)
        elif not (scores and scores[0][0] > 0):
            # nothing matched exactly: maybe labels only match loosely
            for v, fw in cands:
                m = _match(rows, _index(v), fuzzy=True)
                if len(m) > len(matched):
                    matched, chosen = m, (v, fw)
            if chosen is not None and matched:
                others = [len(_match(rows, _index(v), fuzzy=True)) for v, _fw in cands if v is not chosen[0]]
                if any(n == len(matched) for n in others):
                    chosen = None                   # ambiguous
                else:
                    variant_id, source = chosen[0].id, "framework"
    if not matched and marker is None and variant_id is None and not any(r.code for r in rows):
        return None                                 # a table with score columns but no criteria
    found.matched, found.chosen, found.variant_id, found.source = matched, chosen, variant_id, source
    if chosen is not None and getattr(chosen[1], "leader_column", None):
        _leader_by_setting(found, chosen[1].leader_column)
    return found


def _column_heads(texts: _Texts, h0: int, h1: int) -> dict[int, str]:
    """The header text of each column of the table header band (its rows joined), in NFC."""
    heads: dict[int, list[str]] = {}
    for r, c, v, _f in texts.items:
        if h0 <= r <= h1:
            heads.setdefault(c, []).append(" ".join(v.split()))
    return {c: nfc(" ".join(parts)) for c, parts in heads.items()}


def _reviewer_keys(cols: dict[str, int]) -> list[str]:
    return sorted((k for k in cols if k.startswith("review")), key=lambda k: int(k[6:]))


def _leader_by_setting(found: _Found, setting: str) -> None:
    """A framework or unit setting (``leader_column``) names the reviewer column whose score is
    the leader's: compared like labels; when it names none or several, the last column stays."""
    want = norm_label(_fold(nfc(setting)))
    cols = found.cols
    keys = ["leader", *_reviewer_keys(cols)]
    hits = [k for k in keys if want and want in norm_label(_fold(found.heads.get(cols[k], "")))]
    if len(hits) != 1 or hits[0] == "leader":
        return
    order = sorted(cols[k] for k in keys)
    chosen = cols[hits[0]]
    for k in keys:
        cols.pop(k)
    cols["leader"] = chosen
    for i, c in enumerate((c for c in order if c != chosen), 1):
        cols[f"review{i}"] = c


def _locate(grid, sheet, frameworks, file, merged, roster_variants, fast: bool = True) -> Scoresheet | None:
    grid = grid if isinstance(grid, list) else list(grid)
    found = _from_template(grid, None, merged, frameworks) if fast else None
    if found is None:
        found = _general(grid, _candidates(frameworks), merged, roster_variants)
        if found is None:
            return None
    return _build(found, grid, sheet, file)


def _build(found: _Found, grid, sheet: str, file: str) -> Scoresheet:
    fields = found.fields
    cols = found.cols
    ss = Scoresheet(file=file, sheet=sheet, variant=found.variant_id, variant_source=found.source,
                    title=found.title, fields=fields)
    marker = found.marker
    if marker:
        ss.framework_id = marker.get("framework") or None
        ss.framework_version = marker.get("version") or None
    plan = found.plan
    if plan is not None:
        ss.columns = dict(plan.columns)
        _template_rows(plan, grid, ss)
        line = grid[found.total_r]
        ss.stored_totals[TOTAL_KEY] = {key: Entry(cell, _raw(line[c]) if c < len(line) else None)
                                       for key, c, cell in plan.totals}
        _period_and_notes(found, grid, ss, fields)
        return ss
    ss.columns = {k: col_letter(c) for k, c in cols.items() if k not in ("code", "label")}
    _general_rows(found, grid, ss, cols)
    if found.total_r is not None:
        line = grid[found.total_r]
        num = str(found.total_r + 1)
        ss.stored_totals[TOTAL_KEY] = {
            key: Entry(col_letter(cols[key]) + num, _raw(line[cols[key]]) if cols[key] < len(line) else None)
            for key in ("self", "leader")}
    _period_and_notes(found, grid, ss, fields)
    return ss


def _general_rows(found: _Found, grid, ss: Scoresheet, cols: dict[str, int]) -> None:
    # the cells of each criteria row, built without per-cell function calls where possible
    reviewers = _reviewer_keys(cols)
    spec = [(key, cols[key], col_letter(cols[key])) for key in ("max", "self", "leader", "note", "share", *reviewers)
            if key in cols]
    idx = _index(found.chosen[0]) if found.chosen else None
    parents = idx.parents if idx is not None else ()
    rows_out = ss.rows
    for code, row in sorted(found.matched.items(), key=lambda kv: kv[1].r):
        r = row.r
        line = grid[r]
        width = len(line)
        num = str(r + 1)
        got = {}
        for key, c, letter in spec:
            v = line[c] if c < width else None
            if v.__class__ is str and v and not v.isascii():
                v = nfc(v)
            got[key] = Entry(letter + num, v)
        scores = {"self": got["self"], "leader": got["leader"]}
        rows_out[code] = CriterionRow(code=code, label=row.label, row=r + 1, max=got["max"],
                                      scores={**scores, **{k: got[k] for k in reviewers}} if reviewers else scores,
                                      note=got.get("note"), share=got.get("share"))
        if code in parents:
            ss.stored_totals[code] = dict(scores)
    if reviewers:
        heads = found.heads or {}
        ss.reviewers = {k: heads.get(cols[k], "") for k in ("leader", *reviewers)}
        ss.notes.append(ss.finding("leader-column", cell=f"{col_letter(cols['leader'])}{found.h0 + 1}",
                                   params={"column": heads.get(cols["leader"], col_letter(cols["leader"])),
                                           "others": ", ".join(f"«{heads.get(cols[k], '')}» ({col_letter(cols[k])})"
                                                               for k in reviewers)}))


def _period_and_notes(found: _Found, grid, ss: Scoresheet, fields: dict[str, Entry]) -> None:
    # period: Tháng + Năm fields, else a quarter (Quý + Năm fields, a month field holding
    # "Quý III"), else "tháng … năm …" above the table (the title), else "Quý III năm 2026" there
    m_e, y_e = fields.get("month"), fields.get("year")
    month = _int(m_e.raw) if m_e else None
    year = _int(y_e.raw) if y_e else None
    if m_e is not None and month is None and not m_e.blank:
        ym = parse_month_text(m_e.raw)
        if ym:
            year, month = ym if year is None or year == ym[0] else (year, ym[1])
    if month is not None and not 1 <= month <= 12:
        month = None
    if year is not None and not 1900 < year < 2200:
        year = None
    if (month is None or year is None) and found.lazy_month is not None:
        found.lazy_month()
    if month is not None and year is not None:
        ss.period, ss.period_cell = (year, month), m_e.cell
        _quarter_beside_month(ss, fields.get("quarter"), m_e)
    elif month is None and _quarter(found, ss, fields, year):
        pass
    elif found.month_text is not None:
        (ty, tm), cell = found.month_text
        if month is not None and year is None:
            ss.period, ss.period_cell = (ty, month), m_e.cell
        else:
            ss.period, ss.period_cell = (ty, tm), cell

    # notes: legacy encodings, unknown variant
    if found.legacy_first is not None:
        r, c, v, enc = found.legacy_first
        ss.notes.append(ss.finding("legacy-encoding", cell=a1(r, c), value=v,
                                   params={"encoding": enc, "value": v,
                                           "suggestion": legacy.decode(v, enc)}))
    checked: list[Entry] = [fields[k] for k in ("name", "unit", "position", "bonus_note") if k in fields]
    checked += [cr.note for cr in ss.rows.values() if cr.note is not None]
    seen_cells = {f.cell for f in ss.notes}
    for e in checked:
        if e.raw.__class__ is str and not e.raw.isascii() and e.cell not in seen_cells:
            enc = legacy.detect(e.raw)
            if enc:
                seen_cells.add(e.cell)
                ss.notes.append(ss.finding("legacy-encoding", cell=e.cell, value=e.raw,
                                           params={"encoding": enc, "value": e.raw,
                                                   "suggestion": legacy.decode(e.raw, enc)}))
    for key, first, other in found.conflicts:
        ss.notes.append(ss.finding("field-conflict", cell=other.cell, value=other.text(),
                                   params={"field": key, "value": other.text(), "other_value": first.text(),
                                           "other": first.cell}))
    if found.variant_id is None:
        ss.notes.append(ss.finding("unknown-variant"))


def _quarter_beside_month(ss: Scoresheet, q_e: Entry | None, m_e: Entry) -> None:
    """A monthly form that also fills a «Quý» field: the month is the period; a quarter that does
    not hold that month is said (``field-conflict``), never dropped in silence."""
    if q_e is None or q_e.blank:
        return
    q = quarter_number(q_e.raw)
    if q is None and q_e.raw.__class__ is str:
        yq = parse_quarter_text(q_e.raw) or parse_quarter_text("quy " + q_e.raw)
        q = yq[1] if yq else None
    if q is not None and q != (ss.period[1] - 1) // 3 + 1:
        raw = m_e.raw
        month_shown = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else m_e.text()
        ss.notes.append(ss.finding("field-conflict", cell=q_e.cell, value=q_e.text(),
                                   params={"field": "month", "value": q_e.text(), "other_value": month_shown,
                                           "other": m_e.cell}))


def _quarter(found: _Found, ss: Scoresheet, fields: dict[str, Entry], year: int | None) -> bool:
    """A quarterly form's period, when no month was read: the «Quý» field (III / 3 / "Quý III
    năm 2026"), else a month field holding "Quý III", else "Kỳ: Quý III năm 2026" above the table.
    The year: the «Năm» field, else the quarter's own text, else a year in the title. Sets
    ``ss.quarter`` and ``ss.period_cell`` and returns True when found (an unreadable quarter cell
    is the header check's ``invalid-period``)."""
    q_e, m_e = fields.get("quarter"), fields.get("month")
    q: int | None = None
    q_year: int | None = None
    cell: str | None = None
    if q_e is not None and not q_e.blank:
        q, cell = quarter_number(q_e.raw), q_e.cell
        if q is None:
            yq = parse_quarter_text(q_e.raw if q_e.raw.__class__ is str else "")
            if yq is None and q_e.raw.__class__ is str:
                yq = parse_quarter_text("quy " + q_e.raw)      # "III/2026" in the Quý cell
            if yq is not None:
                q_year, q = yq
        if q is None:
            return False
    elif m_e is not None and not m_e.blank and m_e.raw.__class__ is str:
        yq = parse_quarter_text(m_e.raw)
        if yq is not None:
            (q_year, q), cell = yq, m_e.cell
    if q is None and found.month_text is None and found.quarter_text is not None:
        (q_year, q), cell = found.quarter_text
    if q is None:
        return False
    if year is None:
        year = q_year
    if year is None and found.quarter_text is not None:
        year = found.quarter_text[0][0]
    if year is None and found.month_text is not None:
        year = found.month_text[0][0]
    if year is None:
        return False
    ss.quarter, ss.period_cell = (year, q), cell
    return True


def sheet_is_blank(grid: Sequence[Sequence[Any]]) -> bool:
    return all(_blank(v) for row in grid for v in row)
