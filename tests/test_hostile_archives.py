"""Hostile archives, round two (issue 15): a .zip inside the .zip is reported, never skipped in
silence (a score over the maximum inside it went unreported, exit 0); two entries with the same
name are each checked and reported as such (the first was never checked, the second read twice).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402


def _over_max(tmp_path: Path) -> bytes:
    return round2.with_values(tmp_path / "over.xlsx", scores={"I.1.1": 99}).read_bytes()


def _validate(tmp_path: Path, *paths) -> tuple[int, dict]:
    res, took, peak = round2.run(["validate", *paths, "--format", "json"], tmp_path, timeout=60)
    assert "Traceback" not in res.stderr, res.stderr[-500:]
    assert took < 30
    return res.returncode, json.loads(res.stdout)


def test_an_archive_inside_the_archive_is_reported(tmp_path):
    good = (HOSTILE / "good.xlsx").read_bytes()
    inner = round2.zip_bytes([("thang-10/over.xlsx", _over_max(tmp_path))])
    deeper = round2.zip_bytes([("inner.zip", inner)])
    outer = round2.zip_of(tmp_path / "nop.zip", [("good.xlsx", good), ("phong-a.zip", inner),
                                                  ("phong-b.ZIP", deeper)])
    code, data = _validate(tmp_path, outer)
    assert code == 1
    hits = {Path(f["file"]).name: f for f in data["findings"] if f["code"] == "file-unreadable"}
    assert set(hits) == {"phong-a.zip", "phong-b.ZIP"}
    assert "extract it" in json.dumps(data, ensure_ascii=False) or "giải nén" in hits["phong-a.zip"]["message"]
    assert data["summary"]["scoresheets"] == 1          # good.xlsx beside them is read


def test_entries_with_the_same_name_are_each_checked(tmp_path):
    good = (HOSTILE / "good.xlsx").read_bytes()
    # the first "a.xlsx" has a score over the maximum; the second is sound
    outer = round2.zip_of(tmp_path / "nop.zip", [("a.xlsx", _over_max(tmp_path)), ("a.xlsx", good)])
    code, data = _validate(tmp_path, outer)
    assert code == 1
    assert data["summary"]["files"] == 2
    by_file: dict[str, list[str]] = {}
    for f in data["findings"]:
        by_file.setdefault(f["file"], []).append(f["code"])
    assert len(by_file) == 2, by_file
    first, second = sorted(by_file)
    assert first.endswith("nop.zip/a.xlsx") and second.endswith("nop.zip/a.xlsx (2)")
    assert "score-above-max" in by_file[first]                # the first is checked …
    assert "score-above-max" not in by_file[second]           # … and the second is not the first again
    for name in (first, second):
        assert "archive-duplicate-name" in by_file[name]


def test_an_ordinary_archive_has_no_new_findings(tmp_path):
    good = (HOSTILE / "good.xlsx").read_bytes()
    outer = round2.zip_of(tmp_path / "nop.zip", [("a.xlsx", good), ("ghi-chu.txt", b"x")])
    code, data = _validate(tmp_path, outer)
    assert not [f for f in data["findings"] if f["code"] in ("archive-duplicate-name", "file-unreadable")]
