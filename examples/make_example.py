"""Make the bundled example unit: a ward People's Committee and its kindergarten, year 2026.

Fictional but realistic: 30 ward staff (leaders, specialists, public employees at the service
centre, contract workers) and 10 at the kindergarten (a principal, teachers, a guard). It writes

- ``danh-sach.xlsx``: the roster (sheet "Danh sách") and the annual events (sheet "Sự kiện năm");
- ``danhgia.yaml``: the unit file;
- ``2026-MM/``: each month's scoresheets, made with ``danhgia template --roster`` and filled the
  way people fill them. The ward sends one file per person; the kindergarten sends one workbook
  with a tab per person; its guard uses the school's own form (other columns, no codes). Two
  sheets a month come re-saved as .xls and one as .ods by LibreOffice (``soffice`` is needed to
  run this script; its outputs are committed);
- ``expected.json``: the mistakes built in, per month, which the tests hold validate to.

Run from the repository root: ``python examples/make_example.py`` (fixed seed, same content).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

from danhgia import config
from danhgia.form import layout_for
from danhgia.write.template import person_templates
from danhgia.read.roster import load as load_roster

HERE = Path(__file__).resolve().parent
YEAR = 2026
SEED = 20261022
WARD = "UBND phường Hòa Bình"
SCHOOL = "Trường Mầm non Hòa Bình"
FIXED_TIME = datetime(2026, 11, 1, 8, 0, 0)

# id, name, unit, position, group, variant, teacher, task group, start date
PEOPLE = [
    ("HB001", "Nguyễn Văn Hùng", WARD, "Chủ tịch UBND", "Cán bộ", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB002", "Trần Thị Mai", WARD, "Phó Chủ tịch UBND", "Cán bộ", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB003", "Lê Quang Minh", WARD, "Phó Chủ tịch UBND", "Cán bộ", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB004", "Phạm Thị Hồng", WARD, "Chánh Văn phòng", "Công chức", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB005", "Hoàng Văn Đức", WARD, "Trưởng phòng Kinh tế", "Công chức", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB006", "Vũ Thị Lan", WARD, "Trưởng phòng Văn hóa - Xã hội", "Công chức", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB007", "Đặng Văn Tùng", WARD, "Chỉ huy trưởng Quân sự", "Công chức", "Lãnh đạo quản lý", "", "Lãnh đạo", None),
    ("HB008", "Bùi Thị Thu", WARD, "Chuyên viên Văn phòng", "Công chức", "Chuyên viên", "", "Văn phòng", None),
    ("HB009", "Đỗ Minh Tuấn", WARD, "Chuyên viên Văn phòng", "Công chức", "Chuyên viên", "", "Văn phòng", None),
    ("HB010", "Ngô Thị Hạnh", WARD, "Chuyên viên Tư pháp", "Công chức", "Chuyên viên", "", "Văn phòng", None),
    ("HB011", "Dương Văn Nam", WARD, "Chuyên viên Tư pháp", "Công chức", "Chuyên viên", "", "Văn phòng", None),
    ("HB012", "Lý Thị Ngọc", WARD, "Chuyên viên Tài chính", "Công chức", "Chuyên viên", "", "Kinh tế", None),
    ("HB013", "Trịnh Văn Sơn", WARD, "Chuyên viên Địa chính", "Công chức", "Chuyên viên", "", "Kinh tế", None),
    ("HB014", "Phan Thị Yến", WARD, "Chuyên viên Địa chính", "Công chức", "Chuyên viên", "", "Kinh tế", None),
    ("HB015", "Mai Văn Long", WARD, "Chuyên viên Xây dựng", "Công chức", "Chuyên viên", "", "Kinh tế", None),
    ("HB016", "Tạ Thị Phương", WARD, "Chuyên viên Kinh tế", "Công chức", "Chuyên viên", "", "Kinh tế", None),
    ("HB017", "Cao Văn Thắng", WARD, "Chuyên viên Văn hóa", "Công chức", "Chuyên viên", "", "Văn hóa - Xã hội", None),
    ("HB018", "Hà Thị Thảo", WARD, "Chuyên viên Lao động - Xã hội", "Công chức", "Chuyên viên", "", "Văn hóa - Xã hội", None),
    ("HB019", "Kiều Văn Bình", WARD, "Chuyên viên Y tế", "Công chức", "Chuyên viên", "", "Văn hóa - Xã hội", None),
    ("HB020", "Lương Thị Huyền", WARD, "Chuyên viên Giáo dục", "Công chức", "Chuyên viên", "", "Văn hóa - Xã hội", None),
    ("HB021", "Đinh Văn Hải", WARD, "Chuyên viên Quân sự", "Công chức", "Chuyên viên", "", "Quân sự", None),
    ("HB022", "Tô Thị Vân", WARD, "Chuyên viên Một cửa", "Công chức", "Chuyên viên", "", "Văn phòng", "2026-08-01"),
    ("HB023", "Nghiêm Văn Khoa", WARD, "Viên chức Trung tâm Dịch vụ", "Viên chức", "Chuyên viên", "", "Dịch vụ công", None),
    ("HB024", "Quách Thị Loan", WARD, "Viên chức Trung tâm Dịch vụ", "Viên chức", "Chuyên viên", "", "Dịch vụ công", None),
    ("HB025", "Lã Văn Tiến", WARD, "Viên chức Trung tâm Dịch vụ", "Viên chức", "Chuyên viên", "", "Dịch vụ công", None),
    ("HB026", "Âu Thị Nhung", WARD, "Viên chức Trung tâm Dịch vụ", "Viên chức", "Chuyên viên", "", "Dịch vụ công", None),
    ("HB027", "Triệu Văn Phúc", WARD, "Lái xe", "LĐHĐ", "LĐHĐ", "", "Hợp đồng", None),
    ("HB028", "Văn Thị Hoa", WARD, "Tạp vụ", "LĐHĐ", "LĐHĐ", "", "Hợp đồng", None),
    ("HB029", "Khúc Văn Toàn", WARD, "Bảo vệ", "LĐHĐ", "LĐHĐ", "", "Hợp đồng", None),
    ("HB030", "Ông Thị Liên", WARD, "Văn thư hợp đồng", "LĐHĐ", "LĐHĐ", "", "Hợp đồng", None),
    ("MN001", "Nguyễn Thị Thanh", SCHOOL, "Hiệu trưởng", "Viên chức", "Lãnh đạo quản lý", "", "Quản lý", None),
    ("MN002", "Trần Thị Hương", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN003", "Lê Thị Nga", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN004", "Phạm Thị Hà", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN005", "Hoàng Thị Linh", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN006", "Vũ Thị Trang", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN007", "Đặng Thị Quỳnh", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN008", "Bùi Thị Dung", SCHOOL, "Giáo viên", "Viên chức", "Chuyên viên", "có", "Giáo viên", None),
    ("MN009", "Đỗ Thị Hằng", SCHOOL, "Giáo viên hợp đồng", "LĐHĐ", "LĐHĐ", "có", "Giáo viên", None),
    ("MN010", "Ngô Văn Bảo", SCHOOL, "Bảo vệ", "LĐHĐ", "LĐHĐ", "", "Hợp đồng", None),
]
# Months a person is not evaluated, recorded in the roster (besides the teachers' summer).
NOT_EVALUATED = {
    "HB018": ("04/2026 - 08/2026", "Nghỉ thai sản"),
    "HB024": ("02/2026 - 05/2026", "Nghỉ ốm dài ngày"),
}
# Annual events (sheet "Sự kiện năm").
EVENTS_HEADER = ["Mã", "Họ và tên", "Số tháng nghỉ (không kể thai sản)", "Số tháng nghỉ thai sản",
                 "Hình thức kỷ luật", "Ngày kỷ luật", "Liên quan công vụ", "Đã tính ở năm trước",
                 "% chỉ tiêu hoàn thành", "% chỉ tiêu vượt", "% đơn vị HTNV trở lên",
                 "% đơn vị HTT trở lên", "Ghi chú"]
EVENTS = [
    ("HB001", "Nguyễn Văn Hùng", None, None, None, None, None, None, 100, 60, 100, 80, "Kết quả của phường"),
    ("HB002", "Trần Thị Mai", None, None, None, None, None, None, 100, 40, 100, 75, ""),
    ("HB024", "Quách Thị Loan", 4, None, None, None, None, None, None, None, None, None, "Nghỉ ốm 4 tháng"),
    ("HB018", "Hà Thị Thảo", None, 5, None, None, None, None, None, None, None, None, "Nghỉ thai sản tháng 4–8"),
    ("HB025", "Lã Văn Tiến", None, None, "Khiển trách", "15/05/2026", "có", "không", None, None, None, None,
     "Quyết định kỷ luật số 12/QĐ-UBND"),
    ("MN001", "Nguyễn Thị Thanh", None, None, None, None, None, None, 100, 55, 100, 90, "Kết quả của trường"),
]

# The mistakes built into each month, and the findings they must produce (code, person id).
MISTAKES: dict[int, list[tuple[str, str, str]]] = {
    10: [
        ("score-above-max", "HB009", "I.2.1 tự chấm 4 (tối đa 3)"),
        ("missing-leader-score", "HB012", "lãnh đạo chưa chấm"),
        ("bonus-without-note", "HB016", "điểm thưởng III.1 không ghi nội dung"),
        ("duplicate-person", "HB017", "nộp hai tệp"),
        ("missing-submission", "HB020", "không nộp"),
        ("self-assessment-early", "HB010", "tự đánh giá ngày 18"),
        ("self-assessment-late", "HB014", "tự đánh giá ngày 27"),
    ],
    7: [("exempt-month", "MN003", "giáo viên nộp bảng điểm tháng hè")],
}
# October: seven ward staff rated A, over the 20% cap of those rated B or better.
QUOTA_BREACH_MONTH = 10


def roster_rows() -> list[list]:
    header = ["STT", "Mã", "Họ và tên", "Đơn vị", "Chức vụ", "Nhóm", "Bảng điểm", "Giáo viên",
              "Nhóm nhiệm vụ", "Ngày vào", "Tháng không đánh giá", "Lý do không đánh giá"]
    rows = [header]
    for i, (pid, name, unit, pos, grp, var, teacher, tg, start) in enumerate(PEOPLE, 1):
        ne = NOT_EVALUATED.get(pid, ("", ""))
        start_d = date.fromisoformat(start) if start else None
        rows.append([i, pid, name, unit, pos, grp, var, teacher, tg, start_d, ne[0], ne[1]])
    return rows


def write_roster(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append([f"DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, LAO ĐỘNG HỢP ĐỒNG NĂM {YEAR}"])
    ws.append([f"{WARD} và {SCHOOL}"])
    for row in roster_rows():
        ws.append(row)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJKL", (5, 8, 24, 26, 28, 11, 17, 10, 17, 11, 18, 20)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=4, min_col=10, max_col=10):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = "A4"
    ev = wb.create_sheet("Sự kiện năm")
    ev.append([f"SỰ KIỆN TRONG NĂM {YEAR} (căn cứ xếp loại năm)"])
    ev.append(EVENTS_HEADER)
    for cell in ev[2]:
        cell.font = Font(bold=True)
    for row in EVENTS:
        ev.append(list(row))
    ev.freeze_panes = "A3"
    _fix_times(wb)
    wb.save(path)


def _fix_times(wb) -> None:
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "danhgia example"
    wb.properties.lastModifiedBy = "danhgia example"


UNIT_FILE = f"""\
# Tệp cấu hình đơn vị: danhgia tìm tệp này trong thư mục đầu vào hoặc thư mục cha.
unit: {WARD}
framework: hanoi-2022          # QĐ 3251: loại A ≤ 20% số người xếp loại B trở lên, không chia nhóm
roster: danh-sach.xlsx
exceptional: false
"""


# ---------------------------------------------------------------------------------------------
# Scores


def _band_share(points: Decimal) -> Decimal:
    """A completion share (percent) consistent with II.2 points, per the Hanoi bands."""
    if points >= 45:
        return 90 + (points - 45) * 2
    if points >= 40:
        return 80 + (points - 40) * 2
    if points >= 35:
        return 70 + (points - 35) * 2
    return Decimal(60)


def plan_scores(rng: random.Random, variant, target: Decimal, bonus: Decimal) -> dict[str, Decimal | None]:
    """Leaf scores whose score-leaves total ``target`` (≤ 90) plus ``bonus`` bonus points."""
    leaves = variant.leaves()
    values: dict[str, Decimal | None] = {c.code: (c.max if c.kind == "score" else None) for c in leaves}
    score_leaves = [c for c in leaves if c.kind == "score"]
    total = sum(c.max for c in score_leaves)
    ii2 = variant.criterion("II.2")
    # take most of the shortfall from II.2 (work done against plan), the rest from other items
    short = total - target
    from_ii2 = min(short, Decimal(int(short * Decimal("0.6") * 2)) / 2, Decimal(10))
    values["II.2"] = ii2.max - from_ii2
    short -= from_ii2
    others = [c for c in score_leaves if c.code != "II.2"]
    while short > 0:
        c = rng.choice(others)
        if values[c.code] - Decimal("0.5") >= c.max / 2:
            values[c.code] -= Decimal("0.5")
            short -= Decimal("0.5")
    bonus_leaves = [c for c in leaves if c.kind == "bonus"]
    left = bonus
    for c in bonus_leaves:
        if left <= 0:
            break
        give = min(left, c.max)
        values[c.code] = give
        left -= give
    return values


def grade(total: Decimal) -> str:
    return "A" if total >= 90 else "B" if total >= 70 else "C" if total >= 50 else "D"


def month_plan(rng: random.Random, month: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Person id → (base score without bonus, bonus): mostly B, a few A within the cap."""
    plan = {}
    a_people = {"HB001", "HB004", "HB008"} if month % 2 else {"HB001", "HB002", "HB005"}
    if month == QUOTA_BREACH_MONTH:
        a_people = {"HB001", "HB002", "HB004", "HB005", "HB008", "HB011", "HB019"}
    school_a = {"MN002"} if month % 2 else {"MN005"}
    for pid, *_ in PEOPLE:
        if pid in a_people or pid in school_a:
            plan[pid] = (Decimal(90), Decimal(rng.choice([2, 3, 4])))
        elif pid == "HB029" and month in (3, 9):
            plan[pid] = (Decimal(rng.choice([62, 65, 68])), Decimal(0))  # a C month for the guard
        else:
            plan[pid] = (Decimal(rng.randrange(150, 176)) / 2, Decimal(0))  # 75 … 87.5
    return plan


