"""NĐ 335/2025 period forms (Mẫu 01A / 01B): templates, reading (also another agency's layout
built with openpyxl), the task score from the ratios, and the checks, through the CLI."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from danhgia import form
from danhgia import framework as fw_mod

FW = "nd335-2025"
GENERAL = {"I.1": 10, "I.2": 10, "I.3": 10}


def fill(template: Path, out: Path, *, pid="CC01", name="Nguyễn Văn An", unit="Phòng Kinh tế",
         general=GENERAL, ratios=None, leader_ratios=None, self_grade="HTXSNV", decided="HTXSNV",
         cells=None, variant="nd335-01a") -> Path:
    """Fill a template the way an office does (openpyxl, no cached formula values)."""
    v = fw_mod.load(FW).variant(variant)
    lay = form.layout_for(v)
    wb = openpyxl.load_workbook(template)
    ws = wb.active
    for key, value in (("name", name), ("id", pid), ("unit", unit), ("month", 10), ("year", 2026)):
        ws[lay.fields[key]] = value
    ratios = ratios or {"II.1": 100, "II.2": 90, "II.3": 80}
    leader_ratios = ratios if leader_ratios is None else leader_ratios
    for code, value in general.items():
        ws[lay.cell(code, "self")] = value
        ws[lay.cell(code, "leader")] = value
    for code, value in ratios.items():
        ws[lay.cell(code, "self")] = value
    for code, value in leader_ratios.items():
        ws[lay.cell(code, "leader")] = value
    ws[lay.fields["self_grade"]] = self_grade
    ws[lay.fields["decided_grade"]] = decided
    ws[lay.fields["self_date"]] = datetime(2026, 10, 22)
    ws[lay.fields["leader_date"]] = datetime(2026, 10, 24)
    ws[lay.fields["head_date"]] = datetime(2026, 10, 24)
    for a1, value in (cells or {}).items():
        ws[a1] = value
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def blanks(tmp_path_factory):
    from typer.testing import CliRunner

    from danhgia.cli import app

    out = tmp_path_factory.mktemp("tpl")
    res = CliRunner().invoke(app, ["template", "--framework", FW, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return {v: out / FW / f"{v}.xlsx" for v in ("nd335-01a", "nd335-01b")}


def validate_json(cli, *paths, extra=()):
    res = cli("validate", *paths, "--framework", FW, "--month", "2026-10", "--format", "json", *extra)
    return res, json.loads(res.stdout)


def codes(doc):
    return sorted(f["code"] for f in doc["findings"])


# --- templates --------------------------------------------------------------------------------


def test_template_writes_both_variants_with_ratio_rows_and_levels(blanks):
    for vid, path in blanks.items():
        ws = openpyxl.load_workbook(path).active
        texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        assert "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC" in ws["A4"].value
        assert {"Ưu điểm:", "Hạn chế, khuyết điểm:", "Nhận xét của cấp có thẩm quyền:",
                "Cá nhân tự đề xuất mức xếp loại:", "Cấp có thẩm quyền đánh giá, xếp loại:"} <= texts
        lay = form.layout_for(fw_mod.load(FW).variant(vid))
        assert "ROUND(70*AVERAGE(MIN(100," in ws[lay.cell("II", "self")].value
        dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
        assert any("HTXSNV" in dv.formula1 and "KHTNV" in dv.formula1 for dv in dvs)
    lay_b = form.layout_for(fw_mod.load(FW).variant("nd335-01b"))
    ws = openpyxl.load_workbook(blanks["nd335-01b"]).active
    assert ws[f"A{lay_b.rows['II.5']}"].value == "II.5" and "(đ)" in ws[f"B{lay_b.rows['II.5']}"].value


def test_template_per_person_maps_roster_variants_to_01a_01b(cli, tmp_path):
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm\n"
                      "CC01,Nguyễn Văn An,Phòng Kinh tế,Chuyên viên,Công chức,Chuyên viên\n"
                      "CC02,Trần Thị Bình,Phòng Kinh tế,Trưởng phòng,Công chức,Lãnh đạo quản lý\n"
                      "CC03,Lê Văn Cường,Phòng Kinh tế,Chuyên viên,Công chức,Mẫu 01A\n", encoding="utf-8")
    res = cli("template", "--framework", FW, "--roster", roster, "--month", "2026-10", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    markers = {p.name[:4]: openpyxl.load_workbook(p).active["G1"].value for p in (tmp_path / "o").glob("*.xlsx")}
    assert markers["CC01"].endswith("variant=nd335-01a") and markers["CC03"].endswith("variant=nd335-01a")
    assert markers["CC02"].endswith("variant=nd335-01b")


# --- known answers ------------------------------------------------------------------------------


def test_non_leader_known_answer_63_and_93_htxs(cli, blanks, tmp_path):
    f = fill(blanks["nd335-01a"], tmp_path / "a.xlsx")
    res, doc = validate_json(cli, f)
    assert res.exit_code == 0, codes(doc)
    assert doc["valid"] is True and codes(doc) == []
    out = tmp_path / "t.xlsx"
    res = cli("tally", f, "--framework", FW, "--month", "2026-10", "--out", out, "--format", "json")
    assert out.exists(), res.output       # (one HTXS out of one breaches the monthly cap: exit 1)
    (p,) = json.loads(res.stdout)["people"]
    assert D(str(p["leader_total"])) == D("93.00") and p["grade"] == "A"


def test_task_points_are_mean_times_70_rounded_half_up():
    from danhgia.scoring import compute

    v = fw_mod.load(FW).variant("nd335-01a")
    t = compute(v, {**{k: D(v_) for k, v_ in GENERAL.items()}, "II.1": D(100), "II.2": D(90), "II.3": D(80)})
    assert (t.values["II"], t.total) == (D("63.00"), D("93.00"))
    t = compute(v, {"I.1": D(9), "I.2": D("8.5"), "I.3": D(8), "II.1": D(100), "II.2": D(100), "II.3": D(95)})
    assert t.values["II"] == D("68.83") and t.total == D("94.33")     # 68.8333… half-up
    t = compute(v, {"I.1": D(9), "I.2": D(9), "I.3": D(9), "II.1": D(100), "II.2": None, "II.3": D(80)})
    assert t.values["II"] is None and t.total is None and t.missing == ["II.2"]   # never a 0


def test_stored_task_score_that_disagrees_is_a_finding(cli, blanks, tmp_path):
    lay = form.layout_for(fw_mod.load(FW).variant("nd335-01a"))
    f = fill(blanks["nd335-01a"], tmp_path / "a.xlsx", cells={lay.cell("II", "leader"): 65})
    res, doc = validate_json(cli, f)
    bad = [x for x in doc["findings"] if x["code"] == "total-mismatch"]
    assert res.exit_code == 1 and bad and bad[0]["cell"] == lay.cell("II", "leader")
    assert D(str(bad[0]["expected"])) == D("63.00")


def test_missing_and_out_of_range_ratios_capped_by_default(cli, blanks, tmp_path):
    lay = form.layout_for(fw_mod.load(FW).variant("nd335-01a"))
    f = fill(blanks["nd335-01a"], tmp_path / "a.xlsx", ratios={"II.1": 120, "II.2": 90, "II.3": None},
             leader_ratios={"II.1": 120, "II.2": 90, "II.3": 90}, decided="HTTNV", self_grade="HTTNV")
    res, doc = validate_json(cli, f)
    got = {(x["code"], x["cell"]) for x in doc["findings"]}
    assert ("ratio-missing", lay.cell("II.3", "self")) in got
    assert ("ratio-out-of-range", lay.cell("II.1", "leader")) in got
    assert res.exit_code == 1
    msg = next(x["message"] for x in doc["findings"] if x["code"] == "ratio-out-of-range")
    assert "120" in msg and "100%" in msg
    out = tmp_path / "t.xlsx"
    res = cli("tally", f, "--framework", FW, "--month", "2026-10", "--out", out, "--format", "json")
    (p,) = json.loads(res.stdout)["people"]
    # capped: (100 + 90 + 90) / 3 × 70 = 65.33; + 30 = 95.33
    assert D(str(p["leader_total"])) == D("95.33")


def test_ratios_over_100_allowed_when_the_unit_says_uncapped(cli, blanks, tmp_path):
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "danhgia.yaml").write_text("framework: nd335-2025\noverrides:\n  task_ratios:\n    capped: false\n",
                                         encoding="utf-8")
    f = fill(blanks["nd335-01a"], folder / "a.xlsx", ratios={"II.1": 120, "II.2": 90, "II.3": 90})
    res = cli("validate", f, "--month", "2026-10", "--format", "json")
    doc = json.loads(res.stdout)
    assert "ratio-out-of-range" not in codes(doc) and res.exit_code == 0, codes(doc)
    res = cli("tally", f, "--month", "2026-10", "--out", tmp_path / "t.xlsx", "--format", "json")
    (p,) = json.loads(res.stdout)["people"]
    assert D(str(p["leader_total"])) == D("100.00")      # mean 100 → 70, never above 70


def test_level_above_band_and_percent_formats(cli, blanks, tmp_path):
    lay = form.layout_for(fw_mod.load(FW).variant("nd335-01a"))
    # 30 general + (90 + 80 + 80)/3 × 70 = 58.33 → 88.33 → HTTNV; HTXSNV is above the band
    f = fill(blanks["nd335-01a"], tmp_path / "a.xlsx", ratios={"II.1": "90%", "II.2": 0.8, "II.3": 80},
             self_grade="HTTNV", decided="Hoàn thành xuất sắc nhiệm vụ")
    res, doc = validate_json(cli, f)
    got = {(x["code"], x["cell"]) for x in doc["findings"]}
    assert ("grade-above-band", lay.fields["decided_grade"]) in got
    assert ("ratio-as-fraction", lay.cell("II.2", "self")) in got
    assert "ratio-out-of-range" not in codes(doc) and "score-not-number" not in codes(doc)


# --- leaders: d against the people they lead --------------------------------------------------


def _unit(tmp_path, blanks, d: int, sub_grades: tuple[str, str]):
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm\n"
                      "LD01,Trần Thị Bình,Phòng Kinh tế,Trưởng phòng,Công chức,Mẫu 01B\n"
                      "CC01,Nguyễn Văn An,Phòng Kinh tế,Chuyên viên,Công chức,Mẫu 01A\n"
                      "CC02,Lê Văn Cường,Phòng Kinh tế,Chuyên viên,Công chức,Mẫu 01A\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    low = {"II.1": 40, "II.2": 40, "II.3": 40}           # 30 + 28 = 58 → HTNV; with 0 general → KHTNV
    for pid, grade in zip(("CC01", "CC02"), sub_grades):
        kw = {"decided": grade, "self_grade": grade}
        if grade == "KHTNV":
            kw.update(ratios=low, general={"I.1": 5, "I.2": 5, "I.3": 5})
        fill(blanks["nd335-01a"], folder / f"{pid}.xlsx", pid=pid, name=pid, **kw)
    ratios = {"II.1": 100, "II.2": 100, "II.3": 100, "II.4": d, "II.5": 100, "II.6": 100}
    grade = "HTXSNV" if d == 100 else "HTTNV"
    fill(blanks["nd335-01b"], folder / "LD01.xlsx", pid="LD01", name="Trần Thị Bình", ratios=ratios,
         variant="nd335-01b", decided=grade, self_grade=grade)
    return roster, folder


def test_leader_d_follows_subordinates(cli, blanks, tmp_path):
    lay = form.layout_for(fw_mod.load(FW).variant("nd335-01b"))
    roster, folder = _unit(tmp_path, blanks, 100, ("HTTNV", "KHTNV"))
    res, doc = validate_json(cli, folder, extra=("--roster", roster))
    (f,) = [x for x in doc["findings"] if x["code"] == "leader-d-mismatch"]
    assert (f["person_id"], f["cell"], D(str(f["expected"]))) == ("LD01", lay.cell("II.4", "leader"), D(50))
    assert "variant-mismatch" not in codes(doc)


def test_leader_with_d_50_when_someone_is_khtnv_and_leader_total(cli, blanks, tmp_path):
    roster, folder = _unit(tmp_path, blanks, 50, ("HTTNV", "KHTNV"))
    res, doc = validate_json(cli, folder, extra=("--roster", roster))
    assert "leader-d-mismatch" not in codes(doc)
    res = cli("tally", folder, "--framework", FW, "--roster", roster, "--month", "2026-10",
              "--out", tmp_path / "t.xlsx", "--format", "json")
    people = {p["id"]: p for p in json.loads(res.stdout)["people"]}
    # (100·5 + 50) / 6 × 70 = 64.17; + 30 = 94.17
    assert D(str(people["LD01"]["leader_total"])) == D("94.17")


def test_leader_d_100_when_all_subordinates_htnv_or_better(cli, blanks, tmp_path):
    roster, folder = _unit(tmp_path, blanks, 50, ("HTTNV", "HTXSNV"))
    res, doc = validate_json(cli, folder, extra=("--roster", roster))
    (f,) = [x for x in doc["findings"] if x["code"] == "leader-d-mismatch"]
    assert D(str(f["expected"])) == D(100) and D(str(f["value"])) == D(50)


# --- another agency's layout of Mẫu 01 ---------------------------------------------------------


def agency_form(path: Path, a=100, b=90, c=80, stored_task=63, level="Hoàn thành xuất sắc nhiệm vụ"):
    """A Mẫu 01 laid out as a customs sub-department does: a spare first column, numbered items
    under Roman parts, ratios labelled by letter, part III with the three scores, levels as words."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu đánh giá"
    ws["B1"] = "CỤC HẢI QUAN TỈNH X"
    ws["B3"] = "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC"
    ws["B4"] = "Kỳ đánh giá: Tháng 10 năm 2026"
    ws["B6"] = "Họ và tên: Phạm Thị Dung"
    ws["E6"] = "Mã số: HQ07"
    ws["B7"] = "Chức vụ: Kiểm tra viên"
    ws["E7"] = "Đơn vị: Đội Nghiệp vụ"
    ws.append([])
    ws.append([None, "TT", "Tiêu chí chấm điểm", "Điểm tối đa", "Điểm do cá nhân tự chấm",
               "Cấp có thẩm quyền đánh giá"])
    rows = [
        ("I", "Tiêu chí chung", 30, 30, 30),
        ("1", "Phẩm chất chính trị, đạo đức, lối sống", 10, 10, 10),
        ("2", "Năng lực, trách nhiệm, thái độ phục vụ, phối hợp", 10, 10, 10),
        ("3", "Đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm", 10, 10, 10),
        ("II", "Kết quả thực hiện nhiệm vụ", 70, stored_task, stored_task),
        ("a", "Tỷ lệ số lượng sản phẩm hoàn thành", "100%", a, a),
        ("b", "Tỷ lệ sản phẩm đạt chất lượng", "100%", b, b),
        ("c", "Tỷ lệ sản phẩm đúng hạn", "100%", c, c),
        ("III", "Tổng hợp điểm", None, None, None),
        ("1", "Điểm tiêu chí chung", 30, 30, 30),
        ("2", "Điểm kết quả thực hiện nhiệm vụ", 70, stored_task, stored_task),
    ]
    for r in rows:
        ws.append([None, *r])
    ws.append([None, None, "Tổng điểm", 100, 30 + stored_task, 30 + stored_task])
    ws.append([])
    ws.append([None, "Ưu điểm:", None, "Hoàn thành đúng hạn các tờ khai"])
    ws.append([None, "Hạn chế, khuyết điểm:", None, "Không"])
    ws.append([None, "Cá nhân tự đề xuất mức xếp loại:", None, level])
    ws.append([None, "Ngày tự đánh giá:", None, datetime(2026, 10, 22)])
    ws.append([None, "Nhận xét của cấp có thẩm quyền:", None, "Đồng ý"])
    ws.append([None, "Cấp có thẩm quyền đánh giá, xếp loại:", None, level])
    ws.append([None, "Ngày cấp có thẩm quyền đánh giá:", None, datetime(2026, 10, 24)])
    ws.append([None, "Ngày thủ trưởng quyết định:", None, datetime(2026, 10, 24)])
    wb.save(path)
    return path


