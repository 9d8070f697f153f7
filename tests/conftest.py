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


def example_tallies(cli, tmp_path: Path, months=("01", "02")) -> list[Path]:
    """The example's monthly workbooks of ``months``, tallied into ``tmp_path`` (run from ROOT)."""
    books = []
    for m in months:
        out = tmp_path / f"t-{m}.xlsx"
        cli("tally", f"examples/2026-{m}", "-m", f"2026-{m}", "-o", out)
        books.append(out)
    return books
