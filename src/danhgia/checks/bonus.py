"""Bonus points need a written statement of the work that earns them (domain §2.3): a bonus
item with points above 0, whose framework marks it ``note_required`` (itself or a parent), and
no statement in the "Nội dung đề nghị cộng điểm thưởng" field nor in the row's note cell.
"""

from __future__ import annotations

from typing import Iterator

from danhgia.checks import Env
from danhgia.findings import Finding

COLUMNS = ("self", "leader")


def check(sheet, env: Env) -> Iterator[Finding]:
    if env.variant is None:
        return
    note = sheet.fields.get("bonus_note")
    has_general_note = note is not None and not note.blank
    for c in env.plan.note_required:
        row = sheet.rows.get(c.code)
        if row is None or has_general_note or (row.note is not None and not row.note.blank):
            continue
        for column in COLUMNS:
            value = env.leaves(column).get(c.code)
            if value is not None and value > 0:
                yield sheet.finding("bonus-without-note", cell=row.scores[column].cell,
                                    criterion=c.code, value=value,
                                    params={"column": column})
                break
