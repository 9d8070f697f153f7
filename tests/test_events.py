"""Annual events: sheet "Sự kiện năm" of the roster or an --events file (danhgia.events)."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from danhgia.read import events

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, write_events, write_roster  # noqa: E402

FULL = [
    {"Mã": "HN001", "Họ và tên": "Nguyễn Văn An", "Số tháng công tác": 12},
    {"Mã": "HN002", "Họ và tên": "Trần Thị Bình", "Số tháng công tác": 7, "Số tháng nghỉ thai sản": 5},
    {"Mã": "HN003", "Họ và tên": "Lê Văn Cường", "Số tháng nghỉ (không kể thai sản)": 4,
     "Hình thức kỷ luật": "Khiển trách", "Ngày kỷ luật": "12/03/2026", "Liên quan công vụ": "có",
     "Đã tính ở năm trước": "không"},
    {"Mã": "HN004", "Họ và tên": "Phạm Thu Dung", "Kết luận suy thoái": "Kết luận 12-KL/UBKT",
     "Chuyển từ đơn vị": "Phòng Tư pháp", "Số tháng ở đơn vị cũ": 6},
    {"Mã": 5, "Họ và tên": "Hoàng Văn Em", "% chỉ tiêu hoàn thành": "95%", "% chỉ tiêu vượt": 0.4,
     "% đơn vị HTNV trở lên": 100, "% đơn vị HTT trở lên": "70,5", "Tham nhũng, lãng phí bị xử lý": "không",
     "Mức đề xuất": "HTXSNV", "Đơn vị nổi bật": "x"},
]


def test_sheet_of_the_roster_workbook(tmp_path):
    p = write_roster(tmp_path / "ds.xlsx", [person("HN001", "An")], events=FULL)
    t = events.from_roster(p, "ds.xlsx")
    assert t is not None and t.findings == [] and t.sheet == "Sự kiện năm" and len(t.sha256) == 64
    e = t.events
    assert set(e) == {"HN001", "HN002", "HN003", "HN004", "5"}
    assert e["HN001"].months_worked == 12 and e["HN001"].discipline is None
    assert (e["HN002"].months_worked, e["HN002"].maternity_months) == (7, 5)
    d = e["HN003"].discipline
    assert e["HN003"].absence_months == 4
    assert (d.form, d.date, d.related, d.already_counted) == ("khiển trách", date(2026, 3, 12), True, False)
    assert e["HN004"].degradation and e["HN004"].degradation_ref == "Kết luận 12-KL/UBKT"
    assert (e["HN004"].transfer_from, e["HN004"].transfer_months) == ("Phòng Tư pháp", 6)
    lr = e["5"].leader
    assert (lr.targets_met, lr.targets_exceeded, lr.subunits_htnv, lr.subunits_htt, lr.corruption) == \
        (D(95), D(40), D(100), D("70.5"), False)
    assert e["5"].proposed_level == "A" and e["5"].outstanding_unit is True
    assert e["HN003"].where == "ds.xlsx › Sự kiện năm › dòng 5"


def test_no_events_sheet_gives_none(tmp_path):
    p = write_roster(tmp_path / "ds.xlsx", [person("HN001", "An")])
    assert events.from_roster(p) is None
    csv_roster = tmp_path / "ds.csv"
    csv_roster.write_text("Mã,Họ và tên\nHN001,An\n", encoding="utf-8")
    assert events.from_roster(csv_roster) is None


def test_csv_events_file(tmp_path):
    p = write_events(tmp_path / "sk.csv", [
        {"Mã": "HN001", "Kỷ luật": "Cảnh cáo (Đảng)", "Liên quan công vụ": "không"},
        {"Mã": "HN002", "Kỷ luật": "có", "Mức đề xuất": "b"},
        {"Mã": "HN003", "Kỷ luật": "không"},
    ])
    t = events.load(p, "sk.csv")
    assert t.findings == []
    assert (t.events["HN001"].discipline.form, t.events["HN001"].discipline.related) == ("cảnh cáo", False)
    assert t.events["HN002"].discipline.form is None and t.events["HN002"].proposed_level == "B"
    assert t.events["HN003"].discipline is None


def test_invalid_values_are_findings_at_their_cells(tmp_path):
    p = write_events(tmp_path / "sk.xlsx", [
        {"Mã": "HN001", "Họ và tên": "Nguyễn Văn An", "Số tháng công tác": 14, "Liên quan công vụ": "hmm",
         "Hình thức kỷ luật": "Khiển trách", "Ngày kỷ luật": "32/13/2026"},
        {"Mã": "HN002", "Họ và tên": "Trần Thị Bình", "Số tháng công tác": 12, "% chỉ tiêu hoàn thành": "150%",
         "Mức đề xuất": "Xuất sắc lắm"},
        {"Mã": "HN001", "Họ và tên": "Nguyễn Văn An (trùng)", "Số tháng công tác": 3},
    ], headers=["Mã", "Họ và tên", "Số tháng công tác", "Hình thức kỷ luật", "Ngày kỷ luật", "Liên quan công vụ",
                "% chỉ tiêu hoàn thành", "Mức đề xuất"])
    t = events.load(p, "sk.xlsx")
    got = sorted((f.code, f.cell, f.person_id) for f in t.findings)
    assert got == [("invalid-event", "A5", "HN001"), ("invalid-event", "C3", "HN001"),
                   ("invalid-event", "E3", "HN001"), ("invalid-event", "F3", "HN001"),
                   ("invalid-event", "G4", "HN002"), ("invalid-event", "H4", "HN002")]
    f = next(f for f in t.findings if f.cell == "C3")
    assert (f.file, f.sheet) == ("sk.xlsx", "Sự kiện năm")
    assert f.message() == "Sự kiện năm của Nguyễn Văn An: Số tháng công tác «14» không hợp lệ"
    assert f.message("en") == "Annual events of Nguyễn Văn An: Số tháng công tác «14» is not valid"
    # the rest of the row is still read; the first of a repeated id is kept
    e = t.events["HN001"]
    assert e.months_worked is None and e.discipline.form == "khiển trách" and e.discipline.date is None
    assert e.discipline.related is None and t.events["HN002"].months_worked == 12


def test_unusable_files_raise_events_error(tmp_path):
    with pytest.raises(events.EventsError):
        events.load(tmp_path / "nope.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"garbage")
    with pytest.raises(events.EventsError) as exc:
        events.load(tmp_path / "bad.xlsx")
    assert "bad.xlsx" in str(exc.value)
    p = write_events(tmp_path / "nohdr.xlsx", [{"Tên": "An", "Tuổi": 30}], headers=["Tên", "Tuổi"])
    with pytest.raises(events.EventsError) as exc:
        events.load(p)
    assert "Mã" in str(exc.value)
