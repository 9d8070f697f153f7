"""``validate --annotate DIR``: a copy of each file with findings, its bad cells filled red
(error) or amber (warning) with a comment naming the problem, and a sheet "Lỗi" listing every
finding with a link to its cell.

Inputs are never modified: the bytes are read, the copy is written under DIR through
``safe_write`` (no overwrite without ``force``). .xlsx/.xlsm are annotated with openpyxl;
.xls/.ods (which openpyxl cannot write) become an .xlsx rebuilt from the calamine grid.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from danhgia.findings import Finding
from danhgia.write.safe import OutputExists, atomic_path
from danhgia.text import nfc

SHEET_NAME = "Lỗi"
RED = "FFC7CE"
AMBER = "FFEB9C"
_SEVERITY = {"error": ("Lỗi", "Error"), "warning": ("Cảnh báo", "Warning"), "info": ("Ghi chú", "Note")}
_HEADERS = (("Trang tính", "Sheet"), ("Ô", "Cell"), ("Tiêu chí", "Criterion"), ("Mã lỗi", "Code"),
            ("Mức", "Severity"), ("Nội dung", "Message"), ("Họ và tên", "Name"), ("Mã số", "Staff id"))


@dataclass
class AnnotateResult:
    written: list[Path] = field(default_factory=list)
    exists: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def output_path(out_dir: Path, display: str, suffix: str | None = None) -> Path:
    """``DIR/<the input's path, made relative>``; no part can climb out of DIR."""
    parts = [p for p in PurePosixPath(display.replace("\\", "/")).parts if p not in ("/", "..", ".", "")]
    parts = [p for p in parts if not p.endswith(":")] or ["tep"]
    target = out_dir.joinpath(*parts)
    return target.with_suffix(suffix) if suffix else target


def _source_bytes(fo, max_bytes: int) -> bytes:
    if fo.member is None:
        return Path(fo.path).read_bytes()
    with zipfile.ZipFile(fo.path) as zf, zf.open(fo.member) as src:
        data = src.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError("member too large")
    return data


def _grid_workbook(data: bytes, limits):
    """An openpyxl workbook holding the values of every sheet of an .xls/.ods (via calamine)."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    src = CalamineWorkbook.from_filelike(io.BytesIO(data))
    wb = Workbook()
    wb.remove(wb.active)
    for name in src.sheet_names[: limits.max_sheets]:
        ws = wb.create_sheet(_sheet_title(name, wb.sheetnames))
        rows = src.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for r, row in enumerate(rows[: limits.max_rows], start=1):
            for c, value in enumerate(row[: limits.max_columns], start=1):
                if value is None or value == "":
                    continue
                _put(ws.cell(row=r, column=c), value)
    return wb


def _sheet_title(name: str, existing: Iterable[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    title, n = base, 2
    while title in existing:
        title = f"{base[:27]} ({n})"
        n += 1
    return title


def _put(cell, value) -> None:
    """Write a value; text always as text (a name beginning with = never becomes a formula)."""
    if isinstance(value, str):
        cell.value = nfc(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _anchor(ws, ref: str):
    """The cell to mark: the top-left cell of a merged range holding ``ref``."""
    for rng in ws.merged_cells.ranges:
        if ref in rng:
            return ws.cell(row=rng.min_row, column=rng.min_col)
    return ws[ref]


def annotate_workbook(wb, findings: list[Finding], lang: str = "vi") -> None:
    """Mark the cells of ``findings`` on ``wb`` and add the sheet "Lỗi"."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
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
        except (ValueError, KeyError):
            continue
        color = RED if any(f.severity == "error" for f in fs) else AMBER
        cell.fill = PatternFill("solid", start_color=color, end_color=color)
        text = "\n".join(f"[{f.code}] {f.message(lang)}" for f in fs)
        comment = Comment(text[:30000], "danhgia")
        comment.width, comment.height = 320, min(60 + 40 * len(fs), 400)
        cell.comment = comment

    title = _sheet_title(SHEET_NAME, wb.sheetnames)
    ws = wb.create_sheet(title, 0)
    for c, (vi, en_h) in enumerate(_HEADERS, start=1):
        _put(ws.cell(row=1, column=c), en_h if en else vi)
        ws.cell(row=1, column=c).font = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    for r, f in enumerate(findings, start=2):
        vi_sev, en_sev = _SEVERITY.get(f.severity, (f.severity, f.severity))
        values = (f.sheet or "", f.cell or "", f.criterion or "", f.code, en_sev if en else vi_sev,
                  f.message(lang), f.person or "", f.person_id or "")
        for c, v in enumerate(values, start=1):
            _put(ws.cell(row=r, column=c), v)
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            link = ws.cell(row=r, column=2)
            quoted = f.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{f.cell}")
            link.font = link_font
        fill = RED if f.severity == "error" else AMBER if f.severity == "warning" else None
        if fill:
            from openpyxl.styles import PatternFill as PF

            ws.cell(row=r, column=4).fill = PF("solid", start_color=fill, end_color=fill)
    for col, width in zip("ABCDEFGH", (18, 8, 10, 22, 10, 80, 22, 12)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.active = 0


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
    used: set[Path] = set()
    for fo in result.files:
        fs = by_file.get(fo.file)
        if not fs or not fo.sheets:
            continue   # nothing to mark, or a file that could not be read at all
        name = fo.member or fo.path
        ext = Path(name).suffix.lower()
        try:
            data = _source_bytes(fo, limits.max_file_bytes)
            if ext in (".xlsx", ".xlsm"):
                wb = load_workbook(io.BytesIO(data), keep_vba=ext == ".xlsm", keep_links=False)
                target = output_path(out_dir, fo.file)
            else:
                wb = _grid_workbook(data, limits)
                target = output_path(out_dir, fo.file, ".xlsx")
                if target in used:
                    target = target.with_name(f"{target.stem}-{ext.lstrip('.')}.xlsx")
            if fo.member is None and target.resolve() == Path(fo.path).resolve():
                done.failed.append((fo.file, "the copy would replace the input / bản sao sẽ ghi đè tệp gốc"))
                continue
            annotate_workbook(wb, fs, lang)
            with atomic_path(target, force=force) as tmp:
                wb.save(tmp)
            used.add(target)
            done.written.append(target)
        except OutputExists as exc:
            done.exists.append(exc.path)
        except Exception as exc:  # one file that cannot be annotated never stops the others
            done.failed.append((fo.file, f"{type(exc).__name__}: {exc}"))
    return done
