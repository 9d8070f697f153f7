from datetime import date, datetime
from decimal import Decimal as D

from danhgia.text import fold, nfc
from danhgia.text import parse_date, parse_grade, parse_month_text, parse_number


def test_numbers_as_people_type_them():
    assert parse_number(2.5).value == D("2.5") and parse_number(2.5).kind == "number"
    assert parse_number("2,5").kind == "text-number" and parse_number("2,5").value == D("2.5")
    assert parse_number(" 3 ").value == 3
    assert parse_number(0.1 + 0.2).value == D("0.3")
    assert parse_number("hai").kind == "not-number"
    assert parse_number("").kind == "blank" and parse_number(None).kind == "blank"


def test_dates():
    assert parse_date("22/10/2026").value == date(2026, 10, 22)
    assert parse_date(datetime(2026, 10, 22, 8, 0)).value == date(2026, 10, 22)
    assert parse_date("Hà Nội, ngày 22 tháng 10 năm 2026").value == date(2026, 10, 22)
    assert parse_date("31/02/2026").kind == "not-number"


def test_grades_and_months():
    assert parse_grade("a").value == "A" and parse_grade("HTTNV").value == "B"
    assert parse_grade("Loại C").value == "C" and parse_grade("tốt").kind == "not-number"
    assert parse_month_text("BẢNG ĐIỂM THÁNG 10 NĂM 2026") == (2026, 10)
    assert parse_month_text("10/2026") == (2026, 10) and parse_month_text("2026-10") == (2026, 10)


def test_fold_handles_d_and_nfd():
    nfd = "Đánh giá".encode().decode()  # composed
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Điểm tự chấm")) == "diem tu cham"
    assert nfc(unicodedata.normalize("NFD", nfd)) == nfd


def test_staff_id_text_is_one_key_everywhere():
    """The id matches a person across roster, events, sheets and monthly workbooks."""
    import unicodedata

    from danhgia.text import id_text

    assert id_text(101.0) == "101" and id_text(101) == "101" and id_text(0) == "0"
    assert id_text("  HN001 ") == "HN001" and id_text(None) == ""
    assert id_text(unicodedata.normalize("NFD", "MÃ01")) == "MÃ01"
