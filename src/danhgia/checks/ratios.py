"""NĐ 335/2025 task-result ratios (part II of Mẫu 01): a, b, c — leaders also d, đ, e — are
percentages. Each must be given, be a number from 0 to 100 (over 100 only when the unit's
setting ``task_ratios.capped`` is false) and, on a leader's form, d must follow the results of
the people they lead when those are known (``leader-d-mismatch``, a run-level check).

A ratio typed as ``95%`` is read as 95; a cell formatted as a percentage holds 0.95 and is read
as 95% with a warning (``ratio-as-fraction``), since nobody reports 0.95% of a plan done.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from danhgia.checks import Env, fmt, number
from danhgia.findings import Finding
from danhgia.text import BLANK, NOT_NUMBER, NUMBER, TEXT_NUMBER, Parsed, parse_number

COLUMNS = ("self", "leader")
HUNDRED = Decimal(100)


def ratio_value(raw: Any) -> tuple[Parsed, bool]:
    """(parsed percent, read from a fraction) of a ratio cell: ``95``, ``"95%"``, ``"95,5 %"``,
    and a percent-formatted ``0.95`` (→ 95, flagged)."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        p = parse_number(raw.strip().rstrip("%").strip())
        return (Parsed(TEXT_NUMBER, p.value) if p.kind in (NUMBER, TEXT_NUMBER) else Parsed(NOT_NUMBER, raw)), False
    p = parse_number(raw)
    if p.kind == NUMBER and 0 < p.value < 1:
        return Parsed(NUMBER, p.value * HUNDRED), True
    return p, False


def check(sheet, env: Env) -> Iterator[Finding]:
    variant = env.variant
    if variant is None:
        return
    ratios = env.plan.ratios
    if not ratios:
        return
    capped = env.framework.ratios_capped
    for column in COLUMNS:
        if column == "leader" and env.leader_blank:
            continue
        for c in ratios:
            row = sheet.rows.get(c.code)
            entry = row.scores.get(column) if row is not None else None
            letter = c.letter or c.code
            params = {"column": column, "letter": letter}
            if entry is None or entry.blank:
                yield sheet.finding("ratio-missing", cell=entry.cell if entry else None,
                                    criterion=c.code, params=params)
                continue
            p, fraction = ratio_value(entry.raw)
            if p.kind == NOT_NUMBER:
                yield sheet.finding("score-not-number", cell=entry.cell, criterion=c.code,
                                    value=entry.raw, params=params)
                continue
            if fraction:
                yield sheet.finding("ratio-as-fraction", cell=entry.cell, criterion=c.code,
                                    value=p.value, params={**params, "raw": entry.raw})
            elif p.kind == TEXT_NUMBER and not str(entry.raw).strip().endswith("%"):
                yield sheet.finding("text-as-number", cell=entry.cell, criterion=c.code,
                                    value=p.value, params={**params, "raw": entry.raw})
            v = p.value
            if v < 0 or (capped and v > HUNDRED):
                yield sheet.finding("ratio-out-of-range", cell=entry.cell, criterion=c.code,
                                    value=v, expected="0–100",
                                    params={**params, "counted": fmt(max(min(v, HUNDRED), Decimal(0)))})
    if sheet.products is not None:
        yield from _products(sheet, env, ratios)


