"""``validate --annotate`` stays bounded in time and memory on huge styled or merged sheets, and
copies of .xls/.ods keep what can be read of the original (merged cells, widths, dates, the
hidden marker hidden)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from danhgia.messages import code_name

from danhgia.write.annotate import MAX_OPENPYXL_CELLS, xlsx_weight

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FORM = EXAMPLES / "2026-10" / "HB010-ngo-thi-hanh.xlsx"      # one finding: self-assessment-early

_PEAK = (
    "import atexit, runpy, sys\n"
    "def _peak():\n"
    "    try:\n"
    "        hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "    except Exception:\n"
    "        hwm = '0'\n"
    "    sys.stderr.write('\\nPEAK-KB=' + hwm + '\\n')\n"
    "atexit.register(_peak)\n"
    "sys.argv = ['danhgia'] + sys.argv[1:]\n"
    "runpy.run_module('danhgia', run_name='__main__')\n")


def _run(args: list[str], cwd: Path, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float, int]:
    """``python -m danhgia ARGS`` with its wall time and its own peak resident memory (KB)."""
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _PEAK, *args], cwd=cwd, capture_output=True, text=True,
                         timeout=timeout, env={**os.environ, "COLUMNS": "200", "DANHGIA_LANG": "vi"})
    elapsed = time.perf_counter() - t0
    err, _, peak = res.stderr.rpartition("\nPEAK-KB=")
    return res, elapsed, int(peak.strip() or 0) if _ else 0


def _inject(dst: Path, change) -> Path:
    with zipfile.ZipFile(FORM) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            zo.writestr(info, data)
    return dst


def _styled(xml: str) -> str:
    """~1 million styled empty cells below the form (a sheet formatted to the last row)."""
    letters = [get_column_letter(c) for c in range(1, 201)]
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in letters) + "</row>"
                   for r in range(100, 5000))
    return xml.replace("</sheetData>", rows + "</sheetData>")


def _merged(xml: str) -> str:
    """One merged range over the rest of the sheet (17 billion cells)."""
    return re.sub(r'<mergeCells count="(\d+)">',
                  lambda m: f'<mergeCells count="{int(m.group(1)) + 1}"><mergeCell ref="A100:XFD1048576"/>', xml)


@pytest.mark.parametrize("kind", ["styled", "merged"])
def test_annotate_is_bounded_on_huge_sheets(tmp_path, kind):
    src = _inject(tmp_path / f"{kind}.xlsx", _styled if kind == "styled" else _merged)
    assert xlsx_weight(src.read_bytes()) > MAX_OPENPYXL_CELLS
    try:
        res, elapsed, peak_kb = _run(["validate", str(src), "--month", "2026-10", "--annotate", "out"], tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{kind}: annotating did not end within 120 s")
    assert res.returncode in (0, 1), res.stderr     # the finding is a warning
    assert "Traceback" not in res.stderr
    copy = tmp_path / "out" / f"{kind}.xlsx"
    assert copy.is_file()
    assert elapsed < 60, f"{kind}: {elapsed:.1f} s"
    assert peak_kb == 0 or peak_kb < 300 * 1024, f"{kind}: {peak_kb // 1024} MB"
    wb = load_workbook(copy)
    assert wb.sheetnames == ["Bảng điểm", "Lỗi"]
    cell = wb["Bảng điểm"]["C44"]
    assert cell.fill.start_color.rgb.endswith("FFEB9C") and code_name("self-assessment-early", "vi") in cell.comment.text
    if kind == "merged":   # the form's own merged cells are kept, the monster is not re-created
        ranges = {str(r) for r in wb["Bảng điểm"].merged_cells.ranges}
        assert "A4:F4" in ranges and not any(r.startswith("A100:") for r in ranges)


def test_weight_counts_cells_and_merged_area(tmp_path):
    plain = FORM.read_bytes()
    assert 100 < xlsx_weight(plain) < 5000
    merged = _inject(tmp_path / "m.xlsx", _merged).read_bytes()
    assert xlsx_weight(merged) > MAX_OPENPYXL_CELLS


@pytest.mark.parametrize("name", ["2026-10/HB009-do-minh-tuan.xls", "2026-10/HB015-mai-van-long.ods"])
def test_xls_and_ods_copies_keep_the_look(cli, tmp_path, name):
    month = "2026-10" if name.endswith(".xls") else "2026-09"   # the .ods gets a month-mismatch
    r = cli("validate", EXAMPLES / name, "--month", month, "--annotate", tmp_path / "out")
    assert r.exit_code == 1
    copy = tmp_path / "out" / (Path(name).stem + ".xlsx")       # the name only: the input path was absolute
    wb = load_workbook(copy)
    assert wb.sheetnames == ["Bảng điểm", "Lỗi"] and wb.active.title == "Bảng điểm"
    ws = wb["Bảng điểm"]
    ranges = {str(x) for x in ws.merged_cells.ranges}
    assert {"A4:F4", "C1:F1"} <= ranges                          # merged cells of the original
    assert ws.column_dimensions["B"].width > 40                  # the criteria column stays wide
    assert ws.column_dimensions["G"].hidden                       # the tool's marker never prints
    dates = [c for row in ws.iter_rows() for c in row if isinstance(c.value, datetime)]
    assert dates and all(c.number_format == "dd/mm/yyyy" for c in dates)
    ps = ws.page_setup
    assert ps.paperSize in (9, "9") and ps.fitToHeight in (0, "0") and ws.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize("name", ["2026-10/HB009-do-minh-tuan.xls", "2026-10/HB015-mai-van-long.ods"])
def test_xls_and_ods_copies_keep_fonts_alignment_borders_and_fills(cli, tmp_path, name):
    """The copy of a .xls (xlrd reads its formats) or .ods (its content.xml styles) prints like
    the original: the title bold, 14 pt and centred, the table's borders, the input cells' fill,
    in the original's font (Times New Roman) — not in the spreadsheet's default."""
    month = "2026-10" if name.endswith(".xls") else "2026-09"
    cli("validate", EXAMPLES / name, "--month", month, "--annotate", tmp_path / "out")
    ws = load_workbook(tmp_path / "out" / (Path(name).stem + ".xlsx"))["Bảng điểm"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    title = next(c for v, c in cells.items() if v.startswith("BẢNG ĐIỂM ĐÁNH GIÁ"))
    assert (title.font.name, title.font.sz, title.font.b, title.alignment.horizontal) == \
        ("Times New Roman", 14, True, "center")
    header = cells["Nội dung tiêu chí"]
    assert header.font.b and header.border.left.style and header.border.bottom.style and header.fill.fgColor.rgb
    criterion = next(c for v, c in cells.items() if v.startswith("Văn hóa công sở"))
    assert criterion.font.name == "Times New Roman" and criterion.font.sz == 12 and not criterion.font.b
    assert criterion.border.left.style and criterion.border.top.style
    # an empty cell of the table (the leader's column) keeps its borders
    empty = ws.cell(row=criterion.row, column=6)
    assert empty.value is None and empty.border.left.style
