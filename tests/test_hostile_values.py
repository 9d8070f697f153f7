"""Hostile values, round two (issue 15): every value problem is a finding at its cell, never a
sheet-level failure and never a value read in silence — 1e308 and four hundred nines as scores,
dates with a five-digit year or a three-digit day or an hour 25, a month 13, cells over
``Limits.max_cell_chars`` (a 1 MB name is one finding, not cut in silence).

The sheets are good.xlsx edited with openpyxl (as a person would), or with the sheet XML
rewritten where Excel and openpyxl cannot write the value (a cell over 32,767 characters).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from danhgia.text import NOT_NUMBER, parse_date, parse_number

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402

SCORE_CELL = "D14"      # the self score of I.1.1 on good.xlsx
CASES = {
    # file: (fields, self scores, the finding expected at its cell)
    "score-1e308": ({}, {"I.1.1": 1e308}, ("score-not-number", SCORE_CELL)),
    "score-minus-1e308": ({}, {"I.1.1": -1e308}, ("score-not-number", SCORE_CELL)),
    "score-nines": ({}, {"I.1.1": "9" * 400}, ("score-not-number", SCORE_CELL)),
    "score-decimal-nines": ({}, {"I.1.1": "1." + "9" * 400}, ("score-not-number", SCORE_CELL)),
    "date-25h": ({"self_date": "25h"}, {}, ("invalid-date", "C44")),
    "date-20266": ({"self_date": "20266"}, {}, ("invalid-date", "C44")),
    "date-month-13": ({"self_date": "22/13/2026"}, {}, ("invalid-date", "C44")),
    "date-year-20266": ({"self_date": "22/10/20266"}, {}, ("invalid-date", "C44")),
    "date-day-122": ({"self_date": "122/10/2026"}, {}, ("invalid-date", "C44")),
    "date-hour-25": ({"self_date": "2026-10-22T25:00"}, {}, ("invalid-date", "C44")),
    "date-leader-hour-25": ({"leader_date": "24/10/2026 25h"}, {}, ("invalid-date", None)),
    "month-13": ({"month": 13}, {}, ("invalid-period", "B9")),
    "month-13-text": ({"month": "13"}, {}, ("invalid-period", "B9")),
    "month-25h": ({"month": "25h"}, {}, ("invalid-period", "B9")),
    "year-20266": ({"year": 20266}, {}, ("invalid-period", None)),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("values")
    folder = tmp / "in"
    folder.mkdir()
    for name, (fields, scores, _) in CASES.items():
        round2.with_values(folder / f"{name}.xlsx", fields=fields, scores=scores)
    round2.long_cell(folder / "name-1mb.xlsx", "name")
    round2.long_cell(folder / "note-1mb.xlsx", "bonus_note", text="x")
    res, took, peak = round2.run(["validate", folder, "--format", "json", "--month", "2026-10"], tmp, timeout=120)
    assert "Traceback" not in res.stderr and res.returncode == 1, res.stderr[-800:]
    data = json.loads(res.stdout)
    by_file: dict[str, list[dict]] = {}
    for f in data["findings"]:
        by_file.setdefault(Path(f["file"]).stem, []).append(f)
    return by_file, data, took, peak


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_value_is_a_finding_at_its_cell(report, name):
    by_file, _data, _, _ = report
    code, cell = CASES[name][2]
    found = by_file.get(name, [])
    hits = [f for f in found if f["code"] == code]
    assert hits, (name, [(f["code"], f["cell"]) for f in found])
    assert all(f["sheet"] == "Bảng điểm" and f["cell"] for f in hits)
    if cell:
        assert hits[0]["cell"] == cell
    # never a sheet-level failure
    assert not [f for f in found if f["code"] == "file-unreadable"], found


def test_every_sheet_is_still_a_scoresheet(report):
    _by_file, data, _, _ = report
    assert data["summary"]["scoresheets"] == len(CASES) + 2


@pytest.mark.parametrize("name, cell", [("name-1mb", "B7"), ("note-1mb", "C48")])
def test_a_cell_over_max_cell_chars_is_a_finding(report, name, cell):
    by_file, _data, took, peak = report
    hits = [f for f in by_file.get(name, []) if f["code"] == "cell-too-long"]
    assert [(f["cell"], f["severity"]) for f in hits] == [(cell, "error")]
    assert "1000000" in hits[0]["message"]
    # nothing downstream carries the megabyte: every message stays short
    assert all(len(f["message"]) < 40_000 for f in by_file[name])
    assert took < 60 and peak < 500 * 1024


def test_max_cell_chars_comes_from_the_unit_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    round2.with_values(folder / "a.xlsx", fields={"bonus_note": "y" * 500})
    (folder / "danhgia.yaml").write_text("limits:\n  max_cell_chars: 100\n", encoding="utf-8")
    res, _, _ = round2.run(["validate", folder, "--format", "json"], tmp_path, timeout=60)
    codes = [(f["code"], f["cell"]) for f in json.loads(res.stdout)["findings"]]
    assert ("cell-too-long", "C48") in codes


@pytest.mark.parametrize("text", ["22/10/20266", "122/10/2026", "2026-10-22T25:00", "22/10/2026 25h",
                                  "2026-10-22T23:61", "25h", "20266", "32/10/2026", "22/13/2026"])
def test_parse_date_refuses_part_of_a_date(text):
    assert parse_date(text).kind == NOT_NUMBER


@pytest.mark.parametrize("text", ["22/10/2026", "22.10.26", "2026-10-22", "2026-10-22T09:30",
                                  "2026-10-22 14:05:00", "22/10/2026 9h30", "Hà Nội, ngày 22 tháng 10 năm 2026"])
def test_parse_date_still_reads_dates_as_typed(text):
    p = parse_date(text)
    assert p.kind != NOT_NUMBER and (p.value.year, p.value.month, p.value.day) == (2026, 10, 22)


@pytest.mark.parametrize("raw", [1e308, -1e308, 1e15, "9" * 400, "1" + "0" * 15, 10 ** 20])
def test_parse_number_refuses_what_no_score_can_be(raw):
    assert parse_number(raw).kind == NOT_NUMBER


def test_parse_number_keeps_ordinary_values():
    assert parse_number(99999999999999.0).kind != NOT_NUMBER
    assert str(parse_number("2,5").value) == "2.5"
