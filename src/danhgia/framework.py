"""Criteria frameworks: pydantic models, loading (with ``extends``), self-check, JSON schema.

A framework file is YAML. Scores are entered at the leaves of each variant's criteria tree and
every parent is computed, so a parent's ``max`` must equal the sum of its children's (deduction
items excepted: they subtract inside their block). Grade bands carry explicit inclusive /
exclusive bounds because provinces differ. Rules the domain marks *(verify)* carry
``verify: true`` and a ``source`` so a unit can see what to confirm and change it in its own file.

pydantic is used for the models so that a broken file yields precise errors at YAML paths.
"""

from __future__ import annotations

import copy
import json
import os
from functools import lru_cache
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from danhgia.messages import Say, say
from danhgia.text import fold

GROUPS = ("can_bo", "cong_chuc", "vien_chuc", "ldhd")
GRADES = ("A", "B", "C", "D")
Group = Literal["can_bo", "cong_chuc", "vien_chuc", "ldhd"]
QuotaBase = Literal["classified", "b_or_better", "exactly_b", "all_staff"]
Pooling = Literal["pooled", "per_group", "per_task_group"]
Rounding = Literal["floor", "round", "ceil"]

HUNDREDTH = Decimal("0.01")

# libyaml's loader when PyYAML was built with it: the same safe subset, ~10× faster than the
# pure-Python one (a preset is parsed at every command's start; issue 16).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=_SafeLoader)


def to_decimal(value: Any) -> Decimal:
    """Convert YAML numbers exactly (floats through their shortest repr, not binary value)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(Say("cần một số", "a number is required"))
    if isinstance(value, (int, str)):
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except ArithmeticError:
            raise ValueError(Say(f"«{value}» không phải là số", f"«{value}» is not a number")) from None
    if isinstance(value, float):
        return Decimal(repr(value))
    raise ValueError(Say("cần một số", "a number is required"))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Source(_Model):
    doc: str
    date: str | None = None
    note: str | None = None


class Band(_Model):
    """An interval of numbers with explicit bounds; ``None`` means unbounded."""

    min: Decimal | None = None
    min_inclusive: bool = True
    max: Decimal | None = None
    max_inclusive: bool = False

    @field_validator("min", "max", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return None if v is None else to_decimal(v)

    def contains(self, x: Decimal) -> bool:
        if self.min is not None and (x < self.min or (x == self.min and not self.min_inclusive)):
            return False
        if self.max is not None and (x > self.max or (x == self.max and not self.max_inclusive)):
            return False
        return True

    def describe(self) -> str:
        lo = "" if self.min is None else f"{'≥' if self.min_inclusive else '>'} {_n(self.min)}"
        hi = "" if self.max is None else f"{'≤' if self.max_inclusive else '<'} {_n(self.max)}"
        return ", ".join(p for p in (lo, hi) if p) or "mọi giá trị"


class GradeBand(Band):
    grade: str
    label: str
    label_en: str = ""
    short: str = ""


class CompletionBand(_Model):
    """Hanoi II.2: the share of planned work completed (percent) → allowed points."""

    share: Band
    points: Band


class Criterion(_Model):
    code: str
    label: str
    label_en: str = ""
    max: Decimal
    min: Decimal = Decimal(0)
    kind: Literal["score", "bonus", "deduction", "ratio"] = "score"
    step: Decimal | None = None
    letter: str | None = Field(None, description="NĐ 335 ratio letter: a, b, c, d, đ, e")
    aliases: list[str] = Field([], description="other labels other agencies' forms use for this row")
    note_required: bool = False
    completion_bands: list[CompletionBand] | None = None
    computed_from: list[str] | None = Field(
        default=None,
        description="NĐ 335: the points are max × mean of these ratio children (percentages)",
    )
    children: list["Criterion"] = []

    @field_validator("max", "min", "step", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return None if v is None else to_decimal(v)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self, depth: int = 0) -> Iterator[tuple["Criterion", int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


class Variant(_Model):
    id: str
    title: str
    title_en: str = ""
    aliases: list[str] = []
    groups: list[Group] = []
    replaces: list[str] = Field([], description="roster variants this variant stands for under this "
                                                "framework (Mẫu 01A for «Chuyên viên»)")
    leader: bool = Field(False, description="a leaders' and managers' variant")
    total_max: Decimal = Decimal(100)
    criteria: list[Criterion]

    def walk(self) -> Iterator[tuple[Criterion, int]]:
        for c in self.criteria:
            yield from c.walk()

    def criterion(self, code: str) -> Criterion | None:
        for c, _ in self.walk():
            if c.code == code:
                return c
        return None

    def leaves(self) -> list[Criterion]:
        return [c for c, _ in self.walk() if c.is_leaf]

    def ratios(self) -> list[Criterion]:
        """NĐ 335 task-result ratios (a, b, c; leaders d, đ, e), in the form's order."""
        return [c for c, _ in self.walk() if c.kind == "ratio"]

    def parent_of(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}

        def visit(c: Criterion, parent: str | None) -> None:
            out[c.code] = parent
            for ch in c.children:
                visit(ch, c.code)

        for c in self.criteria:
            visit(c, None)
        return out


