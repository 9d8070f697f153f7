"""Fuzzing with fixed seeds (issue 8): every case gives findings or a clean read, never a crash.

- the locate layer (and the sheet checks after it) over real scoresheet grids mutated at random:
  cells set to any value calamine can return, rows and columns deleted, duplicated, swapped,
  rows cut short;
- read_file (guard + calamine + locate) over byte mutations of valid workbooks (.xlsx, .xls,
  .ods), and over mutations of the XML inside a valid .xlsx (re-zipped, so they reach the
  parsers rather than stop at a CRC error);
- guard.inspect over byte mutations, in bounded time.

"Never a crash" is checked strictly: the reader and the pipeline turn exceptions into
``file-unreadable`` findings, so a finding whose reason names a Python programming error
(IndexError, KeyError, TypeError …) fails the test.
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from danhgia import framework as fw_mod
from danhgia.config import Limits
from danhgia.read import guard
from danhgia.read.locate import locate
from danhgia.read.workbook import read_file
from danhgia.model import ReadContext, Scoresheet
from danhgia.pipeline import check_sheet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
LO = FIXTURES / "libreoffice"
ROOT = Path(__file__).resolve().parent.parent
FWS = [fw_mod.load("hanoi-2022"), fw_mod.load("hanoi-2018")]
CTX = ReadContext(limits=Limits())
MONTH = (2026, 10)
SETTINGS = dict(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
BUG_TYPES = ("IndexError", "KeyError", "TypeError", "AttributeError", "ZeroDivisionError", "NameError",
             "UnboundLocalError", "AssertionError", "RecursionError", "InvalidOperation", "StopIteration")


def _no_crash(findings) -> None:
    for f in findings:
        # every finding renders in both languages and serialises
        f.message("vi"), f.message("en")
        json.dumps(f.to_dict("en"), ensure_ascii=False)
        if f.code == "file-unreadable":
            reason = str(f.params.get("reason", ""))
            assert not reason.startswith(BUG_TYPES), reason


def _check(sheet: Scoresheet | None) -> None:
    if sheet is None:
        return
    assert isinstance(sheet, Scoresheet)
    out = check_sheet(sheet, CTX, MONTH)
    _no_crash(out.findings)


def _grid(path: Path) -> list[list]:
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)


BASES = {
    "filled": HOSTILE / "good.xlsx",
    "libreoffice-ods": LO / "hanoi-2018-lanh-dao-quan-ly.ods",
    "blank-template": ROOT / "templates_xlsx" / "hanoi-2018" / "ldhd.xlsx",
}
GRIDS = {k: _grid(p) for k, p in BASES.items() if p.exists()}


def test_the_base_grids_are_scoresheets():
    assert set(GRIDS) == set(BASES)
    for name, grid in GRIDS.items():
        assert locate(grid, "S", FWS) is not None, name


# --- the locate layer --------------------------------------------------------------------------

_texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["I", "I.1", "I.1.1", "II", "II.1", "II.2", "III", "III.1", "IV.9.9", "1.", "I..1",
                     "Tự chấm", "Lãnh đạo chấm", "Điểm tối đa", "Thang điểm", "Họ và tên:", "Mã số:",
                     "Tháng 10 năm 2026", "Tháng 13 năm 99999", "tháng / năm", "danhgia:variant=ldhd",
                     "danhgia:framework=nope;version=x;variant=", "Tổng cộng", "Tổng điểm mục I",
                     "NguyÔn V¨n A", "Nguyeãn Vaên A", "A", "B", "E", "2,5", " 3 ", "1e309", "-0", "NaN",
                     "=SUM(A1:A2)", "@x", "\x00", "\u202e", "x" * 5000]),
)
_values = st.one_of(
    st.none(), st.just(""), _texts, st.integers(-10 ** 20, 10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(min_value=date(1, 1, 1)), st.datetimes(min_value=datetime(1, 1, 1)),
    st.times(), st.timedeltas(min_value=timedelta(days=-10 ** 6), max_value=timedelta(days=10 ** 6)),
)
_op = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 80), st.integers(0, 10), _values),
    st.tuples(st.just("del_row"), st.integers(0, 80)),
    st.tuples(st.just("dup_row"), st.integers(0, 80)),
    st.tuples(st.just("swap_rows"), st.integers(0, 80), st.integers(0, 80)),
    st.tuples(st.just("del_col"), st.integers(0, 10)),
    st.tuples(st.just("shift_row"), st.integers(0, 80), st.integers(1, 3)),
    st.tuples(st.just("cut_row"), st.integers(0, 80), st.integers(0, 6)),
    st.tuples(st.just("truncate"), st.integers(0, 80)),
)


def _mutate(grid: list[list], ops) -> list[list]:
    g = [list(r) for r in grid]
    for op in ops:
        kind = op[0]
        if not g:
            break
        if kind == "set":
            r, c, v = op[1] % len(g), op[2], op[3]
            while len(g[r]) <= c:
                g[r].append(None)
            g[r][c] = v
        elif kind == "del_row":
            del g[op[1] % len(g)]
        elif kind == "dup_row":
            r = op[1] % len(g)
            g.insert(r, list(g[r]))
        elif kind == "swap_rows":
            a, b = op[1] % len(g), op[2] % len(g)
            g[a], g[b] = g[b], g[a]
        elif kind == "del_col":
            for row in g:
                if op[1] < len(row):
                    del row[op[1]]
        elif kind == "shift_row":
            r = op[1] % len(g)
            g[r] = [None] * op[2] + g[r]
        elif kind == "cut_row":
            r = op[1] % len(g)
            g[r] = g[r][: op[2]]
        elif kind == "truncate":
            g = g[: op[1]]
    return g


@settings(max_examples=400, **SETTINGS)
@given(st.sampled_from(sorted(BASES)), st.lists(_op, min_size=1, max_size=12))
def test_locate_and_checks_on_mutated_scoresheets(base, ops):
    grid = _mutate(GRIDS[base], ops)
    sheet = locate(grid, "Bảng điểm", FWS, file="f.xlsx")
    _check(sheet)


@settings(max_examples=200, **SETTINGS)
@given(st.lists(st.lists(_values, max_size=10), max_size=30))
def test_locate_on_random_grids(grid):
    _check(locate(grid, "S", FWS))


# --- bytes -----------------------------------------------------------------------------------

_FILES = {
    "good.xlsx": (HOSTILE / "good.xlsx").read_bytes(),
    "lo.xls": (LO / "hanoi-2022-chuyen-vien.xls").read_bytes(),
    "lo.ods": (LO / "hanoi-2022-chuyen-vien.ods").read_bytes(),
}
_byte_ops = st.lists(st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("copy"), st.floats(0, 1), st.floats(0, 1), st.integers(1, 512)),
), min_size=1, max_size=6)


def _mutate_bytes(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op in ops:
        if not b:
            break
        at = min(int(op[1] * len(b)), len(b) - 1)
        if op[0] == "flip":
            b[at] ^= op[2]
        elif op[0] == "cut":
            del b[at:]
        elif op[0] == "insert":
            b[at:at] = op[2]
        elif op[0] == "delete":
            del b[at:at + op[2]]
        elif op[0] == "copy":           # a block of the file pasted elsewhere (headers, records)
            src = min(int(op[2] * len(b)), len(b) - 1)
            b[at:at] = b[src:src + op[3]]
    return bytes(b)


@settings(max_examples=150, **SETTINGS)
@given(st.sampled_from(sorted(_FILES)), _byte_ops)
def test_read_file_on_mutated_bytes(tmp_path, name, ops):
    data = _mutate_bytes(_FILES[name], ops)
    p = tmp_path / name
    p.write_bytes(data)
    t0 = time.perf_counter()
    got = guard.inspect(p, name, Limits())
    assert time.perf_counter() - t0 < 2.0
    if got.finding is not None:
        _no_crash([got.finding])
    sheets, findings = read_file(p, name, CTX)
    _no_crash(findings)
    for s in sheets:
        _check(s)


# --- XML inside a valid .xlsx ------------------------------------------------------------------

with zipfile.ZipFile(HOSTILE / "good.xlsx") as _z:
    _PARTS = {n: _z.read(n) for n in _z.namelist()}
_SHEET = _PARTS["xl/worksheets/sheet1.xml"].decode("utf-8")
_CELLS = list(re.finditer(r"<c [^>]*?(?:/>|>.*?</c>)", _SHEET))
_ROWS = list(re.finditer(r"<row [^>]*?(?:/>|>.*?</row>)", _SHEET))

_xml_ops = st.lists(st.one_of(
    st.tuples(st.just("value"), st.integers(0, 10 ** 6), st.one_of(
        st.sampled_from(["", "-1", "1e308", "1e-308", "NaN", "INF", "99999999999999999999", "abc", "2,5",
                         "45292", "-45292", "2958466", "<", "&amp;", "&#0;", "&#xD800;"]),
        st.text(alphabet="0123456789.-eE+", max_size=12))),
    st.tuples(st.just("type"), st.integers(0, 10 ** 6), st.sampled_from(["s", "n", "b", "e", "str", "inlineStr", "d", "zz"])),
    st.tuples(st.just("drop_cell"), st.integers(0, 10 ** 6)),
    st.tuples(st.just("dup_row"), st.integers(0, 10 ** 6)),
    st.tuples(st.just("ref"), st.integers(0, 10 ** 6), st.sampled_from(["A1", "XFD1048576", "ZZZZ1", "A0", "1A", "", "C7"])),
    st.tuples(st.just("style"), st.integers(0, 10 ** 6), st.sampled_from(["0", "999", "-1", "x"])),
), min_size=1, max_size=5)


def _mutate_sheet(ops) -> str:
    xml = _SHEET
    for op in ops:
        kind = op[0]
        cells = list(re.finditer(r"<c [^>]*?(?:/>|>.*?</c>)", xml))
        if kind == "dup_row":
            rows = list(re.finditer(r"<row [^>]*?(?:/>|>.*?</row>)", xml))
            m = rows[op[1] % len(rows)]
            xml = xml[:m.end()] + m.group(0) + xml[m.end():]
            continue
        if not cells:
            break
        m = cells[op[1] % len(cells)]
        cell = m.group(0)
        if kind == "value":
            v = op[2].replace("<", "&lt;") if op[2] != "<" else "&lt;"
            new = re.sub(r"<v>.*?</v>", f"<v>{v}</v>", cell) if "<v>" in cell else \
                re.sub(r"<t>.*?</t>", f"<t>{v}</t>", cell)
        elif kind == "type":
            new = re.sub(r' t="[^"]*"', "", cell).replace("<c ", f'<c t="{op[2]}" ', 1)
        elif kind == "drop_cell":
            new = ""
        elif kind == "ref":
            new = re.sub(r' r="[^"]*"', f' r="{op[2]}"', cell, count=1)
        else:
            new = re.sub(r' s="[^"]*"', "", cell).replace("<c ", f'<c s="{op[2]}" ', 1)
        xml = xml[:m.start()] + new + xml[m.end():]
    return xml


@settings(max_examples=150, **SETTINGS)
@given(_xml_ops)
def test_read_file_on_mutated_sheet_xml(tmp_path, ops):
    parts = dict(_PARTS)
    parts["xl/worksheets/sheet1.xml"] = _mutate_sheet(ops).encode("utf-8")
    p = tmp_path / "m.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    got = guard.inspect(p, "m.xlsx", Limits())          # a far reference is refused here
    if got.finding is not None:
        _no_crash([got.finding])
    sheets, findings = read_file(p, "m.xlsx", CTX)
    _no_crash(findings)
    for s in sheets:
        _check(s)


# --- guard alone: any bytes, bounded time ------------------------------------------------------

_MAGICS = [b"PK\x03\x04", b"PK\x05\x06", guard._OLE_MAGIC, b"", b"\xef\xbb\xbf", b"\xff\xfe"]


@settings(max_examples=300, **SETTINGS)
@given(st.sampled_from(_MAGICS), st.binary(max_size=3000), st.sampled_from(sorted(_FILES)), _byte_ops)
def test_guard_never_fails_on_any_bytes(tmp_path, magic, tail, base, ops):
    p = tmp_path / "x.xlsx"
    for data in (magic + tail, _mutate_bytes(_FILES[base], ops)):
        p.write_bytes(data)
        t0 = time.perf_counter()
        got = guard.inspect(p, "x.xlsx", Limits())
        assert time.perf_counter() - t0 < 2.0
        if got.finding is not None:
            _no_crash([got.finding])
        else:
            assert got.format in ("xlsx", "xlsb", "xls", "ods")
