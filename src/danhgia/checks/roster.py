"""Checks against the staff list (``--roster``).

Per sheet (run in the worker that read it, the roster travels in the ReadContext):
``not-in-roster``, ``variant-mismatch`` (a leader on the specialist sheet) and ``exempt-month``
(a sheet for a month the person is not evaluated: a teacher in June–August by the framework's
``not_evaluated`` rules, or a month the roster marks). Over the whole run: ``duplicate-person``
(the same id on two sheets, across files) and ``missing-submission`` (someone employed that
month, not exempt, with no sheet).

In a quarter's run (``--quarter``) a roster person is expected when their framework monitors by
quarter, they were employed during the quarter and are not exempt in all three of its months;
a quarterly form of the quarter or a monthly form of one of its months is their submission.
People whose framework is kept by month only are not expected: one ``not-quarterly`` (info) per
such framework says how many.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from danhgia.calendar import not_evaluated
from danhgia.checks import Env
from danhgia.findings import Finding
from danhgia.messages import Say
from danhgia.period import quarter_label, quarter_months, quarter_text
from danhgia.roster import index_of, person_key


def exempt_reason(person, framework, year: int, month: int) -> str | None:
    """Why ``person`` is not evaluated in (year, month), or None (see calendar.not_evaluated)."""
    found = not_evaluated(person, framework, year, month)
    return found if found is None or isinstance(found, str) else found.reason


def _variant_title(framework, variant_id: str | None) -> str:
    v = framework.variant(variant_id) if variant_id else None
    return v.title if v is not None else str(variant_id or "")


def id_cell(sheet) -> str | None:
    for key in ("id", "name"):
        e = sheet.fields.get(key)
        if e is not None:
            return e.cell
    return None


def check(sheet, env: Env) -> Iterator[Finding]:
    """Per-sheet roster checks (only with a roster)."""
    if env.roster is None:
        return
    person = env.person
    if person is None:
        if sheet.person_id or sheet.person:
            yield sheet.finding("not-in-roster", cell=id_cell(sheet), value=sheet.person_id or None,
                                params={"value": sheet.person_id or "?"})
        return
    if (person.variant and sheet.variant and sheet.variant_source != "roster"
            and person.variant != sheet.variant
            and not (env.variant is not None and person.variant in env.variant.replaces)):
        yield sheet.finding("variant-mismatch", cell=None,
                            value=sheet.variant, expected=person.variant,
                            params={"value": _variant_title(env.framework, sheet.variant),
                                    "expected": _variant_title(env.framework, person.variant)})
    period = sheet.period or (env.month if sheet.quarter is None else None)   # a quarterly form: no month
    if period is not None:
        reason = exempt_reason(person, env.framework, *period)
        if reason:
            yield sheet.finding("exempt-month", cell=sheet.period_cell, value=f"{period[1]:02d}/{period[0]}",
                                params={"reason": reason})
    elif sheet.quarter is not None:
        # a quarterly form of someone not evaluated in any month of the quarter
        q = tuple(sheet.quarter)
        reasons = [exempt_reason(person, env.framework, *ym) for ym in quarter_months(q)]
        if all(reasons):
            yield sheet.finding("exempt-month", cell=sheet.period_cell, value=quarter_text(q),
                                params={"reason": "; ".join(dict.fromkeys(reasons)),
                                        "when": Say(quarter_label(q), quarter_label(q, "en"))})


def run_check(outcomes: Iterable[Any], roster, month: tuple[int, int] | None,
              framework_for: Callable[[str | None, str | None], Any],
              roster_display: str | None = None, covers: bool = True,
              quarter: tuple[int, int] | None = None) -> Iterator[Finding]:
    """Run-level checks over every SheetOutcome (in input order). ``missing-submission`` only when
    the run ``covers`` the unit; otherwise one ``roster-not-covered`` (info) with the count.
    ``quarter``: the run is a quarter's (``month`` is then None): a person has one form per
    period (each month, or the quarter), so only two forms of the same period are duplicates."""
    outcomes = list(outcomes)
    first: dict[Any, Any] = {}
    for o in outcomes:
        key = person_key(o.person_id)
        if not key:
            continue
        if quarter is not None:
            key = (key, o.quarter or o.period)
        if key in first:
            other = first[key]
            yield Finding("duplicate-person", file=o.file, sheet=o.sheet, cell=o.cells.get("id"),
                          person=o.person or None, person_id=o.person_id or None, value=o.person_id,
                          expected=f"{other.file} › {other.sheet}",
                          params={"other": f"{other.file} › {other.sheet}"})
        else:
            first[key] = o
    if roster is None:
        return
    if quarter is None and month is None:     # no period asked: the sheets' own, when they agree
        quarters = {tuple(o.quarter) for o in outcomes if getattr(o, "quarter", None) is not None}
        if len(quarters) == 1 and not any(o.period is not None for o in outcomes):
            quarter = quarters.pop()
    if quarter is not None:
        yield from _quarter_submissions(outcomes, roster, tuple(quarter), framework_for,
                                        roster_display or roster.source, covers)
        return
    if month is None:
        periods = {o.period for o in outcomes if o.period is not None}
        month = periods.pop() if len(periods) == 1 else None
    if month is None:
        return
    idx = index_of(roster)
    submitted: set[str] = set()
    for o in outcomes:
        if o.period is not None and tuple(o.period) != tuple(month):
            continue
        p = idx.find(o.person_id, o.person)
        if p is not None:
            submitted.add(p.id)
    source = roster_display or roster.source
    absent = 0
    for p in roster.people:
        if p.id in submitted or not p.employed_in(*month):
            continue
        if exempt_reason(p, framework_for(p.variant, p.group), *month):
            continue
        if not covers:
            absent += 1
            continue
        parts = p.where.split(" › ")
        yield Finding("missing-submission", file=source, cell=p.cell,
                      sheet=parts[1] if len(parts) == 3 else None,
                      person=p.name or None, person_id=p.id, value=p.id)
    if absent:
        yield Finding("roster-not-covered", file=source, value=absent,
                      params={"count": absent, "month": f"{month[1]:02d}/{month[0]}"})


def _missing(p, source: str) -> Finding:
    parts = p.where.split(" › ")
    return Finding("missing-submission", file=source, cell=p.cell, sheet=parts[1] if len(parts) == 3 else None,
                   person=p.name or None, person_id=p.id, value=p.id)


def _quarter_submissions(outcomes: list, roster, quarter: tuple[int, int],
                         framework_for: Callable[[str | None, str | None], Any], source: str,
                         covers: bool) -> Iterator[Finding]:
    """``missing-submission`` in a quarter's run (see the module's docstring)."""
    months = quarter_months(quarter)
    idx = index_of(roster)
    submitted: set[str] = set()
    for o in outcomes:
        q = getattr(o, "quarter", None)
        if not ((q is not None and tuple(q) == quarter) or (o.period is not None and tuple(o.period) in months)):
            continue
        p = idx.find(o.person_id, o.person)
        if p is not None:
            submitted.add(p.id)
    label = Say(quarter_label(quarter), quarter_label(quarter, "en"))
    monthly_only: dict[str, int] = {}
    absent = 0
    for p in roster.people:
        fw = framework_for(p.variant, p.group)
        if not fw.by_quarter:
            monthly_only[fw.id] = monthly_only.get(fw.id, 0) + 1
            continue
        if p.id in submitted or not any(p.employed_in(*ym) for ym in months):
            continue
        if all(exempt_reason(p, fw, *ym) for ym in months):
            continue
        if not covers:
            absent += 1
            continue
        yield _missing(p, source)
    for fw_id, count in monthly_only.items():
        yield Finding("not-quarterly", file=source, value=count, expected=fw_id,
                      params={"count": count, "framework": fw_id, "period": label})
    if absent:
        yield Finding("roster-not-covered", file=source, value=absent,
                      params={"count": absent, "period": label})
