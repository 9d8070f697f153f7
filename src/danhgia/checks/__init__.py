"""Validation checks, one module per family; each check yields Finding objects.

A sheet check is ``check(sheet, env) -> Iterator[Finding]``: ``sheet`` is a
``danhgia.model.Scoresheet`` and ``env`` a :class:`Env` (the framework, the variant, the month
asked for, the roster entry of the person, totals computed once for every family).

``FAMILIES`` is the registry: family name → the codes it can emit. ``--select`` / ``--ignore``
take codes or family names (see :func:`expand_codes` and :func:`code_filter`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from operator import is_
from typing import Any, Callable, Iterable, Iterator

from danhgia import messages
from danhgia.findings import Finding
from danhgia.text import BLANK, NUMBER, TEXT_NUMBER, Parsed, parse_grade, parse_number

# family → codes it emits (the reader's and the pipeline's codes are under "files")
FAMILIES: dict[str, tuple[str, ...]] = {
    "files": ("file-unreadable", "file-encrypted", "file-too-large", "not-a-scoresheet", "archive-duplicate-name",
              "unknown-variant", "legacy-encoding", "unsafe-text", "cell-too-long", "leader-column",
              "own-output"),
    "header": ("missing-field", "month-mismatch", "invalid-date", "invalid-period", "field-conflict"),
    "cells": ("missing-score", "score-not-number", "text-as-number", "score-above-max",
              "score-below-min", "score-not-on-step", "max-mismatch"),
    "totals": ("block-over-max", "total-mismatch"),
    "bonus": ("bonus-without-note",),
    "completion": ("completion-mismatch",),
    "ratios": ("ratio-missing", "ratio-out-of-range", "ratio-as-fraction", "leader-d-mismatch",
               "ratio-product-mismatch", "product-list-unreadable"),
    "grades": ("grade-mismatch", "grade-above-band", "invalid-grade", "missing-leader-score",
               "missing-decision"),
    "dates": ("self-assessment-early", "self-assessment-late", "decision-late", "missing-date"),
    "roster": ("not-in-roster", "variant-mismatch", "duplicate-person", "missing-submission",
               "exempt-month", "roster-not-covered", "not-quarterly"),
}


class Plan:
    """What the checks need from a variant's tree, computed once per variant (not per sheet)."""

    def __init__(self, variant) -> None:
        self.variant = variant
        self.nodes = [c for c, _ in variant.walk()]
        self.leaves = [c for c in self.nodes if c.is_leaf]
        self.blocks = list(variant.criteria)
        self.completion = [c for c in self.leaves if c.completion_bands]
        self.ratios = [c for c in self.leaves if c.kind == "ratio"]
        self.ratio_codes = frozenset(c.code for c in self.ratios)
        # the maxima the cells check compares with what the form says, each with the float a
        # form holds when it says exactly that (then no parsing is needed: the common case)
        self.maxima = [(c, _exact_float(c.max)) for c in self.nodes if c.kind != "ratio"]
        self.note_required: list = []

        def visit(c, inherited: bool) -> None:
            required = inherited or c.note_required
            if c.is_leaf:
                if c.kind == "bonus" and required:
                    self.note_required.append(c)
                return
            for ch in c.children:
                visit(ch, required)

        for block in variant.criteria:
            visit(block, False)


def _exact_float(d: Decimal) -> float | None:
    """``float(d)`` when parsing that float gives back exactly ``d``, else None."""
    f = float(d)
    return f if parse_number(f).value == d else None


_PLANS: dict[int, Plan] = {}


def plan_of(variant) -> Plan:
    plan = _PLANS.get(id(variant))
    if plan is None or plan.variant is not variant:
        plan = _PLANS[id(variant)] = Plan(variant)
    return plan


_BLANK = Parsed(BLANK)


@lru_cache(maxsize=8192)
def _parse_hashable(kind: type, raw: Any) -> Parsed:
    return parse_number(raw)


def remember(cache: dict, key: Any, value: Any, limit: int) -> Any:
    """Store ``value`` under ``key`` in one of the checks' look-up caches and return it; a cache
    past ``limit`` entries is emptied first, so its memory stays bounded however long the run."""
    if len(cache) > limit:
        cache.clear()
    cache[key] = value
    return value


_FLOATS: dict[float, Parsed] = {}


_ZERO, _MINUS_ZERO = parse_number(0.0), parse_number(-0.0)


def parse_score(raw: Any) -> Parsed:
    """``parse_number`` with a cache: a month of sheets holds few distinct score values."""
    if raw.__class__ is float:
        if raw == 0.0:                  # 0.0 and -0.0 are one key of a dict, not one parse
            return _MINUS_ZERO if math.copysign(1.0, raw) < 0 else _ZERO
        hit = _FLOATS.get(raw)
        if hit is None:
            hit = remember(_FLOATS, raw, _parse_hashable(float, raw), 8192)
        return hit
    if raw is None:
        return _BLANK
    kind = type(raw)
    if kind in (int, str):
        return _parse_hashable(kind, raw)
    return parse_number(raw)


