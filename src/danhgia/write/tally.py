"""The consolidated monthly workbook (``danhgia tally``), written with XlsxWriter.

XlsxWriter is used because it writes formulas *with* their cached values (openpyxl cannot), so
the percentages are live formulas that still show in viewers that do not recalculate. Sheet
names, "Chi tiết" headers, status labels and the "Nguồn" key rows come from ``danhgia.layout``:
``annual`` and the roll-up read the workbook back by those labels.

Every text goes through ``write_string`` (a name beginning with = + - @ stays text). The content
depends only on the inputs; the time of the run appears in "Nguồn" and in the file properties.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from danhgia import __version__, layout
from danhgia.framework import GRADES
from danhgia.text import nfc
from danhgia.monthly import (APPLY_QUOTA_LABEL, BASE_WORDS, EXCEPTIONAL_LABEL, Counts, MonthResult,
                             PersonMonth, group_label, group_position, unit_label, variant_label)

GRADE_COLOURS = {  # fill, font
    "A": ("#C6EFCE", "#006100"), "B": ("#DDEBF7", "#1F4E78"),
    "C": ("#FFEB9C", "#9C5700"), "D": ("#FFC7CE", "#9C0006"),
}
STATUS_COLOURS = {
    "invalid": ("#FFC7CE", "#9C0006"), "missing": ("#FCE4D6", "#833C0B"),
    "pending": ("#FFF2CC", "#7F6000"), "not_evaluated": ("#EDEDED", "#404040"),
}
SEVERITY_LABELS = {"error": ("Lỗi", "Error"), "warning": ("Cảnh báo", "Warning"), "info": ("Thông tin", "Info")}
QUOTA_STATUS = {"ok": ("Đạt", "Within cap"), "exceeded": ("Vượt tỷ lệ", "Exceeded")}
A4, PERCENT = 9, "0.0%"


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _f(x: Decimal | int | None) -> float | int | None:
    if x is None:
        return None
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x)
    return x


def _month_vi(month: tuple[int, int]) -> str:
    return f"{month[1]:02d}/{month[0]}"


class _Book:
    """Formats and safe writers shared by the sheets."""

    def __init__(self, path: Path, lang: str):
        self.lang = lang
        self.wb = xlsxwriter.Workbook(str(path), {
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
            "nan_inf_to_errors": True,
        })
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
        self.base = base
        add = lambda **kw: self.wb.add_format({**base, **kw})  # noqa: E731
        self.title = add(bold=True, font_size=14, align="center")
        self.subtitle = add(italic=True, align="center")
        self.left_bold = add(bold=True)
        self.header = add(bold=True, text_wrap=True, align="center", border=1, bg_color="#D9E1F2")
        self.cell = add(border=1)
        self.wrap = add(border=1, text_wrap=True)
        self.num = add(border=1, num_format="0.##")
        self.int = add(border=1, num_format="0")
        self.pct = add(border=1, num_format=PERCENT)
        self.center = add(border=1, align="center")
        self.bold_cell = add(border=1, bold=True, bg_color="#F2F2F2")
        self.bold_int = add(border=1, bold=True, bg_color="#F2F2F2", num_format="0")
        self.bold_pct = add(border=1, bold=True, bg_color="#F2F2F2", num_format=PERCENT)
        self.bold_num = add(border=1, bold=True, bg_color="#F2F2F2", num_format="0.##")
        self.plain = add()
        self.sign = add(bold=True, align="center")
        self.sign_note = add(italic=True, align="center")
        self.grade_fmt = {g: self.wb.add_format({"bg_color": f, "font_color": c}) for g, (f, c) in GRADE_COLOURS.items()}
        self.grade_header = {g: add(bold=True, align="center", border=1, text_wrap=True, bg_color=f, font_color=c)
                             for g, (f, c) in GRADE_COLOURS.items()}
        self.status_fmt = {s: self.wb.add_format({"bg_color": f, "font_color": c}) for s, (f, c) in STATUS_COLOURS.items()}

    # --- safe writers ------------------------------------------------------------------------
    @staticmethod
    def text(ws, r: int, c: int, value: Any, fmt=None) -> None:
        """Always a string cell: text beginning with = + - @ never becomes a formula."""
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_string(r, c, nfc(str(value)), fmt)

    @staticmethod
    def number(ws, r: int, c: int, value: Decimal | int | None, fmt=None) -> None:
        if value is None:
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_number(r, c, _f(value), fmt)

    @staticmethod
    def formula(ws, r: int, c: int, formula: str, value: Decimal | int | float, fmt=None) -> None:
        ws.write_formula(r, c, formula, fmt, _f(value) if isinstance(value, Decimal) else value)

    def page(self, ws, header_row: int, ncols: int, landscape: bool = True) -> None:
        """A4, landscape, fit to the page width, header rows repeated, page numbers."""
        ws.set_paper(A4)
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer("&C" + _t(self.lang, "Trang &P/&N", "Page &P of &N"))

    def grade_colours(self, ws, first: int, last: int, col: int) -> None:
        if last < first:
            return
        for g, fmt in self.grade_fmt.items():
            ws.conditional_format(first, col, last, col,
                                  {"type": "cell", "criteria": "==", "value": f'"{g}"', "format": fmt})

    def status_colours(self, ws, first: int, last: int, col: int) -> None:
        if last < first:
            return
        for code, fmt in self.status_fmt.items():
            label = layout.STATUS_LABELS[code][1 if self.lang == "en" else 0]
            ws.conditional_format(first, col, last, col,
                                  {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": fmt})

    def headers(self, ws, r: int, labels: list[str], fmts: dict[int, Any] | None = None) -> None:
        for c, label in enumerate(labels):
            self.text(ws, r, c, label, (fmts or {}).get(c, self.header))
        ws.set_row(r, 36)

    def widths(self, ws, widths: list[float]) -> None:
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)


def _fit(values: list[str], lo: float, hi: float) -> float:
    longest = max((len(v) for v in values), default=0)
    return max(lo, min(hi, longest * 1.1 + 2))


def write(result: MonthResult, path: str | Path, lang: str = "vi",
          generated: datetime | None = None) -> None:
    """Write the workbook to ``path`` (callers pass a temporary path from ``atomic_path``)."""
    generated = (generated or datetime.now()).replace(microsecond=0)
    book = _Book(Path(path), lang)
    wb = book.wb
    month = _month_vi(result.month)
    unit_title = result.unit_name or ", ".join(unit_label(u.unit, lang) for u in result.units)
    wb.set_properties({
        "title": _t(lang, f"Tổng hợp đánh giá, xếp loại tháng {month}", f"Monthly evaluation {result.month_text}"),
        "subject": unit_title, "author": "danhgia", "company": unit_title,
        "comments": f"danhgia {__version__}", "created": generated,
    })
    _summary(book, result, month, unit_title)
    _detail(book, result, month, unit_title)
    _missing(book, result, month)
    _not_evaluated(book, result, month)
    _findings(book, result, month)
    _public(book, result, month, unit_title)
    _sources(book, result, generated, unit_title)
    wb.close()


# ---------------------------------------------------------------------------------------------
# "Tổng hợp"

_SUM_COLS = ("staff", "classified", "not_evaluated", "missing", "pending", "invalid")


def _summary_headers(lang: str) -> list[str]:
    h = [_t(lang, "Đơn vị", "Unit"), _t(lang, "Nhóm", "Staff group"), _t(lang, "Tổng số", "Staff"),
         _t(lang, "Đã xếp loại", "Classified"), _t(lang, "Không đánh giá", "Not evaluated"),
         _t(lang, "Chưa nộp", "Missing"), _t(lang, "Chờ đánh giá", "Pending"),
         _t(lang, "Không hợp lệ", "Invalid")]
    for g in GRADES:
        h += [_t(lang, f"Loại {g}", f"Grade {g}"), _t(lang, f"% loại {g}", f"% {g}")]
    h += [_t(lang, "Cơ sở tính tỷ lệ", "Quota base"), _t(lang, "Số tối đa", "Cap"),
          _t(lang, "Số tối đa (chưa làm tròn)", "Cap (exact)"), _t(lang, "Tình trạng tỷ lệ", "Quota status"),
          _t(lang, "Ghi chú", "Notes")]
    return h


_FIRST_GRADE_COL = 2 + len(_SUM_COLS)           # 8
_QUOTA_COL = _FIRST_GRADE_COL + 2 * len(GRADES)  # 16


def _count_row(book: _Book, ws, r: int, label_unit: str, label_group: str, counts: Counts,
               bold: bool, sum_rows: tuple[int, int] | None = None, sumif: tuple[str, int, int] | None = None) -> None:
    """One row of counts; ``sum_rows`` / ``sumif`` make the counts formulas over other rows."""
    cell_f, int_f, pct_f = (book.bold_cell, book.bold_int, book.bold_pct) if bold else (book.cell, book.int, book.pct)
    book.text(ws, r, 0, label_unit, cell_f)
    book.text(ws, r, 1, label_group, cell_f)
    values = [getattr(counts, k) for k in _SUM_COLS]
    for i, v in enumerate(values):
        _count_cell(book, ws, r, 2 + i, v, int_f, sum_rows, sumif)
    cls_cell = xl_rowcol_to_cell(r, 3)
    for gi, g in enumerate(GRADES):
        c = _FIRST_GRADE_COL + 2 * gi
        _count_cell(book, ws, r, c, counts.grades[g], int_f, sum_rows, sumif)
        book.formula(ws, r, c + 1, f"=IF({cls_cell}=0,0,{xl_rowcol_to_cell(r, c)}/{cls_cell})",
                     float(counts.share(g)), pct_f)


def _count_cell(book: _Book, ws, r: int, c: int, value: int, fmt, sum_rows, sumif) -> None:
    if sum_rows is not None:
        a, b = xl_rowcol_to_cell(sum_rows[0], c), xl_rowcol_to_cell(sum_rows[1], c)
        book.formula(ws, r, c, f"=SUM({a}:{b})", value, fmt)
    elif sumif is not None:
        label, first, last = sumif
        rng = f"{xl_rowcol_to_cell(first, 1, True, True)}:{xl_rowcol_to_cell(last, 1, True, True)}"
        vals = f"{xl_rowcol_to_cell(first, c)}:{xl_rowcol_to_cell(last, c)}"
        book.formula(ws, r, c, f'=SUMIF({rng},"{label}",{vals})', value, fmt)
    else:
        book.number(ws, r, c, value, fmt)


def _summary(book: _Book, res: MonthResult, month: str, unit_title: str) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(layout.SUMMARY_SHEET)
    headers = _summary_headers(lang)
    last_col = len(headers) - 1
    ws.merge_range(0, 0, 0, last_col, "", book.title)
    book.text(ws, 0, 0, _t(lang, f"BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG {month}",
                           f"MONTHLY EVALUATION SUMMARY — {res.month_text}"), book.title)
    ws.merge_range(1, 0, 1, last_col, "", book.subtitle)
    book.text(ws, 1, 0, _subtitle(res, unit_title, lang), book.subtitle)
    hr = 3
    fmts = {_FIRST_GRADE_COL + 2 * i + k: book.grade_header[g] for i, g in enumerate(GRADES) for k in (0, 1)}
    book.headers(ws, hr, headers, fmts)
    r = hr + 1
    total_label = _t(lang, "Tổng", "Total")
    unit_rows: list[int] = []
    for u in res.units:
        first = r
        for g, counts in u.groups.items():
            _count_row(book, ws, r, unit_label(u.unit, lang), group_label(g, lang), counts, False)
            r += 1
        _count_row(book, ws, r, unit_label(u.unit, lang), total_label, u.total, True, sum_rows=(first, r - 1))
        _quota_cells(book, ws, r, u, lang)
        unit_rows.append(r)
        r += 1
    last_unit_row = r - 1
    if len(res.units) > 1:
        all_label = _t(lang, "TOÀN BỘ", "ALL UNITS")
        present = sorted({g for u in res.units for g in u.groups}, key=group_position)
        first = r
        for g in present:
            c = Counts()
            for u in res.units:
                if g in u.groups:
                    _merge(c, u.groups[g])
            _count_row(book, ws, r, all_label, group_label(g, lang), c, False,
                       sumif=(group_label(g, lang), hr + 1, last_unit_row))
            r += 1
        grand = Counts()
        for u in res.units:
            _merge(grand, u.total)
        _count_row(book, ws, r, all_label, total_label, grand, True, sumif=(total_label, hr + 1, last_unit_row))
        r += 1
    last_row = r - 1
    exceeded = QUOTA_STATUS["exceeded"][1 if lang == "en" else 0]
    ws.conditional_format(hr + 1, _QUOTA_COL + 3, last_row, _QUOTA_COL + 3, {
        "type": "cell", "criteria": "==", "value": f'"{exceeded}"', "format": book.status_fmt["invalid"]})
    ws.autofilter(hr, 0, last_row, last_col)
    ws.freeze_panes(hr + 1, 2)
    book.widths(ws, [_fit([unit_label(u.unit, lang) for u in res.units] + [headers[0]], 14, 40), 13]
                + [10] * (len(_SUM_COLS)) + [8, 8] * len(GRADES) + [10, 8, 10, 11, 40])
    book.page(ws, hr, len(headers))

    # The quota table: each unit (and scope) with those over the cap.
    r += 1
    book.text(ws, r, 0, _t(lang, "KIỂM TRA TỶ LỆ", "QUOTA CHECK"), book.left_bold)
    r += 1
    qh = [_t(lang, "Đơn vị", "Unit"), _t(lang, "Phạm vi", "Scope"), _t(lang, "Loại", "Grade"),
          _t(lang, "Số người", "Count"), _t(lang, "Tỷ lệ tối đa", "Cap %"), _t(lang, "Cơ sở tính", "Base"),
          _t(lang, "Số tối đa", "Cap"), _t(lang, "Tình trạng", "Status"), _t(lang, "Xếp hạng theo điểm lãnh đạo chấm", "Ranked by leader total")]
    for c, h in enumerate(qh):
        book.text(ws, r, c, h, book.header)
    r += 1
    names = {p.id: p.name for p in res.people}
    if not any(u.quota for u in res.units):
        book.text(ws, r, 0, _t(lang, "Khung đánh giá không quy định tỷ lệ", "The framework sets no quota"), book.plain)
        r += 1
    for u in res.units:
        for q in u.quota:
            book.text(ws, r, 0, unit_label(u.unit, lang), book.cell)
            book.text(ws, r, 1, q.scope or _t(lang, "Toàn đơn vị", "Whole unit"), book.cell)
            book.text(ws, r, 2, q.grade, book.center)
            book.number(ws, r, 3, q.count, book.int)
            book.text(ws, r, 4, f"{_n(q.percent)}%", book.center)
            book.text(ws, r, 5, f"{q.base} ({BASE_WORDS.get(q.base_kind, (q.base_kind, q.base_kind))[1 if lang == 'en' else 0]})", book.cell)
            book.text(ws, r, 6, f"{q.cap} ({_n(q.cap_exact)})", book.center)
            book.text(ws, r, 7, QUOTA_STATUS[q.status][1 if lang == "en" else 0], book.cell)
            book.text(ws, r, 8, _ranking(q, names, lang), book.wrap)
            r += 1

    # Grades per unit: the chart's data and the chart.
    r += 1
    book.text(ws, r, 0, _t(lang, "XẾP LOẠI THEO ĐƠN VỊ", "GRADES PER UNIT"), book.left_bold)
    r += 1
    gh = r
    book.text(ws, gh, 0, _t(lang, "Đơn vị", "Unit"), book.header)
    for gi, g in enumerate(GRADES):
        book.text(ws, gh, 1 + gi, g, book.grade_header[g])
    r += 1
    first_data = r
    for u, ur in zip(res.units, unit_rows):
        book.text(ws, r, 0, unit_label(u.unit, lang), book.cell)
        for gi, g in enumerate(GRADES):
            src = xl_rowcol_to_cell(ur, _FIRST_GRADE_COL + 2 * gi)
            book.formula(ws, r, 1 + gi, f"={src}", u.total.grades[g], book.int)
        r += 1
    last_data = r - 1
    if res.units:
        chart = book.wb.add_chart({"type": "column", "subtype": "stacked"})
        for gi, g in enumerate(GRADES):
            chart.add_series({
                "name": [layout.SUMMARY_SHEET, gh, 1 + gi],
                "categories": [layout.SUMMARY_SHEET, first_data, 0, last_data, 0],
                "values": [layout.SUMMARY_SHEET, first_data, 1 + gi, last_data, 1 + gi],
                "fill": {"color": GRADE_COLOURS[g][0]}, "border": {"color": GRADE_COLOURS[g][1]},
            })
        chart.set_title({"name": _t(lang, f"Xếp loại theo đơn vị — tháng {month}", f"Grades per unit — {res.month_text}")})
        chart.set_y_axis({"name": _t(lang, "Số người", "People"), "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": max(480, 80 * len(res.units) + 200), "height": 320})
        ws.insert_chart(gh, 6, chart)


def _merge(into: Counts, c: Counts) -> None:
    for k in _SUM_COLS:
        setattr(into, k, getattr(into, k) + getattr(c, k))
    for g in GRADES:
        into.grades[g] += c.grades[g]


def _n(x: Decimal) -> str:
    if x == x.to_integral_value():
        return str(int(x))
    return format(x.normalize(), "f").replace(".", ",")


def _subtitle(res: MonthResult, unit_title: str, lang: str) -> str:
    parts = []
    if unit_title:
        parts.append(_t(lang, f"Đơn vị: {unit_title}", f"Unit: {unit_title}"))
    parts.append(_t(lang, f"Khung đánh giá: {res.framework_id} (phiên bản {res.framework_version})",
                    f"Framework: {res.framework_id} (version {res.framework_version})"))
    q = next((q for u in res.units for q in u.quota), None)
    if q is not None:
        base = BASE_WORDS.get(q.base_kind, (q.base_kind, q.base_kind))[1 if lang == "en" else 0]
        parts.append(_t(lang, f"Loại {q.grade} không quá {_n(q.percent)}% số {base}",
                        f"Grade {q.grade} at most {_n(q.percent)}% of those {base}"))
    if res.apply_quota:
        parts.append(_t(lang, "đã hạ loại theo tỷ lệ", "demotions applied"))
    return " · ".join(parts)


def _quota_cells(book: _Book, ws, r: int, u, lang: str) -> None:
    q = u.quota_summary()
    c = _QUOTA_COL
    if q is None:
        for i in range(5):
            book.text(ws, r, c + i, "", book.bold_cell)
        return
    book.number(ws, r, c, q["base"], book.bold_int)
    book.number(ws, r, c + 1, q["cap"], book.bold_int)
    book.number(ws, r, c + 2, sum((x.cap_exact for x in u.quota), Decimal(0)), book.bold_num)
    book.text(ws, r, c + 3, QUOTA_STATUS[q["status"]][1 if lang == "en" else 0], book.bold_cell)
    notes = []
    if q["over"]:
        notes.append(_t(lang, f"vượt {q['over']} người", f"{q['over']} over the cap"))
    if q["tied"]:
        notes.append(_t(lang, f"{len(q['tied'])} người bằng điểm tại ngưỡng", f"{len(q['tied'])} tied at the cut"))
    if q["demoted"]:
        notes.append(_t(lang, f"đã hạ loại {len(q['demoted'])} người", f"{len(q['demoted'])} lowered"))
    if u.exceptional:
        notes.append(_t(lang, "đơn vị có thành tích đặc biệt", "exceptional unit"))
    if u.origin:
        notes.append(_t(lang, f"từ {Path(u.origin).name}", f"from {Path(u.origin).name}"))
    book.text(ws, r, c + 4, "; ".join(notes), book.bold_cell)


def _ranking(q, names: dict[str, str], lang: str) -> str:
    if q.status == "ok" and not q.demoted:
        return ""
    tied = {c.id for c in q.tied}
    demoted = {c.id for c in q.demoted}
    parts = []
    for i, c in enumerate(q.ranked, 1):
        mark = ""
        if c.id in tied:
            mark = _t(lang, " (bằng điểm tại ngưỡng)", " (tied at the cut)")
        elif c.id in demoted:
            mark = _t(lang, " (đã hạ loại)", " (lowered)")
        elif i > q.cap:
            mark = _t(lang, " (vượt)", " (over)")
        score = "" if c.score is None else _n(c.score)
        parts.append(f"{i}. {c.name or names.get(c.id, c.id)} {score}{mark}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# "Chi tiết"


def _detail_values(p: PersonMonth, lang: str) -> dict[str, Any]:
    """Every "Chi tiết" value of one person, by column key (built once per row)."""
    return {
        "block_I": p.blocks.get("I"), "block_II": p.blocks.get("II"), "block_III": p.blocks.get("III"),
        "id": p.id, "name": p.name, "unit": p.unit, "group": group_label(p.group, "vi") if p.group else "",
        "task_group": p.task_group or "", "position": p.position, "variant": variant_label(p.variant),
        "self_total": p.self_total, "leader_total": p.leader_total, "self_grade": p.self_grade or "",
        "decided_grade": p.decided_grade or "", "final_grade": p.final_grade or "",
        "status": layout.STATUS_LABELS[p.status][1 if lang == "en" else 0],
        "notes": p.notes_text(lang), "file": p.file, "sheet": p.sheet,
    }


def _title_rows(book: _Book, ws, title: str, subtitle: str, last_col: int) -> None:
    ws.merge_range(0, 0, 0, max(last_col, 1), "", book.title)
    book.text(ws, 0, 0, title, book.title)
    ws.merge_range(1, 0, 1, max(last_col, 1), "", book.subtitle)
    book.text(ws, 1, 0, subtitle, book.subtitle)


def _detail(book: _Book, res: MonthResult, month: str, unit_title: str) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(layout.DETAIL_SHEET)
    cols = layout.DETAIL_COLUMNS
    headers = [en if lang == "en" else vi for _k, vi, en in cols]
    _title_rows(book, ws, _t(lang, f"CHI TIẾT KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG {month}", f"MONTHLY EVALUATION DETAIL — {res.month_text}"),
                unit_title, len(cols) - 1)
    hr = 2
    book.headers(ws, hr, headers)
    numeric = {"block_I", "block_II", "block_III", "self_total", "leader_total"}
    grades = {"self_grade", "decided_grade", "final_grade"}
    for i, p in enumerate(res.people):
        r = hr + 1 + i
        values = _detail_values(p, lang)
        for c, (key, _vi, _en) in enumerate(cols):
            v = values[key]
            if key in numeric:
                book.number(ws, r, c, v, book.num)
            elif key in grades:
                book.text(ws, r, c, v, book.center)
            elif key == "notes":
                book.text(ws, r, c, v, book.wrap)
            else:
                book.text(ws, r, c, v, book.cell)
    last = hr + len(res.people)
    keys = [k for k, _vi, _en in cols]
    for k in grades:
        book.grade_colours(ws, hr + 1, last, keys.index(k))
    book.status_colours(ws, hr + 1, last, keys.index("status"))
    ws.autofilter(hr, 0, max(last, hr), len(cols) - 1)
    ws.freeze_panes(hr + 1, 2)
    width = {"id": 10, "name": _fit([p.name for p in res.people], 18, 32), "unit": _fit([p.unit for p in res.people], 14, 30),
             "group": 11, "task_group": 14, "position": _fit([p.position for p in res.people], 12, 26),
             "variant": 16, "notes": 40, "file": _fit([p.file for p in res.people], 12, 40), "sheet": 14}
    book.widths(ws, [width.get(k, 9) for k in keys])
    book.page(ws, hr, len(cols))


# ---------------------------------------------------------------------------------------------
# "Chưa nộp", "Không đánh giá", "Lỗi"


def _people_list(book: _Book, name: str, title: str, people: list[PersonMonth], extra: tuple[str, str] | None,
                 extra_of=None) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(name)
    headers = [_t(lang, "STT", "No."), _t(lang, "Mã", "Id"), _t(lang, "Họ và tên", "Name"), _t(lang, "Đơn vị", "Unit"),
               _t(lang, "Nhóm", "Staff group"), _t(lang, "Chức vụ", "Position"), _t(lang, "Bảng điểm", "Scoresheet")]
    if extra:
        headers.append(_t(lang, *extra))
    _title_rows(book, ws, title, _t(lang, f"Số người: {len(people)}", f"People: {len(people)}"), len(headers) - 1)
    hr = 2
    book.headers(ws, hr, headers)
    for i, p in enumerate(people):
        r = hr + 1 + i
        book.number(ws, r, 0, i + 1, book.int)
        for c, v in enumerate((p.id, p.name, unit_label(p.unit, lang), group_label(p.group, "vi") if p.group else "",
                               p.position, variant_label(p.variant)), 1):
            book.text(ws, r, c, v, book.cell)
        if extra:
            book.text(ws, r, 7, extra_of(p), book.wrap)
    last = hr + len(people)
    ws.autofilter(hr, 0, last, len(headers) - 1)
    ws.freeze_panes(hr + 1, 0)
    book.widths(ws, [6, 10, _fit([p.name for p in people], 18, 32), _fit([p.unit for p in people], 14, 30), 11,
                     _fit([p.position for p in people], 12, 26), 16, 45][:len(headers)])
    book.page(ws, hr, len(headers))


def _missing(book: _Book, res: MonthResult, month: str) -> None:
    people = [p for p in res.people if p.status == "missing"]
    _people_list(book, layout.MISSING_SHEET,
                 _t(book.lang, f"DANH SÁCH CHƯA NỘP BẢNG ĐIỂM THÁNG {month}", f"NO SCORESHEET — {res.month_text}"),
                 people, None)


def _not_evaluated(book: _Book, res: MonthResult, month: str) -> None:
    people = [p for p in res.people if p.status == "not_evaluated"]
    _people_list(book, layout.NOT_EVALUATED_SHEET,
                 _t(book.lang, f"DANH SÁCH KHÔNG ĐÁNH GIÁ THÁNG {month}", f"NOT EVALUATED — {res.month_text}"),
                 people, ("Lý do", "Reason"),
                 lambda p: p.reason.text(book.lang) if p.reason else "")


def _findings(book: _Book, res: MonthResult, month: str) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(layout.FINDINGS_SHEET)
    headers = [_t(lang, "STT", "No."), _t(lang, "Tệp", "File"), _t(lang, "Trang tính", "Sheet"), _t(lang, "Ô", "Cell"),
               _t(lang, "Người", "Person"), _t(lang, "Mã người", "Person id"), _t(lang, "Mã lỗi", "Code"),
               _t(lang, "Mức độ", "Severity"), _t(lang, "Tiêu chí", "Criterion"), _t(lang, "Nội dung", "Message")]
    errors = sum(1 for f in res.findings if f.severity == "error")
    _title_rows(book, ws, _t(lang, f"CÁC LỖI VÀ CẢNH BÁO THÁNG {month}", f"FINDINGS — {res.month_text}"),
                _t(lang, f"{len(res.findings)} mục, trong đó {errors} lỗi", f"{len(res.findings)} findings, {errors} errors"),
                len(headers) - 1)
    hr = 2
    book.headers(ws, hr, headers)
    for i, f in enumerate(res.findings):
        r = hr + 1 + i
        book.number(ws, r, 0, i + 1, book.int)
        sev = SEVERITY_LABELS.get(f.severity, (f.severity, f.severity))[1 if lang == "en" else 0]
        for c, v in enumerate((f.file, f.sheet, f.cell, f.person, f.person_id, f.code, sev, f.criterion), 1):
            book.text(ws, r, c, v, book.cell)
        book.text(ws, r, 9, f.message(lang), book.wrap)
    last = hr + len(res.findings)
    sev_col = 7
    for code, key in (("error", "invalid"), ("warning", "pending")):
        label = SEVERITY_LABELS[code][1 if lang == "en" else 0]
        if last > hr:
            ws.conditional_format(hr + 1, sev_col, last, sev_col, {"type": "cell", "criteria": "==",
                                  "value": f'"{label}"', "format": book.status_fmt[key]})
    ws.autofilter(hr, 0, last, len(headers) - 1)
    ws.freeze_panes(hr + 1, 0)
    book.widths(ws, [6, _fit([f.file or "" for f in res.findings], 12, 40), 14, 7, 20, 10, 20, 10, 9, 60])
    book.page(ws, hr, len(headers))


# ---------------------------------------------------------------------------------------------
# "Công khai"


def _public(book: _Book, res: MonthResult, month: str, unit_title: str) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(layout.PUBLIC_SHEET)
    people = [p for p in res.people if p.status == "classified"]
    several = len({p.unit for p in people}) > 1
    headers = [_t(lang, "STT", "No."), _t(lang, "Họ và tên", "Name"), _t(lang, "Chức vụ", "Position")]
    if several:
        headers.append(_t(lang, "Đơn vị", "Unit"))
    headers += [_t(lang, "Xếp loại", "Grade"), _t(lang, "Mức xếp loại", "Rating")]
    last_col = len(headers) - 1
    book.text(ws, 0, 0, (unit_title or "").upper(), book.left_bold)
    ws.merge_range(2, 0, 2, last_col, "", book.title)
    book.text(ws, 2, 0, _t(lang, f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG {month}", f"EVALUATION RESULTS — {res.month_text}"), book.title)
    ws.merge_range(3, 0, 3, last_col, "", book.subtitle)
    book.text(ws, 3, 0, _t(lang, "(Công khai trong đơn vị)", "(Published inside the unit)"), book.subtitle)
    hr = 5
    book.headers(ws, hr, headers)
    g_col = headers.index(_t(lang, "Xếp loại", "Grade"))
    for i, p in enumerate(people):
        r = hr + 1 + i
        book.number(ws, r, 0, i + 1, book.int)
        values = [p.name, p.position] + ([unit_label(p.unit, lang)] if several else [])
        for c, v in enumerate(values, 1):
            book.text(ws, r, c, v, book.cell)
        book.text(ws, r, g_col, p.final_grade, book.center)
        label = res.grade_labels.get(p.final_grade or "", ("", ""))
        book.text(ws, r, g_col + 1, label[1] if lang == "en" else label[0], book.cell)
    last = hr + len(people)
    book.grade_colours(ws, hr + 1, last, g_col)
    r = last + 2
    counts = {g: sum(1 for p in people if p.final_grade == g) for g in GRADES}
    book.text(ws, r, 0, _t(lang, f"Tổng số: {len(people)} người được xếp loại; ", f"In all: {len(people)} classified; ")
              + "; ".join(f"{g}: {counts[g]}" for g in GRADES), book.plain)
    r += 2
    sign_first = max(last_col - 2, 1)
    for row, text, fmt in ((r, _t(lang, "Ngày ..... tháng ..... năm .......", "Date: ..........."), book.sign_note),
                           (r + 1, _t(lang, "THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF THE UNIT"), book.sign),
                           (r + 2, _t(lang, "(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)"), book.sign_note)):
        ws.merge_range(row, sign_first, row, last_col, "", fmt)
        book.text(ws, row, sign_first, text, fmt)
    ws.freeze_panes(hr + 1, 0)
    book.widths(ws, [6, _fit([p.name for p in people], 22, 34), _fit([p.position for p in people], 16, 30)]
                + ([_fit([p.unit for p in people], 14, 30)] if several else []) + [10, 30])
    book.page(ws, hr, len(headers), landscape=False)
    ws.print_area(0, 0, r + 6, last_col)


# ---------------------------------------------------------------------------------------------
# "Nguồn"


def _sources(book: _Book, res: MonthResult, generated: datetime, unit_title: str) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(layout.SOURCES_SHEET)
    yes, no = _t(lang, "Có", "Yes"), _t(lang, "Không", "No")
    values = {
        "month": res.month_text, "unit": unit_title, "framework": res.framework_id,
        "framework_version": res.framework_version, "tool_version": __version__,
        "generated": generated.isoformat(sep=" ", timespec="seconds"),
    }
    r = 0
    for key, label in layout.SOURCE_KEYS.items():
        book.text(ws, r, 0, label, book.left_bold)
        book.text(ws, r, 1, values[key], book.plain)
        r += 1
    for label, flag in ((EXCEPTIONAL_LABEL[0], res.exceptional), (APPLY_QUOTA_LABEL[0], res.apply_quota)):
        book.text(ws, r, 0, label, book.left_bold)
        book.text(ws, r, 1, yes if flag else no, book.plain)
        r += 1
    r += 1
    hr = r
    headers = [_t(lang, "STT", "No."), _t(lang, "Tệp", "File"), _t(lang, "Loại", "Kind"),
               _t(lang, "Số bảng điểm / người", "Sheets / people"), _t(lang, "Khung đánh giá", "Framework"), "SHA-256"]
    book.headers(ws, hr, headers)
    kinds = {"scoresheet": _t(lang, "Bảng điểm", "Scoresheets"), "tally": _t(lang, "Bảng tổng hợp đơn vị cấp dưới", "Sub-unit workbook")}
    for i, s in enumerate(res.sources):
        r = hr + 1 + i
        book.number(ws, r, 0, i + 1, book.int)
        book.text(ws, r, 1, s.file, book.cell)
        book.text(ws, r, 2, kinds.get(s.kind, s.kind), book.cell)
        book.number(ws, r, 3, s.sheets, book.int)
        book.text(ws, r, 4, ", ".join(s.frameworks), book.cell)
        book.text(ws, r, 5, s.sha256, book.cell)
    book.widths(ws, [30, _fit([s.file for s in res.sources], 30, 60), 16, 12, 16, 68])
    ws.freeze_panes(hr + 1, 0)
    book.page(ws, hr, len(headers))
