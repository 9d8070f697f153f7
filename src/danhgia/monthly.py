"""Deciding a month: each person's status and final grade, counts per unit and staff group,
and the quota check (and, when asked, the demotions it calls for).

Inputs are the validation run (``danhgia.pipeline.RunResult``), the roster when there is one,
and consolidated monthly workbooks of sub-units for a roll-up (``read_tally``). The rules
(``domain.md`` §2.4–2.8):

- ``not_evaluated``: the roster records a reason for the month, or a framework rule applies
  (summer for teachers); never missing, never zero, even when a sheet was sent.
- ``missing``: a roster person with no scoresheet.
- ``invalid``: the sheet has error findings (their codes are kept in ``codes``).
- ``pending``: no leader score yet, or the form has the head's decision cell and it is blank
  (validate reports ``missing-decision``).
- ``classified``: the final grade is the head's decided grade when present, else the band of
  the leader total. The self grade never decides.

Roll-up: people read back from sub-units' workbooks keep their status and final grade; each
sub-unit's quota is checked again, and one person in two units is a ``person-in-two-units``
error. Scoresheets and sub-unit workbooks may be mixed in one run: the scoresheets form their own
units (by the roster or the sheets' "Đơn vị") beside the rolled-up ones.

Nothing here prints or exits; all arithmetic is exact (Decimal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path
from typing import Any, Iterable

from danhgia import layout, quota as quota_mod
from danhgia.findings import Finding, jsonable
from danhgia.messages import code_name
from danhgia.framework import GRADES, Framework, grade_rank
from danhgia.text import fold, nfc
from danhgia.roster import GROUP_LABELS, Person, Roster, index_of

GROUP_ORDER: tuple[str | None, ...] = ("can_bo", "cong_chuc", "vien_chuc", "ldhd", None)
VARIANT_LABELS = {"lanh-dao-quan-ly": "Lãnh đạo quản lý", "chuyen-vien": "Chuyên viên", "ldhd": "LĐHĐ",
                  "nd335-01a": "Mẫu 01A", "nd335-01b": "Mẫu 01B"}
NO_GROUP = ("Chưa rõ nhóm", "Group unknown")
NO_UNIT = ("(Chưa rõ đơn vị)", "(Unit unknown)")
BASE_WORDS = {   # "20% of 8 …"
    "classified": ("người được xếp loại", "classified"),
    "b_or_better": ("người xếp loại B trở lên", "rated B or better"),
    "exactly_b": ("người xếp loại B", "rated B"),
    "all_staff": ("người (tổng số)", "staff in all"),
}
# Codes that do not make a sheet invalid: they are about other people or decided elsewhere.
_NOT_INVALIDATING = {"missing-submission", "exempt-month"}


@dataclass(frozen=True)
class Note:
    """A note on a person or unit, in both languages."""

    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


def _note(vi: str, en: str | None = None) -> Note:
    return Note(nfc(vi), nfc(en if en is not None else vi))


@dataclass
class PersonMonth:
    """One person's month (one row of "Chi tiết")."""

    id: str = ""
    name: str = ""
    unit: str = ""
    group: str | None = None
    task_group: str | None = None
    position: str = ""
    variant: str | None = None
    status: str = "missing"
    reason: Note | None = None               # why not evaluated
    self_total: Decimal | None = None
    leader_total: Decimal | None = None
    blocks: dict[str, Decimal | None] = field(default_factory=dict)   # leader subtotals I, II, III
    ratios: dict[str, Decimal | None] = field(default_factory=dict)   # NĐ 335 letter → % (leader column)
    self_grade: str | None = None
    decided_grade: str | None = None
    band: str | None = None                  # band of the leader total
    final_grade: str | None = None           # only for ``classified``
    demoted_from: str | None = None          # set by --apply-quota
    codes: list[str] = field(default_factory=list)      # error codes behind ``invalid``
    notes: list[Note] = field(default_factory=list)
    file: str = ""
    sheet: str = ""
    origin: str = ""                         # the sub-unit workbook a rolled-up person came from
    months: list[int] = field(default_factory=list)   # a quarter's row: the months its score covers

    def notes_text(self, lang: str = "vi") -> str:
        return "; ".join(n.text(lang) for n in self.notes)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        reason = self.reason.text(lang) if self.reason else None
        return {
            "id": self.id, "name": self.name, "unit": self.unit, "variant": self.variant,
            "status": self.status, "self_total": jsonable(self.self_total),
            "leader_total": jsonable(self.leader_total), "grade": self.final_grade,
            "reason": reason,
            # added fields
            "group": self.group, "task_group": self.task_group, "position": self.position,
            "blocks": {k: jsonable(v) for k, v in self.blocks.items()},
            "ratios": {k: jsonable(v) for k, v in self.ratios.items()},
            "self_grade": self.self_grade, "decided_grade": self.decided_grade, "band": self.band,
            "demoted_from": self.demoted_from, "codes": list(self.codes),
            "notes": [n.text(lang) for n in self.notes],
            "file": self.file or None, "sheet": self.sheet or None, "origin": self.origin or None,
            **({"months": list(self.months)} if self.months else {}),
        }


