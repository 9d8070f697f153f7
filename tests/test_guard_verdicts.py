"""The guard remembers the verdict of a part it has checked, keyed by the part's exact stored bytes
(issue 16: ten of a scoresheet's eleven parts are the same bytes in every file of a template).
It cannot be fooled: a hostile part with the same name, the same sizes and even the same CRC as a
benign part seen before is checked from scratch and refused; and the memory it keeps is bounded
whatever the number of files.
"""

from __future__ import annotations

import json
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from danhgia.config import Limits
from danhgia.read import guard

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
GOOD = HOSTILE / "good.xlsx"          # a scoresheet saved by openpyxl
sys.path.insert(0, str(HOSTILE))
import round2  # noqa: E402

_DTD = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


def forge_crc(prefix: bytes, target: int) -> bytes:
    """``prefix`` + 4 bytes whose CRC-32 is ``target`` (CRC-32 is linear: a collision is cheap,
    which is why a CRC must never be what vouches for a part's content)."""
    table = _crc_table()
    by_top = {t >> 24: i for i, t in enumerate(table)}
    reg = target ^ 0xFFFFFFFF
    index = [0] * 4
    for k in range(3, -1, -1):              # the table entries, from the end backwards
        index[k] = by_top[reg >> 24]
        reg = ((reg ^ table[index[k]]) << 8) & 0xFFFFFFFF
    reg = zlib.crc32(prefix) ^ 0xFFFFFFFF
    patch = bytearray()
    for k in range(4):                      # the bytes that select them, forwards
        patch.append((reg ^ index[k]) & 0xFF)
        reg = (reg >> 8) ^ table[index[k]]
    out = prefix + bytes(patch)
    assert zlib.crc32(out) == target
    return out


def twin(benign: bytes, head: bytes) -> bytes:
    """A part as long as ``benign``, with the same CRC-32, that starts with ``head``."""
    body = head + benign[len(head):len(benign) - 4]
    twin_ = forge_crc(body, zlib.crc32(benign))
    assert len(twin_) == len(benign) and twin_ != benign
    return twin_


