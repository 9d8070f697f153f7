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

from danhgia.cli.localise import H

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
LangOpt = typer.Option(Lang.vi, "--lang", "-L", help=H("Ngôn ngữ hiển thị (vi, en).", "Output language (vi, en)."),
                       envvar="DANHGIA_LANG", case_sensitive=False)
ForceOpt = typer.Option(False, "--force", help=H("Ghi đè tệp kết quả đã có.", "Replace an existing output file."))
JobsOpt = typer.Option(1, "--jobs", "-j", min=1, max=64, help=H("Số tiến trình đọc tệp.", "Number of reader processes."))
DebugOpt = typer.Option(False, "--debug", help=H("Hiện chi tiết lỗi nội bộ.", "Show internal tracebacks."), hidden=False)
FrameworkOpt = typer.Option(None, "--framework", "-F", help=H("Khung đánh giá: mã có sẵn hoặc tệp YAML.",
                                                              "Framework: a preset id or a YAML file."))
RosterOpt = typer.Option(None, "--roster", "-r", help=H("Danh sách nhân sự (.xlsx, .csv).", "Staff roster (.xlsx, .csv)."))
ConfigOpt = typer.Option(None, "--config", "-c", help=H("Tệp cấu hình đơn vị (mặc định: danhgia.yaml gần đầu vào).",
                                                        "Unit file (default: danhgia.yaml near the inputs)."))
FormatOpt = typer.Option(Format.text, "--format", "-f", case_sensitive=False,
                         help=H("Dạng kết quả: text (để đọc), json (cho chương trình), csv (mở bằng Excel).",
                                "Output form: text (to read), json (for programs), csv (opens in Excel)."))
MonthOpt = typer.Option(..., "--month", "-m", help=H("Tháng đánh giá YYYY-MM.", "The month evaluated, YYYY-MM."))
OptionalMonthOpt = typer.Option(None, "--month", "-m", help=H("Tháng đánh giá YYYY-MM.", "The month evaluated, YYYY-MM."))
OptionalQuarterOpt = typer.Option(None, "--quarter", "-q", help=H(
    "Quý đánh giá YYYY-Qn (ví dụ 2026-Q3), với khung theo dõi theo quý (NĐ 335, NĐ 233).",
    "The quarter evaluated, YYYY-Qn (e.g. 2026-Q3), for frameworks kept by quarter (NĐ 335, NĐ 233)."))
StrictOpt = typer.Option(False, "--strict", help=H("Mã thoát 1 khi có lỗi hoặc vượt tỷ lệ (bảng kết quả vẫn được ghi).",
                                                   "Exit 1 on an error finding or a quota breach (the workbook is still written)."))
ExpectAllOpt = typer.Option(False, "--expect-all",
                            help=H("Các tệp là cả đơn vị: người trong danh sách không có bảng điểm là chưa nộp "
                                   "(mặc định khi đầu vào là thư mục hoặc .zip).",
                                   "The inputs are the whole unit: roster people without a sheet are missing "
                                   "(the default for a folder or .zip)."))
OutOpt = typer.Option(..., "--out", "-o", help=H("Tệp kết quả .xlsx.", "The workbook to write (.xlsx)."))


def example(*lines: str) -> str:
    """A help page's epilog: «Ví dụ:» / «Example:» and the command lines (language-free)."""
    body = "\n".join(f"  {x}" for x in lines)
    return H(f"\b\nVí dụ:\n{body}", f"\b\nExample:\n{body}")


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


def lang_of(lang: Lang | str | None) -> str:
    return "en" if str(getattr(lang, "value", lang)) == "en" else "vi"


def say_error(exc: BaseException, lang: Lang | str) -> str:
    """A library error in one language: its ``text(lang)``, or its ``Say`` message, or str()."""
    from danhgia.messages import say

    lg = lang_of(lang)
    text = getattr(exc, "text", None)
    if callable(text):
        return text(lg)
    if exc.args:
        return say(exc.args[0], lg)
    return str(exc)


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


def quarter_or_fail(quarter: str, lang: Lang | str) -> tuple[int, int]:
    """Parse a ``--quarter YYYY-Qn`` value or stop with exit 2 and an example of the right form."""
    from danhgia.period import parse_quarter_option

    try:
        return parse_quarter_option(quarter)
    except ValueError:
        fail(tr(lang, f"--quarter «{quarter}» không đúng dạng YYYY-Qn (ví dụ 2026-Q3)",
                f"--quarter «{quarter}» is not a quarter in the form YYYY-Qn (e.g. 2026-Q3)"))


