"""Twelve months into the year's rating: rule sets, strategies, overrides, quota, summary.

Inputs are the consolidated monthly workbooks (read with :mod:`danhgia.read.monthly_read`), the
roster (optional) and the annual events (:mod:`danhgia.events`, optional). :func:`rate` returns an
:class:`AnnualResult`; it never prints, never exits and never changes a level silently.

**Rule set** (:func:`rules_for`): ``--rules`` (preset id or YAML file) wins; then the unit file's
``annual_rules`` for the person's staff group; then the preset whose ``annual.applies_to`` covers
the rating year and the group (NĐ 90/48 for every group up to 2025 and for cán bộ, viên chức and
LĐHĐ after; NĐ 335/2025 for công chức from 2026). A person whose group is unknown gets the rule set
covering the most groups that year, with a ``group-unknown`` warning.

**Months.** Each month of the year is, for each person, ``classified`` (a grade, and usually a
score), ``not_evaluated`` (with its reason: excluded from counts and averages, never a zero),
``missing`` (no workbook, not in the workbook, not submitted, pending or invalid: reported, never
guessed, and by default the result is *provisional*) or ``not_employed`` (outside the roster's
dates). The grade that counts is the final-grade column, which a head may have changed by hand;
a grade better than that month's leader total allows is ``hand-grade-above-band`` (error), and
the grade is still used as written.

**Strategies** (proposed level): ``average`` — the mean of the leader totals of the classified
months, rounded half-up to 2 decimals (``danhgia.scoring.mean``), placed in the rule set's level
bands; ``count`` — the first of ``count_rules`` whose month counts / shares hold; ``manual`` — the
events' "Mức đề xuất", only checked by the overrides and the quota.

**Overrides**, in the order of domain.md §3.3, each recorded as :class:`Override` (rule, effect,
source) whenever its condition holds: not classified (< ``min_months_worked`` months worked,
unless maternity leave makes up the difference) → maternity (rated on the months worked) →
discipline in the year → degradation → leader's unit results below the thresholds → absence of
3 to under 6 months → quota check (per unit and task group, reported with a ranked list; never
applied).

Months worked: the events' value, else the months employed in the year (roster dates, else 12)
minus the months of absence and of maternity leave.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Iterable

from danhgia import framework as fw_mod
from danhgia import quota as quota_mod
from danhgia.events import AnnualEvents, EventsTable
from danhgia.findings import Finding, jsonable
from danhgia.framework import GROUPS, AnnualRules, GradeBand, grade_for
from danhgia.model import MonthlyRow, MonthlyWorkbook, month_text
from danhgia.text import fold
from danhgia.roster import GROUP_LABELS
from danhgia.scoring import mean
from danhgia.messages import Say
from danhgia.period import quarter_label

STRATEGIES = ("average", "count", "manual")
STRATEGY_LABELS: dict[str, tuple[str, str]] = {
    "average": ("Trung bình điểm các tháng", "Mean of the monthly scores"),
    "count": ("Đếm số tháng theo mức", "Count of months per grade"),
    "manual": ("Mức đơn vị đề xuất", "Level proposed by the unit"),
}


def strategy_label(strategy: str | None, lang: str = "vi") -> str:
    if strategy is None:
        return "Per rule set" if lang == "en" else "Theo quy định"
    vi, en = STRATEGY_LABELS.get(strategy, (strategy, strategy))
    return en if lang == "en" else vi
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# Override ids, in the order they apply, with their labels.
OVERRIDE_LABELS: dict[str, tuple[str, str]] = {
    "not_classified": ("Dưới thời gian công tác tối thiểu", "Below the minimum time worked"),
    "maternity": ("Nghỉ thai sản", "Maternity leave"),
    "discipline": ("Kỷ luật trong năm", "Disciplined in the year"),
    "degradation": ("Kết luận suy thoái", "Conclusion of degradation"),
    "leader": ("Kết quả đơn vị do lãnh đạo phụ trách", "Results of the unit the leader runs"),
    "head_unit": ("Không cao hơn mức của đơn vị phụ trách", "Not above the level of the unit run"),
    "absence": ("Nghỉ từ 3 đến dưới 6 tháng", "Absent 3 to under 6 months"),
    "lowered": ("Tháng bị thủ trưởng hạ loại", "Month lowered by the head"),
}
MONTH_STATUSES = ("classified", "not_evaluated", "missing", "not_employed")
MISSING_REASONS: dict[str, tuple[str, str]] = {
    "no_workbook": ("không có bảng tổng hợp tháng", "no monthly workbook"),
    "absent": ("không có tên trong bảng tổng hợp tháng", "not in the monthly workbook"),
    "missing": ("chưa nộp bảng điểm", "scoresheet not submitted"),
    "pending": ("chưa có kết quả đánh giá", "evaluation not finished"),
    "invalid": ("bảng điểm không hợp lệ", "invalid scoresheet"),
    "no_grade": ("chưa có xếp loại", "no grade"),
    "unknown": ("không rõ trạng thái", "status unknown"),
}
GROUP_KEYS = GROUPS + ("total",)
TOTAL_LABEL = ("Tổng", "Total")


class RulesError(Exception):
    """The annual rule set asked for cannot be used (unknown id, bad file, no annual section)."""


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole × 100`` rounded half-up to 2 decimals; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Rule sets


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    title: str
    title_en: str
    rules: AnnualRules
    ref: str              # preset id or file path as given

    def to_dict(self) -> dict:
        return {"id": self.id, "version": self.version, "title": self.title, "ref": self.ref}


def regime_note(year: int, group: str | None, rs: RuleSet) -> tuple[str, str] | None:
    """Say so when the year's default rule set for a staff group is unconfirmed (NĐ 233 for
    viên chức in 2026, NĐ 90/48 for LĐHĐ after 2025): the person's row names it and the setting."""
    if group is None:
        return None
    entry = next((a for a in rs.rules.applies_to if a.covers(year, group)), None)
    if entry is None or not (entry.verify or rs.rules.verify):
        return None
    return (f"Năm {year} áp dụng {rs.id} theo mặc định (cần xác minh); đơn vị đổi bằng "
            f"annual_rules.{group} trong danhgia.yaml",
            f"Rated under {rs.id} by default for {year} (to verify); a unit changes it with "
            f"annual_rules.{group} in danhgia.yaml")


def scores_from(rs: RuleSet | None, monthly_frameworks: set[str]) -> list[str]:
    """The period frameworks whose scores a rule set averages when it is itself a period scoring
    framework (NĐ 335: 30 + 70) and they are not it: a Hanoi công chức in 2026 has months on the
    20/70/10 sheet rated under NĐ 335. The annual says so in the person's row and «Nguồn»."""
    if rs is None:
        return []
    try:
        own = fw_mod.load(rs.ref) if rs.ref in fw_mod.preset_ids() else None
    except fw_mod.FrameworkError:
        own = None
    if own is None or not own.variants:
        return []
    return sorted(f for f in monthly_frameworks if f != rs.id)


