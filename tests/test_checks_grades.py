"""Grades: self grade vs self total band, decided grade vs leader total band, pending sheets."""

from __future__ import annotations

from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import footer_cell, make_sheet, row_of

CTX = ReadContext()


def got(sheet):
    return [(f.code, f.cell, f.value, f.expected) for f in check_sheet(sheet, CTX, (2026, 10)).findings]


def test_grade_mismatch_self_grade_not_band_of_self_total():
    # self total 88 → B, written A
    sheet = make_sheet(self_scores={"II.2": 48}, leader_scores={"II.2": 48}, fields={"decided_grade": "B"})
    assert got(sheet) == [("grade-mismatch", footer_cell("self_grade"), "A", "B")]


def test_grade_above_band_uses_the_leader_total():
    # self 90 (A, matches), leader 85 → B; the head decided A
    sheet = make_sheet(leader_scores={"II.2": 45})
    f = got(sheet)
    assert f == [("grade-above-band", footer_cell("decided_grade"), "A", "B")]


def test_head_may_lower_a_grade():
    assert got(make_sheet(fields={"decided_grade": "C"})) == []


def test_invalid_grade():
    assert got(make_sheet(fields={"self_grade": "Xuất sắc lắm"})) == [
        ("invalid-grade", footer_cell("self_grade"), "Xuất sắc lắm", None)]
    assert got(make_sheet(fields={"self_grade": "HTXSNV"})) == []


def test_missing_leader_score_is_one_warning_and_no_missing_cells():
    leaders = {c: None for c in ("I.1.1", "I.1.2", "I.1.3", "I.2.1", "I.2.2", "I.2.3", "I.2.4", "I.2.5",
                                 "I.2.6", "II.1.1", "II.1.2", "II.1.3", "II.1.4", "II.1.5", "II.1.6",
                                 "II.1.7", "II.1.8", "II.1.9", "II.2")}
    o = check_sheet(make_sheet(leader_scores=leaders, fields={"decided_grade": None, "leader_date": None,
                                                              "head_date": None}), CTX, (2026, 10))
    assert [(f.code, f.cell, f.severity) for f in o.findings] == [
        ("missing-leader-score", f"E{row_of('I.1.1')}", "warning")]
    assert o.has_leader_scores is False and o.leader_total is None


def test_missing_decision_is_a_warning_at_the_decision_cell():
    f = check_sheet(make_sheet(fields={"decided_grade": None}), CTX, (2026, 10)).findings
    assert [(x.code, x.cell, x.severity) for x in f] == [("missing-decision", footer_cell("decided_grade"), "warning")]


def test_outcome_keeps_grades_and_band():
    o = check_sheet(make_sheet(leader_scores={"II.2": 45}, fields={"decided_grade": "B"}), CTX, (2026, 10))
    assert (o.self_grade, o.decided_grade, o.leader_band) == ("A", "B", "B")
    assert o.blocks_leader == {"I": 20, "II": 65, "III": 0}