def one_period_or_fail(month: str | None, quarter: str | None, lang: Lang | str) -> None:
    """--month and --quarter name the run's period: one or the other, never both (exit 2)."""
    if month and quarter:
        fail(tr(lang, "Chỉ dùng một trong --month (tháng) và --quarter (quý)",
                "Give either --month or --quarter, not both"))


def by_quarter_or_fail(frameworks, quarter: tuple[int, int], lang: Lang | str) -> None:
    """Stop with exit 2 when a framework of the run is not kept by quarter (its ``periods``
    lack "quarter"): naming the first such framework."""
    from danhgia.period import quarter_label

    for fw in frameworks:
        if not fw.by_quarter:
            fail(tr(lang, f"Khung {fw.id} chỉ theo dõi theo tháng, không có kỳ theo quý: không dùng được "
                          f"--quarter {quarter_label(quarter)} (dùng --month, hoặc một khung theo quý như nd335-2025)",
                    f"The framework {fw.id} is kept by month only, not by quarter: --quarter "
                    f"{quarter_label(quarter, 'en')} cannot be used (use --month, or a framework kept by quarter "
                    f"such as nd335-2025)"))


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


def text_console() -> Console:
    """Where tables and trees go: in a terminal, its width (rich wraps cells to fit); to a file or
    a pipe, an unbounded width so no line is ever cut or wrapped (one row, one line: grep-able)."""
    if is_tty():
        return out_console
    return SafeConsole(width=1_000_000, highlight=False, no_color=True, soft_wrap=True, emoji=False)


def new_table(title: str | None = None, **kwargs: Any):
    """A rich Table: boxed in a terminal, plain columns (a header rule, no borders) otherwise."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    style = box.HEAVY_HEAD if is_tty() else box.SIMPLE_HEAD
    return Table(title=Text(title) if title else None, title_justify="left", box=style,
                 show_edge=is_tty(), **kwargs)


def csv_safe(value: Any) -> str:
    """One CSV cell: text a spreadsheet could take for a formula is kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def write_csv(header: list[str], rows: list[list[Any]], out=None) -> None:
    """CSV for Excel: UTF-8 with a BOM (so Excel reads the diacritics) and CRLF line ends."""
    import csv

    out = out or sys.stdout
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_safe(v) for v in r])
    out.flush()


def print_block(renderable: Any) -> None:
    """Print a table or tree on stdout: fitted to a terminal, or whole and without trailing
    blanks when stdout is a file or a pipe."""
    con = text_console()
    if con is out_console:
        con.print(renderable)
        return
    with con.capture() as cap:
        con.print(renderable)
    write_plain(cap.get())


def write_plain(text: str) -> None:
    """Captured console text to stdout, each line without its trailing blanks."""
    sys.stdout.write("".join(line.rstrip() + "\n" for line in text.splitlines()))
    sys.stdout.flush()


def flat_records(records: list[dict]) -> tuple[list[str], list[list[Any]]]:
    """JSON records as CSV columns: a nested mapping becomes ``key_sub`` columns, a list of
    scalars ``a; b``, anything deeper its JSON text. Columns in first-seen order."""
    def flat(rec: dict) -> dict:
        out: dict[str, Any] = {}
        for k, v in rec.items():
            if isinstance(v, dict) and all(not isinstance(x, (dict, list)) for x in v.values()):
                for sk, sv in v.items():
                    out[f"{k}_{sk}"] = sv
            elif isinstance(v, (dict, list)) and any(isinstance(x, (dict, list)) for x in
                                                    (v.values() if isinstance(v, dict) else v)):
                out[k] = json.dumps(v, ensure_ascii=False, default=str)
            else:
                out[k] = v
        return out

    rows = [flat(r) for r in records]
    header: list[str] = []
    for r in rows:
        header.extend(k for k in r if k not in header)
    return header, [[r.get(k) for k in header] for r in rows]



def unit_lines(name_head: str, heads: list[str], rows: list[tuple[str, list[Any], str]],
               last_head: str) -> list[str]:
    """One aligned line per unit: its name, right-aligned numbers, then a status text.

    Names are never cut: the name column is as wide as the longest name (callers keep the
    numbers and the status short so that a line fits ``width`` columns)."""
    cells = [[str(v) for v in nums] for _name, nums, _last in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(heads)]
    name_w = max([len(name_head)] + [len(r[0]) for r in rows])
    out = [name_head.ljust(name_w) + " " + " ".join(h.rjust(w) for h, w in zip(heads, widths)) + "  " + last_head]
    for (name, _nums, last), c in zip(rows, cells):
        out.append((name.ljust(name_w) + " " + " ".join(v.rjust(w) for v, w in zip(c, widths)) + "  " + last).rstrip())
    return out
