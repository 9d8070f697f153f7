"""``validate --annotate DIR``: a copy of each file with findings, its bad cells filled red
(error) or amber (warning) with a comment naming the problem, and a sheet "Lỗi" listing every
finding with a link to its cell.

Inputs are never modified: the bytes are read, the copy is written under DIR through
``safe_write`` (no overwrite without ``force``). The person's form stays the first and active
tab; «Lỗi» comes last and prints one A4 page wide; every sheet prints on A4, one page wide and
never squeezed onto one page tall (``danhgia.write.paper``); the tool's hidden marker never prints.

.xlsx/.xlsm are annotated with openpyxl. .xls/.ods (which openpyxl cannot write) become an .xlsx
rebuilt from the calamine grid that keeps what can be read of the original: merged cells, column
widths, hidden columns, row heights, each cell's font, alignment, wrapping, borders and fill (.xls
through xlrd, .ods from its content.xml), dates as dates; values whose font cannot be read are in
Times New Roman 12, the form font the row heights are measured for. Bounded: a workbook whose sheets hold more cell records or merged area than
``MAX_OPENPYXL_CELLS`` is not handed to openpyxl (which builds an object per styled or merged
cell) but rebuilt from its values; a workbook with more values than ``MAX_COPY_CELLS`` is not
copied at all, with a message.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Iterable

from danhgia.findings import Finding
from danhgia.form import MARKER_PREFIX
from danhgia.mark import Mark, period_text
from danhgia.write import stamp
from danhgia.messages import Say, code_name
from danhgia.text import nfc
from danhgia.write import paper
from danhgia.write.safe import OutputExists, atomic_path

SHEET_NAME = "Lỗi"
RED = "FFC7CE"
AMBER = "FFEB9C"
_SEVERITY = {"error": ("Lỗi", "Error"), "warning": ("Cảnh báo", "Warning"), "info": ("Ghi chú", "Note")}
_HEADERS = (("Trang tính", "Sheet"), ("Ô", "Cell"), ("Tiêu chí", "Criterion"), ("Loại lỗi", "Finding"),
            ("Mức", "Severity"), ("Nội dung", "Message"), ("Họ và tên", "Name"), ("Mã số", "Staff id"))
# «Lỗi» one A4 landscape page wide at about 9 pt (paper.fit): narrow columns, wrapped text
_WIDTHS = (12, 6, 8, 16, 8, 50, 16, 9)

MAX_OPENPYXL_CELLS = 300_000   # cell records + merged area beyond which openpyxl is not used
MAX_COPY_CELLS = 200_000       # values beyond which no copy is made (a form holds a few hundred)
MAX_MERGED_AREA = 1_000_000    # a merged range larger than this is not re-created in a rebuilt copy


class TooLarge(Exception):
    """The workbook is too large to copy within the bounds."""


@dataclass
class AnnotateResult:
    written: list[Path] = field(default_factory=list)
    exists: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


# --- where copies go -----------------------------------------------------------------------------

_ABSOLUTE = re.compile(r"^([A-Za-z]:)?[\\/]")


def output_path(out_dir: Path, display: str, suffix: str | None = None) -> Path:
    """``DIR/<the input's path as shown, made relative>``; no part can climb out of DIR, and an
    absolute input path is never rebuilt under DIR (only its name is kept, or from its archive)."""
    text = display.replace("\\", "/")
    parts = [p for p in PurePosixPath(text).parts if p not in ("/", "..", ".", "")]
    parts = [p for p in parts if not p.endswith(":")] or ["tep"]
    if _ABSOLUTE.match(display):
        archive = max((i for i, p in enumerate(parts) if p.lower().endswith(".zip")), default=None)
        parts = parts[archive:] if archive is not None else parts[-1:]
    target = out_dir.joinpath(*parts)
    return target.with_suffix(suffix) if suffix else target


class _Names:
    """Copy names unique within a run (case-blind): a second ``a.xlsx`` becomes ``a (2).xlsx``."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, target: Path) -> Path:
        candidate, n = target, 2
        while str(candidate).casefold() in self.used:
            candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
            n += 1
        self.used.add(str(candidate).casefold())
        return candidate