def periods_note(s: "_Seen") -> tuple[str, str] | None:
    """(vi, en) listing the periods a person's year is made of when a quarter is among them:
    «Các kỳ: tháng 1, 2, …, 9; Quý IV/2026 (tháng 10, 11, 12)» — the mean of the months is then
    the mean of the period scores, a quarter counting for the months it covers (NĐ 335 Art. 21)."""
    quarters: dict[tuple[int, int], list[int]] = {}
    months: list[int] = []
    for m, (row, _wb) in sorted(s.rows.items()):
        if row.quarter is not None:
            quarters.setdefault(row.quarter, []).append(m)
        else:
            months.append(m)
    if not quarters:
        return None
    vi, en = [], []
    if months:
        vi.append("tháng " + ", ".join(map(str, months)))
        en.append("months " + ", ".join(map(str, months)))
    for q, ms in sorted(quarters.items()):
        vi.append(f"{quarter_label(q)} (tháng {', '.join(map(str, ms))})")
        en.append(f"{quarter_label(q, 'en')} (months {', '.join(map(str, ms))})")
    return ("Các kỳ: " + "; ".join(vi) + " — điểm quý tính cho mỗi tháng của quý",
            "Periods: " + "; ".join(en) + " — a quarter's score counts for each of its months")


def rules_text(p: "PersonResult", lang: str = "vi") -> str:
    """The rule set of a person's row, with the frameworks of the scores it averaged when those
    are not its own (``nd335-2025 · điểm tháng theo hanoi-2022``)."""
    rid = p.rules.id if p.rules else ""
    if not p.scores_from:
        return rid
    names = ", ".join(p.scores_from)
    return f"{rid} · " + (f"scores from {names}" if lang == "en" else f"điểm các kỳ theo {names}")


def regime_table(years: Iterable[int] = range(2025, 2028)) -> list[tuple[int, str, str, bool]]:
    """(year, staff group, rule set id, unconfirmed) for each year and group: the shipped presets'
    ``applies_to``, i.e. data, shown by ``danhgia framework regimes`` and the annual's «Nguồn»."""
    out = []
    presets = annual_presets()
    for year in years:
        for g in GROUPS:
            hit = next((rs for rs in presets if any(a.covers(year, g) for a in rs.rules.applies_to)), None)
            if hit is None:
                continue
            entry = next(a for a in hit.rules.applies_to if a.covers(year, g))
            out.append((year, g, hit.id, entry.verify or hit.rules.verify))
    return out


def load_rules(ref: str, overrides: dict | None = None) -> RuleSet:
    """Load an annual rule set: a preset id or a YAML file with an ``annual:`` section."""
    try:
        f = fw_mod.load(ref, overrides=overrides)
    except fw_mod.FrameworkError as exc:
        raise RulesError(Say(exc.text("vi"), exc.text("en"))) from None
    if f.annual is None:
        raise RulesError(Say(f"{ref}: không có phần «annual» (quy định xếp loại năm)",
                             f"{ref}: has no 'annual' section (annual rating rules)"))
    return RuleSet(id=f.id, version=f.version, title=f.title, title_en=f.title_en or f.title,
                   rules=f.annual, ref=str(ref))


def annual_presets() -> list[RuleSet]:
    out = []
    for pid in fw_mod.preset_ids():
        f = fw_mod.load(pid)
        if f.annual is not None and f.annual.applies_to:
            out.append(RuleSet(id=f.id, version=f.version, title=f.title, title_en=f.title_en or f.title,
                               rules=f.annual, ref=pid))
    return out


def rules_for(year: int, group: str | None, explicit: str | None = None,
              unit_rules: dict[str, str] | None = None, resolve=None) -> RuleSet:
    """The rule set for a rating year and staff group (see the module doc for the order).

    ``unit_rules`` is the unit file's ``annual_rules`` (group → id or file); ``resolve`` turns a
    relative file name of the unit file into a path (``UnitConfig.resolve_path``).
    """
    if explicit:
        return load_rules(explicit)
    if group and unit_rules and unit_rules.get(group):
        ref = unit_rules[group]
        if ref not in fw_mod.preset_ids() and resolve is not None:
            ref = resolve(ref) or ref
        return load_rules(ref)
    presets = annual_presets()
    if group:
        hits = [rs for rs in presets if any(a.covers(year, group) for a in rs.rules.applies_to)]
        if hits:
            return hits[0]
        raise RulesError(Say(f"không có quy định xếp loại năm nào áp dụng cho nhóm {group} năm {year}",
                             f"no annual rules cover group {group} in {year}"))
    # unknown group: the rule set covering the most groups that year
    best = max(presets, key=lambda rs: sum(any(a.covers(year, g) for a in rs.rules.applies_to) for g in GROUPS),
               default=None)
    if best is None:
        raise RulesError(Say("không có quy định xếp loại năm", "no annual rules available"))
    return best


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class MonthResult:
    month: int
    status: str                         # one of MONTH_STATUSES
    grade: str | None = None
    score: Decimal | None = None
    reason: str = ""                    # not evaluated: the reason; missing: the reason key
    reason_en: str = ""
    file: str = ""
    cell: str = ""
    hand_changed: bool = False          # final grade differs from the decided grade
    lowered_from: str | None = None     # the band the score allowed, when the head lowered the grade

    def to_dict(self, year: int) -> dict:
        return {"month": month_text((year, self.month)), "status": self.status, "grade": self.grade,
                "score": jsonable(self.score), "reason": self.reason or None,
                "file": self.file or None, "cell": self.cell or None, "hand_changed": self.hand_changed}


@dataclass
class Override:
    id: str                             # key of OVERRIDE_LABELS
    effect: str                         # Vietnamese
    effect_en: str
    before: str | None
    after: str | None
    source: str

    def rule(self, lang: str = "vi") -> str:
        vi, en = OVERRIDE_LABELS[self.id]
        return en if lang == "en" else vi

    def to_dict(self, lang: str = "vi") -> dict:
        return {"id": self.id, "rule": self.rule(lang),
                "effect": self.effect_en if lang == "en" else self.effect,
                "before": self.before, "after": self.after, "source": self.source}