def _products(sheet, env: Env, ratios) -> Iterator[Finding]:
    """The form's a, b, c against the product list of the same workbook. They agree when the
    form's value equals the list's ratio rounded to the decimals the form shows (92 for 91.67)."""
    from danhgia.scoring import ratios_from_products

    pl = sheet.products
    if pl.bad_cells:
        cell, raw = pl.bad_cells[0]
        yield Finding("product-list-unreadable", file=sheet.file, sheet=pl.sheet, cell=cell,
                      person=sheet.person or None, person_id=sheet.person_id or None, value=raw,
                      params={"sheet_name": pl.sheet, "cell": cell, "value": raw})
        return
    if not pl.usable:
        return
    tr = env.framework.task_ratios
    got = ratios_from_products([r for r in pl.rows],
                               tr.error_deduction if tr else Decimal(25), tr.delay_deduction if tr else Decimal(25))
    column = "self" if env.leader_blank else "leader"
    for c in ratios:
        expected = got.get(c.letter or "")
        if expected is None:
            continue
        row = sheet.rows.get(c.code)
        entry = row.scores.get(column) if row is not None else None
        value = env.leaves(column).get(c.code)
        if entry is None or value is None:
            continue
        exp = expected.quantize(Decimal(1) if value == value.to_integral_value() else
                                Decimal(1).scaleb(value.as_tuple().exponent))
        if exp != value:
            yield sheet.finding("ratio-product-mismatch", cell=entry.cell, criterion=c.code, value=value,
                                expected=expected, params={"column": column, "letter": c.letter,
                                                           "sheet_name": pl.sheet, "value": fmt(value),
                                                           "expected": fmt(expected)})


# --- the leader's d against the results of the people they lead --------------------------------


def expected_d(grades: list[str | None], rules) -> Decimal | None:
    """d when the subordinates' grades are known: any KHTNV (D) → ``leader_d_any_khtnv``; all
    known and HTNV or better → ``leader_d_all_htnv``; otherwise unknown (None)."""
    if any(g == "D" for g in grades):
        return rules.leader_d_any_khtnv
    if grades and all(g in ("A", "B", "C") for g in grades):
        return rules.leader_d_all_htnv
    return None


def run_check(sheets: Iterable[Any], roster, framework_for: Callable) -> Iterator[Finding]:
    """``leader-d-mismatch`` for each NĐ 335 leader form whose d differs from what the grades of
    the non-leaders of the same unit (roster unit, else the unit written on the sheet) give.
    Only when every subordinate in the roster has a graded sheet in the run (or one is KHTNV)."""
    from danhgia.roster import index_of

    sheets = [s for s in sheets if s.not_evaluated is None]
    idx = index_of(roster)

    def person_of(s):
        return idx.find(s.person_id, s.person) if idx is not None else None

    def unit_of(s, p) -> str:
        return (p.unit if p is not None and p.unit else s.unit or "").strip()

    by_unit: dict[str, list[tuple[Any, Any]]] = {}
    for s in sheets:
        p = person_of(s)
        by_unit.setdefault(unit_of(s, p), []).append((s, p))
    for unit, members in by_unit.items():
        for s, p in members:
            if s.ratio_d is None:
                continue
            fw = framework_for(s.variant, p.group if p is not None else None)
            v = fw.variant(s.variant) if s.variant else None
            if v is None or not v.leader or fw.task_ratios is None:
                continue
            subs = []
            for s2, p2 in members:
                if s2 is s:
                    continue
                fw2 = framework_for(s2.variant, p2.group if p2 is not None else None)
                v2 = fw2.variant(s2.variant) if s2.variant else None
                if v2 is not None and v2.leader:
                    continue
                subs.append(s2.decided_grade or s2.leader_band)
            if roster is not None:
                graded = {s2.person_id for s2, _p in members}
                for q in roster.people:
                    if (q.unit or "").strip() == unit and q.id not in graded \
                            and not _leader_variant(q.variant, framework_for, q.group):
                        subs.append(None)          # a subordinate whose result is not known yet
            exp = expected_d(subs, fw.task_ratios)
            value, cell = s.ratio_d
            if exp is not None and value != exp:
                yield Finding("leader-d-mismatch", file=s.file, sheet=s.sheet, cell=cell,
                              person=s.person or None, person_id=s.person_id or None,
                              criterion=s.ratio_d_code, value=value, expected=exp,
                              params={"value": fmt(value), "expected": fmt(exp), "unit": unit,
                                      "people": len([g for g in subs if g is not None]),
                                      "khtnv": sum(1 for g in subs if g == "D")})


def _leader_variant(variant_id, framework_for, group) -> bool:
    if not variant_id:
        return False
    fw = framework_for(variant_id, group)
    v = fw.variant_for(variant_id)
    return bool(v is not None and v.leader)


__all__ = ["check", "run_check", "ratio_value", "expected_d", "number"]
