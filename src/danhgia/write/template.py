"""Scoresheet templates: blank forms per variant, and forms pre-filled for each person of a roster.

Written with XlsxWriter because it stores formulas *with* cached values (openpyxl cannot), so a
parent row or the total shows a value in any viewer and the reader sees a consistent stored
total, and because its output is byte-for-byte reproducible (fixed zip timestamps; we fix the
"created" date), which lets the committed ``templates_xlsx/`` be checked for staleness.

The convention every template follows (design.md §3), which ``danhgia.read.locate`` relies on:

* each header field is a label cell followed on the same row by an unlocked input cell;
* the criteria table has the code in column A, then label, max, self, leader and note columns;
* leaf scores are unlocked inputs with data validation (min..max, step); parents and the total
  are formulas ``IF(COUNT(children)=0,"",SUM(children))`` whose cached value is blank, so an
  empty form has no stored zeros ("missing" is never zero);
* grade cells have A/B/C/D drop-downs; the sheet is protected without a password;
* a hidden column holds the marker ``danhgia:framework=…;version=…;variant=…``;
* one A4 page per sheet.

The library never prints; :func:`blank_templates` and :func:`person_templates` write through
``safe_write.atomic_path`` and raise ``OutputExists`` / ``TemplateError`` for the CLI to report.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from danhgia.form import (COL_CODE, COL_LABEL, COL_LEADER, COL_MARKER, COL_MAX, COL_NOTE, COL_SELF,
                          FIELD_LABELS, PERIOD_FORM_TITLE_NOTE, QUARTER_LABEL, SHEET_NAME, TABLE_HEADERS, Layout,
                          is_period_form, label_text, layout_for, marker_text, quarter_line, quarter_value,
                          variant_title)
from danhgia.framework import Criterion, Framework, Variant
from danhgia.write import paper
from danhgia.mark import Mark, period_text
from danhgia.period import ROMAN, Quarter, quarter_label, quarter_text
from danhgia.write import stamp
from danhgia.write.safe import OutputExists, atomic_path
from danhgia.text import nfc, slug

CREATED = datetime(2022, 1, 1, 0, 0, 0)  # fixed so the output is reproducible
FONT = "Times New Roman"
# one A4 portrait page wide at about 8.5 pt or more (danhgia.write.paper.fit); the form runs on
# to a second page rather than shrinking
WIDTHS = {COL_CODE: 8, COL_LABEL: 44, COL_MAX: 8, COL_SELF: 8, COL_LEADER: 8.5, COL_NOTE: 14}


class TemplateError(Exception):
    """Templates cannot be made as asked; ``problems`` are (Vietnamese, English) sentence pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(vi for vi, _en in problems))

    def lines(self, lang: str = "vi") -> list[str]:
        return [en if lang == "en" else vi for vi, en in self.problems]


# ---------------------------------------------------------------------------------------------
# Writing


