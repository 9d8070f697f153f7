"""Annual events per person as models (discipline, leave, transfer, a leader's unit results).

Reading them from the roster's sheet "Sự kiện năm" or an ``--events`` file lives in
``danhgia.read.events``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from danhgia.findings import Finding
from danhgia.messages import say

LEADER_KEYS = ("targets_met", "targets_exceeded", "subunits_htnv", "subunits_htt")


@dataclass
class Discipline:
    form: str | None            # canonical form (one of DISCIPLINE_FORMS) or None when only "có"
    text: str                   # as written
    date: date | None = None
    related: bool | None = None             # None: not stated
    already_counted: bool | None = None
    cell: str = ""


@dataclass
class LeaderResults:
    targets_met: Decimal | None = None
    targets_exceeded: Decimal | None = None
    subunits_htnv: Decimal | None = None
    subunits_htt: Decimal | None = None
    corruption: bool | None = None
    unit_level: str | None = None        # the level of the unit a head runs (NĐ 233: a cap)

    def given(self) -> bool:
        return (any(getattr(self, k) is not None for k in LEADER_KEYS) or self.corruption is not None
                or self.unit_level is not None)


@dataclass
class AnnualEvents:
    id: str
    name: str = ""
    months_worked: Decimal | None = None
    absence_months: Decimal | None = None
    maternity_months: Decimal | None = None
    discipline: Discipline | None = None
    degradation: bool = False
    degradation_ref: str = ""
    transfer_from: str = ""
    transfer_months: Decimal | None = None
    leader: LeaderResults = field(default_factory=LeaderResults)
    proposed_level: str | None = None
    outstanding_unit: bool | None = None
    notes: str = ""
    file: str = ""
    sheet: str = ""
    row: int = 0
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return " › ".join(p for p in (self.file, self.sheet, f"dòng {self.row}" if self.row else "") if p)


@dataclass
class EventsTable:
    source: str
    sheet: str = ""
    sha256: str = ""
    events: dict[str, AnnualEvents] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def get(self, person_id: str) -> AnnualEvents | None:
        return self.events.get(person_id)


class EventsError(Exception):
    """The events file cannot be used at all (unreadable, no header row): exit 2."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(self.text("vi"))

    def text(self, lang: str = "vi") -> str:
        return f"{say(self.source, lang)}: {say(self.problem, lang)}"