@dataclass
class PersonResult:
    id: str
    name: str
    unit: str = ""
    group: str | None = None
    task_group: str | None = None
    position: str = ""
    variant: str | None = None
    leader: bool = False
    rules: RuleSet | None = None
    strategy: str = "average"
    months: dict[int, MonthResult] = field(default_factory=dict)
    months_worked: Decimal | None = None
    months_worked_source: str = ""      # "events" | "derived"
    employed_months: Decimal | None = None   # from the roster's dates, to the day
    absence_months: Decimal = Decimal(0)
    maternity_months: Decimal = Decimal(0)
    mean_score: Decimal | None = None
    proposed: str | None = None
    overrides: list[Override] = field(default_factory=list)
    final: str | None = None
    status: str = "pending"             # "classified" | "not_classified" | "pending"
    provisional: bool = False
    disciplined: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)   # (vi, en)
    scores_from: list[str] = field(default_factory=list)   # period frameworks ≠ the rule set (Hanoi months)

    # --- derived views ---------------------------------------------------------------------
    def grade_counts(self) -> dict[str, int]:
        out = {g: 0 for g in fw_mod.GRADES}
        for m in self.months.values():
            if m.status == "classified" and m.grade in out:
                out[m.grade] += 1
        return out

    def evaluated(self) -> list[MonthResult]:
        return [m for _, m in sorted(self.months.items()) if m.status == "classified"]

    def not_evaluated(self) -> list[MonthResult]:
        return [m for _, m in sorted(self.months.items()) if m.status == "not_evaluated"]

    def missing(self) -> list[MonthResult]:
        return [m for _, m in sorted(self.months.items()) if m.status == "missing"]

    def level_label(self, lang: str = "vi") -> str:
        """The final level's full label, or "Không xếp loại" / "Chưa xếp loại"."""
        if self.status == "not_classified":
            r = self.rules.rules if self.rules else None
            return (r.not_classified_label_en if lang == "en" else r.not_classified_label) if r else \
                ("Not classified" if lang == "en" else "Không xếp loại")
        if self.final is None:
            return "Not rated yet" if lang == "en" else "Chưa xếp loại"
        band = self.rules.rules.level(self.final) if self.rules else None
        if band is None:
            return self.final
        return band.label_en if lang == "en" and band.label_en else band.label

    def level_short(self) -> str:
        if self.final is None or self.rules is None:
            return ""
        band = self.rules.rules.level(self.final)
        return band.short if band and band.short else self.final

    def to_dict(self, year: int, lang: str = "vi") -> dict:
        en = lang == "en"
        return {
            "scores_from": list(self.scores_from),
            "id": self.id, "name": self.name, "unit": self.unit, "group": self.group,
            "task_group": self.task_group, "position": self.position, "variant": self.variant,
            "leader": self.leader,
            "rules": self.rules.id if self.rules else None,
            "rules_version": self.rules.version if self.rules else None,
            "strategy": self.strategy,
            "grades": self.grade_counts(),
            "months_evaluated": len(self.evaluated()),
            "not_evaluated": [{"month": month_text((year, m.month)), "reason": m.reason_en if en and m.reason_en else m.reason}
                              for m in self.not_evaluated()],
            "missing": [{"month": month_text((year, m.month)), "reason": m.reason_en if en else m.reason}
                        for m in self.missing()],
            "months_worked": jsonable(self.months_worked),
            "months_worked_source": self.months_worked_source,
            "absence_months": jsonable(self.absence_months),
            "maternity_months": jsonable(self.maternity_months),
            "mean_score": jsonable(self.mean_score),
            "proposed": self.proposed,
            "overrides": [o.to_dict(lang) for o in self.overrides],
            "final": self.final,
            "final_label": self.level_label(lang),
            "status": self.status,
            "provisional": self.provisional,
            "notes": [n[1] if en else n[0] for n in self.notes],
            "months": [m.to_dict(year) for _, m in sorted(self.months.items())],
        }


@dataclass
class GroupRow:
    """One line of the summary (domain.md §4): a unit (or "" for all units) × a staff group."""

    unit: str
    group: str                          # a GROUPS key or "total"
    staff: int = 0
    classified: int = 0
    not_classified: int = 0
    pending: int = 0
    grades: dict[str, int] = field(default_factory=lambda: {g: 0 for g in fw_mod.GRADES})
    cap: Decimal | None = None          # the quota percent that applies (A over the base)
    base: str = "exactly_b"             # the quota base: exactly_b (A over B) or b_or_better (A over A+B)
    disciplined: int = 0
    maternity: int = 0
    provisional: int = 0
    verdict: str | None = None          # from the quota checks (see ab_status)

    def share(self, grade: str) -> Decimal | None:
        return percent(self.grades[grade], self.classified)

    @property
    def ab_ratio(self) -> Decimal | None:
        """A over the quota base in percent (B, or A + B): the HTXS/HTT figure the quota caps.
        HTXS with nobody rated HTT is over any cap."""
        if self.base == "exactly_b":
            if self.grades["B"] == 0:
                return Decimal(100) if self.grades["A"] else None
            return percent(self.grades["A"], self.grades["B"])
        return percent(self.grades["A"], self.grades["A"] + self.grades["B"])

    @property
    def ab_status(self) -> str | None:
        """The quota checks' own verdict for this row (one verdict everywhere: terminal, JSON,
        every sheet): a unit's total says whether any of its checks is exceeded; a staff-group
        row has a verdict only where the rule caps per staff group, else it only shows its ratio
        (a quota per task group or pooled is not breached by one staff group's share)."""
        return self.verdict

    def group_label(self, lang: str = "vi") -> str:
        if self.group == "total":
            return TOTAL_LABEL[1] if lang == "en" else TOTAL_LABEL[0]
        vi, en = GROUP_LABELS[self.group]
        return en if lang == "en" else vi

    def notes(self, lang: str = "vi") -> str:
        parts = []
        for n, vi, en in ((self.not_classified, "không xếp loại", "not classified"),
                          (self.disciplined, "bị kỷ luật", "disciplined"),
                          (self.maternity, "nghỉ thai sản", "maternity leave"),
                          (self.pending, "chưa xếp loại", "not rated yet"),
                          (self.provisional, "tạm tính", "provisional")):
            if n:
                parts.append(f"{n} {en if lang == 'en' else vi}")
        return "; ".join(parts)

    def to_dict(self, lang: str = "vi") -> dict:
        return {"unit": self.unit or None, "group": self.group, "label": self.group_label(lang),
                "staff": self.staff, "classified": self.classified,
                "not_classified": self.not_classified, "pending": self.pending,
                "grades": dict(self.grades),
                "percent": {g: jsonable(self.share(g)) for g in fw_mod.GRADES},
                "ab_ratio": jsonable(self.ab_ratio), "cap": jsonable(self.cap),
                "ab_status": self.ab_status, "notes": self.notes(lang)}


@dataclass
class QuotaCheck:
    unit: str
    rules_id: str
    exceptional: bool
    result: quota_mod.QuotaResult
    pooling: str = "pooled"             # the rule's grouping: pooled | per_group | per_task_group

    @property
    def task_group(self) -> str:
        return self.result.scope

    def to_dict(self) -> dict:
        d = self.result.to_dict()
        d.update({"unit": self.unit, "task_group": self.result.scope or None, "rules": self.rules_id,
                  "exceptional": self.exceptional})
        d.pop("scope", None)
        return d


@dataclass
class UnitResult:
    unit: str
    staff: int = 0
    classified: int = 0
    not_classified: int = 0
    pending: int = 0
    provisional: int = 0
    grades: dict[str, int] = field(default_factory=lambda: {g: 0 for g in fw_mod.GRADES})
    exceptional: bool = False
    quota: list[QuotaCheck] = field(default_factory=list)

    @property
    def quota_status(self) -> str:
        return "exceeded" if any(q.result.status == "exceeded" for q in self.quota) else "ok"

    def to_dict(self) -> dict:
        return {"unit": self.unit, "staff": self.staff, "classified": self.classified,
                "not_classified": self.not_classified, "pending": self.pending,
                "provisional": self.provisional, "grades": dict(self.grades),
                "exceptional": self.exceptional, "quota_status": self.quota_status,
                "quota": [q.to_dict() for q in self.quota]}


@dataclass
class InputFile:
    file: str
    kind: str                           # monthly | roster | events | config | rules
    sha256: str = ""
    month: str = ""
    unit: str = ""


@dataclass
class AnnualResult:
    year: int
    strategy: str | None                # the strategy asked for (None: each rule set's default)
    people: list[PersonResult] = field(default_factory=list)
    units: list[UnitResult] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    rule_sets: list[RuleSet] = field(default_factory=list)
    months_present: list[int] = field(default_factory=list)
    provenance: Any = None              # danhgia.provenance.Provenance, set by the command

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def quota_exceeded(self) -> bool:
        return any(u.quota_status == "exceeded" for u in self.units)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.quota_exceeded

    def to_dict(self, lang: str = "vi") -> dict:
        by_code: dict[str, int] = {}
        for f in self.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {
            **({"provenance": self.provenance.to_dict()} if self.provenance is not None else {}),
            "year": self.year,
            "valid": self.ok,
            "strategy": self.strategy,
            "rules": [rs.to_dict() for rs in self.rule_sets],
            "summary": {
                "people": len(self.people),
                "classified": sum(p.status == "classified" for p in self.people),
                "not_classified": sum(p.status == "not_classified" for p in self.people),
                "pending": sum(p.status == "pending" for p in self.people),
                "provisional": sum(p.provisional for p in self.people),
                "months_present": [month_text((self.year, m)) for m in self.months_present],
                "errors": len(self.errors),
                "warnings": sum(f.severity == "warning" for f in self.findings),
                "by_code": by_code,
                "quota_exceeded": self.quota_exceeded,
            },
            "people": [p.to_dict(self.year, lang) for p in self.people],
            "units": [u.to_dict() for u in self.units],
            "groups": [g.to_dict(lang) for g in self.groups],
            "findings": [f.to_dict(lang) for f in self.findings],
            "inputs": [{"file": i.file, "kind": i.kind, "sha256": i.sha256 or None,
                        "month": i.month or None, "unit": i.unit or None} for i in self.inputs],
        }


