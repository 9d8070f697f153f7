"""Every report says first what it was made from (design.md §2); a run that lacks an input its
result depends on says so (no-roster, no-events); inputs that cannot serve the job are exit 2
with what was found instead. Through the CLI on the example unit and on workbooks built with
openpyxl as a unit's office builds them (roster with «Sự kiện năm»)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import openpyxl

from conftest import EXAMPLES, example_unit

from danhgia.messages import code_name

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "annual"))
from annual_books import person, write_roster, write_year  # noqa: E402

B12 = [85] * 12
AN = person("HN001", "Nguyễn Văn An", task_group="Văn phòng")
BINH = person("HN002", "Trần Thị Bình", task_group="Văn phòng")


def _sources(path) -> dict:
    ws = openpyxl.load_workbook(path)["Nguồn"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] and r[1]}


def test_tally_text_json_and_workbook_open_with_provenance(cli, tmp_path):
    folder = example_unit(tmp_path) / "2026-10"
    r = cli("tally", folder, "--month", "2026-10", "--out", tmp_path / "t.xlsx")
    assert r.exit_code == 0
    first = r.stdout.splitlines()[:5]
    assert first[0] == "Kỳ: 2026-10"
    assert first[1] == "Khung đánh giá: hanoi-2022 2022.1 (có sẵn: danhgia/frameworks/hanoi-2022.yaml)"
    assert first[2].startswith("Tệp cấu hình đơn vị: ") and first[2].endswith(
        "phuong/danhgia.yaml (tìm thấy ở thư mục cha của đầu vào)")
    assert first[3].startswith("Danh sách nhân sự: ") and first[3].endswith("phuong/danh-sach.xlsx")
    assert first[4].startswith("Phiên bản danhgia: ")
    src = _sources(tmp_path / "t.xlsx")
    assert src["Khung đánh giá (tệp)"].startswith("hanoi-2022 2022.1")
    assert src["Tệp cấu hình đơn vị"].endswith("(tìm thấy ở thư mục cha của đầu vào)")
    assert src["Danh sách nhân sự"].endswith("danh-sach.xlsx")
    data = json.loads(cli("tally", folder, "--month", "2026-10", "--out", tmp_path / "u.xlsx",
                          "--format", "json").stdout)
    assert list(data)[0] == "provenance"
    p = data["provenance"]
    assert (p["period"], p["unit_file_found"], p["frameworks"][0]["id"]) == ("2026-10", "parent-folder", "hanoi-2022")
    assert p["roster"].endswith("danh-sach.xlsx") and p["tool_version"]
    # the tally workbook with its provenance rows is still read back by the roll-up / annual
    from danhgia.read.monthly_read import read

    wb = read(tmp_path / "t.xlsx")
    assert wb.usable and wb.month == (2026, 10) and wb.framework == "hanoi-2022"


def test_validate_names_the_unit_file_and_says_none(cli, tmp_path):
    folder = example_unit(tmp_path) / "2026-10"
    data = json.loads(cli("validate", folder, "--month", "2026-10", "--format", "json").stdout)
    assert data["provenance"]["unit_file_found"] == "parent-folder" and data["provenance"]["roster"]
    lone = tmp_path / "le"
    lone.mkdir()
    shutil.copy(folder / "HB001-nguyen-van-hung.xlsx", lone)
    r = cli("validate", lone)
    assert r.stdout.splitlines()[:3] == [
        "Khung đánh giá: hanoi-2022 2022.1 (có sẵn: danhgia/frameworks/hanoi-2022.yaml)",
        "Tệp cấu hình đơn vị: không có", "Danh sách nhân sự: không có"]
    assert "Unit file: none" in cli("validate", lone, "--lang", "en").stdout


def test_tally_without_roster_warns_no_roster_in_text_and_workbook(cli, tmp_path):
    folder = tmp_path / "le"
    shutil.copytree(EXAMPLES / "2026-10" / "truong-mam-non", folder)
    r = cli("tally", folder, "--month", "2026-10", "--out", tmp_path / "t.xlsx")
    assert r.exit_code == 0
    assert "Danh sách nhân sự: không có" in r.stdout
    assert "Không có danh sách nhân sự: không biết ai chưa nộp bảng điểm" in r.stdout
    cells = [c for row in openpyxl.load_workbook(tmp_path / "t.xlsx")["Lỗi"].iter_rows(values_only=True) for c in row]
    assert code_name("no-roster", "vi") in cells and "Cảnh báo" in cells


def test_tally_month_no_sheet_is_of_exit_2_saying_what_was_found(cli, tmp_path):
    folder = example_unit(tmp_path) / "2026-10"
    out = tmp_path / "t.xlsx"
    r = cli("tally", folder, "--month", "2026-09", "--out", out)
    assert r.exit_code == 2 and not out.exists()
    assert "Không có bảng điểm nào của tháng 09/2026: cả 40 bảng điểm đều ghi tháng 10/2026" in r.stderr
    r = cli("tally", folder, "--month", "2026-09", "--out", out, "--lang", "en")
    assert "all 40 scoresheets are dated 10/2026" in r.stderr


def test_annual_without_events_warns_and_every_result_is_provisional(cli, tmp_path):
    folder = tmp_path / "2026"
    write_year(folder, 2026, [(AN, B12), (BINH, B12)])
    plain = tmp_path / "danh-sach.xlsx"
    write_roster(plain, [AN, BINH])                     # no «Sự kiện năm» sheet
    out = tmp_path / "nam.xlsx"
    r = cli("annual", folder, "--year", "2026", "--roster", plain, "--out", out, "--format", "json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["provenance"]["events"] is None and d["provenance"]["roster"].endswith("danh-sach.xlsx")
    assert all(p["provisional"] for p in d["people"]) and d["summary"]["provisional"] == 2
    (f,) = [f for f in d["findings"] if f["code"] == "no-events"]
    assert f["severity"] == "warning" and "kỷ luật" in f["message"] and "thai sản" in f["message"]
    text = cli("annual", folder, "--year", "2026", "--roster", plain, "--out", out, "--force").stdout
    assert "Sự kiện năm: không có" in text and "Tạm tính: 2" in text and code_name("no-events", "vi") in text
    notes = [c.value for row in openpyxl.load_workbook(out)["Lỗi"].iter_rows() for c in row]
    assert code_name("no-events", "vi") in notes
    # with the roster's «Sự kiện năm» sheet: no warning, not provisional, and provenance says where
    with_events = write_roster(tmp_path / "ds-su-kien.xlsx", [AN, BINH], events=[{"Mã": "HN002", "Số tháng nghỉ thai sản": 0}])
    d = json.loads(cli("annual", folder, "--year", "2026", "--roster", with_events, "--out", tmp_path / "n2.xlsx",
                       "--format", "json").stdout)
    assert not any(p["provisional"] for p in d["people"])
    assert not any(f["code"] == "no-events" for f in d["findings"])
    assert d["provenance"]["events"].endswith("ds-su-kien.xlsx")
    src = _sources(tmp_path / "n2.xlsx")
    assert src["Sự kiện năm"].endswith("ds-su-kien.xlsx (trang «Sự kiện năm» của danh sách)")
    assert src["Quy định xếp loại năm (tệp)"].startswith("nd335-2025")


def test_annual_inputs_that_cannot_serve_exit_2(cli, tmp_path):
    folder = tmp_path / "2026"
    write_year(folder, 2026, [(AN, B12)])
    out = tmp_path / "nam.xlsx"
    r = cli("annual", folder, "--year", "2025", "--out", out)
    assert r.exit_code == 2 and not out.exists()
    assert "Không có bảng tổng hợp tháng nào của năm 2025: các bảng đã đọc là 12 bảng của năm 2026" in r.stderr
    r = cli("annual", EXAMPLES / "2026-10", "--year", "2026", "--out", out)
    assert r.exit_code == 2 and not out.exists()
    assert "là bảng điểm, không phải bảng tổng hợp tháng: hãy chạy «danhgia tally»" in r.stderr
