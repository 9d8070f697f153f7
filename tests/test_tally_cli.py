"""``danhgia tally`` end to end through the CLI: JSON contract, text summary, exit codes,
usage errors, safe output, and the roll-up of sub-units' workbooks.

Scoresheet runs use a stand-in for ``danhgia.pipeline.run`` returning known outcomes (the real
reader is exercised in test_tally_e2e.py); sub-units' workbooks are real files.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from fixtures.tally.build import quota_month_2022, roster_month_2018, subunit_workbook, tie_month_2022

from danhgia import layout, pipeline

HERE = Path(__file__).resolve().parent / "fixtures" / "tally"
ROSTER = HERE / "danh-sach-truong.csv"


@pytest.fixture
def fake_run(monkeypatch):
    """Make ``pipeline.run`` return a prepared RunResult; record what it was asked to read."""
    calls = []

    def install(result):
        def run(paths, ctx, month=None, jobs=1, progress=None, **_kw):
            calls.append([Path(p) for p in paths])
            return result
        monkeypatch.setattr(pipeline, "run", run)
        return calls

    return install


def sheets_dir(tmp_path) -> Path:
    d = tmp_path / "bang-diem"
    d.mkdir()
    (d / "placeholder.xlsx").write_bytes(b"")
    return d


def test_school_month_json_and_workbook(cli, fake_run, tmp_path):
    run, _ctx = roster_month_2018()
    fake_run(run)
    out = tmp_path / "tong-hop.xlsx"
    r = cli("tally", "--strict", sheets_dir(tmp_path), "--month", "2026-07", "--roster", ROSTER, "--framework", "hanoi-2018",
            "--out", out, "--format", "json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["month"] == "2026-07" and data["output"] == str(out)
    (u,) = data["units"]
    assert {k: u[k] for k in ("unit", "staff", "classified", "not_evaluated", "missing", "pending")} == {
        "unit": "Trường THCS Thanh Xuân", "staff": 14, "classified": 10, "not_evaluated": 1, "missing": 1, "pending": 1}
    assert u["grades"] == {"A": 4, "B": 4, "C": 1, "D": 1}
    assert {k: u["quota"][k] for k in ("grade", "count", "base", "cap", "status")} == {
        "grade": "A", "count": 4, "base": 10, "cap": 3, "status": "exceeded"}
    people = {p["id"]: p for p in data["people"]}
    assert people["T01"]["status"] == "not_evaluated" and "hè" in people["T01"]["reason"]
    assert people["M01"]["status"] == "missing" and people["P01"]["status"] == "pending"
    assert people["X01"]["status"] == "invalid" and people["X01"]["name"] == "=Hoàng Văn Lỗi"
    assert people["GV04"]["grade"] == "A" and people["GV04"]["leader_total"] == 90
    assert {"quota-exceeded", "score-above-max"} <= {f["code"] for f in data["findings"]}
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == layout.SUMMARY_SHEET
    detail = {r[0]: r for r in wb[layout.DETAIL_SHEET].iter_rows(min_row=4, values_only=True)}
    assert detail["GV01"][14] == "A" and detail["T01"][15] == "Không đánh giá"


def test_text_summary_in_vietnamese_and_english(cli, fake_run, tmp_path):
    run, _ctx = quota_month_2022()
    fake_run(run)
    r = cli("tally", "--strict", sheets_dir(tmp_path), "--month", "2026-10", "--out", tmp_path / "a.xlsx")
    assert r.exit_code == 1
    assert "Toàn bộ: 1 đơn vị · 10 người · đã xếp loại 10" in r.stdout
    assert "A 3 (30%) · B 6 (60%) · C 1 (10%) · D 0 (0%)" in r.stdout
    assert any(x.startswith("Phòng Nội vụ") and x.split()[3:5] == ["10", "10"] and x.endswith("A 3/1 VƯỢT 2")
               for x in r.stdout.splitlines()), r.stdout
    assert "Phòng Nội vụ — VƯỢT 2 người\n  loại A: 3 người, tối đa 1 (20% của 9 người xếp loại B trở lên = 1,8)" in r.stdout
    assert "Xếp sau mức tối đa: Người 2 93, Người 3 91" in r.stdout
    assert f"Đã ghi: {tmp_path / 'a.xlsx'}" in r.stdout
    r = cli("tally", tmp_path / "bang-diem", "--month", "2026-10",
            "--out", tmp_path / "b.xlsx", "--lang", "en")
    assert "Phòng Nội vụ — OVER by 2\n  grade A: 3, at most 1 (20% of 9 rated B or better = 1.8)" in r.stdout
    assert "Written:" in r.stdout


def test_apply_quota_demotes_and_exits_0(cli, fake_run, tmp_path):
    run, _ctx = quota_month_2022()
    fake_run(run)
    out = tmp_path / "a.xlsx"
    r = cli("tally", sheets_dir(tmp_path), "--month", "2026-10", "--out", out, "--apply-quota", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    q = data["units"][0]["quota"]
    assert (q["count"], q["cap"], q["status"], q["demoted"]) == (1, 1, "ok", ["HN002", "HN003"])
    assert data["units"][0]["grades"] == {"A": 1, "B": 8, "C": 1, "D": 0}
    people = {p["id"]: p for p in data["people"]}
    assert (people["HN003"]["grade"], people["HN003"]["demoted_from"]) == ("B", "A")
    assert [f["person_id"] for f in data["findings"] if f["code"] == "quota-demoted"] == ["HN002", "HN003"]


def test_tie_at_cut_stays_exceeded_even_with_apply(cli, fake_run, tmp_path):
    run, _ctx = tie_month_2022()
    fake_run(run)
    r = cli("tally", "--strict", sheets_dir(tmp_path), "--month", "2026-10", "--out", tmp_path / "a.xlsx", "--apply-quota")
    assert r.exit_code == 1
    assert "bằng điểm tại ngưỡng (thủ trưởng quyết định): Người 2 92, Người 3 92" in r.stdout


def test_usage_errors_exit_2(cli, tmp_path):
    d = sheets_dir(tmp_path)
    out = tmp_path / "a.xlsx"
    cases = [
        (["--month", "10/2026", "--out", out], "YYYY-MM"),
        (["--month", "2026-10", "--out", tmp_path / "a.csv"], ".xlsx"),
        (["--month", "2026-10", "--out", out, "--framework", "khong-co"], "khong-co"),
        (["--month", "2026-10", "--out", out, "--roster", HERE / "khong-co.csv"], "khong-co.csv"),
    ]
    for args, text in cases:
        r = cli("tally", d, *args)
        assert r.exit_code == 2, (args, r.output)
        assert text in r.output, (args, r.output)
    assert not out.exists()
    r = cli("tally", tmp_path / "khong-co", "--month", "2026-10", "--out", out)
    assert r.exit_code == 2 and "khong-co" in r.output


def test_broken_roster_and_unit_file_give_their_location(cli, tmp_path):
    d = sheets_dir(tmp_path)
    bad = tmp_path / "ds.csv"
    bad.write_text("Mã,Họ và tên,Nhóm\nA1,An,Bộ đội\n", encoding="utf-8")
    r = cli("tally", d, "--month", "2026-10", "--out", tmp_path / "a.xlsx", "--roster", bad)
    assert r.exit_code == 2 and "ds.csv" in r.output and "C2" in r.output
    (d / "danhgia.yaml").write_text("unit: [oops\n", encoding="utf-8")
    r = cli("tally", d, "--month", "2026-10", "--out", tmp_path / "a.xlsx")
    assert r.exit_code == 2 and "danhgia.yaml" in r.output
    (d / "danhgia.yaml").write_text("unit: X\nframework: hanoi-2022\noverrides: {quota: {cap: 500}}\n", encoding="utf-8")
    r = cli("tally", d, "--month", "2026-10", "--out", tmp_path / "a.xlsx")
    assert r.exit_code == 2 and "quota" in r.output


def test_existing_output_is_kept_without_force(cli, fake_run, tmp_path):
    run, _ctx = quota_month_2022()
    fake_run(run)
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"old")
    r = cli("tally", sheets_dir(tmp_path), "--month", "2026-10", "--out", out)
    assert r.exit_code == 2 and "--force" in r.output and out.read_bytes() == b"old"
    r = cli("tally", "--strict", tmp_path / "bang-diem", "--month", "2026-10", "--out", out, "--force")
    assert r.exit_code == 1 and openpyxl.load_workbook(out).sheetnames[0] == layout.SUMMARY_SHEET
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".danhgia-tmp")]


def test_unit_file_sets_exceptional_and_name(cli, fake_run, tmp_path):
    run, _ctx = roster_month_2018()
    fake_run(run)
    d = sheets_dir(tmp_path)
    (d / "danhgia.yaml").write_text("unit: Trường THCS Thanh Xuân\nframework: hanoi-2018\nexceptional: true\n",
                                    encoding="utf-8")
    r = cli("tally", "--strict", d, "--month", "2026-07", "--roster", ROSTER, "--out", tmp_path / "a.xlsx", "--format", "json")
    q = json.loads(r.stdout)["units"][0]["quota"]
    assert (q["base"], q["cap"], q["status"], q["exceptional"]) == (14, 5, "ok", True)
    assert r.exit_code == 1          # X01 is still invalid


# --- roll-up -----------------------------------------------------------------------------------


def test_rollup_of_two_sub_units(cli, tmp_path):
    a = subunit_workbook(tmp_path / "xa-a.xlsx", "UBND xã A", [95, 93, 85, 80, 80, 75], "A")
    b = subunit_workbook(tmp_path / "xa-b.xlsx", "UBND xã B", [95, 85, 80, 80, 75, 72, 70], "B")
    out = tmp_path / "huyen.xlsx"
    r = cli("tally", "--strict", a, b, "--month", "2026-10", "--out", out, "--format", "json")
    data = json.loads(r.stdout)
    units = {u["unit"]: u for u in data["units"]}
    assert list(units) == ["UBND xã A", "UBND xã B"]
    # xã A: base 6 (B or better), cap 1.2 → 1, two A's: exceeded; xã B: base 7, cap 1, one A: ok
    assert {k: units["UBND xã A"]["quota"][k] for k in ("count", "base", "cap", "status")} == \
        {"count": 2, "base": 6, "cap": 1, "status": "exceeded"}
    assert units["UBND xã B"]["quota"]["status"] == "ok"
    assert units["UBND xã A"]["origin"] == a.as_posix()
    assert len(data["people"]) == 13 and r.exit_code == 1
    rows = [r for r in openpyxl.load_workbook(out)[layout.SUMMARY_SHEET].iter_rows(min_row=5, values_only=True)
            if r[1] == "Tổng"]
    assert [r[0] for r in rows] == ["UBND xã A", "UBND xã B", "TOÀN BỘ"]
    src = _file_rows(openpyxl.load_workbook(out)[layout.SOURCES_SHEET])
    assert [r[2] for r in src] == ["Bảng tổng hợp đơn vị cấp dưới"] * 2 and all(len(r[5]) == 64 for r in src)


def _file_rows(ws) -> list[tuple]:
    """The input files listed in «Nguồn», below its header row (after the provenance rows)."""
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "STT")
    return [r for r in rows[head + 1:] if r[0]]


def test_rollup_person_in_two_units_and_wrong_month(cli, tmp_path):
    a = subunit_workbook(tmp_path / "a.xlsx", "UBND xã A", [85, 80], "X")
    b = subunit_workbook(tmp_path / "b.xlsx", "UBND xã B", [85, 75, 72], "X")      # X01, X02 again
    old = subunit_workbook(tmp_path / "c.xlsx", "UBND xã C", [85], "C", month=(2026, 9))
    r = cli("tally", "--strict", a, b, old, "--month", "2026-10", "--out", tmp_path / "h.xlsx", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    two = [f for f in data["findings"] if f["code"] == "person-in-two-units"]
    assert sorted(f["person_id"] for f in two) == ["X01", "X02"]
    assert "UBND xã A" in two[0]["message"] and "UBND xã B" in two[0]["message"]
    assert [p["status"] for p in data["people"] if p["id"] == "X01"] == ["invalid", "invalid"]
    mm = [f for f in data["findings"] if f["code"] == "month-mismatch"]
    assert len(mm) == 1 and mm[0]["file"].endswith("c.xlsx")
    assert "UBND xã C" not in {u["unit"] for u in data["units"]}


def test_rollup_from_a_folder_skips_the_output(cli, tmp_path):
    """Sub-units' workbooks in a folder are recognised by the reader during the run (one open
    per file) and rolled up; the run's own output found there on the second run is skipped."""
    d = tmp_path / "cac-xa"
    d.mkdir()
    subunit_workbook(d / "a.xlsx", "UBND xã A", [85, 80], "A")
    subunit_workbook(d / "b.xlsx", "UBND xã B", [95, 80, 80, 80, 80], "B", exceptional=True)
    out = d / "huyen.xlsx"
    for force in ([], ["--force"]):        # the second run finds its own output in the folder
        r = cli("tally", d, "--month", "2026-10", "--out", out, "--format", "json", *force)
        assert r.exit_code == 0, r.output
        data = json.loads(r.stdout)
        assert [u["unit"] for u in data["units"]] == ["UBND xã A", "UBND xã B"] and len(data["people"]) == 7
        assert [u["quota"]["exceptional"] for u in data["units"]] == [False, True]
        assert not any(f["code"] in ("not-a-scoresheet", "monthly-workbook") for f in data.get("findings", []))
        assert sorted(s["kind"] for s in data["sources"]) == ["tally", "tally"]