@dataclass
class Counts:
    staff: int = 0
    classified: int = 0
    not_evaluated: int = 0
    missing: int = 0
    pending: int = 0
    invalid: int = 0
    grades: dict[str, int] = field(default_factory=lambda: {g: 0 for g in GRADES})

    def add(self, p: PersonMonth) -> None:
        self.staff += 1
        setattr(self, p.status, getattr(self, p.status) + 1)
        if p.status == "classified" and p.final_grade in self.grades:
            self.grades[p.final_grade] += 1

    def share(self, grade: str) -> Decimal:
        """Exact share of ``grade`` among those classified (0 when nobody is classified)."""
        if self.classified == 0:
            return Decimal(0)
        return Decimal(self.grades[grade]) / Decimal(self.classified)

    def to_dict(self) -> dict[str, Any]:
        return {
            "staff": self.staff, "classified": self.classified, "not_evaluated": self.not_evaluated,
            "missing": self.missing, "pending": self.pending, "invalid": self.invalid,
            "grades": dict(self.grades),
            "percents": {g: percent_display(self.share(g)) for g in GRADES},
        }


def percent_display(share: Decimal) -> float | int:
    """A share (0..1) as a percent rounded half-up to two places, for display only."""
    value = (share * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return jsonable(value.normalize() if value == value.to_integral_value() else value)


@dataclass
class UnitMonth:
    unit: str
    groups: dict[str | None, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)
    quota: list[quota_mod.QuotaResult] = field(default_factory=list)
    exceptional: bool = False
    origin: str = ""                         # sub-unit workbook (roll-up)

    @property
    def quota_status(self) -> str | None:
        if not self.quota:
            return None
        return "exceeded" if any(q.status == "exceeded" for q in self.quota) else "ok"

    def quota_summary(self) -> dict[str, Any] | None:
        """design.md §4 ``quota``: one scope as is; several scopes summed (each listed)."""
        if not self.quota:
            return None
        qs = self.quota
        each = [q.to_dict() for q in qs]
        out: dict[str, Any] = {
            "grade": qs[0].grade, "count": sum(q.count for q in qs), "base": sum(q.base for q in qs),
            "cap": sum(q.cap for q in qs), "status": self.quota_status,
            "cap_exact": jsonable(sum((q.cap_exact for q in qs), Decimal(0))),
            "percent": jsonable(qs[0].percent), "base_kind": qs[0].base_kind,
            "rounding": qs[0].rounding, "exceptional": self.exceptional,
            "over": sum(q.over for q in qs),
            "ranked": [x for d in each for x in d["ranked"]],
            "tied": [x for d in each for x in d["tied"]],
            "demoted": [x for d in each for x in d["demoted"]],
        }
        if len(qs) > 1 or qs[0].scope:
            out["scopes"] = each
        return out

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"unit": self.unit}
        d.update(self.total.to_dict())
        d["quota"] = self.quota_summary()
        d["groups"] = {(g or "unknown"): c.to_dict() for g, c in self.groups.items()}
        d["origin"] = self.origin or None
        return d


@dataclass
class SourceFile:
    file: str
    sha256: str = ""
    kind: str = "scoresheet"                 # "scoresheet" | "tally"
    sheets: int = 0
    frameworks: list[str] = field(default_factory=list)


