"""``danhgia template``: blank forms per variant (and the committed templates_xlsx/), forms
pre-filled from a roster, and the template convention the reader relies on."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from danhgia import framework as fw_mod
from danhgia import form
from danhgia.write import template as tpl
from danhgia.read.workbook import read_file
from danhgia.model import ReadContext

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates_xlsx"
COMMITTED = ("hanoi-2018", "hanoi-2022")
VARIANTS = ("lanh-dao-quan-ly", "chuyen-vien", "ldhd")


def _cells(ws, rng: str) -> set[str]:
    out = set()
    for row in ws[rng] if ":" in rng else [[ws[rng]]]:
        for c in row:
            out.add(c.coordinate)
    return out


def _validated(ws) -> dict[str, object]:
    """A1 cell → its DataValidation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            for cell in _cells(ws, rng):
                out[cell] = dv
    return out


# --- the command ----------------------------------------------------------------------------


def test_blank_templates_one_per_variant(cli, tmp_path):
    res = cli("template", "--framework", "hanoi-2022", "--out", tmp_path)
    assert res.exit_code == 0, res.output
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.xlsx"))
    assert made == [f"hanoi-2022/{v}.xlsx" for v in sorted(VARIANTS)]
    assert "Đã tạo" in res.output


def test_one_variant_and_unknown_variant(cli, tmp_path):
    res = cli("template", "--variant", "ldhd", "--out", tmp_path)
    assert res.exit_code == 0, res.output
    assert [p.name for p in tmp_path.rglob("*.xlsx")] == ["ldhd.xlsx"]
    res = cli("template", "--variant", "giam-doc", "--out", tmp_path / "x", "--lang", "en")
    assert res.exit_code == 2
    assert "Unknown variant «giam-doc»" in res.output and "chuyen-vien" in res.output


def test_framework_without_variants_is_a_usage_error(cli, tmp_path):
    res = cli("template", "--framework", "nd90-48", "--out", tmp_path)
    assert res.exit_code == 2
    assert "không có bảng điểm tháng" in res.output


def test_never_overwrites_without_force(cli, tmp_path):
    assert cli("template", "--variant", "ldhd", "--out", tmp_path).exit_code == 0
    target = tmp_path / "hanoi-2022" / "ldhd.xlsx"
    target.write_bytes(b"mine")
    res = cli("template", "--variant", "ldhd", "--out", tmp_path)
    assert res.exit_code == 2
    assert "--force" in res.output and str(target) in res.output
    assert target.read_bytes() == b"mine"
    assert cli("template", "--variant", "ldhd", "--out", tmp_path, "--force").exit_code == 0
    assert zipfile.is_zipfile(target)


def test_month_without_roster_is_a_usage_error(cli, tmp_path):
    res = cli("template", "--month", "2026-10", "--out", tmp_path)
    assert res.exit_code == 2 and "--roster" in res.output


# --- committed templates ----------------------------------------------------------------------


@pytest.mark.parametrize("fw_id", COMMITTED)
def test_committed_templates_are_current(fw_id, tmp_path):
    """templates_xlsx/ must be what ``danhgia template`` makes now (regenerate:
    ``danhgia template --framework hanoi-2018 --out templates_xlsx --force`` and the same for
    hanoi-2022)."""
    fw = fw_mod.load(fw_id)
    written = tpl.blank_templates(fw, tmp_path)
    assert len(written) == 3
    for new in written:
        old = TEMPLATES / fw_id / new.name
        assert old.exists(), f"{old} is missing: regenerate templates_xlsx/"
        with zipfile.ZipFile(old) as a, zipfile.ZipFile(new) as b:
            assert sorted(a.namelist()) == sorted(b.namelist()), f"{old} is stale"
            for member in a.namelist():
                assert a.read(member) == b.read(member), f"{old} is stale ({member}): regenerate templates_xlsx/"


def test_output_is_reproducible(tmp_path):
    fw = fw_mod.load("hanoi-2022")
    v = fw.variant("chuyen-vien")
    tpl.write_template(tmp_path / "a.xlsx", fw, v)
    tpl.write_template(tmp_path / "b.xlsx", fw, v)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# --- the convention ------------------------------------------------------------------------


