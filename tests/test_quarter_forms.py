"""Quarterly NĐ 335 forms (issue 12, «Quarters»): a form whose period is a quarter is read (a
«Quý» field, a month field holding "Quý III", a period line "Kỳ: Quý III năm 2026" above the
table), ``validate --quarter`` takes a quarter's forms and the monthly forms of its months,
checks quarterly forms' dates against the quarter calendar and asks the roster's quarterly
people for their sheets; ``template --quarter`` writes forms that read back as the quarter.

The forms are built with openpyxl as an office builds them (its own layout, or the tool's
template filled in by hand), and everything goes through the CLI.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from danhgia import form
from danhgia import framework as fw_mod

FW = "nd335-2025"


def agency_form(path: Path, *, pid="HQ07", name="Phạm Thị Dung", period=None, above=None,
                dates=(datetime(2026, 9, 18), datetime(2026, 9, 21), datetime(2026, 9, 22))) -> Path:
    """A Mẫu 01A laid out as a customs sub-department does (spare first column, numbered items,
    ratios by letter). ``period``: label/value cells of the period on row 5 (B5, C5, D5, E5…);
    ``above``: the line under the title (B4), e.g. "Kỳ: Quý III năm 2026"."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu đánh giá"
    ws["B1"] = "CỤC HẢI QUAN TỈNH X"
    ws["B3"] = "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC"
    if above is not None:
        ws["B4"] = above
    for col, value in zip("BCDE", period or ()):
        ws[f"{col}5"] = value
    ws["B6"] = f"Họ và tên: {name}"
    ws["E6"] = f"Mã số: {pid}"
    ws["B7"] = "Chức vụ: Kiểm tra viên"
    ws["E7"] = "Đơn vị: Đội Nghiệp vụ"
    ws.append([])
    ws.append([None, "TT", "Tiêu chí chấm điểm", "Điểm tối đa", "Điểm do cá nhân tự chấm",
               "Cấp có thẩm quyền đánh giá"])
    for r in (("I", "Tiêu chí chung", 30, 30, 30),
              ("1", "Phẩm chất chính trị, đạo đức, lối sống", 10, 10, 10),
              ("2", "Năng lực, trách nhiệm, thái độ phục vụ, phối hợp", 10, 10, 10),
              ("3", "Đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm", 10, 10, 10),
              ("II", "Kết quả thực hiện nhiệm vụ", 70, 63, 63),
              ("a", "Tỷ lệ số lượng sản phẩm hoàn thành", "100%", 100, 100),
              ("b", "Tỷ lệ sản phẩm đạt chất lượng", "100%", 90, 90),
              ("c", "Tỷ lệ sản phẩm đúng hạn", "100%", 80, 80)):
        ws.append([None, *r])
    ws.append([None, None, "Tổng điểm", 100, 93, 93])
    ws.append([])
    level = "Hoàn thành xuất sắc nhiệm vụ"
    ws.append([None, "Cá nhân tự đề xuất mức xếp loại:", None, level])
    ws.append([None, "Ngày tự đánh giá:", None, dates[0]])
    ws.append([None, "Cấp có thẩm quyền đánh giá, xếp loại:", None, level])
    ws.append([None, "Ngày cấp có thẩm quyền đánh giá:", None, dates[1]])
    ws.append([None, "Ngày thủ trưởng quyết định:", None, dates[2]])
    wb.save(path)
    return path


def quarterly(path: Path, q="III", **kw) -> Path:
    return agency_form(path, period=("Quý:", q, "Năm:", 2026), **kw)


def monthly(path: Path, month: int, **kw) -> Path:
    kw.setdefault("dates", (datetime(2026, month, 22), datetime(2026, month, 24), datetime(2026, month, 25)))
    return agency_form(path, period=("Tháng:", month, "Năm:", 2026), **kw)


def run(cli, *paths, period=("--quarter", "2026-Q3"), extra=(), lang="vi"):
    res = cli("validate", *paths, "--framework", FW, *period, "--format", "json", "--lang", lang, *extra)
    assert res.exit_code in (0, 1), res.output
    return res, json.loads(res.stdout)


def found(doc, code):
    return [f for f in doc["findings"] if f["code"] == code]


