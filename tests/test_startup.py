"""Start-up: a command imports only what it uses (issue 16).

``danhgia --version`` and ``--help`` must not pay for the framework models (pydantic), the
readers (python-calamine, the guard), the writers (XlsxWriter) or openpyxl / pandas; ``validate``
must not import the writers, openpyxl or pandas. Checked on ``sys.modules`` of a fresh
interpreter, not with a stopwatch, so the test does not depend on the machine's load.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HEAVY_ALWAYS = ("xlsxwriter", "openpyxl", "pandas", "numpy")
HEAVY_FOR_INFO = HEAVY_ALWAYS + ("pydantic", "yaml", "python_calamine", "danhgia.framework", "danhgia.config",
                                 "danhgia.pipeline", "danhgia.read.workbook", "danhgia.read.guard",
                                 "danhgia.read.locate", "danhgia.checks", "danhgia.monthly", "danhgia.annual",
                                 "danhgia.write")

PROBE = """
import json, sys
from danhgia.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
sys.stderr.write("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(args: list[str], cwd: Path | None = None) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)
    tail = proc.stderr.rsplit("@@", 1)
    assert len(tail) == 2, proc.stderr
    data = json.loads(tail[1])
    return data["code"], set(data["modules"])


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_import_no_library_module(args):
    code, modules = _modules_after(args)
    assert code == 0
    assert "danhgia.cli" in modules
    assert _loaded(modules, HEAVY_FOR_INFO) == []


@pytest.mark.parametrize("args", [["template", "--help"], ["tally", "--help"], ["annual", "--help"],
                                  ["framework", "show", "--help"]])
def test_command_help_imports_no_library_module(args):
    # typer itself builds pydantic adapters for a command's parameters; the library stays out
    code, modules = _modules_after(args)
    assert code == 0
    assert _loaded(modules, tuple(n for n in HEAVY_FOR_INFO if n != "pydantic")) == []


def test_validate_imports_no_writer_openpyxl_or_pandas(tmp_path):
    src = ROOT / "examples" / "2026-01" / "HB001-nguyen-van-hung.xlsx"
    shutil.copy(src, tmp_path / src.name)
    code, modules = _modules_after(["validate", src.name, "--month", "2026-01", "--format", "json"], tmp_path)
    assert code == 0
    assert "danhgia.pipeline" in modules and "python_calamine" in modules   # it did run
    assert _loaded(modules, HEAVY_ALWAYS + ("danhgia.write", "danhgia.annual")) == []
    # help's renderer (rich.markdown, markdown-it) is only for printing help
    assert _loaded(modules, ("typer.rich_utils", "rich.markdown", "markdown_it")) == []


def test_version_does_not_import_the_help_renderer():
    code, modules = _modules_after(["--version"])
    assert code == 0
    assert _loaded(modules, ("typer.rich_utils", "rich.markdown", "markdown_it")) == []


@pytest.mark.parametrize("lang, words", [("vi", ("Tùy chọn", "Lệnh")), ("en", ("Options", "Commands"))])
def test_help_panels_are_in_the_language_asked_once_the_renderer_is_imported(lang, words):
    # the panel titles are set by an import hook when typer imports its renderer (not before)
    proc = subprocess.run([sys.executable, "-m", "danhgia", "--help", "--lang", lang], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for w in words:
        assert w in proc.stdout
    other = ("Options", "Commands") if lang == "vi" else ("Tùy chọn", "Lệnh")
    assert not any(f"─ {w} ─" in proc.stdout for w in other)
