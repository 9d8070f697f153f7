"""Dates against the unit's calendar (domain §2.7, Thanh Trì 766/UBND-NV): self-assessment
before the window opens or after it closes, the leader's review or the head's decision after
the deadline (December has its own, earlier deadlines), missing dates (warnings).

The leader's and head's dates are only expected once the leader has scored the sheet.

A quarterly form (NĐ 335 / NĐ 233) is held to the framework's ``calendar.quarter``: days of the
quarter's last month (each day it leaves out is that month's own); without it, to the last
month's calendar. A monthly form in a quarter's run keeps its own month's calendar.
"""

from __future__ import annotations

from typing import Iterator

from danhgia.calendar import deadlines, is_late, self_assessment_timing
from danhgia.checks import Env, remember
from danhgia.findings import Finding
from danhgia.period import last_month
from danhgia.text import NOT_NUMBER


_DEADLINES: dict[tuple[int, int, int], tuple] = {}


def deadlines_of(cal, year: int, month: int):
    """``calendar.deadlines`` once per calendar and month (not once per sheet)."""
    key = (id(cal), year, month)
    hit = _DEADLINES.get(key)
    if hit is None or hit[0] is not cal:
        hit = remember(_DEADLINES, key, (cal, deadlines(cal, year, month)), 256)
    return hit[1]


def quarter_deadlines(cal, quarter: tuple[int, int]):
    """A quarterly form's deadlines: ``cal.quarter`` applied to the quarter's last month (what it
    leaves unset, and everything when it is absent, as that month's own calendar)."""
    year, month = last_month(quarter)
    qc = cal.quarter
    if qc is None:
        return deadlines_of(cal, year, month)
    key = (id(cal), year, -quarter[1])
    hit = _DEADLINES.get(key)
    if hit is None or hit[0] is not cal:
        own = cal.december if month == 12 and cal.december is not None else None   # that month's own days

        def pick(k: str):
            return getattr(qc, k) or (getattr(own, k) if own is not None else None) or getattr(cal, k)

        days = cal.model_copy(update={k: pick(k) for k in ("self_window", "leader_deadline_day", "head_deadline_day")}
                              | {"december": None})
        hit = remember(_DEADLINES, key, (cal, deadlines(days, year, month)), 256)
    return hit[1]


def _date(sheet, key: str):
    entry = sheet.fields.get(key)
    if entry is None or entry.blank:
        return entry, None
    parsed = entry.date()
    return entry, (None if parsed.kind == NOT_NUMBER else parsed.value)


def check(sheet, env: Env) -> Iterator[Finding]:
    # the form's own period first (a quarterly form under --month keeps the quarter's calendar)
    period = sheet.period or (env.month if sheet.quarter is None else None)
    quarter = sheet.quarter or (env.quarter if period is None else None)
    cal = env.framework.calendar
    self_entry, self_date = _date(sheet, "self_date")
    if self_entry is None or self_entry.blank:
        yield sheet.finding("missing-date", cell=self_entry.cell if self_entry else None,
                            params={"field": "self_date"})
    leader_entry, leader_date = _date(sheet, "leader_date")
    head_entry, head_date = _date(sheet, "head_date")
    if not env.leader_blank and (leader_entry is None or leader_entry.blank):
        yield sheet.finding("missing-date", cell=leader_entry.cell if leader_entry else None,
                            params={"field": "leader_date"})
    if cal is None or (period is None and quarter is None):
        return
    d = deadlines_of(cal, period[0], period[1]) if period is not None else quarter_deadlines(cal, quarter)
    timing = self_assessment_timing(self_date, d) if self_date is not None else "on_time"
    if timing == "early":
        yield sheet.finding("self-assessment-early", cell=self_entry.cell, value=self_date,
                            expected=d.self_start)
    elif timing == "late":
        yield sheet.finding("self-assessment-late", cell=self_entry.cell, value=self_date,
                            expected=d.self_end)
    leader_deadline = d.leader_deadline or d.head_deadline
    if leader_date is not None and is_late(leader_date, leader_deadline):
        yield sheet.finding("decision-late", cell=leader_entry.cell, value=leader_date,
                            expected=leader_deadline, params={"field": "leader_date"})
    if head_date is not None and is_late(head_date, d.head_deadline):
        yield sheet.finding("decision-late", cell=head_entry.cell, value=head_date,
                            expected=d.head_deadline, params={"field": "head_date"})
