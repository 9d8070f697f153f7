"""Read back a consolidated monthly workbook written by ``danhgia tally`` (any format calamine reads).

The layout is pinned in :mod:`danhgia.layout`; this reader finds everything **by labels**, so a
workbook a head has hand-edited (a grade changed in the final-grade column, columns moved, a
title row added, re-saved by LibreOffice or WPS) still reads:

- sheet "Chi tiết": the header row is the first of the first :data:`HEADER_SCAN` rows whose cells
  (compared with :func:`danhgia.text.fold`, Vietnamese or English labels of
  ``layout.DETAIL_COLUMNS``) include ``Mã`` and at least one grade or total column; every later row
  with an id is one person;
- sheet "Nguồn": key/value rows (label in column A, value in column B) per ``layout.SOURCE_KEYS``;
  the month comes from the row "Tháng" (``2026-10``, ``10/2026`` or a date), else from a title row
  of "Chi tiết".

It never raises for a bad workbook: the problems are :class:`~danhgia.findings.Finding` objects
on the returned :class:`MonthlyWorkbook` (``file-unreadable``, ``not-a-tally``,
``monthly-header-missing``, ``monthly-month-unknown`` make it unusable, see ``usable``;
``invalid-grade``, ``monthly-bad-value``, ``missing-field`` are per cell and the rest is read).
Used by ``annual`` and by the roll-up of sub-units in ``tally``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from danhgia import layout
from danhgia.findings import Finding
from danhgia.model import MonthlyRow, MonthlyWorkbook, source_key
from danhgia.monthly import EXCEPTIONAL_LABEL, PersonMonth, TallyInput, _note
from danhgia.text import fold, id_text, nfc
from danhgia.text import (NOT_NUMBER, is_blank, parse_grade, parse_month_text, parse_number)
from danhgia.roster import GROUP_WORDS, VARIANT_WORDS
from danhgia.read.table import body_rows, col_letter
from danhgia.read.files import InputFileError, check_regular, sha256_of
from danhgia.read.mark import read_mark
from danhgia.mark import own_output_finding
from danhgia.messages import Say

HEADER_SCAN = 10
_DETAIL_NAMES = {fold(layout.DETAIL_SHEET), "detail", "details"}
_SOURCE_NAMES = {fold(layout.SOURCES_SHEET), "sources", "source"}
_GRADE_KEYS = ("self_grade", "decided_grade", "final_grade")
_NUMBER_KEYS = ("block_I", "block_II", "block_III", "self_total", "leader_total",
                *(k for k, _vi, _en, _l in layout.RATIO_COLUMNS))
_RATIO_LETTER = {k: letter for k, _vi, _en, letter in layout.RATIO_COLUMNS}
_LABEL_VI = {key: vi for key, vi, _en in layout.DETAIL_COLUMNS}
_LABEL_VI.update({key: vi for key, vi, _en, _l in layout.RATIO_COLUMNS})
_LABEL_VI[layout.MONTHS_COLUMN[0]] = layout.MONTHS_COLUMN[1]




def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    known = layout.header_keys()
    for r, row in enumerate(rows[:HEADER_SCAN]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            key = known.get(source_key(cell))
            if key and key not in found:
                found[key] = c
        if "id" in found and any(k in found for k in ("final_grade", "decided_grade", "leader_total")):
            return r, found
    return None


def _quarter_of(value: Any) -> tuple[int, int] | None:
    """``2026-Q4`` or «Quý IV/2026» → (2026, 4); None otherwise."""
    from danhgia.period import parse_quarter_option, parse_quarter_text

    if not isinstance(value, str):
        return None
    try:
        return parse_quarter_option(value)
    except ValueError:
        found = parse_quarter_text(value)
        return found if found is not None and found[0] is not None else None   # type: ignore[return-value]


def _months_in(raw: Any, quarter: tuple[int, int]) -> list[int] | None:
    """«10, 11, 12» → [10, 11, 12]: months of ``quarter``; blank → []; None when not such a list."""
    from danhgia.period import quarter_months

    if is_blank(raw):
        return []
    allowed = {m for _y, m in quarter_months(quarter)}
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        parts = [str(int(raw))] if float(raw).is_integer() else ["x"]
    else:
        parts = [x.strip() for x in str(raw).replace(";", ",").split(",") if x.strip()]
    if not parts or not all(x.isdigit() and int(x) in allowed for x in parts):
        return None
    return sorted({int(x) for x in parts})


def _parse_variant(raw: Any) -> str | None:
    if is_blank(raw):
        return None
    key = fold(raw)
    if key in VARIANT_WORDS:
        return VARIANT_WORDS[key]
    return id_text(raw)


def read(path: str | Path, display: str | None = None, limits: Any = None) -> MonthlyWorkbook:
    """Read one consolidated monthly workbook; never raises for a bad file (see the module doc)."""
    path = Path(path)
    shown = display or str(path)
    wb = MonthlyWorkbook(file=shown, path=str(path))
    try:
        try:    # a FIFO or a device is said to be one (and never opened)
            check_regular(path)
        except InputFileError as exc:
            wb.findings.append(Finding("file-unreadable", file=shown, params={"reason": exc.reason}))
            return wb
        from danhgia.config import Limits
        from danhgia.read.guard import preflight

        stop = preflight(path, shown, (limits or Limits()).for_tables())
        if stop is not None:
            wb.findings.append(stop)
            return wb
        wb.sha256 = sha256_of(path)
        mark = read_mark(path)
        if mark is not None and mark.kind != "tally":
            # the tool's annual workbook, an annotated copy, a template: never a month's results
            wb.findings.append(own_output_finding(shown, mark))
            return wb
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        detail = next((n for n in names if fold(n) in _DETAIL_NAMES), None)
        if detail is None:
            wb.findings.append(Finding("not-a-tally", file=shown, params={"field": layout.DETAIL_SHEET}))
            return wb
        wb.detail_sheet = detail
        rows = book.get_sheet_by_name(detail).to_python(skip_empty_area=False)
        source = next((n for n in names if fold(n) in _SOURCE_NAMES), None)
        src_rows = book.get_sheet_by_name(source).to_python(skip_empty_area=False) if source else []
    except Exception as exc:  # calamine raises several types for broken files
        wb.findings.append(Finding("file-unreadable", file=shown,
                                   params={"reason": f"{type(exc).__name__}: {exc}"[:300]}))
        return wb
    _read_sources(wb, src_rows)
    _read_detail(wb, rows)
    return wb


def _read_sources(wb: MonthlyWorkbook, rows: list[list[Any]]) -> None:
    by_label = {fold(label): key for key, label in layout.SOURCE_KEYS.items()}
    by_label.update({"month": "month", "unit": "unit", "framework": "framework",
                     fold(layout.PERIOD_LABEL): "month", "period": "month"})
    for row in rows:
        if len(row) < 2:
            continue
        if not is_blank(row[0]) and not is_blank(row[1]):
            wb.sources.setdefault(source_key(row[0]), row[1])
        key = by_label.get(source_key(row[0]))
        if key is None or is_blank(row[1]):
            continue
        value = row[1]
        if key == "month" and wb.month is None and wb.quarter is None:
            wb.month = parse_month_text(value)
            if wb.month is None:
                wb.quarter = _quarter_of(value)
        elif key == "unit" and not wb.unit:
            wb.unit = id_text(value)
        elif key == "framework" and wb.framework is None:
            wb.framework = id_text(value)
        elif key == "framework_version" and wb.framework_version is None:
            wb.framework_version = id_text(value)
        elif key == "tool_version" and wb.tool_version is None:
            wb.tool_version = id_text(value)


def _read_detail(wb: MonthlyWorkbook, rows: list[list[Any]]) -> None:
    sheet = wb.detail_sheet
    hdr = _find_header(rows)
    if hdr is None:
        wb.findings.append(Finding("monthly-header-missing", file=wb.file, sheet=sheet,
                                   params={"expected": f"«{_LABEL_VI['id']}», «{_LABEL_VI['final_grade']}»"}))
        return
    hrow, cols = hdr
    wb.header_row = hrow + 1
    wb.columns = {k: col_letter(c) for k, c in cols.items()}
    if wb.month is None and wb.quarter is None:  # no "Nguồn" sheet: the month in the title rows
        for row in rows[:hrow]:
            for cell in row:
                ym = parse_month_text(cell) if isinstance(cell, str) else None
                if ym:
                    wb.month = ym
                    break
                wb.quarter = _quarter_of(cell) if isinstance(cell, str) else None
                if wb.quarter:
                    break
            if wb.month or wb.quarter:
                break
    if wb.month is None and wb.quarter is None:
        wb.findings.append(Finding("monthly-month-unknown", file=wb.file, sheet=layout.SOURCES_SHEET))
    for t in body_rows(rows, hrow, cols):
        r, row, raw, cell = t.index, t.values, t.get, t.cell

        pid, name = id_text(raw("id")), id_text(raw("name"))
        if not pid:
            if name:
                wb.findings.append(Finding("missing-field", file=wb.file, sheet=sheet, cell=cell("id"),
                                           person=name, params={"field": _LABEL_VI["id"]}))
            continue
        mr = MonthlyRow(row=r + 1, id=pid, name=name, source_file=wb.file, source_sheet=sheet or "")
        mr.cells = {k: cell(k) for k in cols}
        who = name or pid

        def bad(key: str, value: Any, code: str = "monthly-bad-value") -> None:
            wb.findings.append(Finding(code, file=wb.file, sheet=sheet, cell=cell(key), person=who,
                                       person_id=pid, value=id_text(value),
                                       params={"field": _LABEL_VI[key], "person": who}))

        mr.unit = id_text(raw("unit")) or wb.unit
        mr.position = id_text(raw("position"))
        mr.notes = id_text(raw("notes"))
        tg = id_text(raw("task_group"))
        mr.task_group = tg or None
        g = raw("group")
        if not is_blank(g):
            mr.group = GROUP_WORDS.get(fold(g))
            if mr.group is None:
                bad("group", g)
        mr.variant = _parse_variant(raw("variant"))
        if "months" in cols and wb.quarter is not None:
            mr.quarter = wb.quarter
            mr.months = _months_in(raw("months"), wb.quarter)
            if mr.months is None:
                bad("months", raw("months"))
                mr.months = []
        for key in _NUMBER_KEYS:
            if key not in cols:
                continue
            p = parse_number(raw(key))
            if p.kind == NOT_NUMBER:
                bad(key, raw(key))
                continue
            value = p.value
            if key.startswith("block_"):
                mr.blocks[key[len("block_"):]] = value
            elif key in _RATIO_LETTER:
                mr.ratios[_RATIO_LETTER[key]] = value
            else:
                setattr(mr, key, value)
        for key in _GRADE_KEYS:
            if key not in cols:
                continue
            p = parse_grade(raw(key))
            if p.kind == NOT_NUMBER:
                bad(key, raw(key), "invalid-grade")
            else:
                setattr(mr, key, p.value)
        st = raw("status")
        if not is_blank(st):
            mr.status = layout.status_from_label(st)
            if mr.status is None:
                bad("status", st)
        if mr.status is None and mr.grade:
            mr.status = "classified"
        wb.rows.append(mr)


# ---------------------------------------------------------------------------------------------
# Roll-up: a sub-unit's workbook as people rows for ``danhgia.monthly.decide``

_MAX_WORKBOOK_XML = 2 * 1024 * 1024


def sheet_names_of(path: str | Path) -> list[str] | None:
    """The sheet names of an .xlsx/.xlsm from its workbook.xml (bounded read), else None."""
    import defusedxml.ElementTree as ET

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > _MAX_WORKBOOK_XML:
                return None
            root = ET.fromstring(zf.read(info))
    except Exception:  # not a zip, no workbook part, bad XML: not a tally workbook
        return None
    return [nfc(el.get("name", "")) for el in root.iter() if el.tag.endswith("}sheet") or el.tag == "sheet"]


def is_tally_workbook(path: str | Path) -> bool:
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm") or not p.is_file() or p.name.startswith("~$"):
        return False
    names = sheet_names_of(p)
    return bool(names) and layout.is_tally_sheets(names)


def _exceptional_flag(wb) -> bool:
    """The "Đơn vị có thành tích đặc biệt" row of "Nguồn" (kept by ``monthly_read``)."""
    return any(fold(wb.source(label)) in ("co", "yes", "x", "1", "true") for label in EXCEPTIONAL_LABEL)


def read_tally(path: str | Path, display: str | None = None,
               limits: Any = None) -> tuple[TallyInput | None, list[Finding]]:
    """Read a sub-unit's consolidated workbook (``danhgia.read.monthly_read``) into people rows.

    Returns (None, findings) when the workbook cannot be used; otherwise its findings are per
    cell (a bad value) and the rest is read.
    """
    wb = read(path, display, limits)
    if not wb.usable:
        return None, wb.findings
    t = TallyInput(file=wb.file, sha256=wb.sha256, month=wb.month, quarter=wb.quarter, unit=wb.unit,
                   framework=wb.framework or "", exceptional=_exceptional_flag(wb))
    for row in wb.rows:
        p = PersonMonth(id=row.id, name=row.name, unit=row.unit or wb.unit, group=row.group,
                        task_group=row.task_group, position=row.position, variant=row.variant,
                        status=row.status or "pending", self_total=row.self_total,
                        leader_total=row.leader_total, blocks=dict(row.blocks), ratios=dict(row.ratios),
                        self_grade=row.self_grade,
                        decided_grade=row.decided_grade, file=row.source_file, sheet=row.source_sheet or "",
                        origin=wb.file, months=list(row.months))
        if row.notes:
            p.notes.append(_note(row.notes))
        if row.status is None:
            p.notes.append(_note("Không rõ trạng thái trong bảng tổng hợp", "No status in the workbook"))
        elif p.status == "not_evaluated":
            p.reason = _note(row.notes or "Không đánh giá", row.notes or "Not evaluated")
        elif p.status == "classified":
            p.final_grade = row.grade
            if p.final_grade is None:
                p.status = "pending"
                p.notes.append(_note("Thiếu xếp loại cuối cùng trong bảng tổng hợp",
                                     "No final grade in the workbook"))
        t.people.append(p)
    return t, wb.findings
