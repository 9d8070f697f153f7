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


def test_self_assessment_timing_thanh_tri_766():
    """Thanh Trì 766/UBND-NV (22/4/2024): self-assessment 21st–24th; early is a finding too."""
    from danhgia.calendar import self_assessment_timing

    d = deadlines(fw.load("hanoi-2022").calendar, 2026, 10)
    assert self_assessment_timing(date(2026, 10, 20), d) == "early"
    assert self_assessment_timing(date(2026, 10, 21), d) == "on_time"
    assert self_assessment_timing(date(2026, 10, 24), d) == "on_time"
    assert self_assessment_timing(date(2026, 10, 25), d) == "late"


def test_head_decision_before_the_26th_and_december_by_the_15th():
    """Thanh Trì 766/UBND-NV: the head decides before the 26th; December before 15/12."""
    from danhgia.calendar import is_late

    cal = fw.load("hanoi-2022").calendar
    oct_, dec = deadlines(cal, 2026, 10), deadlines(cal, 2026, 12)
    assert not is_late(date(2026, 10, 25), oct_.head_deadline) and is_late(date(2026, 10, 26), oct_.head_deadline)
    assert not is_late(date(2026, 12, 14), dec.head_deadline) and is_late(date(2026, 12, 15), dec.head_deadline)


def test_months_not_evaluated_ha_dong_2355_and_roster_reasons():
    """Hà Đông 2355-CV/QU (04/7/2023): viên chức and LĐHĐ teachers of public kindergartens,
    primary and lower-secondary schools are not evaluated in June, July and August; the roster
    may record other months (maternity, long sick leave) with their reason."""
    from danhgia.calendar import not_evaluated
    from danhgia.roster import Person

    f = fw.load("hanoi-2022")
    teacher = Person(id="GV1", name="Giáo viên", group="vien_chuc", teacher=True)
    clerk = Person(id="VT1", name="Văn thư", group="vien_chuc")
    contract_teacher = Person(id="GV2", name="GV hợp đồng", group="ldhd", teacher=True)
    for m in (6, 7, 8):
        assert not_evaluated(teacher, f, 2026, m).id == "summer-teachers"
        assert not_evaluated(contract_teacher, f, 2026, m) is not None
        assert not_evaluated(clerk, f, 2026, m) is None
    assert not_evaluated(teacher, f, 2026, 9) is None
    clerk.not_evaluated[(2026, 3)] = "Nghỉ thai sản"
    assert not_evaluated(clerk, f, 2026, 3) == "Nghỉ thai sản"