def _source_bytes(fo, max_bytes: int) -> bytes:
    if fo.member is None:
        return Path(fo.path).read_bytes()
    with zipfile.ZipFile(fo.path) as zf, zf.open(fo.member) as src:
        data = src.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError("member too large")
    return data


# --- the size of an .xlsx, before openpyxl sees it -----------------------------------------------

_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _weigh(buf: bytes, end: int) -> int:
    """Cell records and merged area of the matches starting before ``end`` in ``buf``."""
    total = sum(1 for m in _CELL.finditer(buf) if m.start() < end)
    for m in _MERGE.finditer(buf):
        if m.start() < end:
            rows = abs(int(m.group(4)) - int(m.group(2))) + 1
            cols = abs(_col_number(m.group(3)) - _col_number(m.group(1))) + 1
            total += rows * cols
    return total


def xlsx_weight(data: bytes, limit: int = MAX_OPENPYXL_CELLS) -> int:
    """Cell records plus merged area of every worksheet, counted by streaming the XML (stops as
    soon as ``limit`` is passed): what openpyxl would build objects for."""
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            pending = b""
            with zf.open(info) as part:
                while True:
                    chunk = part.read(1 << 20)
                    if not chunk:
                        break
                    buf = pending + chunk
                    cut = max(0, len(buf) - 512)      # a tag is never longer: the rest waits
                    total += _weigh(buf, cut)
                    pending = buf[cut:]
                    if total > limit:
                        return total
            total += _weigh(pending, len(pending))
            if total > limit:
                return total
    return total


# --- a copy rebuilt from the values (for .xls/.ods, and .xlsx too heavy for openpyxl) -------------

@dataclass
class _Look:
    """What can be read of a sheet's look besides its values."""

    widths: dict[int, float] = field(default_factory=dict)       # column (0-based) → characters
    hidden: set[int] = field(default_factory=set)                # hidden columns
    heights: dict[int, float] = field(default_factory=dict)      # row (0-based) → points
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)   # r1, c1, r2, c2 (0-based, inclusive)
    styles: dict[tuple[int, int], "_Style"] = field(default_factory=dict)   # (row, column) → its look


@dataclass(frozen=True)
class _Style:
    """What a copy keeps of a cell's look: font, alignment, wrapping, borders and fill."""

    font: str | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    borders: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None)  # left right top bottom
    fill: str | None = None          # RRGGBB

    @property
    def plain(self) -> bool:
        return not any(self.borders) and self.fill is None


# xlrd's codes (BIFF) → openpyxl's names
_XLS_HORIZONTAL = {1: "left", 2: "center", 3: "right", 4: "fill", 5: "justify", 6: "centerContinuous", 7: "distributed"}
_XLS_VERTICAL = {0: "top", 1: "center", 2: "bottom", 3: "justify", 4: "distributed"}
_XLS_BORDER = {1: "thin", 2: "medium", 3: "dashed", 4: "dotted", 5: "thick", 6: "double", 7: "hair", 8: "mediumDashed",
               9: "dashDot", 10: "mediumDashDot", 11: "dashDotDot", 12: "mediumDashDotDot", 13: "slantDashDot"}


def _xls_style(book, xf_index: int) -> _Style:
    xf = book.xf_list[xf_index]
    font = book.font_list[xf.font_index] if xf.font_index < len(book.font_list) else None
    fill = None
    if xf.background.fill_pattern == 1:
        rgb = book.colour_map.get(xf.background.pattern_colour_index)
        if rgb:
            fill = "%02X%02X%02X" % tuple(rgb)
    b = xf.border
    borders = tuple(_XLS_BORDER.get(x) for x in (b.left_line_style, b.right_line_style, b.top_line_style,
                                                 b.bottom_line_style))
    a = xf.alignment
    return _Style(font=font.name if font else None, size=font.height / 20 if font and font.height else None,
                  bold=bool(font and (font.bold or font.weight >= 700)), italic=bool(font and font.italic),
                  underline=bool(font and font.underline_type), horizontal=_XLS_HORIZONTAL.get(a.hor_align),
                  vertical=_XLS_VERTICAL.get(a.vert_align), wrap=bool(a.text_wrapped), borders=borders, fill=fill)


