"""Quarters (NĐ 335: monitoring by month or quarter): a quarter's score from three monthly forms
(general = mean of the months worked; a, b, c cumulated from the product lists, else the mean of
the monthly ratios), a quarter tally workbook read back, and the annual from quarters, from a mix
of months and quarters, and with a transferee's periods from the old unit — known answers,
through the CLI on forms filled with openpyxl as an office does."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from danhgia import form
from danhgia import framework as fw_mod
from danhgia.period import parse_quarter_option, parse_quarter_text, quarter_label, quarter_months

from test_nd335_forms import FW, blanks  # noqa: F401  (fixture)
from test_nd335_products import _with_products


def fill_month(template: Path, out: Path, month: tuple[int, int], *, pid="CC01", name="Nguyễn Văn An",
               unit="Phòng Kinh tế", general=(10, 10, 10), ratios=(100, 90, 80), variant="nd335-01a",
               grade=None, quarter: int | None = None) -> Path:
    """A monthly (or, with ``quarter``, quarterly) Mẫu 01A filled by hand: self and leader alike."""
    v = fw_mod.load(FW).variant(variant)
    lay = form.layout_for(v)
    wb = openpyxl.load_workbook(template)
    ws = wb.active
    y, m = month
    for key, value in (("name", name), ("id", pid), ("unit", unit), ("year", y)):
        ws[lay.fields[key]] = value
    ws[lay.fields["month"]] = f"Quý {['I', 'II', 'III', 'IV'][quarter - 1]}" if quarter else m
    for code, value in zip(("I.1", "I.2", "I.3"), general):
        ws[lay.cell(code, "self")] = value
        ws[lay.cell(code, "leader")] = value
    for code, value in zip(("II.1", "II.2", "II.3"), ratios):
        ws[lay.cell(code, "self")] = value
        ws[lay.cell(code, "leader")] = value
    total = sum(D(str(g)) for g in general) + (sum(D(str(min(r, 100))) for r in ratios) / 3 * D("0.7")).quantize(D("0.01"))
    band = fw_mod.load(FW).grade_for(total)
    level = grade or {"A": "HTXSNV", "B": "HTTNV", "C": "HTNV", "D": "KHTNV"}[band]
    ws[lay.fields["self_grade"]] = level
    ws[lay.fields["decided_grade"]] = level
    ws[lay.fields["self_date"]] = datetime(y, m, 22 if m != 12 else 12)
    ws[lay.fields["leader_date"]] = datetime(y, m, 24 if m != 12 else 13)
    ws[lay.fields["head_date"]] = datetime(y, m, 24 if m != 12 else 13)
    wb.save(out)
    return out


def tally_json(cli, *paths, quarter="2026-Q4", out, extra=()):
    res = cli("tally", *paths, "--framework", FW, "--quarter", quarter, "--out", out, "--format", "json", *extra)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


# --- the period ---------------------------------------------------------------------------------


def test_quarter_texts():
    assert parse_quarter_option("2026-Q3") == (2026, 3)
    with pytest.raises(ValueError):
        parse_quarter_option("2026-Q5")
    assert parse_quarter_text("Kỳ: Quý IV năm 2026") == (2026, 4)
    assert parse_quarter_text("quý 3/2026") == (2026, 3)
    assert parse_quarter_text("Tháng 10 năm 2026") is None
    assert quarter_months((2026, 4)) == [(2026, 10), (2026, 11), (2026, 12)]
    assert quarter_label((2026, 3)) == "Quý III/2026" and quarter_label((2026, 3), "en") == "Q3 2026"


# --- a quarter from three monthly forms ---------------------------------------------------------


def test_quarter_from_three_monthly_forms_known_answer(cli, blanks, tmp_path):
    # Oct 30 + (100, 90, 80) → 93; Nov 27 + (100, 100, 100) → 97; Dec 24 + (90, 80, 70) → 80.
    # Quarter: general = (30 + 27 + 24) / 3 = 27; a = 96.67, b = 90, c = 83.33 (means of the
    # months) → mean 90 → task 63.00; total 90.00 → A (HTXSNV ≥ 90).
    t = blanks["nd335-01a"]
    fill_month(t, tmp_path / "t10.xlsx", (2026, 10), general=(10, 10, 10), ratios=(100, 90, 80))
    fill_month(t, tmp_path / "t11.xlsx", (2026, 11), general=(9, 9, 9), ratios=(100, 100, 100))
    fill_month(t, tmp_path / "t12.xlsx", (2026, 12), general=(8, 8, 8), ratios=(90, 80, 70))
    doc = tally_json(cli, tmp_path / "t10.xlsx", tmp_path / "t11.xlsx", tmp_path / "t12.xlsx",
                     out=tmp_path / "q4.xlsx")
    assert doc["quarter"] == "2026-Q4" and doc["month"] is None
    (p,) = doc["people"]
    assert p["status"] == "classified", p
    assert D(str(p["leader_total"])) == D("90.00") and p["grade"] == "A"
    assert {k: D(str(v)) for k, v in p["ratios"].items()} == {"a": D("96.67"), "b": D("90.00"), "c": D("83.33")}
    assert D(str(p["blocks"]["I"])) == D("27.00") and D(str(p["blocks"]["II"])) == D("63.00")
    assert p["months"] == [10, 11, 12]
    assert any("trung bình tỷ lệ các tháng" in n for n in p["notes"])   # which way it was computed, said



def test_quarter_cumulates_the_product_lists(cli, blanks, tmp_path):
    # Lists: Oct (10 assigned, 10 done, 1 error), Nov (10, 8, 2 delays), Dec (20, 20).
    # Cumulated: a = 38/40 = 95.00; b = (7.5 + 8 + 20)/38 = 93.42; c = (10 + 4 + 20)/38 = 89.47
    # → mean 92.63 → task 64.84 (the mean of the monthly ratios would give 62.61); total 94.84.
    t = blanks["nd335-01a"]
    paths = []
    for m, ratios, rows in ((10, (100, 75, 100), [("Tờ trình", 10, 10, 1, 0)]),
                            (11, (80, 100, 50), [("Báo cáo", 10, 8, 0, 2)]),
                            (12, (100, 100, 100), [("Kế hoạch", 20, 20, 0, 0)])):
        f = fill_month(t, tmp_path / f"t{m}.xlsx", (2026, m), ratios=ratios)
        paths.append(_with_products(f, rows))
    doc = tally_json(cli, *paths, out=tmp_path / "q4.xlsx")
    (p,) = doc["people"]
    assert p["status"] == "classified", p
    assert {k: D(str(v)) for k, v in p["ratios"].items()} == {"a": D("95.00"), "b": D("93.42"), "c": D("89.47")}
    assert D(str(p["blocks"]["II"])) == D("64.84") and D(str(p["leader_total"])) == D("94.84")
    assert any("cộng dồn từ bảng kê" in n for n in p["notes"])


def test_a_missing_month_leaves_the_quarter_undecided(cli, blanks, tmp_path):
    t = blanks["nd335-01a"]
    roster = tmp_path / "ds.csv"
    roster.write_text("Mã,Họ và tên,Đơn vị,Nhóm,Bảng điểm\nCC01,Nguyễn Văn An,Phòng Kinh tế,Công chức,Mẫu 01A\n",
                      encoding="utf-8")
    d = tmp_path / "in"
    d.mkdir()
    fill_month(t, d / "t10.xlsx", (2026, 10))
    fill_month(t, d / "t11.xlsx", (2026, 11))
    doc = tally_json(cli, d, out=tmp_path / "q4.xlsx", extra=("--roster", roster))
    (p,) = doc["people"]
    assert p["status"] == "missing" and p["grade"] is None
    assert any("tháng 12" in n for n in p["notes"])


def test_quarterly_form_is_read_as_the_quarter(cli, blanks, tmp_path):
    f = fill_month(blanks["nd335-01a"], tmp_path / "q.xlsx", (2026, 12), quarter=4, ratios=(100, 100, 100))
    doc = tally_json(cli, f, out=tmp_path / "q4.xlsx")
    (p,) = doc["people"]
    assert p["status"] == "classified" and p["grade"] == "A" and D(str(p["leader_total"])) == D("100")
    assert any(n.startswith("Phiếu quý IV/2026") for n in p["notes"])


def test_quarter_refused_for_a_monthly_framework_or_forms_of_another_quarter(cli, blanks, tmp_path):
    res = cli("tally", tmp_path, "--framework", "hanoi-2022", "--quarter", "2026-Q4", "--out", tmp_path / "o.xlsx")
    assert res.exit_code == 2 and "hanoi-2022" in res.output
    f = fill_month(blanks["nd335-01a"], tmp_path / "q.xlsx", (2026, 12), quarter=4)
    res = cli("tally", f, "--framework", FW, "--quarter", "2026-Q3", "--out", tmp_path / "o.xlsx")
    assert res.exit_code == 2 and "quý III/2026" in res.output and "Quý IV/2026" in res.output
    res = cli("tally", tmp_path, "--framework", FW, "--quarter", "2026-Q4", "--month", "2026-10",
              "--out", tmp_path / "o.xlsx")
    assert res.exit_code == 2


# --- the quarter's workbook, read back by the annual --------------------------------------------


def _quarter_book(cli, blanks, tmp_path, q: str, people: dict[str, tuple], unit="Phòng Kinh tế") -> Path:
    """A quarter's tally of ``people`` (id → (general triple, ratios triple)) from the three
    monthly forms of each (alike, so the quarter's score is theirs)."""
    qq = parse_quarter_option(q)
    d = tmp_path / f"in-{q}-{unit}"
    d.mkdir()
    for pid, (general, ratios) in people.items():
        for ym in quarter_months(qq):
            fill_month(blanks["nd335-01a"], d / f"{pid}-{ym[1]}.xlsx", ym, pid=pid, name=f"Người {pid}",
                       unit=unit, general=general, ratios=ratios)
    out = tmp_path / f"tong-hop-{q}-{len(unit)}.xlsx"
    tally_json(cli, d, quarter=q, out=out)
    return out


def annual_json(cli, tmp_path, *books, extra=()):
    res = cli("annual", *books, "--year", "2026", "--out", tmp_path / "nam.xlsx", "--format", "json", *extra)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_annual_from_four_quarters_averages_the_quarter_scores(cli, blanks, tmp_path):
    # Q1 93, Q2 97, Q3 80, Q4 90 → mean 90.00 → HTXS (a quarter counts once per month it covers,
    # so four quarters give the plain mean of the four period scores, NĐ 335 Art. 21)
    scores = {"2026-Q1": ((10, 10, 10), (100, 90, 80)), "2026-Q2": ((9, 9, 9), (100, 100, 100)),
              "2026-Q3": ((8, 8, 8), (90, 80, 70)), "2026-Q4": ((9, 9, 9), (90, 90, 90))}
    books = [_quarter_book(cli, blanks, tmp_path, q, {"CC01": s}) for q, s in scores.items()]
    doc = annual_json(cli, tmp_path, *books)
    (p,) = doc["people"]
    assert D(str(p["mean_score"])) == D("90.00"), p
    assert p["proposed"] == "A"
    assert any("Quý IV/2026" in n for n in p["notes"])


def test_annual_mixing_months_and_quarters(cli, blanks, tmp_path):
    # months 1–6 from monthly tallies (each 93), Q3 (80) and Q4 (97) from quarterly ones:
    # (6 × 93 + 3 × 80 + 3 × 97) / 12 = 90.75
    books = []
    for m in range(1, 7):
        d = tmp_path / f"m{m}"
        d.mkdir()
        fill_month(blanks["nd335-01a"], d / "a.xlsx", (2026, m))
        out = tmp_path / f"t{m}.xlsx"
        res = cli("tally", d, "--framework", FW, "--month", f"2026-{m:02d}", "--out", out)
        assert res.exit_code == 0, res.output
        books.append(out)
    books.append(_quarter_book(cli, blanks, tmp_path, "2026-Q3", {"CC01": ((8, 8, 8), (90, 80, 70))}))
    books.append(_quarter_book(cli, blanks, tmp_path, "2026-Q4", {"CC01": ((9, 9, 9), (100, 100, 100))}))
    doc = annual_json(cli, tmp_path, *books)
    (p,) = doc["people"]
    assert D(str(p["mean_score"])) == D("90.75"), p
    note = next(n for n in p["notes"] if n.startswith("Các kỳ"))
    assert "tháng 1, 2, 3, 4, 5, 6" in note and "Quý III/2026" in note and "Quý IV/2026" in note
    assert not any(f["code"] == "month-missing" for f in doc["findings"])


def test_transferee_periods_from_the_old_unit_are_averaged(cli, blanks, tmp_path):
    # CC07 spent Q1–Q2 at the old unit (its quarter tallies: 80 and 84) and Q3–Q4 here (92, 96):
    # the new unit averages all four → 88.00 → HTT
    # Q1 24 + 56 = 80; Q2 28 + 56 = 84; Q3 29 + 63 = 92; Q4 26 + 70 = 96
    old = [_quarter_book(cli, blanks, tmp_path, q, {"CC07": s}, unit="Phòng Nội vụ")
           for q, s in (("2026-Q1", ((8, 8, 8), (80, 80, 80))), ("2026-Q2", ((9.5, 9.5, 9), (80, 80, 80))))]
    new = [_quarter_book(cli, blanks, tmp_path, q, {"CC07": s}, unit="Phòng Kinh tế")
           for q, s in (("2026-Q3", ((10, 10, 9), (100, 90, 80))), ("2026-Q4", ((9, 9, 8), (100, 100, 100))))]
    doc = annual_json(cli, tmp_path, *old, *new)
    (p,) = doc["people"]
    assert D(str(p["mean_score"])) == D("88.00"), p
    assert p["proposed"] == "B"
    # as the new unit runs it: its roster (CC07 from 1/7) and the events (6 months at the old unit)
    from test_months_worked import roster

    ros = roster(tmp_path / "ds.xlsx", [{"id": "CC07", "name": "Người CC07", "start": date(2026, 7, 1)}],
                 [{"Mã": "CC07", "Chuyển từ đơn vị": "Phòng Nội vụ", "Số tháng ở đơn vị cũ": 6}])
    doc = annual_json(cli, tmp_path, *old, *new, extra=("--roster", ros, "--force"))
    (p,) = doc["people"]
    assert D(str(p["mean_score"])) == D("88.00") and p["final"] == "B" and p["status"] == "classified", p
    assert D(str(p["months_worked"])) == 12
    assert any("Chuyển từ Phòng Nội vụ (6 tháng)" in n for n in p["notes"])
    assert any("Quý I/2026" in n and "Quý IV/2026" in n for n in p["notes"])


def test_a_month_in_both_a_monthly_and_a_quarter_tally_uses_the_quarter(cli, blanks, tmp_path):
    d = tmp_path / "m10"
    d.mkdir()
    fill_month(blanks["nd335-01a"], d / "a.xlsx", (2026, 10), general=(5, 5, 5), ratios=(50, 50, 50))
    month_book = tmp_path / "t10.xlsx"
    assert cli("tally", d, "--framework", FW, "--month", "2026-10", "--out", month_book).exit_code == 0
    q4 = _quarter_book(cli, blanks, tmp_path, "2026-Q4", {"CC01": ((10, 10, 10), (100, 100, 100))})
    doc = annual_json(cli, tmp_path, month_book, q4)
    (p,) = doc["people"]
    october = next(m for m in p["months"] if m["month"] == "2026-10")
    assert D(str(october["score"])) == D("100")
    assert any(f["code"] == "period-overlap" and f["value"] == "10" for f in doc["findings"])


def test_roster_words_stay_known_with_hanoi_and_nd335_in_use(tmp_path):
    """A unit on the city's framework with công chức on NĐ 335 (the example's fourth quarter):
    the roster's «Lãnh đạo quản lý» names Hanoi's variant (not ambiguous with Mẫu 01B, which
    replaces it); a công chức's framework then maps it to Mẫu 01B."""
    from danhgia import config
    from danhgia.model import ReadContext
    from danhgia.read.roster import load

    from conftest import EXAMPLES

    cfg = config.UnitConfig(framework="hanoi-2022", frameworks={"cong_chuc": "nd335-2025"})
    ctx = ReadContext(config=cfg)
    roster = load(EXAMPLES / "danh-sach.xlsx", ctx.variant_names())
    hb004 = next(p for p in roster.people if p.id == "HB004")
    assert hb004.variant == "lanh-dao-quan-ly"
    assert ctx.framework_for(hb004.variant, hb004.group).variant_for(hb004.variant).id == "nd335-01b"


def test_the_example_unit_s_fourth_quarter(cli, tmp_path):
    """examples/2026-Q4: the ward's công chức on NĐ 335 quarterly forms (README's walk-through)."""
    from conftest import EXAMPLES

    res = cli("tally", EXAMPLES / "2026-Q4", "--quarter", "2026-Q4", "--out", tmp_path / "q4.xlsx", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    people = {p["id"]: p for p in doc["people"]}
    assert len(people) == 19 and all(p["group"] == "cong_chuc" for p in people.values())
    # HB008: 30 + 70 × mean(100, 100, 95) = 30 + 68.83 → 98.83 → A
    assert D(str(people["HB008"]["leader_total"])) == D("98.83") and people["HB008"]["grade"] == "A"
    assert people["HB008"]["variant"] == "nd335-01a" and people["HB004"]["variant"] == "nd335-01b"
    assert (people["HB013"]["status"], people["HB013"]["codes"]) == ("invalid", ["total-mismatch"])
    assert people["HB019"]["status"] == "invalid" and "ratio-out-of-range" in people["HB019"]["codes"]
    assert people["HB021"]["status"] == "missing"
    (nq,) = [f for f in doc["findings"] if f["code"] == "not-quarterly"]
    assert nq["value"] == 21 and "hanoi-2022" in nq["message"]


def test_a_district_rolls_up_its_units_quarters(cli, blanks, tmp_path):
    ward = _quarter_book(cli, blanks, tmp_path, "2026-Q4", {"CC01": ((10, 10, 10), (100, 90, 80))}, unit="Phường A")
    school = _quarter_book(cli, blanks, tmp_path, "2026-Q4", {"CC02": ((9, 9, 9), (100, 100, 100))}, unit="Phường Bình")
    other = _quarter_book(cli, blanks, tmp_path, "2026-Q3", {"CC03": ((9, 9, 9), (100, 100, 100))}, unit="Phường Cũ")
    doc = tally_json(cli, ward, school, other, out=tmp_path / "quan.xlsx")
    people = {p["id"]: p for p in doc["people"]}
    assert set(people) == {"CC01", "CC02"}
    assert D(str(people["CC01"]["leader_total"])) == D("93") and people["CC02"]["grade"] == "A"
    assert people["CC01"]["months"] == [10, 11, 12]
    (bad,) = [f for f in doc["findings"] if f["code"] == "month-mismatch"]
    assert "Quý III/2026" in bad["message"] and "Quý IV/2026" in bad["message"]
    # a quarter's workbook in a month's roll-up is said as a quarter, not a month
    res = cli("tally", ward, "--framework", FW, "--month", "2026-12", "--out", tmp_path / "t12.xlsx", "--format", "json")
    (bad,) = [f for f in json.loads(res.stdout)["findings"] if f["code"] == "month-mismatch"]
    assert "Quý IV/2026" in bad["message"] and "tháng Quý" not in bad["message"]


def test_the_quarter_s_quota_is_counted_on_the_quarter_not_on_its_months(cli, blanks, tmp_path):
    # October has two A sheets; the quarter has one A (CC01 90.00; CC02 93, 77, 77 → 82.33, B):
    # the quota line is the quarter's (1 A), not October's (2 A)
    t = blanks["nd335-01a"]
    for pid, months in (("CC01", (((10, 10, 10), (100, 90, 80)), ((9, 9, 9), (100, 100, 100)), ((8, 8, 8), (90, 80, 70)))),
                        ("CC02", (((10, 10, 10), (100, 90, 80)), ((7, 7, 7), (80, 80, 80)), ((7, 7, 7), (80, 80, 80))))):
        for m, (general, ratios) in zip((10, 11, 12), months):
            fill_month(t, tmp_path / f"{pid}-{m}.xlsx", (2026, m), pid=pid, name=f"Người {pid}",
                       general=general, ratios=ratios)
    doc = tally_json(cli, *sorted(tmp_path.glob("CC*.xlsx")), out=tmp_path / "q4.xlsx")
    grades = {p["id"]: p["grade"] for p in doc["people"]}
    assert grades == {"CC01": "A", "CC02": "B"}
    quota = [f for f in doc["findings"] if f["code"].startswith("quota-")]
    assert [(f["code"], f["value"]) for f in quota] == [("quota-exceeded", 1)], quota


def test_a_quarter_with_two_monthly_forms_and_no_roster_says_so(cli, blanks, tmp_path):
    t = blanks["nd335-01a"]
    fill_month(t, tmp_path / "t10.xlsx", (2026, 10))
    fill_month(t, tmp_path / "t11.xlsx", (2026, 11))
    doc = tally_json(cli, tmp_path / "t10.xlsx", tmp_path / "t11.xlsx", out=tmp_path / "q4.xlsx")
    (p,) = doc["people"]
    assert p["months"] == [10, 11] and D(str(p["leader_total"])) == D("93")
    assert any("Không có kết quả tháng 12" in n for n in p["notes"])
    assert any(f["code"] == "no-roster" for f in doc["findings"])