@dataclass
class TallyInput:
    """A consolidated monthly workbook of a sub-unit, read back for a roll-up."""

    file: str
    sha256: str = ""
    month: tuple[int, int] | None = None
    quarter: tuple[int, int] | None = None      # a sub-unit's quarter workbook (danhgia.quarter)
    unit: str = ""
    exceptional: bool = False
    framework: str = ""
    people: list[PersonMonth] = field(default_factory=list)


@dataclass
class MonthResult:
    month: tuple[int, int]
    people: list[PersonMonth]
    units: list[UnitMonth]
    findings: list[Finding]
    sources: list[SourceFile]
    framework_id: str = ""
    framework_version: str = ""
    unit_name: str = ""
    apply_quota: bool = False
    exceptional: bool = False                # the unit file's flag (own units)
    grade_labels: dict[str, tuple[str, str]] = field(default_factory=dict)   # grade → (vi, en)
    blocking: list[Finding] = field(default_factory=list)   # errors not tied to a person's status
    provenance: Any = None                   # danhgia.provenance.Provenance, set by the command
    quarter: tuple[int, int] | None = None   # a quarter's tally (danhgia.quarter); ``month`` is then its last month

    @property
    def month_text(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}"

    @property
    def period_text(self) -> str:
        """``2026-10`` or ``2026-Q4``: the workbook mark's period and the JSON's."""
        from danhgia.period import quarter_text

        return quarter_text(self.quarter) if self.quarter else self.month_text

    def period_adjective(self) -> str:
        """English titles: «MONTHLY » or «QUARTERLY »."""
        return "QUARTERLY " if self.quarter else "MONTHLY "

    def period_words(self, lang: str = "vi", upper: bool = False) -> str:
        """«tháng 10/2026» / «quý IV/2026» (upper: «THÁNG 10/2026»), «month 2026-10» / «Q4 2026»."""
        from danhgia.period import quarter_label

        if lang == "en":
            return quarter_label(self.quarter, "en") if self.quarter else f"month {self.month_text}"
        text = (quarter_label(self.quarter, in_sentence=True) if self.quarter
                else f"tháng {self.month[1]:02d}/{self.month[0]}")
        return text.upper() if upper else text

    @property
    def invalid(self) -> int:
        return sum(1 for p in self.people if p.status == "invalid")

    @property
    def quota_exceeded(self) -> bool:
        return any(u.quota_status == "exceeded" for u in self.units)

    @property
    def exit_code(self) -> int:
        """The exit code under ``--strict``: 1 on an error that decides someone's result or could
        not be used (someone invalid, an unusable input) or a quota exceeded; a person still
        pending (no leader score yet) is not an error of the inputs."""
        return 1 if (self.invalid or self.quota_exceeded or self.blocking) else 0

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """design.md §4's shape, with fields added (never renamed)."""
        return {
            **({"provenance": self.provenance.to_dict()} if self.provenance is not None else {}),
            "month": None if self.quarter else self.month_text,
            **({"quarter": self.period_text} if self.quarter else {}),
            "units": [u.to_dict() for u in self.units],
            "people": [p.to_dict(lang) for p in self.people],
            "invalid": self.invalid,
            "quota_exceeded": self.quota_exceeded,
            "framework": {"id": self.framework_id, "version": self.framework_version},
            "apply_quota": self.apply_quota,
            "findings": [f.to_dict(lang) for f in self.findings],
            "sources": [{"file": s.file, "sha256": s.sha256, "kind": s.kind, "sheets": s.sheets,
                         "frameworks": s.frameworks} for s in self.sources],
        }


# ---------------------------------------------------------------------------------------------
# Labels


def group_label(group: str | None, lang: str = "vi") -> str:
    pair = GROUP_LABELS.get(group or "", NO_GROUP)
    return pair[1] if lang == "en" else pair[0]


def variant_label(variant: str | None) -> str:
    return VARIANT_LABELS.get(variant or "", variant or "")


def unit_label(unit: str, lang: str = "vi") -> str:
    return unit or (NO_UNIT[1] if lang == "en" else NO_UNIT[0])


