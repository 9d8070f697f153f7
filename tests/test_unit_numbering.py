"""Forms number their items in several ways; all must place the rows (issue 14): full codes
(II.1.3), codes relative to the block (I / 1 / 1.1), Arabic blocks (1 / 1.1 / 1.1.1), letters
(I / 1 / a), b), c)) and no codes (labels only). Codes typed as numbers (1, 1.1) count too.
Built with openpyxl by tests/fixtures/units/make.py; checked through validate and tally."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES
from fixtures.units.make import EXPECTED, TEACHERS, school_sheet

SCHOOL = FIXTURES / "units" / "school"


def _run(cli, tmp_path, monkeypatch, **kw):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    for t in TEACHERS:
        school_sheet(folder / "2018-10" / f"{t['id']}.xlsx", t, **kw)
    monkeypatch.chdir(folder)
    v = cli("validate", "2018-10", "--month", "2018-10", "--format", "json")
    t = cli("tally", "2018-10", "--month", "2018-10", "--out", str(tmp_path / "out.xlsx"), "--format", "json")
    return v, t


@pytest.mark.parametrize("style,numbers", [("full", False), ("relative", False), ("relative", True),
                                           ("arabic", False), ("arabic", True), ("letters", False)])
def test_numbering_alone_places_the_rows(cli, tmp_path, monkeypatch, style, numbers):
    """Labels no framework knows: only the numbering can place the rows."""
    v, t = _run(cli, tmp_path, monkeypatch, style=style, numbers=numbers, opaque_labels=True)
    assert v.exit_code == 0, v.stdout
    assert json.loads(v.stdout)["findings"] == []
    got = {p["id"]: (p["leader_total"], p["grade"]) for p in json.loads(t.stdout)["people"]}
    assert got == EXPECTED


def test_no_codes_labels_place_the_rows(cli, tmp_path, monkeypatch):
    v, t = _run(cli, tmp_path, monkeypatch, style="none")
    assert v.exit_code == 0, v.stdout
    got = {p["id"]: (p["leader_total"], p["grade"]) for p in json.loads(t.stdout)["people"]}
    assert got == EXPECTED


def test_no_codes_and_unknown_labels_are_not_guessed(cli, tmp_path, monkeypatch):
    """Neither codes nor labels: rows are not placed by position (a finding, never a silent
    total)."""
    v, _t = _run(cli, tmp_path, monkeypatch, style="none", opaque_labels=True)
    assert v.exit_code != 0
    assert json.loads(v.stdout)["findings"]


def test_numbering_resolution():
    """Relative numbers hang under the Roman block above; without Roman blocks the Arabic
    numbers are the blocks; letters are children of the item above; a running row number
    (repeats) is not a numbering."""
    from danhgia.read.locate import resolve_numbering

    toks = [("roman", "I"), ("arabic", "1"), ("arabic", "2"), ("roman", "II"), ("arabic", "3")]
    assert resolve_numbering(toks) == ["I", "I.1", "I.2", "II", "II.3"]
    toks = [("arabic", "1"), ("arabic", "1.1"), ("letter", "a"), ("letter", "b"), ("arabic", "2")]
    assert resolve_numbering(toks) == ["I", "I.1", "I.1.1", "I.1.2", "II"]
    # a sequence with repeats is not a numbering: nothing but Roman codes is kept
    toks = [("roman", "I"), ("arabic", "1"), ("arabic", "1"), ("roman", "II")]
    assert resolve_numbering(toks) == ["I", None, None, "II"]
