"""The layout of the consolidated monthly workbook written by ``tally``.

``tally`` writes it; ``annual`` and the roll-up of sub-units read it back, by header labels
(so a head may re-order or hand-edit columns). Keep writer and readers on these constants.
"""

from __future__ import annotations

from danhgia.text import fold

SUMMARY_SHEET = "Tổng hợp"
DETAIL_SHEET = "Chi tiết"
MISSING_SHEET = "Chưa nộp"
NOT_EVALUATED_SHEET = "Không đánh giá"
FINDINGS_SHEET = "Lỗi"
PUBLIC_SHEET = "Công khai"
LIST_SHEET = "Bảng xếp loại"   # the printable monthly list (domain.md §4)
SOURCES_SHEET = "Nguồn"

# "Chi tiết": one row per person. (key, Vietnamese header, English header)
DETAIL_COLUMNS: list[tuple[str, str, str]] = [
    ("id", "Mã", "Id"),
    ("name", "Họ và tên", "Name"),
    ("unit", "Đơn vị", "Unit"),
    ("group", "Nhóm", "Staff group"),
    ("task_group", "Nhóm nhiệm vụ", "Task group"),
    ("position", "Chức vụ", "Position"),
    ("variant", "Bảng điểm", "Scoresheet"),
    ("block_I", "Mục I", "Block I"),
    ("block_II", "Mục II", "Block II"),
    ("block_III", "Mục III", "Block III"),
    ("self_total", "Tổng tự chấm", "Self total"),
    ("leader_total", "Tổng lãnh đạo chấm", "Leader total"),
    ("self_grade", "Tự xếp loại", "Self grade"),
    ("decided_grade", "Thủ trưởng xếp loại", "Decided grade"),
    ("final_grade", "Xếp loại cuối cùng", "Final grade"),
    ("status", "Trạng thái", "Status"),
    ("notes", "Ghi chú", "Notes"),
    ("file", "Tệp", "File"),
    ("sheet", "Trang tính", "Sheet"),
]

# NĐ 335 task-result ratios (percent): shown after "Mục III" only when someone's form has them,
# so a Hanoi month keeps its columns. (key, Vietnamese header, English header, ratio letter)
RATIO_COLUMNS: list[tuple[str, str, str, str]] = [
    ("ratio_a", "(a) Số lượng %", "(a) Quantity %", "a"),
    ("ratio_b", "(b) Chất lượng %", "(b) Quality %", "b"),
    ("ratio_c", "(c) Tiến độ %", "(c) Timeliness %", "c"),
    ("ratio_d", "(d) Lĩnh vực phụ trách %", "(d) Field led %", "d"),
    ("ratio_dd", "(đ) Tổ chức thực hiện %", "(đ) Organising %", "đ"),
    ("ratio_e", "(e) Đoàn kết %", "(e) Uniting staff %", "e"),
]
RATIO_KEY = {letter: key for key, _vi, _en, letter in RATIO_COLUMNS}


# A quarter's workbook: the months each person's quarter score covers (the annual spreads the
# quarter over them), after "Bảng điểm".
MONTHS_COLUMN = ("months", "Các tháng của kỳ", "Months of the period")
# "Nguồn": a quarter's workbook names its period on this row instead of "Tháng" (``2026-Q4``)
PERIOD_LABEL = "Kỳ"


def detail_columns(ratio_letters: set[str] | frozenset[str] = frozenset(),
                   quarter: bool = False) -> list[tuple[str, str, str]]:
    """"Chi tiết" columns, with the ratio columns of ``ratio_letters`` after "Mục III" (and, for a
    quarter, the months column after "Bảng điểm")."""
    cols = list(DETAIL_COLUMNS)
    if quarter:
        at = [k for k, _vi, _en in cols].index("variant") + 1
        cols.insert(at, MONTHS_COLUMN)
    if not ratio_letters:
        return cols
    at = [k for k, _vi, _en in cols].index("block_III") + 1
    extra = [(k, vi, en) for k, vi, en, letter in RATIO_COLUMNS if letter in ratio_letters]
    return cols[:at] + extra + cols[at:]


# The sheets that identify a consolidated monthly workbook (all present).
TALLY_SHEETS = (SUMMARY_SHEET, DETAIL_SHEET, SOURCES_SHEET)


def is_tally_sheets(names: list[str]) -> bool:
    """True when a workbook's sheet names are those of a consolidated monthly workbook."""
    import unicodedata

    have = {unicodedata.normalize("NFC", n) for n in names}
    return all(n in have for n in TALLY_SHEETS)


STATUSES = ("classified", "not_evaluated", "missing", "pending", "invalid")
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "classified": ("Đã xếp loại", "Classified"),
    "not_evaluated": ("Không đánh giá", "Not evaluated"),
    "missing": ("Chưa nộp", "Missing"),
    "pending": ("Chờ đánh giá", "Pending"),
    "invalid": ("Không hợp lệ", "Invalid"),
}

# "Nguồn": key/value rows (column A label, column B value) before the list of input files.
SOURCE_KEYS: dict[str, str] = {
    "month": "Tháng",              # YYYY-MM
    "unit": "Đơn vị",
    "framework": "Khung đánh giá",  # id
    "framework_version": "Phiên bản khung",
    "tool_version": "Phiên bản danhgia",
    "generated": "Thời điểm tạo",
}


def status_from_label(text: object) -> str | None:
    """Map a status cell (Vietnamese, English or code) back to its code."""
    key = fold(text)
    for code, (vi, en) in STATUS_LABELS.items():
        if key in (fold(vi), fold(en), code):
            return code
    return None


def header_keys() -> dict[str, str]:
    """Folded header text (either language) → column key, for reading by label."""
    out = {}
    for key, vi, en in DETAIL_COLUMNS + [(k, vi, en) for k, vi, en, _l in RATIO_COLUMNS] + [MONTHS_COLUMN]:
        out[fold(vi)] = key
        out[fold(en)] = key
    return out
