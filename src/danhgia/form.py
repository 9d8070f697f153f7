"""The tool's scoresheet form: where each field and row goes, the title and the hidden marker.

Shared by the template writer (``danhgia.write.template``) and the reader
(``danhgia.read.locate``), so neither wing imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from danhgia.framework import Framework, Variant
from danhgia.period import ROMAN, Quarter
from danhgia.text import nfc

MARKER_PREFIX = "danhgia:"
TITLE_PREFIX = "BẢNG ĐIỂM ĐÁNH GIÁ, XẾP LOẠI HẰNG THÁNG — "
SHEET_NAME = "Bảng điểm"

# column letters of the criteria table (A code … F note; G hidden, holds the marker)
COL_CODE, COL_LABEL, COL_MAX, COL_SELF, COL_LEADER, COL_NOTE, COL_MARKER = range(7)
COLUMNS = {"code": "A", "label": "B", "max": "C", "self": "D", "leader": "E", "note": "F"}

# header field key → label written on the form (the reader knows these and their synonyms)
FIELD_LABELS = {
    "name": "Họ và tên:", "id": "Mã số:", "position": "Chức vụ:", "unit": "Đơn vị:",
    "month": "Tháng:", "year": "Năm:",
    "completion_share": "Tỷ lệ hoàn thành nhiệm vụ theo kế hoạch (%):",
    "self_grade": "Tự xếp loại:", "self_date": "Ngày tự đánh giá:",
    "leader_date": "Ngày lãnh đạo đánh giá:",
    "decided_grade": "Thủ trưởng quyết định xếp loại:", "head_date": "Ngày thủ trưởng quyết định:",
    "bonus_note": "Nội dung đề nghị cộng điểm thưởng:",
    # NĐ 335 Mẫu 01: the assessment in words
    "strengths": "Ưu điểm:", "weaknesses": "Hạn chế, khuyết điểm:",
    "comments": "Nhận xét của cấp có thẩm quyền:",
}
# NĐ 335 Mẫu 01 names the two levels differently (the keys stay self_grade / decided_grade)
PERIOD_FORM_LABELS = {
    "self_grade": "Cá nhân tự đề xuất mức xếp loại:",
    "decided_grade": "Cấp có thẩm quyền đánh giá, xếp loại:",
    "leader_date": "Ngày cấp có thẩm quyền đánh giá:",
}
PERIOD_FORM_TITLE_NOTE = "(Kỳ đánh giá: Tháng/Quý … năm …)"
# a quarterly form (NĐ 335 / NĐ 233): the period cells read «Quý: III  Năm: 2026» — the label
# takes the month's place (same cells), so one layout serves both periods
QUARTER_LABEL = "Quý:"


def quarter_value(q: Quarter) -> str:
    """What the quarter input cell holds: «III»."""
    return ROMAN[q[1]]


def quarter_line(q: Quarter) -> str:
    """The form's period line under the title: «Kỳ: Quý III năm 2026»."""
    return f"Kỳ: Quý {ROMAN[q[1]]} năm {q[0]}"

# columns from a field's label cell to its input cell (the labels below the table span A:B)
INPUT_OFFSET = {"name": 1, "id": 1, "position": 1, "unit": 1, "month": 1, "year": 1}
TAIL_INPUT_OFFSET = 2
TABLE_HEADERS = ("TT", "Nội dung tiêu chí", "Điểm tối đa", "Tự chấm", "Lãnh đạo chấm", "Ghi chú")


def marker_text(fw: Framework, variant: Variant) -> str:
    return f"{MARKER_PREFIX}framework={fw.id};version={fw.version};variant={variant.id}"


def parse_marker(text: Any) -> dict[str, str] | None:
    """``danhgia:framework=hanoi-2022;version=2022.1;variant=chuyen-vien`` → dict, else None."""
    if not isinstance(text, str) or not text.startswith(MARKER_PREFIX):
        return None
    out: dict[str, str] = {}
    for part in text[len(MARKER_PREFIX):].split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out if out.get("variant") else None


def is_period_form(variant: Variant) -> bool:
    """An NĐ 335 period form (Mẫu 01A / 01B): part II holds ratios, not points."""
    return any(c.kind == "ratio" for c, _ in variant.walk())


def variant_title(variant: Variant) -> str:
    if is_period_form(variant):
        return nfc(variant.title).upper()
    return TITLE_PREFIX + nfc(variant.title).upper()


def label_text(variant: Variant, key: str) -> str:
    """The label the tool's form writes for field ``key`` on ``variant``."""
    if is_period_form(variant) and key in PERIOD_FORM_LABELS:
        return PERIOD_FORM_LABELS[key]
    return FIELD_LABELS[key]


# ---------------------------------------------------------------------------------------------
# Layout: where everything goes. Computed once and shared by the writer and by anyone who fills
# a template by program (tests, scripts).


@dataclass
class Layout:
    header_row: int                                   # 1-based row of the table header
    rows: dict[str, int] = field(default_factory=dict)    # criterion code → 1-based row
    total_row: int = 0
    fields: dict[str, str] = field(default_factory=dict)  # field key → A1 input cell
    labels: dict[str, str] = field(default_factory=dict)  # field key → A1 label cell
    last_row: int = 0
    marker_cell: str = "G1"

    def cell(self, code: str, column: str) -> str:
        """A1 cell of ``column`` ("max", "self", "leader", "note") on the row of ``code``."""
        row = self.total_row if code == "TOTAL" else self.rows[code]
        return f"{COLUMNS[column]}{row}"


def layout_for(variant: Variant) -> Layout:
    r = 11                                         # table header on row 11 (1-based)
    lay = Layout(header_row=r)
    lay.labels.update(name="A7", id="C7", position="A8", unit="C8", month="A9", year="C9")
    lay.fields.update(name="B7", id="D7", position="B8", unit="D8", month="B9", year="D9")
    for c, _depth in variant.walk():
        r += 1
        lay.rows[c.code] = r
    r += 1
    lay.total_row = r
    r += 1                                         # blank spacer
    tail = ["self_grade", "self_date", "leader_date", "decided_grade", "head_date", "bonus_note"]
    if any(c.completion_bands for c, _ in variant.walk()):
        tail.insert(0, "completion_share")
    if is_period_form(variant):
        # Mẫu 01: Ưu điểm; Hạn chế; comments of the competent level; the two levels. No bonus.
        tail = ["strengths", "weaknesses", "self_grade", "self_date", "comments", "leader_date",
                "decided_grade", "head_date"]
    for key in tail:
        r += 1
        lay.labels[key] = f"A{r}"
        lay.fields[key] = f"C{r}"
    lay.last_row = r + 9                           # legend, spacer, signatures
    return lay
