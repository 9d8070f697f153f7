"""End to end over real workbooks: templates made by ``danhgia template``'s writer, filled in as
people do, read by the real reader. Each code is triggered by one file at a known cell; the
clean set yields no finding."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from danhgia import pipeline
from danhgia.model import ReadContext
from danhgia.read.roster import load as load_roster
from fixtures.validate.make import ROSTER_CSV, clean_set, filled

MONTH = (2026, 10)
LEADERS_BLANK = {c: None for c in ("I.1.1", "I.1.2", "I.1.3", "I.2.1", "I.2.2", "I.2.3", "I.2.4", "I.2.5",
                                   "I.2.6", "II.1.1", "II.1.2", "II.1.3", "II.1.4", "II.1.5", "II.1.6",
                                   "II.1.7", "II.1.8", "II.1.9", "II.2")}

# name → (filled() arguments, code, where: ("score", code, column) | ("field", key) | ("cell", A1) | None)
CASES: dict[str, tuple[dict, str, tuple | None]] = {
    "missing-score": ({"self_scores": {"II.1.2": None}}, "missing-score", ("score", "II.1.2", "self")),
    "score-not-number": ({"self_scores": {"I.1.2": "tốt"}}, "score-not-number", ("score", "I.1.2", "self")),
    "text-as-number": ({"self_scores": {"I.1.1": "2"}}, "text-as-number", ("score", "I.1.1", "self")),
    "score-above-max": ({"leader_scores": {"I.2.1": 4}, "fields": {"decided_grade": "A"}}, "score-above-max", ("score", "I.2.1", "leader")),
    "score-below-min": ({"self_scores": {"II.1.4": -1}}, "score-below-min", ("score", "II.1.4", "self")),
    "score-not-on-step": ({"self_scores": {"II.1.8": 2.25}}, "score-not-on-step", ("score", "II.1.8", "self")),
    "block-over-max": ({"self_scores": {"I.2.1": 4}}, "block-over-max", ("score", "I", "self")),
    "total-mismatch": ({"cells": {"D40": 95}}, "total-mismatch", ("cell", "D40")),
    "max-mismatch": ({"cells": {"C18": 4}}, "max-mismatch", ("cell", "C18")),
    "bonus-without-note": ({"self_scores": {"III.2": 2}}, "bonus-without-note", ("score", "III.2", "self")),
    "completion-mismatch": ({"fields": {"completion_share": 85}}, "completion-mismatch", ("score", "II.2", "self")),
    "grade-mismatch": ({"fields": {"self_grade": "B"}}, "grade-mismatch", ("field", "self_grade")),
    "grade-above-band": ({"leader_scores": {"II.2": 45}}, "grade-above-band", ("field", "decided_grade")),
    "invalid-grade": ({"fields": {"self_grade": "Giỏi"}}, "invalid-grade", ("field", "self_grade")),
    "missing-leader-score": ({"leader_scores": LEADERS_BLANK, "fields": {"decided_grade": None, "leader_date": None}},
                             "missing-leader-score", ("score", "I.1.1", "leader")),
    "missing-decision": ({"fields": {"decided_grade": None}}, "missing-decision", ("field", "decided_grade")),
    "missing-field": ({"fields": {"unit": None}}, "missing-field", ("field", "unit")),
    "invalid-date": ({"fields": {"self_date": "hôm qua"}}, "invalid-date", ("field", "self_date")),
    "self-assessment-early": ({"fields": {"self_date": datetime(2026, 10, 18)}}, "self-assessment-early", ("field", "self_date")),
    "self-assessment-late": ({"fields": {"self_date": datetime(2026, 10, 25)}}, "self-assessment-late", ("field", "self_date")),
    "decision-late": ({"fields": {"leader_date": datetime(2026, 10, 28)}}, "decision-late", ("field", "leader_date")),
    "missing-date": ({"fields": {"self_date": None}}, "missing-date", ("field", "self_date")),
    "not-in-roster": ({"fields": {"id": "HN999"}}, "not-in-roster", ("field", "id")),
    "variant-mismatch": ({"fields": {"id": "HN002", "name": "Trần Thị B"}}, "variant-mismatch", None),
    "month-mismatch": ({"fields": {"month": 9}}, "month-mismatch", None),
}


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    roster_path = root / "danh-sach.csv"
    roster_path.write_text(ROSTER_CSV + "GV01,Lê Thị G,Trường THCS,Giáo viên,Viên chức,Chuyên viên,có\n"
                           + "HN005,Đỗ Văn E,Phòng Nội vụ,Chuyên viên,Công chức,Chuyên viên,\n", encoding="utf-8")
    clean = root / "clean"
    clean_set(clean)
    bad = root / "bad"
    layouts = {}
    for name, (kw, _code, _where) in CASES.items():
        fields = {"id": f"X-{name}", "name": f"Người {name}", **kw.get("fields", {})}
        if name in ("not-in-roster",):
            fields["id"] = "HN999"
        layouts[name] = filled(bad / f"{name}.xlsx", **{**kw, "fields": fields})
    (bad / "hong.xlsx").write_bytes(b"this is not a workbook")
    return root, load_roster(roster_path), layouts


def run(paths, roster=None, month=MONTH, jobs=1):
    return pipeline.run(paths, ReadContext(roster=roster), month=month, jobs=jobs)


def test_clean_set_has_no_finding(month):
    root, roster, _ = month
    result = run([root / "clean"], roster)
    assert [(f.code, f.file, f.cell) for f in result.all_findings()
            if f.code != "missing-submission"] == []
    assert len(result.sheets()) == 3
    assert {f.person_id for f in result.findings} == {"GV01", "HN005"}   # no sheet: missing


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_code_at_its_cell(month, name):
    root, _roster, layouts = month
    kw, code, where = CASES[name]
    result = run([root / "bad" / f"{name}.xlsx"])
    lay = layouts[name]
    if where is None:
        return   # checked with the roster below
    cell = {"score": lambda: lay.cell(where[1], where[2]), "field": lambda: lay.fields[where[1]],
            "cell": lambda: where[1]}[where[0]]()
    got = [(f.code, f.cell) for f in result.all_findings()]
    if code in ("not-in-roster",):
        result = run([root / "bad" / f"{name}.xlsx"], _roster)
        got = [(f.code, f.cell) for f in result.all_findings()]
    assert (code, cell) in got, got


def test_roster_codes(month):
    root, roster, layouts = month
    result = run([root / "bad" / "variant-mismatch.xlsx", root / "clean"], roster)
    codes = {(f.code, f.person_id) for f in result.all_findings()}
    assert ("variant-mismatch", "HN002") in codes
    assert ("duplicate-person", "HN002") in codes
    assert ("missing-submission", "HN005") in codes
    result = run([root / "bad" / "month-mismatch.xlsx"])
    mm = [f for f in result.all_findings() if f.code == "month-mismatch"]
    assert len(mm) == 1 and mm[0].value == "09/2026" and mm[0].cell == layouts["month-mismatch"].fields["month"]


def test_exempt_teacher_in_summer(month, tmp_path):
    _root, roster, _ = month
    lay = filled(tmp_path / "gv.xlsx", fields={"id": "GV01", "name": "Lê Thị G", "month": 7,
                                                "self_date": datetime(2026, 7, 22)})
    result = run([tmp_path / "gv.xlsx"], roster, (2026, 7))
    assert [(f.code, f.cell) for f in result.all_findings() if f.code not in ("missing-submission", "roster-not-covered")] == [
        ("exempt-month", lay.fields["month"])]
    assert result.sheets()[0].not_evaluated


def test_unreadable_file_is_one_finding_and_the_rest_is_read(month):
    root, _roster, _ = month
    result = run([root / "bad" / "hong.xlsx", root / "clean"])
    hong = [f for f in result.files if f.file.endswith("hong.xlsx")][0]
    assert len(hong.findings) == 1 and hong.findings[0].severity == "error"
    assert len(result.sheets()) == 3


def test_jobs_identical_on_real_files(month):
    from danhgia.report import Report

    root, roster, _ = month
    one = Report.build(run([root], roster, jobs=1)).to_json()
    two = Report.build(run([root], roster, jobs=2)).to_json()
    assert json.dumps(one) == json.dumps(two)


def test_a_consolidated_monthly_workbook_is_noted_not_failed(cli, tmp_path):
    """A tally workbook among the scoresheets is recognised (info ``monthly-workbook``), not
    reported as a broken scoresheet."""
    from conftest import EXAMPLES

    out = tmp_path / "tong-hop.xlsx"
    cli("tally", EXAMPLES / "2026-01", "--month", "2026-01", "--out", out)
    r = cli("validate", out, "--format", "json")
    report = json.loads(r.stdout)
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("monthly-workbook", "info")]
    assert r.exit_code == 0