def read_sheet(path: Path, skip_marked: bool = True):
    from danhgia.model import ReadContext
    from danhgia.read.workbook import read_file

    sheets, _found = read_file(path, path.name, ReadContext(framework_ref=FW), skip_marked=skip_marked)
    (ss,) = sheets
    return ss


# --- reading a quarterly form --------------------------------------------------------------------


@pytest.mark.parametrize("period, above", [
    (("Quý:", "III", "Năm:", 2026), None),               # «Quý:» III + «Năm:» 2026
    (("Quý:", 3, "Năm:", 2026), None),                   # typed as a number
    (("Quý:", "Quý III", "Năm:", 2026), None),
    (("Tháng:", "Quý III", "Năm:", 2026), None),         # the month field holds the quarter
    (("Kỳ đánh giá: Quý III năm 2026",), None),          # a label with its value after the colon
    ((), "Kỳ: Quý III năm 2026"),                        # the period line under the title
    ((), "QUÝ III NĂM 2026"),
])
def test_a_quarterly_form_is_read_as_the_quarter(cli, tmp_path, period, above):
    f = agency_form(tmp_path / "q.xlsx", period=period, above=above)
    ss = read_sheet(f)
    assert (ss.quarter, ss.period) == ((2026, 3), None)
    assert ss.period_cell in ("C5", "B5", "B4")
    res, doc = run(cli, f)
    assert res.exit_code == 0 and doc["findings"] == [], doc["findings"]
    assert doc["summary"]["quarter"] == "2026-Q3" and doc["summary"]["month"] is None


def test_a_monthly_form_still_reads_its_month(tmp_path):
    ss = read_sheet(monthly(tmp_path / "m.xlsx", 8))
    assert (ss.period, ss.quarter) == ((2026, 8), None)


def test_a_month_with_a_quarter_that_does_not_hold_it_is_said(cli, tmp_path):
    ok = agency_form(tmp_path / "ok.xlsx", period=("Tháng:", 8, "Năm:", 2026, ), above="Quý: III")
    assert read_sheet(ok).period == (2026, 8)
    _res, doc = run(cli, ok, period=("--month", "2026-08"), extra=("--select", "header"))
    assert doc["findings"] == []
    bad = agency_form(tmp_path / "bad.xlsx", period=("Tháng:", 10, "Năm:", 2026), above="Quý: III")
    res, doc = run(cli, bad, period=("--month", "2026-10"), extra=("--select", "header"))
    assert [(f["code"], f["cell"], f["value"]) for f in doc["findings"]] == [("field-conflict", "B4", "III")]
    assert res.exit_code == 1 and "«10» ở ô C5" in doc["findings"][0]["message"]


def test_an_unreadable_quarter_is_invalid_period_at_its_cell(cli, tmp_path):
    res, doc = run(cli, quarterly(tmp_path / "q.xlsx", q="V"))
    (f,) = found(doc, "invalid-period")
    assert (f["cell"], f["value"], res.exit_code) == ("C5", "V", 1)
    assert "Quý «V»" in f["message"] and "từ I đến IV" in f["message"]
    assert not found(doc, "missing-field")


# --- the period of a quarter's run ---------------------------------------------------------------