def number_text(x: Decimal | None, lang: str = "vi") -> str:
    """``1.8`` → ``1,8`` (Vietnamese decimal comma) or ``1.8`` in English; integers bare."""
    if x is None:
        return ""
    if x == x.to_integral_value():
        return format(x.normalize(), "f")
    text = format(x.normalize(), "f")
    return text if lang == "en" else text.replace(".", ",")


# ---------------------------------------------------------------------------------------------
# Deciding the month


def not_evaluated_reason(person: Person, month: tuple[int, int], fw: Framework) -> Note | None:
    """The roster's reason for this month, else the framework rule that applies (the same
    decision validate makes for ``exempt-month``), in both languages."""
    from danhgia.calendar import not_evaluated

    found = not_evaluated(person, fw, *month)
    if found is None:
        return None
    if isinstance(found, str):
        return _note(found, found)
    return _note(found.reason, found.reason_en or found.reason)


def _sheet_key(file: str | None, sheet: str | None) -> tuple[str, str]:
    return (file or "", sheet or "")


def _leader_missing_only(f: Finding, has_leader: bool) -> bool:
    """A ``missing-score`` of the leader column on a sheet the leader has not scored yet is
    what ``pending`` means, not an invalid sheet."""
    return not has_leader and f.code == "missing-score" and f.params.get("column") == "leader"


def _from_sheet(p: PersonMonth, s, extra: list[Finding], fw: Framework | None,
                added: list[Finding]) -> None:
    """Fill ``p`` from one scoresheet and decide its status."""
    p.name = p.name or nfc(s.person)
    p.unit = p.unit or nfc(s.unit)
    p.position = p.position or nfc(s.position)
    p.variant = p.variant or s.variant
    p.file, p.sheet = s.file, s.sheet
    p.self_total, p.leader_total = s.self_total, s.leader_total
    p.blocks = dict(s.blocks_leader)
    p.ratios = dict(s.ratios_leader)
    p.self_grade, p.decided_grade = s.self_grade, s.decided_grade
    p.band = s.leader_band or (fw.grade_for(s.leader_total) if fw and s.leader_total is not None else None)
    findings = list(s.findings) + extra
    has_leader = s.has_leader_scores and s.leader_total is not None
    if (p.decided_grade and p.band and grade_rank(p.decided_grade) < grade_rank(p.band)
            and not any(f.code == "grade-above-band" for f in findings)):
        f = Finding("grade-above-band", file=s.file, sheet=s.sheet, person=p.name or None,
                    person_id=p.id or None, value=p.decided_grade, expected=p.band,
                    params={"total": number_text(p.leader_total)})
        findings.append(f)
        added.append(f)
    errors = [f for f in findings if f.severity == "error" and f.code not in _NOT_INVALIDATING
              and not _leader_missing_only(f, has_leader)]
    if errors:
        p.status = "invalid"
        p.codes = sorted({f.code for f in errors})
        p.notes.append(_note("Lỗi: " + ", ".join(code_name(c, "vi") for c in p.codes),
                             "Errors: " + ", ".join(code_name(c, "en") for c in p.codes)))
        return
    if not has_leader and not p.decided_grade:
        p.status = "pending"
        p.notes.append(_note("Chưa có điểm lãnh đạo chấm và quyết định xếp loại của thủ trưởng",
                             "Neither the leader's scores nor the head's decision yet"))
        return
    if not has_leader:
        p.notes.append(_note("Thủ trưởng đã xếp loại nhưng chưa có điểm lãnh đạo chấm",
                             "Decided by the head without the leader's scores"))
    final = p.decided_grade or p.band
    if final is None:
        p.status = "pending"
        p.notes.append(_note("Tổng điểm lãnh đạo chấm không thuộc mức xếp loại nào",
                             "The leader total falls in no grade band"))
        return
    p.status = "classified"
    p.final_grade = final
    if p.decided_grade and p.band and p.decided_grade != p.band:
        p.notes.append(_note(f"Thủ trưởng xếp loại {p.decided_grade} (điểm đạt loại {p.band})",
                             f"The head decided {p.decided_grade} (the score gives {p.band})"))


def _person_from_roster(r: Person) -> PersonMonth:
    return PersonMonth(id=r.id, name=r.name, unit=r.unit, group=r.group, task_group=r.task_group,
                       position=r.position, variant=r.variant)


