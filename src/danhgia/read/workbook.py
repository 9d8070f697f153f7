"""Read a workbook into Scoresheets: python-calamine for .xlsx .xlsm .xls .ods, then ``locate``.

python-calamine (Rust) reads every format we accept, several times faster than openpyxl and
with formulas' cached values; styles are never needed to find a scoresheet, so openpyxl is not
used here. Each sheet is read once (``to_python``) and walked once by ``danhgia.read.locate``.

``read_file`` never raises for a bad file: the guard's finding, or ``file-unreadable`` /
``file-encrypted``, is returned instead. Only an invalid framework or unit file (a usage
problem the command reports with exit 2) propagates, as ``FrameworkError``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, Callable

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from danhgia import layout
from danhgia.findings import Finding
from danhgia.framework import Framework
from danhgia.read import guard
from danhgia.read import products
from danhgia.read.locate import locate
from danhgia.read.mark import read_mark
from danhgia.mark import Mark, own_output_finding
from danhgia.model import ReadContext, Scoresheet

_FW_CACHE: dict[tuple, tuple[Any, dict[str, Framework]]] = {}
_ROSTER_CACHE: dict[int, tuple[Any, dict[str, str | None], Any]] = {}


def frameworks_by_variant(ctx: ReadContext) -> dict[str, Framework]:
    """Variant id → the framework that variant is read and checked against (flag > unit file >
    preset default, per variant). Cached per context."""
    key = (ctx.framework_ref, id(ctx.config))
    hit = _FW_CACHE.get(key)
    if hit is not None and hit[0] is ctx.config:
        return hit[1]
    base = ctx.framework_for(None)
    out: dict[str, Framework] = {}
    for v in base.variants:
        fw = ctx.framework_for(v.id)
        out[v.id] = fw if fw.variant(v.id) is not None else base
    cfg = ctx.config
    for key in (getattr(cfg, "frameworks", None) or {}):
        # a variant id or a staff group (``cong_chuc: nd335-2025``): that framework's forms are
        # read as its own (Mẫu 01A / 01B beside the city's sheets)
        fw = ctx.framework_for(key, key)
        if fw.variant(key) is not None:
            out.setdefault(key, fw)
        elif fw is not base:
            for v in fw.variants:
                out.setdefault(v.id, fw)
    if len(_FW_CACHE) > 32:
        _FW_CACHE.clear()
    _FW_CACHE[key] = (ctx.config, out)
    return out


def roster_variants(ctx: ReadContext) -> dict[str, str | None]:
    """Staff id → the variant a sheet of theirs is read as when neither the marker nor the title
    names it: the roster's variant as the person's own framework has it (a «Chuyên viên» whose
    group is under NĐ 335 is read as Mẫu 01A, not as the city's specialist sheet)."""
    from danhgia.framework import FrameworkError

    roster = ctx.roster
    if roster is None:
        return {}
    hit = _ROSTER_CACHE.get(id(roster))
    if hit is not None and hit[0] is roster and hit[2] is ctx:
        return hit[1]
    out: dict[str, str | None] = {}
    for p in roster.people:
        v = None
        if p.variant:
            try:
                v = ctx.framework_for(p.variant, p.group).variant_for(p.variant)
            except FrameworkError:      # a broken framework file is said where it is loaded
                v = None
        out[p.id] = v.id if v is not None else p.variant
    if len(_ROSTER_CACHE) > 8:
        _ROSTER_CACHE.clear()
    _ROSTER_CACHE[id(roster)] = (roster, out, ctx)
    return out


def own_output(display: str, mark: Mark) -> Finding:
    """The info line naming an output of the tool met among the inputs (skipped)."""
    return own_output_finding(display, mark)


def is_blank_form(sheet: Scoresheet) -> bool:
    """A template nobody has filled in yet: no score (a formula's cached 0 is no score), no grade,
    no date. Such a sheet is the tool's own template, not a submission."""
    for row in sheet.rows.values():
        for e in row.scores.values():
            if e.blank:
                continue
            p = e.number()
            if p.kind not in ("number", "text-number") or p.value != 0:
                return False
    return all(sheet.fields[k].blank for k in ("self_grade", "decided_grade", "self_date", "leader_date")
               if k in sheet.fields)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if type(exc).__name__ == "CalamineError":   # the reader's own words, not its type's name
        return (f"tệp hỏng, trình đọc bảng tính báo: {text} / "
                f"a damaged file, the workbook reader says: {text}")[:300]
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _suffix(name: str) -> str:
    """``Path(name).suffix`` without building a path (one per input file)."""
    base = name[max(name.rfind("/"), name.rfind(os.sep)) + 1:]
    i = base.rfind(".")
    return base[i:] if 0 < i < len(base) - 1 else ""


def _open(path: str | Path, data: bytes | None = None) -> CalamineWorkbook:
    if data is not None:            # the bytes the guard read: the file is not opened again
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise
    except Exception:
        # a .xls renamed .xlsx (or the like): let calamine sniff the format from the bytes
        with open(path, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)


def _long_cells(ss: Scoresheet, limit: int) -> list:
    """The sheet's entries holding more than ``limit`` characters of text, in the order of the
    fields, then each row's max, note, share and scores, then the stored totals (plain loops:
    nested generators cost twice as much over a sheet's ~140 entries)."""
    long = [e for e in ss.fields.values() if e.raw.__class__ is str and len(e.raw) > limit]
    for row in ss.rows.values():
        for e in (row.max, row.note, row.share):
            if e is not None and e.raw.__class__ is str and len(e.raw) > limit:
                long.append(e)
        for e in row.scores.values():
            raw = e.raw
            if raw.__class__ is str and len(raw) > limit:
                long.append(e)
    for cols in ss.stored_totals.values():
        for e in cols.values():
            raw = e.raw
            if raw.__class__ is str and len(raw) > limit:
                long.append(e)
    return long


def limit_cells(ss: Scoresheet, limit: int) -> None:
    """``Limits.max_cell_chars``: a cell holding more text (a 1 MB name) is one finding at that
    cell, and only its first ``limit`` characters are carried on (never cut in silence)."""
    for e in _long_cells(ss, limit):
        raw = e.raw
        if len(raw) > limit:            # an entry met twice is cut and said once
            ss.notes.append(ss.finding("cell-too-long", cell=e.cell, params={
                "length": len(raw), "limit": limit, "value": raw[:40]}))
            e.raw = raw[:limit]


def _attach_products(sheets: list[Scoresheet], lists: list, skipped: list[str]) -> None:
    """A product list goes with the workbook's one scoresheet, or with the scoresheet whose
    person id its tab names; any other is an ordinary skipped tab."""
    for pl in lists:
        target = sheets[0] if len(sheets) == 1 else next(
            (s for s in sheets if s.person_id and s.person_id in pl.sheet), None)
        if target is not None and target.products is None:
            target.products = pl
        else:
            skipped.append(pl.sheet)


def read_file(path: str | Path, display: str, ctx: ReadContext,
              skip_marked: bool = True,
              on_bytes: Callable[[bytes], None] | None = None) -> tuple[list[Scoresheet], list[Finding]]:
    """Scoresheets found in the workbook at ``path`` and file-level findings.

    ``display`` is the name used in findings (a path relative to the input, or an archive
    member). Skipped tabs give ``not-a-scoresheet`` (info); a file without any scoresheet gives
    one ``not-a-scoresheet`` error with ``sheet=None``. The tool's own outputs (``danhgia.mark``:
    annual workbooks, annotated copies, templates still blank) give one ``own-output`` (info)
    and no sheet, unless ``skip_marked`` is False (reading a template to inspect it). Reader notes about a sheet (legacy
    encoding, unknown variant) are in ``Scoresheet.notes``.

    The file is read once: the guard reads its bytes (up to 4 MB), calamine parses those, and
    ``on_bytes`` (the run's SHA-256) is given them too, whether or not the file can be used.
    """
    limits = ctx.get_limits()
    try:
        insp = guard.inspect(path, display, limits)
    except Exception as exc:  # the guard must not take the run down (missing file, …)
        return [], [Finding("file-unreadable", file=display, params={"reason": _reason(exc)})]
    if insp.finding is not None and insp.finding.code == "file-too-large" and insp.finding.cell is not None \
            and insp.data is not None:
        # a sub-unit's consolidated workbook (the tool's mark says so) holds a row per person:
        # the bounds of a table of people apply to it, as when monthly_read reads it, not a
        # scoresheet's (a ward of 5,000 people was refused inside a folder)
        m = read_mark(path, _suffix(display), insp.data, insp.custom)
        if m is not None and m.kind == "tally":
            insp = guard.inspect(path, display, limits.for_tables())
    if on_bytes is not None and insp.data is not None:
        on_bytes(insp.data)
    if insp.finding is not None:
        return [], [insp.finding]
    mark = read_mark(path, _suffix(display), insp.data, insp.custom) if skip_marked else None
    if mark is not None and mark.kind in ("annual", "annotated"):
        return [], [own_output(display, mark)]
    frameworks = frameworks_by_variant(ctx)      # FrameworkError propagates: a usage problem
    rvariants = roster_variants(ctx)
    try:
        wb = _open(path, insp.data)
    except PasswordError:
        return [], [Finding("file-encrypted", file=display)]
    except Exception as exc:  # calamine raises several types for broken files
        return [], [Finding("file-unreadable", file=display, params={"reason": _reason(exc)})]

    sheets: list[Scoresheet] = []
    findings: list[Finding] = []
    skipped: list[str] = []
    product_lists: list = []
    try:
        metas = wb.sheets_metadata
        if (mark is not None and mark.kind == "tally") or layout.is_tally_sheets([m.name for m in metas]):
            # a consolidated monthly workbook: tally rolls it up (unless it is its own earlier
            # output, see the mark), validate notes it
            params = {"unit": mark.unit, "period": mark.period} if mark is not None and mark.kind == "tally" else {}
            return [], [Finding("monthly-workbook", file=display, params=params)]
        for meta in metas[: limits.max_sheets]:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue                          # chart / dialog / macro sheets hold no cells
            name = meta.name
            try:
                sh = wb.get_sheet_by_name(name)
                grid = sh.to_python(skip_empty_area=False, nrows=limits.max_rows)
                try:
                    merged = sh.merged_cell_ranges
                except Exception:
                    merged = None
                found = locate(grid, name, frameworks, file=display, merged=merged,
                               roster_variants=rvariants)
            except Exception as exc:
                findings.append(Finding("file-unreadable", file=display, sheet=name,
                                        params={"reason": _reason(exc)}))
                continue
            if found is None:
                pl = products.find(grid, name)     # an NĐ 335 product list (bảng kê), the form's annex
                if pl is not None:
                    product_lists.append(pl)
                else:
                    skipped.append(name)
            else:
                limit_cells(found, limits.max_cell_chars)
                sheets.append(found)
    except Exception as exc:
        findings.append(Finding("file-unreadable", file=display, params={"reason": _reason(exc)}))
    finally:
        try:
            wb.close()
        except Exception:
            pass
    _attach_products(sheets, product_lists, skipped)
    if mark is not None and mark.kind == "template" and sheets and all(map(is_blank_form, sheets)):
        return [], [own_output(display, mark)]
    if sheets:
        findings += [Finding("not-a-scoresheet", file=display, sheet=name, params={"detail": ""})
                     for name in skipped]
    elif not any(f.code == "file-unreadable" for f in findings):
        # a sheet that could not be read is said once; it is no "not a scoresheet" besides
        detail = f" ({', '.join(skipped)})" if skipped else ""
        findings.append(Finding("not-a-scoresheet", severity="error", file=display, sheet=None,
                                params={"detail": detail}))
    return sheets, findings