def copy_with(src: Path, target: Path, name: str, data: bytes | None, method: int) -> Path:
    """``src`` copied part by part with ``method``; part ``name`` replaced by ``data``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == name and data is not None:
                body = data
            zout.writestr(zipfile.ZipInfo(info.filename, info.date_time), body, compress_type=method)
    return target


def _entry(path: Path, name: str) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as z:
        return z.getinfo(name)


@pytest.fixture(autouse=True)
def fresh_memo():
    guard._VERDICTS.clear()
    yield
    guard._VERDICTS.clear()


PARTS = ["xl/theme/theme1.xml", "docProps/app.xml", "docProps/core.xml", "xl/styles.xml",
         "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "_rels/.rels"]


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("name", PARTS)
def test_a_hostile_twin_of_a_part_seen_before_is_refused(tmp_path, name, method):
    benign = copy_with(GOOD, tmp_path / "a.xlsx", name, None, method)
    with zipfile.ZipFile(benign) as z:
        part = z.read(name)
    hostile = copy_with(GOOD, tmp_path / "b.xlsx", name, twin(part, _DTD), method)
    a, b = _entry(benign, name), _entry(hostile, name)
    assert (a.filename, a.file_size, a.CRC, a.compress_type) == (b.filename, b.file_size, b.CRC, b.compress_type)
    if method == zipfile.ZIP_STORED:
        assert a.compress_size == b.compress_size

    assert guard.inspect(benign, "a.xlsx", Limits()).finding is None
    assert any(key[1] == name for key in guard._VERDICTS.items), "the benign part's verdict is remembered"
    found = guard.inspect(hostile, "b.xlsx", Limits()).finding
    assert found is not None and found.code == "file-unreadable"
    assert name in found.message("en") and "DOCTYPE" in found.message("en")
    # and the other way round: the benign file is still read after the hostile one
    assert guard.inspect(benign, "a.xlsx", Limits()).finding is None


def test_a_remembered_part_is_not_inflated_again(tmp_path, monkeypatch):
    """The memo is really used (else the tests above would prove nothing about it)."""
    first = copy_with(GOOD, tmp_path / "a.xlsx", "", None, zipfile.ZIP_DEFLATED)
    second = copy_with(GOOD, tmp_path / "b.xlsx", "", None, zipfile.ZIP_DEFLATED)
    calls: list[str] = []
    real = guard._part_clean
    monkeypatch.setattr(guard, "_part_clean", lambda z, e: calls.append(e.name) or real(z, e))
    assert guard.inspect(first, "a.xlsx", Limits()).finding is None
    checked = len(calls)
    assert checked >= 4
    assert guard.inspect(second, "b.xlsx", Limits()).finding is None
    assert len(calls) == checked


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_shared_strings_twin_with_fewer_strings_is_counted_again(tmp_path, method):
    """The number of shared strings is remembered with the part: a twin (same name, sizes and
    CRC) that holds one string fewer must not inherit the count of the benign one."""
    ok = round2.shared_strings_case(tmp_path / "ok.xlsx", "ok")
    benign = copy_with(ok, tmp_path / "a.xlsx", "", None, method)
    with zipfile.ZipFile(benign) as z:
        sst = z.read("xl/sharedStrings.xml")
    assert sst.count(b"<si>") == 1
    fewer = forge_crc(sst.replace(b"<si>", b"<xx>").replace(b"</si>", b"</xx>")[:-4], zlib.crc32(sst))
    hostile = copy_with(ok, tmp_path / "b.xlsx", "xl/sharedStrings.xml", fewer, method)
    a, b = _entry(benign, "xl/sharedStrings.xml"), _entry(hostile, "xl/sharedStrings.xml")
    assert (a.file_size, a.CRC) == (b.file_size, b.CRC)

    assert guard.inspect(benign, "a.xlsx", Limits()).finding is None
    found = guard.inspect(hostile, "b.xlsx", Limits()).finding
    assert found is not None and found.code == "file-unreadable"
    assert (found.sheet, found.cell) == ("Bảng điểm", "C1")


def test_validate_refuses_the_twin_after_reading_the_benign_file(tmp_path):
    """Through the CLI, one process (``--jobs 1``): the benign file is read first (names sort),
    the hostile twin of its theme after it."""
    folder = tmp_path / "in"
    folder.mkdir()
    name = "xl/theme/theme1.xml"
    benign = copy_with(GOOD, folder / "a.xlsx", name, None, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(benign) as z:
        part = z.read(name)
    copy_with(GOOD, folder / "b.xlsx", name, twin(part, _DTD), zipfile.ZIP_DEFLATED)
    res, _took, _peak = round2.run(["validate", folder, "--format", "json", "--jobs", "1"], tmp_path, timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    data = json.loads(res.stdout)
    hits = [(Path(f["file"]).name, f["code"]) for f in data["findings"] if f["code"] == "file-unreadable"]
    assert hits == [("b.xlsx", "file-unreadable")]
    assert data["summary"]["scoresheets"] == 1


def test_the_memo_is_bounded_in_entries_and_bytes():
    memo = guard._Verdicts(entries=8, size=1000)
    for i in range(100):
        memo.put(("part", f"p{i}", 8, 10, i, bytes(50)), True, 60)
        assert len(memo.items) <= 8 and memo.bytes <= 1000
    memo = guard._Verdicts(entries=100, size=1000)
    for i in range(100):
        memo.put(("keep", f"p{i}", 8, 10, i, bytes(200)), bytes(200), 400)
        assert memo.bytes <= 1000
    assert len(memo.items) == 2
    memo.put(("keep", "big", 8, 10, 0, b""), bytes(2000), 2000)   # larger than the whole memo
    assert ("keep", "big", 8, 10, 0, b"") not in memo.items


def test_the_memo_stays_bounded_over_many_distinct_files(tmp_path, monkeypatch):
    """Files whose parts differ: the guard's memo holds no more than its caps (small ones here,
    so that 30 files reach them), and every file is still checked."""
    memo = guard._Verdicts(entries=16, size=64 * 1024)
    monkeypatch.setattr(guard, "_VERDICTS", memo)
    for i in range(30):
        src = copy_with(GOOD, tmp_path / f"f{i}.xlsx", "docProps/app.xml",
                        b"<Properties><Application>" + str(i).encode() * 50 + b"</Application></Properties>",
                        zipfile.ZIP_DEFLATED)
        assert guard.inspect(src, src.name, Limits()).finding is None
        assert len(memo.items) <= 16 and memo.bytes <= 64 * 1024
    assert len(memo.items) == 16