# ---------------------------------------------------------------------------------------------
# The rating


@dataclass
class _Seen:
    """What the monthly workbooks say about one person."""

    rows: dict[int, tuple[MonthlyRow, MonthlyWorkbook]] = field(default_factory=dict)
    units: set[str] = field(default_factory=set)     # workbook units the person appears in


def rate(year: int, workbooks: list[MonthlyWorkbook], roster: Any = None,
         events: EventsTable | None = None, rules: str | None = None, strategy: str | None = None,
         config: Any = None) -> AnnualResult:
    """Rate every person for ``year``. ``roster`` is a :class:`danhgia.roster.Roster`;
    ``config`` a :class:`danhgia.config.UnitConfig`. ``rules`` / ``strategy`` are the flags.

    Raises :class:`RulesError` when a rule set asked for cannot be loaded (a usage problem).
    """
    if strategy is not None and strategy not in STRATEGIES:
        raise RulesError(Say(f"cách tính «{strategy}» không có (average, count, manual)",
                             f"unknown strategy «{strategy}» (average, count, manual)"))
    res = AnnualResult(year=year, strategy=strategy)
    unit_rules = dict(getattr(config, "annual_rules", {}) or {})
    resolve = getattr(config, "resolve_path", None)
    cfg_strategy = getattr(config, "strategy", None)
    if cfg_strategy is not None and cfg_strategy not in STRATEGIES:
        raise RulesError(Say(f"danhgia.yaml: cách tính (strategy) «{cfg_strategy}» không có (average, count, manual)",
                             f"danhgia.yaml: unknown strategy «{cfg_strategy}» (average, count, manual)"))
    chosen_strategy = strategy or cfg_strategy
    rules_cache: dict[str | None, RuleSet] = {}

    def rules_of(group: str | None) -> RuleSet:
        if group not in rules_cache:
            rules_cache[group] = rules_for(year, group, rules, unit_rules, resolve)
        return rules_cache[group]

    # --- the monthly workbooks -----------------------------------------------------------
    usable: list[MonthlyWorkbook] = []
    for wb in workbooks:
        res.findings.extend(wb.findings)
        res.inputs.append(InputFile(file=wb.file, kind="monthly", sha256=wb.sha256,
                                    month=wb.month_text, unit=wb.unit))
        if not wb.usable:
            continue
        if (wb.month or wb.quarter) is None or (wb.month or wb.quarter)[0] != year:   # type: ignore[index]
            res.findings.append(Finding("month-outside-year", file=wb.file, value=wb.month_text, expected=year))
            continue
        usable.append(wb)
    from danhgia.quarter import expand_quarters   # a quarter stands for its months

    usable = expand_quarters(usable)
    by_unit_month: dict[str, set[int]] = {}
    for wb in usable:
        by_unit_month.setdefault(wb.unit, set()).add(wb.month[1])  # type: ignore[index]
    months_present = sorted({m for ms in by_unit_month.values() for m in ms})
    res.months_present = months_present
    named_units = [u for u in by_unit_month if u]
    if len(named_units) > 1:
        for unit in sorted(named_units):
            for m in range(1, 13):
                if m not in by_unit_month[unit]:
                    res.findings.append(Finding("month-missing", value=f"{month_text((year, m))} — {unit}"))
    else:
        for m in range(1, 13):
            if m not in months_present:
                res.findings.append(Finding("month-missing", value=month_text((year, m))))

    seen: dict[str, _Seen] = {}
    order: list[str] = []
    overlaps: dict[tuple, tuple] = {}
    for wb in sorted(usable, key=lambda w: (w.month, w.file)):
        for row in wb.rows:
            s = seen.get(row.id)
            if s is None:
                s = seen[row.id] = _Seen()
                order.append(row.id)
            m = wb.month[1]  # type: ignore[index]
            if m in s.rows and (s.rows[m][0].quarter is None) != (row.quarter is None):
                # a month scored on its own sheet (e.g. Hanoi's 20/70/10) and within a quarter's
                # NĐ 335 score: the period score is the one the year averages (Art. 21) when the
                # quarter has one; else the month's result stays. Said once per person and quarter.
                q_row, q_wb = (row, wb) if row.quarter is not None else s.rows[m]
                m_wb = s.rows[m][1] if row.quarter is not None else wb
                use_quarter = q_row.status == "classified" and q_row.grade is not None
                k = (row.id, q_row.quarter, q_wb.file, use_quarter)
                got = overlaps.setdefault(k, (q_row, q_wb, [], []))
                got[2].append(m)
                if m_wb.file not in got[3]:
                    got[3].append(m_wb.file)
                if use_quarter:
                    s.rows[m] = (q_row, q_wb)
                    s.units.add(q_wb.unit)
                else:
                    s.rows[m] = (s.rows[m] if row.quarter is not None else (row, wb))
                continue
            if m in s.rows:
                other = s.rows[m][1]
                res.findings.append(Finding("month-duplicate", file=wb.file, sheet=row.source_sheet,
                                            cell=row.cells.get("id"), person=row.name or row.id,
                                            person_id=row.id, value=wb.month_text,
                                            params={"other": other.file}))
                continue
            s.rows[m] = (row, wb)
            s.units.add(wb.unit)

    for (_pid, quarter, _qf, use_quarter), (q_row, q_wb, ms, m_files) in overlaps.items():
        res.findings.append(Finding(
            "period-overlap", file=q_wb.file, sheet=q_row.source_sheet, cell=q_row.cells.get("id"),
            person=q_row.name or q_row.id, person_id=q_row.id, value=", ".join(str(m) for m in sorted(ms)),
            params={"other": ", ".join(m_files), "quarter": Say(quarter_label(quarter), quarter_label(quarter, "en")),
                    "used": Say("kết quả quý", "the quarter's") if use_quarter else
                    Say("kết quả tháng (quý chưa có kết quả)", "the months' (the quarter has no result)")}))

    # --- who is rated ----------------------------------------------------------------------
    people: list[PersonResult] = []
    roster_people = {p.id: p for p in roster.people} if roster is not None else {}
    ids = list(roster_people) + [i for i in order if i not in roster_people]
    for pid in ids:
        rp = roster_people.get(pid)
        s = seen.get(pid, _Seen())
        if rp is not None and not s.rows and not any(rp.employed_in(year, m) for m in range(1, 13)):
            continue
        latest = s.rows[max(s.rows)][0] if s.rows else None
        if rp is None and roster is not None and latest is not None:
            wb0 = s.rows[max(s.rows)][1]
            res.findings.append(Finding("not-in-roster", severity="warning", file=wb0.file,
                                        sheet=latest.source_sheet, cell=latest.cells.get("id"),
                                        person=latest.name or pid, person_id=pid, value=pid))
        p = PersonResult(id=pid, name=(rp.name if rp else "") or (latest.name if latest else ""))
        p.unit = (rp.unit if rp and rp.unit else "") or (latest.unit if latest else "")
        p.group = (rp.group if rp else None) or (latest.group if latest else None)
        p.task_group = (rp.task_group if rp else None) or (latest.task_group if latest else None)
        p.position = (rp.position if rp and rp.position else "") or (latest.position if latest else "")
        p.variant = (rp.variant if rp else None) or (latest.variant if latest else None)
        ev = events.get(pid) if events is not None else None
        p.rules = rules_of(p.group)
        p.scores_from = scores_from(p.rules, {wb.framework for _row, wb in s.rows.values() if wb.framework})
        if p.group is None:
            res.findings.append(Finding("group-unknown", person=p.name or pid, person_id=pid,
                                        params={"rules": p.rules.id}))
        p.strategy = chosen_strategy or p.rules.rules.default_strategy
        p.leader = (p.variant in p.rules.rules.leader_variants) or bool(ev and ev.leader.given())
        _months_of(p, year, s, rp, by_unit_month, res)
        periods = periods_note(s)
        if periods is not None:
            p.notes.append(periods)
        if rp is not None and (rp.start is not None or rp.end is not None):
            p.employed_months = employed_months(rp.start, rp.end, year)
        _rate_person(p, ev, year, res)
        people.append(p)
    if events is None:
        # design.md §2: without the events nothing about discipline, leave or transfers can be
        # applied; said as a warning, and every result is provisional
        res.findings.append(Finding("no-events"))
        for p in people:
            p.provisional = True
            p.notes.append(("Tạm tính: chưa có sự kiện năm (kỷ luật, nghỉ, thai sản, chuyển công tác chưa xét)",
                            "Provisional: no annual events (discipline, leave, maternity, transfer not applied)"))
    if events is not None:
        res.findings.extend(events.findings)
        known = {p.id for p in people}
        for pid, ev in events.events.items():
            if pid not in known:
                res.findings.append(Finding("not-in-roster", severity="warning", file=ev.file,
                                            sheet=ev.sheet or None, cell=ev.cells.get("id"),
                                            person=ev.name or pid, person_id=pid, value=pid))
    res.people = sorted(people, key=lambda p: (p.unit, fold(p.task_group or ""), p.id))
    res.rule_sets = sorted({rs.id: rs for rs in rules_cache.values()}.values(), key=lambda r: r.id)

    # --- quota and summaries -----------------------------------------------------------------
    exceptional_units = {p.unit for p in res.people
                         if events is not None and (ev := events.get(p.id)) is not None and ev.outstanding_unit}
    all_exceptional = bool(getattr(config, "exceptional", False))
    _quota(res, exceptional_units, all_exceptional)
    _summaries(res, exceptional_units, all_exceptional)
    res.findings.sort(key=_finding_order)
    return res


