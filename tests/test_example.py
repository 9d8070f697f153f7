"""The bundled example unit (examples/, made by examples/make_example.py) behaves as documented."""

import json

import pytest
from conftest import EXAMPLES

EXPECTED = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
ROSTER = EXAMPLES / "danh-sach.xlsx"


def _validate(cli, month: str):
    r = cli("validate", EXAMPLES / month, "--roster", ROSTER, "--month", month, "--format", "json")
    return r, json.loads(r.stdout)


@pytest.mark.parametrize("entry", EXPECTED["months"], ids=lambda m: m["month"])
def test_each_month_validates_with_exactly_its_built_in_mistakes(cli, entry):
    r, report = _validate(cli, entry["month"])
    got = sorted((f["code"], f["person_id"]) for f in report["findings"] if f["severity"] != "info")
    want = sorted((m["code"], m["person_id"]) for m in entry["mistakes"])
    assert got == want
    errors = any(f["severity"] == "error" for f in report["findings"])
    assert r.exit_code == (1 if errors else 0)


def test_example_files_exist_in_every_format():
    files = [f for m in EXPECTED["months"] for f in m["files"]]
    assert {f.rsplit(".", 1)[1] for f in files} == {"xlsx", "xls", "ods"}
    for f in files:
        assert (EXAMPLES / f).is_file(), f


def test_october_mistakes_point_at_cells(cli):
    _, report = _validate(cli, "2026-10")
    cells = {f["code"]: (f["file"].rsplit("/", 1)[-1], f["cell"]) for f in report["findings"]}
    assert cells["score-above-max"] == ("HB009-do-minh-tuan.xls", "D18")
    assert cells["bonus-without-note"][0] == "HB016-ta-thi-phuong.xlsx"
    assert cells["self-assessment-early"][0] == "HB010-ngo-thi-hanh.xlsx"
    assert cells["missing-submission"] == ("danh-sach.xlsx", "B23")  # the roster row of HB020