@pytest.mark.parametrize("fw_id,variant_id", [(f, v) for f in COMMITTED for v in VARIANTS])
def test_template_structure(fw_id, variant_id):
    fw = fw_mod.load(fw_id)
    variant = fw.variant(variant_id)
    lay = form.layout_for(variant)
    path = TEMPLATES / fw_id / f"{variant_id}.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [tpl.SHEET_NAME]
    ws = wb.worksheets[0]

    # title and hidden marker
    assert ws["A4"].value == form.variant_title(variant)
    assert ws[lay.marker_cell].value == f"danhgia:framework={fw_id};version={fw.version};variant={variant_id}"
    assert ws.column_dimensions["G"].hidden

    # protected without a password; inputs unlocked, the rest locked
    assert ws.protection.sheet is True
    assert not ws.protection.password
    for key, cell in lay.fields.items():
        assert ws[cell].protection.locked is False, key
        label = ws[lay.labels[key]]
        assert label.value == form.FIELD_LABELS[key]
        assert label.protection.locked is not False
        assert label.row == ws[cell].row                       # label + input on the same row
    validations = _validated(ws)
    leaves = {c.code for c in variant.leaves()}
    for c, _d in variant.walk():
        for col in ("self", "leader"):
            cell = ws[lay.cell(c.code, col)]
            if c.code in leaves:
                assert cell.protection.locked is False
                dv = validations[cell.coordinate]
                assert dv.type == "custom"
                formula = dv.formula1
                assert f"<={fw_mod._n(c.max)}" in formula and "MOD(" in formula and "0.5" in formula
                assert dv.showErrorMessage
            else:
                assert cell.protection.locked is not False
                assert cell.value.startswith("=IF(COUNT(") and "SUM(" in cell.value
        assert ws[f"A{lay.rows[c.code]}"].value == c.code              # code in column A
        assert Decimal(str(ws[lay.cell(c.code, "max")].value)) == c.max
    total = ws[lay.cell("TOTAL", "self")].value
    assert total.startswith("=IF(COUNT(") and all(f"D{lay.rows[c.code]}" in total for c in variant.criteria)
    for key in ("self_grade", "decided_grade"):
        dv = validations[lay.fields[key]]
        assert dv.type == "list" and dv.formula1 == '"A,B,C,D"'
    assert validations[lay.fields["self_date"]].type == "date"

    # A4, one page wide and as many tall as the form takes (never shrunk to one page)
    assert ws.page_setup.paperSize in (9, "9")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # (1 is the default, which the file may leave unwritten)
    assert ws.page_setup.fitToWidth in (None, 1, "1") and ws.page_setup.fitToHeight in (0, "0")
    assert ws.print_title_rows == f"${lay.header_row}:${lay.header_row}"
    assert ws.freeze_panes == f"A{lay.header_row + 1}"


