"""The ``danhgia`` command line: a thin Typer layer over the library.

Exit codes, the same for every command: 0 done and nothing wrong; 1 the inputs break rules;
2 the command was used wrongly or a framework / roster / config file is invalid; 3 an internal
error (a bug; ``--debug`` shows the traceback).
"""

from __future__ import annotations

import sys

import typer

from danhgia import __version__
from danhgia.cli import framework_cmd
from danhgia.cli.common import EXIT_INTERNAL, ISSUES_URL, Lang, LangOpt, err_console
from danhgia.cli.localise import H, DanhgiaGroup, lang_from

app = typer.Typer(
    name="danhgia",
    cls=DanhgiaGroup,
    help=H("Đánh giá, xếp loại CBCCVC và LĐHĐ hằng tháng, hằng năm từ bảng điểm Excel.",
           "Monthly and annual evaluation of Vietnamese public servants over Excel scoresheets."),
    epilog=H("Ví dụ: danhgia validate examples/2026-10 --month 2026-10",
             "Example: danhgia validate examples/2026-10 --month 2026-10 --lang en"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(framework_cmd.app, name="framework")

# Each command lives in its own module and registers itself on ``app``.
from danhgia.cli import commands  # noqa: E402,F401  (registration side effect)


def _version(value: bool) -> None:
    if value:
        print(f"danhgia {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                        help=H("In phiên bản rồi thoát.", "Print the version and exit.")),
          lang: Lang = LangOpt) -> None:
    """The language is read from the command line before parsing (``localise.lang_from``)."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: Typer handles usage errors (exit 2); anything unexpected is exit 3."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app(args=args, prog_name="danhgia")
    except SystemExit:
        raise
    except KeyboardInterrupt:       # (danhgia.entry turns Ctrl-C into Interrupted first)
        from danhgia.entry import _interrupted

        _interrupted(args)
        sys.exit(130)
    except Exception as exc:  # a bug: one clear message, the traceback only with --debug
        if debug:
            raise
        if lang_from(args) == "en":
            text = (f"Internal error in danhgia ({type(exc).__name__}: {exc}). Please report it at "
                    f"{ISSUES_URL} with the command you ran; add --debug for the traceback.")
        else:
            text = (f"Lỗi nội bộ của danhgia ({type(exc).__name__}: {exc}). Vui lòng báo lỗi tại "
                    f"{ISSUES_URL} kèm lệnh đã chạy; thêm --debug để xem chi tiết.")
        err_console.print(text, markup=False)
        sys.exit(EXIT_INTERNAL)
