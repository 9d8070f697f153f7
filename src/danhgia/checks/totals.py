"""Totals: a block whose items add up past its maximum, and a total written on the sheet (a
formula's cached value or a typed number) that differs from the sum recomputed from the items.

Totals are always recomputed from the leaves with exact Decimal arithmetic; a stored total that
is blank (a formula with no cached value, as files written by scripts have) is normal.
"""

from __future__ import annotations

from typing import Iterator

from danhgia.checks import Env, fmt, number, parse_score
from danhgia.findings import Finding
from danhgia.text import NUMBER, TEXT_NUMBER
from danhgia.scoring import compute

COLUMNS = ("self", "leader")


def _total_cell(sheet, code: str, column: str) -> str | None:
    stored = sheet.stored_totals.get(code, {}).get(column)
    if stored is not None:
        return stored.cell
    row = sheet.rows.get(code)
    e = row.scores.get(column) if row is not None else None
    return e.cell if e is not None else None


def check(sheet, env: Env) -> Iterator[Finding]:
    variant = env.variant
    if variant is None:
        return
    everything = env.compiled.everything         # names the grand total in any language
    for column in COLUMNS:
        if column == "leader" and env.leader_blank:
            continue
        totals = env.totals(column)
        values = totals.values
        if totals.missing:
            # a block can be over its maximum even while some of its items are blank
            leaves = {k: v for k, v in env.leaves(column).items() if v is not None}
            leaves.update({code: 0 for code in totals.missing})
            values = compute(variant, leaves, env.framework.ratios_capped).values
        for block in variant.criteria:
            v = values.get(block.code)
            if v is not None and v > block.max:
                yield sheet.finding("block-over-max", cell=_total_cell(sheet, block.code, column),
                                    criterion=block.code, value=v, expected=f"<= {number(block.max)}",
                                    params={"column": column, "max": fmt(block.max)})
        for code, by_col in sheet.stored_totals.items():
            stored = by_col.get(column)
            if stored is None:
                continue
            raw = stored.raw
            if raw is None or isinstance(raw, str) and not raw.strip():
                continue                              # blank (Entry.blank)
            parsed = parse_score(raw)                 # cached: stored totals repeat across sheets
            if parsed.kind not in (NUMBER, TEXT_NUMBER):
                continue
            computed = totals.total if code == "TOTAL" else totals.values.get(code)
            if computed is None or parsed.value == computed:
                continue
            yield sheet.finding("total-mismatch", cell=stored.cell,
                                criterion=None if code == "TOTAL" else code,
                                value=parsed.value, expected=computed,
                                params={"column": column,
                                        "criterion": everything if code == "TOTAL" else code})
