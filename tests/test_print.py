"""Every workbook the tool writes, printed through a real client: LibreOffice converts it to PDF
and poppler reads the pages back (``tests/pdfcheck.py``). For the example unit — a month with
mistakes (2026-10), a clean month (2026-11), the year 2026, the blank templates and annotated
copies of .xlsx, .xls and .ods submissions — each sheet must take the pages it should, no page may
be blank, no text may be smaller than 8 pt and no line may print cut by its cell or margin. Skips, saying why, where soffice or pdftotext is
missing (CI installs libreoffice-calc and poppler-utils)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pdfcheck
from conftest import EXAMPLES, ROOT

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(bool(pdfcheck.MISSING), reason=f"not installed: {pdfcheck.MISSING}; "
                                                     "the print test needs a real client"),
]

MIN_PT = 8.0
ROSTER = EXAMPLES / "danh-sach.xlsx"

# Pages each sheet should take for the example (lowest, highest): sheets meant to be printed are
# one page wide and as short as their content allows; a data sheet too wide for one page
# («Chi tiết», «Cả năm») prints across pages at a readable scale. An empty list is one page.
TALLY_MISTAKES = {"Tổng hợp": (1, 2), "Chi tiết": (2, 8), "Chưa nộp": (1, 1), "Không đánh giá": (1, 1),
                  "Lỗi": (1, 2), "Công khai": (1, 2), "Bảng xếp loại": (2, 3), "Nguồn": (1, 4)}
TALLY_CLEAN = {**TALLY_MISTAKES, "Tổng hợp": (1, 1), "Lỗi": (1, 1)}
ANNUAL = {"Cả năm": (4, 30), "Tổng hợp": (1, 2), "Tỷ lệ": (1, 1), "Thông báo": (2, 4),
          "Bảng xếp loại": (2, 3), "Lỗi": (1, 2), "Nguồn": (1, 3)}
TEMPLATE = {"Bảng điểm": (1, 2)}
ANNOTATED = {"Bảng điểm": (1, 3), "Lỗi": (1, 1)}


def _run(*args) -> None:
    from danhgia.cli import app

    r = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code in (0, 1), r.stdout + r.stderr


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, pdfcheck.Printed]:
    """Write every workbook once, convert them all in one LibreOffice run, read the PDFs."""
    out = tmp_path_factory.mktemp("print")
    books: dict[str, tuple[Path, dict]] = {}
    for m in range(1, 13):
        month = f"2026-{m:02d}"
        _run("tally", EXAMPLES / month, "--month", month, "--roster", ROSTER, "--out", out / f"tong-hop-{month}.xlsx")
    books["tally 2026-10 (mistakes)"] = (out / "tong-hop-2026-10.xlsx", TALLY_MISTAKES)
    books["tally 2026-11 (clean)"] = (out / "tong-hop-2026-11.xlsx", TALLY_CLEAN)
    _run("annual", *sorted(out.glob("tong-hop-*.xlsx")), "--year", "2026", "--roster", ROSTER,
         "--out", out / "nam-2026.xlsx")
    books["annual 2026"] = (out / "nam-2026.xlsx", ANNUAL)
    for tpl in sorted((ROOT / "templates_xlsx").glob("*/*.xlsx")):
        copy = out / f"mau-{tpl.parent.name}-{tpl.name}"
        shutil.copy(tpl, copy)
        books[f"template {tpl.parent.name}/{tpl.name}"] = (copy, TEMPLATE)
    ann = out / "ann"
    _run("validate", EXAMPLES / "2026-10" / "HB010-ngo-thi-hanh.xlsx", EXAMPLES / "2026-10" / "HB009-do-minh-tuan.xls",
         "--month", "2026-10", "--annotate", ann)
    _run("validate", EXAMPLES / "2026-10" / "HB015-mai-van-long.ods", "--month", "2026-09", "--annotate", ann)
    for name, kind in (("HB010-ngo-thi-hanh.xlsx", "xlsx"), ("HB009-do-minh-tuan.xlsx", "xls"),
                       ("HB015-mai-van-long.xlsx", "ods")):
        books[f"annotated {kind}"] = (ann / name, ANNOTATED)
    pdfs = pdfcheck.convert_many([p for p, _ in books.values()], out / "pdf")
    return {label: (pdfcheck.read(pdfs[path]), expected) for label, (path, expected) in books.items()}


CASES = ["tally 2026-10 (mistakes)", "tally 2026-11 (clean)", "annual 2026",
         "template hanoi-2022/chuyen-vien.xlsx", "template hanoi-2022/lanh-dao-quan-ly.xlsx",
         "template hanoi-2022/ldhd.xlsx", "template hanoi-2018/chuyen-vien.xlsx",
         "annotated xlsx", "annotated xls", "annotated ods"]


@pytest.mark.parametrize("label", CASES)
def test_pages_per_sheet(printed, label):
    pdf, expected = printed[label]
    counts = pdf.counts()
    assert set(counts) == set(expected), f"{label}: sheets on paper {counts}"
    for sheet, (lo, hi) in expected.items():
        assert lo <= counts[sheet] <= hi, f"{label} › {sheet}: {counts[sheet]} pages, expected {lo}–{hi}"


@pytest.mark.parametrize("label", CASES)
def test_no_blank_page_and_nothing_below_8_pt(printed, label):
    pdf, _expected = printed[label]
    for page in pdf.pages:
        assert page.body.strip(), f"{label}: page {page.number} ({page.sheet}) is blank"
        assert page.smallest >= MIN_PT - 0.05, \
            f"{label}: page {page.number} ({page.sheet}) has text at {page.smallest:.2f} pt"


@pytest.mark.parametrize("label", CASES)
def test_no_text_is_cut_off(printed, label):
    """Rows tall enough for their wrapped text (a unit's name, a note with file paths), text
    that cannot run on wrapped in its column, wide data sheets' titles in the page header (not
    in a cell cut where the next pages repeat only the first columns) and footers with room in
    the bottom margin: no line of text prints cut by its frame, at any side."""
    pdf, _expected = printed[label]
    cut = [f"page {p.number} ({p.sheet}): {c}" for p in pdf.pages for c in p.cut]
    assert not cut, f"{label}: {len(cut)} lines cut: " + "; ".join(cut[:5])


def test_a_table_title_is_never_left_alone_at_the_foot_of_a_page(printed):
    """The quota ranking's title and header start on the page that holds its first rows."""
    pdf, _ = printed["tally 2026-10 (mistakes)"]
    pages = [p for p in pdf.sheets()["Tổng hợp"] if "Xếp hạng loại A" in p.text]
    assert pages, "no ranking printed"
    for page in pages:
        assert "Nguyễn Văn Hùng" in page.text, f"page {page.number}: the ranking's rows are on the next page"


def test_what_the_head_signs_reads_as_a_form(printed):
    pdf, _ = printed["tally 2026-10 (mistakes)"]
    sheets = pdf.sheets()
    for sheet in ("Tổng hợp", "Công khai", "Bảng xếp loại"):
        first, last = sheets[sheet][0].text, sheets[sheet][-1].text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first, sheet
        assert "THỦ TRƯỞNG ĐƠN VỊ" in last and "ngày" in last, sheet
    assert "UBND phường Hòa Bình; Trường Mầm non Hòa Bình" in sheets["Tổng hợp"][0].text
    assert "NGƯỜI LẬP BIỂU" in sheets["Tổng hợp"][-1].text
    clean, _ = printed["tally 2026-11 (clean)"]
    assert "Không có" in clean.sheets()["Chưa nộp"][0].body          # an empty list prints one line
    annual, _ = printed["annual 2026"]
    assert "THÔNG BÁO" in annual.sheets()["Thông báo"][0].text


def test_the_marker_never_prints(printed):
    for label in ("annotated xlsx", "annotated xls", "annotated ods", "template hanoi-2022/ldhd.xlsx"):
        pdf, _ = printed[label]
        assert not any("danhgia:framework" in p.text for p in pdf.pages), label
