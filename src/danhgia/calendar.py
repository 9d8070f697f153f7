"""Deadlines of a unit's evaluation calendar for one month.

python-dateutil's ``relativedelta(day=N)`` clamps a day to the month's end (31 → 30 in
November) and ``weekday=MO(+1)`` finds the next Monday, which is all the calendar needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import MO, relativedelta

from danhgia.framework import Calendar


@dataclass(frozen=True)
class Deadlines:
    self_start: date
    self_end: date
    leader_deadline: date | None
    head_deadline: date


def _day(year: int, month: int, day: int) -> date:
    return date(year, month, 1) + relativedelta(day=day)


def _next_working_day(d: date, holidays: set[date]) -> date:
    while d.weekday() >= 5 or d in holidays:
        d = d + relativedelta(weekday=MO(+1)) if d.weekday() >= 5 else d + timedelta(days=1)
    return d


def self_assessment_timing(d: date, dl: Deadlines) -> str:
    """``early`` before the window opens (the Thanh Trì letter's complaint), ``late`` after it
    closes, else ``on_time``."""
    if d < dl.self_start:
        return "early"
    if d > dl.self_end:
        return "late"
    return "on_time"


def is_late(d: date, deadline: date | None) -> bool:
    """A leader's or head's date after its deadline (the day itself is still on time)."""
    return deadline is not None and d > deadline


def not_evaluated(person, framework, year: int, month: int):
    """Why ``person`` (a roster Person) is not evaluated in (year, month), or None.

    The roster's own reason for that month wins (maternity leave, long sick leave, training…);
    else the framework's rules (teachers of public kindergartens, primary and lower-secondary
    schools in June–August, Hà Đông 2355-CV/QU). Returns the matching
    ``NotEvaluatedRule`` or a plain reason string from the roster.
    """
    if person is None:
        return None
    reason = person.not_evaluated.get((year, month))
    if reason:
        return reason
    for rule in framework.not_evaluated:
        if month not in rule.months:
            continue
        if rule.teacher is not None and rule.teacher != person.teacher:
            continue
        if rule.groups and person.group not in rule.groups:
            continue
        return rule
    return None


def deadlines(cal: Calendar, year: int, month: int) -> Deadlines:
    window, leader, head = cal.self_window, cal.leader_deadline_day, cal.head_deadline_day
    if month == 12 and cal.december is not None:
        window = cal.december.self_window or window
        leader = cal.december.leader_deadline_day or leader
        head = cal.december.head_deadline_day or head
    start = _day(year, month, window.start_day)
    end = _day(year, month, window.end_day)
    lead = _day(year, month, leader) if leader else None
    hd = _day(year, month, head)
    if cal.shift_for_weekends:
        hol = set(cal.holidays)
        end = _next_working_day(end, hol)
        lead = _next_working_day(lead, hol) if lead else None
        hd = _next_working_day(hd, hol)
    return Deadlines(self_start=start, self_end=end, leader_deadline=lead, head_deadline=hd)
