"""The reader of consolidated monthly workbooks (danhgia.read.monthly_read)."""

from __future__ import annotations

import sys
from decimal import Decimal as D
from pathlib import Path

from openpyxl import Workbook

from danhgia import layout
from danhgia.read import monthly_read

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, row_for, write_monthly  # noqa: E402


def _rows():
    a = person("HN001", "Nguyễn Văn An", task_group="Văn phòng")
    b = person("HN002", "Trần Thị Bình", group="Viên chức", variant="Lãnh đạo quản lý")
    c = person("HN003", "Lê Văn Cường", group="LĐHĐ", variant="LĐHĐ")
    return [row_for(a, 91.5), row_for(b, ("A", 85)), row_for(c, "KĐG:Nghỉ thai sản")]


def test_reads_rows_by_header_labels_below_title_rows(tmp_path):
    p = write_monthly(tmp_path / "t10.xlsx", "2026-10", _rows(), title_rows=2)
    wb = monthly_read.read(p, "t10.xlsx")
    assert wb.usable and wb.findings == []
    assert (wb.month, wb.unit, wb.framework, wb.header_row) == ((2026, 10), "Phòng Nội vụ", "hanoi-2022", 3)
    assert len(wb.sha256) == 64
    a, b, c = wb.rows
    assert (a.id, a.name, a.group, a.task_group, a.variant) == ("HN001", "Nguyễn Văn An", "cong_chuc",
                                                                 "Văn phòng", "chuyen-vien")
    assert (a.leader_total, a.final_grade, a.status, a.row) == (D("91.5"), "A", "classified", 4)
    # a grade changed by hand in the final-grade column counts, the decided grade is kept
    assert (b.group, b.variant, b.decided_grade, b.final_grade, b.grade) == ("vien_chuc", "lanh-dao-quan-ly",
                                                                             "B", "A", "A")
    assert b.cells["final_grade"] == f"{layout_letter('final_grade')}5"
    assert (c.group, c.status, c.notes, c.grade, c.leader_total) == ("ldhd", "not_evaluated",
                                                                     "Nghỉ thai sản", None, None)


def layout_letter(key: str) -> str:
    idx = [k for k, _v, _e in layout.DETAIL_COLUMNS].index(key)
    return monthly_read.col_letter(idx)


def test_moved_columns_english_headers_and_month_from_the_title(tmp_path):
    keys = ["final_grade", "name", "id", "leader_total", "status", "group"]
    p = write_monthly(tmp_path / "x.xlsx", "2026-03", _rows(), keys=keys, english=True, sources=False,
                      title_rows=4)
    wb = monthly_read.read(p)
    assert wb.usable, wb.findings
    assert wb.month == (2026, 3) and wb.header_row == 5
    assert [r.id for r in wb.rows] == ["HN001", "HN002", "HN003"]
    assert wb.rows[1].final_grade == "A" and wb.rows[1].decided_grade is None
    assert wb.columns["final_grade"] == "A" and wb.rows[0].cells["leader_total"] == "D6"


def test_bad_cells_are_findings_with_their_cell_and_the_rest_is_read(tmp_path):
    rows = _rows()
    rows[0]["final_grade"] = "Giỏi"
    rows[1]["leader_total"] = "tám lăm"
    rows[2]["status"] = "???"
    p = write_monthly(tmp_path / "t.xlsx", "2026-10", rows)
    wb = monthly_read.read(p, "t.xlsx")
    assert wb.usable and len(wb.rows) == 3
    got = {(f.code, f.cell, f.person_id) for f in wb.findings}
    assert got == {("invalid-grade", f"{layout_letter('final_grade')}4", "HN001"),
                   ("monthly-bad-value", f"{layout_letter('leader_total')}5", "HN002"),
                   ("monthly-bad-value", f"{layout_letter('status')}6", "HN003")}
    f = next(f for f in wb.findings if f.code == "invalid-grade")
    assert (f.file, f.sheet) == ("t.xlsx", "Chi tiết")
    assert "Xếp loại cuối cùng" in f.message() and "Giỏi" in f.message()
    assert wb.rows[0].final_grade is None and wb.rows[0].decided_grade == "A"


