"""Shared test helpers: run the CLI in-process and capture its exit code and output."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def cli():
    """``cli("validate", "x.xlsx")`` → Result(exit_code, stdout, stderr) of ``danhgia ...``."""
    from danhgia.cli import app

    runner = CliRunner()

    def run(*args: str, **kw):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kw)

    return run


def example_unit(tmp_path: Path) -> Path:
    """A copy of the example unit: its unit file, roster (with «Sự kiện năm») and October."""
    import shutil

    unit = tmp_path / "phuong"
    unit.mkdir()
    for name in ("danhgia.yaml", "danh-sach.xlsx"):
        shutil.copy(EXAMPLES / name, unit / name)
    shutil.copytree(EXAMPLES / "2026-10", unit / "2026-10")
    return unit


def october_with_mistakes(base: Path) -> Path:
    """The example unit's October under ``base``, with a copy of its first sheet (a duplicate)
    and a file that is no workbook: lists then carry findings and a duplicate."""
    import shutil

    folder = base / "2026-10"
    shutil.copytree(EXAMPLES / "2026-10", folder)
    for name in ("danh-sach.xlsx", "danhgia.yaml"):
        shutil.copy(EXAMPLES / name, base / name)
    first = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")[0]
    shutil.copy(first, folder / "copy-of-first.xlsx")
    (folder / "not-a-workbook.xlsx").write_text("hello")
    return folder


def example_tallies(cli, tmp_path: Path, months=("01", "02")) -> list[Path]:
    """The example's monthly workbooks of ``months``, tallied into ``tmp_path`` (run from ROOT)."""
    books = []
    for m in months:
        out = tmp_path / f"t-{m}.xlsx"
        cli("tally", f"examples/2026-{m}", "-m", f"2026-{m}", "-o", out)
        books.append(out)
    return books
