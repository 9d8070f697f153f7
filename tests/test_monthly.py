"""Deciding a month (danhgia.monthly) on hand-built validation results with known answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from fixtures.tally.build import (ctx, person, quota_month_2022, roster_month_2018, run_of, sheet,
                                  tie_month_2022)

from danhgia import monthly
from danhgia.findings import Finding


def by_id(res):
    return {p.id: p for p in res.people}


def codes(res):
    return [f.code for f in res.findings]


def test_2022_breach_is_reported_and_nothing_changes():
    run, c = quota_month_2022()
    res = monthly.decide(run, c, (2026, 10))
    (u,) = res.units
    (q,) = u.quota
    assert (q.base, q.cap_exact, q.cap, q.count, q.status) == (9, D("1.8"), 1, 3, "exceeded")
    assert [x.id for x in q.ranked] == ["HN001", "HN002", "HN003"]
    assert u.total.grades == {"A": 3, "B": 6, "C": 1, "D": 0}
    assert [p.final_grade for p in res.people[:3]] == ["A", "A", "A"]
    assert codes(res).count("quota-exceeded") == 1 and "quota-demoted" not in codes(res)
    assert "xếp thứ 3/3" in by_id(res)["HN003"].notes_text()
    assert res.exit_code == 1


def test_2022_apply_quota_demotes_the_lowest_ranked():
    run, c = quota_month_2022()
    res = monthly.decide(run, c, (2026, 10), apply_quota=True)
    (u,) = res.units
    (q,) = u.quota
    people = by_id(res)
    assert [x.id for x in q.demoted] == ["HN002", "HN003"] and q.status == "ok"
    assert (people["HN001"].final_grade, people["HN002"].final_grade, people["HN003"].final_grade) == ("A", "B", "B")
    assert people["HN002"].demoted_from == "A"
    assert u.total.grades == {"A": 1, "B": 8, "C": 1, "D": 0}
    demoted = [f for f in res.findings if f.code == "quota-demoted"]
    assert [f.person_id for f in demoted] == ["HN002", "HN003"]
    assert "hạ từ loại A xuống B" in demoted[0].message()
    assert res.exit_code == 0


def test_tie_at_the_cut_is_left_to_the_head():
    run, c = tie_month_2022()
    for apply in (False, True):
        res = monthly.decide(run, c, (2026, 10), apply_quota=apply)
        (q,) = res.units[0].quota
        assert (q.base, q.cap, q.count, q.status) == (10, 2, 3, "exceeded")
        assert {x.id for x in q.tied} == {"HN002", "HN003"} and q.demoted == []
        assert [by_id(res)[i].final_grade for i in ("HN001", "HN002", "HN003")] == ["A", "A", "A"]
        tie = next(f for f in res.findings if f.code == "quota-tie")
        assert tie.value == D(92) and "thủ trưởng quyết định" in tie.message()
        assert res.exit_code == 1


def test_2018_month_with_roster_known_answers():
    run, c = roster_month_2018()
    res = monthly.decide(run, c, (2026, 7))
    people = by_id(res)
    assert people["T01"].status == "not_evaluated"
    assert "không đánh giá các tháng hè" in people["T01"].reason.vi
    assert "summer" in people["T01"].reason.en
    assert people["T01"].final_grade is None
    assert people["M01"].status == "missing"
    assert people["P01"].status == "pending"
    assert people["X01"].status == "invalid" and people["X01"].codes == ["score-above-max"]
    assert people["X01"].final_grade is None
    (u,) = res.units
    t = u.total
    assert (t.staff, t.classified, t.not_evaluated, t.missing, t.pending, t.invalid) == (14, 10, 1, 1, 1, 1)
    assert t.grades == {"A": 4, "B": 4, "C": 1, "D": 1}
    assert t.share("A") == D("0.4")
    (q,) = u.quota
    assert (q.base_kind, q.base, q.cap, q.count, q.status) == ("classified", 10, 3, 4, "exceeded")
    assert set(u.groups) == {"cong_chuc", "vien_chuc", "ldhd"}
    assert list(u.groups) == ["cong_chuc", "vien_chuc", "ldhd"]
    assert u.groups["vien_chuc"].staff == 12 and u.groups["ldhd"].pending == 1
    assert res.exit_code == 1


def test_2018_exceptional_unit_counts_all_staff_at_40_percent():
    run, c = roster_month_2018(exceptional=True)
    res = monthly.decide(run, c, (2026, 7))
    (q,) = res.units[0].quota
    assert (q.percent, q.base_kind, q.base, q.cap_exact, q.cap, q.status) == (40, "all_staff", 14, D("5.6"), 5, "ok")
    assert res.units[0].exceptional and res.exceptional


def test_teacher_outside_summer_is_evaluated():
    run, c = roster_month_2018(month=(2026, 10))
    res = monthly.decide(run, c, (2026, 10))
    assert by_id(res)["T01"].status == "classified" and by_id(res)["T01"].final_grade == "B"


def test_final_grade_rules():
    sheets = [
        sheet("D1", "Hạ loại", 92, decided="B"),                 # the head may lower
        sheet("D2", "Nâng loại", 85, decided="A"),               # above the band: error
        sheet("D3", "Tự xếp A", 85, self_grade="A", self_total=95),   # the self grade never decides
        sheet("D4", "Theo điểm", 72),                            # no decision: the band
        sheet("D5", "Chưa chấm", None),                          # nothing yet: pending
        sheet("D6", "Chỉ có quyết định", None, decided="C"),     # the head decided without scores
    ]
    res = monthly.decide(run_of(sheets), ctx("hanoi-2022"), (2026, 10))
    p = by_id(res)
    assert (p["D1"].status, p["D1"].final_grade) == ("classified", "B")
    assert "Thủ trưởng xếp loại B (điểm đạt loại A)" in p["D1"].notes_text()
    assert (p["D2"].status, p["D2"].final_grade, p["D2"].codes) == ("invalid", None, ["grade-above-band"])
    f = next(f for f in res.findings if f.code == "grade-above-band")
    assert (f.person_id, f.value, f.expected) == ("D2", "A", "B")
    assert (p["D3"].status, p["D3"].final_grade) == ("classified", "B")
    assert (p["D4"].status, p["D4"].final_grade) == ("classified", "B")
    assert (p["D5"].status, p["D5"].final_grade) == ("pending", None)
    assert (p["D6"].status, p["D6"].final_grade) == ("classified", "C")


def test_validate_grade_above_band_is_not_duplicated():
    s = sheet("D2", "Nâng loại", 85, decided="A", findings=["grade-above-band"])
    res = monthly.decide(run_of([s]), ctx("hanoi-2022"), (2026, 10))
    assert codes(res).count("grade-above-band") == 1
    assert res.people[0].status == "invalid"


def test_leader_missing_scores_are_pending_not_invalid():
    s = sheet("P1", "Chờ", None, findings=[])
    s.findings.append(Finding("missing-score", file=s.file, sheet=s.sheet, cell="F12", params={"column": "leader"}))
    s.findings.append(Finding("missing-leader-score", file=s.file, sheet=s.sheet))
    res = monthly.decide(run_of([s]), ctx(), (2026, 10))
    assert res.people[0].status == "pending" and res.exit_code == 0


def test_roster_reason_missing_not_employed_and_not_in_roster():
    roster = [person("A1", "Nguyễn Văn An"),
              person("A2", "Thai Sản", not_evaluated={(2026, 10): "Nghỉ thai sản"}),
              person("A3", "Đã nghỉ"), person("A4", "Chưa nộp")]
    roster[2].end = date(2026, 8, 31)
    sheets = [sheet("A1", "Nguyễn Văn An", 80), sheet("Z9", "Người lạ", 85)]
    res = monthly.decide(run_of(sheets), ctx(roster=roster), (2026, 10))
    p = by_id(res)
    assert "A3" not in p
    assert (p["A2"].status, p["A2"].reason.vi) == ("not_evaluated", "Nghỉ thai sản")
    assert p["A4"].status == "missing"
    assert (p["Z9"].status, p["Z9"].codes) == ("invalid", ["not-in-roster"])
    assert "not-in-roster" in codes(res)
    t = res.units[0].total
    assert (t.staff, t.classified, t.not_evaluated, t.missing, t.invalid) == (4, 1, 1, 1, 1)


def test_roster_matches_by_name_when_the_sheet_has_no_id():
    roster = [person("A1", "Nguyễn Văn An")]
    s = sheet("", "NGUYEN VAN AN", 80)
    res = monthly.decide(run_of([s]), ctx(roster=roster), (2026, 10))
    assert [(p.id, p.status, p.final_grade) for p in res.people] == [("A1", "classified", "B")]


def test_two_sheets_for_one_person_are_invalid():
    sheets = [sheet("A1", "An", 80, file="a.xlsx"), sheet("A1", "An", 82, file="b.xlsx")]
    res = monthly.decide(run_of(sheets), ctx(), (2026, 10))
    assert len(res.people) == 1
    assert res.people[0].status == "invalid" and "duplicate-person" in res.people[0].codes
    assert "duplicate-person" in codes(res) and res.exit_code == 1


def test_units_without_roster_come_from_sheets_then_the_unit_file():
    sheets = [sheet("A1", "An", 80, unit="Phòng Tài chính"), sheet("B1", "Bình", 75, unit="")]
    res = monthly.decide(run_of(sheets), ctx(unit="UBND phường Láng"), (2026, 10))
    assert [u.unit for u in res.units] == ["Phòng Tài chính", "UBND phường Láng"]
    assert by_id(res)["B1"].unit == "UBND phường Láng"
    assert res.unit_name == "UBND phường Láng"


def test_ldhd_sheet_without_roster_is_in_the_ldhd_group():
    res = monthly.decide(run_of([sheet("L1", "Lái xe", 80, variant="ldhd")]), ctx(), (2026, 10))
    assert list(res.units[0].groups) == ["ldhd"]


def test_per_task_group_quota_scopes():
    roster = [person(f"C{i}", f"CC {i}", task_group="Văn phòng" if i < 5 else "Địa chính", variant="nd335-01a")
              for i in range(7)]
    scores = [95, 80, 80, 80, 80, 96, 70]
    sheets = [sheet(f"C{i}", f"CC {i}", s, variant="nd335-01a", framework="nd335-2025") for i, s in enumerate(scores)]
    res = monthly.decide(run_of(sheets), ctx("nd335-2025", roster=roster), (2026, 10))
    (u,) = res.units
    scopes = {q.scope: q for q in u.quota}
    assert (scopes["Văn phòng"].cap, scopes["Văn phòng"].status) == (1, "ok")
    assert (scopes["Địa chính"].cap, scopes["Địa chính"].status) == (0, "exceeded")
    summary = u.quota_summary()
    assert (summary["count"], summary["cap"], summary["status"]) == (2, 1, "exceeded")
    assert {s["scope"] for s in summary["scopes"]} == {"Văn phòng", "Địa chính"}


def test_percentages_are_exact_and_rounded_only_for_display():
    sheets = [sheet("A", "A", 95), sheet("B", "B", 80), sheet("C", "C", 60)]
    res = monthly.decide(run_of(sheets), ctx(), (2026, 10))
    t = res.units[0].total
    assert t.share("A") * 3 == 1 or abs(t.share("A") * 3 - 1) < D("1e-25")
    assert t.to_dict()["percents"] == {"A": 33.33, "B": 33.33, "C": 33.33, "D": 0}


def test_json_keeps_the_design_contract():
    run, c = roster_month_2018()
    data = monthly.decide(run, c, (2026, 7)).to_dict()
    assert data["month"] == "2026-07"
    unit = data["units"][0]
    assert {"unit", "staff", "classified", "not_evaluated", "missing", "pending", "grades", "quota"} <= set(unit)
    assert set(unit["grades"]) == {"A", "B", "C", "D"}
    assert {"grade", "count", "base", "cap", "status"} <= set(unit["quota"])
    assert (unit["quota"]["count"], unit["quota"]["cap"], unit["quota"]["status"]) == (4, 3, "exceeded")
    person = next(p for p in data["people"] if p["id"] == "GV05")
    assert {"id", "name", "unit", "variant", "status", "self_total", "leader_total", "grade", "reason"} <= set(person)
    assert (person["status"], person["leader_total"], person["grade"], person["reason"]) == ("classified", 88, "B", None)
    summer = next(p for p in data["people"] if p["id"] == "T01")
    assert summer["status"] == "not_evaluated" and summer["grade"] is None and summer["reason"]
    en = monthly.decide(run, c, (2026, 7)).to_dict("en")
    assert "summer" in next(p for p in en["people"] if p["id"] == "T01")["reason"]
    import json

    json.dumps(data)   # serialisable as is


def test_rollup_people_two_units_and_month(tmp_path):
    a = monthly.TallyInput(file="a.xlsx", month=(2026, 10), unit="Xã A",
                           people=[monthly.PersonMonth(id="1", name="X", unit="Xã A", status="classified",
                                                       final_grade="B", leader_total=D(80), origin="a.xlsx")])
    b = monthly.TallyInput(file="b.xlsx", month=(2026, 10), unit="Xã B",
                           people=[monthly.PersonMonth(id="1", name="X", unit="Xã B", status="classified",
                                                       final_grade="B", leader_total=D(80), origin="b.xlsx"),
                                   monthly.PersonMonth(id="2", name="Y", unit="Xã B", status="classified",
                                                       final_grade="A", leader_total=D(75), origin="b.xlsx")])
    old = monthly.TallyInput(file="c.xlsx", month=(2026, 9), unit="Xã C")
    res = monthly.decide(run_of([]), ctx(), (2026, 10), rollups=[a, b, old])
    assert [u.unit for u in res.units] == ["Xã A", "Xã B"]
    assert [p.status for p in res.people if p.id == "1"] == ["invalid", "invalid"]
    two = next(f for f in res.findings if f.code == "person-in-two-units")
    assert "Xã A" in two.message() and "Xã B" in two.message()
    y = by_id(res)["2"]
    assert (y.status, y.codes) == ("invalid", ["grade-above-band"])   # A by hand on a B score
    mm = next(f for f in res.findings if f.code == "month-mismatch")
    assert mm.file == "c.xlsx" and res.exit_code == 1
    assert [s.kind for s in res.sources] == ["tally", "tally"]