def _finding_order(f: Finding) -> tuple:
    return (0 if f.severity == "error" else 1 if f.severity == "warning" else 2,) + f.sort_key()


def _months_of(p: PersonResult, year: int, s: _Seen, rp: Any, by_unit_month: dict[str, set[int]],
               res: AnnualResult) -> None:
    bands_cache: dict[str | None, list[GradeBand]] = {}
    for m in range(1, 13):
        got = s.rows.get(m)
        if got is None:
            if rp is not None and (year, m) in rp.not_evaluated:
                p.months[m] = MonthResult(m, "not_evaluated", reason=rp.not_evaluated[(year, m)])
                continue
            if rp is not None and not rp.employed_in(year, m):
                p.months[m] = MonthResult(m, "not_employed")
                continue
            units = s.units or ({p.unit} if p.unit in by_unit_month else set())
            has_book = any(m in by_unit_month.get(u, set()) for u in units) if units else \
                any(m in ms for ms in by_unit_month.values())
            key = "absent" if has_book else "no_workbook"
            p.months[m] = MonthResult(m, "missing", reason=MISSING_REASONS[key][0], reason_en=MISSING_REASONS[key][1])
            if has_book:
                res.findings.append(Finding("person-month-missing", person=p.name or p.id, person_id=p.id,
                                            value=month_text((year, m)),
                                            params={"reason": MISSING_REASONS[key][0]}))
            continue
        row, wb = got
        mr = MonthResult(m, "missing", grade=row.grade, score=row.leader_total, file=wb.file,
                         cell=row.cells.get("final_grade") or row.cells.get("decided_grade") or "",
                         hand_changed=bool(row.final_grade and row.decided_grade and row.final_grade != row.decided_grade))
        st = row.status
        if st == "not_evaluated" or (st is None and rp is not None and (year, m) in rp.not_evaluated):
            mr.status = "not_evaluated"
            mr.reason = row.notes or (rp.not_evaluated.get((year, m)) if rp is not None else "") or "Không đánh giá"
            mr.grade = None
        elif st == "classified" and row.grade:
            mr.status = "classified"
            _check_hand_grade(p, row, wb, mr, year, res, bands_cache)
        else:
            key = {"missing": "missing", "pending": "pending", "invalid": "invalid",
                   "classified": "no_grade"}.get(st or "", "unknown")
            mr.reason, mr.reason_en = MISSING_REASONS[key]
            mr.grade = None
            res.findings.append(Finding("person-month-missing", file=wb.file, sheet=row.source_sheet,
                                        cell=row.cells.get("status"), person=p.name or p.id, person_id=p.id,
                                        value=month_text((year, m)), params={"reason": mr.reason}))
        p.months[m] = mr


def _month_bands(wb: MonthlyWorkbook, p: PersonResult, cache: dict) -> list[GradeBand]:
    if wb.framework not in cache:
        bands: list[GradeBand] = []
        if wb.framework:
            try:
                bands = fw_mod.load(wb.framework).grades
            except Exception:   # an unknown id or a file not at hand: fall back to the levels
                bands = []
        cache[wb.framework] = bands or (p.rules.rules.levels if p.rules else [])
    return cache[wb.framework]


def _check_hand_grade(p: PersonResult, row: MonthlyRow, wb: MonthlyWorkbook, mr: MonthResult,
                      year: int, res: AnnualResult, cache: dict) -> None:
    if row.leader_total is None or mr.grade is None:
        return
    allowed = grade_for(_month_bands(wb, p, cache), row.leader_total)
    if allowed is not None and fw_mod.grade_rank(mr.grade) > fw_mod.grade_rank(allowed):
        mr.lowered_from = allowed
    if allowed is not None and fw_mod.grade_rank(mr.grade) < fw_mod.grade_rank(allowed):
        res.findings.append(Finding(
            "hand-grade-above-band", file=wb.file, sheet=row.source_sheet, cell=mr.cell or None,
            person=p.name or p.id, person_id=p.id, value=mr.grade, expected=allowed,
            params={"month": month_text((year, mr.month)), "total": _num(row.leader_total)}))


_ABSENCE_WORDS = re.compile(r"\b(om|khong luong|viec rieng|vang|dieu tri|benh)\b")


def _is_absence(reason: str) -> bool:
    """A month not evaluated for an absence (sick, unpaid leave …), not maternity, summer, training."""
    key = fold(reason)
    return "thai san" not in key and bool(_ABSENCE_WORDS.search(key))


