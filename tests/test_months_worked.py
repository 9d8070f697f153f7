"""Months worked to the day, transferees, absences recorded in the roster, the year's mean
banded exactly (domain.md §3.3, §3.5) — through the CLI on a roster written with openpyxl as an
office keeps it (dates, «Tháng không đánh giá», a «Sự kiện năm» sheet) and monthly workbooks."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, write_year  # noqa: E402

HEAD = ["Mã", "Họ và tên", "Đơn vị", "Chức vụ", "Nhóm", "Bảng điểm", "Nhóm nhiệm vụ", "Ngày vào",
        "Tháng không đánh giá", "Lý do không đánh giá"]


def roster(path: Path, rows: list[dict], events: list[dict]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(HEAD)
    for r in rows:
        ws.append([r["id"], r["name"], "Phòng Nội vụ", "Chuyên viên", "Công chức", "Chuyên viên", "Văn phòng",
                   r.get("start"), r.get("ne"), r.get("why")])
    ev = wb.create_sheet("Sự kiện năm")
    keys = list(dict.fromkeys(["Mã"] + [k for e in events for k in e]))
    ev.append(keys)
    for e in events:
        ev.append([e.get(k) for k in keys])
    wb.save(path)
    return path


def rate(cli, tmp_path, people, rows, events, year=2026):
    write_year(tmp_path / "nam", year, people)
    ros = roster(tmp_path / "ds.xlsx", rows, events)
    r = cli("annual", tmp_path / "nam", "--year", str(year), "--roster", ros, "--out", tmp_path / "n.xlsx",
            "--format", "json")
    assert r.exit_code == 0, r.output
    return {p["id"]: p for p in json.loads(r.stdout)["people"]}


def test_start_on_15_july_is_5_5_months_not_classified(cli, tmp_path):
    a = person("CC1", "An")
    people = [(a, [None] * 6 + [85] * 6)]
    p = rate(cli, tmp_path, people, [{"id": "CC1", "name": "An", "start": date(2026, 7, 15)}],
             [{"Mã": "CC1", "Số tháng nghỉ thai sản": 0}])["CC1"]
    assert p["months_worked"] == 5.5 and p["status"] == "not_classified"
    assert "Công tác 5,5 tháng" in p["overrides"][0]["effect"]
    p = rate(cli, tmp_path / "b", people, [{"id": "CC1", "name": "An", "start": date(2026, 7, 1)}],
             [{"Mã": "CC1", "Số tháng nghỉ thai sản": 0}])["CC1"]
    assert p["months_worked"] == 6 and p["status"] == "classified"


def test_transferee_months_at_the_old_unit_count(cli, tmp_path):
    b = person("CC2", "Bình")
    p = rate(cli, tmp_path, [(b, [None] * 7 + [85] * 5)], [{"id": "CC2", "name": "Bình", "start": date(2026, 8, 1)}],
             [{"Mã": "CC2", "Chuyển từ đơn vị": "UBND xã Yên Sở", "Số tháng ở đơn vị cũ": 7}])["CC2"]
    assert p["months_worked"] == 12 and p["status"] == "classified" and p["final"] == "B"


def test_roster_sick_leave_months_are_absence(cli, tmp_path):
    c = person("CC3", "Cường")
    # 4 months of long sick leave recorded in the roster: 8 worked, 3 to under 6 absent → at most
    # HTNV (NĐ 90/48, rating year 2025; NĐ 335 leaves the absence cap to the unit)
    p = rate(cli, tmp_path, [(c, [95] * 8 + [None] * 4)],
             [{"id": "CC3", "name": "Cường", "ne": "09/2025 - 12/2025", "why": "Nghỉ ốm dài ngày"}],
             [{"Mã": "XX9", "Số tháng nghỉ thai sản": 0}], year=2025)["CC3"]
    assert (p["absence_months"], p["months_worked"]) == (4, 8)
    assert p["proposed"] == "A" and p["final"] == "C" and [o["id"] for o in p["overrides"]] == ["absence"]


def test_year_mean_is_banded_exactly(cli, tmp_path):
    d = person("CC4", "Dũng")
    p = rate(cli, tmp_path, [(d, [90] * 11 + [89.95])], [{"id": "CC4", "name": "Dũng"}],
             [{"Mã": "CC4", "Số tháng nghỉ thai sản": 0}])["CC4"]
    # (11 × 90 + 89.95) / 12 = 89.9958…: shown 90 (rounded for display) but under 90, so HTT, not HTXS
    assert p["mean_score"] == 90 and p["proposed"] == "B" and p["final"] == "B"


def test_months_the_head_lowered_are_listed_and_cap_only_by_the_setting(cli, tmp_path):
    e = person("CC5", "Em")
    people = [(e, [95] * 9 + [("B", 95)] + [95] * 2)]          # October: 95 points, the head decided B
    p = rate(cli, tmp_path, people, [{"id": "CC5", "name": "Em"}], [{"Mã": "CC5", "Số tháng nghỉ thai sản": 0}])["CC5"]
    assert p["final"] == "A" and p["overrides"] == []              # default: listed, not capping
    assert "Tháng bị thủ trưởng hạ loại: 10/2026 (A → B)" in p["notes"]
    rules = tmp_path / "don-vi.yaml"
    rules.write_text("extends: nd335-2025\nid: nd335-don-vi\nannual:\n  lowered_month_caps: true\n", encoding="utf-8")
    write_year(tmp_path / "c" / "nam", 2026, people)
    ros = roster(tmp_path / "c" / "ds.xlsx", [{"id": "CC5", "name": "Em"}], [{"Mã": "CC5", "Số tháng nghỉ thai sản": 0}])
    r = cli("annual", tmp_path / "c" / "nam", "--year", "2026", "--roster", ros, "--rules", rules,
            "--out", tmp_path / "c" / "n.xlsx", "--format", "json")
    (p,) = json.loads(r.stdout)["people"]
    assert p["final"] == "B" and [o["id"] for o in p["overrides"]] == ["lowered"]