def test_a_quarter_takes_its_quarterly_form_and_the_monthly_forms_of_its_months(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    quarterly(folder / "q3.xlsx", pid="HQ01")
    monthly(folder / "m8.xlsx", 8, pid="HQ02")
    res, doc = run(cli, folder)
    assert res.exit_code == 0 and doc["findings"] == [], doc["findings"]


def test_a_monthly_form_outside_the_quarter_is_month_mismatch_naming_the_quarter(cli, tmp_path):
    f = monthly(tmp_path / "m10.xlsx", 10)
    res, doc = run(cli, f)
    (mm,) = found(doc, "month-mismatch")
    assert res.exit_code == 1 and (mm["cell"], mm["value"], mm["expected"]) == ("C5", "10/2026", "2026-Q3")
    assert mm["message"] == "Bảng điểm của tháng 10/2026, không phải Quý III/2026 (tháng 7, 8, 9)"
    _res, doc = run(cli, f, lang="en")
    assert found(doc, "month-mismatch")[0]["message"] == "The scoresheet is for 10/2026, not for Q3 2026 (months 7, 8, 9)"


def test_a_form_of_another_quarter_is_month_mismatch(cli, tmp_path):
    f = quarterly(tmp_path / "q2.xlsx", q="II", dates=(datetime(2026, 6, 18), datetime(2026, 6, 21),
                                                        datetime(2026, 6, 22)))
    res, doc = run(cli, f)
    (mm,) = found(doc, "month-mismatch")
    assert res.exit_code == 1 and (mm["value"], mm["expected"]) == ("2026-Q2", "2026-Q3")
    assert "Quý II/2026" in mm["message"] and "Quý III/2026" in mm["message"]
    assert "Q3 2026" in found(run(cli, f, lang="en")[1], "month-mismatch")[0]["message"]


def test_under_month_a_quarterly_form_is_month_mismatch_saying_it_is_quarterly(cli, tmp_path):
    f = quarterly(tmp_path / "q3.xlsx")
    res, doc = run(cli, f, period=("--month", "2026-09"))
    (mm,) = found(doc, "month-mismatch")
    assert res.exit_code == 1 and (mm["value"], mm["expected"]) == ("2026-Q3", "09/2026")
    assert mm["message"] == "Bảng điểm của Quý III/2026 (phiếu theo quý), không phải tháng 09/2026"
    en = found(run(cli, f, period=("--month", "2026-09"), lang="en")[1], "month-mismatch")[0]["message"]
    assert "a quarterly form" in en
    # and a monthly run's monthly form keeps today's wording
    _res, doc = run(cli, monthly(tmp_path / "m8.xlsx", 8), period=("--month", "2026-09"))
    assert found(doc, "month-mismatch")[0]["message"] == "Bảng điểm của tháng 08/2026, không phải tháng 09/2026"


# --- dates against the quarter's calendar ---------------------------------------------------------


def test_a_quarterly_forms_dates_follow_the_quarter_calendar(cli, tmp_path):
    cal = fw_mod.load(FW).calendar.quarter        # days of the quarter's last month (16–20, 22, 23)
    assert (cal.self_window.start_day, cal.self_window.end_day, cal.leader_deadline_day,
            cal.head_deadline_day) == (16, 20, 22, 23)
    on_time = quarterly(tmp_path / "ok.xlsx", pid="HQ01")
    late = quarterly(tmp_path / "late.xlsx", pid="HQ02",
                     dates=(datetime(2026, 9, 21), datetime(2026, 9, 23), datetime(2026, 9, 24)))
    early = quarterly(tmp_path / "early.xlsx", pid="HQ03",
                      dates=(datetime(2026, 9, 15), datetime(2026, 9, 20), datetime(2026, 9, 20)))
    _res, doc = run(cli, on_time)
    assert doc["findings"] == []
    _res, doc = run(cli, late)
    got = {(f["code"], f["expected"]) for f in doc["findings"]}
    assert got == {("self-assessment-late", "2026-09-20"), ("decision-late", "2026-09-22"),
                   ("decision-late", "2026-09-23")}
    _res, doc = run(cli, early)
    assert [(f["code"], f["expected"]) for f in doc["findings"]] == [("self-assessment-early", "2026-09-16")]


def test_a_monthly_form_in_a_quarter_run_keeps_its_months_calendar(cli, tmp_path):
    # August's own window (21–24 of August), not the quarter's days (16–20)
    d = fw_mod.load(FW).calendar
    assert d.self_window.start_day == 21
    _res, doc = run(cli, monthly(tmp_path / "m8.xlsx", 8))
    assert doc["findings"] == []
    _res, doc = run(cli, monthly(tmp_path / "m8.xlsx", 8, dates=(datetime(2026, 8, 18), datetime(2026, 8, 22),
                                                                   datetime(2026, 8, 22))))
    assert [(f["code"], f["expected"]) for f in doc["findings"]] == [("self-assessment-early", "2026-08-21")]


# --- who must hand in a sheet of the quarter --------------------------------------------------------


def _unit(tmp_path):
    folder = tmp_path / "unit"
    folder.mkdir()
    # công chức under NĐ 335 (kept by month or quarter); contract workers under Hanoi (month only)
    (folder / "danhgia.yaml").write_text("framework: nd335-2025\nframeworks:\n  ldhd: hanoi-2022\n",
                                         encoding="utf-8")
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm,Ngày vào\n"
                      "HQ01,Phạm Thị Dung,Đội Nghiệp vụ,Kiểm tra viên,Công chức,Chuyên viên,\n"
                      "HQ02,Lê Văn Hải,Đội Nghiệp vụ,Kiểm tra viên,Công chức,Chuyên viên,\n"
                      "HQ03,Trần Minh Khoa,Đội Nghiệp vụ,Kiểm tra viên,Công chức,Chuyên viên,\n"
                      "HQ04,Vũ Thị Lan,Đội Nghiệp vụ,Kiểm tra viên,Công chức,Chuyên viên,01/11/2026\n"
                      "HD01,Ngô Văn Bảo,Đội Nghiệp vụ,Lái xe,LĐHĐ,LĐHĐ,\n"
                      "HD02,Đỗ Thị Cúc,Đội Nghiệp vụ,Tạp vụ,LĐHĐ,LĐHĐ,\n", encoding="utf-8")
    quarterly(folder / "hq01.xlsx", pid="HQ01")
    monthly(folder / "hq02.xlsx", 7, pid="HQ02", name="Lê Văn Hải")
    return folder, roster