def employed_months(start: date | None, end: date | None, year: int) -> Decimal:
    """Months employed in ``year`` counted to the day: each month contributes the share of its
    days between ``start`` and ``end`` (a start on 15/7 gives 17/31 of July)."""
    import calendar

    total = Decimal(0)
    for m in range(1, 13):
        days = calendar.monthrange(year, m)[1]
        lo = max(date(year, m, 1), start or date(year, m, 1))
        hi = min(date(year, m, days), end or date(year, m, days))
        if hi >= lo:
            total += Decimal((hi - lo).days + 1) / Decimal(days)
    return total


def _num(x: Decimal | None) -> str:
    if x is None:
        return ""
    return fw_mod._n(x).replace(".", ",")


def _better(a: str | None, b: str | None) -> bool:
    """Is level ``a`` better than level ``b``?"""
    return a is not None and b is not None and fw_mod.grade_rank(a) < fw_mod.grade_rank(b)


def _count_key(counts: dict[str, int], key: str) -> int:
    return sum(counts.get(k.strip(), 0) for k in key.split("+"))


def _count_level(rules: AnnualRules, counts: dict[str, int]) -> str | None:
    total = sum(counts.values())
    for rule in rules.count_rules:
        if any(_count_key(counts, k) < v for k, v in rule.min_months.items()):
            continue
        if any(_count_key(counts, k) > v for k, v in rule.max_months.items()):
            continue
        if rule.min_share:
            if total == 0 or any(Decimal(_count_key(counts, k)) * HUNDRED / total < v
                                 for k, v in rule.min_share.items()):
                continue
        return rule.level
    return None


def _cap(level: str | None, cap: str) -> str | None:
    return cap if _better(level, cap) else level


def _rate_person(p: PersonResult, ev: AnnualEvents | None, year: int, res: AnnualResult) -> None:
    rs = p.rules
    assert rs is not None
    r = rs.rules
    who = p.name or p.id
    evaluated = p.evaluated()
    scores = [m.score for m in evaluated if m.score is not None]
    p.mean_score = mean(scores)          # rounded: for display and ranking only
    exact_mean = sum(scores, Decimal(0)) / len(scores) if scores else None   # banded exactly
    counts = p.grade_counts()

    # months worked, absences (maternity months: the events, else the months not evaluated for it)
    maternity_months = sum(1 for m in p.not_evaluated() if "thai san" in fold(m.reason))
    # domain.md §3.5: months not evaluated for long sick leave, unpaid leave or other absence are
    # months of absence wherever they are recorded (roster or workbook) when the events say nothing
    absent_months = sum(1 for m in p.not_evaluated() if _is_absence(m.reason))
    p.absence_months = ev.absence_months if ev and ev.absence_months is not None else Decimal(absent_months)
    p.maternity_months = ev.maternity_months if ev and ev.maternity_months is not None else Decimal(maternity_months)
    if ev is not None and ev.months_worked is not None:
        p.months_worked, p.months_worked_source = ev.months_worked, "events"
    else:
        employed = p.employed_months if p.employed_months is not None else \
            Decimal(sum(1 for m in p.months.values() if m.status != "not_employed"))
        if ev is not None and ev.transfer_from and ev.transfer_months:
            employed += ev.transfer_months      # §3.5: the months at the old unit count as worked
        worked = max(Decimal(0), employed - p.absence_months - p.maternity_months)
        # to the tenth of a month, rounded down: 5.55 months is 5.5, never taken up to 6
        p.months_worked = worked.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        p.months_worked_source = "derived"
    p.provisional = bool(p.missing()) and r.missing_month_provisional

    # the proposed level, by the strategy
    if p.strategy == "average":
        p.proposed = grade_for(r.levels, exact_mean) if exact_mean is not None else None
    elif p.strategy == "count":
        p.proposed = _count_level(r, counts) if evaluated else None
    else:
        p.proposed = ev.proposed_level if ev is not None else None
        if p.proposed is None:
            res.findings.append(Finding("level-missing", person=who, person_id=p.id,
                                        file=ev.file if ev else None, sheet=(ev.sheet or None) if ev else None,
                                        cell=ev.cells.get("proposed_level") if ev else None))
    level = p.proposed

    def record(rule_id: str, after: str | None, effect_vi: str, effect_en: str, source: str) -> None:
        nonlocal level
        p.overrides.append(Override(id=rule_id, effect=effect_vi, effect_en=effect_en, before=level,
                                    after=after, source=source or _default_source(rs)))
        level = after

    def at_most(cap: str) -> str:
        """The level after a cap; a missing level takes the cap's value only for KHTNV rules."""
        return cap if level is None or _better(level, cap) else level

    # 1. not classified: under the minimum time worked, unless maternity leave makes up for it
    worked = p.months_worked or Decimal(0)
    maternity = p.maternity_months > 0
    if worked < r.min_months_worked and not (
            r.maternity_exempt and maternity and worked + p.maternity_months >= r.min_months_worked):
        record("not_classified", None,
               f"Công tác {_num(worked)} tháng (dưới {_num(r.min_months_worked)}): không xếp loại",
               f"Worked {_num(worked)} months (under {_num(r.min_months_worked)}): not classified",
               r.not_classified_source)
        p.status, p.final = "not_classified", None
        _transfer_note(p, ev)
        return
    # 2. maternity: rated on the months actually worked (the months on leave are not evaluated)
    if maternity and r.maternity_exempt:
        n = len(evaluated)
        record("maternity", level,
               f"Nghỉ thai sản {_num(p.maternity_months)} tháng: xếp loại theo {n} tháng làm việc thực tế",
               f"Maternity leave of {_num(p.maternity_months)} months: rated on the {n} months worked",
               r.maternity_source)
    # 3. discipline in the year
    if ev is not None and ev.discipline is not None:
        texts = _discipline(p, ev, year, r)
        if texts is not None:
            p.disciplined = True
            record("discipline", at_most(r.discipline.level), texts[0], texts[1], r.discipline.source)
    # 4. degradation
    if ev is not None and ev.degradation:
        ref = f" ({ev.degradation_ref})" if ev.degradation_ref else ""
        record("degradation", at_most(r.degradation_level),
               f"Có kết luận suy thoái{ref} → {r.degradation_level}",
               f"Conclusion of degradation{ref} → {r.degradation_level}", r.degradation_source)
    # 5. leaders: the results of the unit they run
    if p.leader and r.leader_thresholds and level is not None:
        capped = _leader(p, ev, r, res, level)
        if capped is not None:
            record("leader", capped[0], capped[1], capped[2], r.leader_source)
    # 5b. a head is not rated above the unit they run (NĐ 233, verify)
    unit_level = ev.leader.unit_level if ev is not None else None
    if r.head_not_above_unit and p.leader and unit_level and level is not None and _better(level, unit_level):
        record("head_unit", unit_level,
               f"Đơn vị phụ trách xếp loại {unit_level}: người đứng đầu không cao hơn {unit_level}",
               f"The unit run is rated {unit_level}: its head is not rated above {unit_level}",
               r.head_source)
    # 6. absence of 3 to under 6 months (maternity leave is not absence here)
    ac = r.absence_cap
    if ac is not None and ac.from_months <= p.absence_months < ac.below_months:
        record("absence", level if level is None else at_most(ac.cap),
               f"Nghỉ {_num(p.absence_months)} tháng (từ {_num(ac.from_months)} đến dưới "
               f"{_num(ac.below_months)}): tối đa {ac.cap}",
               f"Absent {_num(p.absence_months)} months ({_num(ac.from_months)} to under "
               f"{_num(ac.below_months)}): at most {ac.cap}", ac.source)
    # 7. months whose grade the head lowered below the band: always listed; capping is a setting
    lowered = [m for m in evaluated if m.lowered_from]
    if lowered:
        listed = ", ".join(f"{m.month:02d}/{year} ({m.lowered_from} → {m.grade})" for m in lowered)
        p.notes.append((f"Tháng bị thủ trưởng hạ loại: {listed}", f"Months lowered by the head: {listed}"))
        worst = max((m.grade for m in lowered), key=fw_mod.grade_rank)
        if r.lowered_month_caps and level is not None and _better(level, worst):
            record("lowered", worst, f"Có tháng bị hạ loại ({listed}) → tối đa {worst}",
                   f"A month was lowered ({listed}) → at most {worst}", "")
    p.final = level
    p.status = "classified" if level is not None else "pending"
    if p.strategy == "manual" and p.proposed and level and _better(p.proposed, level):
        lowered_by = ", ".join(o.rule() for o in p.overrides if o.before != o.after)
        res.findings.append(Finding("level-lowered", person=who, person_id=p.id, value=p.proposed,
                                    expected=level, params={"rule": lowered_by}))
    _transfer_note(p, ev)


