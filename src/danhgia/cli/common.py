"""Shared CLI pieces: option bundles, consoles, exit codes, error reporting.

The CLI parses arguments and prints; every decision is made in the library.
"""

from __future__ import annotations

import json
import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
ISSUES_URL = "https://github.com/danhgia/danhgia/issues"


class Lang(str, Enum):
    vi = "vi"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


# Option bundles (sqlite-utils style): reuse these so every command spells them the same way.
LangOpt = typer.Option(Lang.vi, "--lang", help="Ngôn ngữ hiển thị / output language (vi, en).",
                       envvar="DANHGIA_LANG", case_sensitive=False)
ForceOpt = typer.Option(False, "--force", help="Ghi đè tệp kết quả đã có / replace an existing output file.")
JobsOpt = typer.Option(1, "--jobs", "-j", min=1, max=64, help="Số tiến trình đọc tệp / number of reader processes.")
DebugOpt = typer.Option(False, "--debug", help="Hiện chi tiết lỗi nội bộ / show internal tracebacks.", hidden=False)
FrameworkOpt = typer.Option(None, "--framework", "-F", help="Khung đánh giá: mã có sẵn hoặc tệp YAML / framework preset id or YAML file.")
StrictOpt = typer.Option(False, "--strict", help="Mã thoát 1 khi có lỗi hoặc vượt tỷ lệ (bảng kết quả vẫn được ghi) / "
                                                  "exit 1 on an error finding or a quota breach (the workbook is still written).")
ExpectAllOpt = typer.Option(False, "--expect-all",
                            help="Các tệp là cả đơn vị: người trong danh sách không có bảng điểm là chưa nộp "
                                 "(mặc định khi đầu vào là thư mục hoặc .zip) / the inputs are the whole unit: "
                                 "roster people without a sheet are missing (the default for a folder or .zip).")
RosterOpt = typer.Option(None, "--roster", "-r", help="Danh sách nhân sự (.xlsx, .csv) / staff roster.")
ConfigOpt = typer.Option(None, "--config", help="Tệp cấu hình đơn vị (mặc định: danhgia.yaml gần đầu vào) / unit file.")

# C0 and C1 control characters (tab and newline kept), DEL, and the bidirectional overrides
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Control characters made visible (``\x1b``, ``\x07``, ``\u202e``): a name read from a file
    may hold ESC or BEL bytes that would set the terminal's title or clear its screen."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


class SafeConsole(Console):
    """A rich Console that makes control characters in the text it prints visible, whatever
    renders them (plain strings, tables, Text). Rich's own styles and control codes (colours,
    cursor moves) are kept: only the text of each segment is escaped."""

    def _render_buffer(self, buffer):  # rich's one place where segments become output
        from rich.segment import Segment

        return super()._render_buffer(
            s if s.control else Segment(visible(s.text), s.style, s.control) for s in buffer)


err_console = SafeConsole(stderr=True, highlight=False, soft_wrap=True)
out_console = SafeConsole(highlight=False, soft_wrap=True)


def tr(lang: Lang | str, vi: str, en: str) -> str:
    return en if str(getattr(lang, "value", lang)) == "en" else vi


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a usage / input-file problem to stderr and exit (2 by default)."""
    err_console.print(message, markup=False)
    raise typer.Exit(code)


def month_or_fail(month: str, lang: Lang | str) -> tuple[int, int]:
    """Parse a ``--month YYYY-MM`` value or stop with exit 2 and an example of the right form."""
    from danhgia.text import parse_year_month

    try:
        return parse_year_month(month)
    except ValueError:
        fail(tr(lang, f"--month «{month}» không đúng dạng YYYY-MM (ví dụ 2026-10)",
                f"--month «{month}» is not a month in the form YYYY-MM (e.g. 2026-10)"))


def xlsx_out_or_fail(out: Path, force: bool, lang: Lang | str) -> None:
    """An ``--out`` workbook: must end in .xlsx, not be a folder, and not exist unless --force."""
    if out.suffix.lower() != ".xlsx":
        fail(tr(lang, f"--out {out}: tệp kết quả phải có đuôi .xlsx", f"--out {out}: the output must end in .xlsx"))
    if out.is_dir():
        fail(tr(lang, f"{out}: là một thư mục", f"{out}: is a folder"))
    if out.exists() and not force:
        fail(tr(lang, f"{out}: tệp đã có; thêm --force để ghi đè", f"{out}: the file exists; add --force to replace it"))


def out_not_input_or_fail(out: Path, inputs: list[Path], lang: Lang | str, is_input=None) -> None:
    """Inputs are never modified, ``--force`` or not: stop (exit 2) when ``--out`` is one of the
    files named as inputs, or an existing file inside an input folder that the run would read
    (``is_input(path)`` says which, e.g. a scoresheet for tally; a monthly workbook for annual)."""
    out_real = os.path.realpath(out)
    for p in inputs:
        real = os.path.realpath(p)
        inside = os.path.isdir(real) and out_real.startswith(real.rstrip(os.sep) + os.sep)
        if out_real == real or (inside and os.path.isfile(out_real) and is_input is not None and is_input(out)):
            fail(tr(lang, f"--out {out}: là một tệp đầu vào của lần chạy này; đầu vào không bao giờ bị ghi đè "
                          f"(kể cả với --force). Hãy chọn tên tệp khác",
                    f"--out {out}: is one of this run's inputs; inputs are never overwritten (--force or not). "
                    f"Choose another file name"))


def cannot_write(target: Path, exc: OSError, lang: Lang | str) -> NoReturn:
    """An output that cannot be written (a read-only folder, a full disk …): exit 2 with the
    folder or file named and what the system said, in words."""
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        vi, en = "không có quyền ghi vào thư mục này", "no permission to write in this folder"
    elif exc.errno == errno.ENOSPC:
        vi, en = "ổ đĩa đã đầy", "the disk is full"
    else:
        vi = en = exc.strerror or type(exc).__name__
    where = exc.filename if isinstance(exc.filename, str) and exc.filename else str(target)
    fail(tr(lang, f"{target}: không ghi được kết quả ({vi}: {where})",
            f"{target}: cannot write the output ({en}: {where})"))


def print_json(data: Any) -> None:
    """JSON on stdout: always parseable, UTF-8, no rich markup."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


def is_tty() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
