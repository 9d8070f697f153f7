"""The tool's mark (docProps/custom.xml) is read from the part the guard already found, not by
opening the package a second time with ``zipfile`` (issue 16): the same mark as ``zipfile`` gives,
on every workbook of the examples, the fixtures and the tool's own outputs; and wherever
``zipfile`` might see the package otherwise, the guard does not decide (``Inspection.custom`` is
``None``) and the mark is read the old way.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import example_unit

from danhgia.config import Limits
from danhgia.read import guard
from danhgia.read.mark import read_mark

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "hostile" / "good.xlsx"


def _both(path: Path):
    insp = guard.inspect(path, path.name, Limits())
    return insp, read_mark(path, None, insp.data, insp.custom), read_mark(path)


def test_the_same_mark_as_zipfile_on_every_example_and_fixture():
    files = sorted(p for d in ("examples", "tests/fixtures") for p in (ROOT / d).rglob("*.xls[xm]"))
    assert len(files) > 300
    decided = marked = 0
    for p in files:
        insp, fast, slow = _both(p)
        assert fast == slow, p
        decided += insp.custom is not None
        marked += fast is not None
    assert decided > 300 and marked >= 10


def test_the_same_mark_on_the_tools_own_outputs(cli, tmp_path):
    unit = example_unit(tmp_path)
    folder = unit / "2026-10"
    assert cli("template", "--roster", unit / "danh-sach.xlsx", "--month", "2026-11",
               "--out", tmp_path / "mau").exit_code == 0
    cli("tally", folder, "--month", "2026-10", "--out", tmp_path / "t.xlsx")
    cli("validate", folder, "--month", "2026-10", "--annotate", tmp_path / "ghi-chu")
    outputs = [tmp_path / "t.xlsx", *sorted((tmp_path / "mau").glob("*.xlsx"))[:3],
               *sorted((tmp_path / "ghi-chu").rglob("*.xlsx"))[:3]]
    kinds = set()
    for p in outputs:
        insp, fast, slow = _both(p)
        assert insp.custom, p                 # the guard found the part and decided
        assert fast == slow and fast is not None, p
        kinds.add(fast.kind)
    assert {"tally", "template", "annotated"} <= kinds


def _rewrite(src: Path, target: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        for name, data in change.items():
            zout.writestr(name, data)
    return target


MARK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="danhgia.kind">'
        b'<vt:lpwstr>annual</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" '
        b'name="danhgia.tool"><vt:lpwstr>danhgia 0.1.0</vt:lpwstr></property></Properties>')


def _marked(tmp_path: Path) -> Path:
    path = _rewrite(GOOD, tmp_path / "m.xlsx", {"docProps/custom.xml": MARK})
    insp, fast, slow = _both(path)
    assert insp.custom == MARK and fast == slow and fast is not None and fast.kind == "annual"
    return path


def test_no_custom_part_is_no_mark(tmp_path):
    insp, fast, slow = _both(GOOD)
    assert insp.custom == b"" and fast is None and slow is None


def test_a_local_header_naming_another_part_is_left_to_zipfile(tmp_path):
    data = bytearray(_marked(tmp_path).read_bytes())
    at = data.index(b"docProps/custom.xml")
    assert data[at - 30:at - 26] == b"PK\x03\x04"
    data[at:at + 8] = b"docProps".upper()                # the central directory still says docProps/
    path = tmp_path / "n.xlsx"
    path.write_bytes(bytes(data))
    insp, fast, slow = _both(path)
    assert insp.custom is None and fast == slow is None   # zipfile: "File name … differ": no mark


def test_a_damaged_custom_part_is_left_to_zipfile(tmp_path):
    path = _marked(tmp_path)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("docProps/custom.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    insp, fast, slow = _both(path)
    assert insp.custom is None and fast == slow


def test_bytes_before_the_archive_are_left_to_zipfile(tmp_path):
    path = _marked(tmp_path)
    path.write_bytes(b"MZ" + bytes(510) + path.read_bytes())
    insp, fast, slow = _both(path)
    assert insp.custom is None and fast == slow


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".csv"])
def test_only_xlsx_and_xlsm_carry_a_mark(tmp_path, suffix):
    path = _marked(tmp_path)
    insp = guard.inspect(path, "m.xlsx", Limits())
    assert read_mark(path, suffix, insp.data, insp.custom) is None


def test_a_directory_with_bytes_that_are_no_entry_is_left_to_zipfile(tmp_path):
    """zipfile refuses such a directory ("Bad magic number"): no mark; the guard does not decide."""
    import struct

    data = _marked(tmp_path).read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack("<II", data[eocd + 12:eocd + 20])
    junk = b"\x00" * 50
    record = data[eocd:eocd + 12] + struct.pack("<II", cd_size + len(junk), cd_off) + data[eocd + 20:]
    path = tmp_path / "j.xlsx"
    path.write_bytes(data[:cd_off + cd_size] + junk + record)
    insp, fast, slow = _both(path)
    assert insp.finding is None                   # the guard still accepts the package
    assert insp.custom is None and fast == slow is None
