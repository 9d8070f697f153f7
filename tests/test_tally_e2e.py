"""``danhgia tally`` on real scoresheets: templates as ``danhgia template`` writes them, filled in
with openpyxl the way staff fill them, read by the label reader and checked by validate.

July 2026, hanoi-2022, one unit, a roster of eight:
  HN001 full marks 90, head decides A          → A
  HN002 II.2 = 40 (total 80), decides B         → B
  HN003 II.2 = 35 (total 75), no decision cell filled → B (the band of the leader total)
  HN004 90 + bonus 5 with its note, decides A   → A
  HN005 leader column left blank, no decision    → pending
  HN006 no sheet                                 → missing
  GV001 teacher (viên chức) who still sends a sheet → not evaluated (summer), never missing
  HN007 self score 5 on a 2-point item           → invalid (score-above-max)
Quota: base B or better = 4, 20% → 0.8 → cap 0; two A's → exceeded, ranked HN004 (95), HN001 (90).
"""

from __future__ import annotations

import json
from datetime import datetime

import openpyxl
import pytest

from danhgia.read import workbook as _read  # noqa: F401
from danhgia.write import template as _template  # noqa: F401
from fixtures.validate.make import filled

from python_calamine import CalamineWorkbook

from danhgia import layout

ROSTER = ("Mã,Họ và tên,Đơn vị,Chức vụ,Nhóm,Bảng điểm,Giáo viên\n"
          "HN001,Nguyễn Văn An,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n"
          "HN002,Trần Thị Bình,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n"
          "HN003,Lê Văn Cường,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n"
          "HN004,Phạm Thị Dung,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n"
          "HN005,Hoàng Văn Em,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n"
          "HN006,Vũ Thị Giang,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n"
          "GV001,Đỗ Thị Hè,Phòng Văn hóa,Giáo viên,Viên chức,Chuyên viên,có\n"
          "HN007,Ngô Văn Ích,Phòng Văn hóa,Chuyên viên,Công chức,Chuyên viên,\n")
JULY = {"month": 7, "year": 2026, "unit": "Phòng Văn hóa", "position": "Chuyên viên",
        "self_date": datetime(2026, 7, 22), "leader_date": datetime(2026, 7, 24), "head_date": datetime(2026, 7, 24)}
LEAVES = ("I.1.1", "I.1.2", "I.1.3", "I.2.1", "I.2.2", "I.2.3", "I.2.4", "I.2.5", "I.2.6",
          "II.1.1", "II.1.2", "II.1.3", "II.1.4", "II.1.5", "II.1.6", "II.1.7", "II.1.8", "II.1.9", "II.2")


def person(pid, name, **kw):
    return {**JULY, "id": pid, "name": name, **kw}


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("thang-7")
    s = d / "bang-diem"
    blank = {code: None for code in LEAVES}
    filled(s / "an.xlsx", fields=person("HN001", "Nguyễn Văn An", self_grade="A", decided_grade="A"))
    filled(s / "binh.xlsx", self_scores={"II.2": 40}, leader_scores={"II.2": 40},
           fields=person("HN002", "Trần Thị Bình", self_grade="B", decided_grade="B"))
    filled(s / "cuong.xlsx", self_scores={"II.2": 35}, leader_scores={"II.2": 35},
           fields=person("HN003", "Lê Văn Cường", self_grade="B", decided_grade=None))
    filled(s / "dung.xlsx", self_scores={"III.1": 2, "III.2": 3}, leader_scores={"III.1": 2, "III.2": 3},
           fields=person("HN004", "Phạm Thị Dung", self_grade="A", decided_grade="A",
                         bonus_note="Đề xuất mô hình một cửa liên thông được UBND quận công nhận"))
    filled(s / "em.xlsx", leader_scores=blank,
           fields=person("HN005", "Hoàng Văn Em", self_grade="A", decided_grade=None, leader_date=None, head_date=None))
    filled(s / "he.xlsx", fields=person("GV001", "Đỗ Thị Hè", position="Giáo viên", decided_grade="A"))
    filled(s / "ich.xlsx", self_scores={"I.1.1": 5}, fields=person("HN007", "Ngô Văn Ích", self_grade="A", decided_grade="A"))
    (d / "danh-sach.csv").write_text(ROSTER, encoding="utf-8")
    return d


def run_tally(cli, d, *extra, name="tong-hop.xlsx"):
    out = d / name
    r = cli("tally", "--strict", d / "bang-diem", "--month", "2026-07", "--roster", d / "danh-sach.csv",
            "--out", out, "--format", "json", "--force", *extra)
    return r, out


def test_real_month_known_answers(cli, month_dir):
    r, out = run_tally(cli, month_dir)
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    people = {p["id"]: p for p in data["people"]}
    got = {pid: (p["status"], p["grade"]) for pid, p in people.items()}
    assert got == {
        "HN001": ("classified", "A"), "HN002": ("classified", "B"), "HN003": ("classified", "B"),
        "HN004": ("classified", "A"), "HN005": ("pending", None), "HN006": ("missing", None),
        "GV001": ("not_evaluated", None), "HN007": ("invalid", None)}, [
        (f["code"], f["person_id"], f["cell"]) for f in data["findings"]]
    assert (people["HN004"]["leader_total"], people["HN002"]["leader_total"], people["HN003"]["leader_total"]) == (95, 80, 75)
    assert "hè" in people["GV001"]["reason"]
    assert "score-above-max" in people["HN007"]["codes"]
    (u,) = data["units"]
    assert {k: u[k] for k in ("unit", "staff", "classified", "not_evaluated", "missing", "pending", "invalid")} == {
        "unit": "Phòng Văn hóa", "staff": 8, "classified": 4, "not_evaluated": 1, "missing": 1, "pending": 1,
        "invalid": 1}
    assert u["grades"] == {"A": 2, "B": 2, "C": 0, "D": 0}
    q = u["quota"]
    assert {k: q[k] for k in ("grade", "count", "base", "cap", "status")} == {
        "grade": "A", "count": 2, "base": 4, "cap": 0, "status": "exceeded"}
    assert [x["id"] for x in q["ranked"]] == ["HN004", "HN001"]
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(layout.SUMMARY_SHEET).to_python()
    total = next(r for r in rows if r[:2] == ["Phòng Văn hóa", "Tổng"])
    assert total[2:10] == [8, 4, 1, 1, 1, 1, 2, 0.5]
    wb = openpyxl.load_workbook(out)
    missing = [r[1] for r in wb[layout.MISSING_SHEET].iter_rows(min_row=4, values_only=True)]
    assert missing == ["HN006"]
    all_rows = list(wb[layout.SOURCES_SHEET].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(all_rows) if r[0] == "STT")   # below the provenance rows
    sources = [r for r in all_rows[head + 1:] if r[0]]
    assert len(sources) == 7 and all(len(r[5]) == 64 for r in sources)


def test_same_result_with_jobs(cli, month_dir):
    r1, _ = run_tally(cli, month_dir, name="a.xlsx")
    r2, _ = run_tally(cli, month_dir, "--jobs", "2", name="b.xlsx")
    d1, d2 = json.loads(r1.stdout), json.loads(r2.stdout)
    for d in (d1, d2):
        d.pop("output")
    assert d1 == d2


def test_apply_quota_on_the_real_month(cli, month_dir):
    r, _ = run_tally(cli, month_dir, "--apply-quota", name="c.xlsx")
    data = json.loads(r.stdout)
    q = data["units"][0]["quota"]
    assert (q["count"], q["status"], q["demoted"]) == (0, "ok", ["HN004", "HN001"])
    assert r.exit_code == 1     # HN007 is still invalid
