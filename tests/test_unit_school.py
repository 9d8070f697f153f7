"""A school's own framework, roster and sheets (issue 14, "Done when"): the framework extends
hanoi-2018 with a ``giao-vien`` variant titled "GIÁO VIÊN", the roster says "Giáo viên", the
teacher form numbers items within their block and writes dates, grades and the bonus statement
as "label: value" below the total. Fixtures: tests/fixtures/units/make.py."""

from __future__ import annotations

import json
import shutil

import pytest

from fixtures.units.make import EXPECTED, TEACHERS, school_sheet

from conftest import FIXTURES

SCHOOL = FIXTURES / "units" / "school"


def _copy(tmp_path):
    dst = tmp_path / "school"
    shutil.copytree(SCHOOL, dst)
    return dst


def test_school_sheets_validate_clean(cli, tmp_path, monkeypatch):
    folder = _copy(tmp_path)
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--month", "2018-10", "--format", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["findings"] == []
    sheets = {s["person_id"]: s for s in data["sheets"]} if "sheets" in data else None
    if sheets is not None:
        assert {s.get("variant") for s in sheets.values()} == {"giao-vien"}


def test_school_sheets_tally_to_the_right_grades(cli, tmp_path, monkeypatch):
    folder = _copy(tmp_path)
    monkeypatch.chdir(folder)
    r = cli("tally", "2018-10", "--month", "2018-10", "--out", str(tmp_path / "out.xlsx"), "--format", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    got = {p["id"]: (p["leader_total"], p["grade"]) for p in data["people"]}
    assert got == EXPECTED
    assert {p["variant"] for p in data["people"]} == {"giao-vien"}
    assert data["framework"]["id"] == "thcs-nguyen-du"


def test_one_planted_mistake_gives_that_one_finding_at_its_cell(cli, tmp_path, monkeypatch):
    folder = _copy(tmp_path)
    gv04 = next(t for t in TEACHERS if t["id"] == "GV04")
    # 4 where the max is 3 (I.2 stays within its 14, the grade stays C): only that cell is wrong
    rows = school_sheet(folder / "2018-10" / "GV04.xlsx", gv04, change={"I.2.2": 4})
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--month", "2018-10", "--format", "json")
    assert r.exit_code == 1, r.stdout + r.stderr
    findings = json.loads(r.stdout)["findings"]
    assert len(findings) == 1, findings
    (f,) = findings
    # I.2.2 is the 8th criterion row: header row + 8, leader column E
    assert (f["code"], f["criterion"], f["cell"]) == ("score-above-max", "I.2.2", f"E{rows['header'] + 8}")
    assert f["file"].endswith("GV04.xlsx")


def test_roster_names_the_unit_variant_as_the_school_writes_it(cli, tmp_path, monkeypatch):
    """Validated with the roster explicitly: "Giáo viên" is the framework's "GIÁO VIÊN"."""
    folder = _copy(tmp_path)
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--roster", "danh-sach.xlsx", "--month", "2018-10")
    assert r.exit_code == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["GV02.ods", "GV02.xls", "GV04.ods", "GV04.xls"])
def test_libreoffice_resaves_with_cached_totals(cli, tmp_path, name):
    """LibreOffice computed the formulas: the stored totals are checked against the items."""
    path = FIXTURES / "units" / "libreoffice" / name
    fw = str(SCHOOL / "thcs-nguyen-du.yaml")
    r = cli("validate", path, "--framework", fw, "--month", "2018-10", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["findings"] == [], r.stdout
    r = cli("tally", path, "--framework", fw, "--month", "2018-10", "--out", tmp_path / "t.xlsx", "--format", "json")
    (p,) = json.loads(r.stdout)["people"]
    assert (p["leader_total"], p["grade"]) == EXPECTED[p["id"]]


def test_a_typed_total_that_disagrees_with_the_items_is_found(cli, tmp_path):
    """The grand total typed over its formula (70 where the items add up to 67): at its cell."""
    import openpyxl

    gv04 = next(t for t in TEACHERS if t["id"] == "GV04")
    path = tmp_path / "GV04.xlsx"
    rows = school_sheet(path, gv04)
    wb = openpyxl.load_workbook(path)
    wb.active[f"E{rows['total']}"] = 70                 # the items add up to 67
    wb.save(path)
    r = cli("validate", path, "--framework", str(SCHOOL / "thcs-nguyen-du.yaml"), "--month", "2018-10",
            "--format", "json")
    findings = json.loads(r.stdout)["findings"]
    assert [(f["code"], f["cell"]) for f in findings] == [("total-mismatch", f"E{rows['total']}")]
