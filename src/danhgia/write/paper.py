"""Print conventions shared by every workbook the tool writes (tally, annual, templates, annotated
copies): A4, one page wide and never one page tall, title rows repeated, text never below 8 pt at
the print scale, a footer naming the sheet and the page; and the parts of a Vietnamese
administrative form (Nghị định 30/2020/NĐ-CP layout) on what a head signs or posts: governing body
and unit on the left, the national heading on the right, place and date, signature blocks.

The print scale is *computed* here from the column widths, the same way Excel and LibreOffice turn
a width in characters into points, so a writer knows before writing whether a sheet can fit one
page wide at 8 pt or more. A sheet meant to be printed is laid out so that it does (fewer or
narrower columns, wrapped headers, landscape); a data sheet that does not is printed at a readable
scale across several pages, with its first columns repeated, and says so in its header
(:func:`too_wide_note`), instead of being squeezed onto a page.

XlsxWriter worksheets are set up by :func:`setup`; openpyxl worksheets (annotated copies) by
:func:`setup_openpyxl`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from math import floor
from typing import Any, Iterable, Sequence

A4 = 9                       # paper code of A4 in both XlsxWriter and OOXML
MIN_PT = 8.0                 # no text smaller than this on paper
FONT = "Times New Roman"
FOOTER_PT = 12            # the footer in the body size: it scales with the sheet like the rest
PAGE_WIDTH_PT = {False: 595.28, True: 841.89}    # portrait / landscape width of A4 in points
MARGIN_IN = {"left": 0.5, "right": 0.4, "top": 0.6, "bottom": 0.6}
FOOTER_ROOM_IN = 0.3         # between the footer's margin and the bottom margin: a footer line and its gap
SAFETY = 0.97               # renderers differ by a few percent in column pixels: keep a margin
NONE_TEXT = ("Không có", "None")


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


# --- widths and scale ----------------------------------------------------------------------------

def column_points(width_chars: float) -> float:
    """A column width in characters as printed points, the way LibreOffice prints an .xlsx:
    ``trunc(w * 7 + 5)`` — Excel's pixel count at 96 dpi, which LibreOffice lays out as points
    (measured: widths 5, 10, 20 print 40, 75, 145 pt). Excel prints the same column at 3/4 of
    that, so a sheet that fits in LibreOffice fits in Excel, at a larger scale."""
    if width_chars <= 0:
        return 0.0
    return float(floor(width_chars * 7 + 5)) if width_chars >= 1 else float(floor(width_chars * 12))


def sheet_points(widths: Iterable[float]) -> float:
    return sum(column_points(w) for w in widths)


def printable_points(landscape: bool, margins: dict[str, float] | None = None) -> float:
    m = margins or MARGIN_IN
    return PAGE_WIDTH_PT[landscape] - 72 * (m["left"] + m["right"])


@dataclass(frozen=True)
class Fit:
    scale: float          # the print scale (≤ 1) that puts the sheet one page wide
    smallest_pt: float    # the smallest text on paper at that scale
    fits: bool            # smallest_pt ≥ MIN_PT: the sheet prints one page wide
    landscape: bool


def fit(widths: Sequence[float], smallest_font_pt: float, landscape: bool,
        margins: dict[str, float] | None = None) -> Fit:
    """The scale at which ``widths`` print one page wide, and whether text stays ≥ 8 pt."""
    need = sheet_points(widths)
    room = printable_points(landscape, margins) * SAFETY
    scale = min(1.0, room / need) if need else 1.0
    smallest = min(smallest_font_pt, FOOTER_PT) * scale
    return Fit(scale, smallest, smallest >= MIN_PT, landscape)


def best_orientation(widths: Sequence[float], smallest_font_pt: float) -> Fit:
    """Portrait when the sheet fits portrait at full size; else landscape."""
    portrait = fit(widths, smallest_font_pt, False)
    if portrait.scale >= 1.0:
        return portrait
    return fit(widths, smallest_font_pt, True)


# --- page setup ----------------------------------------------------------------------------------

def footer(lang: str) -> str:
    """Sheet name and page number, in the body font (``&A`` sheet, ``&P`` page, ``&N`` pages)."""
    return f'&C&"{FONT},Regular"&{FOOTER_PT}&A · ' + _t(lang, "Trang &P/&N", "Page &P/&N")


def setup(ws, widths: Sequence[float], *, lang: str = "vi", smallest_font_pt: float = 12,
          repeat_rows: tuple[int, int] | int | None = None, landscape: bool | None = None,
          repeat_columns: tuple[int, int] | None = None, printable: bool = True,
          margins: dict[str, float] | None = None) -> Fit:
    """Set an XlsxWriter worksheet's paper, orientation, scale, repeated rows and footer.

    ``printable`` sheets must fit one page wide at ≥ 8 pt (the writer lays them out so; it is
    asserted by the PDF test). A data sheet (``printable=False``) that cannot is printed at the
    smallest readable scale, over several pages across, with ``repeat_columns`` on each page;
    the caller says so in its header with :func:`too_wide_note`. Returns the :class:`Fit`.
    """
    f = best_orientation(widths, smallest_font_pt) if landscape is None else fit(widths, smallest_font_pt, landscape)
    m = margins or MARGIN_IN
    ws.set_paper(A4)
    if f.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=m["left"], right=m["right"], top=m["top"], bottom=m["bottom"])
    ws.set_footer(footer(lang))
    if f.fits or printable:
        ws.fit_to_pages(1, 0)                   # one page wide, as many tall as it takes
    else:
        ws.set_print_scale(max(10, -(-int(100 * (MIN_PT + 0.1)) // int(min(smallest_font_pt, FOOTER_PT)))))
        if repeat_columns is not None:
            ws.repeat_columns(*repeat_columns)
    if repeat_rows is not None:
        if isinstance(repeat_rows, int):
            ws.repeat_rows(repeat_rows)
        else:
            ws.repeat_rows(*repeat_rows)
    return f


HEADER_CHARS = 254     # Excel (and XlsxWriter) refuse a page header of 255 characters or more, codes included


def running_title(ws, title: str, subtitle: str, first_row: int, last_row: int, last_col: int,
                  margins: dict[str, float] | None = None) -> None:
    """A data sheet printed across pages carries its title and subtitle in the page header, on
    every page, and prints from its table header down: a title written in a cell runs over the
    columns to its right, and is cut on the pages that repeat only the first columns. On screen
    the title rows stay where they are (above the print area)."""
    def esc(text: str) -> str:
        return text.replace("&", "&&")

    head = f'&L&"{FONT},Bold"&{FOOTER_PT}' + esc(title)
    sub = "\n&B&I"           # the same font and size; bold off, italic on
    room = HEADER_CHARS - len(head) - len(sub)
    if subtitle and room > 10:
        text = esc(subtitle)
        if len(text) > room:
            text = text[: room - 1].rstrip("&") + "…"
        head += sub + text
    ws.set_header(head)
    m = dict(margins or MARGIN_IN)
    m["top"] = max(m["top"], 0.95)     # two header lines between the header's margin (0.3 in) and the body
    ws.set_margins(left=m["left"], right=m["right"], top=m["top"], bottom=m["bottom"])
    ws.print_area(first_row, 0, max(first_row, last_row), last_col)


ROW_PT = 16.0      # the height LibreOffice gives a row of 12-pt Times New Roman it sizes itself


def keep_with_next(ws, first_row: int, keep_rows: int, fit: Fit, margins: dict[str, float] | None = None) -> bool:
    """Start a new page at ``first_row`` (a table's title) when it and the ``keep_rows`` rows after
    it (its header and first rows) would not all print on the page where it starts, instead of
    leaving the title and header alone at the foot of a page. The page is measured from the
    heights set on the rows so far (XlsxWriter's ``row_info``, pixels) and :data:`ROW_PT` for the
    others, at the sheet's print scale. Returns whether a break was set."""
    m = margins or MARGIN_IN
    room = (PAGE_WIDTH_PT[not fit.landscape] - 72 * (m["top"] + m["bottom"])) * SAFETY / (fit.scale or 1.0)
    breaks = sorted(getattr(ws, "hbreaks", []) or [])

    def height(r: int) -> float:
        info = ws.row_info.get(r) if hasattr(ws, "row_info") else None
        return info.height * 0.75 if info is not None and info.height is not None else ROW_PT

    used = 0.0
    for r in range(first_row):
        h = height(r)
        if r in breaks or used + h > room:
            used = 0.0
        used += h
    need = sum(height(r) for r in range(first_row, first_row + keep_rows + 1))
    if used == 0.0 or used + need <= room or need > room:
        return False
    ws.set_h_pagebreaks(breaks + [first_row])
    return True


def too_wide_note(lang: str, print_sheet: str | None = None) -> str:
    """The header line of a data sheet too wide for one page."""
    vi = "Bảng dữ liệu rộng: khi in chia thành nhiều trang theo chiều ngang"
    en = "Wide data table: prints across several pages"
    if print_sheet:
        vi += f"; bản để in và ký: trang «{print_sheet}»"
        en += f"; the sheet to print and sign: «{print_sheet}»"
    return _t(lang, vi, en)


def openpyxl_widths(ws, max_cells: int = 200_000) -> tuple[list[float], float]:
    """The printed column widths of an openpyxl sheet (visible columns up to the last one with a
    value) and its smallest font size (a bounded scan of the cells with values)."""
    from openpyxl.utils import get_column_letter

    last, smallest, seen = 0, 99.0, 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or cell.value == "":
                continue
            seen += 1
            letter = get_column_letter(cell.column)
            if not ws.column_dimensions[letter].hidden:
                last = max(last, cell.column)
            size = cell.font.sz if cell.font is not None and cell.font.sz else 11
            smallest = min(smallest, float(size))
        if seen > max_cells:
            break
    widths = []
    for c in range(1, last + 1):
        dim = ws.column_dimensions[get_column_letter(c)]
        if not dim.hidden:
            widths.append(dim.width if dim.width else 8.43)
    return widths, (smallest if smallest < 99 else 11.0)


def setup_openpyxl(ws, lang: str = "vi", landscape: bool | None = None,
                   repeat_rows: str | None = None, keep_existing: bool = True) -> Fit | None:
    """A4, one page wide (never one tall) on an openpyxl worksheet; a footer naming the sheet
    when it has none. ``keep_existing`` keeps a form's own margins and, when its text stays ≥ 8 pt
    one page wide, its orientation; a form too wide for that turns landscape if that is enough."""
    ps = ws.page_setup
    fit_info: Fit | None = None
    if landscape is None:
        widths, smallest = openpyxl_widths(ws)
        current = ps.orientation == "landscape"
        fit_info = fit(widths, smallest, current)
        if not fit_info.fits:
            other = fit(widths, smallest, not current)
            if other.fits or other.smallest_pt > fit_info.smallest_pt:
                fit_info = other
        landscape = fit_info.landscape
    ps.paperSize = A4
    ps.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ps.fitToWidth = 1
    ps.fitToHeight = 0
    ps.scale = None
    if not keep_existing:
        ws.page_margins.left, ws.page_margins.right = MARGIN_IN["left"], MARGIN_IN["right"]
        ws.page_margins.top, ws.page_margins.bottom = MARGIN_IN["top"], MARGIN_IN["bottom"]
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    if not (ws.oddFooter.left.text or ws.oddFooter.center.text or ws.oddFooter.right.text):
        ws.oddFooter.center.text = "&A · " + _t(lang, "Trang &P/&N", "Page &P/&N")
        ws.oddFooter.center.font = f"{FONT},Regular"
        ws.oddFooter.center.size = FOOTER_PT
    footer_room(ws.page_margins)
    return fit_info


def footer_room(margins) -> None:
    """Room for the footer inside the bottom margin: Excel and LibreOffice print the footer
    between the footer's own margin and the bottom margin, so a footer margin close to the bottom
    one (openpyxl's default 0.5 in under a 0.6 in bottom) prints the footer cut in half. The footer
    moves down (to 0.2 in from the edge at least) and, if that is not enough, the bottom margin
    grows."""
    bottom = margins.bottom if margins.bottom is not None else MARGIN_IN["bottom"]
    foot = margins.footer if margins.footer is not None else 0.3
    if bottom - foot < FOOTER_ROOM_IN:
        foot = max(0.2, min(foot, bottom - FOOTER_ROOM_IN))
        margins.footer = round(foot, 3)
        margins.bottom = round(max(bottom, foot + FOOTER_ROOM_IN), 3)


# --- the parts of an administrative form (XlsxWriter) --------------------------------------------

@dataclass(frozen=True)
class Letterhead:
    """Who issues the sheet: the governing body (cơ quan chủ quản) above the unit, and the place
    written before the date. Unknown parts print as dotted blanks to be filled by hand."""

    unit: str = ""
    governing_body: str = ""
    place: str = ""


class Forms:
    """XlsxWriter formats of the administrative parts (formats belong to one workbook)."""

    def __init__(self, wb, size: int = 12):
        base = {"font_name": FONT, "font_size": size, "valign": "vcenter", "text_wrap": True}
        add = lambda **kw: wb.add_format({**base, **kw})  # noqa: E731
        self.body_left = add(align="center")
        self.unit_left = add(align="center", bold=True)
        self.nation = add(align="center", bold=True)
        self.motto = add(align="center", bold=True, underline=True)
        self.title = add(align="center", bold=True, font_size=size + 2)
        self.subtitle = add(align="center", italic=True)
        self.date = add(align="center", italic=True)
        self.sign = add(align="center", bold=True)
        self.sign_note = add(align="center", italic=True)
        self.left = add(align="left")
        self.none = add(align="left", italic=True)


def not_written(ws, row: int, col: int):
    """Raise: XlsxWriter refused a cell (-1). In ``constant_memory`` mode that is a cell above
    the last row written, which it would otherwise drop in silence; else a cell beyond the
    sheet's last row or column. Either is a bug of the writer, never to be passed over."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    raise RuntimeError(f"{ws.name}!{xl_rowcol_to_cell(row, col)}: cell not written "
                       "(written after a later row in constant_memory mode, or beyond the sheet)")


def merge(ws, r: int, c1: int, c2: int, text: str, fmt) -> None:
    """Text over columns ``c1..c2`` (XlsxWriter refuses to merge a single cell)."""
    if c2 > c1 and ws.merge_range(r, c1, r, c2, "", fmt) == -1:
        not_written(ws, r, c1)
    if ws.write_string(r, c1, text, fmt) == -1:
        not_written(ws, r, c1)


def split_columns(last_col: int, widths: Sequence[float]) -> int:
    """The first column of the right-hand block (national heading, head's signature): the right
    block takes the last ~60 % of the printed width, and at least one column."""
    total = sum(widths[: last_col + 1]) or 1
    run = 0.0
    for c in range(last_col + 1):
        if run >= total * 0.4:
            return max(1, min(c, last_col))
        run += widths[c]
    return max(1, last_col)


def letterhead(ws, forms: Forms, head: Letterhead, last_col: int, widths: Sequence[float],
               lang: str = "vi", row: int = 0, doc_number: str | None = None) -> int:
    """Governing body and unit on the left, the national heading on the right; returns the next
    free row. ``doc_number`` adds a "Số: …" line under the unit (notices)."""
    split = split_columns(last_col, widths)
    left_end = split - 1
    gov = (head.governing_body or "").upper()
    unit = (head.unit or _t(lang, "TÊN ĐƠN VỊ", "UNIT")).upper()
    nation = _t(lang, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")
    motto = _t(lang, "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")
    left_width, right_width = sum(widths[:split]), sum(widths[split: last_col + 1])
    # each row as tall as the longer side: a narrow right block wraps the national heading too;
    # row by row, in order (a sheet in constant_memory mode drops what is written behind it)
    for r, left, right, left_text, left_fmt, right_fmt in (
            (row, gov, nation, gov or "……………………", forms.body_left, forms.nation),
            (row + 1, unit, motto, unit, forms.unit_left, forms.motto)):
        ws.set_row(r, row_height([(left, left_width), (right, right_width)]))
        merge(ws, r, 0, left_end, left_text, left_fmt)
        merge(ws, r, split, last_col, right, right_fmt)
    r = row + 2
    if doc_number is not None:
        merge(ws, r, 0, left_end, doc_number, forms.body_left)
        r += 1
    return r


def title(ws, forms: Forms, row: int, last_col: int, text: str, subtitle: str | None = None,
          widths: Sequence[float] | None = None) -> int:
    merge(ws, row, 0, last_col, text, forms.title)
    r = row + 1
    if subtitle:
        merge(ws, r, 0, last_col, subtitle, forms.subtitle)
        if widths:
            ws.set_row(r, row_height([(subtitle, sum(widths[: last_col + 1]))]))
        r += 1
    return r


def date_line(head: Letterhead, lang: str = "vi") -> str:
    place = head.place or "……"
    return _t(lang, f"{place}, ngày …… tháng …… năm ……", f"{place}, date ……………")


def signatures(ws, forms: Forms, row: int, last_col: int, widths: Sequence[float], head: Letterhead,
               lang: str = "vi", preparer: bool = True, recipients: bool = False) -> int:
    """Place and date line, then "Người lập biểu" (left) and "Thủ trưởng đơn vị" (right) with
    room to sign; returns the row after the block. Written row by row, left then right: a sheet
    in XlsxWriter's ``constant_memory`` mode drops in silence any cell written above its last
    row."""
    split = split_columns(last_col, widths)
    merge(ws, row, split, last_col, date_line(head, lang), forms.date)
    r = row + 1
    right_head = _t(lang, "THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF THE UNIT")
    right_note = _t(lang, "(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)")
    left: tuple[tuple[str, Any], tuple[str, Any]] | None = None
    if recipients:
        left = ((_t(lang, "Nơi nhận:", "To:"), forms.left),
                (_t(lang, "- Như trên;\n- Lưu: VT.", "- As above;\n- Archive."), forms.left))
        ws.set_row(r + 1, 34)
    elif preparer:
        left = ((_t(lang, "NGƯỜI LẬP BIỂU", "PREPARED BY"), forms.sign),
                (_t(lang, "(Ký, ghi rõ họ tên)", "(Signature, full name)"), forms.sign_note))
    for i, (text, fmt) in enumerate(((right_head, forms.sign), (right_note, forms.sign_note))):
        if left is not None:
            merge(ws, r + i, 0, split - 1, *left[i])
        merge(ws, r + i, split, last_col, text, fmt)
    return r + 6


def span_width(widths: Sequence[float], first: int, last: int) -> float:
    """The width in characters of merged columns ``first..last``."""
    return sum(widths[first: last + 1]) + 0.7 * (last - first)


def none_line(ws, forms: Forms, row: int, last_col: int, lang: str = "vi", what: str | None = None) -> int:
    """An empty list prints one line."""
    text = _t(lang, *NONE_TEXT) if not what else what
    merge(ws, row, 0, last_col, text, forms.none)
    return row + 1


def roman(n: int) -> str:
    """1 → I, 4 → IV … (section numbers of a grouped list)."""
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


@lru_cache(maxsize=8192)          # a long list repeats its words (folders of paths, names)
def _text_width(word: str) -> float:
    """A word's width in average characters: capitals and wide letters count more."""
    return sum(1.4 if ch.isupper() or ch in "mwMW" else 1.0 for ch in word)


# Where a renderer may break a line inside a word. LibreOffice (measured on the example's notes
# and file columns) breaks after a hyphen followed by a letter ("HB017-cao-van-thang", not
# "2026-10" in a path), and in a word longer than the line after a slash or any hyphen
# ("nd233-|2026+nd90-|48" in a narrow column); which of the two it
# takes depends on the column, so a row is sized for the larger of the two counts: a row a little
# too tall wastes a line, one too short prints its text cut.
_HYPHEN_BREAK = re.compile(r"(?<=-)(?=[^\d\s-])")
_SLASH_OR_HYPHEN_BREAK = re.compile(r"(?<=/)(?=[^\d\s/])|(?<=-)(?=[^\s-])")


def _pieces(word: str, per_line: float, breaks: re.Pattern = _HYPHEN_BREAK) -> list[str]:
    """The parts of ``word`` between its break opportunities; a word that fits on a line is one
    piece when its breaks are slashes (a renderer breaks there only when it must)."""
    if breaks is _SLASH_OR_HYPHEN_BREAK and _text_width(word) <= per_line:
        return [p for p in _HYPHEN_BREAK.split(word) if p] or [word]
    return [p for p in breaks.split(word) if p] or [word]


def _count_lines(text: Any, per_line: float, breaks: re.Pattern) -> int:
    n = 0
    for para in str(text).split("\n"):
        run, count = 0.0, 1
        for word in para.split():
            for i, piece in enumerate(_pieces(word, per_line, breaks)):
                w = _text_width(piece)
                need = w + (1 if run and i == 0 else 0)
                if run and run + need > per_line:
                    count += 1
                    run, need = 0.0, w
                while need > per_line:      # a piece longer than the line
                    count += 1
                    need -= per_line
                run += need
        n += count
    return max(1, n)


_PER_LINE: dict[float, float] = {}


def _per_line(width_chars: float) -> float:
    """Average characters a line of a column ``width_chars`` wide holds (see :func:`lines_of`)."""
    per_line = _PER_LINE.get(width_chars)
    if per_line is None:
        per_line = _PER_LINE[width_chars] = max(3.0, (column_points(width_chars) - 4) / 5.8)
    return per_line


def lines_of(text: Any, width_chars: float) -> int:
    """How many lines ``text`` wraps to in a column ``width_chars`` wide (12-pt Times New Roman
    averages about 5.8 pt a lower-case character; a column is :func:`column_points` wide; words
    break after hyphens, file paths also after slashes, and a piece longer than a line where it
    must)."""
    s = text if isinstance(text, str) else str(text)
    per_line = _per_line(width_chars)
    # One line when the whole text fits: a line's words and the single spaces counted between
    # them never weigh more than the text itself (each character ≤ 1.4, runs of spaces count
    # once), so the count below would give 1 too. Most cells of a long list are short (names,
    # positions, grades): they are answered here, without splitting into words. The text's
    # weight is taken in one pass (capitals, m, w); it may differ from the word by word sums in
    # the last bits of a float, so a text at a hair's breadth from the line is counted in full.
    if "\n" not in s:
        n = len(s)
        if n * 1.4 <= per_line:
            return 1
        if n + 0.4 * (sum(map(str.isupper, s)) + s.count("m") + s.count("w")) <= per_line - 1e-9:
            return 1
    return _lines_cached(s, per_line)


@lru_cache(maxsize=4096)
def _lines_cached(s: str, per_line: float) -> int:
    """:func:`lines_of` of a text that may wrap; a list repeats its units, positions, notes."""
    return max(_count_lines(s, per_line, _HYPHEN_BREAK), _count_lines(s, per_line, _SLASH_OR_HYPHEN_BREAK))


def row_height(cells: Iterable[tuple[Any, float]], line_pt: float = 15.0) -> float:
    """The height of a row whose wrapped cells are ``(text, column width)``: LibreOffice does not
    grow rows of an .xlsx by itself, so every writer sets the height of wrapped rows."""
    lines = max((lines_of(t, w) for t, w in cells if t not in (None, "")), default=1)
    return line_pt * lines + 2


def text_rows(values: Iterable[Any], width_chars: float, line_height: float = 16.0) -> float:
    """A row height that shows the longest wrapped text of ``values`` in a column ``width_chars``."""
    return row_height(((v, width_chars) for v in values), line_height)
