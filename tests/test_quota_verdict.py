"""One quota verdict everywhere (issue 11): the terminal, the JSON and every sheet of the annual
workbook say the same; a staff-group row of «Tổng hợp» shows its HTXS/HTT ratio but a verdict
only where the rule caps per staff group (NĐ 335 / NĐ 90 cap per task group)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, write_roster, write_year  # noqa: E402

A12, B12 = [95] * 12, [85] * 12


def _summary_rows(path) -> dict:
    ws = openpyxl.load_workbook(path)["Tổng hợp"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] and r[1]]
    head = next(r for r in rows if r[0] == "Đơn vị")
    col = head.index("Đánh giá tỷ lệ")
    return {(r[0], r[1]): r[col] for r in rows if r is not head}


def test_task_group_breach_is_the_verdict_everywhere(cli, tmp_path):
    # Văn phòng: 1 HTXS for 2 HTT (cap 0) is a breach; the staff group as a whole (1 of 8) is not
    people = [(person("CC1", "An", task_group="Văn phòng"), A12), (person("CC2", "Bình", task_group="Văn phòng"), B12),
              (person("CC3", "Cường", task_group="Văn phòng"), B12)]
    people += [(person(f"CC{i}", f"Người {i}", task_group="Địa chính"), B12) for i in range(4, 10)]
    write_year(tmp_path / "nam", 2026, people)
    roster = write_roster(tmp_path / "ds.xlsx", [b for b, _ in people], events=[{"Mã": "CC1", "Số tháng nghỉ thai sản": 0}])
    out = tmp_path / "n.xlsx"
    r = cli("annual", tmp_path / "nam", "--year", "2026", "--roster", roster, "--out", out, "--format", "json")
    d = json.loads(r.stdout)
    (unit,) = d["units"]
    assert unit["quota_status"] == "exceeded" and d["summary"]["quota_exceeded"]
    assert [(q["task_group"], q["status"]) for q in unit["quota"]] == [("Văn phòng", "exceeded"), ("Địa chính", "ok")]
    groups = {(g["unit"], g["group"]): g for g in d["groups"]}
    cc = groups[("Phòng Nội vụ", "cong_chuc")]
    assert cc["ab_ratio"] == 12.5 and cc["ab_status"] is None      # ratio shown, no verdict of its own
    assert groups[("Phòng Nội vụ", "total")]["ab_status"] == "exceeded"
    rows = _summary_rows(out)
    assert rows[("Phòng Nội vụ", "Công chức")] is None and rows[("Phòng Nội vụ", "Tổng")] == "Vượt"
    quota = [r for r in openpyxl.load_workbook(out)["Tỷ lệ"].iter_rows(values_only=True) if r and "Văn phòng" in r]
    assert quota and "Vượt" in quota[0]
    text = cli("annual", tmp_path / "nam", "--year", "2026", "--roster", roster, "--out", out, "--force").stdout
    assert "VƯỢT: Văn phòng 1/0" in text and "Vượt tỷ lệ: Phòng Nội vụ › Văn phòng" in text and "Địa chính" not in text.split("Vượt tỷ lệ")[-1]


def test_quota_holding_is_never_called_a_breach_by_a_staff_group(cli, tmp_path):
    # 1 HTXS among 6 HTT in one task group: 1 ≤ 20% × 6 → ok, though 1 of 3 in a small slice
    people = [(person("CC1", "An", task_group="Văn phòng"), A12)]
    people += [(person(f"CC{i}", f"Người {i}", task_group="Văn phòng"), B12) for i in range(2, 8)]
    write_year(tmp_path / "nam", 2026, people)
    roster = write_roster(tmp_path / "ds.xlsx", [b for b, _ in people], events=[{"Mã": "CC1", "Số tháng nghỉ thai sản": 0}])
    out = tmp_path / "n.xlsx"
    d = json.loads(cli("annual", tmp_path / "nam", "--year", "2026", "--roster", roster, "--out", out,
                       "--format", "json").stdout)
    assert not d["summary"]["quota_exceeded"]
    assert all(g["ab_status"] in (None, "ok") for g in d["groups"])
    assert "Vượt" not in _summary_rows(out).values()
