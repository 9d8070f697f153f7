"""danhgia.frames: a month's and a year's results as DataFrames, the same fields as the JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT, example_tallies

pd = pytest.importorskip("pandas")


def test_month_people_and_units_match_the_tally_json(cli, monkeypatch, tmp_path):
    import danhgia.frames as dgf

    monkeypatch.chdir(ROOT)
    m = dgf.month("examples/2026-10", "2026-10")
    j = json.loads(cli("tally", "examples/2026-10", "-m", "2026-10", "-o", tmp_path / "t.xlsx", "-f", "json").stdout)
    assert isinstance(m.people, pd.DataFrame) and isinstance(m.units, pd.DataFrame)
    assert list(m.people["id"]) == [p["id"] for p in j["people"]]
    for key in j["people"][0]:
        if not isinstance(j["people"][0][key], dict):
            assert key in m.people.columns, key
    assert "blocks.I" in m.people.columns                     # nested fields flattened with a dot
    assert list(m.units["unit"]) == [u["unit"] for u in j["units"]]
    assert {"grades.A", "quota.cap", "quota.status"} <= set(m.units.columns)
    hb009 = m.people.set_index("id").loc["HB009"]
    assert hb009["status"] == "invalid" and "score-above-max" in hb009["codes"]
    assert (m.units.set_index("unit").loc["UBND phường Hòa Bình", "quota.status"]) == "exceeded"
    assert set(m.findings["code"]) >= {"score-above-max", "missing-submission"}
    # an analyst's cross-tabulation works directly
    tab = pd.crosstab(m.people["unit"], m.people["grade"])
    assert tab.loc["Trường Mầm non Hòa Bình"].sum() == 10


def test_year_from_monthly_workbooks(cli, monkeypatch, tmp_path):
    import danhgia.frames as dgf

    monkeypatch.chdir(ROOT)
    books = example_tallies(cli, tmp_path)
    y = dgf.year(books, 2026, roster=EXAMPLES / "danh-sach.xlsx")
    j = json.loads(cli("annual", *books, "--year", 2026, "-r", EXAMPLES / "danh-sach.xlsx",
                       "-o", tmp_path / "y.xlsx", "-f", "json").stdout)
    assert list(y.people["id"]) == [p["id"] for p in j["people"]]
    assert list(y.people["final"].fillna("")) == [p["final"] or "" for p in j["people"]]
    assert len(y.units) == len(j["units"])


def test_bad_input_raises_the_library_error():
    import danhgia.frames as dgf
    from danhgia.framework import FrameworkError

    with pytest.raises(FrameworkError) as exc:
        dgf.month(EXAMPLES / "2026-10", "2026-10", framework="hanoi-2099")
    assert "no preset or file named" in exc.value.text("en")


def test_the_command_line_does_not_import_pandas():
    code = ("import sys; from danhgia.cli import main\n"
            "try:\n    main(['framework', 'list', '--format', 'json'])\nexcept SystemExit: pass\n"
            "print('pandas' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip().splitlines()[-1] == "False"