# ---------------------------------------------------------------------------------------------
# Filling


def fill_sheet(ws, fw, variant, values: dict[str, Decimal | None], leader_drop: Decimal,
               month: int, *, self_day: int | None = None, leader_blank: bool = False,
               bonus_note: str | None = None, overrides: dict | None = None) -> None:
    lay = layout_for(variant)
    leader = dict(values)
    # the leader takes off half a point here and there
    if leader_drop:
        for code in ("I.2.2", "II.1.2", "I.2", "II.1.1"):
            if code in leader and leader[code] is not None and leader[code] >= leader_drop:
                leader[code] -= leader_drop
                break
    for code, v in (overrides or {}).items():
        values[code] = v
    for code, v in values.items():
        if v is not None:
            ws[lay.cell(code, "self")] = float(v)
        if not leader_blank and leader.get(code) is not None:
            ws[lay.cell(code, "leader")] = float(leader[code])
    tree_total = _total(variant, values)
    lead_total = _total(variant, leader)
    if "completion_share" in lay.fields and values.get("II.2") is not None:
        ws[lay.fields["completion_share"]] = float(_band_share(values["II.2"]))
    dec = month == 12
    sd = self_day if self_day is not None else (12 if dec else 22)
    ws[lay.fields["self_date"]] = date(YEAR, month, sd)
    ws[lay.fields["self_grade"]] = grade(tree_total)
    if not leader_blank:
        ws[lay.fields["leader_date"]] = date(YEAR, month, 14 if dec else 25)
        ws[lay.fields["head_date"]] = date(YEAR, month, 14 if dec else 25)
        ws[lay.fields["decided_grade"]] = grade(lead_total)
    if bonus_note:
        ws[lay.fields["bonus_note"]] = bonus_note


