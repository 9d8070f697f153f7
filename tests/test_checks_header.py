"""Header fields: name, id, unit, month; the month asked for; dates that are dates."""

from __future__ import annotations

from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from fixtures.validate.sheets import footer_cell, make_sheet

CTX = ReadContext()


def got(sheet, month=(2026, 10)):
    return [(f.code, f.cell, f.params.get("field")) for f in check_sheet(sheet, CTX, month).findings]


def test_missing_fields_at_their_cells():
    assert got(make_sheet(fields={"name": None, "id": " ", "unit": None})) == [
        ("missing-field", "B2", "name"), ("missing-field", "B3", "id"), ("missing-field", "B5", "unit")]


def test_missing_field_label_absent():
    assert got(make_sheet(fields={"unit": "<absent>"})) == [("missing-field", None, "unit")]


def test_missing_month():
    assert got(make_sheet(fields={"month": None}, period=None)) == [("missing-field", "B6", "month")]


def test_month_mismatch():
    f = check_sheet(make_sheet(), CTX, (2026, 11)).findings
    mm = [x for x in f if x.code == "month-mismatch"]
    assert [(x.cell, x.value, x.expected) for x in mm] == [("B6", "10/2026", "11/2026")]
    assert "10/2026" in mm[0].message() and "11/2026" in mm[0].message("en")


def test_no_month_asked_no_mismatch():
    assert got(make_sheet(), None) == []


def test_invalid_date():
    assert got(make_sheet(fields={"self_date": "hôm qua"})) == [
        ("invalid-date", footer_cell("self_date"), "self_date")]
    assert got(make_sheet(fields={"self_date": "22/10/2026"})) == []


def test_unknown_variant_when_neither_sheet_nor_roster_names_it():
    sheet = make_sheet()
    sheet.variant = None
    o = check_sheet(sheet, CTX, (2026, 10))
    assert [(f.code, f.cell) for f in o.findings] == [("unknown-variant", None)]
    assert o.self_total is None
