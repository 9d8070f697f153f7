"""Make the example unit's fourth quarter under NĐ 335/2025: ``examples/2026-Q4/``.

The ward's công chức (HB004–HB022) keep the city's monthly 20/70/10 sheets (``2026-10`` …
``2026-12``) and, from the fourth quarter, are also monitored under NĐ 335 by quarter: one
quarterly form each (Mẫu 01A, leaders Mẫu 01B, "Kỳ: Quý IV năm 2026"), made from
``danhgia template --roster`` with NĐ 335 and filled the way people fill them (the month cell
changed to «Quý IV» by hand). One specialist attaches a product list (bảng kê sản phẩm).

Built in, for the walk-through and the tests:
- HB013 wrote the task score (II) as 63 although a, b, c give 56.00 (``total-mismatch``);
- HB019 wrote a ratio of 120% (``ratio-out-of-range``: counted as 100%, the unit caps ratios);
- HB021 did not send a form (``missing-submission``).

The folder's ``danhgia.yaml`` puts the công chức on NĐ 335 (``frameworks: {cong_chuc: nd335-2025}``)
and keeps everyone else on the city's monthly framework, so the quarter's run says how many are
monitored by month only.

Run from the repository root: ``python examples/make_quarter.py`` (deterministic; no LibreOffice).
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from danhgia import config
from danhgia.form import layout_for
from danhgia.read.roster import load as load_roster
from danhgia.write.template import person_templates

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "2026-Q4"
FIXED_TIME = datetime(2026, 12, 20, 8, 0, 0)
UNIT_FILE = """\
# Quý IV/2026: công chức của phường được theo dõi theo quý theo NĐ 335/2025 (phiếu Mẫu 01A/01B);
# những người khác vẫn theo bảng điểm tháng của thành phố (hanoi-2022).
unit: UBND phường Hòa Bình
framework: hanoi-2022
frameworks:
  cong_chuc: nd335-2025
roster: ../danh-sach.xlsx
exceptional: false
"""
MISSING = {"HB021"}
# id → (general I.1, I.2, I.3; ratios a, b, c; leaders d, đ, e)
SCORES: dict[str, tuple] = {
    "HB004": ((10, 10, 9.5), (100, 95, 95), (100, 95, 95)),
    "HB005": ((9.5, 9.5, 9), (95, 90, 90), (100, 90, 90)),
    "HB006": ((9, 9, 8.5), (90, 90, 85), (100, 90, 85)),
    "HB007": ((9, 8.5, 8.5), (90, 85, 85), (100, 85, 85)),
    "HB008": ((10, 10, 10), (100, 100, 95), None),
    "HB009": ((9, 9, 8), (95, 90, 85), None),
    "HB010": ((9, 8.5, 8), (90, 85, 85), None),
    "HB011": ((8.5, 8.5, 8), (90, 85, 80), None),
    "HB012": ((9, 9, 9), (100, 92.5, 62.5), None),       # as its product list gives them
    "HB013": ((8, 8, 8), (80, 80, 80), None),
    "HB014": ((9, 8.5, 8.5), (95, 85, 85), None),
    "HB015": ((8.5, 8, 8), (85, 80, 80), None),
    "HB016": ((10, 9.5, 9.5), (100, 95, 95), None),
    "HB017": ((9, 9, 8.5), (90, 90, 90), None),
    "HB018": ((8.5, 8.5, 8.5), (85, 85, 80), None),
    "HB019": ((9, 9, 9), (120, 90, 90), None),
    "HB020": ((9, 8.5, 8.5), (90, 85, 85), None),
    "HB022": ((8, 8, 7.5), (80, 75, 75), None),
}
PRODUCTS = {"HB012": [("Tờ trình giao đất", 4, 4, 0, 0), ("Báo cáo thu ngân sách", 6, 6, 1, 0),
                      ("Hồ sơ hỗ trợ hộ nghèo", 10, 10, 0, 3)]}
STORED_TASK = {"HB013": Decimal(63)}          # written by hand; a, b, c give 56.00
LEVEL = {"A": "HTXSNV", "B": "HTTNV", "C": "HTNV", "D": "KHTNV"}


def _task(ratios: list) -> Decimal:
    from decimal import ROUND_HALF_UP

    shares = [min(Decimal(str(r)), Decimal(100)) for r in ratios]
    return (Decimal(70) * sum(shares) / Decimal(len(shares)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fill(path: Path, fw, variant, pid: str) -> None:
    general, ratios, leader = SCORES[pid]
    lay = layout_for(variant)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    # the quarter written over the month, as an office does with a monthly template
    month_cell = lay.fields["month"]
    ws[month_cell] = "Quý IV"
    label = ws.cell(row=ws[month_cell].row, column=ws[month_cell].column - 1)
    if isinstance(label.value, str) and label.value.strip().startswith("Tháng"):
        label.value = "Quý:"
    for row in ws.iter_rows(max_row=8):
        for c in row:
            if isinstance(c.value, str) and "Tháng/Quý" in c.value:
                c.value = "(Kỳ đánh giá: Quý IV năm 2026)"
    codes = ["I.1", "I.2", "I.3"]
    values = list(general)
    letters = ["II.1", "II.2", "II.3"] + (["II.4", "II.5", "II.6"] if leader else [])
    shares = list(ratios) + (list(leader) if leader else [])
    for code, v in zip(codes + letters, values + shares):
        ws[lay.cell(code, "self")] = v
        ws[lay.cell(code, "leader")] = v
    total = sum(Decimal(str(g)) for g in general) + _task(shares)
    if pid in STORED_TASK:      # the task score typed over its formula
        ws[lay.cell("II", "leader")] = float(STORED_TASK[pid])
    level = LEVEL[fw.grade_for(total)]
    ws[lay.fields["self_grade"]] = level
    ws[lay.fields["decided_grade"]] = level
    ws[lay.fields["self_date"]] = datetime(2026, 12, 18)
    ws[lay.fields["leader_date"]] = datetime(2026, 12, 21)
    ws[lay.fields["head_date"]] = datetime(2026, 12, 22)
    if pid in PRODUCTS:
        pl = wb.create_sheet("Bảng kê sản phẩm")
        pl.append(["BẢNG KÊ SẢN PHẨM QUÝ IV NĂM 2026"])
        pl.append(["TT", "Tên sản phẩm", "Số lượng quy đổi được giao", "Số lượng hoàn thành", "Số lỗi lớn",
                   "Số lần chậm trễ"])
        for i, r in enumerate(PRODUCTS[pid], 1):
            pl.append([i, *r])
        pl.column_dimensions["B"].width = 30
    wb.properties.modified = FIXED_TIME
    wb.properties.created = FIXED_TIME
    wb.save(path)


def main() -> int:
    if FOLDER.exists():
        shutil.rmtree(FOLDER)
    FOLDER.mkdir()
    (FOLDER / "danhgia.yaml").write_text(UNIT_FILE, encoding="utf-8")
    roster = load_roster(HERE / "danh-sach.xlsx")
    cfg = config.UnitConfig(framework="hanoi-2022", frameworks={"cong_chuc": "nd335-2025"})
    people = [p for p in roster.people if p.group == "cong_chuc" and p.id not in MISSING
              and p.id in SCORES]
    fw_for = lambda variant, group: config.framework_for(cfg, None, variant, group)   # noqa: E731
    paths = person_templates(people, (2026, 12), fw_for, FOLDER, force=True)
    for p, path in zip(people, paths):
        fw = fw_for(p.variant, p.group)
        fill(path, fw, fw.variant_for(p.variant), p.id)
    print(f"wrote {len(paths)} quarterly forms to {FOLDER.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
