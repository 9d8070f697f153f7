from datetime import date

from danhgia import framework as fw
from danhgia.calendar import deadlines


def test_thanh_tri_calendar():
    cal = fw.load("hanoi-2022").calendar
    d = deadlines(cal, 2026, 10)
    assert (d.self_start, d.self_end, d.head_deadline) == (date(2026, 10, 21), date(2026, 10, 24), date(2026, 10, 25))
    dec = deadlines(cal, 2026, 12)
    assert dec.head_deadline == date(2026, 12, 14) and dec.self_end < date(2026, 12, 15)


def test_weekend_shift_only_when_unit_says_so():
    cal = fw.load("hanoi-2022", overrides={"calendar": {"shift_for_weekends": True}}).calendar
    # 24/10/2026 is a Saturday → Monday 26/10
    assert deadlines(cal, 2026, 10).self_end == date(2026, 10, 26)
    assert deadlines(fw.load("hanoi-2022").calendar, 2026, 10).self_end == date(2026, 10, 24)


def test_day_clamped_to_month_end():
    cal = fw.load("hanoi-2022", overrides={"calendar": {"head_deadline_day": 31}}).calendar
    assert deadlines(cal, 2026, 2).head_deadline == date(2026, 2, 28)