def test_rollup_from_a_folder_of_sub_units_longer_than_a_scoresheet(cli, tmp_path):
    """A sub-unit's workbook has a row per person: inside a folder it is bounded like a table
    of people, not refused by a scoresheet's row limit (a ward of 5,000 people, issue 16's
    city month; here the limit is lowered to 10 rows)."""
    d = tmp_path / "cac-phuong"
    d.mkdir()
    (d / "danhgia.yaml").write_text("unit: Thành phố\nframework: hanoi-2022\nlimits: {max_rows: 10}\n",
                                    encoding="utf-8")
    subunit_workbook(d / "a.xlsx", "UBND phường A", [85] * 12, "A")
    subunit_workbook(d / "b.xlsx", "UBND phường B", [80] * 3, "B")
    r = cli("tally", d, "--month", "2026-10", "--out", tmp_path / "tp.xlsx", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [u["unit"] for u in data["units"]] == ["UBND phường A", "UBND phường B"] and len(data["people"]) == 15
    assert not any(f["code"] == "file-too-large" for f in data.get("findings", []))


def test_mixed_scoresheets_and_sub_unit_workbook(cli, fake_run, tmp_path):
    run, _ctx = quota_month_2022()
    calls = fake_run(run)
    a = subunit_workbook(tmp_path / "xa-a.xlsx", "UBND xã A", [85, 80], "A")
    d = sheets_dir(tmp_path)
    r = cli("tally", d, a, "--month", "2026-10", "--out", tmp_path / "h.xlsx", "--format", "json")
    data = json.loads(r.stdout)
    assert [u["unit"] for u in data["units"]] == ["Phòng Nội vụ", "UBND xã A"]
    assert calls == [[d]]                 # the sub-unit's workbook is not read as scoresheets
    assert {s["kind"] for s in data["sources"]} == {"scoresheet", "tally"}


def test_a_broken_workbook_among_sub_units(cli, tmp_path, fake_run):
    fake_run(pipeline.RunResult())
    a = subunit_workbook(tmp_path / "a.xlsx", "UBND xã A", [85, 80], "A")
    wb = openpyxl.load_workbook(a)
    ws = wb[layout.DETAIL_SHEET]
    ws.delete_rows(1, ws.max_row)     # the people table is gone, the sheets are still there
    wb.save(tmp_path / "b.xlsx")
    r = cli("tally", "--strict", a, tmp_path / "b.xlsx", "--month", "2026-10", "--out", tmp_path / "h.xlsx", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert [u["unit"] for u in data["units"]] == ["UBND xã A"]
    assert any(f["code"] == "monthly-header-missing" and f["file"].endswith("b.xlsx") for f in data["findings"])
