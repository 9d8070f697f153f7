"""Header fields: name, staff id, unit and month must be filled in; the month must be the one
asked for (``--month``); dates must be dates.
"""

from __future__ import annotations

from typing import Iterator

from danhgia.checks import Env
from danhgia.findings import Finding
from danhgia.text import NOT_NUMBER

REQUIRED = ("name", "id", "unit")
DATE_FIELDS = ("self_date", "leader_date", "head_date")


def month_text(period: tuple[int, int] | None) -> str:
    return "" if period is None else f"{period[1]:02d}/{period[0]}"


def check(sheet, env: Env) -> Iterator[Finding]:
    for key in REQUIRED:
        entry = sheet.fields.get(key)
        if entry is None or entry.blank:
            yield sheet.finding("missing-field", cell=entry.cell if entry else None,
                                params={"field": key})
    if sheet.period is None:
        entry = sheet.fields.get("month")
        yield sheet.finding("missing-field", cell=sheet.period_cell or (entry.cell if entry else None),
                            params={"field": "month"})
    elif env.month is not None and tuple(sheet.period) != tuple(env.month):
        yield sheet.finding("month-mismatch", cell=sheet.period_cell,
                            value=month_text(sheet.period), expected=month_text(env.month))
    for key in DATE_FIELDS:
        entry = sheet.fields.get(key)
        if entry is None or entry.blank:
            continue
        if entry.date().kind == NOT_NUMBER:
            yield sheet.finding("invalid-date", cell=entry.cell, value=entry.text(),
                                params={"field": key})
