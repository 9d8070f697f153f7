"""Bonus points need the written statement (domain §2.3)."""

from __future__ import annotations

from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import footer_cell, make_sheet, row_of

CTX = ReadContext()


def codes(sheet):
    return [(f.code, f.cell, f.criterion) for f in check_sheet(sheet, CTX, (2026, 10)).findings]


def test_bonus_without_note_at_the_bonus_cell():
    assert ("bonus-without-note", f"D{row_of('III.2')}", "III.2") in codes(make_sheet(self_scores={"III.2": 2}))


def test_bonus_with_the_statement_field_or_a_row_note_is_fine():
    assert codes(make_sheet(self_scores={"III.2": 2}, fields={"bonus_note": "Tham mưu đề án X"})) == []
    assert codes(make_sheet(self_scores={"III.2": 2}, notes={"III.2": "Đề án X"})) == []


def test_zero_bonus_needs_no_note():
    assert codes(make_sheet(self_scores={"III.2": 0})) == []


def test_leader_variant_single_bonus_leaf():
    v = "lanh-dao-quan-ly"
    got = codes(make_sheet(v, leader_scores={"III": 3}))
    assert ("bonus-without-note", f"E{row_of('III', v)}", "III") in got
    assert footer_cell("bonus_note", v).startswith("B")