def test_missing_submission_in_a_quarter_run(cli, tmp_path):
    folder, roster = _unit(tmp_path)
    res = cli("validate", folder, "--roster", roster, "--quarter", "2026-Q3", "--format", "json")
    doc = json.loads(res.stdout)
    # HQ01 (quarterly form) and HQ02 (a monthly form of July) handed in; HQ04 starts in November
    assert [f["person_id"] for f in found(doc, "missing-submission")] == ["HQ03"]
    assert res.exit_code == 1
    (nq,) = found(doc, "not-quarterly")
    assert (nq["severity"], nq["value"], nq["expected"]) == ("info", 2, "hanoi-2022")
    assert "2 người" in nq["message"] and "hanoi-2022" in nq["message"] and "Quý III/2026" in nq["message"]
    res = cli("validate", folder, "--roster", roster, "--quarter", "2026-Q3", "--lang", "en")
    assert "Framework not by quarter (not-quarterly): 1" in res.stdout
    assert "Note: 2 people of the roster are under the framework hanoi-2022, which is kept by month only" in res.stdout


def test_a_city_unit_whose_civil_servants_are_under_nd335_reads_their_forms_as_01a(cli, tmp_path):
    # the form's title does not say 01A or 01B and the roster says «Chuyên viên»: under the unit's
    # NĐ 335 setting for công chức that is Mẫu 01A, not the city's specialist sheet
    folder, roster = _unit(tmp_path)
    (folder / "danhgia.yaml").write_text("framework: hanoi-2022\nframeworks:\n  cong_chuc: nd335-2025\n",
                                         encoding="utf-8")
    res = cli("validate", folder, "--roster", roster, "--quarter", "2026-Q3", "--format", "json")
    doc = json.loads(res.stdout)
    assert [(f["code"], f["person_id"]) for f in doc["findings"] if f["severity"] != "info"] == \
        [("missing-submission", "HQ03")], doc["findings"]


def test_without_a_period_asked_the_quarter_of_the_forms_is_the_runs(cli, tmp_path):
    folder, roster = _unit(tmp_path)
    (folder / "hq02.xlsx").unlink()                # only quarterly forms of Q3 left
    res = cli("validate", folder, "--roster", roster, "--format", "json")
    doc = json.loads(res.stdout)
    assert sorted(f["person_id"] for f in found(doc, "missing-submission")) == ["HQ02", "HQ03"]


def test_a_quarterly_form_of_someone_not_evaluated_all_quarter_is_ignored(cli, tmp_path):
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm,Tháng không đánh giá,Lý do\n"
                      "HQ01,Phạm Thị Dung,Đội Nghiệp vụ,Kiểm tra viên,Công chức,Chuyên viên,7;8;9/2026,Nghỉ thai sản\n"
                      "HQ02,Lê Văn Hải,Đội Nghiệp vụ,Kiểm tra viên,Công chức,Chuyên viên,8/2026,Ốm dài ngày\n",
                      encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    quarterly(folder / "hq01.xlsx", pid="HQ01")
    res, doc = run(cli, folder, extra=("--roster", roster))
    (ex,) = found(doc, "exempt-month")
    assert (ex["person_id"], ex["value"]) == ("HQ01", "2026-Q3")
    assert "không đánh giá Quý III/2026 (Nghỉ thai sản)" in ex["message"]
    # HQ02 is off in August only: still expected for the quarter
    assert [f["person_id"] for f in found(doc, "missing-submission")] == ["HQ02"]


