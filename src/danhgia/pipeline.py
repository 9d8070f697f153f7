"""The validation run: collect inputs, read and check each file (in N processes), then the
checks that need every file (roster, duplicates). ``validate`` reports it; ``tally`` builds on it.

Workers return compact ``SheetOutcome`` objects, not whole Scoresheets, so memory stays small
however many files a district sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from danhgia.findings import Finding


@dataclass
class SheetOutcome:
    """What later stages need to know about one scoresheet (one person, one month)."""

    file: str
    sheet: str
    person: str = ""
    person_id: str = ""
    unit: str = ""                    # as written on the sheet
    position: str = ""
    variant: str | None = None
    framework_id: str | None = None
    period: tuple[int, int] | None = None
    blocks_self: dict[str, Decimal | None] = field(default_factory=dict)    # top-level block code → subtotal
    blocks_leader: dict[str, Decimal | None] = field(default_factory=dict)
    self_total: Decimal | None = None
    leader_total: Decimal | None = None
    self_grade: str | None = None       # as written (parsed), may be None
    decided_grade: str | None = None    # the head's decision as written (parsed)
    leader_band: str | None = None      # band of the leader total
    has_leader_scores: bool = False     # every score leaf has a leader value
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


@dataclass
class FileOutcome:
    file: str                           # display path
    path: str                           # real path (or archive member marker)
    sha256: str = ""
    sheets: list[SheetOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # file-level findings (unreadable, …)


@dataclass
class RunResult:
    files: list[FileOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # run-level (roster, duplicates, missing)
    month: tuple[int, int] | None = None

    def sheets(self) -> list[SheetOutcome]:
        return [s for f in self.files for s in f.sheets]

    def all_findings(self) -> list[Finding]:
        out = [x for f in self.files for x in f.findings]
        out += [x for s in self.sheets() for x in s.findings]
        out += self.findings
        return sorted(out, key=Finding.sort_key)


def run(paths: list[str | Path], ctx, month: tuple[int, int] | None = None, jobs: int = 1,
        progress=None) -> RunResult:
    """Read and check every input. ``ctx`` is a ``danhgia.model.ReadContext``; ``progress`` an
    optional callable(done, total). Filled in by the validate issue."""
    raise NotImplementedError
