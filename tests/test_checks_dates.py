"""Dates by the unit's calendar (hanoi presets: 21–24, decision by the 25th; December 10–14)."""

from __future__ import annotations

from datetime import date

from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import footer_cell, make_sheet

CTX = ReadContext()


def got(sheet, month=(2026, 10)):
    return [(f.code, f.cell, f.value, f.expected) for f in check_sheet(sheet, CTX, month).findings]


def test_self_assessment_early():
    assert got(make_sheet(fields={"self_date": date(2026, 10, 18)})) == [
        ("self-assessment-early", footer_cell("self_date"), date(2026, 10, 18), date(2026, 10, 21))]


def test_self_assessment_late():
    assert got(make_sheet(fields={"self_date": "25/10/2026"})) == [
        ("self-assessment-late", footer_cell("self_date"), date(2026, 10, 25), date(2026, 10, 24))]


def test_decision_late_leader_and_head():
    f = got(make_sheet(fields={"leader_date": date(2026, 10, 27), "head_date": date(2026, 10, 28)}))
    assert f == [("decision-late", footer_cell("leader_date"), date(2026, 10, 27), date(2026, 10, 25)),
                 ("decision-late", footer_cell("head_date"), date(2026, 10, 28), date(2026, 10, 25))]


def test_december_deadline_is_earlier():
    dec = dict(month="Tháng 12 năm 2026", self_date=date(2026, 12, 12), leader_date=date(2026, 12, 16),
               head_date=date(2026, 12, 14))
    f = got(make_sheet(fields=dec, period=(2026, 12)), (2026, 12))
    assert f == [("decision-late", footer_cell("leader_date"), date(2026, 12, 16), date(2026, 12, 14))]
    late_self = dict(dec, self_date=date(2026, 12, 21), leader_date=date(2026, 12, 14))
    assert [c for c, *_ in got(make_sheet(fields=late_self, period=(2026, 12)), (2026, 12))] == ["self-assessment-late"]


def test_missing_dates_are_warnings():
    o = check_sheet(make_sheet(fields={"self_date": None, "leader_date": "<absent>"}), CTX, (2026, 10))
    assert [(f.code, f.cell, f.severity, f.params["field"]) for f in o.findings] == [
        ("missing-date", footer_cell("self_date"), "warning", "self_date"),
        ("missing-date", None, "warning", "leader_date")]