def test_another_agencys_layout_is_read_by_label(cli, tmp_path):
    f = agency_form(tmp_path / "hq07.xlsx")
    res, doc = validate_json(cli, f)
    assert res.exit_code == 0 and codes(doc) == [], doc["findings"]
    res = cli("tally", f, "--framework", FW, "--month", "2026-10", "--out", tmp_path / "t.xlsx", "--format", "json")
    (p,) = json.loads(res.stdout)["people"]
    assert (p["id"], D(str(p["leader_total"])), p["grade"]) == ("HQ07", D("93.00"), "A")


def test_another_agencys_layout_with_a_wrong_task_score(cli, tmp_path):
    f = agency_form(tmp_path / "hq07.xlsx", stored_task=65)
    res, doc = validate_json(cli, f)
    bad = [x for x in doc["findings"] if x["code"] == "total-mismatch"]
    assert res.exit_code == 1 and {x["cell"] for x in bad} >= {"E14", "F14"}


# --- the tally workbook shows the ratios ------------------------------------------------------


def test_tally_shows_ratio_columns_for_period_forms_and_reads_them_back(cli, blanks, tmp_path):
    from danhgia import layout
    from danhgia.read import monthly_read

    roster, folder = _unit(tmp_path, blanks, 50, ("HTTNV", "KHTNV"))
    out = tmp_path / "t.xlsx"
    cli("tally", folder, "--framework", FW, "--roster", roster, "--month", "2026-10", "--out", out)
    ws = openpyxl.load_workbook(out)[layout.DETAIL_SHEET]
    header = [c.value for c in ws[3]]
    for h in ("(a) Số lượng %", "(b) Chất lượng %", "(c) Tiến độ %", "(d) Lĩnh vực phụ trách %",
              "(đ) Tổ chức thực hiện %", "(e) Đoàn kết %"):
        assert h in header
    assert header.index("(a) Số lượng %") == header.index("Mục III") + 1
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert (rows["CC01"]["(a) Số lượng %"], rows["CC01"]["(d) Lĩnh vực phụ trách %"]) == (100, None)
    assert rows["LD01"]["(d) Lĩnh vực phụ trách %"] == 50 and rows["CC02"]["(c) Tiến độ %"] == 40
    back = monthly_read.read(out)
    ld = next(r for r in back.rows if r.id == "LD01")
    assert ld.ratios == {"a": 100, "b": 100, "c": 100, "d": 50, "đ": 100, "e": 100}


def test_hanoi_tally_has_no_ratio_columns(cli, tmp_path):
    from danhgia import layout

    assert layout.detail_columns(set()) == layout.DETAIL_COLUMNS
