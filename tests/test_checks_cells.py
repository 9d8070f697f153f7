"""Score cells: missing, not a number, typed as text, above max, below min, off step, max written."""

from __future__ import annotations

from decimal import Decimal

from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import make_sheet, row_of

CTX = ReadContext()


def found(sheet, month=(2026, 10)):
    return [(f.code, f.cell, f.criterion) for f in check_sheet(sheet, CTX, month).findings]


def test_clean_sheets_have_no_finding():
    for variant in ("chuyen-vien", "lanh-dao-quan-ly", "ldhd"):
        for fw in ("hanoi-2018", "hanoi-2022"):
            assert found(make_sheet(variant, fw)) == []


def test_missing_score_is_an_error_at_its_cell_never_zero():
    o = check_sheet(make_sheet(self_scores={"II.1.2": None}), CTX, (2026, 10))
    f = [x for x in o.findings if x.code == "missing-score"]
    assert [(x.cell, x.criterion, x.severity) for x in f] == [(f"D{row_of('II.1.2')}", "II.1.2", "error")]
    assert o.self_total is None           # missing is never zero


def test_blank_bonus_is_not_missing():
    assert found(make_sheet(self_scores={"III.1": None})) == []


def test_score_not_number():
    assert ("score-not-number", f"D{row_of('I.1.2')}", "I.1.2") in found(make_sheet(self_scores={"I.1.2": "tốt"}))


def test_text_as_number_is_a_warning_and_the_value_is_used():
    o = check_sheet(make_sheet(self_scores={"I.1.1": " 2 "}), CTX, (2026, 10))
    f = [x for x in o.findings if x.code == "text-as-number"]
    assert [(x.cell, x.severity, x.value) for x in f] == [(f"D{row_of('I.1.1')}", "warning", Decimal(2))]
    assert o.self_total == Decimal(90)


def test_score_above_max_in_leader_column():
    o = check_sheet(make_sheet(leader_scores={"I.2.1": 4}), CTX, (2026, 10))
    f = [x for x in o.findings if x.code == "score-above-max"]
    assert [(x.cell, x.criterion, x.value, x.expected) for x in f] == [(f"E{row_of('I.2.1')}", "I.2.1", Decimal(4), "<= 3")]
    assert "tối đa 3" in f[0].message() and "maximum 3" in f[0].message("en")


def test_score_below_min():
    assert ("score-below-min", f"D{row_of('II.1.4')}", "II.1.4") in found(make_sheet(self_scores={"II.1.4": -1}))


def test_score_not_on_step():
    assert ("score-not-on-step", f"D{row_of('II.1.8')}", "II.1.8") in found(make_sheet(self_scores={"II.1.8": 2.25}))


def test_half_points_are_on_step():
    codes = [c for c, *_ in found(make_sheet(self_scores={"II.1.8": 2.5}, leader_scores={"II.1.8": 2.5}))]
    assert "score-not-on-step" not in codes


def test_max_mismatch_is_a_warning_at_the_max_cell():
    o = check_sheet(make_sheet(written_max={"I.2.1": 4}), CTX, (2026, 10))
    assert [(x.code, x.cell, x.severity) for x in o.findings] == [("max-mismatch", f"C{row_of('I.2.1')}", "warning")]


def test_partly_scored_leader_column_reports_each_blank():
    f = found(make_sheet(leader_scores={"I.1.1": None}))
    assert ("missing-score", f"E{row_of('I.1.1')}", "I.1.1") in f
