"""Pre-flight checks on an input file before any parser sees it.

Scoresheets arrive by email, USB stick and chat apps; a few are broken and a few are hostile.
This module looks at the *bytes only* — size, magic number, the zip central directory, the
OLE2/CFB directory, the XML text of the parts — and decides, in time and memory bounded by
``Limits`` whatever the file holds, whether a parser may open it and in which format.

API
---
``inspect(path, display, limits) -> Inspection``
    ``Inspection.format`` is the REAL format found in the bytes, whatever the extension says:
    ``"xlsx"`` (also .xlsm), ``"xlsb"``, ``"xls"``, ``"ods"`` or ``None``;
    ``Inspection.finding`` is the one Finding that stops the file (``None`` when it may be read);
    ``Inspection.sheets`` is the number of sheets when known. A reader should open a file whose
    ``format`` disagrees with its extension by content (python-calamine's ``from_filelike``
    sniffs the bytes), e.g. a .xls renamed .xlsx.
``preflight(path, display, limits) -> Finding | None``
    ``inspect(...).finding`` (the signature the reader and the monthly reader call).
``sniff(path) -> "xlsx" | "xlsb" | "xls" | "ods" | None``
    the format by magic number and zip directory only (cheap; no limit checks; an encrypted
    .xlsx, being an OLE2 file, sniffs as "xls").
``zip_entry_count(path) -> int | None``
    the entries a .zip declares in its end record, read without building the directory (for
    archives of scoresheets: check it against ``max_zip_entries`` before ``zipfile``).

An .xlsb (binary workbook) is refused (``file-unreadable``): its cells cannot be checked here
and the formats accepted are .xlsx, .xlsm, .xls and .ods.

What stops a file (each gives exactly one Finding, never an exception):
- ``file-unreadable``: missing / unreadable path (permissions, a symbolic-link loop), an empty
  file, bytes that are no workbook (CSV or other text, HTML, PDF, a Word file …), a damaged or
  truncated archive, a CRC error, and XML holding a ``<!DOCTYPE`` or ``<!ENTITY`` declaration
  (entity-expansion "billion laughs" bombs and external entities, XXE). Nothing is ever
  expanded or fetched: those parts are refused before any parser runs.
- ``file-encrypted``: an OLE2 container with ``EncryptionInfo``/``EncryptedPackage`` (a
  password-protected .xlsx), a .xls whose globals hold a FILEPASS record, an .ods whose manifest
  has ``encryption-data``, zip entries with the encryption flag.
- ``file-too-large``: the file over ``max_file_bytes``; a zip whose central directory declares
  more than ``max_uncompressed_bytes`` in all, a part compressed more than
  ``max_compression_ratio`` (zip bombs), more than ``max_zip_entries`` entries; more than
  ``max_sheets`` sheets; a cell holding something beyond row ``max_rows`` or column
  ``max_columns`` (python-calamine allocates the dense grid up to the last cell: a 1 KB file
  with cells at A1 and XFD1048576 aborts the process). The Finding then names the sheet and cell.

Decompression is streamed in chunks and never produces more than the sizes the central
directory declares (a part that inflates past its declared size, or whose CRC is wrong, is
refused), so a lying header cannot make us inflate more than ``max_uncompressed_bytes``.
Small parts are only read as far as the end of their XML prolog (where a DTD must stand);
worksheets (and .ods content.xml) are streamed whole and the position of every cell with
content is checked (repeat counts included in .ods). A part stored with exactly the same bytes
as one already found clean (the styles, theme, docProps … of every file made from one template)
reuses that verdict (``_remembered``: keyed by the stored bytes themselves, bounded in memory).
The cost is under that of one python-calamine read of the file: a few tenths of a millisecond
per scoresheet.
"""

from __future__ import annotations

import codecs
import functools
import io
import os
import zlib
import re
import struct
import types
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

from danhgia.findings import Finding
from danhgia.messages import Say

_CHUNK = 256 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_XML_SUFFIXES = (".xml", ".rels", ".vml")

# Byte patterns. XML is scanned as bytes, never handed to an XML parser here: a parser is what
# expands entities or fetches external ones, and a DOCTYPE must be refused before any parser
# (calamine's, openpyxl's) sees the part. (defusedxml would refuse DTDs too, but costs a parse
# per part; the byte scan is bounded, cheap and cannot be talked into expanding anything.)
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CARRY = 512        # bytes kept between chunks so a tag cut in two is still found
_HEAD = 4096         # bytes read from a small part to check its prolog
_QUICK_HEAD = 512    # a first, cheaper look: most prologs are one line (<?xml …?>)
_PROLOG_MAX = 64 * 1024   # a prolog longer than this (comments, PIs) is refused
_FULL_SCAN = 1024 * 1024  # other parts larger than this are streamed whole (a DTD anywhere)
_WHOLE = 4 * 1024 * 1024  # files up to this size are read at once; the reader and the hash reuse the bytes


def _why(vi: str, en: str) -> str:
    """A reason in both languages; the message picks the one asked for (one language at a time)."""
    return Say(vi, en)


@dataclass(frozen=True)
class Inspection:
    format: str | None = None
    finding: Finding | None = None
    sheets: int | None = None
    data: bytes | None = None        # the file's bytes, read once (files up to _WHOLE bytes)
    # docProps/custom.xml (where the tool's mark stands) as zipfile would read it: its inflated
    # bytes (size and CRC checked), b"" when the package has no such part, ``None`` when the
    # guard did not decide (not an .xlsx, stopped before, an unusual package: read it yourself)
    custom: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.finding is None


class _Stop(Exception):
    """Raised inside the checks to end the inspection with one finding."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = {k: v for k, v in params.items() if v is not None}


def _unreadable(vi: str, en: str) -> _Stop:
    return _Stop("file-unreadable", reason=_why(vi, en))


def _too_large(vi: str, en: str, limit_vi: str, limit_en: str) -> _Stop:
    return _Stop("file-too-large", reason=_why(vi, en), limit=_why(limit_vi, limit_en)
                 if limit_vi != limit_en else limit_vi)


# ---------------------------------------------------------------------------------------------
# Entry points


def preflight(path: Path, display: str, limits) -> Finding | None:
    """The Finding that stops ``path`` from being parsed, or ``None`` (see ``inspect``)."""
    return inspect(path, display, limits).finding


def inspect(path: str | Path, display: str, limits) -> Inspection:
    """Look at the bytes of ``path`` and say whether and how it may be read; never raises."""
    state: dict = {"format": None, "sheets": None, "data": None, "custom": None}
    try:
        _inspect(path, limits, state)
    except _Stop as stop:
        sheet = stop.params.pop("sheet", None)
        cell = stop.params.pop("cell", None)
        return Inspection(state["format"], Finding(stop.code, file=display, sheet=sheet, cell=cell,
                                                   params=stop.params), state["sheets"], state["data"],
                          state["custom"])
    except RecursionError:   # pragma: no cover - nothing here recurses; belt and braces
        return Inspection(None, Finding("file-unreadable", file=display,
                                        params={"reason": "RecursionError"}), None)
    except Exception as exc:  # noqa: BLE001 - a file nobody foresaw must not end the run
        reason = f"{type(exc).__name__}: {exc}"[:300]
        return Inspection(state["format"], Finding("file-unreadable", file=display,
                                                   params={"reason": reason}), state["sheets"], state["data"])
    return Inspection(state["format"], None, state["sheets"], state["data"], state["custom"])


def sniff(path: str | Path) -> str | None:
    """The workbook format by magic number (and zip directory), or ``None``. Cheap; no limits."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head.startswith(_OLE_MAGIC[:8]):
                return "xls"
            if head[:4] in _ZIP_MAGIC:
                fh.seek(0)
                z = _Zip(fh, os.fstat(fh.fileno()).st_size, 10 ** 6)

                def mimetype() -> bytes:
                    e = z.by_name["mimetype"]
                    return b"".join(z.stream(e, 200, check=False))[:200] if e.usize <= 1024 else b""

                return _zip_format(z.by_name, mimetype)
    except Exception:  # noqa: BLE001
        return None
    return None