def test_formulas_have_cached_values():
    """Every formula carries a cached value (blank for an empty form), as XlsxWriter writes."""
    with zipfile.ZipFile(TEMPLATES / "hanoi-2022" / "chuyen-vien.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r"<c [^>]*>(.*?)</c>", xml)
    formulas = [c for c in cells if "<f>" in c]
    assert len(formulas) >= 9
    assert all("<v>" in c or "<v/>" in c for c in formulas)
    grid = CalamineWorkbook.from_path(str(TEMPLATES / "hanoi-2022" / "chuyen-vien.xlsx")) \
        .get_sheet_by_index(0).to_python(skip_empty_area=False)
    lay = form.layout_for(fw_mod.load("hanoi-2022").variant("chuyen-vien"))
    assert grid[lay.total_row - 1][3] == ""          # empty form: the total is blank, not 0


def _without_mark(src: Path, dst: Path) -> Path:
    """A copy of a workbook without its custom properties (the tool's mark)."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            if info.filename != "docProps/custom.xml":
                b.writestr(info, a.read(info))
    return dst


def test_blank_template_is_skipped_by_its_mark():
    """A blank template lying among the inputs is the tool's own output, not a submission."""
    sheets, findings = read_file(TEMPLATES / "hanoi-2022" / "chuyen-vien.xlsx", "chuyen-vien.xlsx", ReadContext())
    assert sheets == [] and [f.code for f in findings] == ["own-output"]
    assert findings[0].severity == "info" and "mẫu bảng điểm chưa điền" in findings[0].message()


def test_blank_template_reads_as_empty_scoresheet(tmp_path):
    for fw_id in COMMITTED:
        for v in VARIANTS:
            path = _without_mark(TEMPLATES / fw_id / f"{v}.xlsx", tmp_path / f"{fw_id}-{v}.xlsx")
            sheets, findings = read_file(path, f"{v}.xlsx", ReadContext())
            assert findings == []
            (s,) = sheets
            assert (s.variant, s.variant_source, s.framework_id) == (v, "marker", fw_id)
            variant = fw_mod.load(fw_id).variant(v)
            assert set(s.rows) == {c.code for c, _ in variant.walk()}
            assert all(e.blank for r in s.rows.values() for e in r.scores.values())
            assert s.period is None and s.person == ""


def test_sheet_names_are_valid_and_unique():
    names = tpl.sheet_names(["HN001 Nguyễn Thị Thanh Hương Giang Lan Anh", "HN001 Nguyễn Thị Thanh Hương Giang Lan Anh",
                             "a/b:c*d?[e]", "", "X" * 40, "x" * 40])
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert not any(ch in n for n in names for ch in "[]:*?/\\")


def test_person_file_name():
    assert tpl.person_file_name("HN001", "Nguyễn Văn A") == "HN001-nguyen-van-a.xlsx"
    assert tpl.person_file_name("a/b", "Đặng Thị Ánh") == "a-b-dang-thi-anh.xlsx"


# --- per person ----------------------------------------------------------------------------

ROSTER = """Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm
HN001,Nguyễn Văn A,Phòng Nội vụ,Trưởng phòng,Công chức,Lãnh đạo quản lý
HN002,Trần Thị Bích Ngọc,Phòng Nội vụ,Chuyên viên,Công chức,Chuyên viên
HN003,Lê Văn Cường,Văn phòng,Lái xe,LĐHĐ,LĐHĐ
"""


def _roster(tmp_path: Path, text: str = ROSTER) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "danh-sach.csv"
    path.write_text(text, "utf-8")
    return path


def test_per_person_templates(cli, tmp_path):
    roster = _roster(tmp_path)
    out = tmp_path / "out"
    res = cli("template", "--roster", roster, "--month", "2026-10", "--out", out)
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["HN001-nguyen-van-a.xlsx", "HN002-tran-thi-bich-ngoc.xlsx", "HN003-le-van-cuong.xlsx"]
    expect = {"HN001": ("Nguyễn Văn A", "lanh-dao-quan-ly", "Trưởng phòng"),
              "HN002": ("Trần Thị Bích Ngọc", "chuyen-vien", "Chuyên viên"),
              "HN003": ("Lê Văn Cường", "ldhd", "Lái xe")}
    for name in names:
        (s,), findings = read_file(out / name, name, ReadContext(), skip_marked=False)
        assert findings == []
        person, variant, position = expect[s.person_id]
        assert (s.person, s.variant, s.field_text("position")) == (person, variant, position)
        assert s.field_text("unit") in ("Phòng Nội vụ", "Văn phòng")
        assert s.period == (2026, 10)
        assert s.framework_id == "hanoi-2022"


def test_per_person_one_workbook(cli, tmp_path):
    roster = _roster(tmp_path)
    out = tmp_path / "out"
    res = cli("template", "--roster", roster, "--month", "2026-03", "--out", out, "--one-workbook")
    assert res.exit_code == 0, res.output
    (book,) = list(out.iterdir())
    assert book.name == "bang-diem-2026-03.xlsx"
    sheets, findings = read_file(book, book.name, ReadContext(), skip_marked=False)
    assert findings == []
    assert [s.person_id for s in sheets] == ["HN001", "HN002", "HN003"]
    assert [s.variant for s in sheets] == ["lanh-dao-quan-ly", "chuyen-vien", "ldhd"]
    assert all(len(s.sheet) <= 31 for s in sheets)
    assert {s.period for s in sheets} == {(2026, 3)}


def test_unit_file_beside_roster_chooses_framework(cli, tmp_path):
    roster = _roster(tmp_path)
    (roster.parent / "danhgia.yaml").write_text("framework: hanoi-2018\n", "utf-8")
    out = tmp_path / "out"
    assert cli("template", "--roster", roster, "--month", "2026-10", "--out", out).exit_code == 0
    (s,), _ = read_file(out / "HN002-tran-thi-bich-ngoc.xlsx", "x", ReadContext(), skip_marked=False)
    assert s.framework_id == "hanoi-2018"


def test_person_without_variant_names_the_row(cli, tmp_path):
    roster = _roster(tmp_path, "Mã,Họ và tên,Đơn vị\nHN009,Phạm Thị D,Phòng Nội vụ\n")
    out = tmp_path / "out"
    res = cli("template", "--roster", roster, "--month", "2026-10", "--out", out)
    assert res.exit_code == 2
    assert "danh-sach.csv" in res.output and "dòng 2" in res.output and "HN009" in res.output
    assert not out.exists() or not any(out.iterdir())
    res = cli("template", "--roster", roster, "--month", "2026-10", "--out", out, "--variant", "chuyen-vien")
    assert res.exit_code == 0, res.output
    assert (out / "HN009-pham-thi-d.xlsx").exists()


def test_bad_month_and_existing_files(cli, tmp_path):
    roster = _roster(tmp_path)
    out = tmp_path / "out"
    res = cli("template", "--roster", roster, "--month", "10/2026", "--out", out)
    assert res.exit_code == 2 and "YYYY-MM" in res.output
    assert cli("template", "--roster", roster, "--month", "2026-10", "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = cli("template", "--roster", roster, "--month", "2026-11", "--out", out, "--lang", "en")
    assert res.exit_code == 2 and "already exists" in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# --- LibreOffice --------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                                            "the committed fixtures in tests/fixtures/libreoffice cover re-saved files")
def test_templates_print_one_page_wide_in_libreoffice(tmp_path):
    srcs = [TEMPLATES / "hanoi-2022" / f"{v}.xlsx" for v in VARIANTS]
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, srcs)],
                       check=True, capture_output=True, timeout=240)
    for v in VARIANTS:
        pdf = (tmp_path / f"{v}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
        assert len(pages) <= 2, f"{v}: {len(pages)} pages"     # the text size is checked in test_print.py


def test_layout_follows_the_input_offsets():
    for v in fw_mod.load("hanoi-2022").variants:
        lay = form.layout_for(v)
        for key, cell in lay.fields.items():
            label = lay.labels[key]
            assert label[1:] == cell[1:]
            offset = ord(cell[0]) - ord(label[0])
            assert offset == form.INPUT_OFFSET.get(key, form.TAIL_INPUT_OFFSET), key