def _default_source(rs: RuleSet) -> str:
    return f"{rs.id} ({rs.version})"


def _transfer_note(p: PersonResult, ev: AnnualEvents | None) -> None:
    if ev is None or not ev.transfer_from:
        return
    n = ev.transfer_months
    months = f" ({_num(n)} tháng)" if n is not None else ""
    months_en = f" ({_num(n)} months)" if n is not None else ""
    if n is not None and n >= 6:
        p.notes.append((f"Chuyển từ {ev.transfer_from}{months}: lấy ý kiến nhận xét của đơn vị cũ",
                        f"Transferred from {ev.transfer_from}{months_en}: take the old unit's comments"))
    else:
        p.notes.append((f"Chuyển từ {ev.transfer_from}{months}", f"Transferred from {ev.transfer_from}{months_en}"))


def _discipline(p: PersonResult, ev: AnnualEvents, year: int, r: AnnualRules) -> tuple[str, str] | None:
    """The effect texts (vi, en) when the discipline counts this year, else ``None`` (with a note)."""
    d = ev.discipline
    assert d is not None
    rule = r.discipline
    what = d.form or d.text or "kỷ luật"
    when = f" ngày {d.date.strftime('%d/%m/%Y')}" if d.date else ""
    when_en = f" on {d.date.isoformat()}" if d.date else ""
    if d.already_counted:
        p.notes.append((f"Kỷ luật ({what}){when} đã tính ở năm trước: không tính lại",
                        f"Discipline ({what}){when_en} already counted in an earlier year: not counted again"))
        return None
    if d.date is not None and d.date.year != year:
        p.notes.append((f"Kỷ luật ({what}){when} không thuộc năm {year}: không tính",
                        f"Discipline ({what}){when_en} is not in {year}: not counted"))
        return None
    if p.group in rule.related_only_groups and rule.related_only_from is not None \
            and (d.date or date(year, 12, 31)) >= rule.related_only_from:
        since = rule.related_only_from
        if d.related is False:
            p.notes.append((f"Kỷ luật ({what}){when} không liên quan thi hành công vụ: không tính "
                            f"(từ {since.strftime('%d/%m/%Y')})",
                            f"Discipline ({what}){when_en} unrelated to public duty: not counted "
                            f"(since {since.isoformat()})"))
            return None
        if d.related is None:
            p.notes.append(("Chưa ghi kỷ luật có liên quan thi hành công vụ hay không: coi là có liên quan",
                            "Whether the discipline relates to public duty is not stated: taken as related"))
    if rule.min_form:
        forms = [fold(f) for f in rule.forms]
        need = fold(rule.min_form)
        if d.form is not None and need in forms and fold(d.form) in forms \
                and forms.index(fold(d.form)) < forms.index(need):
            p.notes.append((f"Kỷ luật ({what}){when} nhẹ hơn {rule.min_form}: không tính",
                            f"Discipline ({what}){when_en} is lighter than {rule.min_form}: not counted"))
            return None
        if d.form is None:
            p.notes.append((f"Chưa ghi hình thức kỷ luật: coi là từ {rule.min_form} trở lên",
                            f"The form of discipline is not stated: taken as {rule.min_form} or heavier"))
    return (f"Kỷ luật ({what}){when} → {rule.level}", f"Disciplined ({what}){when_en} → {rule.level}")


_LEADER_FIELDS = {
    "targets_met": ("chỉ tiêu hoàn thành", "targets met"),
    "targets_exceeded": ("chỉ tiêu vượt", "targets exceeded"),
    "subunits_htnv": ("đơn vị HTNV trở lên", "sub-units HTNV or better"),
    "subunits_htt": ("đơn vị HTT trở lên", "sub-units HTT or better"),
}


def _leader(p: PersonResult, ev: AnnualEvents | None, r: AnnualRules, res: AnnualResult,
            level: str) -> tuple[str, str, str] | None:
    """(capped level, effect vi, effect en) when the unit's results cap ``level``, else None.

    A level is kept only when the thresholds of that level and of every lower level hold. An input
    that is absent is not held against the leader: no result at all is ``leader-results-missing``
    (a warning), a partial one leaves a note naming what was not checked.
    """
    lr = ev.leader if ev is not None else None
    order = [lv.grade for lv in r.levels]            # best first
    if level not in order:
        return None
    start = order.index(level)
    thresholds = [t for t in r.leader_thresholds if t.level in order and order.index(t.level) >= start]
    unknown: set[str] = set()
    fails: dict[str, list[tuple[str, str]]] = {}

    for t in thresholds:
        for key, (vi, en) in _LEADER_FIELDS.items():
            need = getattr(t, key)
            if need is None:
                continue
            have = getattr(lr, key) if lr is not None else None
            if have is None:
                unknown.add(key)
            elif have < need:
                fails.setdefault(t.level, []).append((f"{vi} {_num(have)}% < {_num(need)}%",
                                                      f"{en} {_num(have)}% < {_num(need)}%"))
        if t.no_corruption:
            have_c = lr.corruption if lr is not None else None
            if have_c is None:
                unknown.add("corruption")
            elif have_c:
                fails.setdefault(t.level, []).append(("để xảy ra tham nhũng, lãng phí bị xử lý",
                                                      "corruption or waste handled"))
    if lr is None or not lr.given():
        res.findings.append(Finding("leader-results-missing", person=p.name or p.id, person_id=p.id))
    elif unknown:
        vi = ", ".join(_LEADER_FIELDS[k][0] if k in _LEADER_FIELDS else "tham nhũng, lãng phí" for k in sorted(unknown))
        en = ", ".join(_LEADER_FIELDS[k][1] if k in _LEADER_FIELDS else "corruption or waste" for k in sorted(unknown))
        p.notes.append((f"Chưa có kết quả đơn vị: {vi}; điều kiện này chưa xét",
                        f"Unit results not given: {en}; not checked"))
    allowed = order[-1]
    for i in range(start, len(order)):
        if not any(lv in fails for lv in order[i:]):
            allowed = order[i]
            break
    if allowed == level:
        return None
    why = [f for lv in order[start:order.index(allowed)] for f in fails.get(lv, [])] or \
        [f for lv in order for f in fails.get(lv, [])]
    return (allowed, f"Kết quả đơn vị phụ trách: {'; '.join(w[0] for w in why)} → tối đa {allowed}",
            f"Results of the unit led: {'; '.join(w[1] for w in why)} → at most {allowed}")