_MAX_ALLOWED = 2000     # a leaf with more values on its step than this is checked value by value


class Compiled:
    """A variant's checks compiled once per framework (the step depends on it): per leaf, in
    ``Plan.leaves`` order, its code and the score values a form may hold there without any
    finding (a float on the step within [min, max], as calamine gives a number) with their
    parsed value, so a clean cell costs one dictionary look-up and a clean column is not
    checked cell by cell."""

    def __init__(self, framework, variant) -> None:
        self.framework = framework
        self.variant = variant
        self.plan = plan = plan_of(variant)
        self.codes = [c.code for c in plan.leaves]
        self.steps = [(i, c, framework.step_of(c)) for i, c in enumerate(plan.leaves) if c.kind != "ratio"]
        self.allowed: list[dict[float, Parsed]] = [{} for _c in plan.leaves]
        # a blank cell that is no finding: a bonus or deduction left blank, any ratio (checked
        # by checks.ratios, never by checks.cells)
        self.blank_ok = [c.kind != "score" for c in plan.leaves]
        self.bounds: list[tuple | None] = [None for _c in plan.leaves]
        for i, c, step in self.steps:
            self.allowed[i] = _allowed(c, step)
            self.bounds[i] = (c.min, c.max, step)
            if c.kind != "score":
                self.allowed[i][""] = parse_score("")      # a bonus or deduction left blank
        self.blocks = [b.code for b in variant.criteria]
        self.everything = " + ".join(self.blocks)       # names the grand total in any language
        # the maxima a form writes, as the template writes them (``Plan.maxima``): a sheet whose
        # max cells equal these, in order, has no max-mismatch (see checks.cells)
        self.max_codes = [c.code for c, _f in plan.maxima]
        self.max_floats = [f for _c, f in plan.maxima]


def _allowed(c, step: Decimal) -> dict[float, Parsed]:
    """Float → its parse, for every value on ``step`` from ``c.min`` to ``c.max`` whose parse is
    exactly that value (nothing the cells check would say a word about)."""
    if step <= 0 or c.max < c.min or (c.max - c.min) / step > _MAX_ALLOWED:
        return {}
    out: dict[float, Parsed] = {}
    d = c.min
    while d <= c.max:
        f = float(d)
        if f == 0.0:
            d += step
            continue                    # -0.0 would find 0.0's entry: zero takes the long way
        p = parse_number(f)
        if p.kind == NUMBER and p.value == d and c.min <= p.value <= c.max and p.value % step == 0:
            out[f] = parse_score(f)
        d += step
    return out


_COMPILED: dict[tuple[int, int], Compiled] = {}


def compiled(framework, variant) -> Compiled:
    hit = _COMPILED.get((id(framework), id(variant)))
    if hit is None or hit.framework is not framework or hit.variant is not variant:
        hit = remember(_COMPILED, (id(framework), id(variant)), Compiled(framework, variant), 256)
    return hit


class Column:
    """One score column of a sheet, read once for every check: per leaf (``Compiled.codes``
    order) its Entry (or None), parse and value (a Decimal, None when blank or not a number);
    ``clean`` when no cell of it can give a cells finding; ``blank`` when every cell is blank."""

    __slots__ = ("entries", "parsed", "values", "clean", "blank")

    def __init__(self, rows, column: str, comp: Compiled) -> None:
        get = rows.get
        self.entries = entries = [None if (r := get(code)) is None else r.scores.get(column) for code in comp.codes]
        raws = [None if e is None else e.raw for e in entries]
        # only floats and text: True, 1 and Decimal("1.50") would find 1.0's entry
        fast = [a.get(raw) if raw.__class__ is float or raw.__class__ is str else None
                for a, raw in zip(comp.allowed, raws)]
        if all(fast):         # every cell a float on its step within bounds, or an optional blank
            self.parsed, self.clean = fast, True
            self.values = values = [p.value for p in fast]
            self.blank = values.count(None) == len(values)
            return
        clean = blank = True
        blank_ok, bounds = comp.blank_ok, comp.bounds
        for i, p in enumerate(fast):
            if p is None:
                p = _BLANK if entries[i] is None else parse_score(raws[i])
                fast[i] = p
                b = bounds[i]
                if clean and b is not None:     # what checks.cells would say of this cell
                    if p.kind == BLANK:
                        clean = blank_ok[i]
                    elif p.kind != NUMBER:
                        clean = False
                    else:
                        lo, hi, step = b
                        value = p.value
                        clean = lo <= value <= hi and not (step > 0 and value % step != 0)
            if p.kind != BLANK:
                blank = False
        self.parsed, self.clean, self.blank = fast, clean, blank
        self.values = [p.value if p.kind == NUMBER or p.kind == TEXT_NUMBER else None for p in fast]


_GRADES: dict[Any, Parsed] = {}


def grade_of(raw: Any) -> Parsed:
    """``parse_grade`` with a cache for text (grade cells hold a few distinct words)."""
    if raw.__class__ is not str:
        return parse_grade(raw)
    hit = _GRADES.get(raw)
    if hit is None:
        hit = remember(_GRADES, raw, parse_grade(raw), 4096)
    return hit


