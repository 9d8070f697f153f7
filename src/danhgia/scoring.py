"""Totals, bands and grades with exact decimal arithmetic.

Scores are entered at the leaves of a variant's criteria tree. A parent is the sum of its
score and bonus children minus its deduction children, never below 0. A blank score leaf is
*missing* (never zero); a blank bonus or deduction leaf means none was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from danhgia.framework import Criterion, Framework, Variant

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class Totals:
    values: dict[str, Decimal | None]
    total: Decimal | None
    missing: list[str] = field(default_factory=list)   # score leaves with no value
    clamped: list[str] = field(default_factory=list)   # blocks raised back to 0 after deductions
    capped: list[str] = field(default_factory=list)    # bonus blocks cut back to their max

    @property
    def complete(self) -> bool:
        return not self.missing


class _Flat:
    """A variant's tree in post-order, compiled once: (code, kind, is_leaf, [(child index,
    is_deduction, child code)], max, the criterion when it is ``computed_from``) per node, and
    the indices of the top-level blocks."""

    __slots__ = ("variant", "nodes", "blocks")

    def __init__(self, variant: Variant):
        self.variant = variant
        self.nodes: list[tuple[str, str, bool, list[tuple[int, bool, str]], Decimal, Criterion | None]] = []
        self.blocks: list[tuple[int, bool]] = []

        def add(c: Criterion) -> int:
            kids = [(add(ch), ch.kind == "deduction", ch.code) for ch in c.children]
            self.nodes.append((c.code, c.kind, not c.children, kids, c.max,
                               c if c.children and c.computed_from else None))
            return len(self.nodes) - 1

        for block in variant.criteria:
            self.blocks.append((add(block), block.kind == "deduction"))


_FLAT: dict[int, _Flat] = {}


def _flat(variant: Variant) -> _Flat:
    hit = _FLAT.get(id(variant))
    if hit is None or hit.variant is not variant:
        if len(_FLAT) > 256:
            _FLAT.clear()
        hit = _FLAT[id(variant)] = _Flat(variant)
    return hit


def compute(variant: Variant, leaves: Mapping[str, Decimal | None], ratios_capped: bool = True) -> Totals:
    """Compute every parent and the total from leaf values (``None`` = blank).

    A parent with ``computed_from`` (NĐ 335 task results) is not a sum: it is its max × the mean
    of its ratio children (see :func:`points_from_percentages`); ``ratios_capped`` counts each ratio at
    most 100%.

    One loop over the variant's tree in post-order (compiled once per variant), exact Decimal
    arithmetic; ``values`` is filled in post-order (children before their parent)."""
    values: dict[str, Decimal | None] = {}
    missing: list[str] = []
    clamped: list[str] = []
    capped: list[str] = []
    flat = _flat(variant)
    part: list[Decimal | None] = []          # what each node contributes to its parent
    get = leaves.get
    for code, kind, leaf, kids, cmax, computed in flat.nodes:
        if leaf:
            v = get(code)
            values[code] = v
            if v is None:
                if kind == "score" or kind == "ratio":
                    missing.append(code)
                    part.append(None)
                else:
                    part.append(ZERO)
            else:
                part.append(v)
            continue
        if computed is not None:
            points = points_from_percentages(computed, {kc: part[j] for j, _d, kc in kids}, ratios_capped)
            values[code] = points
            part.append(points)
            continue
        acc: Decimal | None = ZERO
        for j, deduction, _kc in kids:
            p = part[j]
            if p is None or acc is None:
                acc = None
                continue
            acc = acc - p if deduction else acc + p
        if acc is not None and acc < 0:
            clamped.append(code)
            acc = ZERO
        if acc is not None and kind == "bonus" and acc > cmax:
            capped.append(code)   # bonus points never count beyond the block's max (10)
            acc = cmax
        values[code] = acc
        part.append(acc)

    total: Decimal | None = ZERO
    for i, deduction in flat.blocks:
        p = part[i]
        if p is None or total is None:
            total = None
        else:
            total = total - p if deduction else total + p
    if total is not None and total < 0:
        total = ZERO
    return Totals(values=values, total=total, missing=missing, clamped=clamped, capped=capped)


def grade_of(framework: Framework, score: Decimal | None) -> str | None:
    return None if score is None else framework.grade_for(score)


def on_step(value: Decimal, step: Decimal) -> bool:
    return step <= 0 or (value % step) == 0


def mean(values: list[Decimal], places: Decimal = Decimal("0.01")) -> Decimal | None:
    """Arithmetic mean rounded half-up to two decimals (the precision scores are kept in)."""
    from decimal import ROUND_HALF_UP

    if not values:
        return None
    return (sum(values, ZERO) / Decimal(len(values))).quantize(places, rounding=ROUND_HALF_UP)


def ratios_from_products(rows, error_deduction: Decimal = Decimal(25),
                         delay_deduction: Decimal = Decimal(25)) -> dict[str, Decimal | None]:
    """NĐ 335 a, b, c from a product list (rows with ``assigned``, ``done``, ``errors``,
    ``delays`` in converted quantities): a = Σ done / Σ assigned; b = Σ done × (1 − 25% per major
    error, not below 0) / Σ done; c likewise with delays; percents half-up to 0.01. A ratio whose
    denominator is 0 is None (nothing to measure, never a 0)."""
    return ratios_from_sums(product_sums(rows, error_deduction, delay_deduction))


def product_sums(rows, error_deduction: Decimal = Decimal(25),
                 delay_deduction: Decimal = Decimal(25)) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(Σ assigned, Σ done, Σ done of the right quality, Σ done in time) of a product list, in
    converted quantities: what a quarter cumulates over its months."""
    assigned = sum((r.assigned for r in rows), ZERO)
    done = sum((r.done for r in rows), ZERO)
    quality = sum((r.done * max(ZERO, 1 - error_deduction * r.errors / HUNDRED) for r in rows), ZERO)
    timely = sum((r.done * max(ZERO, 1 - delay_deduction * r.delays / HUNDRED) for r in rows), ZERO)
    return assigned, done, quality, timely


