"""missing-submission only when the run covers the unit (design.md §2 / issue 11): a folder or an
archive of the unit among the inputs, or --expect-all; one file that just arrived gives one info
line with the count instead of an error per roster person."""

from __future__ import annotations

import json
import zipfile

from conftest import example_unit


def _codes(d) -> list[str]:
    return [f["code"] for f in d["findings"]]


def test_one_file_that_just_arrived(cli, tmp_path):
    one = example_unit(tmp_path) / "2026-10" / "HB001-nguyen-van-hung.xlsx"
    r = cli("validate", one, "--month", "2026-10", "--format", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and "missing-submission" not in _codes(d)
    (f,) = [f for f in d["findings"] if f["code"] == "roster-not-covered"]
    assert (f["severity"], f["value"]) == ("info", 39) and "--expect-all" in f["message"]
    text = cli("validate", one, "--month", "2026-10").stdout
    assert "Ghi chú: 39 người trong danh sách không có trong các tệp đã kiểm tra (tháng 10/2026)" in text
    r = cli("validate", one, "--month", "2026-10", "--format", "json", "--expect-all")
    d = json.loads(r.stdout)
    assert r.exit_code == 1 and _codes(d).count("missing-submission") == 39
    assert "roster-not-covered" not in _codes(d)


def test_a_folder_or_an_archive_covers_theexample_unit(cli, tmp_path):
    folder = example_unit(tmp_path) / "2026-10"
    d = json.loads(cli("validate", folder, "--month", "2026-10", "--format", "json").stdout)
    assert [f["person_id"] for f in d["findings"] if f["code"] == "missing-submission"] == ["HB020"]
    archive = tmp_path / "thang-10.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(folder.rglob("*.xls*")) + sorted(folder.rglob("*.ods")):
            zf.write(p, p.relative_to(folder).as_posix())
    d = json.loads(cli("validate", archive, "--month", "2026-10", "--format", "json",
                       "--config", folder.parent / "danhgia.yaml").stdout)
    assert [f["person_id"] for f in d["findings"] if f["code"] == "missing-submission"] == ["HB020"]


def test_tally_of_some_files_counts_nobody_missing(cli, tmp_path):
    folder = example_unit(tmp_path) / "2026-10"
    files = [folder / "HB001-nguyen-van-hung.xlsx", folder / "HB003-le-quang-minh.xlsx"]
    d = json.loads(cli("tally", *files, "--month", "2026-10", "--out", tmp_path / "t.xlsx", "--format", "json").stdout)
    assert [p["id"] for p in d["people"]] == ["HB001", "HB003"]
    assert sum(u["missing"] for u in d["units"]) == 0
    assert [f["value"] for f in d["findings"] if f["code"] == "roster-not-covered"] == [38]
    d = json.loads(cli("tally", folder, "--month", "2026-10", "--out", tmp_path / "u.xlsx", "--format", "json").stdout)
    assert sum(u["missing"] for u in d["units"]) == 1