def test_a_quarter_run_of_another_quarter_misses_everyone_quarterly(cli, tmp_path):
    folder, roster = _unit(tmp_path)
    res = cli("validate", folder, "--roster", roster, "--quarter", "2026-Q2", "--format", "json")
    doc = json.loads(res.stdout)
    assert sorted(f["person_id"] for f in found(doc, "missing-submission")) == ["HQ01", "HQ02", "HQ03"]
    assert len(found(doc, "month-mismatch")) == 2


# --- wrong use ---------------------------------------------------------------------------------------


def test_month_and_quarter_together_are_refused(cli, tmp_path):
    f = quarterly(tmp_path / "q3.xlsx")
    res = cli("validate", f, "--framework", FW, "--month", "2026-09", "--quarter", "2026-Q3")
    assert res.exit_code == 2 and "--month" in res.stderr and "--quarter" in res.stderr


def test_a_bad_quarter_and_a_month_only_framework_are_refused(cli, tmp_path):
    f = quarterly(tmp_path / "q3.xlsx")
    res = cli("validate", f, "--framework", FW, "--quarter", "2026-Q5")
    assert res.exit_code == 2 and "2026-Q5" in res.stderr and "YYYY-Qn" in res.stderr
    res = cli("validate", f, "--framework", "hanoi-2022", "--quarter", "2026-Q3")
    assert res.exit_code == 2 and "hanoi-2022" in res.stderr and len(res.stderr.strip().splitlines()) == 1


# --- template --quarter --------------------------------------------------------------------------


def fill_quarter_form(template: Path, out: Path, variant="nd335-01a", pid="CC01", name="Nguyễn Văn An"):
    """Fill a quarter's template by hand (openpyxl): name, id, scores, levels and dates."""
    lay = form.layout_for(fw_mod.load(FW).variant(variant))
    wb = openpyxl.load_workbook(template)
    ws = wb.active
    for key, value in (("name", name), ("id", pid), ("unit", "Phòng Kinh tế")):
        if not ws[lay.fields[key]].value:
            ws[lay.fields[key]] = value
    for code in ("I.1", "I.2", "I.3"):
        ws[lay.cell(code, "self")] = ws[lay.cell(code, "leader")] = 10
    ratios = {"II.1": 100, "II.2": 90, "II.3": 80}
    if variant == "nd335-01b":
        ratios.update({"II.4": 100, "II.5": 100, "II.6": 100})
    for code, value in ratios.items():
        ws[lay.cell(code, "self")] = ws[lay.cell(code, "leader")] = value
    ws[lay.fields["self_grade"]] = ws[lay.fields["decided_grade"]] = "HTXSNV"
    for key, day in (("self_date", 18), ("leader_date", 22), ("head_date", 23)):
        ws[lay.fields[key]] = datetime(2026, 9, day)
    wb.save(out)
    return out