def zip_entry_count(path: str | Path) -> int | None:
    """Entries declared by a zip's end-of-central-directory record (``None`` if not a zip)."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            z = _Zip.__new__(_Zip)
            z.fh, z.size, z.data = fh, size, None
            return z.declared_count()
    except (OSError, _Stop):
        return None


# ---------------------------------------------------------------------------------------------
# Dispatch


def _inspect(path: str | Path, limits, state: dict) -> None:
    from danhgia.read.files import InputFileError, check_regular, open_regular, read_checked

    try:   # a regular file (a FIFO, a device, a socket, a folder is said to be one)
        size = check_regular(path).st_size
    except InputFileError as exc:
        raise _unreadable(exc.reason_vi, exc.reason_en) from None
    if size > limits.max_file_bytes:
        raise _too_large(f"{size} byte", f"{size} bytes",
                         f"{limits.max_file_bytes} byte", f"{limits.max_file_bytes} bytes")
    if size == 0:
        raise _unreadable("tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    try:   # without blocking on a FIFO swapped in after the check
        if size <= _WHOLE:
            # one read: the checks below, the reader (calamine from these bytes) and the hash
            # share it (issue 16)
            data = read_checked(path, limits.max_file_bytes, size + 1)
            if len(data) != size:
                raise _unreadable("tệp thay đổi trong khi đọc", "the file changed while being read")
            state["data"] = data
            fh = io.BytesIO(data)
        else:
            fh = open_regular(path, limits.max_file_bytes)
    except InputFileError as exc:
        raise _unreadable(exc.reason_vi, exc.reason_en) from None
    with fh:
        head = fh.read(512)
        fh.seek(0)
        if head.startswith(_OLE_MAGIC):
            _inspect_ole(fh, size, limits, state)
        elif head[:4] in _ZIP_MAGIC:
            _inspect_zip(fh, size, limits, state)
        else:
            kind_vi, kind_en = _describe(head)
            raise _unreadable(f"không phải bảng tính Excel/ODS ({kind_vi})",
                              f"not an Excel/ODS workbook ({kind_en})")


def _os_error(exc: OSError) -> _Stop:
    import errno

    if exc.errno == errno.ELOOP:
        return _unreadable("vòng lặp liên kết tượng trưng", "a symbolic-link loop")
    if exc.errno == errno.ENOENT:
        return _unreadable("không tìm thấy tệp", "file not found")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _unreadable("không có quyền đọc", "permission denied")
    return _unreadable(f"lỗi hệ thống: {exc.strerror}", f"system error: {exc.strerror}")


def _describe(head: bytes) -> tuple[str, str]:
    """What the first bytes look like, for the reason of a file that is no workbook."""
    h = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    low = h[:200].lower()
    if h.startswith(b"%PDF"):
        return "tệp PDF", "a PDF file"
    if h.startswith(b"{\\rtf"):
        return "tệp RTF", "an RTF file"
    if h.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return "tệp nén không phải .xlsx", "a compressed archive, not .xlsx"
    if h.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "tệp ảnh", "an image"
    if b"<html" in low or b"<!doctype html" in low or b"<table" in low:
        return "trang HTML đổi đuôi thành bảng tính", "an HTML page renamed as a workbook"
    if low.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        return "định dạng Excel 2003 XML, hãy lưu lại thành .xlsx", "Excel 2003 XML; save it as .xlsx"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = codecs.getincrementaldecoder("utf-16")(errors="replace").decode(head)
    else:
        try:   # incremental: a character cut at the end of the block is not an error
            text = codecs.getincrementaldecoder("utf-8")().decode(head)
        except UnicodeDecodeError:
            # 8-bit text (Windows-1252/1258, TCVN3, VNI …): no NUL, hardly any control bytes
            controls = sum(b < 32 and b not in (9, 10, 13) for b in head)
            text = head.decode("latin-1") if b"\x00" not in head and controls <= len(head) // 50 else ""
    if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
        if _looks_yaml(text):
            return "tệp YAML", "a YAML file"
        if _looks_csv(text):
            return "văn bản CSV đổi đuôi thành bảng tính", "CSV text renamed as a workbook"
        return "tệp văn bản", "a text file"
    return "dữ liệu không rõ định dạng", "bytes of no known format"


_YAML_KEY = re.compile(r"^(---\s*$|[A-Za-z_][\w-]*:(\s|$))")


def _looks_yaml(text: str) -> bool:
    """The first line that is not blank or a comment is ``key:`` or ``---`` (a unit or framework file)."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return bool(_YAML_KEY.match(line))
    return False


def _looks_csv(text: str) -> bool:
    """Two or more complete lines holding the same separator the same number of times."""
    lines = [x for x in text.splitlines()[:-1] if x.strip()] or text.splitlines()[:1]
    for sep in (",", ";", "\t"):
        counts = {x.count(sep) for x in lines[:10]}
        if len(counts) == 1 and counts != {0} and (len(lines) >= 2 or sep in text):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Zip containers: .xlsx / .xlsm / .xlsb / .ods
#
# A small reader of our own rather than ``zipfile``: every read is bounded by what the central
# directory declares (which the limits have already accepted), and checking a 20 KB scoresheet
# must cost far less than reading it (``zipfile`` builds objects and opens each part at a cost
# comparable to calamine's whole read).


@dataclass(slots=True)
class _Entry:
    name: str
    flags: int
    method: int
    crc: int
    csize: int
    usize: int
    offset: int


# a central directory header: signature, flags, method, CRC, sizes, name/extra/comment lengths,
# local header offset (the version, time, date, disk and attribute fields skipped)
_CD_HEADER = struct.Struct("<4s4xHH4xIIIHHH8xI")


