from datetime import date

import openpyxl
import pytest

from danhgia.read.roster import load, parse_months
from danhgia.roster import RosterError

CSV = (
    "STT;Mã;Họ và tên;Đơn vị;Chức vụ;Nhóm;Bảng điểm;Giáo viên;Nhóm nhiệm vụ;Ngày vào;Tháng không đánh giá;Lý do không đánh giá\n"
    "1;HN001;Nguyễn Văn An;Văn phòng;Chánh Văn phòng;Công chức;Lãnh đạo quản lý;;Văn phòng;01/03/2020;;\n"
    "2;HN002;Trần Thị Bình;Trường Mầm non;Giáo viên;Viên chức;Chuyên viên;có;Giáo viên;;;\n"
    "3;HN003;Lê Văn Cường;Văn phòng;Lái xe;LĐHĐ;LĐHĐ;;;;03/2026 - 05/2026;Nghỉ ốm dài ngày\n"
)


def test_csv_roster_by_header_labels(tmp_path):
    p = tmp_path / "danh-sach.csv"
    p.write_text(CSV, encoding="utf-8-sig")
    r = load(p)
    a, b, c = r.people
    assert (a.id, a.name, a.group, a.variant, a.task_group) == ("HN001", "Nguyễn Văn An", "cong_chuc", "lanh-dao-quan-ly", "Văn phòng")
    assert a.start == date(2020, 3, 1)
    assert b.teacher and b.group == "vien_chuc" and not a.teacher
    assert c.variant == "ldhd" and c.not_evaluated == {(2026, 3): "Nghỉ ốm dài ngày", (2026, 4): "Nghỉ ốm dài ngày", (2026, 5): "Nghỉ ốm dài ngày"}


def test_xlsx_roster_with_title_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC"])
    ws.append([])
    ws.append(["Mã số", "Họ tên", "Nhóm đối tượng"])
    ws.append([101, "Phạm Thị Dung", "Cán bộ"])
    p = tmp_path / "ds.xlsx"
    wb.save(p)
    (d,) = load(p).people
    assert (d.id, d.name, d.group) == ("101", "Phạm Thị Dung", "can_bo")


def test_broken_roster_names_each_cell(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("Mã,Họ và tên,Nhóm,Ngày vào\nX1,A,Công chức,hôm qua\nX1,B,Bộ đội,\n", encoding="utf-8")
    with pytest.raises(RosterError) as exc:
        load(p)
    text = str(exc.value)
    assert "D2" in text and "hôm qua" in text      # the bad date, at its cell
    assert "A3" in text and "X1" in text           # the duplicate id
    p.write_text("Tên cột lạ,khác\n1,2\n", encoding="utf-8")
    with pytest.raises(RosterError, match="Mã"):
        load(p)


def test_month_lists():
    assert parse_months("6,7,8/2026") == [(2026, 6), (2026, 7), (2026, 8)]
    assert parse_months("2026-11 .. 2027-01") == [(2026, 11), (2026, 12), (2027, 1)]
    assert parse_months("2026-03; 2026-05") == [(2026, 3), (2026, 5)]
    assert parse_months("tháng nào đó") is None