def _quota_terms(rule: fw_mod.QuotaRule, exceptional: bool) -> tuple:
    """What makes two quota rules cap the same people the same way (not their wording)."""
    percent, base = rule.cap, rule.base
    if exceptional and rule.exceptional_cap is not None:
        percent, base = rule.exceptional_cap, rule.exceptional_base or rule.base
    return (rule.grade, percent, base, rule.pooling, rule.rounding, rule.min_allowed)


def _quota(res: AnnualResult, exceptional_units: set[str], all_exceptional: bool) -> None:
    units: dict[str, list[PersonResult]] = {}
    for p in res.people:
        units.setdefault(p.unit, []).append(p)
    for unit, members in sorted(units.items()):
        ur = UnitResult(unit=unit, staff=len(members), exceptional=all_exceptional or unit in exceptional_units)
        for p in members:
            if p.status == "classified":
                ur.classified += 1
                if p.final in ur.grades:
                    ur.grades[p.final] += 1
            elif p.status == "not_classified":
                ur.not_classified += 1
            else:
                ur.pending += 1
            ur.provisional += p.provisional
        # Pool everyone whose rule sets cap the same way (same grade, percent, base, grouping,
        # rounding), per task group inside the pool as the rule says: a ward's leaders under
        # NĐ 90 (cán bộ) and NĐ 335 (công chức) form one similar-task group, not two tiny ones.
        pools: dict[tuple, tuple[RuleSet, list[PersonResult], set[str]]] = {}
        for p in members:
            if p.rules is None or p.rules.rules.quota is None:
                continue
            key = _quota_terms(p.rules.rules.quota, ur.exceptional)
            entry = pools.setdefault(key, (p.rules, [], set()))
            entry[1].append(p)
            entry[2].add(p.rules.id)
        for _key, (rs, pool, ids) in sorted(pools.items(), key=lambda kv: sorted(kv[1][2])):
            rule = rs.rules.quota
            rules_id = "+".join(sorted(ids))
            cands = [quota_mod.Candidate(id=p.id, name=p.name, grade=p.final, score=p.mean_score,
                                         group=p.group, task_group=p.task_group,
                                         classified=p.status == "classified") for p in pool]
            staff_by_scope: dict[str, int] = {}
            for c in cands:
                scope = quota_mod._scope_key(rule, c)
                staff_by_scope[scope] = staff_by_scope.get(scope, 0) + 1
            for qr in quota_mod.check(rule, cands, staff=len(pool), exceptional=ur.exceptional,
                                      staff_by_scope=staff_by_scope):
                ur.quota.append(QuotaCheck(unit=unit, rules_id=rules_id, exceptional=ur.exceptional, result=qr,
                                           pooling=rule.pooling))
                scope_name = f"{unit} › {qr.scope}" if qr.scope else unit
                if qr.status == "exceeded":
                    res.findings.append(Finding(
                        "quota-exceeded", value=qr.count, expected=f"<= {qr.cap}",
                        params={"unit": scope_name, "count": qr.count, "grade": qr.grade, "cap": qr.cap,
                                "rate": f"{fw_mod._n(qr.percent)}%", "base": qr.base}))
                    if qr.tied:
                        res.findings.append(Finding("quota-tie", value=_num(qr.tied[0].score),
                                                    params={"unit": scope_name}))
        res.units.append(ur)


def _summaries(res: AnnualResult, exceptional_units: set[str], all_exceptional: bool) -> None:
    units = sorted({p.unit for p in res.people})
    scopes = [(u, [p for p in res.people if p.unit == u]) for u in units]
    if len(units) > 1:
        scopes.append(("", list(res.people)))
    for unit, members in scopes:
        for g in GROUP_KEYS:
            who = members if g == "total" else [p for p in members if p.group == g]
            row = GroupRow(unit=unit, group=g)
            exceptional = all_exceptional or (unit in exceptional_units if unit else False)
            for p in who:
                row.staff += 1
                if p.status == "classified":
                    row.classified += 1
                    if p.final in row.grades:
                        row.grades[p.final] += 1
                elif p.status == "not_classified":
                    row.not_classified += 1
                else:
                    row.pending += 1
                row.disciplined += p.disciplined
                row.maternity += any(o.id == "maternity" for o in p.overrides) or p.maternity_months > 0
                row.provisional += p.provisional
            caps = {(_cap_of(p, exceptional)) for p in who if _cap_of(p, exceptional) is not None}
            row.cap = caps.pop() if len(caps) == 1 else (min(caps) if caps else None)
            bases = {_base_of(p, exceptional) for p in who} - {None}
            row.base = "exactly_b" if "exactly_b" in bases or not bases else bases.pop()
            row.verdict = _verdict(res, unit, g)
            res.groups.append(row)


def _base_of(p: PersonResult, exceptional: bool) -> str | None:
    q = p.rules.rules.quota if p.rules else None
    if q is None:
        return None
    return (q.exceptional_base or q.base) if exceptional and q.exceptional_cap is not None else q.base


def _verdict(res: AnnualResult, unit: str, group: str) -> str | None:
    """The verdict of the quota checks for a summary row ("" unit: every unit)."""
    checks = [q for u in res.units if not unit or u.unit == unit for q in u.quota]
    if group != "total":
        checks = [q for q in checks if q.pooling == "per_group" and q.result.scope == group]
    if not checks:
        return None
    return "exceeded" if any(q.result.status == "exceeded" for q in checks) else "ok"


def _cap_of(p: PersonResult, exceptional: bool) -> Decimal | None:
    q = p.rules.rules.quota if p.rules else None
    if q is None:
        return None
    return q.exceptional_cap if exceptional and q.exceptional_cap is not None else q.cap


def rules_json(rs: RuleSet) -> str:
    """The rule set as JSON (for the sources sheet and debugging)."""
    return json.dumps(json.loads(rs.rules.model_dump_json()), ensure_ascii=False)


def display_path(path: str | Path, base: Path | None = None) -> str:
    """A path as shown in reports: relative to ``base`` when inside it."""
    p = Path(path)
    if base is not None:
        try:
            return str(p.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(p)


def year_not_served(year: int, workbooks: list[MonthlyWorkbook]) -> tuple[str, str, str] | None:
    """(vi, en, kind) when no monthly workbook of ``year`` can be used: the inputs cannot serve
    the run (exit 2, design.md §2). ``kind`` is "other-year" (workbooks of other years, named),
    "scoresheets" (no monthly workbook at all; the command looks whether they are scoresheets)
    or "" (nothing usable, the findings say why)."""
    usable = [wb for wb in workbooks if wb.usable and (wb.month or wb.quarter) is not None]
    if any((wb.month or wb.quarter)[0] == year for wb in usable):   # type: ignore[index]
        return None
    if usable:
        years: dict[int, int] = {}
        for wb in usable:
            y = (wb.month or wb.quarter)[0]   # type: ignore[index]
            years[y] = years.get(y, 0) + 1
        found = ", ".join(f"{n} bảng của năm {y}" for y, n in sorted(years.items()))
        found_en = ", ".join(f"{n} of {y}" for y, n in sorted(years.items()))
        return (f"Không có bảng tổng hợp tháng nào của năm {year}: các bảng đã đọc là {found}. Kiểm tra --year.",
                f"No monthly workbook of {year}: the workbooks read are {found_en}. Check --year.", "other-year")
    if any(f.code == "not-a-tally" for wb in workbooks for f in wb.findings):
        return ("", "", "scoresheets")
    return None