class _Zip:
    def __init__(self, fh: BinaryIO, size: int, max_entries: int):
        self.fh, self.size = fh, size
        self.plain = True        # no zip64 record, a directory made of entries only (see _custom)
        # small files are read at once (one system call); larger ones by seeking
        self.data = fh.read() if size <= _WHOLE else None
        count, cd_size, cd_off, eocd = self._end_record()
        if count > max_entries:
            raise _too_large(f"{count} mục trong tệp nén", f"{count} archive entries",
                             f"{max_entries} mục", f"{max_entries} entries")
        self._directory(count, cd_size, cd_off, eocd, max_entries)

    def declared_count(self) -> int:
        return self._end_record()[0]

    def _end_record(self) -> tuple[int, int, int, int]:
        size = self.size
        if self.data is not None and size >= 22 and self.data.rfind(b"PK\x05\x06", size - 22) == size - 22:
            tail_len, tail, pos = 22, self.data[size - 22:], 0    # no archive comment: the usual end
        else:
            tail_len = min(size, 65535 + 22)
            tail = self._read(size - tail_len, tail_len)
            pos = tail.rfind(b"PK\x05\x06")
        if pos < 0 or pos + 22 > len(tail):
            raise _truncated("no end of central directory")
        _d, _d2, _n1, count, cd_size, cd_off = struct.unpack("<HHHHII", tail[pos + 4:pos + 20])
        eocd = size - tail_len + pos
        if 0xFFFF in (count,) or 0xFFFFFFFF in (cd_size, cd_off):
            loc = eocd - 20
            rec = self._read(loc, 20) if loc >= 0 else b""
            if rec[:4] != b"PK\x06\x07":
                raise _truncated("bad zip64 locator")
            z64 = struct.unpack("<Q", rec[8:16])[0]
            rec = self._read(z64, 56) if 0 <= z64 < size else b""
            if rec[:4] != b"PK\x06\x06" or len(rec) < 56:
                raise _truncated("bad zip64 end of central directory")
            count, cd_size, cd_off = struct.unpack("<QQQ", rec[32:56])
            self.plain = False
        return count, cd_size, cd_off, eocd

    def _directory(self, count: int, cd_size: int, cd_off: int, eocd: int, max_entries: int) -> None:
        size = self.size
        # data prepended to the archive (a self-extractor) shifts every offset
        self.shift = max(0, eocd - cd_size - cd_off)
        if cd_off + self.shift + cd_size > size:
            raise _truncated("central directory outside the file")
        cd = self._read(cd_off + self.shift, cd_size)
        self.entries: list[_Entry] = []
        i = 0
        end = len(cd)
        header = _CD_HEADER.unpack_from
        while i + 46 <= end:
            (sig, flags, method, crc, csize, usize, nlen, xlen, clen, off) = header(cd, i)
            if sig != b"PK\x01\x02":
                break
            raw = cd[i + 46:i + 46 + nlen]
            # cp437 and UTF-8 agree on ASCII, the usual name (the codec call is the costly part)
            name = raw.decode("ascii") if raw.isascii() else raw.decode(
                "utf-8" if flags & 0x800 else "cp437", errors="replace")
            if usize == 0xFFFFFFFF or csize == 0xFFFFFFFF or off == 0xFFFFFFFF:
                extra = cd[i + 46 + nlen:i + 46 + nlen + xlen]
                usize, csize, off = self._zip64(extra, usize, csize, off)
                self.plain = False
            # deflate never grows data by more than a few bytes per 64 KB block, and a stored
            # part is as long as it says: anything else is a damaged or lying header
            if not flags & 0x1 and ((method == 8 and csize > usize + usize // 1000 + 64)
                                    or (method == 0 and csize != usize)):
                raise _truncated(f"sizes of {name} do not agree")
            self.entries.append(_Entry(name, flags, method, crc, csize, usize, off + self.shift))
            i += 46 + nlen + xlen + clen
            if len(self.entries) > max_entries:
                raise _too_large(f"hơn {max_entries} mục trong tệp nén", f"more than {max_entries} archive entries",
                                 f"{max_entries} mục", f"{max_entries} entries")
        if i != len(cd):
            self.plain = False          # bytes in the directory that are no entry
        if not self.entries and count:
            raise _truncated("empty central directory")
        self.by_name = {e.name: e for e in self.entries}

    @staticmethod
    def _zip64(extra: bytes, usize: int, csize: int, off: int) -> tuple[int, int, int]:
        j = 0
        while j + 4 <= len(extra):
            hid, hlen = struct.unpack("<HH", extra[j:j + 4])
            if hid == 1:
                body = extra[j + 4:j + 4 + hlen]
                k = 0
                vals = []
                for v in (usize, csize, off):
                    if v == 0xFFFFFFFF and k + 8 <= len(body):
                        vals.append(struct.unpack("<Q", body[k:k + 8])[0])
                        k += 8
                    else:
                        vals.append(v)
                return vals[0], vals[1], vals[2]
            j += 4 + hlen
        return usize, csize, off

    def _read(self, off: int, n: int) -> bytes:
        if off < 0 or n < 0:
            return b""
        if self.data is not None:
            return self.data[off:off + n]
        self.fh.seek(off)
        return self.fh.read(n)

    def _data_start(self, e: _Entry) -> int:
        hdr = self._read(e.offset, 30)
        if len(hdr) < 30 or hdr[:4] != b"PK\x03\x04":
            raise _truncated(f"bad local header for {e.name}")
        nlen, xlen = struct.unpack("<HH", hdr[26:30])
        start = e.offset + 30 + nlen + xlen
        if start + e.csize > self.size:
            raise _truncated(f"{e.name} runs past the end of the file")
        return start

    def stream(self, e: _Entry, first: int = _CHUNK, check: bool = True) -> Iterator[bytes]:
        """The part's bytes, ``first`` bytes in the first block then ``_CHUNK`` at a time. Never
        more than the declared size: more data than declared (a lying header) is an error, as is
        a CRC mismatch when the part is read to its end with ``check``."""
        if e.method not in (0, 8):
            raise _unreadable(f"phần {e.name} dùng kiểu nén không hỗ trợ ({e.method})",
                              f"part {e.name} uses an unsupported compression method ({e.method})")
        pos = self._data_start(e)
        left = e.csize
        produced = 0
        crc = 0
        want = first
        if e.method == 0:
            while left > 0:
                block = self._read(pos, min(want, left))
                if not block:
                    break
                pos += len(block)
                left -= len(block)
                produced += len(block)
                crc = zlib.crc32(block, crc)
                yield block
                want = _CHUNK
        else:
            d = zlib.decompressobj(-15)
            pending = b""
            while True:
                if not pending:
                    if left <= 0:
                        break
                    pending = self._read(pos, min(64 * 1024, left))
                    if not pending:
                        break
                    pos += len(pending)
                    left -= len(pending)
                try:
                    out = d.decompress(pending, want)
                except zlib.error as exc:
                    raise _unreadable(f"tệp hỏng (phần {e.name} không giải nén được)",
                                      f"damaged file (part {e.name} cannot be decompressed: {exc})") from None
                pending = d.unconsumed_tail
                if out:
                    produced += len(out)
                    if produced > e.usize:
                        raise _unreadable(f"phần {e.name} giải nén ra nhiều hơn kích thước khai báo",
                                          f"part {e.name} expands beyond its declared size (a lying header)")
                    crc = zlib.crc32(out, crc)
                    yield out
                    want = _CHUNK
                if d.eof:
                    break
        if check and (produced != e.usize or crc != e.crc):
            raise _unreadable(f"tệp hỏng hoặc bị cắt cụt (phần {e.name} sai kích thước hoặc CRC)",
                              f"damaged or truncated file (part {e.name}: wrong size or CRC)")


def _truncated(detail: str) -> _Stop:
    return _unreadable("tệp hỏng hoặc bị cắt cụt (cấu trúc nén không đọc được)",
                       f"damaged or truncated file (the zip structure cannot be read: {detail})")


def _zip_format(names, read_mimetype=None) -> str | None:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names and read_mimetype is not None:
        return "ods" if read_mimetype().strip().startswith(_ODS_MIME) else None
    if "content.xml" in names:
        return "ods"
    return None


def _inspect_zip(fh: BinaryIO, size: int, limits, state: dict) -> None:
    z = _Zip(fh, size, getattr(limits, "max_zip_entries", 10000))
    names = z.by_name

    def mimetype() -> bytes:
        e = names["mimetype"]
        return b"".join(z.stream(e, 200, check=False))[:200] if e.usize <= 1024 else b""

    fmt = _zip_format(names, mimetype)
    state["format"] = fmt
    if fmt is None:
        if any(n.startswith("word/") for n in names):
            kind = ("tệp Word (.docx)", "a Word document (.docx)")
        elif any(n.startswith("ppt/") for n in names):
            kind = ("tệp PowerPoint (.pptx)", "a PowerPoint file (.pptx)")
        else:
            kind = ("tệp nén .zip không chứa bảng tính", "a .zip archive holding no workbook")
        raise _unreadable(f"không phải bảng tính Excel/ODS ({kind[0]})",
                          f"not an Excel/ODS workbook ({kind[1]})")
    # zip-level encryption (the "traditional PKWARE" or AES flag)
    if any(e.flags & 0x1 for e in z.entries):
        raise _Stop("file-encrypted")
    # zip bombs: what the central directory declares, before inflating anything
    total = sum(e.usize for e in z.entries)
    if total > limits.max_uncompressed_bytes:
        raise _too_large(
            f"giải nén ra {total} byte (dấu hiệu bom nén)", f"expands to {total} bytes (a zip bomb)",
            f"{limits.max_uncompressed_bytes} byte", f"{limits.max_uncompressed_bytes} bytes")
    for e in z.entries:
        ratio = e.usize / max(e.csize, 1)
        if e.usize > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise _too_large(
                f"{e.name} nén {ratio:.0f}:1 (dấu hiệu bom nén)",
                f"{e.name} compressed {ratio:.0f}:1 (a zip bomb)",
                f"{limits.max_compression_ratio}:1", f"{limits.max_compression_ratio}:1")
    if fmt == "xlsb":
        # binary parts: no cell positions to check, and not a format we accept (design §3)
        raise _unreadable("định dạng .xlsb (bảng tính nhị phân) không được hỗ trợ; hãy lưu lại thành .xlsx",
                          "the .xlsb (binary workbook) format is not supported; save it as .xlsx")
    if fmt == "ods":
        _inspect_ods(z, limits, state)
    else:
        _inspect_ooxml(z, limits, state)


def _decoder_for(first: bytes):
    """An incremental decoder to UTF-8 for a part written in UTF-16/32 (so that the byte
    patterns apply), or ``None`` for UTF-8 (and anything ASCII-compatible)."""
    if first[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"):
        enc = "utf-32"
    elif first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        enc = "utf-16"
    elif first[:2] == b"<\x00":
        enc = "utf-16-le"
    elif first[:2] == b"\x00<":
        enc = "utf-16-be"
    else:
        return None
    return codecs.getincrementaldecoder(enc)(errors="replace")


def _prolog(buf: bytes) -> bool | None:
    """Walk the XML prolog: ``False`` at a ``<!DOCTYPE`` (or any other ``<!`` declaration),
    ``True`` at the root element, ``None`` when ``buf`` ends first. A DTD may only stand in the
    prolog, so a part whose prolog is clean holds no entity declarations a parser would use."""
    i, n = 0, len(buf)
    if buf.startswith(b"\xef\xbb\xbf"):
        i = 3
    while True:
        while i < n and buf[i] in b" \t\r\n":
            i += 1
        if i >= n:
            return None
        if buf[i:i + 1] != b"<":
            return True             # text before the root: malformed; the parser will say so
        if buf.startswith(b"<?", i):
            j = buf.find(b"?>", i + 2)
            if j < 0:
                return None
            i = j + 2
        elif buf.startswith(b"<!--", i):
            j = buf.find(b"-->", i + 4)
            if j < 0:
                return None
            i = j + 3
        elif buf.startswith(b"<!", i) or n - i < 2:
            return False if buf.startswith(b"<!", i) else None
        else:
            return True


def _unsafe(name: str) -> _Stop:
    return _unreadable(
        f"phần {name} chứa khai báo DOCTYPE/ENTITY (có thể là tấn công XML); không mở",
        f"part {name} holds a DOCTYPE/ENTITY declaration (a possible XML attack); not opened")


def _head(z: _Zip, e: _Entry, n: int) -> bytes:
    """At most the first ``n`` bytes of a part, inflated with one call (bounded by ``n``)."""
    if e.method not in (0, 8):
        return b""                   # _scan_part says why
    start = z._data_start(e)
    if e.method == 0:
        return z._read(start, min(n, e.csize))
    raw = z._read(start, min(e.csize, 64 * 1024))
    try:
        out = zlib.decompressobj(-15).decompress(raw, n)
    except zlib.error:
        return b""                   # _scan_part reports the damage
    return out if len(out) <= e.usize else b""      # a lying header: _scan_part refuses it


def _whole(z: _Zip, e: _Entry) -> bytes | None:
    """A part inflated at once and checked (declared size, CRC), or ``None`` when the one-call
    path does not apply (another method, damage: the streaming path then says what is wrong)."""
    if e.method not in (0, 8):
        return None
    start = z._data_start(e)
    raw = z._read(start, e.csize)
    if e.method == 0:
        out = raw
    else:
        d = zlib.decompressobj(-15)
        try:
            out = d.decompress(raw, e.usize + 1)      # never more than declared (+1 to see a lie)
        except zlib.error:
            return None
        if not d.eof:
            return None
    if len(out) != e.usize or zlib.crc32(out) != e.crc:
        return None
    return out


def _clean(data: bytes, e: _Entry) -> bool:
    """A whole UTF-8 part: its prolog holds no DTD (refused) and ends in time (else ``False``)."""
    state = _prolog(data[:_PROLOG_MAX])
    if state is False:
        raise _unsafe(e.name)
    return state is True


def _prolog_clean(z: _Zip, e: _Entry) -> bool:
    """The common case of ``_scan_part`` without ``full``: a UTF-8 part whose prolog ends
    within its first ``_HEAD`` bytes; ``False`` when the general path must decide."""
    head = _head(z, e, _QUICK_HEAD)
    if not head or _decoder_for(head) is not None:
        return False
    state = _prolog(head)
    if state is False:
        raise _unsafe(e.name)
    return state is True


def _scan_part(z: _Zip, e: _Entry, *, full: bool = False, keep: list[bytes] | None = None,
               on_buffer=None) -> None:
    """Check one XML part. Always: its prolog holds no DTD (looking at no more than
    ``_PROLOG_MAX`` bytes). With ``full`` (or ``keep``): the whole part is streamed, a
    ``<!DOCTYPE`` or ``<!ENTITY`` anywhere is refused, and ``on_buffer(buf, n)`` sees each
    window: the previous chunk's last bytes (``n`` of them, already seen) + the new chunk. A
    match that ends within the first ``n`` bytes was seen in the previous window. ``keep``
    collects the bytes."""
    carry = b""
    seen = 0
    state: bool | None = None
    decoder = None
    whole = full or keep is not None
    for i, block in enumerate(z.stream(e, _CHUNK if whole else _HEAD, check=whole)):
        if i == 0:
            decoder = _decoder_for(block)
        if decoder is not None:
            block = decoder.decode(block).encode("utf-8")
        if keep is not None:
            keep.append(block)
        buf = carry + block
        if state is None:
            state = _prolog(buf)
            if state is False:
                raise _unsafe(e.name)
        if _DTD.search(buf):
            raise _unsafe(e.name)
        if on_buffer is not None:
            on_buffer(buf, len(carry))
        seen += len(block)
        if not whole and state is True:
            break                     # the prolog is clean: enough for this part
        if state is None and seen > _PROLOG_MAX:
            raise _unreadable(f"phần {e.name} có phần mở đầu XML quá dài",
                              f"part {e.name} has an over-long XML prolog")
        carry = buf[-_CARRY:] if state is not None else buf


# --- where the cells are -----------------------------------------------------------------------
#
# python-calamine builds a dense grid from the first to the last cell holding something: two
# cells, at A1 and XFD5000, cost it 82 million cells (3 GB, 10 s) and one at XFD1048576 aborts the
# whole process. So the position of every cell with content must stay within ``max_rows`` and
# ``max_columns``. Writers (Excel, LibreOffice, openpyxl, XlsxWriter) give every cell its
# reference: byte patterns then find the few references that could be out of bounds, at C speed.
# A part with cells that have no reference is walked cell by cell (rare; stops at the limit).

_PFX = rb"<(?:[A-Za-z_][\w.-]*:)?"
# a cell tag not written ``<c r="…`` (no reference, another spacing or quote, a namespace prefix),
# in two patterns that start with a literal (the regex engine then skips ahead instead of
# trying at every "<"); ":c" without its "<prefix" may also match in text, which only sends
# the sheet the slow, exact way
_ODD_PLAIN = re.compile(rb'<c(?:[>/\t\r\n\f\v]| (?!r="))')
_ODD_NS = re.compile(rb':c[\s>/]')


def _odd(buf: bytes) -> bool:
    return _ODD_PLAIN.search(buf) is not None or _ODD_NS.search(buf) is not None


_WALK = re.compile(_PFX + rb"(row|c)(?=[\s>/])([^>]*?)(/?)>")
_ROW_ATTR = re.compile(rb"""\br\s*=\s*["'](\d+)""")
_CELL_ATTR = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)""")
_SUSPECT: dict[tuple[int, int], re.Pattern] = {}


def _col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out or "A"


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _suspect(limits) -> re.Pattern:
    """``<c r="…"`` references that may lie past the limits: as many column letters as the last
    allowed column, or as many row digits as ``max_rows`` (each is then checked exactly)."""
    key = (limits.max_columns, limits.max_rows)
    if key not in _SUSPECT:
        _SUSPECT[key] = re.compile(
            rb'<c r="\$?(?:([A-Za-z]{%d,3})\$?([0-9]+)|([A-Za-z]{1,3})\$?([0-9]{%d,}))"[^>]*>'
            % (len(_col_letters(key[0])), len(str(key[1]))))
    return _SUSPECT[key]


_PLAIN: dict[tuple[int, int], re.Pattern | None] = {}


def _plain(limits) -> re.Pattern | None:
    """The first cell tag that is not ``<c r="A1"…`` with a reference surely within the limits
    (fewer column letters than the last allowed column, fewer row digits than ``max_rows``):
    every ``_suspect`` match and every ``_ODD_PLAIN`` match is one. ``None`` when no reference
    is surely in bounds (limits under 26 columns or 10 rows): the exact way is then taken."""
    key = (limits.max_columns, limits.max_rows)
    if key not in _PLAIN:
        letters, digits = len(_col_letters(key[0])) - 1, len(str(key[1])) - 1
        _PLAIN[key] = re.compile(
            rb'<c(?:[>/\t\r\n\f\v]| (?!r="\$?[A-Za-z]{1,%d}\$?[0-9]{1,%d}"))' % (letters, digits)
        ) if letters >= 1 and digits >= 1 else None
    return _PLAIN[key]


class _OutOfBounds(Exception):
    def __init__(self, row: int, col: int):
        super().__init__(row, col)
        self.row, self.col = row, col
        self.sheet = -1                           # .xls: the index of the sheet


def _check_cell(row: int, col: int, limits) -> None:
    if row > limits.max_rows or col > limits.max_columns:
        raise _OutOfBounds(row, col)


def _walk_cells(z: _Zip, e: _Entry, limits) -> None:
    """Follow the rows and cells of a worksheet the way a reader does (a cell without a
    reference is the one after the previous) and stop at the first one out of bounds."""
    row = 0
    col = 0

    def on_buffer(buf: bytes, seen: int) -> None:
        nonlocal row, col
        for m in _WALK.finditer(buf):
            if m.end() <= seen:
                continue
            kind, attrs, closed = m.group(1), m.group(2), m.group(3)
            if kind == b"row":
                r = _ROW_ATTR.search(attrs)
                row = int(r.group(1)) if r else row + 1
                col = 0
            else:
                ref = _CELL_ATTR.search(attrs)
                if ref:
                    col, row = _col_index(ref.group(1)), int(ref.group(2))
                else:
                    col += 1
                if not closed:                 # <c …/> holds nothing: no reader keeps it
                    _check_cell(row, col, limits)

    _scan_part(z, e, full=True, on_buffer=on_buffer)


class _BadString(Exception):
    """A cell refers to a shared string that does not exist."""

    def __init__(self, cell: str, index: str):
        super().__init__(cell, index)
        self.cell, self.index = cell, index


# a shared-string cell written the usual way (``<c r="B7" s="3" t="s"><v>12</v></c>``)
_SST_CELL = re.compile(rb'<c r="\$?([A-Za-z]{1,3}\$?[0-9]+)"[^>]*?\st\s*=\s*["\']s["\'][^>]*(?<!/)>\s*'
                       rb'<(?:[A-Za-z_][\w.-]*:)?v>\s*([^<]*?)\s*</')
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


# the same cells as Excel, LibreOffice, openpyxl and XlsxWriter write them (``t="s"><v>12</v>``):
# a literal-led pattern, several times cheaper than ``_SST_CELL``; ``_strings_clean`` uses it only
# to say "every shared-string cell is fine" and sends anything it cannot vouch for to
# ``_check_strings``
_SST_PLAIN = re.compile(rb't="s"[^>]*(?<!/)><v>([0-9]+)</v>')


def _at_least(n: int) -> bytes:
    """A pattern for the decimal numbers ≥ ``n`` (leading zeros allowed, as ``int`` reads them)."""
    digits = str(n)
    if n <= 0:
        return rb"[0-9]+"
    alts = [digits]                     # n itself, then a larger digit at each place
    for i, ch in enumerate(digits):
        if ch != "9":
            rest = len(digits) - i - 1
            alts.append(digits[:i] + f"[{int(ch) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return ("0*(?:[1-9][0-9]{%d,}|%s)" % (len(digits), "|".join(alts))).encode()


_DOUBT: dict[int, re.Pattern] = {}


def _doubt(strings: int) -> re.Pattern:
    """A ``"s"`` that is not ``t="s"`` followed by a plain ``<v>`` index below ``strings``: the
    pattern starts with a literal (the engine skips to each ``"s"``) and stops at the first."""
    pattern = _DOUBT.get(strings)
    if pattern is None:
        if len(_DOUBT) >= 256:
            _DOUBT.clear()
        pattern = _DOUBT[strings] = re.compile(
            rb'"s"(?:(?<!t="s")|(?![^>]*(?<!/)><v>[0-9]+</v>)|[^>]*(?<!/)><v>' + _at_least(strings) + rb"</v>)")
    return pattern


def _strings_clean(data: bytes, strings: int | None) -> bool:
    """``True`` when every shared-string cell of a whole worksheet surely refers to one of
    ``strings``; ``False`` means "not sure" and ``_check_strings`` then decides, exactly as
    before. Sure means: every ``"s"`` in the part is ``t="s"`` followed by a plain ``<v>`` index
    (``t="s"[^>]*><v>12</v>``, ``_SST_PLAIN``) below ``strings`` and no ``'s`` or ``"s'`` stands
    anywhere. Every cell ``_SST_CELL`` finds holds ``t=…"s"`` or ``t=…'s…``: the latter sends
    the part the exact way, the former's ``"s"`` is then preceded by ``t=`` (no blanks) and both
    patterns read the same index. One pass (``_doubt``) finds the first ``"s"`` that is not so."""
    if b"'" in data and (b"'s" in data or b"\"s'" in data):
        return False
    if strings is None:
        return b'"s"' not in data
    return _doubt(strings).search(data) is None


def _check_strings(buf: bytes, strings: int | None, seen: int = 0) -> None:
    """Every shared-string cell in ``buf`` (past ``seen``) refers to one of ``strings``."""
    for m in _SST_CELL.finditer(buf):
        if m.end() <= seen:
            continue
        raw = m.group(2)
        if strings is None or not raw.isdigit() or int(raw) >= strings:
            raise _BadString(m.group(1).replace(b"$", b"").decode("ascii").upper(),
                             raw[:20].decode("utf-8", "replace"))


def _check_sheet_xml(z: _Zip, e: _Entry, limits, strings: int | None = -1) -> None:
    """Stream a worksheet: no DTD; cells with content within bounds. When every cell tag is
    written ``<c r="…"`` (as all writers do), byte patterns find the suspects; otherwise the
    cells are walked one by one. ``strings`` is the number of shared strings (``None``: the
    workbook has no shared-strings part; -1: not checked): a cell whose index is not one of
    them stops the file (python-calamine raises for an index past the end and reads -1 as the
    first string: a wrong value in silence)."""
    suspect = _suspect(limits)
    if e.usize <= _FULL_SCAN:
        # one inflate, one look at the prolog (a DTD can stand nowhere else), one pass of the
        # cell patterns; anything unusual (UTF-16, damage, a long prolog) goes the streaming way
        data = _whole(z, e)
        if data is not None and _decoder_for(data) is None:
            if _clean(data, e):
                # one literal-led pass says whether every cell tag is plain and surely in bounds
                # (the usual case); only otherwise the suspects and odd tags are looked for
                quick = _plain(limits)
                plain = quick is not None and quick.search(data) is None and _ODD_NS.search(data) is None
                if not plain:
                    for m in suspect.finditer(data):
                        if not m.group(0).endswith(b"/>"):
                            _check_cell(int(m.group(2) or m.group(4)), _col_index(m.group(1) or m.group(3)), limits)
                if strings != -1 and not _strings_clean(data, strings):
                    _check_strings(data, strings)
                if not plain and _odd(data):
                    _walk_cells(z, e, limits)
                return
    odd = False

    def on_buffer(buf: bytes, seen: int) -> None:
        nonlocal odd
        for m in suspect.finditer(buf):
            if not m.group(0).endswith(b"/>"):
                _check_cell(int(m.group(2) or m.group(4)), _col_index(m.group(1) or m.group(3)), limits)
        if strings != -1:
            _check_strings(buf, strings, seen)
        if not odd:
            odd = _odd(buf)

    _scan_part(z, e, full=True, on_buffer=on_buffer)
    if odd:
        _walk_cells(z, e, limits)


_SHEET_EL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*)>")
_REL_EL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
_ATTR = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SMALL = 8 * 1024 * 1024          # workbook.xml and its rels are kept in memory up to this size


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        key = m.group(1).decode("utf-8", "replace").rsplit(":", 1)[-1]
        val = (m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace")
        out.setdefault(key, _unescape(val))
    return out


def _unescape(text: str) -> str:
    import html

    return html.unescape(text) if "&" in text else text


@functools.lru_cache(maxsize=32)   # the same few workbook.xml/rels in every file of a template
def _sheet_names(workbook: bytes | None, rels: bytes | None) -> tuple[int | None, Mapping[str, str]]:
    """Sheet count from xl/workbook.xml and part name → sheet name (via the workbook rels).

    Read with byte patterns, not an XML parser: both parts have already been scanned and hold
    no DTD, and a pattern cannot be made to expand or fetch anything."""
    if workbook is None:
        return None, {}
    sheets = [_attrs(m.group(1)) for m in _SHEET_EL.finditer(workbook)]
    targets: dict[str, str] = {}
    for m in _REL_EL.finditer(rels or b""):
        a = _attrs(m.group(1))
        if a.get("Id") and a.get("Target"):
            t = a["Target"]
            t = t.lstrip("/") if t.startswith("/") else "xl/" + t
            targets[a["Id"]] = os.path.normpath(t).replace("\\", "/")
    by_part = {targets[a["id"]]: a["name"] for a in sheets if a.get("id") in targets and a.get("name")}
    return len(sheets), types.MappingProxyType(by_part)     # cached: shared, read-only


def _out_of_bounds(sheet: str, exc: _OutOfBounds, limits) -> _Stop:
    where = f"{_col_letters(exc.col)}{exc.row}"
    if exc.row > limits.max_rows:
        stop = _too_large(f"trang «{sheet}» có dữ liệu ở ô {where}, quá {limits.max_rows} dòng",
                          f"sheet «{sheet}» has data in cell {where}, past {limits.max_rows} rows",
                          f"{limits.max_rows} dòng", f"{limits.max_rows} rows")
    else:
        stop = _too_large(f"trang «{sheet}» có dữ liệu ở ô {where}, quá {limits.max_columns} cột",
                          f"sheet «{sheet}» has data in cell {where}, past {limits.max_columns} columns",
                          f"{limits.max_columns} cột", f"{limits.max_columns} columns")
    stop.params.update(sheet=sheet, cell=where)
    return stop


@functools.lru_cache(maxsize=32)   # the same few workbook.xml/rels in every file of a template
def _sheet_targets(wb_xml: bytes | None, rels: bytes | None) -> tuple[str, ...]:
    """Every part name the workbook's own relationships give for a ``<sheet r:id=…>`` (a sheet
    part may live anywhere in the package, not only in xl/worksheets/), spelt the ways readers
    resolve it: relative to xl/, normalised, and python-calamine's plain ``xl/`` + target."""
    if wb_xml is None or rels is None:
        return []
    ids = {a.get("id") for a in (_attrs(m.group(1)) for m in _SHEET_EL.finditer(wb_xml))}
    out: list[str] = []
    for m in _REL_EL.finditer(rels):
        a = _attrs(m.group(1))
        target = (a.get("Target") or "").replace("\\", "/")
        if a.get("Id") not in ids or not target:
            continue
        raw = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out += [raw, os.path.normpath(raw).replace("\\", "/"), "xl/" + target.lstrip("/")]
    return tuple(out)