def ratios_from_sums(sums: tuple[Decimal, Decimal, Decimal, Decimal]) -> dict[str, Decimal | None]:
    """a = done / assigned, b = quality / done, c = timely / done, in percent half-up to 0.01;
    a ratio whose denominator is 0 is None."""
    from decimal import ROUND_HALF_UP

    def pct(part: Decimal, whole: Decimal) -> Decimal | None:
        if not whole:
            return None
        return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    assigned, done, quality, timely = sums
    return {"a": pct(done, assigned), "b": pct(quality, done), "c": pct(timely, done)}


def points_from_percentages(c: Criterion, percentages: Mapping[str, Decimal | None],
                            capped: bool = True) -> Decimal | None:
    """NĐ 335/2025 task results: ``max × mean(percentages) / 100`` for a criterion whose
    framework entry names ``computed_from`` (quantity, quality, timeliness of the products;
    leaders also d, đ, e), rounded half-up to 0.01 and never above the max. ``capped``: each
    ratio counts at most 100% (the default; a unit may let one ratio over 100 make up for
    another, the points still never pass the max). ``None`` when a percentage is missing: a
    missing share is never taken as 0."""
    from decimal import ROUND_HALF_UP

    if not c.computed_from:
        raise ValueError(f"{c.code} is not computed from percentages")
    shares = [percentages.get(k) for k in c.computed_from]
    if any(s is None for s in shares):
        return None
    if capped:
        shares = [min(s, HUNDRED) for s in shares]  # type: ignore[type-var]
    mean_share = sum(shares, ZERO) / Decimal(len(shares))  # type: ignore[arg-type]
    points = (c.max * mean_share / Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(max(points, ZERO), c.max)