def decide(run, ctx, month: tuple[int, int], apply_quota: bool = False,
           rollups: Iterable[TallyInput] = (), extra_findings: Iterable[Finding] = ()) -> MonthResult:
    """Decide every person's month and each unit's counts and quota.

    ``run`` is a ``RunResult``; ``ctx`` a ``ReadContext`` (roster, unit config, framework choice);
    ``rollups`` sub-units' workbooks read with ``read_tally``; ``extra_findings`` problems met
    before deciding (e.g. a workbook that is not a tally), listed and counted as blocking.
    """
    roster: Roster | None = ctx.roster
    cfg = ctx.config
    default_fw = ctx.framework_for()
    fw_cache: dict[tuple, Framework] = {}

    def fw_for(variant: str | None, group: str | None) -> Framework:
        key = (variant, group)
        if key not in fw_cache:
            fw_cache[key] = ctx.framework_for(variant, group)
        return fw_cache[key]

    sheets = sorted(run.sheets(), key=lambda s: _sheet_key(s.file, s.sheet))
    by_sheet: dict[tuple[str, str], list[Finding]] = {}
    for f in run.findings:
        if f.sheet is not None:
            by_sheet.setdefault(_sheet_key(f.file, f.sheet), []).append(f)
    added: list[Finding] = []
    people: list[PersonMonth] = []
    config_unit = (cfg.unit if cfg is not None else None) or ""

    def extra_of(s) -> list[Finding]:
        return by_sheet.get(_sheet_key(s.file, s.sheet), [])

    def dup_finding(p: PersonMonth, group: list) -> None:
        if not any(f.code == "duplicate-person" for s in group for f in list(s.findings) + extra_of(s)):
            for s in group[1:]:
                f = Finding("duplicate-person", file=s.file, sheet=s.sheet, person=p.name or None,
                            person_id=p.id or None, value=p.id,
                            params={"other": f"{group[0].file} › {group[0].sheet}"})
                added.append(f)

    def settle(p: PersonMonth, group: list) -> None:
        fw = fw_for(p.variant or group[0].variant, p.group)
        if len(group) > 1:
            _from_sheet(p, group[0], extra_of(group[0]), fw, added)
            dup_finding(p, group)
            p.status, p.final_grade = "invalid", None
            p.codes = sorted(set(p.codes) | {"duplicate-person"})
            others = ", ".join(f"{s.file} › {s.sheet}" for s in group)
            p.notes = [_note(f"Nhiều bảng điểm: {others}", f"Several scoresheets: {others}")]
        else:
            _from_sheet(p, group[0], extra_of(group[0]), fw, added)

    if roster is not None:
        index = index_of(roster)
        matched: dict[str, list] = {}
        unmatched = []
        for s in sheets:
            r = index.find(s.person_id, s.person)
            if r is None:
                unmatched.append(s)
            else:
                matched.setdefault(r.id, []).append(s)
        for r in roster.people:
            group = matched.get(r.id, [])
            p = _person_from_roster(r)
            reason = not_evaluated_reason(r, month, fw_for(r.variant, r.group))
            if not group and not r.employed_in(*month):
                continue
            if not group and not getattr(run, "covers", True):
                continue        # the inputs are some files, not the unit: nobody is missing here
            if reason is not None:
                p.status, p.reason = "not_evaluated", reason
                p.notes.append(reason)
                if group:
                    p.file, p.sheet = group[0].file, group[0].sheet
                    p.notes.append(_note("Đã nộp bảng điểm; không tính", "A scoresheet was sent; not counted"))
            elif not group:
                p.status = "missing"
            else:
                settle(p, group)
            people.append(p)
        for s in unmatched:
            p = PersonMonth(id=s.person_id, name=nfc(s.person), unit=nfc(s.unit) or config_unit,
                            group="ldhd" if s.variant == "ldhd" else None)
            _from_sheet(p, s, extra_of(s), fw_for(s.variant, p.group), added)
            if not any(f.code == "not-in-roster" for f in list(s.findings) + extra_of(s)):
                added.append(Finding("not-in-roster", file=s.file, sheet=s.sheet, person=p.name or None,
                                     person_id=p.id or None, value=p.id))
            p.status, p.final_grade = "invalid", None
            p.codes = sorted(set(p.codes) | {"not-in-roster"})
            p.notes.append(_note("Không có trong danh sách", "Not in the roster"))
            people.append(p)
    else:
        # without a roster nobody can be known to be missing: said, never silent (design.md §2)
        added.append(Finding("no-roster"))
        groups: dict[str, list] = {}
        for s in sheets:
            key = ("id:" + s.person_id if s.person_id else
                   "name:" + fold(s.person) if fold(s.person) else f"sheet:{s.file}\x00{s.sheet}")
            groups.setdefault(key, []).append(s)
        for group in groups.values():
            s = group[0]
            p = PersonMonth(id=s.person_id, name=nfc(s.person), unit=nfc(s.unit) or config_unit,
                            group="ldhd" if s.variant == "ldhd" else None)
            settle(p, group)
            people.append(p)

    # Roll-up: sub-units' people join; a person already placed elsewhere is a finding.
    extra_findings = list(extra_findings)
    people, rollup_list = join_rollups(people, rollups, lambda t: month_mismatch(t, month), default_fw,
                                       added, extra_findings)

    for p in people:
        p.unit = p.unit or config_unit
    units = _units(people, default_fw, cfg, rollup_list, apply_quota, added)
    # Order: units in order of first appearance; people by unit, then as they came.
    order = {u.unit: i for i, u in enumerate(units)}
    people.sort(key=lambda p: order.get(p.unit, len(order)))

    blocking = [f for fo in run.files for f in fo.findings if f.severity == "error"]
    blocking += [f for f in extra_findings if f.severity == "error"]
    blocking += [f for f in added if f.code == "person-in-two-units"]
    findings = run.all_findings() + list(extra_findings) + added
    findings.sort(key=Finding.sort_key)

    sources = [SourceFile(file=fo.file, sha256=fo.sha256, kind="scoresheet", sheets=len(fo.sheets),
                          frameworks=sorted({s.framework_id for s in fo.sheets if s.framework_id}))
               for fo in sorted(run.files, key=lambda fo: fo.file)]
    sources += [SourceFile(file=t.file, sha256=t.sha256, kind="tally", sheets=len(t.people),
                           frameworks=[t.framework] if t.framework else [])
                for t in sorted(rollup_list, key=lambda t: t.file)]
    unit_name = config_unit or (units[0].unit if len(units) == 1 else "")
    return MonthResult(month=month, people=people, units=units, findings=findings, sources=sources,
                       framework_id=default_fw.id, framework_version=default_fw.version,
                       unit_name=unit_name, apply_quota=apply_quota, blocking=blocking,
                       exceptional=bool(cfg.exceptional) if cfg is not None else False,
                       grade_labels={g.grade: (g.label, g.label_en or g.label) for g in default_fw.grades})