@functools.lru_cache(maxsize=32)   # the same few workbook.xml/rels in every file of a template
def _targets_of(rels: bytes | None, type_suffix: str) -> tuple[str, ...]:
    """Part names of the workbook relationships whose type ends with ``type_suffix``."""
    out = []
    for m in _REL_EL.finditer(rels or b""):
        a = _attrs(m.group(1))
        target = (a.get("Target") or "").replace("\\", "/")
        if target and (a.get("Type") or "").endswith(type_suffix):
            raw = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out.append(os.path.normpath(raw).replace("\\", "/"))
    return tuple(out)


def _bad_string(sheet: str, exc: _BadString, strings: int | None) -> _Stop:
    if strings is None:
        vi = (f"trang «{sheet}», ô {exc.cell} tham chiếu bảng chuỗi dùng chung nhưng tệp không có bảng này "
              "(tệp hỏng); hãy mở bằng Excel và lưu lại")
        en = (f"sheet «{sheet}», cell {exc.cell} refers to the shared-strings table but the file has none "
              "(a damaged file); open it in Excel and save it again")
    else:
        vi = (f"trang «{sheet}», ô {exc.cell} tham chiếu chuỗi dùng chung số {exc.index} nhưng tệp chỉ có "
              f"{strings} chuỗi (tệp hỏng); hãy mở bằng Excel và lưu lại")
        en = (f"sheet «{sheet}», cell {exc.cell} refers to shared string {exc.index} but the file holds "
              f"{strings} (a damaged file); open it in Excel and save it again")
    stop = _unreadable(vi, en)
    stop.params.update(sheet=sheet, cell=exc.cell)
    return stop


