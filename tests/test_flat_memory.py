"""Flat memory (issue 16): ``validate`` keeps per sheet only what the run-level checks and the
report need (``pipeline.run(slim=True)``), so what it holds grows by a few hundred bytes a file.

The report must be exactly the one the full run gives; the memory bound is checked with
tracemalloc on the live objects the run keeps (not with RSS, which depends on the machine).
"""

from __future__ import annotations

import gc
import importlib.util
import sys
import tracemalloc
from pathlib import Path

import pytest

from conftest import october_with_mistakes

from danhgia import config as cfg_mod
from danhgia import pipeline
from danhgia.model import ReadContext
from danhgia.read import roster as roster_read
from danhgia.report import Report

ROOT = Path(__file__).resolve().parent.parent


def _generate(n: int, folder: Path) -> Path:
    bench = ROOT / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    spec = importlib.util.spec_from_file_location("bench_generate_flat", bench / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    gen.generate(n, folder, seed=5)
    return folder


def _ctx(folder: Path) -> ReadContext:
    cfg = cfg_mod.discover([folder])
    ctx = ReadContext(config=cfg, limits=cfg.limits)
    if cfg.roster:
        ctx.roster = roster_read.load(cfg.resolve_path(cfg.roster))
    return ctx


@pytest.fixture(scope="module")
def month_folder(tmp_path_factory):
    """The example unit's October with a few broken sheets and a copy (a duplicate)."""
    folder = october_with_mistakes(tmp_path_factory.mktemp("flat"))
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_slim_run_reports_exactly_what_the_full_run_reports(month_folder, jobs):
    ctx = _ctx(month_folder)
    full = pipeline.run([month_folder], ctx, month=(2026, 10), jobs=jobs)
    slim = pipeline.run([month_folder], ctx, month=(2026, 10), jobs=jobs, slim=True)
    want = Report.build(full).to_json("vi")
    got = Report.build(slim).to_json("vi")
    assert got == want
    assert any(f["code"] == "duplicate-person" for f in got["findings"])      # run-level checks ran
    assert any(f["code"] == "file-unreadable" for f in got["findings"])
    sheets = slim.sheets()
    assert sheets and all(isinstance(s, pipeline.SheetRef) for s in sheets)
    assert not hasattr(sheets[0], "blocks_self")                              # no scores kept
    assert all(fo.sha256 == "" for fo in slim.files)                          # nothing hashed


def test_slim_run_keeps_a_few_hundred_bytes_a_file(tmp_path):
    folder = _generate(240, tmp_path / "240")
    ctx = _ctx(folder)
    pipeline.run([folder], ctx, month=(2026, 10), slim=True)      # warm caches and imports
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        slim = pipeline.run([folder], ctx, month=(2026, 10), slim=True)
        gc.collect()
        kept_slim = tracemalloc.get_traced_memory()[0] - base
        del slim
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        full = pipeline.run([folder], ctx, month=(2026, 10))
        gc.collect()
        kept_full = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(full.files) == 240
    per_file = kept_slim / 240
    assert per_file < 1000, f"{per_file:.0f} bytes kept per file"
    assert kept_slim < kept_full / 2


def test_tally_writes_the_detail_sheet_row_by_row(tmp_path):
    """«Chi tiết» is written in constant_memory mode (inline strings, flushed row by row; so are
    the other lists, tests/test_tally_row_order.py); «Tổng hợp» is not (its chart caches its
    cells); the workbook reads back with every person."""
    import zipfile

    from typer.testing import CliRunner

    from danhgia import layout
    from danhgia.cli import app
    from danhgia.read import monthly_read

    folder = _generate(120, tmp_path / "120")
    out = tmp_path / "tally.xlsx"
    res = CliRunner().invoke(app, ["tally", str(folder), "--month", "2026-10", "--out", str(out)])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(out) as zf:
        wb_xml = zf.read("xl/workbook.xml").decode("utf-8")
        names = [n.split('"')[0] for n in wb_xml.split('<sheet name="')[1:]]
        detail = zf.read(f"xl/worksheets/sheet{names.index(layout.DETAIL_SHEET) + 1}.xml").decode("utf-8")
        first = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert 't="inlineStr"' in detail and 't="s"' not in detail
    assert 't="inlineStr"' not in first
    book = monthly_read.read(out, out.name)
    assert book.usable and len(book.rows) == 120
    assert {r.id for r in book.rows} == {f"BM{i:06d}" for i in range(1, 121)}
