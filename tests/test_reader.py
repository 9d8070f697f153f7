"""The reader: read_file + locate find scoresheets by labels and codes, in every format and
layout units really send (templates, LibreOffice re-saves, a unit's own form, legacy encodings)."""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from danhgia import framework as fw_mod
from danhgia.read import legacy
from danhgia import form
from danhgia.write import template as tpl
from danhgia.read.locate import locate
from danhgia.read.workbook import read_file
from danhgia.text import strip_accents
from danhgia.model import ReadContext, Scoresheet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LO = FIXTURES / "libreoffice"
FW = fw_mod.load("hanoi-2022")
CV = FW.variant("chuyen-vien")

_spec = importlib.util.spec_from_file_location("make_libreoffice", FIXTURES / "make_libreoffice.py")
make_lo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_lo)
CASES = make_lo.CASES


def read1(path: Path, ctx: ReadContext | None = None) -> Scoresheet:
    sheets, findings = read_file(path, path.name, ctx or ReadContext())
    assert [f for f in findings if f.severity != "info"] == [], [f.message() for f in findings]
    assert len(sheets) == 1
    return sheets[0]


def _plain(raw):
    """Raw cell values compared across formats: 2.0 == 2, '' == None, datetime == date."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        return Decimal(repr(float(raw))).normalize()
    if isinstance(raw, datetime):
        return raw.date()
    return raw


def summary(s: Scoresheet) -> dict:
    return {
        "variant": s.variant, "framework": s.framework_id, "period": s.period, "period_cell": s.period_cell,
        "fields": {k: (e.cell, _plain(e.raw)) for k, e in s.fields.items()},
        # leaves' scores as typed; parents' cells are formulas (compared as stored totals)
        "rows": {code: (r.row, _plain(r.max.raw),
                        {c: (e.cell, None if code in s.stored_totals else _plain(e.raw)) for c, e in r.scores.items()},
                        r.note.text() if r.note else None)
                 for code, r in s.rows.items()},
        "notes": [(f.code, f.cell) for f in s.notes],
    }


def filled(tmp_path: Path, case: dict, name: str = "filled.xlsx") -> Path:
    fw = fw_mod.load(case["framework"])
    blank = tmp_path / f"blank-{name}"
    tpl.write_template(blank, fw, fw.variant(case["variant"]))
    out = tmp_path / name
    make_lo.fill(blank, out, case)
    return out


def leaf_sums(s: Scoresheet, column: str) -> dict[str, Decimal]:
    """Parent code → sum of its leaves' values (None when all blank)."""
    variant = fw_mod.load(s.framework_id or "hanoi-2022").variant(s.variant)
    vals = s.leaf_values(column)
    out = {}

    def total(c):
        if not c.children:
            return vals.get(c.code)
        parts = [total(ch) for ch in c.children]
        known = [p for p in parts if p is not None]
        out[c.code] = sum(known, Decimal(0)) if known else None
        return out[c.code]

    out["TOTAL"] = None
    parts = [total(c) for c in variant.criteria]
    known = [p for p in parts if p is not None]
    out["TOTAL"] = sum(known, Decimal(0)) if known else None
    return out


# --- a template filled by a script reads back exactly -----------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_filled_template_reads_back_exactly(tmp_path, name):
    case = CASES[name]
    fw = fw_mod.load(case["framework"])
    lay = form.layout_for(fw.variant(case["variant"]))
    s = read1(filled(tmp_path, case))
    assert (s.variant, s.variant_source, s.framework_id) == (case["variant"], "marker", case["framework"])
    assert s.period == (case["fields"]["year"], case["fields"]["month"])
    assert s.period_cell == lay.fields["month"]
    for key, value in case["fields"].items():
        e = s.fields[key]
        assert e.cell == lay.fields[key]
        if key.endswith("_date"):
            assert e.date().value == (value if isinstance(value, date) else
                                      datetime.strptime(value, "%d/%m/%Y").date())
        elif isinstance(value, str):
            assert e.raw == value
        else:
            assert e.number().value == Decimal(str(value))
    for column in ("self", "leader"):
        for code, value in case[column].items():
            e = s.rows[code].scores[column]
            assert e.cell == lay.cell(code, column)
            assert e.number().value == Decimal(str(value)), code
    for code, text in case["notes"].items():
        assert s.rows[code].note.raw == text
    assert s.notes == []
    assert s.columns == {"max": "C", "self": "D", "leader": "E", "note": "F"}
    # openpyxl drops cached values: the stored totals are blank, which is normal
    assert all(e.blank for per in s.stored_totals.values() for e in per.values())
    assert set(s.stored_totals) == {c.code for c, _ in fw.variant(case["variant"]).walk() if c.children} | {"TOTAL"}


