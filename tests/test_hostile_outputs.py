"""Inputs never modified, outputs never mistaken for inputs (issue 15, round two).

- ``tally in/A.xlsx in/B.xlsx --out in/A.xlsx --force`` replaced an input with the output: the
  output may never be an input, --force or not (tally and annual alike);
- ``validate in --annotate in`` left its own input folder out of the run and checked nothing;
- a tally workbook edited by hand with grades "A+", "A hoặc B", "B/C" was taken by annual as
  grades A, A and B without a word.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _inputs(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for src in sorted((EXAMPLES / "2026-10").glob("HB00*.xlsx"))[:n]:
        shutil.copy(src, folder / src.name)
    return folder


@pytest.mark.parametrize("how", ["named", "in-folder"])
@pytest.mark.parametrize("force", [True, False])
def test_tally_never_writes_over_an_input(tmp_path, how, force):
    folder = _inputs(tmp_path)
    a, b = sorted(folder.glob("*.xlsx"))[:2]
    before = {p.name: _sha(p) for p in folder.iterdir()}
    args = ["tally", *((a, b) if how == "named" else (folder,)), "--month", "2026-10", "--out", a]
    res, _, _ = round2.run(args + (["--force"] if force else []), tmp_path, timeout=120, lang="en")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    assert "inputs are never overwritten" in res.stderr
    assert {p.name: _sha(p) for p in folder.iterdir()} == before


def test_tally_may_write_a_new_file_in_the_input_folder(tmp_path):
    folder = _inputs(tmp_path)
    res, _, _ = round2.run(["tally", folder, "--month", "2026-10", "--out", folder / "tong-hop.xlsx"], tmp_path,
                           timeout=120)
    assert res.returncode in (0, 1), res.stderr
    assert (folder / "tong-hop.xlsx").is_file()
    # and running again over it replaces the tool's own earlier output, as before
    res, _, _ = round2.run(["tally", folder, "--month", "2026-10", "--out", folder / "tong-hop.xlsx", "--force"],
                           tmp_path, timeout=120)
    assert res.returncode in (0, 1), res.stderr


def _tally(tmp_path: Path) -> Path:
    folder = _inputs(tmp_path, 6)
    out = tmp_path / "thang" / "T10.xlsx"
    out.parent.mkdir()
    res, _, _ = round2.run(["tally", folder, "--month", "2026-10", "--out", out], tmp_path, timeout=120)
    assert res.returncode in (0, 1) and out.is_file(), res.stderr
    return out


def test_annual_never_writes_over_an_input(tmp_path):
    t10 = _tally(tmp_path)
    before = _sha(t10)
    for inputs in ([t10], [t10.parent]):
        res, _, _ = round2.run(["annual", *inputs, "--year", "2026", "--out", t10, "--force"], tmp_path,
                               timeout=120, lang="en")
        assert res.returncode == 2 and "inputs are never overwritten" in res.stderr, res.stderr
    assert _sha(t10) == before


def test_validate_with_annotate_into_the_input_folder_still_checks_the_inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    round2.with_values(folder / "a.xlsx", scores={"I.1.1": 99})
    res, _, _ = round2.run(["validate", folder, "--annotate", folder, "--format", "json"], tmp_path, timeout=120)
    assert "Traceback" not in res.stderr
    data = json.loads(res.stdout)
    assert data["summary"]["files"] == 1 and data["summary"]["scoresheets"] == 1
    assert "score-above-max" in [f["code"] for f in data["findings"]]
    assert res.returncode != 0


def test_annotate_folder_below_the_input_is_still_left_out(tmp_path):
    folder = tmp_path / "in"
    (folder / "loi").mkdir(parents=True)
    shutil.copy(HOSTILE / "good.xlsx", folder / "a.xlsx")
    shutil.copy(HOSTILE / "good.xlsx", folder / "loi" / "a.xlsx")      # an earlier annotated copy
    res, _, _ = round2.run(["validate", folder, "--annotate", folder / "loi", "--format", "json"], tmp_path,
                           timeout=120)
    assert json.loads(res.stdout)["summary"]["files"] == 1


@pytest.mark.parametrize("grade", ["A+", "A hoặc B", "B/C", "B-"])
def test_annual_reports_a_hand_edited_grade_that_is_no_grade(tmp_path, grade):
    import openpyxl

    from danhgia import layout

    t10 = _tally(tmp_path)
    wb = openpyxl.load_workbook(t10)
    ws = wb[layout.DETAIL_SHEET]
    label = dict((k, vi) for k, vi, _en in layout.DETAIL_COLUMNS)["final_grade"]
    where = None
    for row in ws.iter_rows(min_row=1, max_row=15):
        for c in row:
            if c.value == label:
                where = (c.row, c.column)
    assert where, "the final grade column"
    cell = ws.cell(row=where[0] + 1, column=where[1])
    cell.value = grade
    wb.save(t10)
    res, _, _ = round2.run(["annual", t10, "--year", "2026", "--out", tmp_path / "nam.xlsx", "--format", "json"],
                           tmp_path, timeout=120)
    assert "Traceback" not in res.stderr
    data = json.loads(res.stdout)
    found = [f for f in data["findings"] if f["code"] == "invalid-grade"]
    assert found and found[0]["cell"] == cell.coordinate, data["findings"][:5]


@pytest.mark.parametrize("text, grade", [("A", "A"), ("Loại B", "B"), ("A (tốt)", "A"), ("HTXSNV", "A")])
def test_grades_as_people_write_them_are_still_read(text, grade):
    from danhgia.text import parse_grade

    assert parse_grade(text).value == grade


@pytest.mark.parametrize("text", ["A+", "A hoặc B", "B/C", "B-", "loại a+", "b - c"])
def test_grades_with_more_than_one_letter_or_a_sign_are_no_grade(text):
    from danhgia.text import NOT_NUMBER, parse_grade

    assert parse_grade(text).kind == NOT_NUMBER