def _total(variant, values: dict[str, Decimal | None]) -> Decimal:
    return sum((v for c in variant.leaves() if (v := values.get(c.code)) is not None), Decimal(0))


BONUS_NOTES = [
    "Tham mưu triển khai mô hình “Một cửa không giấy tờ”, được Chủ tịch UBND ghi nhận",
    "Đề xuất giải pháp rút ngắn thời gian giải quyết hồ sơ đất đai, được phê duyệt",
    "Hoàn thành xuất sắc nhiệm vụ đột xuất phòng chống lụt bão",
]


def own_form(path: Path, person: tuple, variant, values: dict[str, Decimal | None], month: int) -> None:
    """The kindergarten's own form for its guard: other column order, merged header, no codes."""
    pid, name, unit, pos = person[:4]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu đánh giá"
    thin = Side(style="thin")
    ws["A1"] = SCHOOL.upper()
    ws["A3"] = f"PHIẾU ĐÁNH GIÁ, XẾP LOẠI LAO ĐỘNG HỢP ĐỒNG THÁNG {month} NĂM {YEAR}"
    ws.merge_cells("A3:E3")
    ws["A3"].font = Font(bold=True, size=13)
    ws["A3"].alignment = Alignment(horizontal="center")
    ws["A5"] = f"Họ và tên: {name}"
    ws["C5"] = f"Mã số: {pid}"
    ws["A6"] = f"Chức vụ: {pos}"
    ws["C6"] = f"Đơn vị: {unit}"
    ws["A8"] = "Nội dung đánh giá"
    ws["B8"] = "Điểm chuẩn"
    ws["C8"] = "Điểm đánh giá"
    ws.merge_cells("C8:D8")
    ws["C9"] = "Lãnh đạo chấm"   # the school puts the leader column first
    ws["D9"] = "Cá nhân tự chấm"
    ws["E8"] = "Ghi chú"
    r = 10
    for c, _depth in variant.walk():
        ws.cell(r, 1, c.label)
        ws.cell(r, 2, float(c.max))
        if c.is_leaf and values.get(c.code) is not None:
            ws.cell(r, 3, float(values[c.code]))
            ws.cell(r, 4, float(values[c.code]))
        r += 1
    ws.cell(r, 1, "Tổng cộng")
    total = _total(variant, values)
    r += 2
    for label, value in (("Tỷ lệ hoàn thành nhiệm vụ (%)", float(_band_share(values["II.2"]))),
                         ("Tự xếp loại", grade(total)),
                         ("Ngày tự đánh giá", date(YEAR, month, 12 if month == 12 else 23)),
                         ("Ngày lãnh đạo đánh giá", date(YEAR, month, 14 if month == 12 else 25)),
                         ("Thủ trưởng quyết định xếp loại", grade(total))):
        ws.cell(r, 1, label)
        ws.cell(r, 3, value)
        if isinstance(value, date):
            ws.cell(r, 3).number_format = "DD/MM/YYYY"
        r += 1
    for row in ws.iter_rows(min_row=8, max_row=8 + len(list(variant.walk())) + 2, max_col=5):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    ws.column_dimensions["A"].width = 60
    _fix_times(wb)
    wb.save(path)