# --- LibreOffice re-saves (committed fixtures) ------------------------------------------------


def test_expected_json_matches_the_cases():
    expected = json.loads((LO / "expected.json").read_text("utf-8"))
    assert sorted(expected) == sorted(CASES)
    for name, case in CASES.items():
        assert expected[name]["self"] == case["self"]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("suffix", [".lo.xlsx", ".xls", ".ods"])
def test_libreoffice_resave_reads_like_the_original(name, suffix):
    orig = read1(LO / f"{name}.orig.xlsx")
    other = read1(LO / f"{name}{suffix}")
    assert summary(orig) == summary(other)
    assert orig.person == CASES[name]["fields"]["name"]
    # LibreOffice recalculated the formulas: stored totals are the sums of the leaves
    sums = {col: leaf_sums(other, col) for col in ("self", "leader")}
    seen = 0
    for code, per in other.stored_totals.items():
        for col, e in per.items():
            if not e.blank:
                seen += 1
                assert e.number().value == sums[col][code], (suffix, code, col)
    assert seen >= 8


SOFFICE = make_lo.soffice()


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; the committed "
                                            "fixtures in tests/fixtures/libreoffice cover re-saved files")
def test_libreoffice_live_roundtrip(tmp_path):
    case = CASES["hanoi-2022-chuyen-vien"]
    src = filled(tmp_path, case, "live.xlsx")
    want = summary(read1(src))
    for fmt in ("xls", "ods"):
        out = make_lo.convert(src, fmt, tmp_path / fmt)
        assert summary(read1(out)) == want


# --- a unit's own form --------------------------------------------------------------------------


