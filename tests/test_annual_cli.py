"""``danhgia annual`` end to end: real monthly workbooks, roster with events, JSON and workbook cells."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, write_events, write_roster, write_year  # noqa: E402

B12, A12 = [85] * 12, [95] * 12
AN = person("HN001", "Nguyễn Văn An", task_group="Văn phòng")
BINH = person("HN002", "Trần Thị Bình", task_group="Văn phòng")
CUONG = person("HN003", "=Lê Văn Cường", group="Viên chức", task_group="Địa chính")    # formula-looking name
DUNG = person("HN004", "Phạm Thu Dung", group="Viên chức", task_group="Địa chính")
EM = person("HN005", "Hoàng Văn Em", group="LĐHĐ", variant="LĐHĐ", task_group="Địa chính")


def _year(tmp_path, people, skip=(), events=None, roster=True):
    folder = tmp_path / "2026"
    write_year(folder, 2026, people, skip_months=skip)
    ros = None
    if roster:
        ros = write_roster(tmp_path / "danh-sach.xlsx", [b for b, _ in people], events=events)
    return folder, ros


def _run(cli, *args):
    r = cli("annual", *[str(a) for a in args])
    return r


def test_clean_year_json_and_workbook(cli, tmp_path):
    people = [(AN, A12), (BINH, B12), (BINH | {"id": "HN006", "name": "Vũ Thị Giang"}, B12),
              (BINH | {"id": "HN007", "name": "Đặng Văn Hải"}, B12), (BINH | {"id": "HN008", "name": "Bùi Thị Yến"}, B12),
              (BINH | {"id": "HN009", "name": "Lý Văn Khoa"}, B12),   # 5 HTT: 20% → 1 HTXS allowed
              (CUONG, [72] * 12), (DUNG, ["KĐG:Nghỉ thai sản"] * 5 + [88] * 7), (EM, [60] * 12)]
    folder, ros = _year(tmp_path, people, events=[{"Mã": "HN004", "Số tháng nghỉ thai sản": 5}])
    out = tmp_path / "nam-2026.xlsx"
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["year"] == 2026 and d["valid"] is True
    assert [(x["id"], x["version"]) for x in d["rules"]] == [("nd233-2026", "2026.1"), ("nd335-2025", "2026.1"),
                                                              ("nd90-48", "2023.1")]
    people_d = {p["id"]: p for p in d["people"]}
    assert people_d["HN001"]["final"] == "A" and people_d["HN001"]["rules"] == "nd335-2025"
    assert people_d["HN003"]["rules"] == "nd233-2026" and people_d["HN003"]["final"] == "B"   # viên chức 2026
    dung = people_d["HN004"]
    assert (dung["mean_score"], dung["final"], dung["months_evaluated"]) == (88, "B", 7)
    assert [o["id"] for o in dung["overrides"]] == ["maternity"]
    assert len(dung["not_evaluated"]) == 5 and dung["missing"] == []
    assert people_d["HN005"]["final"] == "C"
    (unit,) = d["units"]
    assert unit["grades"] == {"A": 1, "B": 7, "C": 1, "D": 0} and unit["quota_status"] == "ok"
    assert {q["task_group"]: q["cap"] for q in unit["quota"]} == {"Văn phòng": 1, "Địa chính": 0}

    wb = load_workbook(out)                       # formulas
    vals = load_workbook(out, data_only=True)     # cached values
    assert wb.sheetnames == ["Cả năm", "Tổng hợp", "Tỷ lệ", "Thông báo", "Bảng xếp loại", "Lỗi", "Nguồn"]
    ws, wv = wb["Cả năm"], vals["Cả năm"]
    header = [c.value for c in ws[4]]
    assert header[:3] == ["STT", "Mã", "Họ và tên"] and "Xếp loại năm" in header and "T12" in header
    col = {h: i + 1 for i, h in enumerate(header)}
    rows = {ws.cell(r, 2).value: r for r in range(5, ws.max_row + 1)}
    r = rows["HN004"]
    assert [ws.cell(r, col[f"T{m}"]).value for m in (1, 5, 6)] == ["KĐG", "KĐG", "B"]
    assert (ws.cell(r, col["Quy định"]).value, ws.cell(r, col["Cách tính"]).value) == ("nd233-2026", "Trung bình điểm các tháng")
    assert ws.cell(r, col["Số tháng B"]).value.startswith("=COUNTIF(")
    assert wv.cell(r, col["Số tháng B"]).value == 7 and wv.cell(r, col["Số tháng A"]).value == 0
    assert wv.cell(r, col["Số tháng được đánh giá"]).value == 7
    assert wv.cell(r, col["Điểm trung bình"]).value == 88
    assert "Nghỉ thai sản" in wv.cell(r, col["Điều chỉnh (quy định: tác động — nguồn)"]).value
    assert wv.cell(r, col["Xếp loại năm"]).value == "Hoàn thành tốt nhiệm vụ"
    # a name that looks like a formula stays text
    rc = rows["HN003"]
    assert ws.cell(rc, col["Họ và tên"]).value == "=Lê Văn Cường" and ws.cell(rc, col["Họ và tên"]).data_type == "s"
    # print and view settings
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.print_title_rows == "$4:$4"

    s, sv = wb["Tổng hợp"], vals["Tổng hợp"]
    shr = next(r for r in range(1, 12) if s.cell(r, 1).value == "Đơn vị")
    hdr = [c.value for c in s[shr]]
    scol = {h: i + 1 for i, h in enumerate(hdr)}
    lines = {s.cell(r, 2).value: r for r in range(shr + 1, s.max_row + 1) if s.cell(r, 2).value}
    assert list(lines) == ["Cán bộ", "Công chức", "Viên chức", "LĐHĐ", "Tổng"]
    t = lines["Tổng"]
    assert [sv.cell(t, scol[h]).value for h in ("Tổng số", "Được xếp loại", "HTXSNV (SL)", "HTTNV (SL)")] == [9, 9, 1, 7]
    assert s.cell(t, scol["HTTNV (%)"]).value.startswith("=IF(")
    assert sv.cell(t, scol["HTTNV (%)"]).value == pytest.approx(7 / 9)
    assert sv.cell(t, scol["HTXS/HTT (%)"]).value == pytest.approx(1 / 7)
    assert sv.cell(lines["Công chức"], scol["HTXS/HTT (%)"]).value == pytest.approx(0.2)
    assert sv.cell(lines["Công chức"], scol["Mức trần (%)"]).value == pytest.approx(0.2)
    signed = [c.value for row in sv.iter_rows() for c in row if isinstance(c.value, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in signed and "NGƯỜI LẬP BIỂU" in signed and "THỦ TRƯỞNG ĐƠN VỊ" in signed
    # the printable year list: grouped with Roman numerals, a column-number row, every month
    lv = [list(r) for r in vals["Bảng xếp loại"].iter_rows(values_only=True)]
    lhr = next(i for i, r in enumerate(lv) if r[0] == "TT")
    assert lv[lhr][3] == "T1" and lv[lhr][14] == "T12" and lv[lhr + 1][:3] == ["(1)", "(2)", "(3)"]
    assert lv[lhr + 2][0] == "I"
    listed = {r[1]: r for r in lv if isinstance(r[0], int)}
    assert listed["Nguyễn Văn An"][16] == "Hoàn thành xuất sắc nhiệm vụ"

    src = vals["Nguồn"]
    kv = {src.cell(r, 1).value: src.cell(r, 2).value for r in range(1, 8)}
    assert kv["Năm"] == "2026" and kv["Phiên bản danhgia"]
    files = [src.cell(r, 1).value for r in range(1, src.max_row + 1)]
    assert sum(1 for f in files if f and str(f).endswith(".xlsx")) == 13     # 12 months + the roster
    shas = [src.cell(r, 5).value for r in range(1, src.max_row + 1) if src.cell(r, 5).value]
    assert any(len(x) == 64 for x in shas)
    notice = [c.value for row in vals["Thông báo"].iter_rows() for c in row if c.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in notice and "THÔNG BÁO" in notice
    assert "1. Hoàn thành xuất sắc nhiệm vụ (HTXSNV): 1 người" in notice and "Nguyễn Văn An" in notice
    assert "2. Hoàn thành tốt nhiệm vụ (HTTNV): 7 người" in notice and "THỦ TRƯỞNG ĐƠN VỊ" in notice


def test_quota_breach_exit_1_workbook_still_written(cli, tmp_path):
    people = [(AN, A12), (BINH, [93] * 12)] + [(BINH | {"id": f"HN1{i}", "name": f"Người {i}"}, B12) for i in range(5)]
    folder, ros = _year(tmp_path, people)
    out = tmp_path / "out.xlsx"
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--format", "json")
    assert r.exit_code == 0 and out.exists()     # a producer: done once the workbook is written
    assert _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--force", "--strict").exit_code == 1
    d = json.loads(r.stdout)
    q = d["units"][0]["quota"][0]
    # base: those rated exactly HTT (5), not HTT or better (7)
    assert (q["task_group"], q["count"], q["base"], q["cap"], q["status"]) == ("Văn phòng", 2, 5, 1, "exceeded")
    assert [x["id"] for x in q["ranked"]] == ["HN001", "HN002"]
    assert d["summary"]["quota_exceeded"] and d["summary"]["by_code"]["quota-exceeded"] == 1
    qv = load_workbook(out, data_only=True)["Tỷ lệ"]
    hdr = [c.value for c in qv[4]]
    row = [c.value for c in qv[5]]
    rec = dict(zip(hdr, row))
    assert (rec["Nhóm nhiệm vụ"], rec["Số người"], rec["Trần"], rec["Trạng thái"]) == ("Văn phòng", 2, 1, "Vượt")
    assert rec["Danh sách xếp theo điểm (khi vượt)"].splitlines()[0] == "1. Nguyễn Văn An (HN001) — 95"


def test_text_output_missing_month_and_hand_grade(cli, tmp_path):
    people = [(AN, [85, 85, ("A", 85)] + [85] * 9)]
    folder, ros = _year(tmp_path, people, skip=(5,))
    out = tmp_path / "out.xlsx"
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--strict")
    assert r.exit_code == 1
    assert "Thiếu bảng tổng hợp tháng 2026-05" in r.stdout
    assert "Sửa tay cao hơn mức điểm" in r.stdout and "2026-03.xlsx › Chi tiết › O4" in r.stdout
    assert "Tạm tính: 1" in r.stdout
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--force", "--lang", "en", "--strict")
    assert r.exit_code == 1 and "No monthly workbook for 2026-05" in r.stdout
    assert "changed by hand to A" in r.stdout
    ws = load_workbook(out, data_only=True)["Cả năm"]
    hdr = [c.value for c in ws[4]]
    rec = dict(zip(hdr, [c.value for c in ws[5]]))
    assert rec["T5"] == "Missing" and rec["Provisional"] == "x" and rec["Months A"] == 1
    f = load_workbook(out, data_only=True)["Lỗi"]
    assert {f.cell(r, 1).value for r in range(4, f.max_row + 1)} >= {"Month missing", "Hand grade above band"}   # English run: names in English


def test_events_file_strategy_and_rules_flags(cli, tmp_path):
    people = [(AN, A12), (BINH, B12)]
    folder, ros = _year(tmp_path, people)
    ev = write_events(tmp_path / "sk.csv", [{"Mã": "HN001", "Mức đề xuất": "B"}, {"Mã": "HN002", "Mức đề xuất": "C"}])
    out = tmp_path / "o.xlsx"
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--events", ev, "--strategy", "manual",
             "--rules", "nd90-48", "--out", out, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert {p["id"]: (p["rules"], p["strategy"], p["final"]) for p in d["people"]} == \
        {"HN001": ("nd90-48", "manual", "B"), "HN002": ("nd90-48", "manual", "C")}
    assert {i["kind"] for i in d["inputs"]} == {"monthly", "roster", "events"}


def test_unit_file_annual_rules_and_no_roster(cli, tmp_path):
    people = [(AN, B12)]
    folder, _ = _year(tmp_path, people, roster=False)
    (folder / "danhgia.yaml").write_text("annual_rules: {cong_chuc: nd90-48}\nstrategy: count\n", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    r = _run(cli, folder, "--year", 2026, "--out", out, "--format", "json")
    assert r.exit_code == 0, r.output
    p = json.loads(r.stdout)["people"][0]
    assert (p["rules"], p["strategy"], p["final"], p["group"]) == ("nd90-48", "count", "B", "cong_chuc")


def test_usage_errors_exit_2_and_nothing_overwritten(cli, tmp_path):
    folder, ros = _year(tmp_path, [(AN, B12)])
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"keep me")
    r = _run(cli, folder, "--year", 2026, "--out", out)
    assert r.exit_code == 2 and out.read_bytes() == b"keep me" and "--force" in r.stderr
    out2 = tmp_path / "o2.xlsx"
    for extra in (["--rules", "no-such"], ["--events", tmp_path / "none.csv"], ["--roster", tmp_path / "none.xlsx"],
                  ["--format", "xml"]):
        r = _run(cli, folder, "--year", 2026, "--out", out2, *extra)
        assert r.exit_code == 2, (extra, r.output)
        assert "Traceback" not in r.output and not out2.exists()
    (tmp_path / "bad.xlsx").write_bytes(b"garbage")
    r = _run(cli, folder, "--year", 2026, "--out", out2, "--events", tmp_path / "bad.xlsx")
    assert r.exit_code == 2 and "bad.xlsx" in r.stderr
    r = _run(cli, tmp_path / "missing-folder", "--year", 2026, "--out", out2)
    assert r.exit_code == 2


def test_bad_monthly_file_is_a_finding_others_still_rated(cli, tmp_path):
    folder, ros = _year(tmp_path, [(AN, B12)])
    (folder / "junk.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "o.xlsx"
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--format", "json", "--strict")
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    assert d["people"][0]["final"] == "B"
    f = next(f for f in d["findings"] if f["code"] == "file-unreadable")
    assert f["file"].endswith("junk.xlsx")


def test_other_workbooks_in_the_folder_are_noted_not_errors(cli, tmp_path):
    folder, _ = _year(tmp_path, [(AN, B12)], roster=False)
    ros = write_roster(folder / "danh-sach.xlsx", [AN])
    from openpyxl import Workbook

    Workbook().save(folder / "ghi-chu.xlsx")
    out = folder / "nam-2026.xlsx"
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", out, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    notes = [(Path(f["file"]).name, f["severity"]) for f in d["findings"] if f["code"] == "not-a-tally"]
    assert notes == [("ghi-chu.xlsx", "info")]
    # run again over the same folder: last run's result is skipped the same way, nothing overwritten
    r = _run(cli, folder, "--year", 2026, "--roster", ros, "--out", folder / "lan-2.xlsx", "--format", "json")
    assert r.exit_code == 0
    found = json.loads(r.stdout)["findings"]
    assert [Path(f["file"]).name for f in found if f["code"] == "not-a-tally"] == ["ghi-chu.xlsx"]
    assert [Path(f["file"]).name for f in found if f["code"] == "own-output"] == ["nam-2026.xlsx"]
    # named explicitly, a workbook that is not a tally is an error
    r = _run(cli, folder / "2026-01.xlsx", folder / "ghi-chu.xlsx", "--year", 2026, "--out", tmp_path / "x.xlsx",
             "--strict")
    assert r.exit_code == 1 and "Không phải bảng tổng hợp" in r.stdout