def convert(files: list[Path], fmt: str) -> None:
    """Re-save with LibreOffice as ``fmt`` (xls / ods) next to the original, then drop the .xlsx."""
    if not files:
        return
    outdir = files[0].parent
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
                       check=True, capture_output=True, timeout=300)
    for f in files:
        if not f.with_suffix("." + fmt).exists():
            raise SystemExit(f"LibreOffice did not write {f.with_suffix('.' + fmt)}")
        f.unlink()


def make_month(month: int, roster, rng: random.Random) -> dict:
    folder = HERE / f"{YEAR}-{month:02d}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    cfg = config.UnitConfig(framework="hanoi-2022")
    fw = config.framework_for(cfg)
    plan = month_plan(rng, month)
    mistakes = {(pid, code) for code, pid, _ in MISTAKES.get(month, [])}
    summer = month in (6, 7, 8)
    by_id = {p[0]: p for p in PEOPLE}

    def submits(person) -> bool:
        pid = person.id
        if (pid, "missing-submission") in mistakes:
            return False
        if (YEAR, month) in person.not_evaluated or not person.employed_in(YEAR, month):
            return False
        if summer and person.teacher and (pid, "exempt-month") not in mistakes:
            return False
        return True

    ward = [p for p in roster.people if p.unit == WARD and submits(p)]
    school_tabs = [p for p in roster.people if p.unit == SCHOOL and p.id != "MN010" and submits(p)]
    guard = next(p for p in roster.people if p.id == "MN010")

    def values_for(p):
        v = fw.variant(p.variant)
        base, bonus = plan[p.id]
        return v, plan_scores(rng, v, base, bonus), bonus

    def fill(ws, p):
        v, values, bonus = values_for(p)
        kw: dict = {}
        if bonus:
            kw["bonus_note"] = rng.choice(BONUS_NOTES)
        if (p.id, "score-above-max") in mistakes:
            kw["overrides"] = {"I.2.1": Decimal(4), "I.2.2": Decimal(2)}
        if (p.id, "missing-leader-score") in mistakes:
            kw["leader_blank"] = True
        if (p.id, "bonus-without-note") in mistakes:
            values["III.1"] = Decimal(2)
            values["II.2"] -= Decimal(2)  # keeps the total a B
            kw.pop("bonus_note", None)
        if (p.id, "self-assessment-early") in mistakes:
            kw["self_day"] = 18
        if (p.id, "self-assessment-late") in mistakes:
            kw["self_day"] = 27
        drop = Decimal("0.5") if rng.random() < 0.3 and not bonus else Decimal(0)
        fill_sheet(ws, fw, v, values, drop, month, **kw)

    # the ward: one file per person, from `danhgia template --roster`
    paths = person_templates(ward, (YEAR, month), lambda var, grp: fw, folder, force=True)
    for p, path in zip(ward, paths):
        wb = openpyxl.load_workbook(path)
        fill(wb.worksheets[0], p)
        _fix_times(wb)
        wb.save(path)
        if (p.id, "duplicate-person") in mistakes:
            shutil.copy(path, path.with_name(path.stem + " (1).xlsx"))
    # the kindergarten: one workbook, a tab per person
    if school_tabs:
        sub = folder / "truong-mam-non"
        (book,) = person_templates(school_tabs, (YEAR, month), lambda var, grp: fw, sub, one_workbook=True, force=True)
        wb = openpyxl.load_workbook(book)
        for p, ws in zip(school_tabs, wb.worksheets):
            fill(ws, p)
        _fix_times(wb)
        wb.save(book)
    # the guard on the school's own form
    if submits(guard):
        v, values, _ = values_for(guard)
        own_form(folder / "truong-mam-non" / f"{guard.id}-phieu-danh-gia.xlsx", by_id[guard.id], v, values, month)
    # two sheets re-saved as .xls, one as .ods, by LibreOffice
    ward_files = sorted(folder.glob("HB*.xlsx"))
    picks = [f for f in ward_files if "(1)" not in f.name]
    xls = [picks[(month * 3) % len(picks)], picks[(month * 3 + 7) % len(picks)]]
    ods = [picks[(month * 3 + 13) % len(picks)]]
    convert(xls, "xls")
    convert(ods, "ods")
    return {
        "month": f"{YEAR}-{month:02d}",
        "files": sorted(str(p.relative_to(HERE)) for p in folder.rglob("*") if p.is_file()),
        "mistakes": [{"code": c, "person_id": pid, "what": what} for c, pid, what in MISTAKES.get(month, [])],
        "quota_breach": month == QUOTA_BREACH_MONTH,
    }


def main() -> int:
    if not shutil.which("soffice"):
        print("LibreOffice (soffice) is needed: apt-get install -y libreoffice-calc", file=sys.stderr)
        return 2
    rng = random.Random(SEED)
    write_roster(HERE / "danh-sach.xlsx")
    (HERE / "danhgia.yaml").write_text(UNIT_FILE, encoding="utf-8")
    roster = load_roster(HERE / "danh-sach.xlsx")
    months = [make_month(m, roster, rng) for m in range(1, 13)]
    expected = {"year": YEAR, "seed": SEED, "months": months}
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {sum(len(m['files']) for m in months)} scoresheet files for {YEAR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
