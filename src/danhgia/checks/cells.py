"""Score cells one by one: missing, not a number, typed as text, outside [min, max], off the step,
and a maximum written on the form that differs from the framework.

A blank *score* leaf is missing (never zero); a blank bonus or deduction leaf means none given.
A leader column left entirely blank is not a list of missing cells: the sheet is waiting for
its leader (``missing-leader-score``, in the grades family).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from danhgia.checks import Env, fmt, number, parse_score
from danhgia.findings import Finding
from danhgia.text import BLANK, NOT_NUMBER, NUMBER, TEXT_NUMBER

COLUMNS = ("self", "leader")


def check(sheet, env: Env) -> Iterator[Finding]:
    variant = env.variant
    if variant is None:
        return
    rows = sheet.rows
    comp = env.compiled
    try:
        written = [rows[code].max.raw for code in comp.max_codes]
    except (KeyError, AttributeError):          # a row or its max cell missing: one by one
        written = None
    # each max cell equal to the framework's (as a float, or blank where it has no exact float)
    # says nothing: skip the walk
    maxima = () if written == comp.max_floats else env.plan.maxima
    for c, as_float in maxima:
        row = rows.get(c.code)
        if row is not None and row.max is not None:
            raw = row.max.raw
            if raw.__class__ is float and raw == as_float:
                continue                        # the framework's maximum, as the template writes it
            written = parse_score(raw)
            if written.kind in (NUMBER, TEXT_NUMBER) and written.value != c.max:
                yield sheet.finding("max-mismatch", cell=row.max.cell, criterion=c.code,
                                    value=written.value, expected=c.max)
    # NĐ 335 ratios are percentages, checked by ``danhgia.checks.ratios``
    steps = env.compiled.steps
    for column in COLUMNS:
        col = env.columns[column]
        if col.clean or column == "leader" and env.leader_blank:
            continue                            # every cell a value on its step within bounds
        params = {"column": column}
        entries, parsed = col.entries, col.parsed
        for i, c, step in steps:
            entry, p = entries[i], parsed[i]
            if p.kind == BLANK:
                if c.kind == "score":
                    yield sheet.finding("missing-score", cell=entry.cell if entry else None,
                                        criterion=c.code, params=params)
                continue
            if p.kind == NOT_NUMBER:
                yield sheet.finding("score-not-number", cell=entry.cell, criterion=c.code,
                                    value=entry.raw, params=params)
                continue
            value = p.value
            if p.kind == TEXT_NUMBER:
                yield sheet.finding("text-as-number", cell=entry.cell, criterion=c.code,
                                    value=value, params={**params, "raw": entry.raw})
            if value > c.max:
                yield sheet.finding("score-above-max", cell=entry.cell, criterion=c.code,
                                    value=value, expected=f"<= {number(c.max)}",
                                    params={**params, "max": fmt(c.max)})
            elif value < c.min:
                yield sheet.finding("score-below-min", cell=entry.cell, criterion=c.code,
                                    value=value, expected=f">= {number(c.min)}",
                                    params={**params, "min": fmt(c.min)})
            if step > 0 and not _on_step(value, step):
                yield sheet.finding("score-not-on-step", cell=entry.cell, criterion=c.code,
                                    value=value, expected=f"n × {number(step)}",
                                    params={**params, "step": fmt(step)})


@lru_cache(maxsize=4096)
def _on_step(value: Decimal, step: Decimal) -> bool:
    return value % step == 0
