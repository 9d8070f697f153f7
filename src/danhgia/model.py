"""The Scoresheet: what the reader found on one worksheet, every value with its cell.

The reader (``danhgia.read.workbook`` + ``danhgia.read.locate``) produces Scoresheets; checks turn them
into findings; ``danhgia.monthly`` turns them into monthly results. Values are kept *raw* (as
the file holds them) with their A1 cell, and parsed on demand with ``danhgia.text``, so a
check can say exactly what was typed where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from danhgia.findings import Finding
from danhgia.text import fold, id_text
from danhgia.text import Parsed, parse_date, parse_grade, parse_number

# Header fields the reader looks for (keys of Scoresheet.fields).
FIELD_KEYS = (
    "name", "id", "position", "unit", "month", "year",
    "self_date", "leader_date", "head_date", "self_grade", "decided_grade", "bonus_note",
    "completion_share",
)
SCORE_COLUMNS = ("self", "leader")


@dataclass(slots=True)
class Entry:
    """One cell's value as read: ``raw`` is what calamine returned (str, float, int, bool,
    date/datetime or None); ``cell`` is its A1 reference on ``Scoresheet.sheet``."""

    cell: str
    raw: Any = None

    @property
    def blank(self) -> bool:
        return self.raw is None or (isinstance(self.raw, str) and not self.raw.strip())

    def number(self) -> Parsed:
        return parse_number(self.raw)

    def date(self) -> Parsed:
        return parse_date(self.raw)

    def grade(self) -> Parsed:
        return parse_grade(self.raw)

    def text(self) -> str:
        return "" if self.raw is None else str(self.raw).strip()


@dataclass(slots=True)
class CriterionRow:
    """A row of the criteria table: its code, the cells of each score column."""

    code: str
    label: str
    row: int                                     # 1-based row number
    max: Entry | None = None                     # the max written on the form
    scores: dict[str, Entry] = field(default_factory=dict)   # "self" / "leader" → Entry
    note: Entry | None = None
    share: Entry | None = None                   # II.2 completion share, when the form has it


@dataclass
class Scoresheet:
    file: str                                    # as given / relative display path
    sheet: str
    variant: str | None = None
    variant_source: str | None = None            # "marker" | "title" | "roster" | "framework"
    framework_id: str | None = None              # from the template marker, when present
    framework_version: str | None = None
    title: str = ""
    fields: dict[str, Entry] = field(default_factory=dict)
    rows: dict[str, CriterionRow] = field(default_factory=dict)       # leaf and parent rows by code
    stored_totals: dict[str, dict[str, Entry]] = field(default_factory=dict)  # code or "TOTAL" → column → Entry
    columns: dict[str, str] = field(default_factory=dict)   # "max"/"self"/"leader"/"note"/"share" → column letter
    # several reviewers' columns ("Điểm cấp phó | Điểm cấp trưởng"): "leader" and "review1"… →
    # header text; their cells are in each row's ``scores`` under the same keys
    reviewers: dict[str, str] = field(default_factory=dict)
    period: tuple[int, int] | None = None        # (year, month) from the fields or the title
    quarter: tuple[int, int] | None = None       # (year, q) of a quarterly form (danhgia.period)
    period_cell: str | None = None
    notes: list[Finding] = field(default_factory=list)      # reader findings (encoding, text-as-number …)
    products: Any = None                         # NĐ 335 product list of the workbook (read.products)

    # --- convenience -------------------------------------------------------------------------
    def field_text(self, key: str) -> str:
        e = self.fields.get(key)
        return e.text() if e else ""

    @property
    def person(self) -> str:
        return self.field_text("name")

    @property
    def person_id(self) -> str:
        e = self.fields.get("id")
        return id_text(e.raw) if e else ""

    def leaf_values(self, column: str) -> dict[str, Decimal | None]:
        """Parsed numbers of one score column; blanks and non-numbers are ``None``."""
        out: dict[str, Decimal | None] = {}
        for code, row in self.rows.items():
            e = row.scores.get(column)
            p = e.number() if e else None
            out[code] = p.value if p is not None and p.kind in ("number", "text-number") else None
        return out

    def finding(self, code: str, **kw: Any) -> Finding:
        """A Finding located on this sheet, with the person filled in."""
        kw.setdefault("person", self.person or None)
        kw.setdefault("person_id", self.person_id or None)
        return Finding(code=code, file=self.file, sheet=self.sheet, **kw)


@dataclass
class ReadContext:
    """What the reader needs besides the file; picklable so ``--jobs N`` can ship it to workers.

    ``framework_for(variant, group)`` resolves the framework by the flag, the unit file and the
    preset default (see ``danhgia.config.framework_for``).
    """

    config: Any = None                 # danhgia.config.UnitConfig
    framework_ref: str | None = None   # --framework
    roster: Any = None                 # danhgia.roster.Roster | None
    limits: Any = None                 # danhgia.config.Limits
    quarter: tuple[int, int] | None = None   # --quarter (year, q): the run is a quarter's (danhgia.period)

    def framework_for(self, variant: str | None = None, group: str | None = None):
        from danhgia import config as cfg_mod

        return cfg_mod.framework_for(self.config or cfg_mod.UnitConfig(), self.framework_ref, variant, group)

    def frameworks_in_use(self) -> list:
        """The default framework and every one the unit file names per variant or group."""
        out = [self.framework_for()]
        for key in (self.config.frameworks if self.config is not None else {}):
            fw = self.framework_for(key, key)
            if all(fw is not f for f in out):
                out.append(fw)
        return out

    def variant_names(self):
        """The names (id, title, alias) of every variant of the frameworks in use."""
        from danhgia.framework import VariantNames
        from danhgia.roster import VARIANT_WORDS

        return VariantNames(self.frameworks_in_use(), extra=VARIANT_WORDS)

    def get_limits(self):
        from danhgia.config import Limits

        return self.limits or (self.config.limits if self.config is not None else Limits())


# ---------------------------------------------------------------------------------------------
# A consolidated monthly workbook read back (``danhgia.read.monthly_read`` builds these; the annual
# rating and the roll-up use them).

FATAL_CODES = ("file-unreadable", "file-encrypted", "file-too-large", "not-a-tally", "own-output",
               "monthly-header-missing", "monthly-month-unknown")


def source_key(raw: Any) -> str:
    """A "Nguồn" label as the reader keys it: folded, without trailing colons or stars."""
    return fold(raw).strip(" :*.")


def month_text(ym: tuple[int, int] | None) -> str:
    """``(2026, 10)`` → ``"2026-10"`` (the form used in reports and JSON)."""
    return "" if ym is None else f"{ym[0]:04d}-{ym[1]:02d}"


@dataclass
class MonthlyRow:
    """One person's line of "Chi tiết". Values are parsed; ``cells`` maps each key to its A1 cell.

    ``grade`` is the grade that counts: the final grade column (which a head may have changed by
    hand), else the decided grade. ``status`` is a code of ``layout.STATUSES`` or ``None`` when the
    cell is blank and nothing allows a guess.
    """

    row: int
    id: str
    name: str = ""
    unit: str = ""
    group: str | None = None
    task_group: str | None = None
    position: str = ""
    variant: str | None = None
    blocks: dict[str, Decimal | None] = field(default_factory=dict)
    ratios: dict[str, Decimal | None] = field(default_factory=dict)   # NĐ 335 letter → %
    self_total: Decimal | None = None
    leader_total: Decimal | None = None
    self_grade: str | None = None
    decided_grade: str | None = None
    final_grade: str | None = None
    status: str | None = None
    notes: str = ""
    source_file: str = ""
    source_sheet: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    months: list[int] = field(default_factory=list)    # a quarter's row: the months its score covers
    quarter: tuple[int, int] | None = None             # the row comes from a quarter's workbook

    @property
    def grade(self) -> str | None:
        return self.final_grade or self.decided_grade


@dataclass
class MonthlyWorkbook:
    file: str                                   # display name
    path: str
    sha256: str = ""
    month: tuple[int, int] | None = None
    quarter: tuple[int, int] | None = None      # a quarter's workbook (spread over its months for the annual)
    unit: str = ""
    framework: str | None = None
    framework_version: str | None = None
    tool_version: str | None = None
    detail_sheet: str | None = None
    header_row: int | None = None               # 1-based
    columns: dict[str, str] = field(default_factory=dict)   # key → column letter
    sources: dict[str, Any] = field(default_factory=dict)   # every "Nguồn" label (folded) → value
    rows: list[MonthlyRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def source(self, label: str) -> Any:
        """The value of a "Nguồn" row by its label (compared folded), or None."""
        return self.sources.get(source_key(label))

    @property
    def usable(self) -> bool:
        """True when the people rows and the month could be read."""
        return not any(f.code in FATAL_CODES for f in self.findings)

    @property
    def month_text(self) -> str:
        if self.quarter is not None and self.month is None:
            from danhgia.period import quarter_text

            return quarter_text(self.quarter)
        return month_text(self.month)