@dataclass
class Env:
    """Everything a sheet check needs besides the sheet; values are parsed once per sheet."""

    framework: Any                       # danhgia.framework.Framework
    variant: Any = None                  # danhgia.framework.Variant | None
    month: tuple[int, int] | None = None  # --month
    quarter: tuple[int, int] | None = None  # --quarter (year, q): danhgia.period
    person: Any = None                   # danhgia.roster.Person | None
    roster: Any = None                   # danhgia.roster.Roster | None
    sheet: Any = None                    # the Scoresheet

    @cached_property
    def plan(self) -> Plan:
        return plan_of(self.variant)

    @cached_property
    def compiled(self) -> Compiled:
        return compiled(self.framework, self.variant)

    @cached_property
    def columns(self) -> dict[str, Column]:
        """"self" / "leader" → the column read once (see :class:`Column`)."""
        comp = self.compiled
        rows = self.sheet.rows
        return {"self": Column(rows, "self", comp), "leader": Column(rows, "leader", comp)}

    @cached_property
    def _parsed(self) -> dict[str, dict[str, tuple[Any, Parsed]]]:
        codes = self.compiled.codes
        return {col: dict(zip(codes, zip(c.entries, c.parsed))) for col, c in self.columns.items()}

    def parsed(self, column: str) -> dict[str, tuple[Any, Parsed]]:
        """Leaf code → (Entry or None, Parsed) of one score column."""
        return self._parsed[column]

    def leaves(self, column: str) -> dict[str, Decimal | None]:
        return self._leaves[column]

    @cached_property
    def _leaves(self) -> dict[str, dict[str, Decimal | None]]:
        ratio_codes = self.plan.ratio_codes
        codes = self.compiled.codes
        out = {col: dict(zip(codes, c.values)) for col, c in self.columns.items()}
        if ratio_codes:
            # NĐ 335 ratios: "95%" typed as text and a percent-formatted 0.95 are 95
            from danhgia.checks.ratios import ratio_value

            for col in ("self", "leader"):
                for code in ratio_codes:
                    e, _p = self._parsed[col][code]
                    if e is not None and not e.blank:
                        rp, _fraction = ratio_value(e.raw)
                        out[col][code] = rp.value if rp.kind in (NUMBER, TEXT_NUMBER) else None
        return out

    def totals(self, column: str):
        """``danhgia.scoring.Totals`` of one score column (computed once per sheet)."""
        return self._totals[column]

    @cached_property
    def _totals(self) -> dict[str, Any]:
        from danhgia.scoring import compute

        capped = self.framework.ratios_capped
        own, leader = self.leaves("self"), self.leaves("leader")
        totals = compute(self.variant, own, capped)
        # a leader who kept every score of the self-assessment (the very same parsed values, so
        # the same digits too): the same sums, compute being pure
        same = all(map(is_, own.values(), leader.values())) and own.keys() == leader.keys()
        return {"self": totals, "leader": totals if same else compute(self.variant, leader, capped)}

    @cached_property
    def leader_blank(self) -> bool:
        """No leader score at all on the sheet: it is still at the self-assessment stage."""
        if self.variant is None:
            return True
        return self.columns["leader"].blank


def all_codes() -> set[str]:
    return {c for codes in FAMILIES.values() for c in codes}


def expand_codes(tokens: Iterable[str] | None) -> set[str]:
    """``["cells", "missing-date"]`` → the set of codes; raise ValueError on an unknown token."""
    out: set[str] = set()
    for tok in tokens or ():
        for part in str(tok).split(","):
            part = part.strip()
            if not part:
                continue
            if part in FAMILIES:
                out.update(FAMILIES[part])
            elif part in messages.CODES:
                out.add(part)
            else:
                raise ValueError(part)
    return out


def code_filter(select: Iterable[str] | None = None,
                ignore: Iterable[str] | None = None) -> Callable[[Finding], bool]:
    """A predicate keeping the findings that ``--select`` / ``--ignore`` let through."""
    sel = expand_codes(select)
    ign = expand_codes(ignore)

    def keep(f: Finding) -> bool:
        if sel and f.code not in sel:
            return False
        return f.code not in ign

    return keep


_SHEET_CHECKS: list = []


def sheet_checks() -> list[Callable[[Any, Env], Iterator[Finding]]]:
    """The per-sheet checks, in a fixed order."""
    if not _SHEET_CHECKS:
        from danhgia.checks import bonus, cells, completion, dates, grades, header, ratios, totals

        _SHEET_CHECKS[:] = [header.check, cells.check, totals.check, bonus.check, completion.check,
                            ratios.check, grades.check, dates.check]
    return list(_SHEET_CHECKS)


def number(d: Decimal | None) -> Any:
    """A Decimal as it should appear in a message parameter (2,5 not 2.50)."""
    if d is None:
        return None
    from danhgia.findings import jsonable

    return jsonable(d)


def fmt(d: Decimal | None) -> str:
    """Decimal for message text, Vietnamese style (comma decimal)."""
    if d is None:
        return ""
    v = number(d)
    return str(v).replace(".", ",")