def _kept(z: _Zip, e: _Entry) -> bytes | None:
    """xl/workbook.xml or its rels, checked (no DTD) and kept (``None``: too large to keep; it is
    then checked as any other part)."""
    if e.usize <= _FULL_SCAN:
        data = _whole(z, e)                       # one inflate; the prolog decides
        if data is not None and _decoder_for(data) is None and _clean(data, e):
            return data
    if e.usize <= _SMALL:
        chunks: list[bytes] = []
        _scan_part(z, e, keep=chunks)
        return b"".join(chunks)
    return None


def _count_strings(z: _Zip, e: _Entry) -> int:
    """The shared-strings part checked (no DTD anywhere) and its strings counted."""
    if e.usize <= _FULL_SCAN:
        data = _whole(z, e)
        if data is not None and _decoder_for(data) is None and _clean(data, e):
            return len(_SI.findall(data))
    count = 0

    def on_buffer(buf: bytes, seen: int) -> None:
        nonlocal count
        count += sum(1 for m in _SI.finditer(buf) if m.end() > seen)

    _scan_part(z, e, full=True, on_buffer=on_buffer)
    return count


def _part_clean(z: _Zip, e: _Entry) -> bool:
    """Any other XML part: no DTD in its prolog (anywhere, in a part over ``_FULL_SCAN``)."""
    if e.usize > _FULL_SCAN or not _prolog_clean(z, e):
        _scan_part(z, e, full=e.usize > _FULL_SCAN)
    return True