def join_rollups(people: list[PersonMonth], rollups: Iterable[TallyInput], mismatch, fw: Framework,
                 added: list[Finding], extra: list[Finding]) -> tuple[list[PersonMonth], list[TallyInput]]:
    """Sub-units' workbooks of the run's period join (``mismatch(t)`` is the finding for one of
    another period, put in ``extra``): their people are added, a roster person missing here but
    counted in a sub-unit's workbook is not missing, bands and two-unit people are checked."""
    rollup_list = []
    for t in rollups:
        wrong = mismatch(t)
        if wrong is not None:
            extra.append(wrong)
        else:
            rollup_list.append(t)
    if rollup_list:
        rolled = [p for t in rollup_list for p in t.people]
        found = {p.id for p in rolled if p.id}
        people = [p for p in people if not (p.status == "missing" and p.id in found)] + rolled
        _check_bands(rolled, fw, added)
        _two_units(people, added)
    return people, rollup_list


def _check_bands(people: list[PersonMonth], fw: Framework, added: list[Finding]) -> None:
    """A rolled-up final grade above the band of the leader total (edited by hand) is an error."""
    for p in people:
        if p.status != "classified" or p.leader_total is None or not p.final_grade:
            continue
        band = fw.grade_for(p.leader_total)
        if band and grade_rank(p.final_grade) < grade_rank(band):
            added.append(Finding("grade-above-band", file=p.origin, sheet=layout.DETAIL_SHEET,
                                 person=p.name or None, person_id=p.id or None, value=p.final_grade,
                                 expected=band, params={"total": number_text(p.leader_total)}))
            p.status, p.final_grade = "invalid", None
            p.codes = sorted(set(p.codes) | {"grade-above-band"})
            p.notes.append(_note(f"Xếp loại cao hơn mức điểm cho phép ({band})",
                                 f"Grade above what the score allows ({band})"))