def _xls_looks(data: bytes, limits) -> dict[str, _Look]:
    """Column widths, hidden columns, row heights and merged cells of an .xls (xlrd reads the
    BIFF records calamine does not expose)."""
    try:
        import xlrd
    except ImportError:   # the copy still has values, merged cells (calamine) and default widths
        return {}
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:
        return {}
    looks: dict[str, _Look] = {}
    try:
        for i, name in enumerate(book.sheet_names()[: limits.max_sheets]):
            sh = book.sheet_by_index(i)
            look = _Look()
            for c, info in sh.colinfo_map.items():
                if c < limits.max_columns:
                    look.widths[c] = info.width / 256
                    if info.hidden:
                        look.hidden.add(c)
            for r, info in sh.rowinfo_map.items():
                if r < limits.max_rows and not info.has_default_height:
                    look.heights[r] = info.height / 20
            look.merged = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in sh.merged_cells]
            # each cell's font, alignment, borders and fill (bounded like the values)
            styles: dict[int, _Style] = {}
            budget = MAX_COPY_CELLS
            for r in range(min(sh.nrows, limits.max_rows)):
                for c in range(min(sh.row_len(r), limits.max_columns)):
                    budget -= 1
                    if budget < 0:
                        break
                    xf_index = sh.cell_xf_index(r, c)
                    if xf_index not in styles:
                        styles[xf_index] = _xls_style(book, xf_index)
                    style = styles[xf_index]
                    if sh.cell_type(r, c) in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) and style.plain:
                        continue
                    look.styles[(r, c)] = style
            looks[nfc(name)] = look
            book.unload_sheet(i)
    finally:
        book.release_resources()
    return looks


OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def _length_pt(text: str | None) -> float | None:
    m = re.match(r"^\s*([\d.]+)\s*(cm|mm|in|pt|pc)\s*$", text or "")
    if not m:
        return None
    v = float(m.group(1))
    return v * {"cm": 28.3465, "mm": 2.83465, "in": 72.0, "pt": 1.0, "pc": 12.0}[m.group(2)]


_ODS_HORIZONTAL = {"start": "left", "left": "left", "center": "center", "end": "right", "right": "right",
                   "justify": "justify"}
_ODS_VERTICAL = {"top": "top", "middle": "center", "bottom": "bottom"}


def _ods_border(text: str | None) -> str | None:
    """"0.74pt dotted #000000" → openpyxl's border style."""
    if not text or text == "none":
        return None
    parts = text.split()
    kind = next((p for p in parts if p in ("solid", "dotted", "dashed", "double")), "solid")
    width = _length_pt(next((p for p in parts if p[:1].isdigit()), None)) or 0.75
    if kind == "double":
        return "double"
    if kind in ("dotted", "dashed"):
        return kind if width <= 1.0 else "mediumDashed"
    return "thin" if width <= 1.0 else "medium" if width <= 2.0 else "thick"


class _OdsStyle:
    """A table-cell style being read from content.xml (its three property elements)."""

    def __init__(self) -> None:
        self.props: dict[str, str] = {}

    def style(self) -> _Style:
        g = self.props.get
        size = _length_pt(g("font-size"))
        bg = g("background-color")
        all_sides = g("border")
        borders = tuple(_ods_border(g(f"border-{side}") or all_sides) for side in ("left", "right", "top", "bottom"))
        underline = g("text-underline-style")
        return _Style(font=g("font-name"), size=size, bold=g("font-weight") in ("bold", "600", "700", "800", "900"),
                      italic=g("font-style") == "italic", underline=bool(underline and underline != "none"),
                      horizontal=_ODS_HORIZONTAL.get(g("text-align") or ""),
                      vertical=_ODS_VERTICAL.get(g("vertical-align") or ""), wrap=g("wrap-option") == "wrap",
                      borders=borders, fill=bg[1:].upper() if bg and bg.startswith("#") and len(bg) == 7 else None)


