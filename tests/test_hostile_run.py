"""The run itself under hostile conditions (issue 15, round two): interruption, permissions, a
closed stdout, control characters.

- Ctrl-C at any time (start-up, reading with --jobs 2, writing the tally) → one line on stderr,
  exit 130, no traceback; the run's temporary files (``tmp*``, ``danhgia-*``) and the
  ``.danhgia-tmp-*`` beside the output are gone;
- a read-only output folder → a clear message and exit 2 (annual, template, tally alike);
- a subfolder or a file that cannot be read → a finding naming it;
- a closed stdout (``validate … --format csv | head -1``) ends quietly, with the exit code the
  run would have had;
- control characters read from a file (ESC, BEL in a name) are shown as ``\\x1b``, never sent to
  the terminal raw.

Permissions cannot stop root: the chmod cases run for other users (CI) and are simulated for root
by making the system calls fail the way they do.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
not_root = pytest.mark.skipif(ROOT, reason="root is not stopped by file permissions (simulated below)")


def _many(folder: Path, copies: int = 3) -> Path:
    folder.mkdir()
    for i in range(copies):
        for src in EXAMPLES.glob("2026-*/HB0*.xlsx"):
            shutil.copy(src, folder / f"{i}-{src.parent.name}-{src.name}")
    return folder


def _interrupt(args: list, cwd: Path, after: float, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(tmp), "DANHGIA_LANG": "en"}
    proc = subprocess.Popen([sys.executable, "-m", "danhgia", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return _many(tmp_path_factory.mktemp("big") / "in")


@pytest.mark.parametrize("after", [0.2, 0.8, 2.0])
@pytest.mark.parametrize("command", ["validate", "tally"])
def test_ctrl_c_at_any_time_is_one_line_and_exit_130(tmp_path, big, after, command):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out" / "tong-hop.xlsx"
    out.parent.mkdir()
    args = {"validate": ["validate", big, "--jobs", "2"],
            "tally": ["tally", big, "--month", "2026-10", "--out", out, "--jobs", "2"]}[command]
    res = _interrupt(args, tmp_path, after, tmp)
    if res.returncode in (0, 1):
        pytest.skip("the run ended before the signal")         # a very fast machine
    assert res.returncode == 130, (res.returncode, res.stderr[-800:])
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert lines == ["Interrupted (Ctrl-C); nothing more was written."], res.stderr[-800:]
    time.sleep(0.5)                                             # the workers are gone too
    assert list(tmp.iterdir()) == []
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".danhgia-tmp-")] == []


def test_closed_stdout_ends_quietly(tmp_path, big):
    """The reader closed the pipe before anything was written: nothing on stderr, and the exit
    code is the run's (1: the examples hold sheets with errors), not 3."""
    proc = subprocess.Popen([sys.executable, "-m", "danhgia", "validate", big, "--format", "csv"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert err == "" and code == 1, (code, err[-800:])


@pytest.mark.parametrize("fmt", ["csv", "text", "json"])
def test_head_of_the_report(tmp_path, big, fmt):
    res = subprocess.run(f'"{sys.executable}" -m danhgia validate "{big}" --format {fmt} | head -1', shell=True,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.stderr == "", res.stderr[-800:]
    assert len(res.stdout.splitlines()) == 1


# --- permissions -------------------------------------------------------------------------------


def _monthly(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for src in sorted((EXAMPLES / "2026-10").glob("HB00*.xlsx"))[:4]:
        shutil.copy(src, folder / src.name)
    out = tmp_path / "T10.xlsx"
    res, _, _ = round2.run(["tally", folder, "--month", "2026-10", "--out", out], tmp_path, timeout=120)
    assert out.is_file(), res.stderr
    return out


def _commands(tmp_path: Path, ro: Path) -> dict[str, list]:
    t10 = _monthly(tmp_path)
    return {"annual": ["annual", t10, "--year", "2026", "--out", ro / "nam.xlsx"],
            "template": ["template", "--out", ro / "mau"],
            "tally": ["tally", EXAMPLES / "2026-10" / "HB001-nguyen-van-hung.xlsx", "--month", "2026-10",
                      "--out", ro / "t.xlsx"]}


@not_root
def test_a_read_only_output_folder_is_a_clear_usage_error(tmp_path):
    ro = tmp_path / "chi-doc"
    ro.mkdir()
    commands = _commands(tmp_path, ro)
    ro.chmod(0o555)
    try:
        for name, args in commands.items():
            res, _, _ = round2.run(args, tmp_path, timeout=120, lang="en")
            assert res.returncode == 2, (name, res.returncode, res.stderr[-500:])
            assert "Traceback" not in res.stderr and "no permission to write" in res.stderr, res.stderr
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("name", ["annual", "template", "tally"])
def test_a_folder_that_refuses_writing_is_a_clear_usage_error_simulated(tmp_path, cli, monkeypatch, name):
    """As root cannot be refused, make the system refuse: every temporary file or folder the
    writers make in the output folder fails with EACCES, as it does in a read-only folder."""
    import tempfile

    ro = tmp_path / "chi-doc"
    ro.mkdir()
    args = _commands(tmp_path, ro)[name]
    real_mkstemp, real_mkdir = tempfile.mkstemp, Path.mkdir

    def mkstemp(*a, **kw):
        where = kw.get("dir") or (a[2] if len(a) > 2 else None)
        if where is not None and str(where).startswith(str(ro)):
            raise PermissionError(errno.EACCES, "Permission denied", str(where))
        return real_mkstemp(*a, **kw)

    def mkdir(self, *a, **kw):
        if str(self).startswith(str(ro)) and self != ro:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *a, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    res = cli(*args, "--lang", "en")
    assert res.exit_code == 2, (res.exit_code, res.output[-500:])
    assert "no permission to write" in res.output


@not_root
def test_an_unreadable_subfolder_and_file_are_findings(tmp_path):
    folder = tmp_path / "in"
    (folder / "khoa").mkdir(parents=True)
    shutil.copy(HOSTILE / "good.xlsx", folder / "good.xlsx")
    shutil.copy(HOSTILE / "good.xlsx", folder / "khoa" / "b.xlsx")
    shutil.copy(HOSTILE / "good.xlsx", folder / "khong-doc.xlsx")
    (folder / "khoa").chmod(0)
    (folder / "khong-doc.xlsx").chmod(0)
    try:
        res, _, _ = round2.run(["validate", folder, "--format", "json"], tmp_path, timeout=60, lang="en")
    finally:
        (folder / "khoa").chmod(0o755)
    data = json.loads(res.stdout)
    hits = {Path(f["file"]).name: f["message"] for f in data["findings"] if f["code"] == "file-unreadable"}
    assert set(hits) == {"khoa", "khong-doc.xlsx"}, hits
    assert all("permission denied" in m and "Errno" not in m for m in hits.values())


def test_an_unreadable_subfolder_and_file_are_findings_simulated(tmp_path, monkeypatch):
    from danhgia import pipeline
    from danhgia.model import ReadContext

    folder = tmp_path / "in"
    (folder / "khoa").mkdir(parents=True)
    shutil.copy(HOSTILE / "good.xlsx", folder / "good.xlsx")
    shutil.copy(HOSTILE / "good.xlsx", folder / "khoa" / "b.xlsx")
    shutil.copy(HOSTILE / "good.xlsx", folder / "khong-doc.xlsx")
    real_scandir, real_open = os.scandir, os.open
    locked = str(folder / "khoa")

    def scandir(path="."):
        if os.fspath(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def os_open(path, flags, *a, **kw):
        if os.fspath(path).endswith("khong-doc.xlsx"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", os_open)
    result = pipeline.run([folder], ReadContext())
    hits = {Path(f.file).name: f.message("en") for f in result.all_findings() if f.code == "file-unreadable"}
    assert set(hits) == {"khoa", "khong-doc.xlsx"}, hits
    assert all("permission denied" in m and "Errno" not in m for m in hits.values())
    assert len(result.sheets()) == 1


# --- control characters ------------------------------------------------------------------------


def test_control_characters_from_a_file_are_made_visible(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    # Excel writes control characters as _xHHHH_; readers give the characters back
    evil = "Nguyễn_x001B_]0;pwned_x0007__x001B_[2J An"
    round2.long_cell(folder / "a.xlsx", "name", chars=len(evil), text=evil)
    round2.long_cell(folder / "b.xlsx", "name", chars=len(evil), text=evil)   # a duplicate: the name is shown
    res, _, _ = round2.run(["validate", folder], tmp_path, timeout=60)
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout and "\x1b" not in res.stderr
    assert "\\x1b]0;pwned" in res.stdout, res.stdout[-800:]
    for fmt in ("text", "csv"):                 # to a terminal
        shown = _on_a_terminal(["validate", folder, "--format", fmt], tmp_path)
        assert "\\x1b]0;pwned" in shown, shown[-800:]
        assert "\x1b]0" not in shown and "\x1b[2J" not in shown and "\x07" not in shown
    res, _, _ = round2.run(["validate", folder, "--format", "json"], tmp_path, timeout=60)
    names = {f.get("person") for f in json.loads(res.stdout)["findings"]}
    assert any(n and "\x1b" in n for n in names)        # JSON keeps the value exactly (escaped by JSON)


def _on_a_terminal(args: list, cwd: Path) -> str:
    """What the command writes to a (pseudo-)terminal."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "250"}
    proc = subprocess.Popen([sys.executable, "-m", "danhgia", *map(str, args)], cwd=cwd, env=env,
                            stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:            # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace")
    # rich's own colour codes are ESC [ … m: drop them, so that any ESC left came from the file
    import re

    return re.sub("\x1b\\[[0-9;]*m", "", text)


def test_visible():
    from danhgia.cli.common import visible

    assert visible("a\x1b[2Jb\x07\tc\n") == "a\\x1b[2Jb\\x07\tc\n"
    assert visible("abc\u202eđ") == "abc\\u202eđ"
    assert visible("Nguyễn Văn An") == "Nguyễn Văn An"
