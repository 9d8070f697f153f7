"""The run: inputs collected from files, folders and .zip archives; every file read once and
checked in the same worker; a crash is a finding for that file; the result does not depend on
--jobs; SHA-256 of each input."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from danhgia import pipeline
from danhgia.config import Limits
from danhgia.model import ReadContext
from danhgia.report import Report
from fixtures.validate import stub_reader
from fixtures.validate.stub_reader import write_book


@pytest.fixture(autouse=True)
def stub(monkeypatch):
    monkeypatch.setattr(pipeline, "_reader", lambda: stub_reader.read_file)


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "2026-10"
    write_book(root / "a.xlsx")
    write_book(root / "phong-b" / "b.xlsx", {"Bảng điểm": {"fields": {"id": "HN002"}, "self_scores": {"I.2.1": 4}}})
    write_book(root / "phong-b" / "c.xlsx", {"Bảng điểm": {"fields": {"id": "HN003"}}})
    (root / "~$a.xlsx").write_bytes(b"lock")
    (root / ".~lock.a.xlsx#").write_bytes(b"lock")
    (root / "ghi-chu.txt").write_text("x")
    return root


def test_collect_folder_recursively_in_stable_order_skipping_lock_files(tmp_path):
    root = tree(tmp_path)
    os.symlink(root, root / "phong-b" / "loop")       # a symlink loop is walked once
    tasks = pipeline.collect([root], Limits())
    assert [t.display for t in tasks] == [f"{root.as_posix()}/a.xlsx", f"{root.as_posix()}/phong-b/b.xlsx",
                                          f"{root.as_posix()}/phong-b/c.xlsx"]


def test_collect_relative_display_and_each_file_once(tmp_path, monkeypatch):
    tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    tasks = pipeline.collect(["2026-10", "2026-10/a.xlsx"], Limits())
    assert [t.display for t in tasks] == ["2026-10/a.xlsx", "2026-10/phong-b/b.xlsx", "2026-10/phong-b/c.xlsx"]


def make_zip(tmp_path: Path) -> Path:
    src = write_book(tmp_path / "src" / "inner.xlsx")
    arc = tmp_path / "thang10.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, "phong-a/inner.xlsx")
        zf.writestr("~$inner.xlsx", b"lock")
        zf.writestr("readme.txt", "x")
        zf.writestr("bomb.xlsx", b"\0" * (3 * 1024 * 1024))           # ratio far above 200:1
        zf.writestr("locked.xlsx", b"PK")
    mark_encrypted(arc, b"locked.xlsx")
    return arc


def mark_encrypted(arc: Path, name: bytes) -> None:
    """Set the 'encrypted' flag of one member in the central directory (zipfile cannot write it)."""
    data = bytearray(arc.read_bytes())
    i = data.find(b"PK\x01\x02")
    while i != -1:
        n = int.from_bytes(data[i + 28:i + 30], "little")
        if data[i + 46:i + 46 + n] == name:
            data[i + 8] |= 0x1
        i = data.find(b"PK\x01\x02", i + 4)
    arc.write_bytes(bytes(data))


def test_zip_members_are_read_with_limits(tmp_path, monkeypatch):
    arc = make_zip(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = pipeline.run(["thang10.zip"], ReadContext(), month=(2026, 10))
    by_file = {f.file: f for f in result.files}
    assert list(by_file) == ["thang10.zip/bomb.xlsx", "thang10.zip/locked.xlsx", "thang10.zip/phong-a/inner.xlsx"]
    assert [x.code for x in by_file["thang10.zip/bomb.xlsx"].findings] == ["file-too-large"]
    assert [x.code for x in by_file["thang10.zip/locked.xlsx"].findings] == ["file-encrypted"]
    inner = by_file["thang10.zip/phong-a/inner.xlsx"]
    assert inner.findings == [] and len(inner.sheets) == 1 and inner.sheets[0].findings == []
    assert inner.member == "phong-a/inner.xlsx"
    with zipfile.ZipFile(arc) as zf:
        assert inner.sha256 == hashlib.sha256(zf.read("phong-a/inner.xlsx")).hexdigest()


def test_member_over_the_size_limit(tmp_path):
    arc = make_zip(tmp_path)
    result = pipeline.run([arc], ReadContext(limits=Limits(max_file_bytes=1000)))
    inner = [f for f in result.files if f.file.endswith("inner.xlsx")][0]
    assert [x.code for x in inner.findings] == ["file-too-large"]


def test_broken_zip_is_one_finding(tmp_path):
    bad = tmp_path / "hong.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    result = pipeline.run([bad], ReadContext())
    assert [(f.file, [x.code for x in f.findings]) for f in result.files] == [(bad.as_posix(), ["file-unreadable"])]


def test_crash_in_one_file_is_a_finding_and_the_others_are_processed(tmp_path):
    root = tree(tmp_path)
    write_book(root / "crash.xlsx")
    for jobs in (1, 2):
        result = pipeline.run([root], ReadContext(), month=(2026, 10), jobs=jobs)
        crash = [f for f in result.files if f.file.endswith("crash.xlsx")][0]
        assert [x.code for x in crash.findings] == ["file-unreadable"]
        assert "boom" in crash.findings[0].message()
        assert len(result.sheets()) == 3


def test_a_worker_that_dies_costs_only_its_file(tmp_path):
    root = tree(tmp_path)
    for i in range(5):
        write_book(root / "more" / f"p{i}.xlsx", {"Bảng điểm": {"fields": {"id": f"P{i}"}}})
    write_book(root / "die.xlsx")
    result = pipeline.run([root], ReadContext(), month=(2026, 10), jobs=2)
    dead = [f for f in result.files if f.file.endswith("die.xlsx")][0]
    assert [x.code for x in dead.findings] == ["file-unreadable"]
    assert len(result.sheets()) == 8 and len(result.files) == 9


def test_sha256_of_each_input(tmp_path):
    root = tree(tmp_path)
    result = pipeline.run([root / "a.xlsx"], ReadContext())
    assert result.files[0].sha256 == hashlib.sha256((root / "a.xlsx").read_bytes()).hexdigest()


def test_jobs_give_identical_results(tmp_path):
    root = tree(tmp_path)
    for i in range(12):
        write_book(root / "more" / f"p{i:02d}.xlsx", {"Bảng điểm": {"fields": {"id": f"X{i}"},
                                                                     "self_scores": {"II.2": 40 + i}}})
    outs = []
    for jobs in (1, 2, 3):
        result = pipeline.run([root, make_zip(tmp_path / f"z{jobs}")], ReadContext(), month=(2026, 10), jobs=jobs)
        data = Report.build(result).to_json()
        outs.append(json.dumps(data, sort_keys=True).replace(f"z{jobs}", "zN"))
        assert [f.sha256 for f in result.files if f.sheets]
    assert outs[0] == outs[1] == outs[2]


def test_progress_is_called(tmp_path):
    root = tree(tmp_path)
    seen = []
    pipeline.run([root], ReadContext(), progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_duplicates_across_files_and_outcomes_are_compact(tmp_path):
    root = tmp_path / "dup"
    write_book(root / "a.xlsx")
    write_book(root / "b.xlsx")
    result = pipeline.run([root], ReadContext(), month=(2026, 10))
    assert [(f.code, f.file, f.cell) for f in result.findings] == [("duplicate-person", f"{root.as_posix()}/b.xlsx", "B3")]
    s = result.sheets()[0]
    assert not hasattr(s, "rows") and s.self_total == 90 and s.cells["id"] == "B3"
