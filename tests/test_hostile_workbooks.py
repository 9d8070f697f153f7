"""Hostile workbooks, round two (issue 15): the guard follows the workbook's own relationships to
every sheet part (wherever it lies in the package) and bounds each; shared-string references that
point nowhere (past the end, -1, no shared-strings part) are one clear finding at the cell,
never a raw "CalamineError", a misleading not-a-scoresheet, or a wrong value read in silence.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from danhgia.config import Limits
from danhgia.read import guard

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402

LIMIT_S, LIMIT_KB = 10, 500 * 1024


@pytest.mark.parametrize("style", ["absolute", "relative", "dotted"])
@pytest.mark.parametrize("far", ["XFD1048576", "A1048576", "XFD1"])
def test_guard_bounds_a_sheet_part_outside_worksheets(tmp_path, style, far):
    path = round2.sheet_outside_worksheets(tmp_path / "x.xlsx", far=far, style=style)
    found = guard.inspect(path, "x.xlsx", Limits())
    assert found.finding is not None
    assert found.finding.code == "file-too-large"
    assert (found.finding.sheet, found.finding.cell) == ("Bảng điểm", far)


def test_the_same_part_with_a_near_cell_is_read(tmp_path):
    path = round2.sheet_outside_worksheets(tmp_path / "x.xlsx", far="H60")
    assert guard.inspect(path, "x.xlsx", Limits()).finding is None


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_survives_a_sheet_part_outside_worksheets(tmp_path, jobs):
    """Unguarded, python-calamine aborts the whole process (exit 134, no report at all)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(HOSTILE / "good.xlsx", folder / "good.xlsx")
    round2.sheet_outside_worksheets(folder / "xa.xlsx")
    res, took, peak = round2.run(["validate", folder, "--format", "json", "--jobs", jobs], tmp_path, timeout=60)
    assert res.returncode == 1, (res.returncode, res.stderr[-500:])
    assert "Traceback" not in res.stderr
    assert took < LIMIT_S
    if jobs == "1":
        assert peak < LIMIT_KB
    data = json.loads(res.stdout)
    hits = [(f["code"], f["sheet"], f["cell"]) for f in data["findings"] if f["file"].endswith("xa.xlsx")]
    assert hits == [("file-too-large", "Bảng điểm", "XFD1048576")]
    assert data["summary"]["scoresheets"] == 1


@pytest.mark.parametrize("case", ["out-of-range", "negative", "missing"])
def test_guard_refuses_shared_string_references_to_nothing(tmp_path, case):
    path = round2.shared_strings_case(tmp_path / "x.xlsx", case)
    f = guard.inspect(path, "x.xlsx", Limits()).finding
    assert f is not None and f.code == "file-unreadable"
    assert (f.sheet, f.cell) == ("Bảng điểm", "C1")
    assert "shared string" in f.message("en").replace("shared-strings", "shared string")


def test_a_sound_shared_string_is_read(tmp_path):
    path = round2.shared_strings_case(tmp_path / "x.xlsx", "ok")
    assert guard.inspect(path, "x.xlsx", Limits()).finding is None


_ROW = b'<row r="1"><c r="A1" s="2" t="s"><v>0</v></c>'


@pytest.mark.parametrize("cells", [
    b'<c r="C1" t="s"><v>5</v></c>',                          # past the end (5 strings: 0-4)
    b'<c r="C1" t="s"><v>-1</v></c>',                         # python-calamine reads -1 as string 0
    b'<c r="C1" t="s"><v> 4x</v></c>',                        # not a number
    b'<c r="C1" t=\'s\'><v>9</v></c>',                        # single quotes
    b'<c r="C1" t = "s"><v>9</v></c>',                        # blanks around "="
    b'<c r="C1" t="s">\n <v>9</v></c>',                       # blanks before <v>
    b'<c r="C1" t="s"><x:v>9</x:v></c>',                      # a prefixed <v>
    b'<c r="C1" t="s" s="1"><v>9</v></c><c r="D1" t="s"/>',   # an empty cell next to it
    b'<c r="C1" t="s"><v>4</v></c><c r="D1" t="s"><v>5</v></c>',
])
def test_the_quick_shared_string_test_vouches_for_no_bad_reference(cells):
    """``_strings_clean`` (the literal-led look) may only say "clean" when the exact pattern
    finds nothing wrong: for each bad reference it says "not sure" and the exact one refuses."""
    data = b'<worksheet><sheetData>' + _ROW + cells + b'</row></sheetData></worksheet>'
    assert not guard._strings_clean(data, 5)
    with pytest.raises(guard._BadString) as exc:
        guard._check_strings(data, 5)
    assert exc.value.cell in ("C1", "D1")


def test_the_quick_shared_string_test_passes_a_sound_sheet():
    data = (b'<worksheet><sheetData>' + _ROW + b'<c r="B1" t="s"><v>4</v></c><c r="C1"><v>9</v></c>'
            b'<c r="D1" t="str"><v>s</v></c></row></sheetData></worksheet>')
    assert guard._strings_clean(data, 5)
    assert not guard._strings_clean(data, 4)          # index 4 of 4 strings: past the end
    assert not guard._strings_clean(data, None)       # no shared-strings part at all


def test_validate_gives_one_clear_finding_per_damaged_shared_strings_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for case in ("out-of-range", "negative", "missing", "ok"):
        round2.shared_strings_case(folder / f"sst-{case}.xlsx", case)
    res, took, _ = round2.run(["validate", folder, "--format", "json"], tmp_path, timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    data = json.loads(res.stdout)
    by_file: dict[str, list] = {}
    for f in data["findings"]:
        by_file.setdefault(Path(f["file"]).name, []).append((f["code"], f["sheet"], f["cell"]))
    for case in ("out-of-range", "negative", "missing"):
        assert by_file[f"sst-{case}.xlsx"] == [("file-unreadable", "Bảng điểm", "C1")], by_file
    assert "sst-ok.xlsx" not in by_file
    assert "CalamineError" not in res.stdout
    assert data["summary"]["scoresheets"] == 1


def test_a_sheet_the_reader_cannot_read_is_not_also_called_not_a_scoresheet(tmp_path, monkeypatch):
    """If the reader fails on a sheet anyway, that is one finding, in words, not two."""
    from python_calamine import CalamineError

    from danhgia.model import ReadContext
    from danhgia.read import workbook

    class Sheet:
        def to_python(self, **kw):
            raise CalamineError("Cell string index not found in shared strings table")

    real = workbook._open

    def broken(path, *args):        # (path, the bytes the guard read)
        wb = real(path, *args)

        class Book:
            sheets_metadata = wb.sheets_metadata

            def get_sheet_by_name(self, name):
                return Sheet()

            def close(self):
                wb.close()

        return Book()

    monkeypatch.setattr(workbook, "_open", broken)
    sheets, findings = workbook.read_file(HOSTILE / "good.xlsx", "good.xlsx", ReadContext())
    assert sheets == []
    assert [f.code for f in findings] == ["file-unreadable"]
    assert "CalamineError" not in findings[0].message("en") and "damaged" in findings[0].message("en")
