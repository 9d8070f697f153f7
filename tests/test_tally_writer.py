"""The consolidated monthly workbook: sheets, headers, values, formulas with cached values,
people-friendly setup, safe text, determinism, reading it back, and LibreOffice opening it."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import datetime

import openpyxl
import pytest
from fixtures.tally.build import quota_month_2022, roster_month_2018
from python_calamine import CalamineWorkbook

from danhgia import layout, monthly
from danhgia.read import monthly_read
from danhgia.write import tally as tally_writer

SHEETS = [layout.SUMMARY_SHEET, layout.DETAIL_SHEET, layout.MISSING_SHEET, layout.NOT_EVALUATED_SHEET,
          layout.FINDINGS_SHEET, layout.PUBLIC_SHEET, layout.LIST_SHEET, layout.SOURCES_SHEET]
T0 = datetime(2026, 7, 26, 9, 30, 0)


def write(tmp_path, res, name="thang.xlsx", lang="vi", when=T0):
    path = tmp_path / name
    tally_writer.write(res, path, lang=lang, generated=when)
    return path


@pytest.fixture
def school(tmp_path):
    run, c = roster_month_2018()
    res = monthly.decide(run, c, (2026, 7))
    return res, write(tmp_path, res)


def cached(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def row_of(rows, first_cells):
    return next(r for r in rows if r[:len(first_cells)] == list(first_cells))


def test_sheets_and_summary_values(school):
    res, path = school
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    ws = wb[layout.SUMMARY_SHEET]
    texts = [c.value for row in ws.iter_rows(max_row=8) for c in row if isinstance(c.value, str)]
    assert any("THÁNG 07/2026" in t for t in texts)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    hr = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Đơn vị")
    assert [c.value for c in ws[hr]][:10] == ["Đơn vị", "Nhóm", "Tổng số", "Đã xếp loại", "Không đánh giá",
                                              "Chưa nộp", "Chờ đánh giá", "Không hợp lệ", "Loại A", "% loại A"]
    assert ws.freeze_panes == f"C{hr + 1}" and ws.auto_filter.ref.startswith(f"A{hr}:")
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&A" in ws.oddFooter.center.text          # the footer names the sheet
    # the unit total row: SUM formulas whose cached values calamine returns
    total = next(r for r in ws.iter_rows(min_row=hr + 1) if r[1].value == "Tổng")
    assert total[2].value == f"=SUM(C{hr + 1}:C{hr + 3})" and total[9].value.startswith("=IF(D")
    rows = cached(path, layout.SUMMARY_SHEET)
    t = row_of(rows, ["Trường THCS Thanh Xuân", "Tổng"])
    assert t[2:16] == [14, 10, 1, 1, 1, 1, 4, 0.4, 4, 0.4, 1, 0.1, 1, 0.1]
    assert t[16:20] == [10, 3, 3, "Vượt tỷ lệ"]
    vc = row_of(rows, ["Trường THCS Thanh Xuân", "Viên chức"])
    assert vc[2:6] == [12, 10, 1, 1]
    # the quota check: one line per scope, laid over merged cells
    quota = row_of(rows, ["Trường THCS Thanh Xuân", "Toàn đơn vị"])
    assert [v for v in quota if v != ""][:8] == ["Trường THCS Thanh Xuân", "Toàn đơn vị", "A", 4, "30%",
                                                 "10 (người được xếp loại)", "3 (3)", "Vượt tỷ lệ"]
    # the ranking is a table: rank, name, position, score, within / over
    ranking = [[v for v in r if v != ""] for r in rows if r and isinstance(r[0], (int, float)) and
               any(v in ("Trong tỷ lệ", "Vượt tỷ lệ") for v in r)]
    assert [r[0] for r in ranking] == [1, 2, 3, 4]
    assert ranking[3][1:] == ["Giáo viên 4", "Chuyên viên", 90, "Vượt tỷ lệ"]
    assert ranking[0][-1] == "Trong tỷ lệ"
    # what the head signs
    flat = [v for r in rows for v in r if isinstance(v, str)]
    assert "NGƯỜI LẬP BIỂU" in flat and "THỦ TRƯỞNG ĐƠN VỊ" in flat
    assert any("ngày …… tháng …… năm" in v for v in flat)


def test_printable_monthly_list(school):
    res, path = school
    ws = openpyxl.load_workbook(path)[layout.LIST_SHEET]
    rows = [[v for v in r] for r in ws.iter_rows(values_only=True)]
    hr = next(i for i, r in enumerate(rows) if r[0] == "TT")
    assert rows[hr][:3] == ["TT", "Họ và tên", "Chức vụ"] and rows[hr][6] == "Kết quả xếp loại"
    assert rows[hr + 1] == [f"({c})" for c in range(1, 9)]          # the column-number row
    assert rows[hr + 2][:2] == ["I", "Trường THCS Thanh Xuân"]
    people = [r for r in rows[hr + 2:] if isinstance(r[0], int)]
    assert len(people) == len(res.people) and [r[0] for r in people] == list(range(1, len(people) + 1))
    by_name = {r[1]: r for r in people}
    assert by_name["Giáo viên 1"][6].startswith("A — ")
    assert by_name["Lê Văn Vắng"][6] == "Chưa nộp"
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == f"${hr + 1}:${hr + 2}"
    assert "THỦ TRƯỞNG ĐƠN VỊ" in [v for r in rows for v in r]


def test_every_formula_has_a_cached_value(school):
    _res, path = school
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = zf.read(name).decode()
                assert xml.count("<f>") == xml.count("</f><v>"), name
        assert any(n.startswith("xl/charts/chart") for n in zf.namelist())


def test_detail_sheet(school):
    res, path = school
    ws = openpyxl.load_workbook(path)[layout.DETAIL_SHEET]
    assert [c.value for c in ws[3]] == [vi for _k, vi, _en in layout.DETAIL_COLUMNS]
    assert "trang «Bảng xếp loại»" in ws["A2"].value      # too wide to print: says so
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref == f"A3:S{3 + len(res.people)}"
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    keys = [k for k, _vi, _en in layout.DETAIL_COLUMNS]
    gv1 = dict(zip(keys, rows["GV01"]))
    assert (gv1["leader_total"], gv1["final_grade"], gv1["status"], gv1["group"]) == (96, "A", "Đã xếp loại", "Viên chức")
    assert gv1["block_I"] == 18 and gv1["block_II"] == 78
    t01 = dict(zip(keys, rows["T01"]))
    assert t01["status"] == "Không đánh giá" and t01["final_grade"] is None and "hè" in t01["notes"]
    assert dict(zip(keys, rows["M01"]))["status"] == "Chưa nộp"
    assert dict(zip(keys, rows["P01"]))["status"] == "Chờ đánh giá"
    x01 = dict(zip(keys, rows["X01"]))
    assert x01["status"] == "Không hợp lệ" and x01["notes"] == "Lỗi: Điểm vượt tối đa"
    ranges = {str(r.sqref) for r in ws.conditional_formatting}
    assert any(r.startswith("O4:") for r in ranges)     # final grade colours
    assert any(r.startswith("P4:") for r in ranges)     # status colours


def test_text_that_looks_like_a_formula_stays_text(school):
    _res, path = school
    ws = openpyxl.load_workbook(path)[layout.DETAIL_SHEET]
    cell = next(r[1] for r in ws.iter_rows(min_row=4) if r[0].value == "X01")
    assert cell.data_type == "s" and cell.value == "=Hoàng Văn Lỗi"
    names = [r[1] for r in cached(path, layout.DETAIL_SHEET)]
    assert "=Hoàng Văn Lỗi" in names


def test_missing_not_evaluated_findings_public_and_sources(school):
    res, path = school
    wb = openpyxl.load_workbook(path)
    miss = list(wb[layout.MISSING_SHEET].iter_rows(min_row=4, values_only=True))
    assert [(r[1], r[2]) for r in miss] == [("M01", "Lê Văn Vắng")]
    ne = list(wb[layout.NOT_EVALUATED_SHEET].iter_rows(min_row=4, values_only=True))
    assert ne[0][1] == "T01" and "không đánh giá các tháng hè" in ne[0][7]
    assert wb[layout.NOT_EVALUATED_SHEET]["H3"].value == "Lý do"
    err = wb[layout.FINDINGS_SHEET]
    assert [c.value for c in err[3]] == ["STT", "Tệp", "Trang tính", "Ô", "Người", "Mã người", "Loại lỗi", "Mức độ",
                                         "Tiêu chí", "Nội dung"]
    codes = [r[6] for r in err.iter_rows(min_row=4, values_only=True)]
    assert sorted(codes) == ["Vượt tỷ lệ", "Điểm vượt tối đa"]
    pub = wb[layout.PUBLIC_SHEET]
    rows = [r for r in pub.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert len(rows) == 10 and rows[0][1:5] == ("Giáo viên 1", "Chuyên viên", "A", "Hoàn thành xuất sắc nhiệm vụ")
    everything = [v for r in pub.iter_rows(values_only=True) for v in r if isinstance(v, str)]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in everything and not any("Hè" in v or "Vắng" in v for v in everything)
    src = wb[layout.SOURCES_SHEET]
    kv = {r[0]: r[1] for r in src.iter_rows(max_row=8, values_only=True)}
    assert kv["Tháng"] == "2026-07" and kv["Khung đánh giá"] == "hanoi-2018"
    assert kv["Thời điểm tạo"] == "2026-07-26 09:30:00" and kv["Đơn vị"] == "Trường THCS Thanh Xuân"
    assert set(layout.SOURCE_KEYS.values()) <= set(kv)
    files = [r for r in src.iter_rows(min_row=11, values_only=True) if r[0]]
    assert len(files) == 13 and len(files[0][5]) == 64
    assert wb.properties.created == T0


def test_same_inputs_same_cells(tmp_path):
    run, c = quota_month_2022()
    res = monthly.decide(run, c, (2026, 10), apply_quota=True)
    a = write(tmp_path, res, "a.xlsx", when=T0)
    run, c = quota_month_2022()
    res = monthly.decide(run, c, (2026, 10), apply_quota=True)
    b = write(tmp_path, res, "b.xlsx", when=datetime(2026, 10, 27, 16, 0, 0))
    wa, wb_ = CalamineWorkbook.from_path(str(a)), CalamineWorkbook.from_path(str(b))
    for name in SHEETS:
        ra = wa.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rb = wb_.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if name == layout.SOURCES_SHEET:
            ra = [r for r in ra if r[0] != "Thời điểm tạo"]
            rb = [r for r in rb if r[0] != "Thời điểm tạo"]
        assert ra == rb, name


def test_demotions_are_listed(tmp_path):
    run, c = quota_month_2022()
    res = monthly.decide(run, c, (2026, 10), apply_quota=True)
    path = write(tmp_path, res)
    rows = cached(path, layout.DETAIL_SHEET)
    hn2 = next(r for r in rows if r[0] == "HN002")
    assert hn2[14] == "B" and "Hạ từ loại A xuống B" in hn2[16]
    findings = [r[6] for r in cached(path, layout.FINDINGS_SHEET)[3:]]
    assert findings.count("Hạ loại theo tỷ lệ") == 2
    kv = {r[0]: r[1] for r in cached(path, layout.SOURCES_SHEET)[:8]}
    assert kv["Đã áp dụng tỷ lệ (hạ loại)"] == "Có"


def test_english_headers(tmp_path):
    run, c = roster_month_2018()
    path = write(tmp_path, monthly.decide(run, c, (2026, 7)), lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    assert wb[layout.DETAIL_SHEET]["B3"].value == "Name"
    summary = wb[layout.SUMMARY_SHEET]
    hr = next(r for r in range(1, 12) if summary.cell(r, 1).value == "Unit")
    assert summary.cell(hr, 3).value == "Staff"
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert "SOCIALIST REPUBLIC OF VIET NAM" in texts and "HEAD OF THE UNIT" in texts
    detail = list(wb[layout.DETAIL_SHEET].iter_rows(min_row=4, values_only=True))
    assert {r[15] for r in detail} == {"Classified", "Not evaluated", "Missing", "Pending", "Invalid"}
    assert layout.status_from_label("Not evaluated") == "not_evaluated"


def test_several_units_have_grand_totals(tmp_path):
    from fixtures.tally.build import ctx, run_of, sheet

    sheets = [sheet("A1", "An", 95, unit="Xã A"), sheet("A2", "Ba", 80, unit="Xã A"),
              sheet("B1", "Cư", 72, unit="Xã B", variant="ldhd")]
    res = monthly.decide(run_of(sheets), ctx(), (2026, 10))
    path = write(tmp_path, res)
    rows = cached(path, layout.SUMMARY_SHEET)
    grand = row_of(rows, ["TOÀN BỘ", "Tổng"])
    assert grand[2:4] == [3, 3] and grand[8] == 1
    ws = openpyxl.load_workbook(path)[layout.SUMMARY_SHEET]
    cell = next(r[2] for r in ws.iter_rows(min_row=5) if r[0].value == "TOÀN BỘ" and r[1].value == "Tổng")
    hr = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Đơn vị")
    assert cell.value.startswith(f'=SUMIF($B${hr + 1}:$B$')
    # the subtitle names every unit the sheet covers
    assert any("Xã A; Xã B" in (c.value or "") for row in ws.iter_rows(max_row=hr) for c in row if isinstance(c.value, str))
    pub = openpyxl.load_workbook(path)[layout.PUBLIC_SHEET]
    header = next(r for r in pub.iter_rows(values_only=True) if r[0] == "STT")
    assert header[3] == "Đơn vị"


def test_read_back_for_the_rollup(school):
    res, path = school
    t, findings = monthly_read.read_tally(path, "truong.xlsx")
    assert findings == [] and t.month == (2026, 7) and t.unit == "Trường THCS Thanh Xuân"
    back = {p.id: p for p in t.people}
    assert set(back) == {p.id for p in res.people}
    for p in res.people:
        q = back[p.id]
        assert (q.status, q.final_grade, q.leader_total, q.group, q.variant) == \
            (p.status, p.final_grade, p.leader_total, p.group, p.variant), p.id
    assert back["T01"].reason.vi.startswith("Giáo viên mầm non")
    assert monthly_read.is_tally_workbook(path)


def test_not_a_tally(tmp_path):
    import xlsxwriter

    p = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("Bảng điểm")
    wb.close()
    assert not monthly_read.is_tally_workbook(p)
    t, findings = monthly_read.read_tally(p)
    assert t is None and findings[0].code == "not-a-tally"
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    assert not monthly_read.is_tally_workbook(tmp_path / "junk.xlsx")


@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook(school, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check that it opens the workbook")
    _res, path = school
    out = tmp_path / "lo"
    env_home = tmp_path / "home"
    for fmt, ext in (("pdf", "pdf"), ("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "csv")):
        proc = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{env_home}",
                               "--convert-to", fmt, "--outdir", str(out), str(path)],
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
    assert (out / "thang.pdf").stat().st_size > 1000
    csvs = sorted(out.glob("*.csv"))
    assert csvs, list(out.iterdir())
    text = "\n".join(p.read_text("utf-8") for p in csvs)
    assert "Trường THCS Thanh Xuân" in text and "Giáo viên 1" in text
    # every sheet exported; LibreOffice recalculates the formulas and gets the same numbers
    assert len(csvs) == len(SHEETS)
    summary = next(p for p in csvs if layout.SUMMARY_SHEET in p.name).read_text("utf-8")
    assert "Trường THCS Thanh Xuân,Tổng,14,10,1,1,1,1,4,40" in summary
