"""Totals: a block over its maximum, a stored total that disagrees (exact Decimal)."""

from __future__ import annotations

from decimal import Decimal

from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import make_sheet, row_of

CTX = ReadContext()


def findings(sheet, code):
    return [f for f in check_sheet(sheet, CTX, (2026, 10)).findings if f.code == code]


def test_block_over_max_at_the_block_total_cell():
    f = findings(make_sheet(self_scores={"I.2.1": 4}), "block-over-max")
    assert [(x.cell, x.criterion, x.value) for x in f] == [(f"D{row_of('I')}", "I", Decimal(21))]


def test_block_over_max_even_with_blank_items():
    f = findings(make_sheet(self_scores={"I.2.1": 6, "I.1.1": None}), "block-over-max")
    assert [x.criterion for x in f] == ["I"]


def test_stored_total_mismatch():
    f = findings(make_sheet(stored={("TOTAL", "self"): 91}), "total-mismatch")
    assert len(f) == 1
    assert f[0].value == Decimal(91) and f[0].expected == Decimal(90)
    assert f[0].cell.startswith("D") and f[0].criterion is None
    assert "I + II + III" in f[0].message()


def test_stored_block_mismatch_leader_column():
    f = findings(make_sheet(stored={("II.1", "leader"): 19.5}), "total-mismatch")
    assert [(x.cell, x.criterion) for x in f] == [(f"E{row_of('II.1')}", "II.1")]


def test_float_noise_is_not_a_mismatch_but_a_hundredth_is():
    # 0.1 + 0.2 stored by a spreadsheet is 0.30000000000000004
    sheet = make_sheet(self_scores={"III.1": 0.5}, notes={"III.1": "Sáng kiến"},
                       stored={("TOTAL", "self"): 90.50000000000001, ("III", "self"): 0.5})
    assert findings(sheet, "total-mismatch") == []
    sheet = make_sheet(self_scores={"III.1": 0.5}, notes={"III.1": "Sáng kiến"},
                       stored={("TOTAL", "self"): 90.51})
    assert len(findings(sheet, "total-mismatch")) == 1


def test_blank_stored_total_is_normal():
    assert findings(make_sheet(stored={("TOTAL", "self"): None, ("I", "self"): None}), "total-mismatch") == []
