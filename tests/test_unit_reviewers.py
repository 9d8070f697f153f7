"""Forms with several reviewers' columns (issue 14): the leader's score is the last reviewer's
column (the competent level), the others are kept and shown, and a framework or unit setting
(``leader_column``) can name the column to use. Fixtures: tests/fixtures/units/make.py
(the BHXH 2019 specialist form with «Tồn tại» between the reviewers; the district leader form
with three score columns, items lettered)."""

from __future__ import annotations

import json
import shutil

from conftest import FIXTURES
from fixtures.units.make import BHXH, DISTRICT

UNITS = FIXTURES / "units"
BHXH_FILE = UNITS / "bhxh" / "BH012-2019-03.xlsx"
DISTRICT_FILE = UNITS / "district" / "QH005-2019-11.xlsx"


def _validate(cli, path, *extra):
    r = cli("validate", path, "--framework", "hanoi-2018", "--format", "json", *extra)
    return r.exit_code, json.loads(r.stdout)


def _tally(cli, path, month, out, *extra):
    r = cli("tally", path, "--framework", "hanoi-2018", "--month", month, "--out", out, "--format", "json", *extra)
    assert r.exit_code == 0, r.stdout + r.stderr
    (person,) = json.loads(r.stdout)["people"]
    return person


def test_bhxh_leader_is_the_competent_level_and_the_head_of_division_is_shown(cli, tmp_path):
    code, doc = _validate(cli, BHXH_FILE)
    assert code == 0
    (note,) = doc["findings"]
    assert note["code"] == "leader-column" and note["severity"] == "info"
    assert note["cell"] == "G9"
    assert "Cấp có thẩm quyền đánh giá" in note["message"] and "Trưởng phòng/ban đánh giá» (E)" in note["message"]
    p = _tally(cli, BHXH_FILE, "2019-03", tmp_path / "t.xlsx")
    assert (p["self_total"], p["leader_total"], p["grade"]) == (BHXH["totals"]["self"], BHXH["totals"]["leader"], "B")


def test_district_three_columns_leader_is_the_head_not_the_deputy(cli, tmp_path):
    code, doc = _validate(cli, DISTRICT_FILE)
    assert code == 0, doc
    assert [f["code"] for f in doc["findings"]] == ["leader-column"]
    assert "«Điểm cấp phó» (E)" in doc["findings"][0]["message"]
    p = _tally(cli, DISTRICT_FILE, "2019-11", tmp_path / "t.xlsx")
    assert (p["self_total"], p["leader_total"], p["grade"]) == (92, 89, "B")     # the deputy gave 90 (A)


def test_unit_setting_names_the_column_to_use(cli, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(DISTRICT_FILE, folder / "QH005.xlsx")
    (folder / "danhgia.yaml").write_text("framework: hanoi-2018\noverrides:\n  leader_column: Điểm cấp phó\n",
                                         encoding="utf-8")
    r = cli("tally", folder / "QH005.xlsx", "--month", "2019-11", "--out", tmp_path / "t.xlsx", "--format", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    (p,) = json.loads(r.stdout)["people"]
    assert p["leader_total"] == DISTRICT["totals"]["review"] == 90
    r = cli("validate", folder / "QH005.xlsx", "--format", "json")
    (note,) = json.loads(r.stdout)["findings"]
    assert "«Điểm cấp phó»" in note["message"] and "«Điểm cấp trưởng» (F)" in note["message"]


def test_a_mistake_in_the_last_reviewers_column_is_found_there(cli, tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(BHXH_FILE)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "II.1.9")
    ws.cell(row, 7).value = 4                          # max 3, in «Cấp có thẩm quyền đánh giá»
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    code, doc = _validate(cli, bad)
    assert code == 1
    errors = [(f["code"], f["cell"]) for f in doc["findings"] if f["severity"] == "error"]
    assert errors == [("score-above-max", f"G{row}")]