# --- verdicts remembered by a part's exact bytes ---------------------------------------------
#
# The files of one template saved by one program share most of their parts byte for byte
# (styles, theme, docProps, the workbook and its rels, often the shared strings): ten of a
# scoresheet's eleven parts. A part's verdict (clean, and what the guard took from it: the
# workbook's bytes, the number of shared strings) is a function of the bytes stored in the
# archive, its compression method, declared size, CRC and role, so the verdict of an identical
# part is reused instead of inflating and scanning it again. The key holds the stored bytes
# themselves (compared in full on every hit), never a CRC or sizes alone: a part that differs
# by one byte is a different key and is checked from scratch. Only verdicts of clean parts are
# kept (a refusal ends its file anyway); the memory is bounded in entries and bytes, oldest out
# first, whatever the number of files.

_MEMO_PART = 64 * 1024        # stored bytes of a part whose verdict may be remembered
_MEMO_ENTRIES = 256
_MEMO_BYTES = 4 * 1024 * 1024
_MISS = object()


class _Verdicts:
    def __init__(self, entries: int = _MEMO_ENTRIES, size: int = _MEMO_BYTES):
        self.max_entries, self.max_bytes = entries, size
        self.items: dict[tuple, tuple[object, int]] = {}
        self.bytes = 0

    def get(self, key: tuple):
        hit = self.items.get(key)
        return _MISS if hit is None else hit[0]

    def put(self, key: tuple, value: object, cost: int) -> None:
        if cost > self.max_bytes or key in self.items:
            return
        self.items[key] = (value, cost)
        self.bytes += cost
        while len(self.items) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= self.items.pop(next(iter(self.items)))[1]

    def clear(self) -> None:
        self.items.clear()
        self.bytes = 0


_VERDICTS = _Verdicts()


def _remembered(z: _Zip, e: _Entry, role: str, check):
    """``check(z, e)``, or its value for a part stored with exactly the same bytes before."""
    if e.csize > _MEMO_PART or e.method not in (0, 8):
        return check(z, e)
    raw = z._read(z._data_start(e), e.csize)
    key = (role, e.name, e.method, e.usize, e.crc, raw)
    value = _VERDICTS.get(key)
    if value is _MISS:
        value = check(z, e)
        if value is not None:
            _VERDICTS.put(key, value, len(raw) + len(e.name) + (len(value) if isinstance(value, bytes) else 0))
    return value


