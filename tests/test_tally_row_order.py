"""The tally workbook is written row by row (issue 16): every sheet that grows with the people
(«Chi tiết», «Chưa nộp», «Không đánh giá», «Lỗi», «Công khai», «Bảng xếp loại», «Nguồn») in
XlsxWriter's ``constant_memory`` mode, which flushes each row as soon as a later one is written
and drops in silence any cell written above it. So the workbook written that way must be the
very workbook written with every sheet held until the end: same values, merged ranges, row
heights, formats, print setup, signature blocks, every person on every sheet."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from conftest import october_with_mistakes

from danhgia import config as cfg_mod
from danhgia import layout, monthly, pipeline
from danhgia.model import ReadContext
from danhgia.read import roster as roster_read
from danhgia.write import paper
from danhgia.write import tally as tally_writer

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 2, 8, 0, 0)
ROW_BY_ROW = [layout.DETAIL_SHEET, layout.MISSING_SHEET, layout.NOT_EVALUATED_SHEET, layout.FINDINGS_SHEET,
              layout.PUBLIC_SHEET, layout.LIST_SHEET, layout.SOURCES_SHEET]


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The example unit's October with a broken file and a duplicate, the quota applied (so the
    lists carry findings, notes, demotions and a ranking)."""
    folder = october_with_mistakes(tmp_path_factory.mktemp("order"))
    cfg = cfg_mod.discover([folder])
    ctx = ReadContext(config=cfg, limits=cfg.limits)
    ctx.roster = roster_read.load(cfg.resolve_path(cfg.roster))
    run = pipeline.run([folder], ctx, month=(2026, 10))
    return monthly.decide(run, ctx, (2026, 10), apply_quota=True)


def _write(res, path: Path, constant_memory: bool, lang: str = "vi") -> Path:
    head = paper.Letterhead(unit=res.unit_name, governing_body="UBND quận Ba Đình", place="Hà Nội")
    tally_writer.write(res, path, lang=lang, generated=T0, letterhead=head, constant_memory=constant_memory)
    return path


def _facts(ws) -> dict:
    cells = {c.coordinate: (c.value, c.number_format, c.font.sz, c.font.b, c.font.i, c.alignment.wrap_text,
                            c.alignment.horizontal, c.border.left.style)
             for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
    ps = ws.page_setup
    return {
        "cells": cells,
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "print": (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight, ps.scale, ws.print_title_rows,
                  ws.print_title_cols, str(ws.print_area), ws.freeze_panes, ws.auto_filter.ref,
                  str(ws.oddHeader.left.text), str(ws.oddFooter.center.text),
                  tuple(b.id for b in ws.row_breaks.brk)),
        "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
    }


def _texts(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_written_row_by_row_is_the_workbook_held_until_the_end(month, tmp_path, lang):
    flushed = _write(month, tmp_path / "flushed.xlsx", True, lang)
    held = _write(month, tmp_path / "held.xlsx", False, lang)
    with zipfile.ZipFile(flushed) as zf:
        names = [n.split('"')[0] for n in zf.read("xl/workbook.xml").decode().split('<sheet name="')[1:]]
        parts = {n: zf.read(f"xl/worksheets/sheet{i + 1}.xml").decode() for i, n in enumerate(names)}
    for name in ROW_BY_ROW:       # really written row by row: inline strings, no shared ones
        assert 't="inlineStr"' in parts[name] and 't="s"' not in parts[name], name
    assert 't="inlineStr"' not in parts[layout.SUMMARY_SHEET]     # its chart caches its cells
    a, b = openpyxl.load_workbook(flushed), openpyxl.load_workbook(held)
    assert a.sheetnames == b.sheetnames == names
    for name in names:
        fa, fb = _facts(a[name]), _facts(b[name])
        for key in fa:
            assert fa[key] == fb[key], (name, key)


def test_every_person_and_the_signature_block_on_every_sheet(month, tmp_path):
    wb = openpyxl.load_workbook(_write(month, tmp_path / "t.xlsx", True))
    people = month.people
    assert len(people) >= 40 and any(p.status == "invalid" for p in people)
    detail = _texts(wb[layout.DETAIL_SHEET])
    listed = _texts(wb[layout.LIST_SHEET])
    public = _texts(wb[layout.PUBLIC_SHEET])
    for p in people:
        assert p.id in detail and p.name in listed, p.id
        if p.status == "classified":
            assert p.name in public, p.id
    missing = _texts(wb[layout.MISSING_SHEET])
    assert all(p.id in missing for p in people if p.status == "missing")
    findings = wb[layout.FINDINGS_SHEET]
    assert findings.max_row == 3 + len(month.findings) and findings.cell(3 + len(month.findings), 1).value == len(month.findings)
    sources = _texts(wb[layout.SOURCES_SHEET])
    assert all(s.sha256 in sources for s in month.sources if s.sha256)
    for name in (layout.PUBLIC_SHEET, layout.LIST_SHEET, layout.SUMMARY_SHEET):
        ws = wb[name]
        texts = _texts(ws)
        for text in ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)",
                     "Hà Nội, ngày …… tháng …… năm ……", "UBND QUẬN BA ĐÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc"):
            assert text in texts, (name, text)
        # the two signature rows: preparer on the left, the head on the right, side by side
        head_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "THỦ TRƯỞNG ĐƠN VỊ")
        row = [c.value for c in ws[head_row] if c.value]
        assert row == ["NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"], (name, row)
        # the letterhead rows keep their heights (set before the row is written)
        assert ws.row_dimensions[1].height and ws.row_dimensions[2].height, name