def _two_units(people: list[PersonMonth], added: list[Finding]) -> None:
    """One person (by id) in two units, or in two sub-units' workbooks: both rows invalid."""
    where: dict[str, list[PersonMonth]] = {}
    for p in people:
        if p.id:
            where.setdefault(p.id, []).append(p)
    for pid, rows in where.items():
        places = sorted({(q.origin, q.unit) for q in rows})
        if len(places) < 2:
            continue
        units = ", ".join(f"{unit_label(u)}" + (f" ({Path(o).name})" if o else "") for o, u in places)
        added.append(Finding("person-in-two-units", file=rows[-1].origin or rows[-1].file or None,
                             person=rows[0].name or None, person_id=pid, value=pid,
                             params={"units": units}))
        for q in rows:
            q.status, q.final_grade = "invalid", None
            q.codes = sorted(set(q.codes) | {"person-in-two-units"})
            q.notes.append(_note(f"Có mặt ở hai đơn vị: {units}", f"Appears in two units: {units}"))


def _units(people: list[PersonMonth], fw: Framework, cfg, rollups: list[TallyInput],
           apply_quota: bool, added: list[Finding]) -> list[UnitMonth]:
    units: dict[str, UnitMonth] = {}
    origin_of = {}
    exceptional_of = {}
    for t in rollups:
        for p in t.people:
            origin_of.setdefault(p.unit, t.file)
            exceptional_of[p.unit] = t.exceptional
    own_exceptional = bool(cfg.exceptional) if cfg is not None else False
    members_of: dict[str, list[PersonMonth]] = {}     # one pass: a district has many units
    for p in people:
        u = units.get(p.unit)
        if u is None:
            u = units[p.unit] = UnitMonth(unit=p.unit, origin=origin_of.get(p.unit, ""),
                                         exceptional=exceptional_of.get(p.unit, own_exceptional))
        u.groups.setdefault(p.group, Counts())
        members_of.setdefault(p.unit, []).append(p)
    for u in units.values():
        u.groups = {g: u.groups[g] for g in sorted(u.groups, key=group_position)}
    if fw.quota is not None:
        for u in units.values():
            u.quota = _quota(u, members_of[u.unit], fw, apply_quota, added)
    for p in people:
        u = units[p.unit]
        u.groups[p.group].add(p)
        u.total.add(p)
    return list(units.values())


def group_position(g: str | None) -> int:
    return GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER)


