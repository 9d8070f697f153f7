"""Hostile inputs, round two (issue 15): anything a user names is opened one bounded way.

Special files (FIFOs, devices, folders) as the roster, the unit file, --config, a framework or an
input never hang and are said to be what they are; YAML (framework files, danhgia.yaml) is
bounded in size, depth and alias expansion; a file named by another file (a roster named in a
danhgia.yaml) is reported with the file that named it. Every case runs the real CLI in a
subprocess with a timeout, and the bombs assert time (< 10 s) and memory (< 500 MB).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOOD = HOSTILE / "good.xlsx"
LIMIT_S, LIMIT_KB = 10, 500 * 1024

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
needs_dev = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


def _clean(res) -> str:
    out = res.stdout + res.stderr
    assert "Traceback" not in out
    assert "Lỗi nội bộ" not in out and "Internal error" not in out
    return out


def _good(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    shutil.copy(GOOD, folder / "good.xlsx")
    return folder


# --- special files --------------------------------------------------------------------------------


@needs_fifo
@pytest.mark.parametrize("how", ["roster-flag", "roster-csv-flag", "config-flag", "unit-file", "framework-flag",
                                 "roster-in-unit-file"])
def test_a_fifo_anywhere_is_refused_without_waiting(tmp_path, how):
    folder = _good(tmp_path)
    args = ["validate", folder / "good.xlsx"]
    if how == "roster-flag":
        args += ["--roster", round2.fifo(tmp_path / "danh-sach.xlsx")]
    elif how == "roster-csv-flag":
        args += ["--roster", round2.fifo(tmp_path / "danh-sach.csv")]
    elif how == "config-flag":
        args += ["--config", round2.fifo(tmp_path / "cau-hinh.yaml")]
    elif how == "unit-file":
        round2.fifo(folder / "danhgia.yaml")
    elif how == "framework-flag":
        args += ["--framework", round2.fifo(tmp_path / "khung.yaml")]
    else:
        round2.fifo(tmp_path / "ds.csv")
        (folder / "danhgia.yaml").write_text("roster: ../ds.csv\n", encoding="utf-8")
    res, took, _ = round2.run(args, tmp_path, timeout=30, lang="en")
    out = _clean(res)
    assert res.returncode == 2, out
    assert "FIFO" in out, out
    assert "not found" not in out
    if how == "roster-in-unit-file":
        assert "danhgia.yaml" in out and "ds.csv" in out


@needs_fifo
def test_a_fifo_among_the_inputs_is_a_finding_not_a_hang(tmp_path):
    folder = _good(tmp_path)
    round2.fifo(folder / "ong.xlsx")
    res, took, _ = round2.run(["validate", folder, "--format", "json"], tmp_path, timeout=30)
    _clean(res)
    data = json.loads(res.stdout)
    hits = [f for f in data["findings"] if f["file"].endswith("ong.xlsx")]
    assert [f["code"] for f in hits] == ["file-unreadable"]
    assert "FIFO" in hits[0]["message"]
    assert data["summary"]["scoresheets"] == 1          # good.xlsx still read


@needs_dev
def test_a_link_to_dev_zero_among_the_inputs_is_not_hashed(tmp_path):
    """The SHA-256 was taken before anything looked at the file: a link to /dev/zero hung."""
    folder = _good(tmp_path)
    round2.device_link(folder / "zero.xlsx")
    res, took, peak = round2.run(["validate", folder, "--format", "json", "--lang", "en"], tmp_path, timeout=30)
    _clean(res)
    assert took < LIMIT_S and peak < LIMIT_KB
    data = json.loads(res.stdout)
    hits = [f for f in data["findings"] if f["file"].endswith("zero.xlsx")]
    assert [f["code"] for f in hits] == ["file-unreadable"]
    assert "device" in hits[0]["message"]
    assert res.returncode == 1


@needs_dev
@pytest.mark.parametrize("role", ["--framework", "--roster", "--config", "roster-csv"])
def test_dev_zero_as_a_named_file_is_refused_at_once(tmp_path, role):
    folder = _good(tmp_path)
    if role == "roster-csv":
        args = ["--roster", round2.device_link(tmp_path / "ds.csv")]
    else:
        args = [role, "/dev/zero"]
    res, took, peak = round2.run(["validate", folder / "good.xlsx", *args], tmp_path, timeout=30, lang="en")
    out = _clean(res)
    assert res.returncode == 2, out
    assert "device" in out
    assert took < LIMIT_S and peak < LIMIT_KB


def test_a_folder_as_a_named_file_is_said_to_be_a_folder(tmp_path):
    folder = _good(tmp_path)
    (tmp_path / "ds.csv").mkdir()
    (tmp_path / "khung.yaml").mkdir()
    for args in (["--roster", tmp_path / "ds.csv"], ["--framework", tmp_path / "khung.yaml"],
                 ["--config", tmp_path / "khung.yaml"]):
        res, _, _ = round2.run(["validate", folder / "good.xlsx", *args], tmp_path, timeout=30, lang="en")
        out = _clean(res)
        assert res.returncode == 2 and "folder" in out, (args, out)


@needs_fifo
def test_annual_with_a_fifo_as_events_and_tally_with_a_fifo_input(tmp_path):
    folder = _good(tmp_path)
    fifo = round2.fifo(tmp_path / "su-kien.csv")
    res, _, _ = round2.run(["annual", folder, "--year", "2026", "--events", fifo, "--out", tmp_path / "nam.xlsx"],
                           tmp_path, timeout=30, lang="en")
    out = _clean(res)
    assert res.returncode == 2 and "FIFO" in out
    round2.fifo(folder / "ong.xlsx")
    res, _, _ = round2.run(["tally", folder, "--month", "2026-10", "--out", tmp_path / "t.xlsx", "--format", "json"],
                           tmp_path, timeout=60, lang="en")
    _clean(res)
    assert res.returncode in (0, 1)
    assert "ong.xlsx" in res.stdout and "FIFO" in res.stdout


# --- YAML -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["framework", "unit-file", "config-flag"])
@pytest.mark.parametrize("bomb", ["alias", "deep", "recursive", "big"])
def test_yaml_bombs_end_in_a_clear_usage_error(tmp_path, where, bomb):
    folder = _good(tmp_path)
    key = "overrides" if where != "framework" else None
    text = {"alias": lambda: round2.alias_bomb() if where == "framework" else
            "overrides:\n" + "".join("  " + line + "\n" for line in round2.alias_bomb().splitlines()),
            "deep": lambda: round2.deep_yaml(5000, key),
            "recursive": lambda: round2.recursive_yaml(key or "calendar"),
            "big": lambda: round2.big_yaml()}[bomb]()
    args = ["validate", folder / "good.xlsx"]
    if where == "framework":
        (tmp_path / "khung.yaml").write_text(text, encoding="utf-8")
        args += ["--framework", tmp_path / "khung.yaml"]
    elif where == "unit-file":
        (folder / "danhgia.yaml").write_text(text, encoding="utf-8")
    else:
        (tmp_path / "cau-hinh.yaml").write_text(text, encoding="utf-8")
        args += ["--config", tmp_path / "cau-hinh.yaml"]
    res, took, peak = round2.run(args, tmp_path, timeout=60, lang="en")
    out = _clean(res)
    assert res.returncode == 2, out[-800:]
    assert took < LIMIT_S, took
    assert peak < LIMIT_KB, peak
    word = {"alias": "alias bomb", "deep": "nested too deeply", "recursive": "recursive", "big": "too large"}[bomb]
    assert word in out, out[-800:]
    assert ("khung.yaml" if where == "framework" else "yaml") in out


def test_a_framework_named_in_the_unit_file_is_reported_with_it(tmp_path):
    folder = _good(tmp_path)
    (tmp_path / "khung.yaml").write_text(round2.alias_bomb(), encoding="utf-8")
    (folder / "danhgia.yaml").write_text("framework: ../khung.yaml\n", encoding="utf-8")
    res, took, peak = round2.run(["validate", folder / "good.xlsx"], tmp_path, timeout=60, lang="en")
    out = _clean(res)
    assert res.returncode == 2 and "khung.yaml" in out and "danhgia.yaml" in out
    assert took < LIMIT_S and peak < LIMIT_KB


def test_ordinary_anchors_still_work(tmp_path):
    """A unit file using an anchor and an alias the ordinary way is still read."""
    folder = _good(tmp_path)
    (folder / "danhgia.yaml").write_text(
        "unit: &u UBND phường Hòa Bình\nframework: hanoi-2022\nlimits: &l\n  max_rows: 5000\n", encoding="utf-8")
    res, _, _ = round2.run(["validate", folder / "good.xlsx", "--format", "json"], tmp_path, timeout=60)
    _clean(res)
    assert json.loads(res.stdout)["summary"]["scoresheets"] == 1


# --- a file named by another file -----------------------------------------------------------------


def test_a_roster_named_by_the_unit_file_names_the_unit_file(tmp_path):
    folder = _good(tmp_path)
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "danhgia.yaml").write_text("roster: ../passwd\n", encoding="utf-8")
    for cmd in (["validate", folder / "good.xlsx"], ["tally", folder, "--month", "2026-10", "--out", tmp_path / "t.xlsx"]):
        res, _, _ = round2.run(cmd, tmp_path, timeout=60, lang="en")
        out = _clean(res)
        assert res.returncode == 2
        assert "passwd" in out and str(folder / "danhgia.yaml") in out, out
    # named on the command line: no unit file is blamed
    res, _, _ = round2.run(["validate", folder / "good.xlsx", "--roster", tmp_path / "passwd"], tmp_path,
                           timeout=60, lang="en")
    out = _clean(res)
    assert res.returncode == 2 and "passwd" in out and "named in" not in out


def test_library_read_bytes_is_bounded(tmp_path):
    from danhgia.read.files import InputFileError, read_bytes, sha256_of

    p = tmp_path / "x.csv"
    p.write_bytes(b"a" * 101)
    with pytest.raises(InputFileError) as exc:
        read_bytes(p, 100)
    assert exc.value.code == "file-too-large" and "x.csv" in str(exc.value)
    with pytest.raises(InputFileError):
        sha256_of(p, 100)
    assert read_bytes(p, 101) == b"a" * 101
    assert len(sha256_of(p, 101)) == 64


@needs_fifo
def test_the_guards_one_descriptor_read_is_bounded(tmp_path):
    """``read_checked`` (the guard's read of every input): a FIFO or a device is refused without
    waiting or reading, a file over the limit before a byte is read, and no more than ``most``
    bytes are ever returned."""
    from danhgia.read.files import InputFileError, read_checked

    p = tmp_path / "x.xlsx"
    p.write_bytes(b"a" * 101)
    assert read_checked(p, 101, 102) == b"a" * 101
    assert read_checked(p, 101, 50) == b"a" * 50
    with pytest.raises(InputFileError) as exc:
        read_checked(p, 100, 102)
    assert exc.value.code == "file-too-large"
    fifo = round2.fifo(tmp_path / "f.xlsx")
    t0 = time.monotonic()
    with pytest.raises(InputFileError) as exc:
        read_checked(fifo, 100, 101)
    assert time.monotonic() - t0 < 5 and "FIFO" in exc.value.text("en")
    with pytest.raises(InputFileError) as exc:
        read_checked(round2.device_link(tmp_path / "z.xlsx"), 100, 101)
    assert "device" in exc.value.text("en")
    with pytest.raises(InputFileError) as exc:
        read_checked(tmp_path / "missing.xlsx", 100, 101)
    assert "not found" in exc.value.text("en")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_one_megabyte_roster_field_fails_with_its_row_and_column(tmp_path, kind):
    folder = _good(tmp_path)
    big = "A" * 1_000_000
    if kind == "csv":
        roster = tmp_path / "ds.csv"
        roster.write_text(f"Mã,Họ và tên,Đơn vị\nHB001,{big},P\nHB002,B,P\n", encoding="utf-8")
    else:
        roster = tmp_path / "ds.xlsx"
        rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Mã</t></is></c><c r="B1" t="inlineStr"><is><t>Họ và tên'
                '</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>HB001</t></is></c>'
                f'<c r="B2" t="inlineStr"><is><t>{big}</t></is></c></row>')
        import zipfile

        with zipfile.ZipFile(HOSTILE / "good.xlsx") as z:
            sheet = z.read("xl/worksheets/sheet1.xml")
        start, end = sheet.index(b"<sheetData>"), sheet.index(b"</sheetData>")
        round2.rewrite(HOSTILE / "good.xlsx", roster,
                       {"xl/worksheets/sheet1.xml": sheet[:start] + b"<sheetData>" + rows.encode() + sheet[end:]})
    res, took, peak = round2.run(["validate", folder / "good.xlsx", "--roster", roster], tmp_path, timeout=60,
                                 lang="en")
    out = _clean(res)
    assert res.returncode == 2, out[-500:]
    assert "B2 (dòng 2, cột B)" in out and "1000000 characters" in out, out[-500:]
    assert len(out) < 5000 and took < LIMIT_S


@needs_fifo
@needs_dev
def test_special_files_named_as_archives_are_findings(tmp_path):
    folder = _good(tmp_path)
    round2.fifo(folder / "ong.zip")
    round2.device_link(folder / "zero.zip")
    res, took, _ = round2.run(["validate", folder, "--format", "json", "--lang", "en"], tmp_path, timeout=30)
    _clean(res)
    data = json.loads(res.stdout)
    hits = {Path(f["file"]).name: f["message"] for f in data["findings"] if f["code"] == "file-unreadable"}
    assert "FIFO" in hits["ong.zip"] and "device" in hits["zero.zip"]
    assert data["summary"]["scoresheets"] == 1


def test_a_one_megabyte_events_field_fails_with_its_cell(tmp_path):
    t10 = tmp_path / "T10.xlsx"
    folder = _good(tmp_path)
    res, _, _ = round2.run(["tally", folder, "--month", "2026-10", "--out", t10], tmp_path, timeout=120)
    assert t10.is_file(), res.stderr
    events = tmp_path / "su-kien.csv"
    events.write_text("Mã,Ghi chú\nHN007," + "x" * 1_000_000 + "\n", encoding="utf-8")
    res, took, _ = round2.run(["annual", t10, "--year", "2026", "--events", events, "--out", tmp_path / "nam.xlsx"],
                              tmp_path, timeout=120, lang="en")
    out = _clean(res)
    assert res.returncode == 2 and "su-kien.csv" in out and "B2" in out and "1000000 characters" in out, out[-500:]
    assert len(out) < 5000 and took < LIMIT_S
