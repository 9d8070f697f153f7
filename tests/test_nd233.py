"""Viên chức in rating year 2026: NĐ 233/2026 by default (the rule set in force at rating time,
every rule marked verify), NĐ 90/48 as the unit's named setting; the regime table as data; the
head not rated above the unit they run; the objection window on the notice."""

from __future__ import annotations

import json
import sys
from decimal import Decimal as D
from pathlib import Path

from openpyxl import load_workbook

from danhgia import annual
from danhgia import framework as fw_mod
from danhgia.config import UnitConfig

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, write_events, write_roster, write_year  # noqa: E402
from test_annual import books, by_id, ev_table  # noqa: E402

B12, A12 = [85] * 12, [95] * 12
HEAD = person("VC01", "Nguyễn Thị Hiệu", group="Viên chức", variant="Lãnh đạo quản lý",
              position="Hiệu trưởng", task_group="Lãnh đạo")
TEACHERS = [person(f"VC1{i}", f"Giáo viên {i}", group="Viên chức", task_group="Giáo viên") for i in range(6)]


def test_preset_is_all_verify_with_its_sources():
    f = fw_mod.load("nd233-2026")
    a = f.annual
    assert a.verify and all(ap.verify is False for ap in a.applies_to)  # the rule set as a whole is verify
    assert a.quota.base == "exactly_b" and a.quota.cap == 20 and a.quota.exceptional_cap == 25 and a.quota.verify
    assert (a.objection.days, a.objection.resolve_working_days) == (5, 10)
    assert a.head_not_above_unit and "cần xác minh" in a.head_source
    assert [(lv.grade, lv.min) for lv in a.levels] == [("A", 90), ("B", 70), ("C", 50), ("D", None)]
    assert {s.doc for s in f.sources} >= {"NĐ 233/2026/NĐ-CP", "Luật Viên chức 129/2025/QH15"}


def test_regime_table_is_data():
    table = {(y, g): (rid, verify) for y, g, rid, verify in annual.regime_table([2025, 2026])}
    assert table[(2025, "vien_chuc")] == ("nd90-48", False)
    assert table[(2026, "vien_chuc")] == ("nd233-2026", True)
    assert table[(2026, "cong_chuc")] == ("nd335-2025", False)
    assert table[(2026, "ldhd")] == ("nd90-48", True)          # LĐHĐ: no national rule, a unit setting


def test_vien_chuc_2026_under_nd233_by_default_and_nd90_48_as_setting():
    # the head's own months average 95 (HTXS); the school is rated HTT in the events
    people = [(HEAD, A12)] + [(t, B12) for t in TEACHERS]
    ev = ev_table([{"Mã": "VC01", "Xếp loại đơn vị": "HTT"}])
    res = annual.rate(2026, books(2026, people), events=ev)
    head = by_id(res)["VC01"]
    assert head.rules.id == "nd233-2026"
    assert (head.proposed, head.final) == ("A", "B")          # not above the unit (verify)
    assert [o.id for o in head.overrides] == ["head_unit"]
    assert "cần xác minh" in head.overrides[0].source
    # the NĐ 90/48 setting: no such cap (the unit's other results are not given: not held against her)
    res = annual.rate(2026, books(2026, people), events=ev,
                      config=UnitConfig(annual_rules={"vien_chuc": "nd90-48"}))
    head = by_id(res)["VC01"]
    assert head.rules.id == "nd90-48" and head.final == "A" and head.overrides == []


def test_cli_annual_says_which_rules_and_prints_the_objection_window(cli, tmp_path):
    people = [(HEAD, A12)] + [(t, B12) for t in TEACHERS]
    folder = tmp_path / "2026"
    write_year(folder, 2026, people)
    ros = write_roster(tmp_path / "danh-sach.xlsx", [b for b, _ in people],
                       events=[{"Mã": "VC01", "Xếp loại đơn vị": "HTT"}])
    out = tmp_path / "nam.xlsx"
    r = cli("annual", folder, "--year", "2026", "--roster", ros, "--out", out, "--format", "json")
    d = json.loads(r.stdout)
    assert [x["id"] for x in d["rules"]] == ["nd233-2026"]
    wb = load_workbook(out)
    src = wb["Nguồn"]
    kv = {src.cell(r, 1).value: src.cell(r, 2).value for r in range(1, 15)}
    assert kv["Quy định năm 2026: Viên chức"] == "nd233-2026 (mặc định của năm, cần xác minh)"
    notice = " ".join(str(c.value) for row in wb["Thông báo"].iter_rows() for c in row if c.value)
    assert "trong thời hạn 5 ngày kể từ ngày công khai" in notice and "10 ngày làm việc" in notice
    # the NĐ 90/48 setting is named in «Nguồn» as the unit's choice; its notice has no window
    (folder / "danhgia.yaml").write_text("annual_rules: {vien_chuc: nd90-48}\n", encoding="utf-8")
    out2 = tmp_path / "nam2.xlsx"
    cli("annual", folder, "--year", "2026", "--roster", ros, "--out", out2)
    wb = load_workbook(out2)
    src = wb["Nguồn"]
    kv = {src.cell(r, 1).value: src.cell(r, 2).value for r in range(1, 15)}
    assert kv["Quy định năm 2026: Viên chức"] == "nd90-48 (đơn vị chọn; mặc định nd233-2026)"
    notice = " ".join(str(c.value) for row in wb["Thông báo"].iter_rows() for c in row if c.value)
    assert "kể từ ngày công khai" not in notice


def test_hanoi_cong_chuc_2026_says_which_scores_it_averaged():
    cc = person("CC1", "Công chức 1", task_group="Văn phòng")
    res = annual.rate(2026, books(2026, [(cc, [88] * 12)]))
    p = by_id(res)["CC1"]
    assert p.rules.id == "nd335-2025" and p.final == "B" and p.scores_from == ["hanoi-2022"]
    assert annual.rules_text(p) == "nd335-2025 · điểm các kỳ theo hanoi-2022"
    assert p.to_dict(2026)["scores_from"] == ["hanoi-2022"]
    # the months scored on NĐ 335 forms: nothing to say
    res = annual.rate(2026, books(2026, [(cc, [88] * 12)], framework="nd335-2025"))
    assert by_id(res)["CC1"].scores_from == [] and annual.rules_text(by_id(res)["CC1"]) == "nd335-2025"


def test_cli_hanoi_cong_chuc_row_and_sources_name_the_scores(cli, tmp_path):
    cc = person("CC1", "Công chức 1", task_group="Văn phòng")
    folder = tmp_path / "2026"
    write_year(folder, 2026, [(cc, [88] * 12)])
    out = tmp_path / "nam.xlsx"
    cli("annual", folder, "--year", "2026", "--out", out)
    wb = load_workbook(out)
    cells = [c.value for row in wb.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    assert "nd335-2025 · điểm các kỳ theo hanoi-2022" in cells
    src = wb["Nguồn"]
    kv = {src.cell(r, 1).value: src.cell(r, 2).value for r in range(1, 15)}
    assert "theo hanoi-2022, không phải thang điểm của nd335-2025" in kv["Điểm các kỳ"]
