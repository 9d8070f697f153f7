"""Header fields: name, staff id, unit and month must be filled in; the month must be the one
asked for (``--month``); dates must be dates.
"""

from __future__ import annotations

from typing import Iterator

from danhgia.checks import Env
from danhgia.findings import Finding
from danhgia.text import NOT_NUMBER, NUMBER, TEXT_NUMBER, parse_month_text, parse_number

REQUIRED = ("name", "id", "unit")
DATE_FIELDS = ("self_date", "leader_date", "head_date")


def month_text(period: tuple[int, int] | None) -> str:
    return "" if period is None else f"{period[1]:02d}/{period[0]}"


def _period_part_ok(key: str, raw) -> bool:
    """A month cell holds 1–12 (or a month with its year, "10/2026"); a year cell 1901–2199."""
    p = parse_number(raw)
    if p.kind in (NUMBER, TEXT_NUMBER) and p.value == p.value.to_integral_value():
        n = int(p.value)
        return 1 <= n <= 12 if key == "month" else 1900 < n < 2200
    return key == "month" and parse_month_text(raw) is not None


def check(sheet, env: Env) -> Iterator[Finding]:
    invalid = set()
    for key in ("month", "year"):
        entry = sheet.fields.get(key)
        if entry is not None and not entry.blank and not _period_part_ok(key, entry.raw):
            invalid.add(key)
            raw = entry.raw
            shown = str(int(raw)) if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15 else entry.text()
            yield sheet.finding("invalid-period", cell=entry.cell, value=shown[:100],
                                params={"field": key})
    for key in REQUIRED:
        entry = sheet.fields.get(key)
        if entry is None or entry.blank:
            yield sheet.finding("missing-field", cell=entry.cell if entry else None,
                                params={"field": key})
    if sheet.period is None:
        entry = sheet.fields.get("month")
        if not invalid:
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