def _ods_looks(data: bytes, limits) -> dict[str, _Look]:
    """Column widths, hidden columns, row heights and merged cells from an .ods content.xml,
    read as a stream (repeats are counted, never expanded beyond the limits)."""
    from defusedxml.ElementTree import iterparse

    t, s, fo = (f"{{{_ODS_NS[k]}}}" for k in ("table", "style", "fo"))
    col_w: dict[str, float] = {}
    row_h: dict[str, float] = {}
    cell_styles: dict[str, _OdsStyle] = {}
    made: dict[str, _Style] = {}
    col_style: dict[int, str] = {}          # a column's default cell style
    looks: dict[str, _Look] = {}
    budget = MAX_COPY_CELLS

    def style_of(name: str | None) -> _Style | None:
        if not name or name not in cell_styles:
            return None
        if name not in made:
            made[name] = cell_styles[name].style()
        return made[name]

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        part = zf.open("content.xml")
    except Exception:
        return {}
    look: _Look | None = None
    col = row = 0
    style_name = family = None
    with zf, part:
        try:
            for event, el in iterparse(part, events=("start", "end")):
                tag = el.tag
                if event == "start":
                    if tag == f"{s}style":
                        style_name, family = el.get(f"{s}name"), el.get(f"{s}family")
                        if family == "table-cell" and style_name:
                            cell_styles[style_name] = _OdsStyle()
                    elif family == "table-cell" and style_name and tag in (
                            f"{s}table-cell-properties", f"{s}paragraph-properties", f"{s}text-properties"):
                        props = cell_styles[style_name].props
                        for key, value in el.attrib.items():
                            props.setdefault(key.rsplit("}", 1)[-1], value)
                    elif tag == f"{s}table-column-properties" and style_name:
                        pt = _length_pt(el.get(f"{s}column-width"))
                        if pt:
                            col_w[style_name] = pt
                    elif tag == f"{s}table-row-properties" and style_name:
                        pt = _length_pt(el.get(f"{s}row-height"))
                        if pt and el.get(f"{s}use-optimal-row-height") != "true":
                            row_h[style_name] = pt
                    elif tag == f"{t}table":
                        look = _Look()
                        looks[nfc(el.get(f"{t}name") or "")] = look
                        col = row = 0
                        col_style = {}
                    elif look is not None and tag == f"{t}table-column":
                        n = min(int(el.get(f"{t}number-columns-repeated") or 1), limits.max_columns)
                        w = col_w.get(el.get(f"{t}style-name") or "")
                        hidden = el.get(f"{t}visibility") in ("collapse", "filter")
                        default = el.get(f"{t}default-cell-style-name")
                        for c in range(col, min(col + n, limits.max_columns)):
                            if w:
                                look.widths[c] = max(1.0, (w - 5) / 7)      # paper.column_points inverted
                            if hidden:
                                look.hidden.add(c)
                            if default and default in cell_styles:
                                col_style[c] = default
                        col += n
                    elif look is not None and tag == f"{t}table-row":
                        h = row_h.get(el.get(f"{t}style-name") or "")
                        if h and row < limits.max_rows:
                            look.heights[row] = h
                        col = 0
                    elif look is not None and tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                        rs = int(el.get(f"{t}number-rows-spanned") or 1)
                        cs = int(el.get(f"{t}number-columns-spanned") or 1)
                        if (rs > 1 or cs > 1) and row < limits.max_rows and col < limits.max_columns:
                            look.merged.append((row, col, row + rs - 1, col + cs - 1))
                        if row < limits.max_rows and col < limits.max_columns and budget > 0:
                            st = style_of(el.get(f"{t}style-name") or col_style.get(col))
                            if st is not None and (not st.plain or el.get(f"{OFFICE}value-type")):
                                reps = min(int(el.get(f"{t}number-columns-repeated") or 1), 256, budget)
                                for k in range(col, min(col + reps, limits.max_columns)):
                                    look.styles[(row, k)] = st
                                budget -= reps
                else:
                    if tag == f"{s}style":
                        style_name = family = None
                    elif look is not None and tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                        col += min(int(el.get(f"{t}number-columns-repeated") or 1), limits.max_columns + 1)
                        el.clear()
                    elif look is not None and tag == f"{t}table-row":
                        row += int(el.get(f"{t}number-rows-repeated") or 1)
                        el.clear()
                    elif tag == f"{t}table":
                        look = None
                        el.clear()
        except Exception:
            pass   # a look we cannot read leaves the values and default widths
    return looks


