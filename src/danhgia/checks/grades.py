"""Grades: the self grade must be the band of the self total; the head's decision may lower a
grade but not raise it above the band of the leader total (domain §2.5); grade cells must hold
A, B, C or D; a sheet without leader scores or without the head's decision is pending (warning).
"""

from __future__ import annotations

from typing import Iterator

from danhgia.checks import Env, fmt, grade_of
from danhgia.findings import Finding
from danhgia.framework import grade_rank
from danhgia.text import NOT_NUMBER


def _grade(sheet, key: str):
    """(entry, grade or None); an unreadable grade is reported and returns None."""
    entry = sheet.fields.get(key)
    if entry is None or entry.blank:
        return entry, None, None
    parsed = grade_of(entry.raw)
    if parsed.kind == NOT_NUMBER:
        return entry, None, sheet.finding("invalid-grade", cell=entry.cell, value=entry.text(),
                                          params={"field": key})
    return entry, parsed.value, None


def first_leader_cell(env: Env) -> str | None:
    return next((e.cell for e, _p in env.parsed("leader").values() if e is not None), None)


def check(sheet, env: Env) -> Iterator[Finding]:
    fw = env.framework
    self_entry, self_grade, bad = _grade(sheet, "self_grade")
    if bad:
        yield bad
    dec_entry, decided, bad = _grade(sheet, "decided_grade")
    if bad:
        yield bad
    if env.variant is None:
        return
    self_total = env.totals("self").total
    if self_grade is not None and self_total is not None:
        band = fw.grade_for(self_total)
        if band is not None and band != self_grade:
            yield sheet.finding("grade-mismatch", cell=self_entry.cell, value=self_grade,
                                expected=band, params={"total": fmt(self_total)})
    if env.leader_blank:
        yield sheet.finding("missing-leader-score", cell=first_leader_cell(env))
        return
    leader_total = env.totals("leader").total
    if decided is not None and leader_total is not None:
        band = fw.grade_for(leader_total)
        if band is not None and grade_rank(decided) < grade_rank(band):
            yield sheet.finding("grade-above-band", cell=dec_entry.cell, value=decided,
                                expected=band, params={"total": fmt(leader_total)})
    if decided is None and (dec_entry is None or dec_entry.blank):
        yield sheet.finding("missing-decision", cell=dec_entry.cell if dec_entry else None)
