"""Caps on a grade (usually A) with an explicit base, grouping and rounding.

The tool reports a breach; it demotes only when asked (``apply``), lowest-ranked first, and
never breaks a tie at the cut: everyone tied there is left as they are for the head to decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, ROUND_HALF_UP
from typing import Iterable

from danhgia.framework import QuotaRule


@dataclass
class Candidate:
    id: str
    name: str
    grade: str | None          # final grade before the quota
    score: Decimal | None      # ranking score (leader total, or annual mean)
    group: str | None = None
    task_group: str | None = None
    classified: bool = True     # counted among those classified


@dataclass
class QuotaResult:
    scope: str                  # "" for pooled, else the group / task group
    grade: str
    count: int
    base: int
    cap: int
    cap_exact: Decimal          # base × percent / 100, before rounding
    percent: Decimal
    base_kind: str
    rounding: str
    status: str                 # "ok" | "exceeded"
    ranked: list[Candidate] = field(default_factory=list)   # the grade's holders, best first
    tied: list[Candidate] = field(default_factory=list)     # tied at the cut (head decides)
    demoted: list[Candidate] = field(default_factory=list)  # filled by apply()

    @property
    def over(self) -> int:
        return max(0, self.count - self.cap)

    def to_dict(self) -> dict:
        from danhgia.findings import jsonable

        return {
            "scope": self.scope or None, "grade": self.grade, "count": self.count,
            "base": self.base, "base_kind": self.base_kind, "percent": jsonable(self.percent),
            "cap": self.cap, "cap_exact": jsonable(self.cap_exact), "rounding": self.rounding,
            "status": self.status,
            "ranked": [{"id": c.id, "name": c.name, "score": jsonable(c.score)} for c in self.ranked]
            if self.status != "ok" else [],
            "tied": [c.id for c in self.tied],
            "demoted": [c.id for c in self.demoted],
        }


def round_cap(exact: Decimal, rounding: str) -> int:
    if rounding == "ceil":
        return int(math.ceil(exact))
    if rounding == "round":
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return int(math.floor(exact))


def _base_count(kind: str, people: list[Candidate], staff: int, grade: str) -> int:
    if kind == "all_staff":
        return staff
    classified = [p for p in people if p.classified and p.grade]
    if kind == "classified":
        return len(classified)
    if kind == "exactly_b":
        return sum(1 for p in classified if p.grade == "B")
    # b_or_better: those rated B plus those chosen for the capped grade from among them
    return sum(1 for p in classified if p.grade in ("A", "B"))


def _scope_key(rule: QuotaRule, c: Candidate) -> str:
    if rule.pooling == "per_group":
        return c.group or ""
    if rule.pooling == "per_task_group":
        return c.task_group or ""
    return ""


def check(rule: QuotaRule, people: Iterable[Candidate], staff: int | None = None,
          exceptional: bool = False, staff_by_scope: dict[str, int] | None = None) -> list[QuotaResult]:
    """Check the cap in each scope the rule's pooling defines."""
    people = list(people)
    scopes: dict[str, list[Candidate]] = {}
    for p in people:
        scopes.setdefault(_scope_key(rule, p), []).append(p)
    if not scopes:
        scopes[""] = []
    percent, base_kind = rule.cap, rule.base
    if exceptional and rule.exceptional_cap is not None:
        percent = rule.exceptional_cap
        base_kind = rule.exceptional_base or rule.base
    results = []
    for scope in sorted(scopes):
        members = scopes[scope]
        scope_staff = (staff_by_scope or {}).get(scope, staff if staff is not None else len(members))
        base = _base_count(base_kind, members, scope_staff, rule.grade)
        exact = (Decimal(base) * percent / Decimal(100)).normalize()
        cap = max(round_cap(exact, rule.rounding), rule.min_allowed if base > 0 else 0)
        holders = [p for p in members if p.classified and p.grade == rule.grade]
        holders.sort(key=lambda c: (-(c.score if c.score is not None else Decimal(-1)), c.id))
        status = "exceeded" if len(holders) > cap else "ok"
        res = QuotaResult(scope=scope, grade=rule.grade, count=len(holders), base=base, cap=cap,
                          cap_exact=exact, percent=percent, base_kind=base_kind,
                          rounding=rule.rounding, status=status, ranked=holders)
        if status == "exceeded":
            res.tied = _tied_at_cut(holders, cap)
        results.append(res)
    return results


def _tied_at_cut(ranked: list[Candidate], cap: int) -> list[Candidate]:
    """Those who share the score of the first person over the cap with someone within it."""
    if cap <= 0 or cap >= len(ranked):
        return []
    inside, outside = ranked[cap - 1], ranked[cap]
    if inside.score != outside.score:
        return []
    return [c for c in ranked if c.score == inside.score]


def apply(result: QuotaResult, lower_to: str = "B") -> list[Candidate]:
    """Demote the lowest-ranked holders until the cap holds, never splitting a tie at the cut.

    Returns the demoted candidates (their ``grade`` is changed to ``lower_to``); when a tie
    prevents reaching the cap the result stays ``exceeded`` with ``tied`` listed.
    """
    if result.status == "ok":
        return []
    tied_ids = {c.id for c in result.tied}
    tie_score = result.tied[0].score if result.tied else None
    demoted = []
    for c in result.ranked[result.cap:]:
        if c.id in tied_ids or (tie_score is not None and c.score == tie_score):
            continue
        c.grade = lower_to
        demoted.append(c)
    result.demoted = demoted
    result.count -= len(demoted)
    result.status = "exceeded" if result.count > result.cap else "ok"
    return demoted