_CUSTOM = "docProps/custom.xml"
_CUSTOM_MAX = 256 * 1024


def _custom_bytes(z: _Zip, e: _Entry) -> bytes | None:
    return _whole(z, e)          # None: damaged (zipfile would raise), let the caller decide


def _custom(z: _Zip) -> bytes | None:
    """docProps/custom.xml's bytes as ``zipfile`` reads them (see ``Inspection.custom``), so that
    the tool's mark is read without opening the package a second time with ``zipfile``; ``None``
    wherever ``zipfile`` might see the package otherwise (data before the archive, a NUL in a
    name, a local header that names another part, damage, a part over 256 KB)."""
    if z.data is None or z.shift or not z.plain or any("\x00" in e.name for e in z.entries):
        return None
    e = z.by_name.get(_CUSTOM)
    if e is None:
        return b""
    if e.usize > _CUSTOM_MAX or e.flags & 0x21:      # encrypted, or "compressed patched data"
        return None
    start = e.offset + 30
    if z.data[e.offset:e.offset + 4] != b"PK\x03\x04" or z.data[start:start + len(_CUSTOM)] != _CUSTOM.encode() \
            or z.data[e.offset + 26:e.offset + 28] != len(_CUSTOM).to_bytes(2, "little"):
        return None
    try:
        return _remembered(z, e, "custom", _custom_bytes)
    except _Stop:           # said where the part is checked; here only: not decided
        return None


def _inspect_ooxml(z: _Zip, limits, state: dict) -> None:
    xml_parts = [e for e in z.entries if e.name.lower().endswith(_XML_SUFFIXES)]
    keep: dict[str, bytes | None] = {"xl/workbook.xml": None, "xl/_rels/workbook.xml.rels": None}
    for e in xml_parts:     # the workbook and its relationships name the sheets and their parts
        if e.name in keep:
            keep[e.name] = _remembered(z, e, "keep", _kept)
    wb_xml, rels = keep["xl/workbook.xml"], keep["xl/_rels/workbook.xml.rels"]
    # the sheet parts: every part the workbook's relationships give for a sheet (wherever it
    # lies), and everything in xl/worksheets/ (a reader may take those whatever the rels say)
    by_lower: dict[str, list[_Entry]] = {}
    for e in xml_parts:
        by_lower.setdefault(e.name.lower(), []).append(e)
    sheet_parts = [e for e in xml_parts if e.name.startswith("xl/worksheets/") and e.name.count("/") == 2]
    is_sheet = {id(e) for e in sheet_parts}
    for name in _sheet_targets(wb_xml, rels):
        for e in by_lower.get(name.lower(), []):
            if id(e) not in is_sheet:
                sheet_parts.append(e)
                is_sheet.add(id(e))
    # 1. every other XML part: no DTD (in the prolog; anywhere in a large part); the shared
    #    strings counted (a cell may only refer to one that exists)
    strings: int | None = None
    sst_names = {"xl/sharedstrings.xml"}
    if "xl/sharedstrings.xml" not in by_lower:     # elsewhere, as the relationships say
        sst_names.update(n.lower() for n in _targets_of(rels, "/sharedStrings"))
    for e in xml_parts:
        if id(e) in is_sheet or (e.name in keep and keep[e.name] is not None):
            continue
        if e.name.lower() in sst_names:
            strings = _remembered(z, e, "strings", _count_strings)
        else:
            _remembered(z, e, "part", _part_clean)
    state["custom"] = _custom(z)
    # 2. sheets: how many
    count = len(_SHEET_EL.findall(wb_xml)) if wb_xml is not None else len(sheet_parts)
    state["sheets"] = count
    if count > limits.max_sheets:
        raise _too_large(f"{count} trang tính", f"{count} sheets",
                         f"{limits.max_sheets} trang tính", f"{limits.max_sheets} sheets")
    # 3. each sheet part, whole: no DTD (in the prolog; anywhere in a part over 1 MB), every
    #    cell with content in bounds, every shared-string reference to a string that exists
    names = _sheet_names(wb_xml, rels)[1]
    for e in sheet_parts:
        try:
            _check_sheet_xml(z, e, limits, strings)
        except _OutOfBounds as exc:
            raise _out_of_bounds(names.get(e.name, e.name), exc, limits) from None
        except _BadString as exc:
            raise _bad_string(names.get(e.name, e.name), exc, strings) from None