def test_a_cell_above_the_last_row_written_is_an_error_not_a_silent_loss(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("S")
    fmt = wb.add_format({})
    paper.merge(ws, 5, 0, 2, "row 6", fmt)
    with pytest.raises(RuntimeError, match=r"S!A2: cell not written"):
        paper.merge(ws, 1, 0, 2, "row 2, too late", fmt)
    with pytest.raises(RuntimeError, match=r"S!B4"):
        tally_writer._Book.text(ws, 3, 1, "too late")
    with pytest.raises(RuntimeError):
        tally_writer._Book.row(ws, 2, 30)
    wb.close()


def test_signatures_write_their_rows_in_order(tmp_path):
    """Straight on XlsxWriter in constant_memory mode: the date line, both columns' headings and
    notes, and the recipients' block with its taller row all reach the file."""
    path = tmp_path / "s.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    forms = paper.Forms(wb)
    head = paper.Letterhead(unit="Phường X", place="Hà Nội")
    ws = wb.add_worksheet("A")
    end = paper.signatures(ws, forms, 3, 5, [10] * 6, head)
    ws2 = wb.add_worksheet("B")
    paper.signatures(ws2, forms, 0, 5, [10] * 6, head, recipients=True)
    wb.close()
    book = openpyxl.load_workbook(path)
    a = [[c.value for c in row if c.value] for row in book["A"].iter_rows()]
    assert a[3:6] == [["Hà Nội, ngày …… tháng …… năm ……"], ["NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"],
                      ["(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên, đóng dấu)"]]
    assert end == 10
    b = [[c.value for c in row if c.value] for row in book["B"].iter_rows()]
    assert b[1:3] == [["Nơi nhận:", "THỦ TRƯỞNG ĐƠN VỊ"], ["- Như trên;\n- Lưu: VT.", "(Ký, ghi rõ họ tên, đóng dấu)"]]
    assert book["B"].row_dimensions[3].height > 30       # 34 pt, as XlsxWriter rounds it to pixels


def test_a_write_that_fails_half_way_leaves_no_temporary_files(month, tmp_path, monkeypatch):
    """Each row-by-row sheet keeps its rows in a temporary file until close(): a write that stops
    before (a bug, a full disk) must not leave them behind in the system's temporary folder."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def broken(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tally_writer, "_sources", broken)     # the last sheet, after the others
    with pytest.raises(OSError):
        _write(month, tmp_path / "t.xlsx", True)
    assert list(scratch.iterdir()) == []
    monkeypatch.undo()
    _write(month, tmp_path / "t.xlsx", True)                    # and a whole write leaves none either
    assert list(scratch.iterdir()) == []
