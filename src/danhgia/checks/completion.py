"""Hanoi II.2: the points must lie in the band that the declared completion share allows
(90–100 % → 45–50, 80 to under 90 % → 40 to under 45, …). Checked only when the share is given,
on the row's share cell or in the header field "completion_share".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from danhgia.checks import Env, fmt, parse_score
from danhgia.findings import Finding
from danhgia.text import NUMBER, TEXT_NUMBER, parse_number

COLUMNS = ("self", "leader")
HUNDRED = Decimal(100)


def share_percent(entry) -> Decimal | None:
    """The share as a percent: ``95``, ``"95%"``, ``"95 %"`` and a percent-formatted ``0.95``."""
    if entry is None or entry.blank:
        return None
    raw = entry.raw
    if isinstance(raw, str):
        s = raw.strip()
        percent = s.endswith("%")
        parsed = parse_number(s.rstrip("%").strip())
        if parsed.kind not in (NUMBER, TEXT_NUMBER):
            return None
        value = parsed.value
        return value if percent or value > 1 else value * HUNDRED
    parsed = parse_score(raw)                   # Entry.number(), cached
    if parsed.kind != NUMBER:
        return None
    value = parsed.value
    # a cell formatted as % holds 0.95; nobody declares "1 %" of the plan done
    return value * HUNDRED if 0 < value <= 1 else value


def check(sheet, env: Env) -> Iterator[Finding]:
    if env.variant is None:
        return
    for c in env.plan.completion:
        row = sheet.rows.get(c.code)
        if row is None:
            continue
        share = share_percent(row.share)
        if share is None:
            share = share_percent(sheet.fields.get("completion_share"))
        if share is None:
            continue
        band = next((b for b in c.completion_bands if b.share.contains(share)), None)
        if band is None:
            continue
        for column in COLUMNS:
            value = env.leaves(column).get(c.code)
            if value is None or value > c.max or value < c.min or band.points.contains(value):
                continue
            yield sheet.finding("completion-mismatch", cell=row.scores[column].cell,
                                criterion=c.code, value=value, expected=band.points.describe(),
                                params={"column": column, "share": fmt(share)})
