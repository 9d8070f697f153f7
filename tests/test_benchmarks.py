"""Smoke tests of ``benchmarks/``: the generator makes valid scoresheets, the runner measures.

No timing is asserted (machines are noisy); the benchmark itself is ``benchmarks/run.py``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))      # run.py imports generate as a sibling module
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod            # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    gen = _load("generate")
    folder = tmp_path_factory.mktemp("bench") / "20"
    paths = gen.generate(20, folder, seed=3)
    return gen, folder, paths


def test_generator_writes_unique_people_and_keeps_other_members(generated):
    gen, folder, paths = generated
    assert len(paths) == 20 and all(p.exists() for p in paths)
    assert (folder / "danh-sach.csv").exists() and (folder / "danhgia.yaml").exists()
    ids = set()
    for p in paths:
        with zipfile.ZipFile(p) as zf:
            assert zf.testzip() is None
            sheet = zf.read(gen.SHEET_MEMBER).decode("utf-8")
            ids.add(sheet.split('<c r="D7"', 1)[1].split("<t xml:space=\"preserve\">", 1)[1].split("<", 1)[0])
    assert len(ids) == 20
    # every member but the worksheet is the template's, byte for byte
    with zipfile.ZipFile(paths[0]) as a, zipfile.ZipFile(paths[1]) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != gen.SHEET_MEMBER:
                assert a.read(name) == b.read(name)
                assert a.getinfo(name).compress_type == b.getinfo(name).compress_type


def test_generated_files_validate_without_findings(generated, cli):
    _gen, folder, _paths = generated
    res = cli("validate", folder, "--month", "2026-10", "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 0, res.stdout
    assert data["summary"]["scoresheets"] == 20
    assert data["summary"]["errors"] == 0
    assert data["findings"] == []


def test_generated_grades_vary(generated):
    from python_calamine import CalamineWorkbook

    _gen, _folder, paths = generated
    grades = set()
    for p in paths:
        rows = CalamineWorkbook.from_path(str(p)).get_sheet_by_name("Bảng điểm").to_python()
        grades.update(r[2] for r in rows if r and r[0] == "Tự xếp loại:")
    assert {"A", "B"} <= grades


def test_runner_measures_every_variant(generated, tmp_path):
    run = _load("run")
    _gen, folder, _paths = generated
    readme = tmp_path / "README.md"
    readme.write_text(f"# Bench\n\nintro\n\n{run.START}\nOLD-RESULTS\n{run.END}\n\nafter\n", encoding="utf-8")
    data = tmp_path / "data"
    out_json = tmp_path / "results.json"
    assert run.main(["--sizes", "20", "--repeat", "1", "--retries", "0", "--openpyxl-sample", "5", "--data", str(data),
                     "--readme", str(readme), "--json", str(out_json)]) == 0
    results = json.loads(out_json.read_text())["results"]["20"]
    assert set(results) == {"calamine", "openpyxl", "validate-j1", "validate-j2", "tally-j2"}
    for name, r in results.items():
        assert math.isfinite(r["seconds"]) and r["seconds"] > 0, name
        assert r["files"] == (5 if name == "openpyxl" else 20)
        assert r["rss_max_mb"] > 0 and r["tree_peak_mb"] > 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Bench\n\nintro\n") and text.rstrip().endswith("after")
    assert "OLD-RESULTS" not in text and "validate-j1" in text and "j2 / j1" in text

    # the loops on their own, and a measurement of a child process
    assert run.calamine_loop(folder) > 0
    assert run.openpyxl_loop(folder, 2) > 0
    m = run.measure([sys.executable, "-c", "x = bytearray(30 * 1024 * 1024)"])
    assert m.returncode == 0 and m.rss_max_mb >= 30