def _unit_form(path: Path, nfd: bool = False, encode=None) -> dict:
    """A form laid out the unit's way: columns moved (note, leader, self, max), an extra «Ton tai»
    column, a merged two-line header, a numbering row, labels without diacritics and without
    codes below block level, two inserted blank rows, a block subtotal row, scores typed as
    text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phieu T10"
    t = (lambda s: unicodedata.normalize("NFD", s)) if nfd else (encode or (lambda s: s))
    ws["A1"] = t("UBND QUAN HOAN KIEM")
    ws.merge_cells("A2:G2")
    ws["A2"] = t("PHIEU DANH GIA, XEP LOAI CONG CHUC KHONG GIU CHUC VU - THANG 10 NAM 2026")
    ws["A3"] = t("Ho ten: Tran Thi Binh")
    ws["D3"], ws["E3"] = t("Ma so:"), "HN002"
    ws["A4"], ws["B4"] = t("Chuc vu:"), t("Chuyen vien")
    ws["D4"], ws["E4"] = t("Phong:"), t("Phong Noi vu")
    for rng, text in (("A6:A7", "STT"), ("B6:B7", "Noi dung danh gia"), ("C6:C7", "Ghi chu"),
                      ("F6:F7", "Diem chuan"), ("G6:G7", "Ton tai"), ("D6:E6", "Diem danh gia")):
        ws.merge_cells(rng)
        ws[rng.split(":")[0]] = t(text)
    ws["D7"], ws["E7"] = t("Lanh dao cham"), t("Ca nhan tu cham")
    for i, col in enumerate("ABCDEFG", start=1):
        ws[f"{col}8"] = f"({i})"
    r = 9
    cells: dict[str, tuple[int, object, object]] = {}
    self_vals = CASES["hanoi-2022-chuyen-vien"]["self"]
    leader_vals = CASES["hanoi-2022-chuyen-vien"]["leader"]
    text_scores = {"I.2.1": "3", "I.2.2": "2,5", "II.1.8": " 2,5 "}
    for c, depth in CV.walk():
        label = strip_accents(c.label)
        if depth == 0:
            ws[f"A{r}"] = c.code
        elif depth == 1:
            ws[f"A{r}"] = int(c.code.split(".")[-1])
            label = label.upper() if c.code == "I.2" else label
        else:
            ws[f"A{r}"] = "-"
        if c.code == "I.1.2":
            label += " (2 diem)"
        ws[f"B{r}"] = t(label)
        ws[f"F{r}"] = float(c.max)
        if not c.children:
            sv = text_scores.get(c.code, self_vals.get(c.code))
            ws[f"E{r}"] = sv
            ws[f"D{r}"] = leader_vals.get(c.code)
            cells[c.code] = (r, sv, leader_vals.get(c.code))
        else:
            cells[c.code] = (r, None, None)
        r += 1
        if c.code == "I.2.3":
            r += 2                                             # two blank rows inserted
        if c.code == "I.2.6":
            ws[f"B{r}"], ws[f"E{r}"] = t("Tong diem muc I"), 19  # a block subtotal row
            r += 1
    ws[f"B{r}"], ws[f"E{r}"], ws[f"D{r}"] = t("Tong cong"), 86.5, 84
    total_row = r
    ws[f"A{r + 2}"] = t("Tu xep loai: B")
    ws[f"A{r + 3}"], ws[f"B{r + 3}"] = t("Ngay tu danh gia:"), "22/10/2026"
    ws[f"A{r + 4}"], ws[f"D{r + 4}"] = t("Thu truong quyet dinh xep loai:"), "B"
    ws[f"A{r + 5}"] = t("Noi dung de nghi cong diem thuong:")
    ws[f"B{r + 5}"] = t("Tham muu quy che phoi hop")
    wb.save(path)
    return {"cells": cells, "total_row": total_row, "tail": r}


def test_unit_form_reads_by_labels(tmp_path):
    path = tmp_path / "unit.xlsx"
    info = _unit_form(path)
    s = read1(path)
    assert (s.variant, s.variant_source, s.framework_id) == ("chuyen-vien", "title", None)
    assert s.columns == {"self": "E", "leader": "D", "max": "F", "note": "C"}
    assert s.title.startswith("PHIEU DANH GIA")
    assert s.period == (2026, 10) and s.period_cell == "A2"
    assert set(s.rows) == {c.code for c, _ in CV.walk()}
    for code, (r, sv, lv) in info["cells"].items():
        row = s.rows[code]
        assert row.row == r
        assert row.scores["self"].cell == f"E{r}" and row.scores["leader"].cell == f"D{r}"
        assert row.max.cell == f"F{r}" and row.max.number().value == CV.criterion(code).max
        if sv is not None:
            assert row.scores["self"].raw == sv
            p = row.scores["self"].number()
            assert p.value == Decimal(str(sv).strip().replace(",", "."))
            assert p.kind == ("text-number" if isinstance(sv, str) else "number")
            assert row.scores["leader"].number().value == Decimal(str(lv))
    assert s.rows["I.2.2"].scores["self"].number().value == Decimal("2.5")
    assert s.stored_totals["TOTAL"]["self"].cell == f"E{info['total_row']}"
    assert s.stored_totals["TOTAL"]["self"].number().value == Decimal("86.5")
    f = s.fields
    assert (f["name"].cell, f["name"].raw) == ("A3", "Tran Thi Binh")
    assert (f["id"].cell, f["id"].raw) == ("E3", "HN002")
    assert (f["position"].cell, f["position"].raw) == ("B4", "Chuyen vien")
    assert (f["unit"].cell, f["unit"].raw) == ("E4", "Phong Noi vu")
    tail = info["tail"]
    assert (f["self_grade"].cell, f["self_grade"].grade().value) == (f"A{tail + 2}", "B")
    assert (f["self_date"].cell, f["self_date"].date().value) == (f"B{tail + 3}", date(2026, 10, 22))
    assert (f["decided_grade"].cell, f["decided_grade"].raw) == (f"D{tail + 4}", "B")
    assert f["bonus_note"].raw == "Tham muu quy che phoi hop"
    assert "month" not in f and "year" not in f


def test_nfd_text_is_read_as_nfc(tmp_path):
    path = tmp_path / "nfd.xlsx"
    info = _unit_form(path, nfd=True)
    s = read1(path)
    assert s.variant == "chuyen-vien" and len(s.rows) == len(info["cells"])
    case = dict(CASES["hanoi-2022-chuyen-vien"])
    case["fields"] = {**case["fields"], "name": unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")}
    s = read1(filled(tmp_path, case))
    assert s.person == "Nguyễn Thị Hồng Nhung"
    assert unicodedata.is_normalized("NFC", s.person)


def _tcvn3(text: str) -> str:
    inverse = {v: k for k, v in legacy.TCVN3.items()}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def _vni(text: str) -> str:
    circ = {v: k for k, v in legacy._VNI_CIRC.items()}
    breve = {v: k for k, v in legacy._VNI_BREVE.items()}
    tones = {v: k for k, v in legacy._VNI_TONES.items()}
    single = {v: k for k, v in legacy._VNI_SINGLE.items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in single:
            out.append(single[ch])
            continue
        d = unicodedata.normalize("NFD", ch)
        base, marks = d[0], d[1:]
        if not marks or base not in "aeiouyAEIOUY":
            out.append(ch)
            continue
        if "\u031b" in marks:                                   # horn: ơ ư
            base = single["ơ" if base in "oO" else "ư"]
            marks = marks.replace("\u031b", "")
        shape = next((m for m in ("\u0302", "\u0306") if m in marks), "")
        tone = next((m for m in marks if m in tones), "")
        if shape:
            table = circ if shape == "\u0302" else breve
            out.append(base + table[shape + tone])
        else:
            out.append(base + (tones[tone] if tone else ""))
    return "".join(out)


@pytest.mark.parametrize("encoding,encode", [("TCVN3", _tcvn3), ("VNI", _vni)])
def test_legacy_encoding_name_is_reported_at_its_cell(tmp_path, encoding, encode):
    case = dict(CASES["hanoi-2022-chuyen-vien"])
    name = "Nguyễn Văn Đức"
    case["fields"] = {**case["fields"], "name": encode(name)}
    assert legacy.detect(encode(name)) == encoding
    assert legacy.decode(encode(name), encoding) == name
    s = read1(filled(tmp_path, case))
    (note,) = s.notes
    assert (note.code, note.cell, note.sheet, note.severity) == ("legacy-encoding", "B7", tpl.SHEET_NAME, "warning")
    assert note.params["encoding"] == encoding and note.params["value"] == encode(name)
    assert note.params["suggestion"] == name
    assert encoding in note.message() and "Unicode" in note.message("en")


def test_form_typed_entirely_in_tcvn3_still_reads(tmp_path):
    path = tmp_path / "tcvn3.xlsx"

    def enc(s):  # the unit form uses plain letters; give it real Vietnamese first
        return _tcvn3(s.replace("Ho ten", "Họ tên").replace("Diem chuan", "Điểm chuẩn")
                      .replace("Lanh dao cham", "Lãnh đạo chấm").replace("Ca nhan tu cham", "Cá nhân tự chấm")
                      .replace("Tran Thi Binh", "Trần Thị Bình"))

    _unit_form(path, encode=enc)
    s = read1(path)
    assert s.variant == "chuyen-vien" and len(s.rows) == 28
    assert s.fields["name"].raw == _tcvn3("Trần Thị Bình")
    codes = [(f.code, f.params["encoding"]) for f in s.notes]
    assert ("legacy-encoding", "TCVN3") in codes


@pytest.mark.parametrize("text", sorted({nfc_label for fid in ("hanoi-2018", "hanoi-2022", "nd335-2025")
                                         for v in fw_mod.load(fid).variants
                                         for nfc_label in [v.title] + [c.label for c, _ in v.walk()]}))
def test_legacy_detection_leaves_unicode_vietnamese_alone(text):
    assert legacy.detect(text) is None
    assert legacy.detect(text.upper()) is None


def test_legacy_detection_examples():
    assert legacy.detect("NguyÔn V¨n A") == "TCVN3"
    assert legacy.detect("Nguyeãn Vaên A") == "VNI"
    for clean in ("Nguyễn Văn A", "Hoà Bình", "Thuý Kiều", "«Quy tắc ứng xử»", "Café", "2,5 × 2",
                  "rượu hươu người cười tuổi", "khuya quyết ngoẹo"):
        assert legacy.detect(clean) is None, clean


# --- workbooks with several sheets, or none -----------------------------------------------------


def test_several_scoresheets_and_an_instructions_tab(tmp_path):
    path = tmp_path / "phong.xlsx"
    wb, fmt = tpl.new_workbook(path)
    guide = wb.add_worksheet("Hướng dẫn")
    guide.write("A1", "Hướng dẫn chấm điểm: nhập điểm Tự chấm vào cột D")
    tpl.write_sheet(wb, fmt, "HN001 Nguyễn Văn A", FW, FW.variant("lanh-dao-quan-ly"),
                    tpl.Prefill("Nguyễn Văn A", "HN001", "Trưởng phòng", "Phòng Nội vụ", 10, 2026))
    tpl.write_sheet(wb, fmt, "HN002", FW, CV, tpl.Prefill("Trần Thị B", "HN002", month=10, year=2026))
    wb.add_worksheet("Sheet3")
    wb.close()
    sheets, findings = read_file(path, "phong.xlsx", ReadContext(), skip_marked=False)
    assert [(s.sheet, s.person_id, s.variant) for s in sheets] == [
        ("HN001 Nguyễn Văn A", "HN001", "lanh-dao-quan-ly"), ("HN002", "HN002", "chuyen-vien")]
    assert [(f.code, f.severity, f.sheet, f.file) for f in findings] == [
        ("not-a-scoresheet", "info", "Hướng dẫn", "phong.xlsx"), ("not-a-scoresheet", "info", "Sheet3", "phong.xlsx")]


def test_file_without_scoresheet_is_one_error(tmp_path):
    path = tmp_path / "list.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "Họ và tên", "Tự chấm", "Lãnh đạo chấm"])
    wb.active.append(["HN001", "Nguyễn Văn A", 85, 84])
    wb.save(path)
    sheets, findings = read_file(path, "list.xlsx", ReadContext())
    assert sheets == []
    (f,) = findings
    assert (f.code, f.severity, f.sheet, f.file) == ("not-a-scoresheet", "error", None, "list.xlsx")


def test_unreadable_files_are_findings_not_exceptions(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes((LO / "hanoi-2022-chuyen-vien.orig.xlsx").read_bytes()[:3000])
    for p in (junk, truncated):
        sheets, findings = read_file(p, p.name, ReadContext())
        assert sheets == []
        assert [f.code for f in findings] in (["file-unreadable"], ["file-too-large"])
        assert findings[0].file == p.name


def test_guard_is_called_first(tmp_path, monkeypatch):
    from danhgia.config import Limits

    src = LO / "hanoi-2022-chuyen-vien.orig.xlsx"
    sheets, findings = read_file(src, "x.xlsx", ReadContext(limits=Limits(max_file_bytes=100)))
    assert sheets == [] and [f.code for f in findings] == ["file-too-large"]


# --- variant by title, roster, structure; unknown ----------------------------------------------


def _grid(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def _strip(grid, title=True, marker=True):
    out = [list(r) for r in grid]
    for row in out:
        for c, v in enumerate(row):
            if marker and isinstance(v, str) and v.startswith("danhgia:"):
                row[c] = ""
            if title and isinstance(v, str) and v.startswith("BẢNG ĐIỂM"):
                row[c] = "BẢNG ĐIỂM ĐÁNH GIÁ"
    return out


def test_variant_from_title_roster_structure(tmp_path):
    case = CASES["hanoi-2018-lanh-dao-quan-ly"]
    grid = _grid(filled(tmp_path, case))
    s = locate(_strip(grid, title=False), "S", FW)
    assert (s.variant, s.variant_source) == ("lanh-dao-quan-ly", "title")
    s = locate(_strip(grid), "S", FW, roster_variants={"1024": "lanh-dao-quan-ly"})
    assert (s.variant, s.variant_source) == ("lanh-dao-quan-ly", "roster")       # id typed as a number
    s = locate(_strip(grid), "S", FW)
    assert (s.variant, s.variant_source) == ("lanh-dao-quan-ly", "framework")
    assert s.rows["II.1.10"].scores["self"].number().value == 2


def test_unknown_variant(tmp_path):
    grid = [["Họ và tên:", "Nguyễn Văn A"], [],
            ["TT", "Nội dung", "Điểm tối đa", "Tự chấm", "Lãnh đạo chấm"],
            ["I", "Ý thức tổ chức kỷ luật, phẩm chất đạo đức", 20, 18, 18],
            ["II", "Kết quả", 70, 60, 60]]
    s = locate(grid, "S", FW, file="f.xlsx")
    assert s is not None and s.variant is None
    (f,) = s.notes
    assert (f.code, f.severity, f.file, f.sheet, f.person) == ("unknown-variant", "error", "f.xlsx", "S", "Nguyễn Văn A")


def test_header_without_criteria_is_not_a_scoresheet():
    grid = [["Họ và tên", "Điểm tối đa", "Tự chấm", "Lãnh đạo chấm"],
            ["Nguyễn Văn A", 100, 85, 84], ["Trần Thị B", 100, 70, 70]]
    assert locate(grid, "Tổng hợp", FW) is None


def test_month_inside_the_title_and_month_text_field():
    base = [["BẢNG ĐIỂM ĐÁNH GIÁ THÁNG 9 NĂM 2026 - CHUYÊN VIÊN"], ["Tháng:", "10/2026"],
            ["TT", "Nội dung", "Điểm tối đa", "Tự chấm", "Lãnh đạo chấm"],
            ["I.1.1", "x", 2, 2, 2]]
    s = locate(base, "S", FW)
    assert s.variant == "chuyen-vien" and s.period == (2026, 10) and s.period_cell == "B2"
    base[1] = ["Tháng:", ""]
    s = locate(base, "S", FW)
    assert s.period == (2026, 9) and s.period_cell == "A1"


def test_numbers_and_dates_typed_as_text(tmp_path):
    case = dict(CASES["hanoi-2022-chuyen-vien"])
    case["self"] = {**case["self"], "I.1.1": "1,5", "II.2": " 45 "}
    case["fields"] = {**case["fields"], "self_date": "ngày 22 tháng 10 năm 2026", "month": "10", "year": "2026"}
    s = read1(filled(tmp_path, case))
    p = s.rows["I.1.1"].scores["self"].number()
    assert (p.kind, p.value) == ("text-number", Decimal("1.5"))
    assert s.rows["II.2"].scores["self"].number().value == 45
    assert s.fields["self_date"].date().value == date(2026, 10, 22)
    assert s.period == (2026, 10)


def test_inserted_rows_and_columns_keep_values(tmp_path):
    grid = _grid(filled(tmp_path, CASES["hanoi-2022-chuyen-vien"]))
    want = locate(grid, "S", FW)
    moved = [[""] + row for row in grid]                    # a column inserted before A
    moved.insert(20, [""] * len(moved[0]))
    moved.insert(5, [""] * len(moved[0]))
    got = locate(moved, "S", FW)
    assert got.leaf_values("self") == want.leaf_values("self")
    assert got.leaf_values("leader") == want.leaf_values("leader")
    assert got.rows["I.1.1"].scores["self"].cell == "E15"   # D12+1 row+1 col … D14 → E15
    assert got.person == want.person and got.period == want.period


# --- fuzzing -------------------------------------------------------------------------------

_cell = st.one_of(st.none(), st.just(""), st.text(max_size=30), st.floats(allow_nan=True),
                  st.integers(-10**6, 10**6), st.booleans(), st.dates(),
                  st.sampled_from(["I", "II.1", "Tự chấm", "Lãnh đạo chấm", "Điểm tối đa", "Họ và tên:",
                                   "Tháng 10 năm 2026", "danhgia:variant=ldhd", "danhgia:", "Tổng cộng",
                                   "Mã số:", "NguyÔn V¨n A", "I.1.1. Chấp hành", "Ghi chú", "2,5"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_cell, max_size=8), max_size=14))
def test_locate_never_raises(grid):
    s = locate(grid, "S", FW)
    assert s is None or isinstance(s, Scoresheet)


_TEMPLATE_GRID = None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=4), st.integers(0, 3))
def test_blank_rows_and_columns_anywhere(rows, cols):
    global _TEMPLATE_GRID
    if _TEMPLATE_GRID is None:
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            _TEMPLATE_GRID = _grid(filled(Path(d), CASES["hanoi-2022-chuyen-vien"]))
    want = locate(_TEMPLATE_GRID, "S", FW)
    grid = [[""] * cols + list(r) for r in _TEMPLATE_GRID]
    for r in sorted(rows, reverse=True):
        grid.insert(min(r, len(grid)), [""] * len(grid[0]))
    got = locate(grid, "S", FW)
    assert got.leaf_values("self") == want.leaf_values("self")
    assert {k: e.raw for k, e in got.fields.items()} == {k: e.raw for k, e in want.fields.items()}
    assert got.period == want.period


def test_template_fast_path_agrees_with_the_general_search(tmp_path):
    """danhgia's own templates take a verified shortcut; it must find exactly what the general
    search finds, in every format."""
    from danhgia.read.locate import _candidates, _from_template, _locate

    paths = [filled(tmp_path, CASES[n], f"{n}.xlsx") for n in CASES]
    paths += sorted(p for p in LO.iterdir() if p.suffix in (".xlsx", ".xls", ".ods"))
    paths += [Path(__file__).resolve().parent.parent / "templates_xlsx" / "hanoi-2018" / "ldhd.xlsx"]
    for p in paths:
        sh = CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0)
        grid = sh.to_python(skip_empty_area=False)
        merged = sh.merged_cell_ranges
        assert _from_template(grid, _candidates(FW), merged) is not None, p.name   # the shortcut is taken
        fast = _locate(grid, "S", FW, "f", merged, None, fast=True)
        slow = _locate(grid, "S", FW, "f", merged, None, fast=False)
        assert fast == slow, p.name
