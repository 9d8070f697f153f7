"""Hanoi II.2: the points must lie in the band of the declared completion share."""

from __future__ import annotations

from danhgia.checks.completion import share_percent
from danhgia.model import Entry, ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import footer_cell, make_sheet, row_of

CTX = ReadContext()


def completion(sheet):
    return [(f.cell, f.criterion, f.params.get("share")) for f in check_sheet(sheet, CTX, (2026, 10)).findings
            if f.code == "completion-mismatch"]


def test_points_outside_the_band_of_the_share():
    # 85 % allows 40 to under 45; 50 points is too many
    got = completion(make_sheet(shares={"II.2": 85}))
    assert got == [(f"D{row_of('II.2')}", "II.2", "85"), (f"E{row_of('II.2')}", "II.2", "85")]


def test_points_inside_the_band():
    assert completion(make_sheet(shares={"II.2": "95%"})) == []
    assert completion(make_sheet(shares={"II.2": 0.8}, self_scores={"II.2": 40}, leader_scores={"II.2": 44.5})) == []


def test_no_share_no_check():
    assert completion(make_sheet(self_scores={"II.2": 30})) == []


def test_share_in_the_header_field():
    sheet = make_sheet(fields={"completion_share": "75 %"})
    got = completion(sheet)
    assert len(got) == 2 and got[0][0] == f"D{row_of('II.2')}"
    assert footer_cell("completion_share")


def test_share_percent_forms():
    assert share_percent(Entry("A1", 0.95)) == 95
    assert share_percent(Entry("A1", 95)) == 95
    assert share_percent(Entry("A1", "82,5%")) == share_percent(Entry("A1", "82.5"))
    assert share_percent(Entry("A1", "nhiều")) is None
