"""Rosters as units save them (issue 14): CSV in UTF-8 with or without BOM, UTF-16 (Excel's
"Unicode text", tab-separated), Windows-1258, with `,` `;` or tab separators; .xlsx, .xls, .ods;
the header below a title, over two rows with merged cells. An error names file, row and column.
Files from tests/fixtures/units/make.py (LibreOffice made the .xls / .ods copies)."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES
from danhgia import framework as fw_mod
from danhgia.framework import VariantNames
from danhgia.read.roster import load as load_roster
from danhgia.roster import VARIANT_WORDS, RosterError
from fixtures.units.make import TEACHERS, roster_csv, roster_rows

SCHOOL = FIXTURES / "units" / "school"
ROSTERS = FIXTURES / "units" / "rosters"
NAMES = [t["name"] for t in TEACHERS]


def load(path):
    """The roster read with the school framework's variant names, as the CLI does."""
    return load_roster(path, VariantNames([fw_mod.load(str(SCHOOL / "thcs-nguyen-du.yaml"))], extra=VARIANT_WORDS))


@pytest.mark.parametrize("encoding,delimiter", [
    ("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", ";"), ("utf-8", "\t"),
    ("utf-16", "\t"), ("utf-16", ","), ("cp1258", ","), ("cp1258", ";"), ("cp1258", "\t")])
def test_csv_encodings_and_separators(cli, tmp_path, monkeypatch, encoding, delimiter):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    rows = roster_rows()
    rows[3][3] = "Trường THCS Nguyễn Du"          # a value that is quoted when the separator is a comma
    rows[3][4] = "Giáo viên, tổ trưởng" if delimiter == "," else "Giáo viên"
    (folder / "ds.csv").write_bytes(roster_csv(rows, encoding, delimiter))
    roster = load(folder / "ds.csv")
    assert [p.name for p in roster.people] == NAMES               # NFC, whatever the encoding
    assert {p.variant for p in roster.people} == {"giao-vien"}
    assert roster.people[0].position == rows[3][4]
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--roster", "ds.csv", "--month", "2018-10")
    assert r.exit_code == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["danh-sach-2-dong.xlsx", "danh-sach-2-dong.xls", "danh-sach-2-dong.ods"])
def test_workbooks_with_a_two_row_merged_header(cli, tmp_path, monkeypatch, name):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    shutil.copy(ROSTERS / name, folder / name)
    roster = load(folder / name)
    assert [(p.name, p.unit, p.position, p.group) for p in roster.people] == \
        [(t["name"], t["unit"], t["position"], "vien_chuc") for t in TEACHERS]
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--roster", name, "--month", "2018-10")
    assert r.exit_code == 0, r.stdout + r.stderr


def test_an_error_names_file_row_and_column(cli, tmp_path, monkeypatch):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    rows = roster_rows()
    rows[0] = ["Mã", "Họ và tên", "x", "Đơn vị", "Chức vụ", "Nhóm", "Bảng điểm", "Giáo viên"]  # header on row 1
    rows[5][5] = "Bộ đội"                                                   # row 6, column F
    (folder / "ds.csv").write_bytes(roster_csv([rows[0]] + rows[3:], "utf-16", "\t"))
    with pytest.raises(RosterError) as exc:
        load(folder / "ds.csv")
    assert "ds.csv › F4" in str(exc.value) and "Bộ đội" in str(exc.value)
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--roster", "ds.csv")
    assert r.exit_code == 2
    out = " ".join((r.stdout + r.stderr).split())
    assert "ds.csv › F4" in out