_ODS_TOKEN = re.compile(rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s>/])([^>]*?)(/?)>"
                        rb"|</table:(table|table-row)>")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)""")
_COLS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)""")
_TABLE_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)""")


def _inspect_ods(z: _Zip, limits, state: dict) -> None:
    names = z.by_name
    # an encrypted .ods lists its encrypted parts in the manifest (its content.xml is cipher text)
    manifest = names.get("META-INF/manifest.xml")
    if manifest is not None and manifest.usize <= _SMALL:
        chunks: list[bytes] = []
        _scan_part(z, manifest, keep=chunks)
        if b"encryption-data" in b"".join(chunks):
            raise _Stop("file-encrypted")
    for e in z.entries:
        if e.name.lower().endswith(_XML_SUFFIXES) and e.name not in ("content.xml", "META-INF/manifest.xml"):
            _scan_part(z, e, full=e.usize > _FULL_SCAN)
    content = names.get("content.xml")
    if content is None:
        raise _unreadable("tệp ODS thiếu content.xml", "ODS file without content.xml")
    # content.xml holds every sheet: walk its tables, rows and cells with their repeat counts
    # (LibreOffice writes its trailing blank rows as one row repeated a million times: harmless
    # while the repeated cells are empty; a repeated cell WITH content is a dense grid bomb)
    st = {"tables": 0, "name": "", "before": 0, "rrep": 0, "col": 0}

    def on_buffer(buf: bytes, seen: int) -> None:
        for m in _ODS_TOKEN.finditer(buf):
            if m.end() <= seen:
                continue              # seen in the previous window
            kind, attrs, closed = m.group(1), m.group(2) or b"", m.group(3)
            if kind is None:          # a closing tag
                continue
            if kind == b"table":
                st["tables"] += 1
                if st["tables"] > limits.max_sheets:
                    raise _too_large(f"hơn {limits.max_sheets} trang tính", f"more than {limits.max_sheets} sheets",
                                     f"{limits.max_sheets} trang tính", f"{limits.max_sheets} sheets")
                nm = _TABLE_NAME.search(attrs)
                st.update(name=nm.group(1).decode("utf-8", "replace") if nm else str(st["tables"]),
                          before=0, rrep=0, col=0)
            elif kind == b"table-row":
                rep = _ROWS_REPEATED.search(attrs)
                st["before"] += st["rrep"]        # rows above this one
                st.update(rrep=int(rep.group(1)) if rep else 1, col=0)
            else:
                rep = _COLS_REPEATED.search(attrs)
                n = int(rep.group(1)) if rep else 1
                if not closed or b"value-type" in attrs:   # a cell with content, maybe repeated
                    _check_cell(st["before"] + st["rrep"], st["col"] + n, limits)
                st["col"] += n

    try:
        _scan_part(z, content, full=True, on_buffer=on_buffer)
    except _OutOfBounds as exc:
        raise _out_of_bounds(st["name"], exc, limits) from None
    state["sheets"] = st["tables"]


# ---------------------------------------------------------------------------------------------
# OLE2 / Compound File Binary: .xls, and password-protected .xlsx (EncryptedPackage)

_FREESECT, _ENDOFCHAIN = 0xFFFFFFFF, 0xFFFFFFFE


class _Cfb:
    """A minimal, bounded reader of a Compound File: the directory and the start of a stream.
    Every chain walk is capped by the number of sectors in the file, so a looping FAT ends."""

    def __init__(self, fh: BinaryIO, size: int):
        self.fh, self.size = fh, size
        fh.seek(0)
        hdr = fh.read(512)
        if len(hdr) < 512:
            raise _unreadable("tệp .xls bị cắt cụt", "truncated .xls file")
        shift = struct.unpack("<H", hdr[0x1E:0x20])[0]
        mshift = struct.unpack("<H", hdr[0x20:0x22])[0]
        if shift not in (9, 12) or mshift != 6:
            raise _unreadable("cấu trúc tệp .xls không hợp lệ", "invalid .xls (compound file) header")
        self.ssize = 1 << shift
        self.msize = 1 << mshift
        self.nsect = max(0, (size - self.ssize) // self.ssize + 1)
        n_fat, dir_start, self.cutoff, mfat_start, n_mfat, difat_start, n_difat = struct.unpack(
            "<I I 4x I I I I I", hdr[0x2C:0x4C])
        fat_sectors = [s for s in struct.unpack("<109I", hdr[0x4C:0x200]) if s < 0xFFFFFFFA]
        s, hops = difat_start, 0
        per = self.ssize // 4
        while s < 0xFFFFFFFA and hops < min(n_difat, self.nsect) + 1:
            block = self._sector(s)
            vals = struct.unpack(f"<{per}I", block)
            fat_sectors += [v for v in vals[:-1] if v < 0xFFFFFFFA]
            s, hops = vals[-1], hops + 1
        fat_sectors = fat_sectors[:max(n_fat, 0) or len(fat_sectors)][: self.nsect + 1]
        self.fat: list[int] = []
        for fs in fat_sectors:
            self.fat.extend(struct.unpack(f"<{per}I", self._sector(fs)))
        self.entries = self._directory(dir_start)
        self.mfat_start, self.n_mfat = mfat_start, n_mfat

    def _sector(self, n: int) -> bytes:
        off = (n + 1) * self.ssize
        if n >= 0xFFFFFFFA or off + self.ssize > self.size + self.ssize:  # last sector may be short
            raise _unreadable("tệp .xls hỏng (chỉ số vùng ngoài tệp)", "damaged .xls (sector outside the file)")
        self.fh.seek(off)
        data = self.fh.read(self.ssize)
        return data.ljust(self.ssize, b"\x00")

    def chain(self, start: int, fat: list[int], limit: int) -> Iterator[int]:
        s, hops = start, 0
        while s < 0xFFFFFFFA:
            if hops > limit or s >= len(fat):
                raise _unreadable("tệp .xls hỏng (chuỗi vùng lặp hoặc sai)", "damaged .xls (looping or broken sector chain)")
            yield s
            hops += 1
            s = fat[s] if s < len(fat) else _ENDOFCHAIN

    def _directory(self, start: int) -> list[dict]:
        out = []
        for s in self.chain(start, self.fat, self.nsect):
            block = self._sector(s)
            for i in range(0, self.ssize, 128):
                e = block[i:i + 128]
                nlen = struct.unpack("<H", e[0x40:0x42])[0]
                typ = e[0x42]
                if typ == 0 or nlen < 2 or nlen > 64:
                    continue
                name = e[:nlen - 2].decode("utf-16-le", errors="replace")
                start_s, size_lo, size_hi = struct.unpack("<I I I", e[0x74:0x80])
                size = size_lo if self.ssize == 512 else (size_hi << 32 | size_lo)
                out.append({"name": name, "type": typ, "start": start_s, "size": size})
            if len(out) > 100000:
                break
        return out

    def names(self) -> set[str]:
        return {e["name"] for e in self.entries}

    def read_stream(self, name_options: tuple[str, ...], cap: int) -> bytes:
        """The first ``cap`` bytes of the first stream named in ``name_options``."""
        entry = next((e for e in self.entries if e["type"] == 2 and e["name"] in name_options), None)
        if entry is None:
            return b""
        want = min(entry["size"], cap)
        parts: list[bytes] = []
        got = 0
        if entry["size"] < self.cutoff:
            root = next((e for e in self.entries if e["type"] == 5), None)
            if root is None:
                return b""
            mfat: list[int] = []
            for s in self.chain(self.mfat_start, self.fat, self.nsect):
                mfat.extend(struct.unpack(f"<{self.ssize // 4}I", self._sector(s)))
            ministream = list(self.chain(root["start"], self.fat, self.nsect))
            per = self.ssize // self.msize
            for ms in self.chain(entry["start"], mfat, len(mfat)):
                big = ms // per
                if big >= len(ministream):
                    break
                block = self._sector(ministream[big])
                off = (ms % per) * self.msize
                parts.append(block[off:off + self.msize])
                got += self.msize
                if got >= want:
                    break
        else:
            for s in self.chain(entry["start"], self.fat, self.nsect):
                parts.append(self._sector(s))
                got += self.ssize
                if got >= want:
                    break
        return b"".join(parts)[:want]


def _inspect_ole(fh: BinaryIO, size: int, limits, state: dict) -> None:
    cfb = _Cfb(fh, size)
    names = cfb.names()
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        state["format"] = "xlsx"
        raise _Stop("file-encrypted")
    book = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if n in names), None)
    if book is None:
        kind = ("tệp Word .doc", "a Word .doc file") if "WordDocument" in names else (
            "tệp Office không phải Excel", "an Office file that is not Excel")
        raise _unreadable(f"không phải bảng tính Excel/ODS ({kind[0]})", f"not an Excel/ODS workbook ({kind[1]})")
    state["format"] = "xls"
    # the globals substream (BOF, then FILEPASS if encrypted, BOUNDSHEET records … EOF), then one
    # substream per sheet whose cell records say where each cell is
    data = cfb.read_stream((book,), size)
    names: list[str] = []
    pos = _globals(data, limits, names)
    state["sheets"] = len(names)
    try:
        _xls_cells(data, pos, limits)
    except _OutOfBounds as exc:
        sheet = names[exc.sheet] if 0 <= exc.sheet < len(names) else str(exc.sheet + 1)
        raise _out_of_bounds(sheet, exc, limits) from None


def _globals(data: bytes, limits, names: list[str]) -> int:
    """Walk the BIFF records of the globals substream, collecting the sheet names; return
    where it ends."""
    pos = 0
    while pos + 4 <= len(data):
        rtype, rlen = struct.unpack_from("<HH", data, pos)
        if rtype == 0x002F:                       # FILEPASS: the workbook is encrypted
            raise _Stop("file-encrypted")
        if rtype == 0x0085:                       # BOUNDSHEET: one sheet
            names.append(_boundsheet_name(data[pos + 4:pos + 4 + rlen]))
            if len(names) > limits.max_sheets:
                raise _too_large(f"hơn {limits.max_sheets} trang tính", f"more than {limits.max_sheets} sheets",
                                 f"{limits.max_sheets} trang tính", f"{limits.max_sheets} sheets")
        pos += 4 + rlen
        if rtype == 0x000A:                       # EOF of the globals substream
            break
    return pos


def _boundsheet_name(body: bytes) -> str:
    try:
        cch, flags = body[6], body[7]
        raw = body[8:8 + (2 * cch if flags & 1 else cch)]
        return raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace")
    except IndexError:
        return "?"


# BIFF cell records holding a value, with (row, column) first: NUMBER, LABELSST, RK, FORMULA,
# BOOLERR, LABEL, RSTRING; MULRK holds several (row, first column, …, last column).
_XLS_CELLS = frozenset((0x0203, 0x00FD, 0x027E, 0x0006, 0x0205, 0x0204, 0x00D6))


def _xls_cells(data: bytes, pos: int, limits) -> None:
    """python-calamine sizes each sheet's grid by its farthest cell, as for .xlsx (a .xls
    allows 65,536 × 256): stop at the first cell with a value beyond the limits."""
    sheet = -1
    n = len(data)
    unpack = struct.unpack_from
    max_row, max_col = limits.max_rows, limits.max_columns
    while pos + 4 <= n:
        rtype, rlen = unpack("<HH", data, pos)
        if rtype == 0x0809:                       # BOF: the next sheet's substream
            sheet += 1
        elif rtype in _XLS_CELLS and rlen >= 4 and pos + 8 <= n:
            row, col = unpack("<HH", data, pos + 4)
            if row >= max_row or col >= max_col:
                exc = _OutOfBounds(row + 1, col + 1)
                exc.sheet = sheet
                raise exc
        elif rtype == 0x00BD and rlen >= 6 and pos + 4 + rlen <= n:     # MULRK
            row, = unpack("<H", data, pos + 4)
            last, = unpack("<H", data, pos + 4 + rlen - 2)
            if row >= max_row or last >= max_col:
                exc = _OutOfBounds(row + 1, last + 1)
                exc.sheet = sheet
                raise exc
        pos += 4 + rlen
