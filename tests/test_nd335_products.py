"""NĐ 335 product list (bảng kê sản phẩm) beside Mẫu 01A: a, b, c from the list with the 25%
deductions for each major error and each delay; the form's percentages must agree."""

from __future__ import annotations

import json
from decimal import Decimal as D
from types import SimpleNamespace as R

import openpyxl

from danhgia import form
from danhgia import framework as fw_mod
from danhgia.scoring import ratios_from_products

from test_nd335_forms import FW, blanks, fill  # noqa: F401  (fixture)


def test_25_percent_deductions_known_answer():
    rows = [R(assigned=D(10), done=D(10), errors=D(1), delays=D(0)),
            R(assigned=D(10), done=D(8), errors=D(0), delays=D(2))]
    # a = 18/20; b = (10 × 0.75 + 8) / 18 = 86.11; c = (10 + 8 × 0.5) / 18 = 77.78
    assert ratios_from_products(rows) == {"a": D("90.00"), "b": D("86.11"), "c": D("77.78")}
    # four errors take all of a product's quality, never below 0
    rows = [R(assigned=D(4), done=D(4), errors=D(5), delays=D(0))]
    assert ratios_from_products(rows) == {"a": D("100.00"), "b": D("0.00"), "c": D("100.00")}
    assert ratios_from_products([R(assigned=D(0), done=D(0), errors=D(0), delays=D(0))]) == \
        {"a": None, "b": None, "c": None}


def _with_products(path, rows, bad=None):
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Bảng kê sản phẩm")
    ws.append(["BẢNG KÊ SẢN PHẨM"])
    ws.append(["TT", "Tên sản phẩm", "Số lượng quy đổi được giao", "Số lượng hoàn thành", "Số lỗi lớn",
               "Số lần chậm trễ"])
    for i, r in enumerate(rows, 1):
        ws.append([i, *r])
    ws.append([None, "Tổng cộng", "=SUM(C3:C4)", "=SUM(D3:D4)"])
    if bad:
        ws[bad[0]] = bad[1]
    wb.save(path)
    return path


PRODUCTS = [("Tờ trình", 10, 10, 1, 0), ("Báo cáo", 10, 8, 0, 2)]


def test_form_agreeing_with_the_list_is_clean_and_scored(cli, blanks, tmp_path):
    ratios = {"II.1": 90, "II.2": 86.11, "II.3": 77.78}
    f = _with_products(fill(blanks["nd335-01a"], tmp_path / "a.xlsx", ratios=ratios,
                            self_grade="HTTNV", decided="HTTNV"), PRODUCTS)
    res = cli("validate", f, "--framework", FW, "--month", "2026-10", "--format", "json")
    doc = json.loads(res.stdout)
    assert res.exit_code == 0, doc["findings"]
    assert not any(x["code"] == "not-a-scoresheet" for x in doc["findings"])


def test_form_disagreeing_with_the_list_is_a_finding(cli, blanks, tmp_path):
    lay = form.layout_for(fw_mod.load(FW).variant("nd335-01a"))
    ratios = {"II.1": 90, "II.2": 90, "II.3": 78}       # c = 78 agrees at whole percent (77.78)
    f = _with_products(fill(blanks["nd335-01a"], tmp_path / "a.xlsx", ratios=ratios,
                            self_grade="HTTNV", decided="HTTNV"), PRODUCTS)
    res = cli("validate", f, "--framework", FW, "--month", "2026-10", "--format", "json")
    doc = json.loads(res.stdout)
    bad = [x for x in doc["findings"] if x["code"] == "ratio-product-mismatch"]
    assert [(x["cell"], D(str(x["expected"]))) for x in bad] == [(lay.cell("II.2", "leader"), D("86.11"))]
    assert "Bảng kê sản phẩm" in bad[0]["message"] and res.exit_code == 1


def test_unreadable_product_list_is_said_not_compared(cli, blanks, tmp_path):
    f = _with_products(fill(blanks["nd335-01a"], tmp_path / "a.xlsx", self_grade="HTXSNV"), PRODUCTS,
                       bad=("E3", "một"))
    res = cli("validate", f, "--framework", FW, "--month", "2026-10", "--format", "json")
    doc = json.loads(res.stdout)
    (x,) = [x for x in doc["findings"] if x["code"] == "product-list-unreadable"]
    assert (x["sheet"], x["cell"]) == ("Bảng kê sản phẩm", "E3")
    assert not any(x["code"] == "ratio-product-mismatch" for x in doc["findings"])