def _n(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _vi_num(x: Decimal) -> str:
    s = format(x.normalize(), "f") if x == x.to_integral_value() else str(x)
    return s.replace(".", ",")


class _Formats:
    """Workbook-level formats (XlsxWriter formats belong to one workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

        def f(**kw: Any):
            return wb.add_format({**base, **kw})

        inp = {"locked": False, "bg_color": "#FFFBE6"}
        cellb = {"border": 1, "text_wrap": True}
        self.text = f()
        self.bold = f(bold=True)
        self.italic_center = f(italic=True, align="center", text_wrap=True)
        self.motto = f(bold=True, align="center", font_size=11)
        self.motto_u = f(bold=True, align="center", underline=True, font_size=11)
        self.title = f(bold=True, align="center", font_size=14, text_wrap=True)
        self.label = f(bold=True)
        self.input = f(**inp, bottom=4)
        self.input_num = f(**inp, bottom=4, align="left")
        self.input_date = f(**inp, bottom=4, align="left", num_format="dd/mm/yyyy")
        self.input_wrap = f(**inp, border=1, text_wrap=True, valign="top")
        self.input_grade = f(**inp, border=1, align="center", bold=True)
        self.head = f(**cellb, bold=True, align="center", bg_color="#D9E2F3")
        self.code = {d: f(**cellb, bold=d < 2, align="center") for d in range(4)}
        self.crit = {d: f(**cellb, bold=d == 0, italic=d == 1, indent=min(d, 3)) for d in range(4)}
        self.max = {d: f(**cellb, bold=d < 2, align="center") for d in range(4)}
        self.score_in = f(**cellb, **inp, align="center")
        self.score_sum = f(**cellb, bold=True, align="center", bg_color="#F2F2F2")
        self.note_in = f(**cellb, **inp)
        self.total_label = f(border=1, bold=True, align="center", font_name=FONT, font_size=12,
                             valign="vcenter", bg_color="#D9E2F3")
        self.total_num = f(**cellb, bold=True, align="center", bg_color="#D9E2F3")
        self.sign_head = f(bold=True, align="center", text_wrap=True)
        self.legend = f(italic=True, text_wrap=True, font_size=11, valign="top")
        self.sign_name = f(bold=True, align="center")


def _rows_for_label(text: str, width: float, indent: int = 0) -> int:
    per_line = max(10.0, (width - 2 * indent) * 1.25)
    return max(1, math.ceil(len(text) / per_line))


def _sum_formula(col: str, children: list[tuple[Criterion, int]]) -> str:
    adds = [f"{col}{row}" for c, row in children if c.kind != "deduction"]
    subs = [f"{col}{row}" for c, row in children if c.kind == "deduction"]
    refs = ",".join(f"{col}{row}" for _c, row in children)
    expr = f"SUM({','.join(adds)})" if adds else "0"
    if subs:
        expr = f"MAX(0,{expr}-SUM({','.join(subs)}))"
    return f'=IF(COUNT({refs})=0,"",{expr})'


def _ratio_formula(col: str, c: Criterion, children: list[tuple[Criterion, int]], capped: bool) -> str:
    """NĐ 335 task points: max × mean of the ratios / 100, half-up to 0.01 (Excel's ROUND rounds
    halves away from zero: the same for these non-negative values), never above the max; blank
    until every ratio is given (a missing ratio is never 0)."""
    refs = [f"{col}{row}" for _c, row in children]
    shares = [f"MIN(100,{r})" if capped else r for r in refs]
    mx = _n(c.max)
    return (f'=IF(COUNT({",".join(refs)})<{len(refs)},"",'
            f'MIN({mx},MAX(0,ROUND({mx}*AVERAGE({",".join(shares)})/100,2))))')


@dataclass
class Prefill:
    """Values written into the input cells of a per-person template."""

    name: str = ""
    id: str = ""
    position: str = ""
    unit: str = ""
    month: int | None = None
    year: int | None = None
    quarter: Quarter | None = None      # a quarterly form: «Quý: III  Năm: 2026» (month left out)


def write_sheet(wb: xlsxwriter.Workbook, fmt: _Formats, sheet_name: str, fw: Framework,
                variant: Variant, prefill: Prefill | None = None) -> Layout:
    """Add one scoresheet worksheet to ``wb`` and return its layout."""
    lay = layout_for(variant)
    ws = wb.add_worksheet(sheet_name)
    for col, width in WIDTHS.items():
        ws.set_column(col, col, width)
    ws.set_column(COL_MARKER, COL_MARKER, 2, None, {"hidden": True})
    ws.write_string(lay.marker_cell, marker_text(fw, variant))

    # national motto, title, legal basis
    ws.merge_range("C1:F1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fmt.motto)
    ws.merge_range("C2:F2", "Độc lập - Tự do - Hạnh phúc", fmt.motto_u)
    ws.merge_range("A4:F4", variant_title(variant), fmt.title)
    ws.set_row(3, 36)
    p = prefill or Prefill()
    basis = "; ".join(s.doc for s in fw.sources[:1])
    basis = f"(Áp dụng theo {basis})" if basis else ""
    if p.quarter is not None:
        basis = f"{quarter_line(p.quarter)} {basis}".strip()       # «Kỳ: Quý III năm 2026 (Áp dụng …)»
    elif is_period_form(variant):
        basis = f"{PERIOD_FORM_TITLE_NOTE} {basis}".strip()
    ws.merge_range("A5:F5", basis, fmt.italic_center)

    # header fields: label + unlocked input on the same row
    values = {"name": p.name, "id": p.id, "position": p.position, "unit": p.unit}
    for key in ("name", "id", "position", "unit", "month", "year"):
        text = QUARTER_LABEL if key == "month" and p.quarter is not None else label_text(variant, key)
        ws.write_string(lay.labels[key], text, fmt.label)
    for key in ("name", "position"):
        ws.write_string(lay.fields[key], nfc(values[key]), fmt.input)
    for key in ("id", "unit"):
        row = int(lay.fields[key][1:])
        ws.merge_range(f"D{row}:F{row}", nfc(values[key]), fmt.input)
    year = p.quarter[0] if p.quarter is not None else p.year
    for key, value, lo, hi in (("month", p.month, 1, 12), ("year", year, 2000, 2100)):
        cell = lay.fields[key]
        if key == "year":
            row = int(cell[1:])
            ws.merge_range(f"D{row}:F{row}", "", fmt.input_num)
        if key == "month" and p.quarter is not None:
            # the quarter in Roman numerals, as the form is written (I, II, III, IV)
            ws.write_string(cell, quarter_value(p.quarter), fmt.input_num)
            ws.data_validation(cell, {"validate": "list", "source": list(ROMAN.values()),
                                      "error_title": "Giá trị không hợp lệ",
                                      "error_message": "Chọn quý I, II, III hoặc IV."})
            continue
        if value is None:
            ws.write_blank(cell, None, fmt.input_num)
        else:
            ws.write_number(cell, value, fmt.input_num)
        ws.data_validation(cell, {"validate": "integer", "criteria": "between", "minimum": lo,
                                  "maximum": hi, "error_title": "Giá trị không hợp lệ",
                                  "error_message": f"Nhập số từ {lo} đến {hi}."})

    # criteria table
    h = lay.header_row - 1
    for col, text in enumerate(TABLE_HEADERS):
        ws.write_string(h, col, text, fmt.head)
    ws.set_row(h, 32)
    rows = lay.rows
    for c, depth in variant.walk():
        r = rows[c.code] - 1
        d = min(depth, 3)
        ws.write_string(r, COL_CODE, c.code, fmt.code[d])
        ws.write_string(r, COL_LABEL, nfc(c.label), fmt.crit[d])
        ws.write_number(r, COL_MAX, _n(c.max), fmt.max[d])
        lines = _rows_for_label(c.label, WIDTHS[COL_LABEL], d)
        ws.set_row(r, 16.5 * lines + 3)
        if c.children:
            kids = [(ch, rows[ch.code]) for ch in c.children]
            for col in (COL_SELF, COL_LEADER):
                letter = xl_col_to_name(col)
                formula = (_ratio_formula(letter, c, kids, fw.ratios_capped) if c.computed_from
                           else _sum_formula(letter, kids))
                ws.write_formula(r, col, formula, fmt.score_sum, "")
        elif c.kind == "ratio":
            _ratio_inputs(ws, fmt, r, c, fw.ratios_capped)
        else:
            step = fw.step_of(c)
            for col in (COL_SELF, COL_LEADER):
                ws.write_blank(r, col, None, fmt.score_in)
                a1 = xl_rowcol_to_cell(r, col)
                ws.data_validation(r, col, r, col, {
                    "validate": "custom",
                    "value": f"=AND(ISNUMBER({a1}),{a1}>={_n(c.min)},{a1}<={_n(c.max)},"
                             f"MOD({a1},{_n(step)})=0)",
                    "input_title": f"Tiêu chí {c.code}"[:32],
                    "input_message": f"Điểm từ {_vi_num(c.min)} đến {_vi_num(c.max)}, "
                                     f"bước {_vi_num(step)}.",
                    "error_title": "Điểm không hợp lệ",
                    "error_message": f"Điểm của tiêu chí {c.code} phải là số từ {_vi_num(c.min)} "
                                     f"đến {_vi_num(c.max)}, bước {_vi_num(step)}.",
                })
        ws.write_blank(r, COL_NOTE, None, fmt.note_in)

    t = lay.total_row - 1
    ws.merge_range(t, COL_CODE, t, COL_LABEL, "Tổng cộng", fmt.total_label)
    ws.write_number(t, COL_MAX, _n(variant.total_max), fmt.total_num)
    tops = [(c, rows[c.code]) for c in variant.criteria]
    for col in (COL_SELF, COL_LEADER):
        ws.write_formula(t, col, _sum_formula(xl_col_to_name(col), tops), fmt.total_num, "")
    ws.write_blank(t, COL_NOTE, None, fmt.total_num)
    ws.set_row(t, 22)

    # grades, dates, completion share, bonus statement
    grades = [g.grade for g in fw.grades] or ["A", "B", "C", "D"]
    if is_period_form(variant):
        grades = [g.short or g.grade for g in fw.grades]      # HTXSNV / HTTNV / HTNV / KHTNV
    for key in ("completion_share", "strengths", "weaknesses", "self_grade", "self_date", "comments",
                "leader_date", "decided_grade", "head_date", "bonus_note"):
        if key not in lay.fields:
            continue
        row = int(lay.fields[key][1:])
        ws.merge_range(f"A{row}:B{row}", label_text(variant, key), fmt.label)
        cell = lay.fields[key]
        if key in ("self_grade", "decided_grade"):
            ws.write_blank(cell, None, fmt.input_grade)
            ws.data_validation(cell, {"validate": "list", "source": grades,
                                      "input_title": "Xếp loại",
                                      "input_message": "Chọn " + ", ".join(grades) + ".",
                                      "error_title": "Xếp loại không hợp lệ",
                                      "error_message": "Chỉ chọn " + ", ".join(grades) + "."})
        elif key.endswith("_date"):
            ws.merge_range(f"C{row}:D{row}", "", fmt.input_date)
            ws.data_validation(cell, {"validate": "date", "criteria": "between",
                                      "minimum": date(2000, 1, 1), "maximum": date(2100, 12, 31),
                                      "error_type": "warning",
                                      "input_message": "Ngày/tháng/năm, ví dụ 22/10/2026.",
                                      "error_title": "Ngày không hợp lệ",
                                      "error_message": "Nhập ngày dạng ngày/tháng/năm."})
        elif key == "completion_share":
            ws.write_blank(cell, None, fmt.input_grade)
            ws.data_validation(cell, {"validate": "decimal", "criteria": "between",
                                      "minimum": 0, "maximum": 100,
                                      "error_title": "Tỷ lệ không hợp lệ",
                                      "error_message": "Nhập tỷ lệ phần trăm từ 0 đến 100."})
        else:  # bonus note, strengths, weaknesses, comments: text
            ws.merge_range(f"C{row}:F{row}", "", fmt.input_wrap)
            ws.set_row(row - 1, 48)

    r = max(int(cell[1:]) for cell in lay.fields.values())    # 1-based row of the last field
    legend = "Xếp loại: " + "; ".join(
        f"{g.short or g.grade if is_period_form(variant) else g.grade} – {g.label} "
        f"({g.describe()} điểm)" for g in fw.grades) + "."
    if is_period_form(variant):
        legend += (" Điểm kết quả thực hiện nhiệm vụ = trung bình các tỷ lệ × "
                   f"{_n(variant.criteria[-1].max)} / 100, làm tròn đến 0,01"
                   + ("; mỗi tỷ lệ tính tối đa 100%." if fw.ratios_capped else "."))
    ws.merge_range(f"A{r + 1}:F{r + 1}", legend, fmt.legend)
    ws.set_row(r, 16 * _rows_for_label(legend, sum(WIDTHS.values()) * 0.95) + 4)
    s = r + 3
    for rng, text in ((f"A{s}:B{s}", "NGƯỜI TỰ ĐÁNH GIÁ"), (f"C{s}:D{s}", "LÃNH ĐẠO TRỰC TIẾP"),
                      (f"E{s}:F{s}", "THỦ TRƯỞNG ĐƠN VỊ")):
        ws.merge_range(rng, text, fmt.sign_head)
    ws.set_row(s - 1, 32)
    for rng in (f"A{s + 1}:B{s + 1}", f"C{s + 1}:D{s + 1}", f"E{s + 1}:F{s + 1}"):
        ws.merge_range(rng, "(Ký, ghi rõ họ tên)", fmt.italic_center)
    name_row = s + 6
    ws.merge_range(f"A{name_row}:B{name_row}", "", fmt.sign_name)
    name_cell = lay.fields["name"]
    ws.write_formula(f"A{name_row}", f'=IF({name_cell}="","",{name_cell})', fmt.sign_name,
                     nfc(p.name))
    lay.last_row = name_row

    # print and protect
    paper.setup(ws, [WIDTHS[c] for c in sorted(WIDTHS)], landscape=False,
                repeat_rows=lay.header_row - 1)      # A4, one page wide, the table header repeated
    ws.center_horizontally()
    ws.print_area(0, 0, lay.last_row - 1, COL_NOTE)
    ws.freeze_panes(lay.header_row, 0)
    ws.protect("", {"format_rows": True, "format_columns": True})
    return lay


def _ratio_inputs(ws, fmt: _Formats, r: int, c: Criterion, capped: bool) -> None:
    """Self and leader input cells of an NĐ 335 ratio: a percentage, 0–100 unless uncapped."""
    for col in (COL_SELF, COL_LEADER):
        ws.write_blank(r, col, None, fmt.score_in)
        rule = {"validate": "decimal", "criteria": ">=", "value": 0} if not capped else \
            {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}
        ws.data_validation(r, col, r, col, {
            **rule,
            "input_title": f"Tỷ lệ ({c.letter or c.code})"[:32],
            "input_message": "Tỷ lệ phần trăm" + (" từ 0 đến 100." if capped else ", từ 0."),
            "error_title": "Tỷ lệ không hợp lệ",
            "error_message": f"Tỷ lệ ({c.letter or c.code}) là số phần trăm"
                             + (" từ 0 đến 100." if capped else " không âm."),
        })


def new_workbook(path: str | Path, title: str = "", unit: str = "",
                 period: tuple[int, int] | None = None,
                 quarter: Quarter | None = None) -> tuple[xlsxwriter.Workbook, _Formats]:
    # strings are never turned into numbers, formulas or links (design.md §4: text stays text)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": title, "author": "danhgia", "company": "",
                       "comments": "Tạo bởi danhgia / made by danhgia", "created": CREATED})
    # the mark: a template left blank in an input folder is skipped, a filled one is read
    stamp.on_xlsxwriter(wb, Mark("template", unit=unit,
                                 period=quarter_text(quarter) if quarter is not None else period_text(period)))
    return wb, _Formats(wb)


def write_template(path: str | Path, fw: Framework, variant: Variant,
                   prefill: Prefill | None = None, sheet_name: str = SHEET_NAME) -> Layout:
    """Write one workbook holding one scoresheet (no atomicity: callers use ``atomic_path``)."""
    period = (prefill.year, prefill.month) if prefill and prefill.year and prefill.month else None
    wb, fmt = new_workbook(path, variant_title(variant), prefill.unit if prefill else "", period,
                           prefill.quarter if prefill else None)
    lay = write_sheet(wb, fmt, sheet_name, fw, variant, prefill)
    wb.close()
    return lay


# ---------------------------------------------------------------------------------------------
# The two jobs of ``danhgia template``


def blank_template_path(out_dir: Path, fw: Framework, variant: Variant, quarter: Quarter | None = None) -> Path:
    tail = f"-{quarter_text(quarter)}" if quarter is not None else ""
    return Path(out_dir) / fw.id / f"{variant.id}{tail}.xlsx"


def not_by_quarter(fw_id: str, quarter: Quarter) -> TemplateError:
    """A quarter's forms asked of a framework kept by month only."""
    return TemplateError([(f"Khung {fw_id} chỉ theo dõi theo tháng, không có kỳ theo quý: không tạo được mẫu "
                           f"{quarter_label(quarter)} (dùng --month, hoặc một khung theo quý như nd335-2025)",
                           f"The framework {fw_id} is kept by month only, not by quarter: no form of "
                           f"{quarter_label(quarter, 'en')} can be made (use --month, or a framework kept by "
                           f"quarter such as nd335-2025)")])


def blank_templates(fw: Framework, out_dir: str | Path, variant_id: str | None = None,
                    force: bool = False, quarter: Quarter | None = None) -> list[Path]:
    """One blank workbook per variant: ``OUT/<framework id>/<variant id>.xlsx``; with ``quarter``
    (a framework kept by quarter) the quarter's form, ``<variant id>-2026-Q3.xlsx``, whose period
    reads «Quý: III  Năm: 2026»."""
    if quarter is not None and not fw.by_quarter:
        raise not_by_quarter(fw.id, quarter)
    if not fw.variants:
        raise TemplateError([(f"Khung {fw.id} không có bảng điểm tháng nào",
                              f"Framework {fw.id} has no monthly scoresheet variants")])
    variants = fw.variants
    if variant_id:
        v = fw.variant(variant_id)
        if v is None:
            known = ", ".join(x.id for x in fw.variants)
            raise TemplateError([(f"Khung {fw.id} không có bảng điểm «{variant_id}» (có: {known})",
                                  f"Framework {fw.id} has no variant '{variant_id}' (known: {known})")])
        variants = [v]
    targets = [(v, blank_template_path(Path(out_dir), fw, v, quarter)) for v in variants]
    _refuse_existing([t for _v, t in targets], force)
    written = []
    for v, target in targets:
        with atomic_path(target, force) as tmp:
            write_template(tmp, fw, v, Prefill(quarter=quarter) if quarter is not None else None)
        written.append(target)
    return written


def _refuse_existing(targets: Iterable[Path], force: bool) -> None:
    if force:
        return
    for t in targets:
        if t.exists():
            raise OutputExists(t)


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(labels: list[str]) -> list[str]:
    """Excel tab names from ``labels``: no []:*?/\\, at most 31 characters, unique (case-blind)."""
    out: list[str] = []
    seen: set[str] = set()
    for label in labels:
        base = _SHEET_BAD.sub(" ", nfc(label)).strip().strip("'") or "Bảng điểm"
        name = base[:31].strip()
        n = 2
        while name.casefold() in seen:
            suffix = f" ({n})"
            name = base[:31 - len(suffix)].strip() + suffix
            n += 1
        seen.add(name.casefold())
        out.append(name)
    return out


_ID_BAD = re.compile(r"[^0-9A-Za-z_.-]+")


def person_file_name(person_id: str, name: str) -> str:
    """``HN001`` + ``Nguyễn Văn A`` → ``HN001-nguyen-van-a.xlsx`` (ASCII, safe on every system)."""
    pid = _ID_BAD.sub("-", nfc(person_id)).strip("-.") or "x"
    return f"{pid}-{slug(name)}.xlsx"


@dataclass
class PersonSheet:
    person: Any                 # danhgia.roster.Person
    framework: Framework
    variant: Variant


def plan_people(people: list, framework_for: Callable[[str | None, str | None], Framework],
                default_variant: str | None = None) -> list[PersonSheet]:
    """Resolve each person's framework and variant; every problem names the roster row."""
    plans: list[PersonSheet] = []
    problems: list[str] = []
    for p in people:
        vid = p.variant or default_variant
        if not vid:
            problems.append((f"{p.where}: {p.name} (mã {p.id}) chưa có loại bảng điểm (cột «Bảng điểm»: "
                             f"Lãnh đạo quản lý / Chuyên viên / LĐHĐ), hoặc dùng --variant",
                             f"{p.where}: {p.name} (id {p.id}) has no scoresheet variant (column "
                             f"«Bảng điểm»: Lãnh đạo quản lý / Chuyên viên / LĐHĐ), or give --variant"))
            continue
        fw = framework_for(vid, p.group)
        v = fw.variant_for(vid)             # «Chuyên viên» is Mẫu 01A under NĐ 335
        if v is None:
            known = ", ".join(x.id for x in fw.variants)
            problems.append((f"{p.where}: bảng điểm «{vid}» không có trong khung {fw.id} (có: {known})",
                             f"{p.where}: variant '{vid}' is not in framework {fw.id} (known: {known})"))
            continue
        plans.append(PersonSheet(p, fw, v))
    if problems:
        raise TemplateError(problems)
    return plans


def _prefill(p: Any, period: tuple[int, int] | None, quarter: Quarter | None = None) -> Prefill:
    if quarter is not None:
        return Prefill(name=p.name, id=p.id, position=p.position, unit=p.unit, quarter=quarter)
    return Prefill(name=p.name, id=p.id, position=p.position, unit=p.unit,
                   year=period[0], month=period[1])


def one_workbook_path(out_dir: Path, period: tuple[int, int] | None, quarter: Quarter | None = None) -> Path:
    if quarter is not None:
        return Path(out_dir) / f"bang-diem-{quarter_text(quarter)}.xlsx"
    return Path(out_dir) / f"bang-diem-{period[0]:04d}-{period[1]:02d}.xlsx"


def quarterly_people(people: list, framework_for: Callable[[str | None, str | None], Framework],
                     default_variant: str | None = None) -> tuple[list, dict[str, int]]:
    """For a quarter's forms: the people whose framework is kept by quarter, and how many of the
    others there are per (month-only) framework id."""
    kept: list = []
    others: dict[str, int] = {}
    for p in people:
        fw = framework_for(p.variant or default_variant, p.group)
        if fw.by_quarter:
            kept.append(p)
        else:
            others[fw.id] = others.get(fw.id, 0) + 1
    return kept, others


def person_templates(people: list, period: tuple[int, int] | None,
                     framework_for: Callable[[str | None, str | None], Framework],
                     out_dir: str | Path, one_workbook: bool = False, force: bool = False,
                     default_variant: str | None = None, quarter: Quarter | None = None) -> list[Path]:
    """Pre-filled scoresheets for ``people`` (roster Persons) for the month ``period`` (year, month),
    or with ``quarter`` (``period`` None) the quarter's forms («Quý: III  Năm: 2026»; every
    person's framework must be kept by quarter: see :func:`quarterly_people`).

    One file per person (``HN001-nguyen-van-a.xlsx``), or with ``one_workbook`` a single file
    ``bang-diem-YYYY-MM.xlsx`` (``bang-diem-2026-Q3.xlsx``) with one tab per person.
    """
    out_dir = Path(out_dir)
    plans = plan_people(people, framework_for, default_variant)
    if not plans:
        raise TemplateError([("Danh sách không có ai", "The roster is empty")])
    if quarter is not None:
        for plan in plans:
            if not plan.framework.by_quarter:
                raise not_by_quarter(plan.framework.id, quarter)
    if one_workbook:
        target = one_workbook_path(out_dir, period, quarter)
        _refuse_existing([target], force)
        names = sheet_names([f"{x.person.id} {x.person.name}" for x in plans])
        with atomic_path(target, force) as tmp:
            units = sorted({x.person.unit for x in plans if x.person.unit})
            title = (f"Bảng điểm quý {ROMAN[quarter[1]]}/{quarter[0]}" if quarter is not None
                     else f"Bảng điểm tháng {period[1]}/{period[0]}")
            wb, fmt = new_workbook(tmp, title, units[0] if len(units) == 1 else "", period, quarter)
            for plan, sheet in zip(plans, names):
                write_sheet(wb, fmt, sheet, plan.framework, plan.variant, _prefill(plan.person, period, quarter))
            wb.close()
        return [target]
    targets = [out_dir / person_file_name(x.person.id, x.person.name) for x in plans]
    if len({t.name.casefold() for t in targets}) != len(targets):
        raise TemplateError([("Hai người trùng tên tệp (mã và tên giống nhau)",
                              "Two people map to the same file name (same id and name)")])
    _refuse_existing(targets, force)
    for plan, target in zip(plans, targets):
        with atomic_path(target, force) as tmp:
            write_template(tmp, plan.framework, plan.variant, _prefill(plan.person, period, quarter))
    return targets
