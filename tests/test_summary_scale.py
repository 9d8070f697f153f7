"""Tally and annual summaries at scale: the grand total first, the units over the quota first,
one line per unit within 100 columns, and tally's error count the same as validate's."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

from danhgia import monthly
from danhgia.findings import Finding

from conftest import ROOT, example_tallies


def _quota(count: int, cap: int):
    return SimpleNamespace(grade="A", count=count, cap=cap, status="exceeded" if count > cap else "ok",
                           over=max(0, count - cap), scope="", base_kind="b_or_better", percent=Decimal(20),
                           base=cap * 5, cap_exact=Decimal(cap), ranked=[], tied=[], demoted=[])


def _unit(i: int, over: bool):
    c = monthly.Counts(staff=40, classified=36, not_evaluated=1, missing=1, pending=1, invalid=1,
                       grades={"A": 9 if over else 5, "B": 25, "C": 1, "D": 1})
    q = _quota(c.grades["A"], 6)
    return SimpleNamespace(unit=f"Trường Trung học cơ sở số {i:02d} xã Thanh Liệt", total=c, quota=[q],
                           quota_status=q.status)


def _month(n_units: int, over: set[int]):
    units = [_unit(i, i in over) for i in range(n_units)]
    findings = [Finding("score-above-max", file="a.xlsx"), Finding("quota-exceeded", params={"unit": "x"})]
    return SimpleNamespace(month=(2026, 10), month_text="2026-10", framework_id="hanoi-2022",
                           framework_version="2022.1", units=units, findings=findings, blocking=[],
                           provenance=None)


def test_sixty_units_one_line_each_total_first_over_quota_first():
    from danhgia.cli.tally_cmd import summary_text

    text = summary_text(_month(60, over={17, 42}), "out/x.xlsx", "vi")
    lines = text.splitlines()
    assert lines[1].startswith("Toàn bộ: 60 đơn vị · 2400 người")
    table = [x for x in lines if x.startswith("Trường Trung học") and " — VƯỢT" not in x]
    assert len(table) == 60                                   # one line per unit
    assert "số 17" in table[0] and "số 42" in table[1]        # over the quota first, in input order
    assert "VƯỢT 3" in table[0] and "đạt" in table[2]
    assert all(len(x) <= 100 for x in lines), max(lines, key=len)
    assert all(len(x) <= 100 for x in table)
    assert len(lines) < 80
    # a quota breach is said apart, not counted as an error of a scoresheet
    assert "Lỗi: 1 · cảnh báo: 0 · vượt tỷ lệ: 2" in text


def test_tally_errors_agree_with_validate(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    v = json.loads(cli("validate", "examples/2026-10", "-m", "2026-10", "-f", "json").stdout)["summary"]
    t = cli("tally", "examples/2026-10", "-m", "2026-10", "-o", tmp_path / "t.xlsx").stdout
    assert f"Lỗi: {v['errors']} · cảnh báo: {v['warnings']} · vượt tỷ lệ: 1" in t


def test_annual_one_line_per_unit(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    books = example_tallies(cli, tmp_path)
    r = cli("annual", *books, "--year", 2026, "-r", "examples/danh-sach.xlsx", "-o", tmp_path / "y.xlsx")
    lines = r.stdout.splitlines()
    head = next(i for i, x in enumerate(lines) if x.startswith("Đơn vị "))
    assert lines[head + 1].startswith(("UBND phường Hòa Bình", "Trường Mầm non Hòa Bình"))
    assert all(len(x) <= 100 for x in lines[head:head + 3])
    assert any(x.startswith("Xếp loại năm 2026") for x in lines[:head])   # after the provenance lines