class _Painter:
    """openpyxl's style objects for each :class:`_Style`, made once (a form has a few dozen)."""

    def __init__(self) -> None:
        from openpyxl.styles import Font

        self.cache: dict[_Style, tuple] = {}
        # the values' font where the original's cannot be read (.ods, calamine): the form font of
        # Vietnamese administrative documents (NĐ 30/2020), which row heights are measured for
        self.default_font = Font(name=paper.FONT, size=12)

    def paint(self, cell, style: _Style | None) -> None:
        if style is None:
            cell.font = self.default_font
            return
        if style not in self.cache:
            from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

            font = Font(name=style.font or paper.FONT, size=style.size or 12, bold=style.bold, italic=style.italic,
                        underline="single" if style.underline else None)
            align = Alignment(horizontal=style.horizontal, vertical=style.vertical, wrap_text=style.wrap or None)
            border = Border(*(Side(style=b) if b else Side() for b in style.borders)) if any(style.borders) else None
            fill = PatternFill("solid", start_color=style.fill, end_color=style.fill) if style.fill else None
            self.cache[style] = (font, align, border, fill)
        font, align, border, fill = self.cache[style]
        cell.font, cell.alignment = font, align
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill


def _grid_workbook(data: bytes, limits, ext: str = ""):
    """An openpyxl workbook holding the values of every sheet (via calamine) and what can be read
    of the original's look (merged cells, widths, hidden columns, row heights)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from python_calamine import CalamineWorkbook

    wrap = Alignment(wrap_text=True, vertical="top")
    painter = _Painter()

    looks = _xls_looks(data, limits) if ext == ".xls" else _ods_looks(data, limits) if ext == ".ods" else {}
    src = CalamineWorkbook.from_filelike(io.BytesIO(data))
    wb = Workbook()
    wb.remove(wb.active)
    budget = MAX_COPY_CELLS
    for name in src.sheet_names[: limits.max_sheets]:
        ws = wb.create_sheet(_sheet_title(name, wb.sheetnames))
        sheet = src.get_sheet_by_name(name)
        look = looks.get(nfc(name), _Look())
        merged = list(look.merged)
        if not merged:
            for (r1, c1), (r2, c2) in (getattr(sheet, "merged_cell_ranges", None) or []):
                merged.append((r1, c1, r2, c2))
        widths: dict[int, int] = {}
        marker_cols: set[int] = set()
        texts: list[tuple[int, int, str]] = []
        last_row = last_col = 0
        for r, row in enumerate(sheet.iter_rows()):
            if r >= limits.max_rows:
                break
            for c, value in enumerate(row[: limits.max_columns]):
                if value is None or value == "":
                    continue
                budget -= 1
                if budget < 0:
                    raise TooLarge()
                cell = ws.cell(row=r + 1, column=c + 1)
                _put(cell, value)
                painter.paint(cell, look.styles.get((r, c)))
                if isinstance(value, str):
                    if value.startswith(MARKER_PREFIX):
                        marker_cols.add(c)
                    else:
                        texts.append((r, c, value))
                        last_row, last_col = max(last_row, r), max(last_col, c)
                else:
                    last_row, last_col = max(last_row, r), max(last_col, c)
                widths[c] = max(widths.get(c, 0), _shown_length(value))
        for (r, c), style in look.styles.items():     # empty cells of the form: borders, fills
            if r < limits.max_rows and c < limits.max_columns and ws.cell(row=r + 1, column=c + 1).value is None:
                painter.paint(ws.cell(row=r + 1, column=c + 1), style)
        for r1, c1, r2, c2 in merged:
            if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_MERGED_AREA or r1 >= limits.max_rows or c1 >= limits.max_columns:
                continue
            if (r1, c1) == (r2, c2):
                continue
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c in sorted(set(widths) | set(look.widths) | look.hidden | marker_cols):
            dim = ws.column_dimensions[get_column_letter(c + 1)]
            if c in look.widths:
                dim.width = look.widths[c]
            elif c in widths:      # no width in the file: wide enough for what the column shows
                dim.width = min(60, max(8.43, widths[c] * 1.1 + 1))
            if c in look.hidden or c in marker_cols:
                dim.hidden = True   # the tool's marker never prints
        for r, h in look.heights.items():
            ws.row_dimensions[r + 1].height = h
        # text longer than its cell (or merged span) wraps instead of running off the page
        span = {(r1, c1): c2 for r1, c1, r2, c2 in merged if (r2 - r1 + 1) * (c2 - c1 + 1) <= MAX_MERGED_AREA}
        col_w = lambda c: look.widths.get(c) or ws.column_dimensions[get_column_letter(c + 1)].width or 8.43  # noqa: E731
        grow: dict[int, float] = {}
        for r, c, text in texts:
            room = sum(col_w(k) for k in range(c, span.get((r, c), c) + 1))
            style = look.styles.get((r, c))
            scale = (style.size or 12) / 12 if style else 1.0      # heights are measured at 12 pt
            if len(text) * scale > room * 1.1 or "\n" in text or (style and style.wrap):
                cell = ws.cell(row=r + 1, column=c + 1)
                if not (style and style.wrap):
                    cell.alignment = wrap if style is None else Alignment(
                        horizontal=style.horizontal, vertical=style.vertical or "top", wrap_text=True)
                grow[r] = max(grow.get(r, 0), paper.row_height([(text, room / scale)]) * scale)
        for r, h in grow.items():
            # the original's height when it holds the wrapped lines, else as tall as they need
            if h > look.heights.get(r, 0):
                ws.row_dimensions[r + 1].height = h
        if texts or widths:
            ws.print_area = f"A1:{get_column_letter(last_col + 1)}{last_row + 1}"
    return wb


def _shown_length(value) -> int:
    if isinstance(value, (datetime, date)):
        return 10
    return min(60, max((len(x) for x in str(value).split("\n")), default=0))


def _sheet_title(name: str, existing: Iterable[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    title, n = base, 2
    while title in existing:
        title = f"{base[:27]} ({n})"
        n += 1
    return title


def _put(cell, value) -> None:
    """Write a value; text always as text (a name beginning with = never becomes a formula);
    dates as dates, shown day/month/year."""
    if isinstance(value, str):
        cell.value = nfc(value)
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = "dd/mm/yyyy" if value.time() == time(0) else "dd/mm/yyyy hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        cell.value = value


def _anchor(ws, ref: str):
    """The cell to mark: the top-left cell of a merged range holding ``ref``."""
    for rng in ws.merged_cells.ranges:
        if ref in rng:
            return ws.cell(row=rng.min_row, column=rng.min_col)
    return ws[ref]


# --- marking -------------------------------------------------------------------------------------

def annotate_workbook(wb, findings: list[Finding], lang: str = "vi") -> None:
    """Mark the cells of ``findings`` on ``wb``, add the sheet "Lỗi" last, keep the person's form
    the active tab and set every sheet to print on A4 one page wide."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    en = lang == "en"
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, ref), fs in by_cell.items():
        ws = wb[sheet]
        try:
            cell = _anchor(ws, ref)
        except (ValueError, KeyError, AttributeError):
            continue
        color = RED if any(f.severity == "error" for f in fs) else AMBER
        cell.fill = PatternFill("solid", start_color=color, end_color=color)
        text = "\n".join(f"[{code_name(f.code, lang)}] {f.message(lang)}" for f in fs)
        comment = Comment(text[:30000], "danhgia")
        comment.width, comment.height = 320, min(60 + 40 * len(fs), 400)
        cell.comment = comment

    forms = list(wb.worksheets)
    for ws in forms:
        paper.setup_openpyxl(ws, lang)
    title = _sheet_title(SHEET_NAME, wb.sheetnames)
    ws = wb.create_sheet(title)                         # last: the form stays first
    font = Font(name=paper.FONT, size=12)
    bold = Font(name=paper.FONT, size=12, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, (vi, en_h) in enumerate(_HEADERS, start=1):
        cell = ws.cell(row=1, column=c)
        _put(cell, en_h if en else vi)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, horizontal="center", vertical="center")
    link_font = Font(name=paper.FONT, size=12, color="0563C1", underline="single")
    for r, f in enumerate(findings, start=2):
        vi_sev, en_sev = _SEVERITY.get(f.severity, (f.severity, f.severity))
        values = (f.sheet or "", f.cell or "", f.criterion or "", code_name(f.code, lang), en_sev if en else vi_sev,
                  f.message(lang), f.person or "", f.person_id or "")
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            _put(cell, v)
            cell.font, cell.alignment = font, wrap
        ws.row_dimensions[r].height = paper.row_height(zip(values, _WIDTHS))
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            link = ws.cell(row=r, column=2)
            quoted = f.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{f.cell}")
            link.font = link_font
        fill = RED if f.severity == "error" else AMBER if f.severity == "warning" else None
        if fill:
            ws.cell(row=r, column=4).fill = PatternFill("solid", start_color=fill, end_color=fill)
    for c, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    paper.setup_openpyxl(ws, lang, landscape=True, repeat_rows="1:1", keep_existing=False)

    # the person's form (the first sheet with a marked cell) is the active tab
    marked = {s for s, _ref in by_cell}
    first = next((i for i, s in enumerate(wb.worksheets) if s.title in marked), 0)
    wb.active = first
    for i, s in enumerate(wb.worksheets):
        s.sheet_view.tabSelected = i == first


