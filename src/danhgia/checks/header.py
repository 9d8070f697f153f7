"""Header fields: name, staff id, unit and the period must be filled in; the period must be the
one asked for (``--month``, or ``--quarter``: a quarterly form of that quarter or a monthly form of
one of its months); dates must be dates.
"""

from __future__ import annotations

from typing import Iterator

from danhgia.checks import Env, remember
from danhgia.findings import Finding
from danhgia.messages import Say
from danhgia.period import (months_label, parse_quarter_text, quarter_label, quarter_months, quarter_number,
                            quarter_text)
from danhgia.text import NOT_NUMBER, NUMBER, TEXT_NUMBER, parse_month_text, parse_number

REQUIRED = ("name", "id", "unit")
DATE_FIELDS = ("self_date", "leader_date", "head_date")


def month_text(period: tuple[int, int] | None) -> str:
    return "" if period is None else f"{period[1]:02d}/{period[0]}"


QUARTER_RULE = Say("quý từ I đến IV hoặc 1 đến 4, năm có bốn chữ số",
                   "a quarter from I to IV or 1 to 4, a four-digit year")


def quarter_ok(raw) -> bool:
    """A quarter cell holds III, 3, "Quý III" or "Quý III năm 2026" / "III/2026"."""
    if quarter_number(raw) is not None:
        return True
    return isinstance(raw, str) and (parse_quarter_text(raw) or parse_quarter_text("quý " + raw)) is not None


_PART_OK: dict[tuple, bool] = {}


def _period_part_ok(key: str, raw) -> bool:
    """``_period_part_ok_of`` once per (field, value) for numbers and text (the month and year of
    a run repeat on every sheet)."""
    if raw.__class__ not in (float, int, str):
        return _period_part_ok_of(key, raw)
    k = (key, raw.__class__, raw)
    hit = _PART_OK.get(k)
    if hit is None:
        hit = remember(_PART_OK, k, _period_part_ok_of(key, raw), 4096)
    return hit


def _period_part_ok_of(key: str, raw) -> bool:
    """A month cell holds 1–12 (or a month with its year, "10/2026", or a quarter's name,
    "Quý III"); a quarter cell I–IV / 1–4; a year cell 1901–2199."""
    if key == "quarter":
        return quarter_ok(raw)
    p = parse_number(raw)
    if p.kind in (NUMBER, TEXT_NUMBER) and p.value == p.value.to_integral_value():
        n = int(p.value)
        return 1 <= n <= 12 if key == "month" else 1900 < n < 2200
    return key == "month" and (parse_month_text(raw) is not None
                               or isinstance(raw, str) and parse_quarter_text(raw) is not None)


def _month_words(period: tuple[int, int]) -> Say:
    return Say(f"tháng {month_text(period)}", month_text(period))


def _quarter_words(q: tuple[int, int], form: bool = False) -> Say:
    """«Quý III/2026 (tháng 7, 8, 9)» for the quarter asked; «Quý III/2026 (phiếu theo quý)» for a
    quarterly form met in a month's run."""
    months = [m for _y, m in quarter_months(q)]
    if form:
        return Say(f"{quarter_label(q)} (phiếu theo quý)", f"{quarter_label(q, 'en')} (a quarterly form)")
    return Say(f"{quarter_label(q)} ({months_label(months)})",
               f"{quarter_label(q, 'en')} ({months_label(months, 'en')})")


def period_mismatch(sheet, env: Env) -> Finding | None:
    """``month-mismatch`` when the sheet's period is not the run's: under ``--quarter`` a
    quarterly form of another quarter or a monthly form of a month outside it; under ``--month``
    another month or a quarterly form. ``value`` / ``expected`` stay program-readable
    ("10/2026", "2026-Q3"); the message says the periods in words."""
    period, quarter = sheet.period, sheet.quarter
    if env.quarter is not None:
        q = tuple(env.quarter)
        if quarter is not None:
            if tuple(quarter) == q:
                return None
            of, value = Say(quarter_label(quarter), quarter_label(quarter, "en")), quarter_text(quarter)
        elif period is not None:
            if tuple(period) in quarter_months(q):
                return None
            of, value = _month_words(period), month_text(period)
        else:
            return None
        return sheet.finding("month-mismatch", cell=sheet.period_cell, value=value, expected=quarter_text(q),
                             params={"of": of, "asked": _quarter_words(q)})
    if env.month is None:
        return None
    if quarter is not None:
        return sheet.finding("month-mismatch", cell=sheet.period_cell, value=quarter_text(quarter),
                             expected=month_text(env.month),
                             params={"of": _quarter_words(quarter, form=True), "asked": _month_words(env.month)})
    if period is not None and tuple(period) != tuple(env.month):
        return sheet.finding("month-mismatch", cell=sheet.period_cell,
                             value=month_text(period), expected=month_text(env.month))
    return None


def check(sheet, env: Env) -> Iterator[Finding]:
    invalid = set()
    for key in ("month", "quarter", "year"):
        entry = sheet.fields.get(key)
        if entry is not None and not entry.blank and not _period_part_ok(key, entry.raw):
            invalid.add(key)
            raw = entry.raw
            shown = str(int(raw)) if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15 else entry.text()
            yield sheet.finding("invalid-period", cell=entry.cell, value=shown[:100],
                                params={"field": key, **({"rule": QUARTER_RULE} if key == "quarter" else {})})
    for key in REQUIRED:
        entry = sheet.fields.get(key)
        if entry is None or entry.blank:
            yield sheet.finding("missing-field", cell=entry.cell if entry else None,
                                params={"field": key})
    if sheet.period is None and sheet.quarter is None:
        entry = sheet.fields.get("month") or sheet.fields.get("quarter")
        if not invalid:
            yield sheet.finding("missing-field", cell=sheet.period_cell or (entry.cell if entry else None),
                                params={"field": "quarter" if "quarter" in sheet.fields and "month" not in sheet.fields
                                        else "month"})
    else:
        mismatch = period_mismatch(sheet, env)
        if mismatch is not None:
            yield mismatch
    for key in DATE_FIELDS:
        entry = sheet.fields.get(key)
        if entry is None or entry.blank:
            continue
        if entry.date().kind == NOT_NUMBER:
            yield sheet.finding("invalid-date", cell=entry.cell, value=entry.text(),
                                params={"field": key})
