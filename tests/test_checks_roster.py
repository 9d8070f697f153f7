"""Roster checks: not in roster, variant mismatch, exempt month (per sheet); duplicate person and
missing submission (over the run)."""

from __future__ import annotations

from danhgia.checks import roster as roster_checks
from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from danhgia.roster import Person, Roster
from fixtures.validate.sheets import make_sheet

ROSTER = Roster(source="ds.xlsx", people=[
    Person(id="HN001", name="Nguyễn Văn A", unit="Phòng Nội vụ", group="cong_chuc", variant="chuyen-vien",
           where="ds.xlsx › Danh sách › dòng 2"),
    Person(id="HN002", name="Trần Thị B", unit="Phòng Nội vụ", group="cong_chuc", variant="lanh-dao-quan-ly",
           where="ds.xlsx › Danh sách › dòng 3"),
    Person(id="GV01", name="Lê Thị C", unit="Trường THCS", group="vien_chuc", variant="chuyen-vien", teacher=True,
           where="ds.xlsx › Danh sách › dòng 4"),
    Person(id="HN004", name="Phạm Văn D", unit="Phòng Nội vụ", group="cong_chuc", variant="chuyen-vien",
           not_evaluated={(2026, 10): "Nghỉ thai sản"}, where="ds.xlsx › Danh sách › dòng 5"),
])
CTX = ReadContext(roster=ROSTER)


def sheet_findings(sheet, month=(2026, 10)):
    return check_sheet(sheet, CTX, month).findings


def test_person_in_roster_is_clean():
    assert sheet_findings(make_sheet()) == []


def test_not_in_roster_at_the_id_cell():
    f = sheet_findings(make_sheet(fields={"id": "HN999"}))
    assert [(x.code, x.cell, x.value) for x in f] == [("not-in-roster", "B3", "HN999")]


def test_id_is_matched_without_case_or_spaces():
    assert sheet_findings(make_sheet(fields={"id": " hn001 "})) == []


def test_variant_mismatch_leader_on_the_specialist_sheet():
    f = sheet_findings(make_sheet("chuyen-vien", fields={"id": "HN002", "name": "Trần Thị B"}))
    assert [(x.code, x.value, x.expected) for x in f] == [("variant-mismatch", "chuyen-vien", "lanh-dao-quan-ly")]
    assert "CHUYÊN VIÊN" in f[0].message() and "LÃNH ĐẠO QUẢN LÝ" in f[0].message()


def test_teacher_in_summer_is_exempt_and_the_sheet_is_not_checked():
    sheet = make_sheet(fields={"id": "GV01", "name": "Lê Thị C", "month": "Tháng 7 năm 2026",
                               "self_date": None}, self_scores={"I.1.1": 9}, period=(2026, 7))
    o = check_sheet(sheet, CTX, (2026, 7))
    assert [(x.code, x.cell, x.severity) for x in o.findings] == [("exempt-month", "B6", "warning")]
    assert o.not_evaluated and "Giáo viên" in o.not_evaluated


def test_teacher_in_october_is_evaluated():
    sheet = make_sheet(fields={"id": "GV01", "name": "Lê Thị C"})
    assert sheet_findings(sheet) == []


def test_roster_month_not_evaluated():
    f = sheet_findings(make_sheet(fields={"id": "HN004", "name": "Phạm Văn D"}))
    assert [(x.code, x.cell) for x in f] == [("exempt-month", "B6")]
    assert "Nghỉ thai sản" in f[0].message()


def outcomes(*sheets):
    return [check_sheet(s, CTX, (2026, 10)) for s in sheets]


def test_duplicate_person_across_files_reported_on_the_second():
    outs = outcomes(make_sheet(file="a.xlsx"), make_sheet(file="b.xlsx"))
    f = [x for x in roster_checks.run_check(outs, None, (2026, 10), CTX.framework_for) if x.code == "duplicate-person"]
    assert [(x.file, x.cell, x.person_id) for x in f] == [("b.xlsx", "B3", "HN001")]
    assert "a.xlsx" in f[0].message()


def test_missing_submission_skips_exempt_and_submitted():
    outs = outcomes(make_sheet(file="a.xlsx"))
    f = list(roster_checks.run_check(outs, ROSTER, (2026, 10), CTX.framework_for))
    assert [(x.code, x.file, x.sheet, x.person_id) for x in f] == [
        ("missing-submission", "ds.xlsx", "Danh sách", "HN002"),
        ("missing-submission", "ds.xlsx", "Danh sách", "GV01")]


def test_missing_submission_teacher_in_summer_not_expected():
    f = list(roster_checks.run_check([], ROSTER, (2026, 7), CTX.framework_for))
    assert [x.person_id for x in f] == ["HN001", "HN002", "HN004"]


def test_missing_submission_month_inferred_from_the_sheets():
    outs = outcomes(make_sheet(file="a.xlsx"))
    assert len(list(roster_checks.run_check(outs, ROSTER, None, CTX.framework_for))) == 2


def test_people_not_yet_employed_are_not_missing():
    from datetime import date
    r = Roster(source="ds.csv", people=[Person(id="X1", name="Mới", start=date(2026, 11, 1), where="ds.csv › dòng 2")])
    assert list(roster_checks.run_check([], r, (2026, 10), CTX.framework_for)) == []