class QuotaRule(_Model):
    grade: str = "A"
    cap: Decimal = Field(description="percent, e.g. 20 for 20%")
    base: QuotaBase = "b_or_better"
    pooling: Pooling = "pooled"
    rounding: Rounding = "floor"
    exceptional_cap: Decimal | None = None
    exceptional_base: QuotaBase | None = None
    min_allowed: int = Field(0, description="at least this many allowed however small the group")
    verify: bool = False
    source: str = ""

    @field_validator("cap", "exceptional_cap", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return None if v is None else to_decimal(v)


class TaskRatios(_Model):
    """NĐ 335 part II settings: whether each ratio is capped at 100% and the leader's d rule."""

    capped: bool = Field(True, description="each ratio counts at most 100% (over 100 is a finding)")
    leader_d_all_htnv: Decimal = Field(Decimal(100), description="d when every subordinate is HTNV or better")
    leader_d_any_khtnv: Decimal = Field(Decimal(50), description="d when any subordinate is KHTNV")
    error_deduction: Decimal = Field(Decimal(25), description="% of a product's quality per major error")
    delay_deduction: Decimal = Field(Decimal(25), description="% of a product's timeliness per delay")
    # a quarter from three monthly forms: leaders' d, đ, e take the lowest month, or the mean
    quarter_leader_ratios: Literal["lowest", "mean"] = Field(
        "lowest", description="a quarter's d, đ, e from its months: the lowest month (seen in practice) or the mean")
    verify: bool = False
    source: str = ""

    @field_validator("leader_d_all_htnv", "leader_d_any_khtnv", "error_deduction", "delay_deduction",
                     mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return to_decimal(v)


class DayWindow(_Model):
    start_day: int = Field(ge=1, le=31)
    end_day: int = Field(ge=1, le=31)


class CalendarMonth(_Model):
    self_window: DayWindow | None = None
    leader_deadline_day: int | None = Field(None, ge=1, le=31)
    head_deadline_day: int | None = Field(None, ge=1, le=31)


class Calendar(_Model):
    """Deadlines as days of the evaluated month; ``december`` overrides them for December."""

    self_window: DayWindow
    leader_deadline_day: int | None = Field(None, ge=1, le=31)
    head_deadline_day: int = Field(ge=1, le=31)
    december: CalendarMonth | None = None
    # a quarterly form's deadlines, as days of the quarter's last month (default: that month's own)
    quarter: CalendarMonth | None = None
    shift_for_weekends: bool = False
    holidays: list[date] = []
    verify: bool = False
    source: str = ""


class NotEvaluatedRule(_Model):
    id: str
    reason: str
    reason_en: str = ""
    teacher: bool | None = Field(None, description="true: only teachers; null: anyone")
    groups: list[Group] = []
    months: list[int]
    verify: bool = False
    source: str = ""

    @field_validator("months")
    @classmethod
    def _months(cls, v: list[int]) -> list[int]:
        for m in v:
            if not 1 <= m <= 12:
                raise ValueError(Say(f"tháng {m} không nằm trong 1–12", f"month {m} is not between 1 and 12"))
        return v


from pydantic import model_validator  # noqa: E402  (used by the annual models only)


class Applicability(_Model):
    """Which staff groups and rating years an annual rule set covers (years inclusive)."""

    groups: list[Group]
    from_year: int | None = None
    to_year: int | None = None
    verify: bool = False
    source: str = ""

    def covers(self, year: int, group: str) -> bool:
        if group not in self.groups:
            return False
        if self.from_year is not None and year < self.from_year:
            return False
        if self.to_year is not None and year > self.to_year:
            return False
        return True


class CountRule(_Model):
    """A ``count`` strategy rule: the first rule whose conditions hold gives the level.

    Keys are a grade or grades joined by ``+`` (``"A+B"``). ``min_share`` is a percent of the
    months evaluated. A rule with no condition always holds (use it last, as a fallback).
    """

    level: str
    min_months: dict[str, int] = Field({}, description="grade → at least this many months")
    max_months: dict[str, int] = Field({}, description="grade → at most this many months")
    min_share: dict[str, Decimal] = Field({}, description="grade (or 'A+B') → at least this percent")
    verify: bool = True
    source: str = ""

    @field_validator("min_share", mode="before")
    @classmethod
    def _dec_share(cls, v: Any) -> Any:
        return {k: to_decimal(x) for k, x in v.items()} if isinstance(v, dict) else v


class AbsenceCap(_Model):
    """Lawful absence (not maternity) of ``from_months`` to under ``below_months`` caps the level."""

    from_months: Decimal = Decimal(3)
    below_months: Decimal = Decimal(6)
    cap: str = "C"
    verify: bool = False
    source: str = ""

    @field_validator("from_months", "below_months", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return to_decimal(v)


# Disciplinary forms, lightest first (administrative and Party forms on one scale, as far as
# ``min_form`` comparisons need). A unit may replace the list in its own rules file.
DISCIPLINE_FORMS = [
    "khiển trách", "cảnh cáo", "hạ bậc lương", "giáng chức", "cách chức", "buộc thôi việc", "khai trừ",
]


class DisciplineRule(_Model):
    """Discipline in the rating year → ``level``.

    ``related_only_groups`` / ``related_only_from``: for these groups, discipline decided on or
    after that date counts only when the violation relates to public duty. ``min_form``: only
    this form or a heavier one (per ``forms``, lightest first) counts.
    """

    level: str = "D"
    related_only_groups: list[Group] = []
    related_only_from: date | None = None
    min_form: str | None = Field(None, description="e.g. khiển trách: reprimand or heavier")
    forms: list[str] = Field(default_factory=lambda: list(DISCIPLINE_FORMS))
    source: str = ""


class LeaderThreshold(_Model):
    """Minimum unit results (percents) for a leader to keep ``level``.

    A leader keeps a level only when the thresholds of that level and of every lower level hold;
    otherwise the level is capped at the best level whose thresholds (and those below) hold.
    """

    level: str
    targets_met: Decimal | None = None
    targets_exceeded: Decimal | None = None
    subunits_htnv: Decimal | None = None
    subunits_htt: Decimal | None = None
    no_corruption: bool = False
    verify: bool = False

    @field_validator("targets_met", "targets_exceeded", "subunits_htnv", "subunits_htt", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return None if v is None else to_decimal(v)


class ObjectionWindow(_Model):
    """How long staff have to object to the published results, and the unit to answer."""

    days: int = Field(ge=1, description="days from publication to object in writing")
    resolve_working_days: int = Field(ge=1, description="working days to resolve an objection")
    source: str = ""


class AnnualRules(_Model):
    """The annual rating rules of one regime (NĐ 90/48, NĐ 335 …); see ``danhgia.annual``.

    Overrides apply in a fixed order (domain.md §3.3): not classified → maternity → discipline →
    degradation → leader's unit results → absence cap → quota check. Each ``*_source`` names the
    text a recorded override cites.
    """

    applies_to: list[Applicability] = []
    default_strategy: Literal["average", "count", "manual"] = "average"
    levels: list[GradeBand]
    not_classified_label: str = "Không xếp loại"
    not_classified_label_en: str = "Not classified"
    count_rules: list[CountRule] = []
    min_months_worked: Decimal = Decimal(6)
    not_classified_source: str = ""
    maternity_exempt: bool = True
    maternity_source: str = ""
    absence_cap: AbsenceCap | None = AbsenceCap()
    discipline: DisciplineRule = DisciplineRule()
    degradation_level: str = "D"
    degradation_source: str = ""
    leader_variants: list[str] = ["lanh-dao-quan-ly"]
    leader_thresholds: list[LeaderThreshold] = []
    leader_source: str = ""
    head_not_above_unit: bool = Field(False, description="a head is not rated above the level of the unit "
                                                         "they run (events column «Xếp loại đơn vị»)")
    head_source: str = ""
    quota: QuotaRule | None = None
    objection: ObjectionWindow | None = None
    verify: bool = Field(False, description="the whole rule set is unconfirmed (seen through units' rules)")
    deadline: str = Field("12-15", description="MM-DD: rate before this day")
    missing_month_provisional: bool = True
    lowered_month_caps: bool = Field(False, description="a month whose grade the head lowered below its band "
                                     "caps the year's level at that grade (domain.md §3.3, verify; default: "
                                     "listed, not capping)")
    sources: list[Source] = []

    @field_validator("min_months_worked", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return to_decimal(v)

    @model_validator(mode="after")
    def _levels_known(self) -> "AnnualRules":
        known = {lv.grade for lv in self.levels}
        refs = [("count_rules", r.level) for r in self.count_rules]
        refs += [("leader_thresholds", t.level) for t in self.leader_thresholds]
        if self.absence_cap is not None:
            refs.append(("absence_cap.cap", self.absence_cap.cap))
        if self.quota is not None:
            refs.append(("quota.grade", self.quota.grade))
        for where, level in refs:
            if level not in known:
                raise ValueError(Say(f"{where}: mức «{level}» không có trong các mức (levels)",
                                     f"{where}: level «{level}» is not among the levels"))
        return self

    def level(self, grade: str | None) -> GradeBand | None:
        return next((lv for lv in self.levels if lv.grade == grade), None)


class Framework(_Model):
    id: str
    title: str
    title_en: str = ""
    version: str = "1"
    kind: Literal["monthly", "annual"] = "monthly"
    # the monitoring periods the framework's forms are kept for: NĐ 335 / NĐ 233 by month or quarter
    periods: list[Literal["month", "quarter"]] = ["month"]
    sources: list[Source] = []
    effective_from: date | None = None
    effective_to: date | None = None
    step: Decimal = Decimal("0.5")
    grades: list[GradeBand] = []
    variants: list[Variant] = []
    quota: QuotaRule | None = None
    calendar: Calendar | None = None
    not_evaluated: list[NotEvaluatedRule] = []
    task_ratios: TaskRatios | None = None
    annual: AnnualRules | None = None
    extends: str | None = None
    leader_column: str | None = Field(
        default=None,
        description="header of the score column that counts as the leader's when a form has several "
                    "reviewers' columns (e.g. «Điểm cấp phó»); default: the last one (the competent level)")

    @field_validator("step", mode="before")
    @classmethod
    def _dec(cls, v: Any) -> Any:
        return to_decimal(v)

    @property
    def by_quarter(self) -> bool:
        return "quarter" in self.periods

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.variants if v.id == variant_id), None)

    def grade_for(self, score: Decimal) -> str | None:
        return grade_for(self.grades, score)

    def band(self, grade: str) -> GradeBand | None:
        return next((b for b in self.grades if b.grade == grade), None)

    def step_of(self, c: Criterion) -> Decimal:
        return c.step if c.step is not None else self.step

    @property
    def ratios_capped(self) -> bool:
        return self.task_ratios.capped if self.task_ratios is not None else True

    def variant_for(self, variant_id: str | None) -> Variant | None:
        """The variant ``variant_id`` names, or the one that stands for it here (``replaces``)."""
        if not variant_id:
            return None
        return self.variant(variant_id) or next((v for v in self.variants if variant_id in v.replaces), None)


def grade_for(bands: list[GradeBand], score: Decimal) -> str | None:
    for band in bands:
        if band.contains(score):
            return band.grade
    return None


def grade_rank(grade: str | None) -> int:
    """A=0 (best) … D=3; unknown grades rank last."""
    return GRADES.index(grade) if grade in GRADES else len(GRADES)


def _n(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral_value() else str(x)


# ---------------------------------------------------------------------------------------------
# Loading


class FrameworkError(Exception):
    """A framework file is invalid; ``problems`` lists (yaml_path, line, message).

    Messages are ``Say`` (both languages): ``text(lang)`` gives one language at a time.
    """

    def __init__(self, source: str, problems: list[tuple[str, int | None, str]]):
        self.source = source
        self.problems = problems
        super().__init__(self.text("vi"))

    def text(self, lang: str = "vi") -> str:
        lines = []
        for path, line, msg in self.problems:
            source = say(self.source, lang)
            where = f"{source}:{line}" if line else source
            if path in (ROOT_PATH, FILE_PATH) and not line:
                lines.append(f"{where}: {say(msg, lang)}")
            else:
                lines.append(f"{where}: {say(path, lang)}: {say(msg, lang)}")
        return "\n".join(lines)


ROOT_PATH = Say("(gốc)", "(root)")
FILE_PATH = Say("(tệp)", "(file)")
YAML_PATH = Say("(yaml)", "(yaml)")


_PYDANTIC_VI_EN: dict[str, tuple[str, str]] = {
    "missing": ("thiếu (bắt buộc phải có)", "missing (required)"),
    "extra_forbidden": ("tên trường không có trong định dạng (viết sai?)", "unknown field (misspelt?)"),
    "literal_error": ("phải là một trong: {expected}", "must be one of: {expected}"),
    "enum": ("phải là một trong: {expected}", "must be one of: {expected}"),
    "string_type": ("phải là chữ", "must be text"),
    "int_type": ("phải là số nguyên", "must be a whole number"),
    "int_parsing": ("phải là số nguyên", "must be a whole number"),
    "int_from_float": ("phải là số nguyên", "must be a whole number"),
    "float_type": ("phải là số", "must be a number"),
    "float_parsing": ("phải là số", "must be a number"),
    "decimal_type": ("phải là số", "must be a number"),
    "decimal_parsing": ("phải là số", "must be a number"),
    "bool_type": ("phải là true hoặc false", "must be true or false"),
    "bool_parsing": ("phải là true hoặc false", "must be true or false"),
    "list_type": ("phải là một danh sách (các dòng «- …»)", "must be a list (lines of «- …»)"),
    "dict_type": ("phải là một bảng (các dòng «khóa: giá trị»)", "must be a mapping (lines of «key: value»)"),
    "model_type": ("phải là một bảng (các dòng «khóa: giá trị»)", "must be a mapping (lines of «key: value»)"),
    "model_attributes_type": ("phải là một bảng (các dòng «khóa: giá trị»)", "must be a mapping (lines of «key: value»)"),
    "date_type": ("phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_parsing": ("phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "greater_than": ("phải lớn hơn {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("phải từ {ge} trở lên", "must be at least {ge}"),
    "less_than": ("phải nhỏ hơn {lt}", "must be less than {lt}"),
    "less_than_equal": ("phải không quá {le}", "must be at most {le}"),
    "too_short": ("cần ít nhất {min_length} mục", "needs at least {min_length} items"),
    "too_long": ("nhiều nhất {max_length} mục", "at most {max_length} items"),
    "string_too_short": ("không được để trống", "must not be empty"),
}


def pydantic_message(err: dict, lang: str = "vi") -> str:
    """One pydantic error in ``lang``: our own words, never pydantic's English in Vietnamese."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        exc = ctx.get("error")
        arg = exc.args[0] if exc is not None and getattr(exc, "args", None) else None
        if isinstance(arg, Say):
            return arg.in_(lang)
    pair = _PYDANTIC_VI_EN.get(kind)
    if pair is None:
        return err.get("msg", "") if lang == "en" else f"giá trị không hợp lệ ({kind})"
    fields = {k: str(v) for k, v in ctx.items()}
    if "expected" in fields and lang != "en":
        fields["expected"] = fields["expected"].replace(" or ", " hoặc ")
    template = pair[1] if lang == "en" else pair[0]
    try:
        return template.format(**fields)
    except (KeyError, IndexError):
        return template.split(":")[0]


PRESET_DIR = "frameworks"


@lru_cache(maxsize=1)
def preset_ids() -> tuple[str, ...]:
    files = resources.files("danhgia").joinpath(PRESET_DIR).iterdir()
    return tuple(sorted(p.name[:-5] for p in files if p.name.endswith(".yaml")))


def _preset_text(preset_id: str) -> str:
    return resources.files("danhgia").joinpath(PRESET_DIR, f"{preset_id}.yaml").read_text("utf-8")


def _merge_keyed(base: list, override: list, key: str) -> list:
    """Merge lists of mappings by ``key``; entries with ``replace: true`` replace wholesale."""
    out = [copy.deepcopy(x) for x in base]
    index = {x.get(key): i for i, x in enumerate(out) if isinstance(x, dict)}
    for item in override:
        if not isinstance(item, dict) or item.get(key) not in index:
            out.append({k: v for k, v in item.items() if k != "replace"} if isinstance(item, dict) else item)
            continue
        i = index[item[key]]
        if item.get("replace"):
            out[i] = {k: v for k, v in item.items() if k != "replace"}
        else:
            out[i] = deep_merge(out[i], item)
    return out


_LIST_KEYS = {"variants": "id", "criteria": "code", "children": "code", "grades": "grade",
              "levels": "grade", "not_evaluated": "id"}


def deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in override.items():
        if k == "replace":
            continue
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list) and k in _LIST_KEYS:
            out[k] = _merge_keyed(out[k], v, _LIST_KEYS[k])
        else:
            out[k] = copy.deepcopy(v)
    return out


def _resolve(data: dict, source: str, seen: tuple[str, ...] = ()) -> dict:
    parent = data.get("extends")
    if not parent:
        return data
    if parent in seen:
        raise FrameworkError(source, [("extends", None, Say(f"kế thừa vòng tròn: {' → '.join(seen + (parent,))}",
                                                       f"circular extends: {' → '.join(seen + (parent,))}"))])
    if parent not in preset_ids():
        raise FrameworkError(source, [("extends", None, Say(
            f"không có khung có sẵn «{parent}» (có: {', '.join(preset_ids())})",
            f"unknown preset «{parent}» (known: {', '.join(preset_ids())})"))])
    base = safe_load(_preset_text(parent))
    base = _resolve(base, parent, seen + (parent,))
    merged = deep_merge(base, {k: v for k, v in data.items() if k != "extends"})
    merged["extends"] = parent
    return merged


def _line_index(text: str) -> dict[str, int]:
    """Map readable YAML paths (``variants[ldhd].criteria[I].max``) to 1-based line numbers.

    Paths are keyed by id / code / grade rather than by position, so that a unit file that
    ``extends`` a preset (whose lists are merged by key) still points at its own lines.
    """
    index: dict[str, int] = {}
    from danhgia.read.files import compose_yaml

    try:
        root = compose_yaml(text)    # bounded like the load (aliases, depth)
    except yaml.YAMLError:
        return index

    def key_of(node: Any, i: int) -> str:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value in ("id", "code", "grade") and isinstance(v, yaml.ScalarNode):
                    return str(v.value)
        return str(i)

    def visit(node: Any, path: str) -> None:
        index.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                sub = f"{path}.{k.value}" if path else str(k.value)
                index[sub] = k.start_mark.line + 1
                visit(v, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                visit(v, f"{path}[{key_of(v, i)}]")

    if root is not None:
        visit(root, "")
    return index


def _path_str(loc: tuple, data: Any) -> str:
    """``('variants', 0, 'criteria', 1, 'max')`` → ``variants[chuyen-vien].criteria[I.2].max``."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            if isinstance(node, list) and 0 <= key < len(node) and isinstance(node[key], dict):
                item = node[key]
                label = str(item.get("id") or item.get("code") or item.get("grade") or key)
            parts[-1:] = [f"{parts[-1] if parts else ''}[{label}]"]
            node = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def _line_for(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path`` in the file, or of its nearest ancestor that the file itself holds."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def parse(text: str, source: str = "<text>", overrides: dict | None = None, trusted: bool = False) -> Framework:
    """Parse and fully check a framework; raise FrameworkError with every problem found.

    ``overrides`` (a unit file's ``overrides:``) are merged in after ``extends`` is resolved.
    ``trusted``: the text is one of the package's presets (read with libyaml, unbounded).
    """
    from danhgia.read.files import load_yaml

    try:
        # the package's own presets with libyaml (fast, trusted); anything a user wrote through
        # the bounded loader (size, depth, alias expansion)
        data = safe_load(text) if trusted else load_yaml(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        first = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        # PyYAML explains in English only: the Vietnamese message gives the line, not its words
        raise FrameworkError(source, [(YAML_PATH, mark.line + 1 if mark else None,
                                       Say("YAML không đúng cú pháp", f"invalid YAML ({first})"))])
    if not isinstance(data, dict):
        raise FrameworkError(source, [(ROOT_PATH, 1, Say("tệp khung phải là một bảng YAML (các dòng «khóa: giá trị»)",
                                                     "a framework file must be a YAML mapping (lines of «key: value»)"))])
    data = _resolve(data, source)
    if overrides:
        data = deep_merge(data, overrides)
    try:
        fw = Framework.model_validate(data)
    except ValidationError as exc:
        lines = _line_index(text)   # only for a broken file: it parses the text once more
        problems = []
        for err in exc.errors():
            path = _path_str(tuple(err["loc"]), data)
            msg = Say(pydantic_message(err, "vi"), pydantic_message(err, "en"))
            problems.append((path or ROOT_PATH, _line_for(path, lines), msg))
        raise FrameworkError(source, problems)
    found = semantic_problems(fw, data)
    if found:
        lines = _line_index(text)
        raise FrameworkError(source, [(path or ROOT_PATH, _line_for(path, lines), msg) for _loc, path, msg in found])
    return fw


def load(ref: str | Path, overrides: dict | None = None) -> Framework:
    """Load a preset by id or a framework file by path (cached: frameworks are immutable in use)."""
    key = json.dumps(overrides, sort_keys=True, default=str) if overrides else ""
    return _load_cached(str(ref), key)


@lru_cache(maxsize=64)
def _load_cached(ref_s: str, overrides_key: str) -> Framework:
    overrides = json.loads(overrides_key) if overrides_key else None
    if ref_s in preset_ids():
        return parse(_preset_text(ref_s), ref_s, overrides, trusted=True)
    from danhgia.read.files import MAX_YAML_BYTES, InputFileError, read_text

    path = Path(ref_s)
    if not os.path.lexists(path):
        raise FrameworkError(ref_s, [(FILE_PATH, None, Say(
            f"không có khung có sẵn hay tệp nào tên «{ref_s}» (khung có sẵn: {', '.join(preset_ids())})",
            f"no preset or file named «{ref_s}» (presets: {', '.join(preset_ids())})"))])
    try:   # a regular file of at most 1 MB: never a FIFO (hangs) or /dev/zero (reads forever)
        text = read_text(path, MAX_YAML_BYTES)
    except InputFileError as exc:
        raise FrameworkError(ref_s, [(FILE_PATH, None, exc.reason)])
    return parse(text, ref_s, overrides)


def json_schema() -> dict:
    return Framework.model_json_schema()


# ---------------------------------------------------------------------------------------------
# Semantic checks (what pydantic cannot see)


def _bands_problems(bands: list[Band], lo: Decimal | None, hi: Decimal | None) -> list[str]:
    """Bands must not overlap and must leave no gap between ``lo`` and ``hi``."""
    out = []
    ordered = sorted(bands, key=lambda b: (Decimal("-Infinity") if b.min is None else b.min))
    for a, b in zip(ordered, ordered[1:]):
        if a.max is None or b.min is None:
            out.append(Say("một mức không có cận trên nhưng còn mức khác sau nó (chồng lấn)", "an unbounded band is followed by another band (overlap)"))
            continue
        if a.max > b.min or (a.max == b.min and a.max_inclusive and b.min_inclusive):
            out.append(Say(f"các mức chồng lấn tại {_n(b.min)}", f"bands overlap at {_n(b.min)}"))
        elif a.max < b.min or (a.max == b.min and not a.max_inclusive and not b.min_inclusive):
            out.append(Say(f"khoảng trống giữa {_n(a.max)} và {_n(b.min)}", f"gap between {_n(a.max)} and {_n(b.min)}"))
    for b in bands:
        if b.min is not None and b.max is not None and (b.min > b.max or (b.min == b.max and not (b.min_inclusive and b.max_inclusive))):
            out.append(Say(f"mức rỗng {b.describe()}", f"empty band {b.describe()}"))
    if ordered:
        first, last = ordered[0], ordered[-1]
        if lo is not None and first.min is not None and (first.min > lo or (first.min == lo and not first.min_inclusive)):
            out.append(Say(f"không mức nào bao điểm từ {_n(lo)}", f"nothing covers scores from {_n(lo)}"))
        if hi is not None and last.max is not None and (last.max < hi or (last.max == hi and not last.max_inclusive)):
            out.append(Say(f"không mức nào bao điểm đến {_n(hi)}", f"nothing covers scores up to {_n(hi)}"))
    return out


def semantic_problems(fw: Framework, data: dict) -> list[tuple[tuple, str, str]]:
    """Return (loc, readable path, message) for each rule a valid-typed framework still breaks."""
    probs: list[tuple[tuple, str, str]] = []

    def add(loc: tuple, msg: str) -> None:
        probs.append((loc, _path_str(loc, data), msg))

    if fw.kind == "monthly" and not fw.variants:
        add(("variants",), Say("khung hằng tháng cần ít nhất một loại bảng điểm (variants)", "a monthly framework needs at least one variant"))
    if fw.kind == "annual" and fw.annual is None:
        add(("annual",), Say("khung xếp loại năm cần phần «annual»", "an annual framework needs an 'annual' section"))
    if fw.variants and not fw.grades:
        add(("grades",), Say("cần các mức xếp loại (grades)", "grade bands are required"))
    top = max((v.total_max for v in fw.variants), default=Decimal(100))
    for msg in _bands_problems(fw.grades, Decimal(0), top):
        add(("grades",), msg)
    grades = {g.grade for g in fw.grades}
    if len(grades) != len(fw.grades):
        add(("grades",), Say("một mức xếp loại xuất hiện hai lần", "a grade appears twice"))
    if fw.step <= 0:
        add(("step",), Say("bước điểm (step) phải lớn hơn 0", "step must be positive"))

    seen_variants: set[str] = set()
    for vi, v in enumerate(fw.variants):
        vloc = ("variants", vi)
        if v.id in seen_variants:
            add(vloc + ("id",), Say(f"mã bảng điểm «{v.id}» bị lặp", f"variant id «{v.id}» repeats"))
        seen_variants.add(v.id)
        codes: set[str] = set()

        def visit(c: Criterion, loc: tuple) -> None:
            if c.code in codes:
                add(loc + ("code",), Say(f"mã tiêu chí «{c.code}» bị lặp", f"code «{c.code}» repeats"))
            codes.add(c.code)
            if c.max < 0 or c.min < 0:
                add(loc + ("max",), Say("điểm không được âm", "points cannot be negative"))
            if c.min > c.max:
                add(loc + ("min",), Say(f"tối thiểu {_n(c.min)} lớn hơn tối đa {_n(c.max)}",
                                        f"min {_n(c.min)} is above max {_n(c.max)}"))
            if c.computed_from:
                ratio_codes = [ch.code for ch in c.children if ch.kind == "ratio"]
                if sorted(ratio_codes) != sorted(c.computed_from):
                    add(loc + ("computed_from",), Say(
                        f"computed_from của {c.code} phải liệt kê các mục tỷ lệ con ({', '.join(ratio_codes) or 'không có'})",
                        f"computed_from of {c.code} must name its ratio children ({', '.join(ratio_codes) or 'none'})"))
            elif any(ch.kind == "ratio" for ch in c.children):
                add(loc + ("children",), Say(f"{c.code} có mục tỷ lệ con nhưng thiếu computed_from",
                                             f"{c.code} has ratio children but no computed_from"))
            if c.kind == "ratio" and c.children:
                add(loc + ("children",), Say("mục tỷ lệ không có mục con", "a ratio has no children"))
            if c.children and not c.computed_from:
                counted = [ch for ch in c.children if ch.kind != "deduction"]
                total = sum((ch.max for ch in counted), Decimal(0))
                if counted and total != c.max:
                    add(loc + ("max",), Say(f"các mục con của {c.code} cộng lại {_n(total)}, không phải {_n(c.max)}", f"children of {c.code} add up to {_n(total)}, not {_n(c.max)}"))
            if c.completion_bands:
                for msg in _bands_problems([b.share for b in c.completion_bands], Decimal(0), Decimal(100)):
                    add(loc + ("completion_bands",), Say(f"tỷ lệ hoàn thành: {say(msg, 'vi')}", f"completion shares: {say(msg, 'en')}"))
                for bi, b in enumerate(c.completion_bands):
                    if b.points.max is not None and b.points.max > c.max:
                        add(loc + ("completion_bands", bi), Say(f"điểm vượt tối đa {_n(c.max)} của mục", f"points above the item's max {_n(c.max)}"))
            for ci, ch in enumerate(c.children):
                visit(ch, loc + ("children", ci))

        for ci, c in enumerate(v.criteria):
            visit(c, vloc + ("criteria", ci))
        total = sum((c.max for c in v.criteria if c.kind != "deduction"), Decimal(0))
        if total != v.total_max:
            add(vloc + ("criteria",), Say(f"các mục lớn cộng lại {_n(total)}, không phải {_n(v.total_max)}", f"blocks add up to {_n(total)}, not {_n(v.total_max)}"))

    if fw.quota is not None:
        if fw.quota.grade not in grades:
            add(("quota", "grade"), Say(f"mức «{fw.quota.grade}» không có trong các mức xếp loại", f"grade «{fw.quota.grade}» is not among the bands"))
        if not (0 < fw.quota.cap <= 100):
            add(("quota", "cap"), Say("tỷ lệ tối đa (cap) là phần trăm trong khoảng 0–100", "cap is a percent between 0 and 100"))
    if fw.calendar is not None:
        w = fw.calendar.self_window
        if w.start_day > w.end_day:
            add(("calendar", "self_window"), Say("thời hạn bắt đầu sau ngày kết thúc", "window starts after it ends"))
        if fw.calendar.december and fw.calendar.december.self_window:
            d = fw.calendar.december.self_window
            if d.start_day > d.end_day:
                add(("calendar", "december", "self_window"), Say("thời hạn bắt đầu sau ngày kết thúc", "window starts after it ends"))
    ids = [r.id for r in fw.not_evaluated]
    if len(set(ids)) != len(ids):
        add(("not_evaluated",), Say("mã quy tắc bị lặp", "a rule id repeats"))
    if fw.annual is not None:
        a = fw.annual
        for msg in _bands_problems(a.levels, Decimal(0), Decimal(100)):
            add(("annual", "levels"), msg)
        levels = {l.grade for l in a.levels}
        for key, val in (("degradation_level", a.degradation_level), ("discipline", a.discipline.level)):
            if val not in levels:
                add(("annual", key), Say(f"mức «{val}» không có trong các mức (levels)", f"level «{val}» is not among the levels"))
        if a.quota is not None and not (0 < a.quota.cap <= 100):
            add(("annual", "quota", "cap"), Say("tỷ lệ tối đa (cap) là phần trăm trong khoảng 0–100", "cap is a percent between 0 and 100"))
    return probs


# ---------------------------------------------------------------------------------------------
# Naming a variant (a roster's "Bảng điểm" column, a flag): by id, title or alias


def _name_key(text: Any) -> str:
    """A variant name compared like a label: NFC, no case, no diacritics (đ → d), and any run
    of spaces, hyphens, dots or slashes as one space (``giao-vien`` = ``Giáo viên``)."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)).split())


class VariantNames:
    """Every name the frameworks in use accept for their variants: each variant's id, title and
    aliases (and the built-in short words such as "CV" for the Hanoi ids they know).

    Built from the frameworks, so a unit's own variant (``giao-vien`` titled "GIÁO VIÊN") is
    known wherever a variant is named. A name two variants share is refused as ambiguous.
    """

    def __init__(self, frameworks: "list[Framework] | tuple[Framework, ...]" = (),
                 extra: dict[str, str] | None = None, first_wins: bool = False):
        self.titles: dict[str, str] = {}            # variant id → its title (first framework wins)
        self.stands_for: dict[str, str] = {}        # a roster id another variant replaces → that variant
        names: dict[str, set[str]] = {}
        for fw in frameworks:
            for v in fw.variants:
                self.titles.setdefault(v.id, v.title)
                for name in (v.id, v.title, *v.aliases):
                    key = _name_key(name)
                    if key:
                        names.setdefault(key, set()).add(v.id)
        for fw in frameworks:
            for v in fw.variants:
                for r in v.replaces:        # a roster's «Chuyên viên» is Mẫu 01A under NĐ 335
                    if r not in self.titles:
                        self.titles[r] = ""
                        self.stands_for[r] = v.id
                        names.setdefault(_name_key(r), set()).add(r)
        for word, vid in (extra or {}).items():
            key = _name_key(word)
            if key and vid in self.titles and key not in names:
                names[key] = {vid}
        replaces = {v.id: set(v.replaces) for fw in frameworks for v in fw.variants}
        for ids in names.values():                  # «lanh-dao-quan-ly» and the Mẫu 01B that replaces it
            ids.difference_update({r for r in list(ids) if self.stands_for.get(r) in ids})
            # both frameworks in use (Hanoi's by default, NĐ 335 for công chức): the word names the
            # variant it is the title of; a person's framework maps it on (Framework.variant_for)
            ids.difference_update({v for v in list(ids) if replaces.get(v, set()) & (ids - {v})})
        if first_wins:                              # earlier frameworks take precedence
            order = {vid: i for i, vid in enumerate(self.titles)}
            names = {k: {min(ids, key=order.__getitem__)} for k, ids in names.items()}
        self.ambiguous = {k: sorted(ids) for k, ids in names.items() if len(ids) > 1}
        self.ids = {k: next(iter(ids)) for k, ids in names.items() if len(ids) == 1}

    def resolve(self, raw: Any) -> str | None:
        """The variant id the text names, or None (unknown or ambiguous)."""
        return self.ids.get(_name_key(raw))

    def accepted(self) -> str:
        """The names to show when a name is not known: «TITLE (id)» for each variant."""
        return " / ".join(f"{title} ({vid})" if title else f"{vid} (= {self.stands_for[vid]})"
                          for vid, title in self.titles.items())
