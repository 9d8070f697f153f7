"""Validation checks, one module per family; each check yields Finding objects.

A sheet check is ``check(sheet, env) -> Iterator[Finding]``: ``sheet`` is a
``danhgia.model.Scoresheet`` and ``env`` a :class:`Env` (the framework, the variant, the month
asked for, the roster entry of the person, totals computed once for every family).

``FAMILIES`` is the registry: family name → the codes it can emit. ``--select`` / ``--ignore``
take codes or family names (see :func:`expand_codes` and :func:`code_filter`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from danhgia import messages
from danhgia.findings import Finding

# family → codes it emits (the reader's and the pipeline's codes are under "files")
FAMILIES: dict[str, tuple[str, ...]] = {
    "files": ("file-unreadable", "file-encrypted", "file-too-large", "not-a-scoresheet",
              "unknown-variant", "legacy-encoding", "unsafe-text"),
    "header": ("missing-field", "month-mismatch", "invalid-date"),
    "cells": ("missing-score", "score-not-number", "text-as-number", "score-above-max",
              "score-below-min", "score-not-on-step", "max-mismatch"),
    "totals": ("block-over-max", "total-mismatch"),
    "bonus": ("bonus-without-note",),
    "completion": ("completion-mismatch",),
    "grades": ("grade-mismatch", "grade-above-band", "invalid-grade", "missing-leader-score",
               "missing-decision"),
    "dates": ("self-assessment-early", "self-assessment-late", "decision-late", "missing-date"),
    "roster": ("not-in-roster", "variant-mismatch", "duplicate-person", "missing-submission",
               "exempt-month"),
}


@dataclass
class Env:
    """Everything a sheet check needs besides the sheet."""

    framework: Any                       # danhgia.framework.Framework
    variant: Any = None                  # danhgia.framework.Variant | None
    month: tuple[int, int] | None = None  # --month
    person: Any = None                   # danhgia.roster.Person | None
    roster: Any = None                   # danhgia.roster.Roster | None
    sheet: Any = None                    # the Scoresheet (for the cached totals)
    extra: dict[str, Any] = field(default_factory=dict)

    def leaves(self, column: str) -> dict[str, Decimal | None]:
        return self._leaves[column]

    @cached_property
    def _leaves(self) -> dict[str, dict[str, Decimal | None]]:
        return {col: self.sheet.leaf_values(col) for col in ("self", "leader")}

    def totals(self, column: str):
        """``danhgia.scoring.Totals`` of one score column (computed once per sheet)."""
        return self._totals[column]

    @cached_property
    def _totals(self) -> dict[str, Any]:
        from danhgia.scoring import compute

        return {col: compute(self.variant, self.leaves(col)) for col in ("self", "leader")}

    @cached_property
    def leader_blank(self) -> bool:
        """No leader score at all on the sheet: it is still at the self-assessment stage."""
        if self.variant is None:
            return True
        for c in self.variant.leaves():
            row = self.sheet.rows.get(c.code)
            e = row.scores.get("leader") if row else None
            if e is not None and not e.blank:
                return False
        return True


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


def sheet_checks() -> list[Callable[[Any, Env], Iterator[Finding]]]:
    """The per-sheet checks, in a fixed order."""
    from danhgia.checks import bonus, cells, completion, dates, grades, header, totals

    return [header.check, cells.check, totals.check, bonus.check, completion.check,
            grades.check, dates.check]


def score_entry(sheet: Any, code: str, column: str):
    """The Entry of ``column`` on the row ``code``, or None."""
    row = sheet.rows.get(code)
    return row.scores.get(column) if row is not None else None


def score_cell(sheet: Any, code: str, column: str) -> str | None:
    e = score_entry(sheet, code, column)
    return e.cell if e is not None else None


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
