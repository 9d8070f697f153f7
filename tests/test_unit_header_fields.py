"""Header fields are read wherever a unit puts them (issue 14): "label: value" in one cell, the
value to the right past merged cells, or under the label; above, beside or below the criteria
table, including the table's code column after its last row. A value found in two places that
disagree is a finding (field-conflict) at the second place. Sheets: the school's teacher form
(tests/fixtures/units/make.py) re-arranged with openpyxl as an office would."""

from __future__ import annotations

import json
import shutil
from datetime import date

import openpyxl

from conftest import FIXTURES
from fixtures.units.make import TEACHERS, school_sheet

SCHOOL = FIXTURES / "units" / "school"
GV01 = TEACHERS[0]


def _sheet(tmp_path, bottom, top_cells=None):
    """GV01's sheet (grade A, 90) with the rows below the total replaced by ``bottom``."""
    folder = tmp_path / "school"
    if not folder.exists():
        shutil.copytree(SCHOOL, folder)
    path = folder / "2018-10" / "GV01.xlsx"
    rows = school_sheet(path, GV01)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.delete_rows(rows["total"] + 1, 20)
    for i, line in enumerate(bottom):
        for j, v in enumerate(line):
            if v is not None:
                ws.cell(rows["total"] + 2 + i, j + 1).value = v
    for ref, v in (top_cells or {}).items():
        ws[ref] = v
    wb.save(path)
    return folder, path, rows


def _validate(cli, folder, monkeypatch):
    monkeypatch.chdir(folder)
    r = cli("validate", "2018-10", "--month", "2018-10", "--format", "json")   # the roster wants everyone
    return r.exit_code, json.loads(r.stdout)["findings"]


FULL_BOTTOM = [["Ngày tự đánh giá: 22/10/2018"], ["Tự xếp loại: A"], ["Ngày lãnh đạo đánh giá: 24/10/2018"],
               ["Thủ trưởng quyết định xếp loại: A"],
               [f"Nội dung đề nghị cộng điểm thưởng: {GV01['bonus_note']}"]]


def test_label_and_value_in_one_cell_of_the_code_column_below_the_total(cli, tmp_path, monkeypatch):
    folder, _p, _rows = _sheet(tmp_path, FULL_BOTTOM)
    assert _validate(cli, folder, monkeypatch) == (0, [])


def test_values_under_their_labels_in_a_signature_block(cli, tmp_path, monkeypatch):
    bottom = [["Ngày tự đánh giá", None, None, "Ngày lãnh đạo đánh giá"],
              ["26/10/2018", None, None, date(2018, 10, 24)],          # self-assessment after the 24th
              ["Tự xếp loại", None, None, "Thủ trưởng quyết định xếp loại"],
              ["A", None, None, "A"],
              [f"Nội dung đề nghị cộng điểm thưởng: {GV01['bonus_note']}"]]
    folder, _p, rows = _sheet(tmp_path, bottom)
    code, findings = _validate(cli, folder, monkeypatch)
    # the one finding proves the date was read under its label, at that cell
    assert [(f["code"], f["cell"]) for f in findings] == [("self-assessment-late", f"A{rows['total'] + 3}")]


def test_value_right_of_a_merged_label_and_fields_beside_the_table(cli, tmp_path, monkeypatch):
    bottom = [["Ngày tự đánh giá:", None, "22/10/2018"], ["Tự xếp loại:", None, "A"],
              ["Ngày lãnh đạo đánh giá:", None, "24/10/2018"],
              ["Thủ trưởng quyết định xếp loại:", None, "B"],
              ["Nội dung đề nghị cộng điểm thưởng:", None, GV01["bonus_note"]]]
    folder, path, rows = _sheet(tmp_path, bottom)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for i in range(5):
        ws.merge_cells(f"A{rows['total'] + 2 + i}:B{rows['total'] + 2 + i}")
    wb.save(path)
    monkeypatch.chdir(folder)
    r = cli("tally", "2018-10", "--month", "2018-10", "--out", str(tmp_path / "t.xlsx"), "--format", "json")
    person = next(p for p in json.loads(r.stdout)["people"] if p["id"] == "GV01")
    assert (person["self_grade"], person["decided_grade"], person["grade"]) == ("A", "B", "B")


def test_a_value_in_two_places_that_disagree_is_a_finding(cli, tmp_path, monkeypatch):
    # the decided grade beside the table header (G-column) says B, below the total says A
    folder, _p, rows = _sheet(tmp_path, FULL_BOTTOM, top_cells={"G6": "Thủ trưởng quyết định xếp loại: B"})
    code, findings = _validate(cli, folder, monkeypatch)
    assert code == 1
    assert [(f["code"], f["cell"]) for f in findings] == [("field-conflict", f"A{rows['total'] + 5}")]
    assert "«A»" in findings[0]["message"] and "«B»" in findings[0]["message"] and "G6" in findings[0]["message"]


def test_the_same_value_in_two_places_is_not_a_finding(cli, tmp_path, monkeypatch):
    folder, _p, _rows = _sheet(tmp_path, FULL_BOTTOM, top_cells={"G6": "Ngày tự đánh giá: 22/10/2018",
                                                                 "G7": "Thủ trưởng quyết định xếp loại: a"})
    assert _validate(cli, folder, monkeypatch) == (0, [])