def _unit_of(fo) -> str:
    units = sorted({nfc(s.unit) for s in fo.sheets if s.unit})
    return units[0] if len(units) == 1 else ""


def _period_of(fo) -> str:
    periods = sorted({tuple(s.period) for s in fo.sheets if s.period})
    return period_text(periods[0]) if len(periods) == 1 else ""


def annotate_run(result, findings: list[Finding], out_dir: str | Path, force: bool = False,
                 lang: str = "vi", limits=None) -> AnnotateResult:
    """Write an annotated copy of every input file that has findings (those given, filtered)."""
    from openpyxl import load_workbook

    from danhgia.config import Limits

    limits = limits or Limits()
    out_dir = Path(out_dir)
    done = AnnotateResult()
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        if f.file:
            by_file.setdefault(f.file, []).append(f)
    names = _Names()
    for fo in result.files:
        fs = by_file.get(fo.file)
        if not fs or not fo.sheets:
            continue   # nothing to mark, or a file that could not be read at all
        name = fo.member or fo.path
        ext = Path(name).suffix.lower()
        try:
            data = _source_bytes(fo, limits.max_file_bytes)
            if ext in (".xlsx", ".xlsm") and xlsx_weight(data) <= MAX_OPENPYXL_CELLS:
                wb = load_workbook(io.BytesIO(data), keep_vba=ext == ".xlsm", keep_links=False)
                target = output_path(out_dir, fo.file)
                if ext == ".xlsm" and not target.suffix.lower() == ".xlsm":
                    target = target.with_suffix(".xlsm")
            else:
                wb = _grid_workbook(data, limits, ext)
                target = output_path(out_dir, fo.file, ".xlsx")
            target = names.take(target)
            if fo.member is None and target.resolve() == Path(fo.path).resolve():
                done.failed.append((fo.file, Say("bản sao sẽ ghi đè tệp gốc", "the copy would replace the input")))
                continue
            annotate_workbook(wb, fs, lang)
            stamp.on_openpyxl(wb, Mark("annotated", unit=_unit_of(fo), period=_period_of(fo)))
            with atomic_path(target, force=force) as tmp:
                wb.save(tmp)
            done.written.append(target)
        except OutputExists as exc:
            done.exists.append(exc.path)
        except TooLarge:
            done.failed.append((fo.file, f"quá lớn để chép (hơn {MAX_COPY_CELLS:,} ô có giá trị) / too large to copy "
                                         f"(more than {MAX_COPY_CELLS:,} cells with values)"))
        except Exception as exc:  # one file that cannot be annotated never stops the others
            done.failed.append((fo.file, f"{type(exc).__name__}: {exc}"))
    return done
