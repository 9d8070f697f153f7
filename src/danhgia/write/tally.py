"""The consolidated monthly workbook (``danhgia tally``), written with XlsxWriter.

XlsxWriter is used because it writes formulas *with* their cached values (openpyxl cannot), so
the percentages are live formulas that still show in viewers that do not recalculate. Sheet
names, "Chi tiết" headers, status labels and the "Nguồn" key rows come from ``danhgia.layout``:
``annual`` and the roll-up read the workbook back by those labels.

Every text goes through ``write_string`` (a name beginning with = + - @ stays text). The content
depends only on the inputs; the time of the run appears in "Nguồn" and in the file properties.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from danhgia import __version__, layout
from danhgia.write import paper
from danhgia.mark import Mark
from danhgia.write import stamp
from danhgia.framework import GRADES
from danhgia.messages import code_name
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
PERCENT = "0.0%"


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

    def __init__(self, path: Path, lang: str, constant_memory: bool = True, tmpdir: str | None = None):
        self.lang = lang
        self.constant_memory = constant_memory
        self.wb = xlsxwriter.Workbook(str(path), {
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
            "nan_inf_to_errors": True, "tmpdir": tmpdir,
        })
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
        self.base = base
        add = lambda **kw: self.wb.add_format({**base, **kw})  # noqa: E731
        self.title = add(bold=True, font_size=14, align="center")
        self.subtitle = add(italic=True, align="center", text_wrap=True)
        self.left_title = add(bold=True, font_size=14)
        self.left_subtitle = add(italic=True)
        self.left_bold = add(bold=True)
        self.header = add(bold=True, text_wrap=True, align="center", border=1, bg_color="#D9E1F2")
        self.cell = add(border=1)
        self.wrap = add(border=1, text_wrap=True)
        self.num = add(border=1, num_format="0.##")
        self.int = add(border=1, num_format="0")
        self.int_center = add(border=1, num_format="0", align="center")
        self.pct = add(border=1, num_format=PERCENT)
        self.center = add(border=1, align="center")
        self.bold_cell = add(border=1, bold=True, bg_color="#F2F2F2", text_wrap=True)
        self.bold_int = add(border=1, bold=True, bg_color="#F2F2F2", num_format="0")
        self.bold_pct = add(border=1, bold=True, bg_color="#F2F2F2", num_format=PERCENT)
        self.bold_num = add(border=1, bold=True, bg_color="#F2F2F2", num_format="0.##")
        self.plain = add()
        self.forms = paper.Forms(self.wb)
        self.grade_fmt = {g: self.wb.add_format({"bg_color": f, "font_color": c}) for g, (f, c) in GRADE_COLOURS.items()}
        self.grade_header = {g: add(bold=True, align="center", border=1, text_wrap=True, bg_color=f, font_color=c)
                             for g, (f, c) in GRADE_COLOURS.items()}
        self.status_fmt = {s: self.wb.add_format({"bg_color": f, "font_color": c}) for s, (f, c) in STATUS_COLOURS.items()}

    def sheet(self, name: str, in_order: bool = True):
        """A new worksheet. ``in_order`` sheets are written in XlsxWriter's ``constant_memory``
        mode: each row goes to a temporary file as soon as a later row is written, so the
        workbook does not hold every person's cells until ``close()`` (issue 16). Such a sheet
        must be written strictly row by row (a cell above the last row written is refused:
        the writers below raise). The option is the workbook's, read when a sheet is added: it
        is set around this sheet only (and off at ``close()``, which would otherwise close the
        temporary file of every sheet, those without one too)."""
        self.wb.constant_memory = in_order and self.constant_memory
        try:
            return self.wb.add_worksheet(name)
        finally:
            self.wb.constant_memory = False

    # --- safe writers ------------------------------------------------------------------------
    @staticmethod
    def text(ws, r: int, c: int, value: Any, fmt=None) -> None:
        """Always a string cell: text beginning with = + - @ never becomes a formula."""
        if value is None or value == "":
            done = ws.write_blank(r, c, None, fmt)
        else:
            done = ws.write_string(r, c, nfc(value if type(value) is str else str(value)), fmt)
        if done == -1:
            paper.not_written(ws, r, c)

    @staticmethod
    def number(ws, r: int, c: int, value: Decimal | int | None, fmt=None) -> None:
        if value is None:
            done = ws.write_blank(r, c, None, fmt)
        else:
            done = ws.write_number(r, c, _f(value), fmt)
        if done == -1:
            paper.not_written(ws, r, c)

    @staticmethod
    def formula(ws, r: int, c: int, formula: str, value: Decimal | int | float, fmt=None) -> None:
        if ws.write_formula(r, c, formula, fmt, _f(value) if isinstance(value, Decimal) else value) == -1:
            paper.not_written(ws, r, c)

    @staticmethod
    def row(ws, r: int, height: float) -> None:
        if ws.set_row(r, height) == -1:
            paper.not_written(ws, r, 0)

    @staticmethod
    def span(ws, r1: int, c1: int, r2: int, c2: int, fmt) -> None:
        """Merge a range (blank; its first cell is written after)."""
        if ws.merge_range(r1, c1, r2, c2, "", fmt) == -1:
            paper.not_written(ws, r1, c1)

    def page(self, ws, header_row: int | tuple[int, int] | None, widths: list[float], landscape: bool | None = True,
             printable: bool = True, repeat_columns: tuple[int, int] | None = None) -> paper.Fit:
        """A4 through the shared print conventions (``danhgia.write.paper``); sets the widths too."""
        self.widths(ws, widths)
        return paper.setup(ws, widths, lang=self.lang, repeat_rows=header_row, landscape=landscape,
                           printable=printable, repeat_columns=repeat_columns)

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

    def headers(self, ws, r: int, labels: list[str], fmts: dict[int, Any] | None = None,
                widths: list[float] | None = None) -> None:
        for c, label in enumerate(labels):
            self.text(ws, r, c, label, (fmts or {}).get(c, self.header))
        self.row(ws, r, paper.text_rows(labels[:1], 1) if not widths else
                 max(paper.text_rows([label], w) for label, w in zip(labels, widths)))

    def widths(self, ws, widths: list[float]) -> None:
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)


def _fit(values: list[str], lo: float, hi: float) -> float:
    longest = max((len(v) for v in values), default=0)
    return max(lo, min(hi, longest * 1.1 + 2))


def write(result: MonthResult, path: str | Path, lang: str = "vi",
          generated: datetime | None = None, letterhead: paper.Letterhead | None = None,
          constant_memory: bool = True) -> None:
    """Write the workbook to ``path`` (callers pass a temporary path from ``atomic_path``).

    ``letterhead`` names the governing body, the unit and the place on the sheets a head signs
    (default: the unit file's unit name, blanks for the rest). Every sheet but «Tổng hợp» is
    written row by row (``constant_memory``, see :meth:`_Book.sheet`); ``constant_memory=False``
    holds them all until the end (the same workbook: tests compare the two).
    """
    generated = (generated or datetime.now()).replace(microsecond=0)
    # XlsxWriter's temporary files (each row-by-row sheet's rows, the parts before zipping) in a
    # folder of their own, removed whatever happens: a write that fails half-way leaves none
    with tempfile.TemporaryDirectory(prefix="danhgia-") as tmpdir:
        _write(result, Path(path), lang, generated, letterhead, _Book(Path(path), lang, constant_memory, tmpdir))


def _write(result: MonthResult, path: Path, lang: str, generated: datetime, letterhead: paper.Letterhead | None,
           book: _Book) -> None:
    wb = book.wb
    month = _month_vi(result.month)
    unit_title = result.unit_name or ", ".join(unit_label(u.unit, lang) for u in result.units)
    head = letterhead or paper.Letterhead(unit=unit_title)
    if not head.unit:
        head = paper.Letterhead(unit=unit_title, governing_body=head.governing_body, place=head.place)
    wb.set_properties({
        "title": _t(lang, f"Tổng hợp đánh giá, xếp loại {result.period_words('vi')}", f"Evaluation {result.period_text}"),
        "subject": unit_title, "author": "danhgia", "company": unit_title,
        "comments": f"danhgia {__version__}", "created": generated,
    })
    stamp.on_xlsxwriter(wb, Mark("tally", unit=unit_title, period=result.period_text))
    _summary(book, result, month, head)
    _detail(book, result, month, unit_title)
    _missing(book, result, month)
    _not_evaluated(book, result, month)
    _findings(book, result, month)
    _public(book, result, month, head)
    _print_list(book, result, month, head)
    _sources(book, result, generated, unit_title)
    wb.close()


def _units_text(res: MonthResult, lang: str) -> str:
    """Every unit the sheet covers (a roll-up covers several)."""
    names = [unit_label(u.unit, lang) for u in res.units]
    if not names:
        return ""
    return _t(lang, "Đơn vị: ", "Units: " if len(names) > 1 else "Unit: ") + "; ".join(names)


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
    cell_f, int_f, pct_f = (book.bold_cell, book.bold_int, book.bold_pct) if bold else (book.wrap, book.int, book.pct)
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


# Column widths of «Tổng hợp» (characters): chosen so the sheet prints one A4 landscape page wide
# at about 9 pt (paper.fit); headers wrap.
_SUM_WIDTHS = [16, 9] + [5] * len(_SUM_COLS) + [4.5, 6] * len(GRADES) + [6, 5, 6, 8, 12]


def _summary(book: _Book, res: MonthResult, month: str, head: paper.Letterhead) -> None:
    lang = book.lang
    forms = book.forms
    # not row by row: the chart below caches the values of this sheet's cells, which XlsxWriter
    # only has for a sheet it holds (in constant_memory mode the chart would carry no values)
    ws = book.sheet(layout.SUMMARY_SHEET, in_order=False)
    headers = _summary_headers(lang)
    last_col = len(headers) - 1
    widths = _SUM_WIDTHS
    r = paper.letterhead(ws, forms, head, last_col, widths, lang)
    r = paper.title(ws, forms, r + 1, last_col,
                    _t(lang, f"BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI {res.period_words('vi', upper=True)}",
                       f"{res.period_adjective()}EVALUATION SUMMARY — {res.period_text}"),
                    _subtitle(res, lang), widths)
    hr = r + 1
    fmts = {_FIRST_GRADE_COL + 2 * i + k: book.grade_header[g] for i, g in enumerate(GRADES) for k in (0, 1)}
    book.headers(ws, hr, headers, fmts, widths)
    r = hr + 1
    total_label = _t(lang, "Tổng", "Total")
    unit_rows: list[int] = []
    for u in res.units:
        first = r
        ulabel = unit_label(u.unit, lang)
        for g, counts in u.groups.items():
            book.row(ws, r, paper.row_height([(ulabel, widths[0]), (group_label(g, lang), widths[1])]))
            _count_row(book, ws, r, ulabel, group_label(g, lang), counts, False)
            r += 1
        notes = _quota_notes(u, lang)
        book.row(ws, r, paper.row_height([(ulabel, widths[0]), (notes, widths[-1])]))
        _count_row(book, ws, r, ulabel, total_label, u.total, True, sum_rows=(first, r - 1))
        _quota_cells(book, ws, r, u, lang)
        unit_rows.append(r)
        r += 1
    last_unit_row = r - 1
    if len(res.units) > 1:
        all_label = _t(lang, "TOÀN BỘ", "ALL UNITS")
        present = sorted({g for u in res.units for g in u.groups}, key=group_position)
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
    if not res.units:
        r = paper.none_line(ws, forms, r, last_col, lang)
    last_row = r - 1
    exceeded = QUOTA_STATUS["exceeded"][1 if lang == "en" else 0]
    ws.conditional_format(hr + 1, _QUOTA_COL + 3, max(last_row, hr + 1), _QUOTA_COL + 3, {
        "type": "cell", "criteria": "==", "value": f'"{exceeded}"', "format": book.status_fmt["invalid"]})
    ws.autofilter(hr, 0, max(last_row, hr), last_col)
    ws.freeze_panes(hr + 1, 2)
    # the header repeats only when the table itself runs over a page (not over the quota tables)
    fit = book.page(ws, hr if last_row - hr > 18 else None, widths, landscape=True)

    r = _quota_tables(book, ws, res, r + 1, last_col, fit)
    end = paper.signatures(ws, forms, r + 1, last_col, widths, head, lang)
    ws.print_area(0, 0, end - 1, last_col)

    # Grades per unit: the chart's data and the chart (for the screen; outside the print area).
    r = end + 1
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
        chart.set_title({"name": _t(lang, f"Xếp loại theo đơn vị — {res.period_words('vi')}", f"Grades per unit — {res.period_text}")})
        chart.set_y_axis({"name": _t(lang, "Số người", "People"), "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": max(480, 80 * len(res.units) + 200), "height": 320})
        ws.insert_chart(gh, 6, chart)


def _spans(ws, book: _Book, r: int, spans: list[tuple[int, int]], values: list[Any], fmts: list[Any]) -> None:
    """One row of a small table laid on the summary's column grid: each value over a span."""
    for (c1, c2), v, f in zip(spans, values, fmts):
        if c2 > c1:
            book.span(ws, r, c1, r, c2, f)
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
            book.number(ws, r, c1, v, f)
        else:
            book.text(ws, r, c1, v, f)


def _spans_height(spans: list[tuple[int, int]], values: list[Any]) -> float:
    return paper.row_height((v, paper.span_width(_SUM_WIDTHS, c1, c2)) for (c1, c2), v in zip(spans, values)
                            if isinstance(v, str))


# The quota tables on «Tổng hợp», laid over the summary's columns (first, last column of each cell).
_QUOTA_SPANS = [(0, 0), (1, 2), (3, 3), (4, 4), (5, 6), (7, 11), (12, 14), (15, 16), (17, 20)]
_RANK_SPANS = [(0, 0), (1, 5), (6, 11), (12, 13), (14, 20)]


def _quota_tables(book: _Book, ws, res: MonthResult, r: int, last_col: int, fit: paper.Fit) -> int:
    """«Kiểm tra tỷ lệ» (one line per unit and scope) and, for each scope over its cap or with
    demotions, the ranking as a table: rank, name, unit, score, within / over the cap."""
    lang = book.lang
    forms = book.forms
    paper.keep_with_next(ws, r, 3, fit)      # the title, the header and a first row together
    book.text(ws, r, 0, _t(lang, "KIỂM TRA TỶ LỆ", "QUOTA CHECK"), book.left_bold)
    r += 1
    if not any(u.quota for u in res.units):
        return paper.none_line(ws, forms, r, last_col, lang,
                               _t(lang, "Khung đánh giá không quy định tỷ lệ", "The framework sets no quota"))
    qh = [_t(lang, "Đơn vị", "Unit"), _t(lang, "Phạm vi", "Scope"), _t(lang, "Loại", "Grade"),
          _t(lang, "Số người", "Count"), _t(lang, "Tỷ lệ tối đa", "Cap %"), _t(lang, "Cơ sở tính", "Base"),
          _t(lang, "Số tối đa (chưa làm tròn)", "Cap (exact)"), _t(lang, "Tình trạng", "Status"),
          _t(lang, "Ghi chú", "Notes")]
    book.row(ws, r, _spans_height(_QUOTA_SPANS, qh))
    _spans(ws, book, r, _QUOTA_SPANS, qh, [book.header] * len(qh))
    r += 1
    ranked: list[tuple[Any, Any]] = []
    for u in res.units:
        for q in u.quota:
            base_word = BASE_WORDS.get(q.base_kind, (q.base_kind, q.base_kind))[1 if lang == "en" else 0]
            note = ""
            if q.over:
                note = _t(lang, f"vượt {q.over} người", f"{q.over} over the cap")
            if q.tied:
                note += ("; " if note else "") + _t(lang, f"{len(q.tied)} người bằng điểm tại ngưỡng",
                                                    f"{len(q.tied)} tied at the cut")
            values = [unit_label(u.unit, lang), q.scope or _t(lang, "Toàn đơn vị", "Whole unit"), q.grade, q.count,
                      f"{_n(q.percent)}%", f"{q.base} ({base_word})", f"{q.cap} ({_n(q.cap_exact)})",
                      QUOTA_STATUS[q.status][1 if lang == "en" else 0], note]
            book.row(ws, r, _spans_height(_QUOTA_SPANS, values))
            _spans(ws, book, r, _QUOTA_SPANS, values,
                   [book.wrap, book.wrap, book.center, book.int, book.center, book.wrap, book.center, book.wrap, book.wrap])
            r += 1
            if q.status != "ok" or q.demoted:
                ranked.append((u, q))
    names = {p.id: p.name for p in res.people}
    for u, q in ranked:
        r += 1
        # the ranking's title, header and first rows on one page (the rows are set as written,
        # so the break is decided once the title row's height is known: it is one line)
        paper.keep_with_next(ws, r, 1 + min(2, len(q.ranked)), fit)
        scope = unit_label(u.unit, lang) + (f" — {q.scope}" if q.scope else "")
        book.span(ws, r, 0, r, last_col, book.left_bold)
        book.text(ws, r, 0, _t(lang, f"Xếp hạng loại {q.grade} theo điểm lãnh đạo chấm — {scope} (tối đa {q.cap} người)",
                               f"Grade {q.grade} ranked by leader total — {scope} (at most {q.cap})"), book.left_bold)
        r += 1
        rh = [_t(lang, "Hạng", "Rank"), _t(lang, "Họ và tên", "Name"), _t(lang, "Chức vụ", "Position"),
              _t(lang, "Điểm", "Score"), _t(lang, "Trong / vượt tỷ lệ", "Within / over the cap")]
        _spans(ws, book, r, _RANK_SPANS, rh, [book.header] * len(rh))
        r += 1
        positions = {p.id: p.position for p in res.people}
        for i, c in _ranking(q, lang):
            values = [i, c.name or names.get(c.id, c.id), positions.get(c.id, ""),
                      "" if c.score is None else c.score, _rank_mark(q, i, c, lang)]
            book.row(ws, r, _spans_height(_RANK_SPANS, values))
            _spans(ws, book, r, _RANK_SPANS, values, [book.int_center, book.wrap, book.wrap, book.num, book.wrap])
            r += 1
    return r


def _merge(into: Counts, c: Counts) -> None:
    for k in _SUM_COLS:
        setattr(into, k, getattr(into, k) + getattr(c, k))
    for g in GRADES:
        into.grades[g] += c.grades[g]


def _n(x: Decimal) -> str:
    if x == x.to_integral_value():
        return str(int(x))
    return format(x.normalize(), "f").replace(".", ",")


def _subtitle(res: MonthResult, lang: str) -> str:
    parts = []
    units = _units_text(res, lang)
    if units:
        parts.append(units)
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
    book.text(ws, r, c + 4, _quota_notes(u, lang), book.bold_cell)


def _quota_notes(u, lang: str) -> str:
    q = u.quota_summary()
    if q is None:
        return ""
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
    return "; ".join(notes)


def _ranking(q, lang: str):
    """The grade's holders, best first, with their rank."""
    return list(enumerate(q.ranked, 1))


def _rank_mark(q, i: int, c, lang: str) -> str:
    if c.id in {x.id for x in q.tied}:
        return _t(lang, "Bằng điểm tại ngưỡng (thủ trưởng quyết định)", "Tied at the cut (the head decides)")
    if c.id in {x.id for x in q.demoted}:
        return _t(lang, "Vượt tỷ lệ — đã hạ loại", "Over the cap — lowered")
    if i > q.cap:
        return _t(lang, "Vượt tỷ lệ", "Over the cap")
    return _t(lang, "Trong tỷ lệ", "Within the cap")


# ---------------------------------------------------------------------------------------------
# "Chi tiết"


def _detail_values(p: PersonMonth, lang: str) -> dict[str, Any]:
    """Every "Chi tiết" value of one person, by column key (built once per row)."""
    return {
        "block_I": p.blocks.get("I"), "block_II": p.blocks.get("II"), "block_III": p.blocks.get("III"),
        **{layout.RATIO_KEY[k]: v for k, v in p.ratios.items() if k in layout.RATIO_KEY},
        "id": p.id, "name": p.name, "unit": p.unit, "group": group_label(p.group, "vi") if p.group else "",
        "task_group": p.task_group or "", "position": p.position, "variant": variant_label(p.variant),
        "self_total": p.self_total, "leader_total": p.leader_total, "self_grade": p.self_grade or "",
        "decided_grade": p.decided_grade or "", "final_grade": p.final_grade or "",
        "status": layout.STATUS_LABELS[p.status][1 if lang == "en" else 0],
        "notes": p.notes_text(lang), "file": p.file, "sheet": p.sheet,
        "months": ", ".join(str(m) for m in p.months),
    }


def _title_rows(book: _Book, ws, title: str, subtitle: str, last_col: int) -> None:
    book.span(ws, 0, 0, 0, max(last_col, 1), book.title)
    book.text(ws, 0, 0, title, book.title)
    book.span(ws, 1, 0, 1, max(last_col, 1), book.subtitle)
    book.text(ws, 1, 0, subtitle, book.subtitle)


def _detail(book: _Book, res: MonthResult, month: str, unit_title: str) -> None:
    lang = book.lang
    ws = book.sheet(layout.DETAIL_SHEET)     # a row per person, written in row order
    cols = layout.detail_columns({k for p in res.people for k in p.ratios}, quarter=res.quarter is not None)
    keys = [k for k, _vi, _en in cols]
    headers = [en if lang == "en" else vi for _k, vi, en in cols]
    width = {"id": 10, "name": _fit([p.name for p in res.people], 18, 32), "unit": _fit([p.unit for p in res.people], 14, 30),
             "group": 11, "task_group": 14, "position": _fit([p.position for p in res.people], 12, 26),
             "variant": 16, "status": 11, "notes": 40, "file": _fit([p.file for p in res.people], 12, 40), "sheet": 14}
    widths = [width.get(k, 9) for k in keys]
    hr = 2
    # a data sheet: one page wide only when that keeps text readable, else across pages
    fit = book.page(ws, hr, widths, landscape=True, printable=False, repeat_columns=(0, 1))
    subtitle = _units_text(res, lang)
    if not fit.fits:
        subtitle = " · ".join(x for x in (subtitle, paper.too_wide_note(lang, layout.LIST_SHEET)) if x)
    title = _t(lang, f"CHI TIẾT KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI {res.period_words('vi', upper=True)}", f"{res.period_adjective()}EVALUATION DETAIL — {res.period_text}")
    if fit.fits:
        _title_rows(book, ws, title, subtitle, len(cols) - 1)
    else:   # printed across pages: on screen the title rows, on paper the title on every page
        book.text(ws, 0, 0, title, book.left_title)
        book.text(ws, 1, 0, subtitle, book.left_subtitle)
        paper.running_title(ws, title, subtitle, hr, hr + len(res.people), len(cols) - 1)
    book.headers(ws, hr, headers, widths=widths)
    numeric = {"block_I", "block_II", "block_III", "self_total", "leader_total",
               *(k for k, _vi, _en, _l in layout.RATIO_COLUMNS)}
    grades = {"self_grade", "decided_grade", "final_grade"}
    # per column, decided once: how its cells are written, and (text only) the length beyond
    # which a text may need more than one line
    num_cols = [c for c, k in enumerate(keys) if k in numeric]
    grade_cols = [c for c, k in enumerate(keys) if k in grades]
    text_cols = [(c, w, 0.6 * w) for c, (k, w) in enumerate(zip(keys, widths)) if k not in numeric and k not in grades]
    text, number, row_height = book.text, book.number, paper.row_height
    num_f, center_f, wrap_f = book.num, book.center, book.wrap
    for i, p in enumerate(res.people):
        r = hr + 1 + i
        values = _detail_values(p, lang)
        row = [values.get(k) for k in keys]
        # text wraps in its column, never cut: the row is as tall as its longest text needs (the
        # lines are counted only for text that may not fit on one line)
        long_text = [(v, w) for c, w, most in text_cols if isinstance(v := row[c], str) and len(v) > most]
        if long_text:
            book.row(ws, r, row_height(long_text))
        for c in num_cols:
            number(ws, r, c, row[c], num_f)
        for c in grade_cols:
            text(ws, r, c, row[c], center_f)
        for c, _w, _most in text_cols:
            text(ws, r, c, row[c], wrap_f)
    last = hr + len(res.people)
    for k in grades:
        book.grade_colours(ws, hr + 1, last, keys.index(k))
    book.status_colours(ws, hr + 1, last, keys.index("status"))
    ws.autofilter(hr, 0, max(last, hr), len(cols) - 1)
    ws.freeze_panes(hr + 1, 2)


# ---------------------------------------------------------------------------------------------
# "Chưa nộp", "Không đánh giá", "Lỗi"


def _people_list(book: _Book, name: str, title: str, people: list[PersonMonth], extra: tuple[str, str] | None,
                 extra_of=None) -> None:
    lang = book.lang
    ws = book.sheet(name)
    headers = [_t(lang, "STT", "No."), _t(lang, "Mã", "Id"), _t(lang, "Họ và tên", "Name"), _t(lang, "Đơn vị", "Unit"),
               _t(lang, "Nhóm", "Staff group"), _t(lang, "Chức vụ", "Position"), _t(lang, "Bảng điểm", "Scoresheet")]
    if extra:
        headers.append(_t(lang, *extra))
    widths = [4, 8, _fit([p.name for p in people], 16, 22), _fit([p.unit for p in people], 12, 18), 10,
              _fit([p.position for p in people], 12, 16), 12, 26][:len(headers)]
    _title_rows(book, ws, title, _t(lang, f"Số người: {len(people)}", f"People: {len(people)}"), len(headers) - 1)
    hr = 2
    if not people:                      # an empty list prints one line
        paper.none_line(ws, book.forms, hr, len(headers) - 1, lang)
        book.page(ws, None, widths, landscape=True)
        return
    book.headers(ws, hr, headers, widths=widths)
    for i, p in enumerate(people):
        r = hr + 1 + i
        values = [p.id, p.name, unit_label(p.unit, lang), group_label(p.group, "vi") if p.group else "",
                  p.position, variant_label(p.variant)] + ([extra_of(p)] if extra else [])
        book.row(ws, r, paper.row_height(zip(values, widths[1:])))
        book.number(ws, r, 0, i + 1, book.int)
        for c, v in enumerate(values, 1):
            book.text(ws, r, c, v, book.wrap)
    last = hr + len(people)
    ws.autofilter(hr, 0, last, len(headers) - 1)
    ws.freeze_panes(hr + 1, 0)
    book.page(ws, hr, widths, landscape=True)


def _missing(book: _Book, res: MonthResult, month: str) -> None:
    people = [p for p in res.people if p.status == "missing"]
    _people_list(book, layout.MISSING_SHEET,
                 _t(book.lang, f"DANH SÁCH CHƯA NỘP BẢNG ĐIỂM {res.period_words('vi', upper=True)}", f"NO SCORESHEET — {res.period_text}"),
                 people, None)


def _not_evaluated(book: _Book, res: MonthResult, month: str) -> None:
    people = [p for p in res.people if p.status == "not_evaluated"]
    _people_list(book, layout.NOT_EVALUATED_SHEET,
                 _t(book.lang, f"DANH SÁCH KHÔNG ĐÁNH GIÁ {res.period_words('vi', upper=True)}", f"NOT EVALUATED — {res.period_text}"),
                 people, ("Lý do", "Reason"),
                 lambda p: p.reason.text(book.lang) if p.reason else "")


def _findings(book: _Book, res: MonthResult, month: str) -> None:
    lang = book.lang
    ws = book.sheet(layout.FINDINGS_SHEET)
    headers = [_t(lang, "STT", "No."), _t(lang, "Tệp", "File"), _t(lang, "Trang tính", "Sheet"), _t(lang, "Ô", "Cell"),
               _t(lang, "Người", "Person"), _t(lang, "Mã người", "Person id"), _t(lang, "Loại lỗi", "Finding"),
               _t(lang, "Mức độ", "Severity"), _t(lang, "Tiêu chí", "Criterion"), _t(lang, "Nội dung", "Message")]
    widths = [4, 16, 9, 5, 13, 7, 13, 7, 7, 38]
    errors = sum(1 for f in res.findings if f.severity == "error")
    _title_rows(book, ws, _t(lang, f"CÁC LỖI VÀ CẢNH BÁO {res.period_words('vi', upper=True)}", f"FINDINGS — {res.period_text}"),
                _t(lang, f"{len(res.findings)} mục, trong đó {errors} lỗi", f"{len(res.findings)} findings, {errors} errors"),
                len(headers) - 1)
    hr = 2
    if not res.findings:
        paper.none_line(ws, book.forms, hr, len(headers) - 1, lang)
        book.page(ws, None, widths, landscape=True)
        return
    book.headers(ws, hr, headers, widths=widths)
    for i, f in enumerate(res.findings):
        r = hr + 1 + i
        book.number(ws, r, 0, i + 1, book.int)
        sev = SEVERITY_LABELS.get(f.severity, (f.severity, f.severity))[1 if lang == "en" else 0]
        values = [f.file, f.sheet, f.cell, f.person, f.person_id, code_name(f.code, lang), sev, f.criterion, f.message(lang)]
        book.row(ws, r, paper.row_height((v, w) for v, w in zip(values, widths[1:]) if v))
        for c, v in enumerate(values, 1):
            book.text(ws, r, c, v, book.wrap)
    last = hr + len(res.findings)
    sev_col = 7
    for code, key in (("error", "invalid"), ("warning", "pending")):
        label = SEVERITY_LABELS[code][1 if lang == "en" else 0]
        ws.conditional_format(hr + 1, sev_col, last, sev_col, {"type": "cell", "criteria": "==",
                              "value": f'"{label}"', "format": book.status_fmt[key]})
    ws.autofilter(hr, 0, last, len(headers) - 1)
    ws.freeze_panes(hr + 1, 0)
    book.page(ws, hr, widths, landscape=True)


# ---------------------------------------------------------------------------------------------
# "Công khai"


def _public(book: _Book, res: MonthResult, month: str, head: paper.Letterhead) -> None:
    lang = book.lang
    forms = book.forms
    ws = book.sheet(layout.PUBLIC_SHEET)
    people = [p for p in res.people if p.status == "classified"]
    several = len({p.unit for p in people}) > 1
    headers = [_t(lang, "STT", "No."), _t(lang, "Họ và tên", "Name"), _t(lang, "Chức vụ", "Position")]
    widths = [5, 20, 16]
    if several:
        headers.append(_t(lang, "Đơn vị", "Unit"))
        widths.append(16)
    headers += [_t(lang, "Xếp loại", "Grade"), _t(lang, "Mức xếp loại", "Rating")]
    widths += [7, 22]
    last_col = len(headers) - 1
    r = paper.letterhead(ws, forms, head, last_col, widths, lang)
    r = paper.title(ws, forms, r + 1, last_col,
                    _t(lang, f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI {res.period_words('vi', upper=True)}", f"EVALUATION RESULTS — {res.period_text}"),
                    _t(lang, "(Công khai trong đơn vị)", "(Published inside the unit)")
                    + (f" · {_units_text(res, lang)}" if several else ""), widths)
    hr = r + 1
    if not people:
        r = paper.none_line(ws, forms, hr, last_col, lang)
        last = hr
    else:
        book.headers(ws, hr, headers, widths=widths)
        g_col = headers.index(_t(lang, "Xếp loại", "Grade"))
        for i, p in enumerate(people):
            r = hr + 1 + i
            book.number(ws, r, 0, i + 1, book.int)
            values = [p.name, p.position] + ([unit_label(p.unit, lang)] if several else [])
            label = res.grade_labels.get(p.final_grade or "", ("", ""))
            book.row(ws, r, paper.row_height(zip(values + ["", label[1] if lang == "en" else label[0]], widths[1:])))
            for c, v in enumerate(values, 1):
                book.text(ws, r, c, v, book.wrap)
            book.text(ws, r, g_col, p.final_grade, book.center)
            book.text(ws, r, g_col + 1, label[1] if lang == "en" else label[0], book.wrap)
        last = hr + len(people)
        book.grade_colours(ws, hr + 1, last, g_col)
        ws.freeze_panes(hr + 1, 0)
    r = last + 2
    counts = {g: sum(1 for p in people if p.final_grade == g) for g in GRADES}
    book.span(ws, r, 0, r, last_col, book.plain)
    book.text(ws, r, 0, _t(lang, f"Tổng số: {len(people)} người được xếp loại; ", f"In all: {len(people)} classified; ")
              + "; ".join(f"{g}: {counts[g]}" for g in GRADES), book.plain)
    end = paper.signatures(ws, forms, r + 2, last_col, widths, head, lang)
    book.page(ws, hr if people else None, widths, landscape=False)
    ws.print_area(0, 0, end - 1, last_col)


# ---------------------------------------------------------------------------------------------
# "Bảng xếp loại": the printable monthly list (domain.md §4), everyone of the month


def _list_order(people: list[PersonMonth]) -> list[tuple[str, list[tuple[str | None, list[PersonMonth]]]]]:
    """Units in order of appearance; inside a unit, divisions (task groups) with leaders first."""
    units: dict[str, list[PersonMonth]] = {}
    for p in people:
        units.setdefault(p.unit, []).append(p)
    out = []
    for unit, members in units.items():
        lead = lambda p: 0 if p.variant == "lanh-dao-quan-ly" else 1  # noqa: E731
        divisions: dict[str | None, list[PersonMonth]] = {}
        for p in members:
            divisions.setdefault(p.task_group or None, []).append(p)
        if len(divisions) > 1:
            order = sorted(divisions, key=lambda d: (min(lead(p) for p in divisions[d]), list(divisions).index(d)))
            parts = [(d, sorted(divisions[d], key=lead)) for d in order]
        else:
            parts = [(None, sorted(members, key=lead))]
        out.append((unit, parts))
    return out


def _result_text(p: PersonMonth, res: MonthResult, lang: str) -> str:
    if p.status == "classified":
        label = res.grade_labels.get(p.final_grade or "", ("", ""))
        text = label[1] if lang == "en" else label[0]
        return f"{p.final_grade} — {text}" if text else (p.final_grade or "")
    return layout.STATUS_LABELS[p.status][1 if lang == "en" else 0]


def _list_note(p: PersonMonth, lang: str) -> str:
    if p.status == "not_evaluated" and p.reason:
        return p.reason.text(lang)
    if p.demoted_from:
        return _t(lang, f"Hạ từ loại {p.demoted_from} theo tỷ lệ", f"Lowered from {p.demoted_from} by the quota")
    if p.status == "invalid":
        return _t(lang, "Bảng điểm có lỗi, xem trang «Lỗi»", "The scoresheet has errors, see «Lỗi»")
    return ""


def _print_list(book: _Book, res: MonthResult, month: str, head: paper.Letterhead) -> None:
    lang = book.lang
    forms = book.forms
    ws = book.sheet(layout.LIST_SHEET)
    headers = [_t(lang, "TT", "No."), _t(lang, "Họ và tên", "Name"), _t(lang, "Chức vụ", "Position"),
               _t(lang, "Điểm tự chấm", "Self score"), _t(lang, "Điểm lãnh đạo chấm", "Leader score"),
               _t(lang, "Tự xếp loại", "Self grade"), _t(lang, "Kết quả xếp loại", "Result"),
               _t(lang, "Ghi chú", "Notes")]
    widths = [4, 20, 20, 6, 6.5, 6, 28, 18]
    last_col = len(headers) - 1
    r = paper.letterhead(ws, forms, head, last_col, widths, lang)
    r = paper.title(ws, forms, r + 1, last_col,
                    _t(lang, f"BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG {res.period_words('vi', upper=True)}",
                       f"{res.period_adjective()}RATING LIST — {res.period_text}"), _units_text(res, lang), widths)
    hr = r + 1
    book.headers(ws, hr, headers, widths=widths)
    for c in range(len(headers)):
        book.text(ws, hr + 1, c, f"({c + 1})", book.center)      # the column-number row
    r = hr + 2
    section = book.wb.add_format({**book.base, "bold": True, "border": 1, "bg_color": "#F2F2F2"})
    division = book.wb.add_format({**book.base, "bold": True, "italic": True, "border": 1})
    groups = _list_order(res.people)
    if not groups:
        r = paper.none_line(ws, forms, r, last_col, lang)
    for ui, (unit, parts) in enumerate(groups, 1):
        book.span(ws, r, 1, r, last_col, section)
        book.text(ws, r, 0, paper.roman(ui), section)
        book.text(ws, r, 1, unit_label(unit, lang), section)
        r += 1
        n = 0
        for di, (div, members) in enumerate(parts, 1):
            if div is not None:
                book.span(ws, r, 1, r, last_col, division)
                book.text(ws, r, 0, str(di), division)
                book.text(ws, r, 1, div, division)
                r += 1
            for p in members:
                n += 1
                result, note = _result_text(p, res, lang), _list_note(p, lang)
                book.row(ws, r, paper.row_height([(p.name, widths[1]), (p.position, widths[2]),
                                                  (result, widths[6]), (note, widths[7])]))
                book.number(ws, r, 0, n, book.int)
                book.text(ws, r, 1, p.name, book.wrap)
                book.text(ws, r, 2, p.position, book.wrap)
                book.number(ws, r, 3, p.self_total, book.num)
                book.number(ws, r, 4, p.leader_total, book.num)
                book.text(ws, r, 5, p.self_grade or "", book.center)
                book.text(ws, r, 6, result, book.wrap)
                book.text(ws, r, 7, note, book.wrap)
                r += 1
    classified = [p for p in res.people if p.status == "classified"]
    counts = {g: sum(1 for p in classified if p.final_grade == g) for g in GRADES}
    r += 1
    book.span(ws, r, 0, r, last_col, book.plain)
    book.text(ws, r, 0, _t(lang, f"Tổng số: {len(res.people)} người; được xếp loại: {len(classified)} (",
                           f"In all: {len(res.people)} people; classified: {len(classified)} (")
              + "; ".join(f"{g}: {counts[g]}" for g in GRADES) + ")", book.plain)
    end = paper.signatures(ws, forms, r + 2, last_col, widths, head, lang)
    ws.freeze_panes(hr + 2, 0)
    book.page(ws, (hr, hr + 1), widths, landscape=True)
    ws.print_area(0, 0, end - 1, last_col)


# ---------------------------------------------------------------------------------------------
# "Nguồn"


def _sources(book: _Book, res: MonthResult, generated: datetime, unit_title: str) -> None:
    lang = book.lang
    ws = book.sheet(layout.SOURCES_SHEET)
    yes, no = _t(lang, "Có", "Yes"), _t(lang, "Không", "No")
    values = {
        "month": res.month_text, "unit": unit_title, "framework": res.framework_id,
        "framework_version": res.framework_version, "tool_version": __version__,
        "generated": generated.isoformat(sep=" ", timespec="seconds"),
    }
    r = 0
    key_fmt = book.wb.add_format({**book.base, "bold": True, "text_wrap": True, "valign": "top"})
    value_fmt = book.wb.add_format({**book.base, "text_wrap": True, "valign": "top"})
    run_on_fmt = book.wb.add_format({**book.base, "valign": "top"})     # level with its wrapped label
    for key, label in layout.SOURCE_KEYS.items():
        if key == "month" and res.quarter is not None:
            label, values[key] = layout.PERIOD_LABEL, res.period_text
        book.row(ws, r, paper.row_height([(label, 14), (values[key], 30)]))
        book.text(ws, r, 0, label, key_fmt)
        book.text(ws, r, 1, values[key], value_fmt)
        r += 1
    for label, flag in ((EXCEPTIONAL_LABEL[0], res.exceptional), (APPLY_QUOTA_LABEL[0], res.apply_quota)):
        book.row(ws, r, paper.row_height([(label, 14)]))
        book.text(ws, r, 0, label, key_fmt)
        book.text(ws, r, 1, yes if flag else no, value_fmt)
        r += 1
    if res.provenance is not None:      # what the run was made from (design.md §2)
        for label, value in res.provenance.rows(lang, workbook=True):
            # the label wraps in its column; the value runs on over the empty columns to its right
            book.row(ws, r, paper.row_height([(label, 14)]))
            book.text(ws, r, 0, label, key_fmt)
            book.text(ws, r, 1, value, run_on_fmt)
            r += 1
    r += 1
    hr = r
    headers = [_t(lang, "STT", "No."), _t(lang, "Tệp", "File"), _t(lang, "Loại", "Kind"),
               _t(lang, "Số bảng điểm / người", "Sheets / people"), _t(lang, "Khung đánh giá", "Framework"), "SHA-256"]
    widths = [14, 30, 9, 7, 10, 55]
    paper.keep_with_next(ws, hr, 2, paper.fit(widths, 12, True))   # the header on its rows' page
    book.headers(ws, hr, headers, widths=widths)
    kinds = {"scoresheet": _t(lang, "Bảng điểm", "Scoresheets"), "tally": _t(lang, "Bảng tổng hợp đơn vị cấp dưới", "Sub-unit workbook")}
    for i, s in enumerate(res.sources):
        r = hr + 1 + i
        book.number(ws, r, 0, i + 1, book.int_center)
        frameworks = ", ".join(s.frameworks)
        book.row(ws, r, paper.row_height([(s.file, widths[1]), (frameworks, widths[4])]))
        book.text(ws, r, 1, s.file, book.wrap)
        book.text(ws, r, 2, kinds.get(s.kind, s.kind), book.wrap)
        book.number(ws, r, 3, s.sheets, book.int)
        book.text(ws, r, 4, frameworks, book.wrap)
        book.text(ws, r, 5, s.sha256, book.cell)
    ws.freeze_panes(hr + 1, 0)
    book.page(ws, hr, widths, landscape=True)