def test_template_quarter_writes_quy_nam_and_reads_back_as_the_quarter(cli, tmp_path):
    res = cli("template", "--framework", FW, "--quarter", "2026-Q3", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    for vid in ("nd335-01a", "nd335-01b"):
        path = tmp_path / "o" / FW / f"{vid}-2026-Q3.xlsx"
        lay = form.layout_for(fw_mod.load(FW).variant(vid))
        ws = openpyxl.load_workbook(path).active
        assert (ws[lay.labels["month"]].value, ws[lay.fields["month"]].value) == ("Quý:", "III")
        assert (ws[lay.labels["year"]].value, ws[lay.fields["year"]].value) == ("Năm:", 2026)
        assert ws["A5"].value.startswith("Kỳ: Quý III năm 2026")
        ss = read_sheet(path, skip_marked=False)
        assert (ss.quarter, ss.period, ss.period_cell) == ((2026, 3), None, lay.fields["month"])
        assert ss.variant == vid and ss.variant_source == "marker"
        filled = fill_quarter_form(path, tmp_path / f"{vid}.xlsx", variant=vid)
        res, doc = run(cli, filled)
        assert res.exit_code == 0 and doc["findings"] == [], doc["findings"]
        res, doc = run(cli, filled, period=("--month", "2026-09"))
        assert [f["code"] for f in doc["findings"]] == ["month-mismatch"] and res.exit_code == 1
    # the monthly blank templates are unchanged (no quarter, same names)
    res = cli("template", "--framework", FW, "--out", tmp_path / "m")
    ws = openpyxl.load_workbook(tmp_path / "m" / FW / "nd335-01a.xlsx").active
    assert (ws["A9"].value, ws["B9"].value) == ("Tháng:", None)


def test_template_quarter_per_person_from_the_roster(cli, tmp_path):
    from danhgia.read.mark import read_mark

    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm\n"
                      "CC01,Nguyễn Văn An,Phòng Kinh tế,Chuyên viên,Công chức,Chuyên viên\n"
                      "CC02,Trần Thị Bình,Phòng Kinh tế,Trưởng phòng,Công chức,Lãnh đạo quản lý\n",
                      encoding="utf-8")
    res = cli("template", "--framework", FW, "--roster", roster, "--quarter", "2026-Q3", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert "2 bảng điểm Quý III/2026" in res.stdout
    files = {p.name[:4]: p for p in (tmp_path / "o").glob("*.xlsx")}
    assert set(files) == {"CC01", "CC02"}
    a, b = read_sheet(files["CC01"], skip_marked=False), read_sheet(files["CC02"], skip_marked=False)
    assert (a.person_id, a.quarter, a.variant) == ("CC01", (2026, 3), "nd335-01a")
    assert (b.person_id, b.quarter, b.variant) == ("CC02", (2026, 3), "nd335-01b")
    assert read_mark(files["CC01"]).period == "2026-Q3"
    (tmp_path / "in").mkdir()
    fill_quarter_form(files["CC01"], tmp_path / "in" / "cc01.xlsx")     # CC01 hands in; CC02 does not
    res = cli("validate", tmp_path / "in", "--framework", FW, "--roster", roster, "--quarter", "2026-Q3",
              "--format", "json")
    doc = json.loads(res.stdout)
    assert [(f["code"], f["person_id"]) for f in doc["findings"]] == [("missing-submission", "CC02")]
    res = cli("template", "--framework", FW, "--roster", roster, "--quarter", "2026-Q3", "--one-workbook",
              "--out", tmp_path / "one")
    assert res.exit_code == 0 and (tmp_path / "one" / "bang-diem-2026-Q3.xlsx").exists(), res.output


def test_template_quarter_leaves_out_month_only_people_and_says_so(cli, tmp_path):
    (tmp_path / "danhgia.yaml").write_text("framework: nd335-2025\nframeworks:\n  ldhd: hanoi-2022\n",
                                           encoding="utf-8")
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm\n"
                      "CC01,Nguyễn Văn An,Phòng Kinh tế,Chuyên viên,Công chức,Chuyên viên\n"
                      "HD01,Ngô Văn Bảo,Phòng Kinh tế,Lái xe,LĐHĐ,LĐHĐ\n", encoding="utf-8")
    res = cli("template", "--roster", roster, "--quarter", "2026-Q3", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert [p.name[:4] for p in (tmp_path / "o").glob("*.xlsx")] == ["CC01"]
    assert "1 người theo khung hanoi-2022" in res.stdout


def test_template_quarter_wrong_use_exits_2(cli, tmp_path):
    res = cli("template", "--framework", "hanoi-2022", "--quarter", "2026-Q3", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "hanoi-2022" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
    res = cli("template", "--framework", "hanoi-2022", "--quarter", "2026-Q3", "--out", tmp_path / "o", "--lang", "en")
    assert res.exit_code == 2 and "kept by month only" in res.stderr
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm\n"
                      "HN01,Nguyễn Văn An,Phòng Kinh tế,Chuyên viên,Công chức,Chuyên viên\n", encoding="utf-8")
    res = cli("template", "--framework", "hanoi-2022", "--roster", roster, "--quarter", "2026-Q3", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "hanoi-2022" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = cli("template", "--framework", FW, "--month", "2026-09", "--quarter", "2026-Q3", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "--quarter" in res.stderr and "Không có tùy chọn" not in res.stderr
    res = cli("template", "--framework", FW, "--quarter", "Q3", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "YYYY-Qn" in res.stderr
    assert not (tmp_path / "o").exists()
