"""``danhgia validate``: formats, exit codes 0/1/2/3, --strict, --select/--ignore, --jobs,
usage errors with a clear message (roster, framework, unit file, month, codes)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from danhgia import pipeline
from fixtures.validate import stub_reader
from fixtures.validate.stub_reader import write_book


@pytest.fixture(autouse=True)
def stub(monkeypatch):
    monkeypatch.setattr(pipeline, "_reader", lambda: stub_reader.read_file)


@pytest.fixture
def month_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    root = Path("2026-10")
    write_book(root / "a.xlsx")
    write_book(root / "b.xlsx", {"Bảng điểm": {"fields": {"id": "HN002", "name": "Trần Thị B"},
                                                "self_scores": {"I.2.1": 4}}})
    return root


def test_clean_exit_0_and_json_valid(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_book(Path("ok.xlsx"))
    r = cli("validate", "ok.xlsx", "--format", "json", "--month", "2026-10")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["valid"] is True and data["findings"] == [] and data["summary"]["scoresheets"] == 1


def test_errors_exit_1_with_json_findings(cli, month_dir):
    r = cli("validate", str(month_dir), "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    f = [x for x in data["findings"] if x["code"] == "score-above-max"]
    assert [(x["file"], x["cell"], x["person_id"]) for x in f] == [("2026-10/b.xlsx", "D16", "HN002")]


def test_jobs_1_and_2_identical_json(cli, month_dir):
    for i in range(6):
        write_book(month_dir / f"p{i}.xlsx", {"Bảng điểm": {"fields": {"id": f"P{i}"}, "self_scores": {"II.2": 44 + i}}})
    one = cli("validate", str(month_dir), "--format", "json", "--jobs", "1")
    two = cli("validate", str(month_dir), "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout


def test_csv_one_row_per_finding(cli, month_dir):
    r = cli("validate", str(month_dir), "--format", "csv", "--lang", "en")
    assert r.stdout.startswith("\ufeffcode,severity,")
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    j = json.loads(cli("validate", str(month_dir), "--format", "json", "--lang", "en").stdout)
    assert len(rows) == len(j["findings"]) > 0
    assert [x["code"] for x in rows] == [x["code"] for x in j["findings"]]
    assert rows[0]["message"] == j["findings"][0]["message"]


def test_text_output_vietnamese_and_english(cli, month_dir):
    r = cli("validate", str(month_dir))
    assert r.exit_code == 1
    assert "KẾT QUẢ KIỂM TRA" in r.stdout and "vượt điểm tối đa 3" in r.stdout
    r = cli("validate", str(month_dir), "--lang", "en")
    assert "Files: 2" in r.stdout and "above the maximum 3" in r.stdout


def test_strict_turns_warnings_into_exit_1(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_book(Path("w.xlsx"), {"Bảng điểm": {"fields": {"self_date": None}}})
    assert cli("validate", "w.xlsx").exit_code == 0
    assert cli("validate", "w.xlsx", "--strict").exit_code == 1


def test_select_and_ignore(cli, month_dir):
    r = cli("validate", str(month_dir), "--format", "json", "--ignore", "cells,totals")
    assert r.exit_code == 0
    assert {f["code"] for f in json.loads(r.stdout)["findings"]} <= {"grade-mismatch"}
    r = cli("validate", str(month_dir), "--format", "json", "--select", "block-over-max")
    assert {f["code"] for f in json.loads(r.stdout)["findings"]} == {"block-over-max"}


def test_unknown_code_is_a_usage_error(cli, month_dir):
    r = cli("validate", str(month_dir), "--select", "no-such-code")
    assert r.exit_code == 2 and "no-such-code" in r.stderr


def test_bad_month_missing_path_are_usage_errors(cli, month_dir):
    r = cli("validate", str(month_dir), "--month", "10/2026")
    assert r.exit_code == 2 and "YYYY-MM" in r.stderr
    r = cli("validate", "khong-co.xlsx")
    assert r.exit_code == 2 and "khong-co.xlsx" in r.stderr


def test_invalid_roster_is_exit_2_with_location(cli, month_dir):
    Path("ds.csv").write_text("Mã,Họ và tên,Nhóm\nHN001,Nguyễn Văn A,Phi công\n", encoding="utf-8")
    r = cli("validate", str(month_dir), "--roster", "ds.csv")
    assert r.exit_code == 2 and "ds.csv" in r.stderr and "Phi công" in r.stderr


def test_invalid_framework_and_unit_file_are_exit_2(cli, month_dir):
    Path("khung.yaml").write_text("id: x\nkind: monthly\nvariants: []\n", encoding="utf-8")
    r = cli("validate", str(month_dir), "--framework", "khung.yaml")
    assert r.exit_code == 2 and "khung.yaml" in r.stderr
    Path("danhgia.yaml").write_text("khong_co_khoa: 1\n", encoding="utf-8")
    r = cli("validate", str(month_dir))
    assert r.exit_code == 2 and "danhgia.yaml" in r.stderr


def test_roster_checks_through_the_cli(cli, month_dir):
    Path("ds.csv").write_text("Mã,Họ và tên,Nhóm,Bảng điểm\nHN001,Nguyễn Văn A,Công chức,Chuyên viên\n"
                              "HN002,Trần Thị B,Công chức,Lãnh đạo quản lý\nHN003,Lê Văn C,Công chức,Chuyên viên\n",
                              encoding="utf-8")
    r = cli("validate", str(month_dir), "--roster", "ds.csv", "--month", "2026-10", "--format", "json")
    codes = {(f["code"], f["person_id"]) for f in json.loads(r.stdout)["findings"]}
    assert ("variant-mismatch", "HN002") in codes and ("missing-submission", "HN003") in codes


def test_internal_error_is_exit_3_without_traceback(cli, month_dir, monkeypatch):
    from danhgia import report

    def broken(*a, **k):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(report.Report, "build", broken)
    r = cli("validate", str(month_dir))
    assert r.exit_code == 3 and "Lỗi nội bộ" in r.stderr and "Traceback" not in r.stderr