def _quota(u: UnitMonth, members: list[PersonMonth], fw: Framework, apply_quota: bool,
           added: list[Finding]) -> list[quota_mod.QuotaResult]:
    rule = fw.quota
    assert rule is not None
    by_key: dict[str, PersonMonth] = {}
    cands = []
    for i, p in enumerate(members):
        if p.status != "classified":
            continue
        key = p.id if p.id and p.id not in by_key else f"{p.id}#{i}"
        by_key[key] = p
        cands.append(quota_mod.Candidate(id=key, name=p.name, grade=p.final_grade, score=p.leader_total,
                                         group=p.group, task_group=p.task_group))

    def scope(p: PersonMonth) -> str:
        if rule.pooling == "per_group":
            return p.group or ""
        if rule.pooling == "per_task_group":
            return p.task_group or ""
        return ""

    staff_by_scope: dict[str, int] = {}
    for p in members:
        staff_by_scope[scope(p)] = staff_by_scope.get(scope(p), 0) + 1
    results = quota_mod.check(rule, cands, staff=len(members), exceptional=u.exceptional,
                              staff_by_scope=staff_by_scope)
    unit_name = unit_label(u.unit)
    for r in results:
        where = unit_name + (f" — {r.scope}" if r.scope else "")
        if r.status != "exceeded":
            continue
        for rank, c in enumerate(r.ranked, 1):
            if rank > r.cap:
                by_key[c.id].notes.append(_note(
                    f"Vượt tỷ lệ loại {r.grade}: xếp thứ {rank}/{r.count} theo điểm lãnh đạo chấm",
                    f"Over the {r.grade} cap: ranked {rank}/{r.count} by leader total"))
        tied = list(r.tied)
        if apply_quota:
            for c in quota_mod.apply(r):
                p = by_key[c.id]
                p.demoted_from, p.final_grade = r.grade, c.grade
                p.notes.append(_note(f"Hạ từ loại {r.grade} xuống {c.grade} để đúng tỷ lệ",
                                     f"Lowered from {r.grade} to {c.grade} to meet the cap"))
                added.append(Finding("quota-demoted", file=u.origin or None, person=p.name or None,
                                     person_id=p.id or None, value=r.grade, expected=c.grade,
                                     params={"unit": where}))
        if tied:
            score = tied[0].score
            for c in tied:
                by_key[c.id].notes.append(_note("Bằng điểm tại ngưỡng cắt; thủ trưởng quyết định",
                                                "Tied at the cut; the head decides"))
            added.append(Finding("quota-tie", file=u.origin or None, value=score,
                                 params={"unit": where, "ids": ", ".join(c.id for c in tied)}))
        if r.status == "exceeded":
            added.append(Finding("quota-exceeded", file=u.origin or None, value=r.count,
                                 expected=f"<= {r.cap}",
                                 params={"unit": where, "count": r.count, "grade": r.grade, "cap": r.cap,
                                         "rate": f"{number_text(r.percent)}%", "base": r.base}))
    return results


# ---------------------------------------------------------------------------------------------
# Roll-up: reading consolidated monthly workbooks back (by the labels of ``danhgia.layout``)

EXCEPTIONAL_LABEL = ("Đơn vị có thành tích đặc biệt", "Exceptional unit")
APPLY_QUOTA_LABEL = ("Đã áp dụng tỷ lệ (hạ loại)", "Quota applied (demotions)")
def month_mismatch(t: TallyInput, month: tuple[int, int]) -> Finding | None:
    """A sub-unit's workbook for another month (or with no month) is not rolled up."""
    if t.month == month and t.quarter is None:
        return None
    if t.quarter is not None:      # a sub-unit's quarter workbook in a month's run
        from danhgia.messages import Say
        from danhgia.period import quarter_label

        value = quarter_label(t.quarter)
        return Finding("month-mismatch", file=t.file, sheet=layout.SOURCES_SHEET, value=value,
                       expected=f"{month[1]:02d}/{month[0]}",
                       params={"of": Say(value, quarter_label(t.quarter, "en"))})
    value = f"{t.month[1]:02d}/{t.month[0]}" if t.month else "?"
    return Finding("month-mismatch", file=t.file, sheet=layout.SOURCES_SHEET, value=value,
                   expected=f"{month[1]:02d}/{month[0]}")


def month_not_served(sheets, month: tuple[int, int], has_rollups: bool) -> tuple[str, str] | None:
    """(vi, en) when no scoresheet is of ``month`` but the sheets are dated another month: the
    inputs cannot serve the run (exit 2, design.md §2), said with what was found instead."""
    if has_rollups or not sheets:
        return None
    periods = [tuple(s.period) for s in sheets if s.period]
    if not periods or tuple(month) in periods:
        return None
    counts: dict[tuple, int] = {}
    for p in periods:
        counts[p] = counts.get(p, 0) + 1
    asked = f"{month[1]:02d}/{month[0]}"
    found = ", ".join(f"{n} bảng ghi tháng {p[1]:02d}/{p[0]}" for p, n in sorted(counts.items()))
    found_en = ", ".join(f"{n} dated {p[1]:02d}/{p[0]}" for p, n in sorted(counts.items()))
    if len(counts) == 1:
        (p, n), = counts.items()
        found = f"cả {n} bảng điểm đều ghi tháng {p[1]:02d}/{p[0]}"
        found_en = f"all {n} scoresheets are dated {p[1]:02d}/{p[0]}"
    return (f"Không có bảng điểm nào của tháng {asked}: {found}. Kiểm tra --month hoặc thư mục đầu vào.",
            f"No scoresheet is for {asked}: {found_en}. Check --month or the input folder.")
