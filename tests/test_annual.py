"""The annual rating engine (danhgia.annual): rule sets, strategies, months, overrides, quota, summary.

Monthly workbooks are built in memory here (the reader has its own tests); the CLI tests write
real files. Every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from danhgia import annual, events, layout
from danhgia.read import events as events_read
from danhgia.config import UnitConfig
from danhgia.model import MonthlyRow, MonthlyWorkbook
from danhgia.text import fold
from danhgia.roster import GROUP_WORDS, VARIANT_WORDS, Person, Roster

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, row_for  # noqa: E402

UNIT = "Phòng Nội vụ"

from danhgia.events import EventsTable  # noqa: E402

NO_EVENTS = EventsTable(source="su-kien.xlsx")   # an events file given, nobody in it


def _mrow(d: dict, r: int, file: str) -> MonthlyRow:
    num = lambda v: None if v is None else D(str(v))  # noqa: E731
    return MonthlyRow(
        row=r, id=d["id"], name=d["name"], unit=d.get("unit") or UNIT,
        group=GROUP_WORDS.get(fold(d.get("group"))), task_group=d.get("task_group"),
        position=d.get("position", ""), variant=VARIANT_WORDS.get(fold(d.get("variant"))),
        leader_total=num(d.get("leader_total")), self_total=num(d.get("self_total")),
        decided_grade=d.get("decided_grade"), final_grade=d.get("final_grade"),
        status=layout.status_from_label(d.get("status")), notes=d.get("notes") or "",
        source_file=file, source_sheet="Chi tiết",
        cells={"id": f"A{r}", "final_grade": f"O{r}", "status": f"P{r}"})


def books(year: int, people: list[tuple[dict, list]], skip: tuple[int, ...] = (), unit: str = UNIT,
          framework: str = "hanoi-2022") -> list[MonthlyWorkbook]:
    out = []
    for m in range(1, 13):
        if m in skip:
            continue
        f = f"{year}-{m:02d}.xlsx"
        wb = MonthlyWorkbook(file=f, path=f, sha256="0" * 64, month=(year, m), unit=unit, framework=framework,
                             detail_sheet="Chi tiết", header_row=3)
        r = 4
        for base, specs in people:
            d = row_for(base, specs[m - 1])
            if d is not None:
                wb.rows.append(_mrow(d, r, f))
                r += 1
        out.append(wb)
    return out


def ev_table(rows: list[dict]) -> events.EventsTable:
    headers = list(dict.fromkeys(["Mã"] + [k for e in rows for k in e]))
    table = [headers] + [[e.get(h) for h in headers] for e in rows]
    return events_read.parse_rows(table, "sk.xlsx", "Sự kiện năm")


def by_id(res: annual.AnnualResult) -> dict[str, annual.PersonResult]:
    return {p.id: p for p in res.people}


def codes(res: annual.AnnualResult) -> list[str]:
    return [f.code for f in res.findings]


B12 = [85] * 12           # mean 85 → B
A12 = [95] * 12           # mean 95 → A
CC = person("CC1", "Nguyễn Văn An")                                  # công chức
VC = person("VC1", "Trần Thị Bình", group="Viên chức")               # viên chức


# --- rule sets --------------------------------------------------------------------------------

@pytest.mark.parametrize("year,group,expected", [
    (2025, "cong_chuc", "nd90-48"), (2026, "cong_chuc", "nd335-2025"),
    (2025, "vien_chuc", "nd90-48"), (2026, "vien_chuc", "nd233-2026"), (2027, "vien_chuc", "nd233-2026"),
    (2026, "ldhd", "nd90-48"), (2026, "can_bo", "nd90-48"), (2027, "cong_chuc", "nd335-2025"),
])
def test_rule_set_by_year_and_group(year, group, expected):
    assert annual.rules_for(year, group).id == expected


def test_rule_set_flag_unit_file_and_unknown_group():
    assert annual.rules_for(2026, "cong_chuc", explicit="nd90-48").id == "nd90-48"
    assert annual.rules_for(2025, "vien_chuc", unit_rules={"vien_chuc": "nd335-2025"}).id == "nd335-2025"
    assert annual.rules_for(2026, None).id == "nd90-48"
    with pytest.raises(annual.RulesError):
        annual.rules_for(2026, "cong_chuc", explicit="hanoi-2022")   # no annual section
    with pytest.raises(annual.RulesError):
        annual.rules_for(2026, "cong_chuc", explicit="no-such-rules")


def test_year_boundary_in_a_rating():
    people = [(CC, B12), (VC, B12)]
    r25 = by_id(annual.rate(2025, books(2025, people)))
    r26 = by_id(annual.rate(2026, books(2026, people)))
    assert (r25["CC1"].rules.id, r25["VC1"].rules.id) == ("nd90-48", "nd90-48")
    assert (r26["CC1"].rules.id, r26["VC1"].rules.id) == ("nd335-2025", "nd233-2026")
    # NĐ 335 names no absence cap: NĐ 90/48's (3 to under 6 months → at most HTNV) is kept as a
    # default to verify (domain §3.4), as NĐ 233 keeps it; a unit drops it with absence_cap: null
    ev = ev_table([{"Mã": "CC1", "Số tháng nghỉ": 4}, {"Mã": "VC1", "Số tháng nghỉ": 4}])
    r26 = by_id(annual.rate(2026, books(2026, people), events=ev))
    assert (r26["CC1"].final, r26["VC1"].final) == ("C", "C")
    (absence,) = [o for o in r26["CC1"].overrides if o.id == "absence"]
    assert "cần xác minh" in absence.source and "NĐ 335" in absence.source

    r25 = by_id(annual.rate(2025, books(2025, people), events=ev))
    assert (r25["CC1"].final, r25["VC1"].final) == ("C", "C")


def test_a_unit_drops_the_nd335_absence_cap_with_its_own_rules(tmp_path):
    own = tmp_path / "nd335-donvi.yaml"
    own.write_text("extends: nd335-2025\nid: nd335-donvi\ntitle: NĐ 335 theo đơn vị\n"
                   "annual:\n  absence_cap: null\n", encoding="utf-8")
    ev = ev_table([{"Mã": "CC1", "Số tháng nghỉ": 4}])
    res = annual.rate(2026, books(2026, [(CC, B12)]), events=ev,
                      config=UnitConfig(annual_rules={"cong_chuc": str(own)}))
    assert by_id(res)["CC1"].final == "B" and by_id(res)["CC1"].rules.id == "nd335-donvi"


def test_unknown_group_warns_and_uses_the_widest_rule_set():
    nobody = dict(person("X1", "Vô Danh"), group=None)
    res = annual.rate(2026, books(2026, [(nobody, B12)]))
    assert by_id(res)["X1"].rules.id == "nd90-48" and "group-unknown" in codes(res)


# --- strategies -------------------------------------------------------------------------------

def test_average_mean_is_exact_and_rounded_half_up():
    # 85+90+92.5+88+91+86+87+93+89+90+95+94 = 1080.5; / 12 = 90.041666… → 90.04 → A
    scores = [85, 90, 92.5, 88, 91, 86, 87, 93, 89, 90, 95, 94]
    p = by_id(annual.rate(2026, books(2026, [(CC, scores)])))["CC1"]
    assert (p.mean_score, p.proposed, p.final, p.status) == (D("90.04"), "A", "A", "classified")
    assert p.grade_counts() == {"A": 7, "B": 5, "C": 0, "D": 0}
    # (89.97 + 90) / 2 = 89.985 → 89.99 half-up (half-even would give 89.98); evaluated months only
    two = [89.97, 90] + ["KĐG:Nghỉ ốm dài ngày"] * 10
    p = by_id(annual.rate(2026, books(2026, [(CC, two)])))["CC1"]
    assert (p.mean_score, p.proposed) == (D("89.99"), "B")


def test_months_not_evaluated_are_excluded_never_zero_never_missing():
    teacher = person("GV1", "Cô Lan", group="Viên chức")
    specs = [80] * 5 + ["KĐG:Nghỉ hè (giáo viên)"] * 3 + [92] * 4
    res = annual.rate(2026, books(2026, [(teacher, specs)]), events=NO_EVENTS)
    p = by_id(res)["GV1"]
    # (5 × 80 + 4 × 92) / 9 = 768 / 9 = 85.333… → 85.33
    assert p.mean_score == D("85.33") and len(p.evaluated()) == 9
    assert [(m.month, m.reason) for m in p.not_evaluated()] == [(6, "Nghỉ hè (giáo viên)"), (7, "Nghỉ hè (giáo viên)"),
                                                              (8, "Nghỉ hè (giáo viên)")]
    assert p.missing() == [] and not p.provisional and res.ok
    assert p.months_worked == 12 and p.months_worked_source == "derived"


def test_count_strategy():
    x = person("X", "Sáu A sáu B")
    y = person("Y", "Bảy A một D")
    z = person("Z", "Năm A bảy B")
    people = [(x, [95] * 6 + [85] * 6), (y, [95] * 7 + [85] * 4 + [40]), (z, [95] * 5 + [85] * 7)]
    res = annual.rate(2026, books(2026, people), strategy="count")
    got = {p.id: (p.strategy, p.proposed, p.final) for p in res.people}
    # X: ≥ 6 A and no D → A; Y: a D month fails A and B, ≤ 3 D → C; Z: 5 A < 6, 12 A+B ≥ 6 → B
    assert got == {"X": ("count", "A", "A"), "Y": ("count", "C", "C"), "Z": ("count", "B", "B")}


def test_manual_strategy_takes_the_proposed_level_and_only_checks_it():
    a, b, c = person("M1", "Đề xuất B"), person("M2", "Chưa đề xuất"), person("M3", "Đề xuất A bị kỷ luật")
    ev = ev_table([{"Mã": "M1", "Mức đề xuất": "HTTNV"},
                   {"Mã": "M3", "Mức đề xuất": "A", "Hình thức kỷ luật": "Cảnh cáo", "Ngày kỷ luật": "2026-04-02",
                    "Liên quan công vụ": "có"}])
    res = annual.rate(2026, books(2026, [(a, A12), (b, A12), (c, A12)]), events=ev, strategy="manual")
    p = by_id(res)
    assert (p["M1"].proposed, p["M1"].final, p["M1"].mean_score) == ("B", "B", D(95))
    assert (p["M2"].proposed, p["M2"].final, p["M2"].status) == (None, None, "pending")
    assert (p["M3"].proposed, p["M3"].final) == ("A", "D")
    lowered = next(f for f in res.findings if f.code == "level-lowered")
    assert (lowered.person_id, lowered.value, lowered.expected) == ("M3", "A", "D")
    assert "Kỷ luật trong năm" in lowered.message()
    assert [f.person_id for f in res.findings if f.code == "level-missing"] == ["M2"]


def test_strategy_from_the_unit_file_and_bad_strategy():
    res = annual.rate(2026, books(2026, [(CC, B12)]), config=UnitConfig(strategy="count"))
    assert res.people[0].strategy == "count"
    with pytest.raises(annual.RulesError):
        annual.rate(2026, [], config=UnitConfig(strategy="median"))


# --- months missing, hand-changed grades ------------------------------------------------------

def test_missing_months_are_reported_and_make_the_result_provisional():
    other = person("CC2", "Lê Văn Cường")
    specs = [85] * 6 + [None] + ["missing"] + [85] * 4      # absent in July, not submitted in August
    res = annual.rate(2026, books(2026, [(CC, specs), (other, B12)], skip=(5,)))
    p = by_id(res)
    months = [(m.month, m.reason) for m in p["CC1"].missing()]
    assert months == [(5, "không có bảng tổng hợp tháng"), (7, "không có tên trong bảng tổng hợp tháng"),
                      (8, "chưa nộp bảng điểm")]
    assert p["CC1"].provisional and p["CC1"].final == "B" and len(p["CC1"].evaluated()) == 9
    assert [m.month for m in p["CC2"].missing()] == [5] and p["CC2"].provisional
    assert [(f.code, f.value) for f in res.findings if f.code == "month-missing"] == [("month-missing", "2026-05")]
    pm = sorted((f.value, f.person_id, f.file) for f in res.findings if f.code == "person-month-missing")
    assert pm == [("2026-07", "CC1", None), ("2026-08", "CC1", "2026-08.xlsx")]
    assert res.ok    # warnings only
    assert res.months_present == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]


def test_provisional_can_be_turned_off_in_a_rules_file(tmp_path):
    f = tmp_path / "rules.yaml"
    f.write_text("extends: nd90-48\nid: don-vi\nannual:\n  missing_month_provisional: false\n", encoding="utf-8")
    res = annual.rate(2026, books(2026, [(CC, B12)], skip=(5,)), rules=str(f), events=NO_EVENTS)
    assert res.people[0].rules.id == "don-vi" and not res.people[0].provisional


def test_hand_changed_grade_above_the_band_is_an_error():
    specs = [85, 85, ("A", 85), ("C", 85)] + [85] * 8     # March raised by hand (error), April lowered (allowed)
    res = annual.rate(2026, books(2026, [(CC, specs)]))
    hand = [f for f in res.findings if f.code == "hand-grade-above-band"]
    assert len(hand) == 1
    f = hand[0]
    assert (f.file, f.sheet, f.cell, f.person_id, f.value, f.expected) == ("2026-03.xlsx", "Chi tiết", "O4",
                                                                           "CC1", "A", "B")
    assert f.message() == "Nguyễn Văn An: tháng 2026-03 sửa tay thành loại A, cao hơn mức điểm 85 cho phép (B)"
    p = res.people[0]
    assert p.grade_counts() == {"A": 1, "B": 10, "C": 1, "D": 0}     # counted as written, never changed
    assert p.months[3].hand_changed and not res.ok


def test_duplicate_month_for_a_person():
    bks = books(2026, [(CC, B12)])
    bks.append(books(2026, [(CC, A12)])[2])
    bks[-1].file = "copy-2026-03.xlsx"
    res = annual.rate(2026, bks)
    dup = [f for f in res.findings if f.code == "month-duplicate"]
    assert len(dup) == 1 and dup[0].value == "2026-03" and res.people[0].months[3].score == 85


def test_workbooks_of_another_year_or_unusable_are_skipped():
    bks = books(2026, [(CC, B12)]) + books(2025, [(CC, A12)], skip=tuple(range(2, 13)))
    bad = MonthlyWorkbook(file="x.xlsx", path="x.xlsx")
    from danhgia.findings import Finding

    bad.findings.append(Finding("not-a-tally", file="x.xlsx", params={"field": "Chi tiết"}))
    res = annual.rate(2026, bks + [bad])
    assert "month-outside-year" in codes(res) and "not-a-tally" in codes(res)
    assert res.people[0].mean_score == 85 and not res.ok


# --- overrides, alone -------------------------------------------------------------------------

def rate_one(specs, ev_row: dict | None, base=VC, year=2026, **kw):
    ev = ev_table([dict({"Mã": base["id"]}, **ev_row)]) if ev_row else None
    res = annual.rate(year, books(year, [(base, specs)]), events=ev, **kw)
    return res, res.people[0]


def test_override_not_classified_under_six_months():
    res, p = rate_one(B12, {"Số tháng công tác": 5})
    assert (p.status, p.final, p.level_label()) == ("not_classified", None, "Không xếp loại")
    assert [o.id for o in p.overrides] == ["not_classified"] and p.overrides[0].after is None
    assert "5 tháng" in p.overrides[0].effect and "dưới 6 tháng" in p.overrides[0].source
    assert p.level_label("en") == "Not classified"


def test_override_not_classified_derived_from_roster_dates_and_absence():
    from datetime import date

    ros = Roster("ds.xlsx", [Person(id="VC1", name="Trần Thị Bình", unit=UNIT, group="vien_chuc",
                                    start=date(2026, 8, 1))])
    specs = [None] * 7 + [85] * 5
    res = annual.rate(2026, books(2026, [(VC, specs)]), roster=ros)
    p = res.people[0]
    # employed August–December = 5 months → not classified; January–July are not missing
    assert (p.months_worked, p.status) == (5, "not_classified") and p.missing() == []
    assert [m.status for m in p.months.values()][:7] == ["not_employed"] * 7


def test_override_maternity_rates_the_months_worked():
    specs = [85] * 5 + ["KĐG:Nghỉ thai sản"] * 6 + [91]
    res, p = rate_one(specs, {"Số tháng công tác": 6, "Số tháng nghỉ thai sản": 6})
    # (5 × 85 + 91) / 6 = 516 / 6 = 86 → B
    assert (p.mean_score, p.final, [o.id for o in p.overrides]) == (D(86), "B", ["maternity"])
    assert "6 tháng làm việc thực tế" in p.overrides[0].effect
    # 4 months worked but 8 of maternity: classified all the same (maternity makes up the difference)
    specs = [85] * 4 + ["KĐG:Nghỉ thai sản"] * 8
    res, p = rate_one(specs, None)
    assert (p.maternity_months, p.months_worked, p.status, p.final) == (8, 4, "classified", "B")
    assert [o.id for o in p.overrides] == ["maternity"]


def test_override_discipline():
    res, p = rate_one(A12, {"Hình thức kỷ luật": "Khiển trách", "Ngày kỷ luật": "15/06/2026"})
    assert p.final == "D" and p.disciplined
    o = p.overrides[0]
    assert (o.id, o.before, o.after) == ("discipline", "A", "D")
    assert o.effect == "Kỷ luật (khiển trách) ngày 15/06/2026 → D" and "NĐ 90/2020" in o.source


@pytest.mark.parametrize("base,year,row,applies", [
    (VC, 2026, {"Hình thức kỷ luật": "Cảnh cáo", "Đã tính ở năm trước": "có"}, False),
    (VC, 2026, {"Hình thức kỷ luật": "Cảnh cáo", "Ngày kỷ luật": "2025-11-20"}, False),   # another year
    (VC, 2026, {"Hình thức kỷ luật": "Cảnh cáo", "Liên quan công vụ": "không"}, True),     # not công chức
    (CC, 2026, {"Hình thức kỷ luật": "Cảnh cáo", "Liên quan công vụ": "không"}, False),    # Luật 80/2025
    (CC, 2026, {"Hình thức kỷ luật": "Cảnh cáo", "Liên quan công vụ": "có"}, True),
    (CC, 2025, {"Hình thức kỷ luật": "Cảnh cáo", "Ngày kỷ luật": "01/03/2025", "Liên quan công vụ": "không"}, True),
    (CC, 2025, {"Hình thức kỷ luật": "Cảnh cáo", "Ngày kỷ luật": "01/09/2025", "Liên quan công vụ": "không"}, False),
])
def test_discipline_conditions(base, year, row, applies):
    res, p = rate_one(B12, row, base=base, year=year)
    assert (p.final == "D") is applies
    assert ([o.id for o in p.overrides] == ["discipline"]) is applies
    if not applies:
        assert p.notes and p.final == "B"


def test_discipline_min_form_in_a_unit_rules_file(tmp_path):
    f = tmp_path / "rules.yaml"
    f.write_text("extends: nd335-2025\nid: nd335-don-vi\nannual:\n  discipline:\n    min_form: cảnh cáo\n",
                 encoding="utf-8")
    cfg = UnitConfig(annual_rules={"cong_chuc": str(f)})
    res, p = rate_one(B12, {"Hình thức kỷ luật": "Khiển trách", "Liên quan công vụ": "có"}, base=CC, config=cfg)
    assert p.rules.id == "nd335-don-vi" and p.final == "B" and "nhẹ hơn cảnh cáo" in p.notes[0][0]
    res, p = rate_one(B12, {"Hình thức kỷ luật": "Hạ bậc lương", "Liên quan công vụ": "có"}, base=CC, config=cfg)
    assert p.final == "D"


def test_override_degradation():
    res, p = rate_one(A12, {"Kết luận suy thoái": "có"})
    assert (p.final, [(o.id, o.before, o.after) for o in p.overrides]) == ("D", [("degradation", "A", "D")])


LEADER = person("LD1", "Đỗ Văn Hùng", group="Viên chức", variant="Lãnh đạo quản lý", position="Trưởng phòng")


def test_override_leader_unit_results_nd90():
    # B-level leader, 80% of targets met: the B threshold (100%) fails, C (70%) holds → C
    row = {"% chỉ tiêu hoàn thành": 80, "% chỉ tiêu vượt": 10, "% đơn vị HTNV trở lên": 100,
           "% đơn vị HTT trở lên": 80, "Tham nhũng, lãng phí bị xử lý": "không"}
    res, p = rate_one(B12, row, base=LEADER)
    assert p.leader and p.final == "C"
    o = p.overrides[0]
    assert (o.id, o.before, o.after) == ("leader", "B", "C")
    assert "chỉ tiêu hoàn thành 80% < 100%" in o.effect and "leader-results-missing" not in codes(res)
    # A-level leader meeting every A threshold keeps A
    row_a = dict(row, **{"% chỉ tiêu hoàn thành": 100, "% chỉ tiêu vượt": 60})
    res, p = rate_one(A12, row_a, base=LEADER)
    assert (p.final, p.overrides) == ("A", [])
    # exceeded only 40%: A fails, B holds → B
    res, p = rate_one(A12, dict(row_a, **{"% chỉ tiêu vượt": 40}), base=LEADER)
    assert (p.final, p.overrides[0].after) == ("B", "B")
    # corruption handled in the unit: the C threshold fails too → D
    res, p = rate_one(A12, dict(row_a, **{"Tham nhũng, lãng phí bị xử lý": "có"}), base=LEADER)
    assert p.final == "D" and "tham nhũng" in p.overrides[0].effect


def test_leader_without_unit_results_is_warned_not_capped():
    res, p = rate_one(A12, None, base=LEADER)
    assert p.final == "A" and p.overrides == []
    f = next(f for f in res.findings if f.code == "leader-results-missing")
    assert f.person_id == "LD1" and f.severity == "warning"


def test_leader_corruption_under_nd335():
    boss = dict(LEADER, id="LD2", group="Công chức")
    res, p = rate_one(A12, {"Tham nhũng, lãng phí bị xử lý": "có"}, base=boss)
    assert p.rules.id == "nd335-2025" and p.final == "D" and p.overrides[0].id == "leader"
    res, p = rate_one(A12, {"Tham nhũng, lãng phí bị xử lý": "không"}, base=boss)
    assert p.final == "A" and "leader-results-missing" not in codes(res)


def test_override_absence_three_to_under_six_months():
    res, p = rate_one(A12, {"Số tháng nghỉ": 3})
    assert (p.final, [(o.id, o.before, o.after) for o in p.overrides]) == ("C", [("absence", "A", "C")])
    res, p = rate_one(A12, {"Số tháng nghỉ": D("2.5")})
    assert (p.final, p.overrides) == ("A", [])
    res, p = rate_one(A12, {"Số tháng nghỉ": 6})          # 12 − 6 = 6 worked: classified, no cap
    assert (p.final, p.months_worked) == ("A", 6)
    res, p = rate_one(A12, {"Số tháng nghỉ": 7})          # 5 worked → not classified
    assert p.status == "not_classified"


# --- overrides, combined (order of domain.md §3.3) --------------------------------------------

def test_maternity_and_discipline():
    specs = [95] * 6 + ["KĐG:Nghỉ thai sản"] * 6
    res, p = rate_one(specs, {"Số tháng nghỉ thai sản": 6, "Hình thức kỷ luật": "Khiển trách"})
    assert [(o.id, o.before, o.after) for o in p.overrides] == [("maternity", "A", "A"), ("discipline", "A", "D")]
    assert p.final == "D"


def test_not_classified_stops_further_overrides():
    res, p = rate_one(B12, {"Số tháng công tác": 4, "Hình thức kỷ luật": "Cảnh cáo", "Số tháng nghỉ": 4})
    assert [o.id for o in p.overrides] == ["not_classified"] and p.final is None


def test_discipline_then_absence_and_leader_then_absence():
    res, p = rate_one(A12, {"Hình thức kỷ luật": "Cảnh cáo", "Số tháng nghỉ": 4})
    assert [(o.id, o.after) for o in p.overrides] == [("discipline", "D"), ("absence", "D")] and p.final == "D"
    row = {"% chỉ tiêu hoàn thành": 100, "% chỉ tiêu vượt": 20, "% đơn vị HTNV trở lên": 100,
           "% đơn vị HTT trở lên": 90, "Tham nhũng, lãng phí bị xử lý": "không", "Số tháng nghỉ": 4}
    res, p = rate_one(A12, row, base=LEADER)
    assert [(o.id, o.before, o.after) for o in p.overrides] == [("leader", "A", "B"), ("absence", "B", "C")]


def test_degradation_and_discipline_both_recorded():
    res, p = rate_one(B12, {"Kết luận suy thoái": "có", "Hình thức kỷ luật": "Cảnh cáo"})
    assert [(o.id, o.before, o.after) for o in p.overrides] == [("discipline", "B", "D"), ("degradation", "D", "D")]


# --- quota per unit and task group; summary ---------------------------------------------------

def _quota_people():
    vp = [person(f"VP{i}", f"Văn phòng {i}", task_group="Văn phòng") for i in range(1, 6)]
    dc = [person(f"DC{i}", f"Địa chính {i}", task_group="Địa chính") for i in range(1, 7)]
    # base = rated exactly HTT (B): Văn phòng: 2 A (95, 92) + 3 B → base 3, 20% = 0.6 → 0 → exceeded;
    # Địa chính: 1 A + 5 B → base 5, cap 1, ok
    return ([(vp[0], [95] * 12), (vp[1], [92] * 12)] + [(p, B12) for p in vp[2:]]
            + [(dc[0], [93] * 12)] + [(p, B12) for p in dc[1:]])


def test_quota_breach_per_task_group():
    res = annual.rate(2026, books(2026, _quota_people()))
    (unit,) = res.units
    q = {c.task_group: c.result for c in unit.quota}
    assert (q["Văn phòng"].count, q["Văn phòng"].base, q["Văn phòng"].cap, q["Văn phòng"].status) == (2, 3, 0, "exceeded")
    assert [c.id for c in q["Văn phòng"].ranked] == ["VP1", "VP2"]
    assert (q["Địa chính"].count, q["Địa chính"].cap, q["Địa chính"].status) == (1, 1, "ok")
    f = next(f for f in res.findings if f.code == "quota-exceeded")
    assert f.message() == "Phòng Nội vụ › Văn phòng: 2 người loại A, vượt mức tối đa 0 (20% của 3)"
    assert not res.ok and res.quota_exceeded
    # never silently changed
    assert by_id(res)["VP2"].final == "A"
    d = unit.to_dict()
    assert d["quota_status"] == "exceeded"
    vp = next(x for x in d["quota"] if x["task_group"] == "Văn phòng")
    assert vp["ranked"] == [{"id": "VP1", "name": "Văn phòng 1", "score": 95}, {"id": "VP2", "name": "Văn phòng 2", "score": 92}]


def test_quota_pools_rule_sets_that_cap_alike():
    # 2026: cán bộ under NĐ 90/48, công chức under NĐ 335; both cap HTXS at 20% of HTT per task
    # group, so six leaders (1 HTXS, 5 HTT) form one group (cap 1), not groups of 2 and 4 (cap 0 each).
    ld = [person("LD1", "Chủ tịch", group="Cán bộ", task_group="Lãnh đạo"),
          person("LD2", "Phó Chủ tịch", group="Cán bộ", task_group="Lãnh đạo")] + \
         [person(f"LD{i}", f"Trưởng phòng {i}", group="Công chức", task_group="Lãnh đạo") for i in range(3, 7)]
    res = annual.rate(2026, books(2026, [(ld[0], A12)] + [(p, B12) for p in ld[1:]]))
    (check,) = res.units[0].quota
    assert (check.result.base, check.result.cap, check.result.status) == (5, 1, "ok")
    assert check.rules_id == "nd335-2025+nd90-48"
    # an outstanding unit: NĐ 90/48 allows 25%, NĐ 335 has no such cap → the pools separate
    res = annual.rate(2026, books(2026, [(ld[0], A12)] + [(p, B12) for p in ld[1:]]),
                      config=UnitConfig(exceptional=True))
    assert sorted(c.rules_id for c in res.units[0].quota) == ["nd335-2025", "nd90-48"]


def test_quota_outstanding_unit_cap_25():
    # NĐ 90/48 with QĐ 366: 25% for a unit with outstanding results (NĐ 335 has no such cap)
    vp = [person(f"VP{i}", f"Văn phòng {i}", group="Viên chức", task_group="Văn phòng") for i in range(1, 11)]
    people = [(vp[0], A12), (vp[1], A12)] + [(p, B12) for p in vp[2:]]   # 2 A, 8 HTT → 20%: 1.6 → 1; 25%: 2
    res = annual.rate(2026, books(2026, people))
    assert res.units[0].quota[0].result.status == "exceeded"
    res = annual.rate(2026, books(2026, people), config=UnitConfig(exceptional=True))
    r = res.units[0].quota[0].result
    assert (r.percent, r.cap, r.status, res.units[0].exceptional) == (25, 2, "ok", True)
    ev = ev_table([{"Mã": "VP1", "Đơn vị nổi bật": "có"}])
    res = annual.rate(2026, books(2026, people), events=ev)
    assert res.units[0].quota[0].result.status == "ok" and res.ok
    cc = [(dict(base, group="Công chức"), specs) for base, specs in people]
    res = annual.rate(2026, books(2026, cc), config=UnitConfig(exceptional=True))
    assert res.units[0].quota[0].result.percent == 20 and res.quota_exceeded


def test_summary_per_staff_group():
    people = [(person("C1", "C1"), A12), (person("C2", "C2"), B12), (person("C3", "C3"), B12),
              (person("V1", "V1", group="Viên chức"), [60] * 12), (person("V2", "V2", group="Viên chức"), B12),
              (person("L1", "L1", group="LĐHĐ", variant="LĐHĐ"), [40] * 12)]
    ev = ev_table([{"Mã": "V2", "Số tháng công tác": 3}, {"Mã": "L1", "Hình thức kỷ luật": "Khiển trách"}])
    res = annual.rate(2026, books(2026, people), events=ev)
    rows = {g.group: g for g in res.groups}
    assert list(rows) == ["can_bo", "cong_chuc", "vien_chuc", "ldhd", "total"]
    cc, vc, ld, tot = rows["cong_chuc"], rows["vien_chuc"], rows["ldhd"], rows["total"]
    assert (cc.staff, cc.classified, cc.grades) == (3, 3, {"A": 1, "B": 2, "C": 0, "D": 0})
    # the staff group shows its ratio; the verdict is the quota check's (per task group), on the total
    assert (cc.share("A"), cc.share("B"), cc.ab_ratio, cc.cap, cc.ab_status) == (D("33.33"), D("66.67"),
                                                                                D("50.00"), 20, None)
    assert tot.ab_status == res.units[0].quota_status == "exceeded"
    assert cc.base == "exactly_b"     # HTXS over those rated exactly HTT: 1 of 2
    assert (vc.staff, vc.classified, vc.not_classified, vc.grades["C"]) == (2, 1, 1, 1)
    assert (ld.grades["D"], ld.disciplined, ld.notes()) == (1, 1, "1 bị kỷ luật")
    assert (tot.staff, tot.classified, tot.not_classified) == (6, 5, 1)
    assert tot.grades == {"A": 1, "B": 2, "C": 1, "D": 1} and tot.share("D") == D(20)
    assert rows["can_bo"].staff == 0 and rows["can_bo"].share("A") is None
    d = res.to_dict()
    assert d["groups"][1]["percent"] == {"A": 33.33, "B": 66.67, "C": 0, "D": 0}


def test_transfer_note_and_events_for_unknown_people():
    ev = ev_table([{"Mã": "VC1", "Chuyển từ đơn vị": "Phòng Tư pháp", "Số tháng ở đơn vị cũ": 7},
                   {"Mã": "ZZ9", "Họ và tên": "Không ai", "Số tháng công tác": 12}])
    res = annual.rate(2026, books(2026, [(VC, B12)]), events=ev)
    assert res.people[0].notes == [("Chuyển từ Phòng Tư pháp (7 tháng): lấy ý kiến nhận xét của đơn vị cũ",
                                    "Transferred from Phòng Tư pháp (7 months): take the old unit's comments")]
    f = next(f for f in res.findings if f.code == "not-in-roster")
    assert (f.person_id, f.severity, f.file, f.sheet) == ("ZZ9", "warning", "sk.xlsx", "Sự kiện năm")


def test_json_shape():
    ev = ev_table([{"Mã": "VC1", "Hình thức kỷ luật": "Khiển trách"}])
    res = annual.rate(2026, books(2026, [(VC, [95] * 6 + ["KĐG:Nghỉ thai sản"] * 6)], skip=(12,)), events=ev)
    d = res.to_dict()
    assert set(d) >= {"year", "people", "units", "groups", "findings", "summary", "rules", "valid"}
    (p,) = d["people"]
    assert p["grades"] == {"A": 6, "B": 0, "C": 0, "D": 0}
    assert p["not_evaluated"] == [{"month": f"2026-{m:02d}", "reason": "Nghỉ thai sản"} for m in range(7, 12)]
    assert p["missing"] == [{"month": "2026-12", "reason": "không có bảng tổng hợp tháng"}]
    assert (p["mean_score"], p["proposed"], p["final"], p["final_label"], p["provisional"]) == \
        (95, "A", "D", "Không hoàn thành nhiệm vụ", True)
    assert [o["id"] for o in p["overrides"]] == ["maternity", "discipline"]
    assert set(p["overrides"][1]) == {"id", "rule", "effect", "before", "after", "source"}
    assert d["units"][0]["grades"] == {"A": 0, "B": 0, "C": 0, "D": 1}
    en = res.to_dict("en")
    assert en["people"][0]["final_label"] == "Did not complete tasks"
    assert en["people"][0]["overrides"][1]["rule"] == "Disciplined in the year"


def test_several_units_missing_months_and_summary_per_unit():
    x = person("X1", "Người X", unit="Phòng A")
    y = person("Y1", "Người Y", unit="Phòng B", group="Viên chức")
    bks = books(2026, [(x, B12)], unit="Phòng A") + books(2026, [(y, A12)], unit="Phòng B", skip=(3,))
    res = annual.rate(2026, bks, events=NO_EVENTS)
    assert [f.value for f in res.findings if f.code == "month-missing"] == ["2026-03 — Phòng B"]
    assert "person-month-missing" not in codes(res)
    p = by_id(res)
    assert [(m.month, m.reason) for m in p["Y1"].missing()] == [(3, "không có bảng tổng hợp tháng")]
    assert p["X1"].missing() == [] and not p["X1"].provisional and p["Y1"].provisional
    assert [u.unit for u in res.units] == ["Phòng A", "Phòng B"]
    units = {(g.unit, g.group): g for g in res.groups}
    assert len(res.groups) == 15                     # (2 units + all units) × (4 groups + total)
    assert units[("", "total")].grades == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert units[("Phòng B", "vien_chuc")].grades["A"] == 1 and units[("Phòng A", "vien_chuc")].staff == 0


def test_percent_is_exact_and_half_up():
    assert annual.percent(1, 800) == D("0.13")      # 0.125 → 0.13 (half-even would give 0.12)
    assert annual.percent(2, 3) == D("66.67") and annual.percent(0, 0) is None


def test_leader_with_partial_unit_results_gets_a_note_not_a_warning():
    row = {"% chỉ tiêu hoàn thành": 100, "% chỉ tiêu vượt": 60, "% đơn vị HTNV trở lên": 100,
           "% đơn vị HTT trở lên": 80}                        # corruption not stated
    res, p = rate_one(A12, row, base=LEADER)
    assert p.final == "A" and "leader-results-missing" not in codes(res)
    assert p.notes == [("Chưa có kết quả đơn vị: tham nhũng, lãng phí; điều kiện này chưa xét",
                        "Unit results not given: corruption or waste; not checked")]


def test_quota_base_exactly_htt_by_default_htt_or_better_as_option(tmp_path):
    # 1 HTXS + 4 HTT: exactly HTT → 20% of 4 = 0.8 → 0 allowed (breach); HTT or better → 20% of 5 = 1 (ok)
    people = [(person(f"P{i}", f"Người {i}", task_group="Văn phòng"), A12 if i == 0 else B12) for i in range(5)]
    res = annual.rate(2026, books(2026, people))
    (q,) = res.units[0].quota
    assert (q.result.base_kind, q.result.base, q.result.cap, q.result.status) == ("exactly_b", 4, 0, "exceeded")
    rules = tmp_path / "htt-tro-len.yaml"
    rules.write_text("extends: nd335-2025\nid: nd335-htt-tro-len\nannual:\n  quota:\n    base: b_or_better\n",
                     encoding="utf-8")
    res = annual.rate(2026, books(2026, people), config=UnitConfig(annual_rules={"cong_chuc": str(rules)}))
    (q,) = res.units[0].quota
    assert (q.result.base_kind, q.result.base, q.result.cap, q.result.status) == ("b_or_better", 5, 1, "ok")
    cc = next(g for g in res.groups if g.group == "cong_chuc")
    assert (cc.base, cc.ab_ratio, cc.ab_status) == ("b_or_better", D(20), None)
    assert next(g for g in res.groups if g.group == "total").ab_status == "ok"


def test_htxs_with_nobody_rated_htt_is_a_breach():
    people = [(person("P1", "Người 1", task_group="Văn phòng"), A12),
              (person("P2", "Người 2", task_group="Văn phòng"), [60] * 12)]
    res = annual.rate(2026, books(2026, people))
    (q,) = res.units[0].quota
    assert (q.result.base, q.result.cap, q.result.count, q.result.status) == (0, 0, 1, "exceeded")
    cc = next(g for g in res.groups if g.group == "cong_chuc")
    assert (cc.ab_ratio, cc.ab_status) == (D(100), None)
    assert next(g for g in res.groups if g.group == "total").ab_status == "exceeded"
    assert any(f.code == "quota-exceeded" for f in res.findings)


def test_without_events_every_result_is_provisional_and_said():
    """design.md §2: no events file → warning no-events; every result provisional; never silent."""
    res = annual.rate(2026, books(2026, [(CC, B12)]))
    (p,) = res.people
    assert p.provisional and p.final == "B"
    (f,) = [f for f in res.findings if f.code == "no-events"]
    assert f.severity == "warning"
    assert "kỷ luật" in f.message() and "tạm tính" in f.message()
    assert "discipline" in f.message("en")
    with_events = annual.rate(2026, books(2026, [(CC, B12)]), events=NO_EVENTS)
    assert not with_events.people[0].provisional and "no-events" not in codes(with_events)
