"""The same --format choices on every command (text, json, csv), each working; CSV that Excel
opens right (UTF-8 BOM, CRLF); output to a file or a pipe never cut or wrapped."""

from __future__ import annotations

import csv
import io
import json

import pytest

from danhgia import framework as fw

from conftest import EXAMPLES, ROOT


def _csv(result) -> list[dict]:
    text = result.stdout_bytes.decode("utf-8")   # (Result.stdout turns CRLF into LF)
    assert text.startswith("\ufeff"), "UTF-8 BOM so Excel reads the diacritics"
    body = text[1:]
    assert "\r\n" in body and "\n" not in body.replace("\r\n", ""), "CRLF line ends"
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_validate_csv_bom_crlf_and_json(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    rows = _csv(cli("validate", "examples/2026-10", "-m", "2026-10", "-f", "csv"))
    j = json.loads(cli("validate", "examples/2026-10", "-m", "2026-10", "-f", "json").stdout)
    assert [r["code"] for r in rows] == [f["code"] for f in j["findings"]]
    assert any(r["person"] == "Đỗ Minh Tuấn" for r in rows)


def test_tally_text_json_csv(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    j = json.loads(cli("tally", "examples/2026-01", "-m", "2026-01", "-o", tmp_path / "a.xlsx", "-f", "json").stdout)
    r = cli("tally", "examples/2026-01", "-m", "2026-01", "-o", tmp_path / "b.xlsx", "-f", "csv")
    assert r.exit_code == 0
    rows = _csv(r)
    assert [x["id"] for x in rows] == [p["id"] for p in j["people"]]
    assert {"id", "name", "unit", "status", "grade", "self_total", "leader_total", "blocks_I"} <= set(rows[0])
    hb001 = next(x for x in rows if x["id"] == "HB001")
    assert hb001["name"] == "Nguyễn Văn Hùng" and hb001["grade"] == "A"


def test_framework_list_csv_is_csv(cli):
    r = cli("framework", "list", "--format", "csv")
    rows = _csv(r)
    assert [x["id"] for x in rows] == list(fw.preset_ids())
    assert "┏" not in r.stdout and "│" not in r.stdout


def test_framework_show_csv_one_row_per_criterion(cli):
    rows = _csv(cli("framework", "show", "hanoi-2022", "-f", "csv"))
    f = fw.load("hanoi-2022")
    assert len(rows) == sum(1 for v in f.variants for _ in v.walk())
    i21 = next(x for x in rows if x["variant"] == "chuyen-vien" and x["code"] == "I.2.1")
    assert i21["parent"] == "I.2" and i21["max"] == "3"


def test_framework_check_json_and_csv(cli):
    bad = ROOT / "tests" / "frameworks_bad" / "bands-gap.yaml"
    j = json.loads(cli("framework", "check", str(bad), "-f", "json").stdout)
    assert j[0]["valid"] is False and j[0]["problems"][0]["path"] == "grades"
    rows = _csv(cli("framework", "check", str(bad), "-f", "csv", "--lang", "en"))
    assert rows[0]["message"] == "gap between 70 and 75"


def test_framework_show_piped_is_never_cut(cli):
    """Every criterion keeps its maximum points, however long its label (was cut at 80)."""
    out = cli("framework", "show", "hanoi-2022", env={"COLUMNS": "80"}).stdout
    f = fw.load("hanoi-2022")
    for v in f.variants:
        for c, _ in v.walk():
            assert f"{c.code}  {c.label} — {fw._n(c.max)}" in out, (v.id, c.code)
    assert all(x == x.rstrip() for x in out.splitlines())


def test_framework_list_piped_keeps_whole_ids(cli):
    out = cli("framework", "list", env={"COLUMNS": "60"}).stdout
    for pid in fw.preset_ids():
        assert any(line.split()[:1] == [pid] for line in out.splitlines()), pid
    assert "…" not in out


def test_validate_piped_rows_one_line_each(cli, monkeypatch):
    """Under COLUMNS=100, piped validate keeps each finding on one line (no fixed width of 240)."""
    monkeypatch.chdir(ROOT)
    out = cli("validate", "examples/2026-10", "-m", "2026-10", env={"COLUMNS": "100"}).stdout
    j = json.loads(cli("validate", "examples/2026-10", "-m", "2026-10", "-f", "json").stdout)
    for f in j["findings"]:
        if f["severity"] in ("error", "warning"):
            assert any(f["message"] in line for line in out.splitlines()), f["message"]
    assert all(x == x.rstrip() for x in out.splitlines())


@pytest.mark.parametrize("cmd", [["validate"], ["tally"], ["annual"], ["framework", "list"], ["framework", "show"],
                                 ["framework", "check"]])
def test_every_format_choice_is_offered(cli, cmd):
    out = cli(*cmd, "--help", env={"COLUMNS": "200"}).stdout
    assert "text|json|csv" in out and "-f" in out