def test_not_a_tally_and_unreadable_files_are_findings_not_tracebacks(tmp_path):
    wb = Workbook()
    wb.active.title = "Bảng điểm"
    wb.save(tmp_path / "scoresheet.xlsx")
    r = monthly_read.read(tmp_path / "scoresheet.xlsx", "scoresheet.xlsx")
    assert not r.usable and [f.code for f in r.findings] == ["not-a-tally"]
    assert r.findings[0].file == "scoresheet.xlsx" and "Chi tiết" in r.findings[0].message()

    (tmp_path / "junk.xlsx").write_bytes(b"this is not a workbook at all")
    r = monthly_read.read(tmp_path / "junk.xlsx")
    assert not r.usable and r.findings[0].code in ("file-unreadable", "not-a-tally")
    assert r.findings[0].file.endswith("junk.xlsx")

    r = monthly_read.read(tmp_path / "nope.xlsx")
    assert [f.code for f in r.findings] == ["file-unreadable"]


def test_missing_header_and_unknown_month(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Chi tiết"
    ws.append(["Danh sách"])
    ws.append(["Một", "Hai"])
    wb.save(tmp_path / "h.xlsx")
    r = monthly_read.read(tmp_path / "h.xlsx", "h.xlsx")
    assert [f.code for f in r.findings] == ["monthly-header-missing"] and r.findings[0].sheet == "Chi tiết"

    p = write_monthly(tmp_path / "m.xlsx", "2026-10", _rows(), sources=False, title_rows=0)
    r = monthly_read.read(p, "m.xlsx")
    assert [f.code for f in r.findings] == ["monthly-month-unknown"] and not r.usable
    assert len(r.rows) == 3


def test_header_beyond_the_scanned_rows_is_not_found(tmp_path):
    p = write_monthly(tmp_path / "deep.xlsx", "2026-10", _rows(), title_rows=monthly_read.HEADER_SCAN)
    r = monthly_read.read(p)
    assert [f.code for f in r.findings] == ["monthly-header-missing"]


def test_month_written_as_a_date_and_numeric_ids(tmp_path):
    from datetime import datetime

    rows = _rows()
    rows[0]["id"] = 1001
    p = write_monthly(tmp_path / "d.xlsx", "2026-10", rows)
    from openpyxl import load_workbook

    wb = load_workbook(p)
    wb["Nguồn"]["B1"] = datetime(2026, 10, 1)
    wb.save(p)
    r = monthly_read.read(p)
    assert r.month == (2026, 10) and r.rows[0].id == "1001"


def test_reads_what_tally_writes(tmp_path):
    """Round trip with the real writer of ``tally`` (fixtures of the tally tests build the month)."""
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tally"))
    import build  # noqa: E402

    from danhgia import monthly
    from danhgia.write import tally as tally_writer

    run, ctx = build.quota_month_2022()
    res = monthly.decide(run, ctx, (2026, 10))
    for lang in ("vi", "en"):
        out = tmp_path / f"tally-{lang}.xlsx"
        tally_writer.write(res, out, lang=lang)
        wb = monthly_read.read(out, out.name)
        assert wb.usable and wb.findings == [], wb.findings
        assert (wb.month, wb.framework) == ((2026, 10), "hanoi-2022")
        got = {r.id: (r.leader_total, r.grade, r.status, r.variant) for r in wb.rows}
        want = {p.id: (p.leader_total, p.final_grade, p.status, p.variant) for p in res.people}
        assert got == want and len(got) == 10


def test_a_district_sized_workbook_is_not_refused_as_too_many_rows(tmp_path):
    """Limits.max_rows bounds a scoresheet; a consolidated workbook of a district has far more
    rows and is bounded by Limits.max_table_rows instead."""
    from danhgia.config import Limits
    from danhgia.read import monthly_read

    people = [{"id": f"P{i:05d}", "name": f"Người {i}", "group": "Công chức", "variant": "Chuyên viên",
               "leader_total": 80, "self_total": 80, "final_grade": "B", "decided_grade": "B",
               "status": "Đã xếp loại"} for i in range(6000)]
    path = write_monthly(tmp_path / "quan.xlsx", "2026-10", people)
    wb = monthly_read.read(path, limits=Limits(max_rows=5000))
    assert wb.usable and len(wb.rows) == 6000
