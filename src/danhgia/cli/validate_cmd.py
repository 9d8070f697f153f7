"""``danhgia validate PATH...``: check scoresheets and report every mistake with its cell.

Exit codes: 0 nothing wrong; 1 findings of severity error (or warnings with ``--strict``);
2 usage, or an invalid roster / framework / unit file; 3 an internal error.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import List, Optional

import typer

from danhgia.cli import app
from danhgia.cli.common import (
    EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, ISSUES_URL, ConfigOpt, DebugOpt, ExpectAllOpt, ForceOpt, Format, FormatOpt, FrameworkOpt,
    JobsOpt, Lang, LangOpt, OptionalMonthOpt, OptionalQuarterOpt, RosterOpt, by_quarter_or_fail, err_console, example,
    fail, is_tty, month_or_fail, one_period_or_fail, out_console, print_json, quarter_or_fail, say_error, text_console,
    tr, visible, write_plain,
)
from danhgia.cli.localise import H
from danhgia.messages import say


def _lang(lang) -> str:
    return str(getattr(lang, "value", lang))


def _prepare(paths: list[Path], month: str | None, framework: str | None, config_file: Path | None,
             roster_file: Path | None, select: list[str], ignore: list[str], lang: str,
             quarter: str | None = None):
    """Parse and load everything the run needs; any problem is a usage error (exit 2)."""
    from danhgia import checks, config as cfg_mod, framework as fw_mod, roster as roster_mod
    from danhgia.read import roster as roster_read
    from danhgia.model import ReadContext

    ym = None
    one_period_or_fail(month, quarter, lang)
    if month:
        ym = month_or_fail(month, lang)
    yq = quarter_or_fail(quarter, lang) if quarter else None
    try:
        keep = checks.code_filter(select, ignore)
    except ValueError as exc:
        fail(tr(lang, f"Mã lỗi «{exc}» không có; các mã: {', '.join(sorted(checks.all_codes()))}",
                f"Unknown finding code «{exc}»; codes: {', '.join(sorted(checks.all_codes()))}"))
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(tr(lang, "Không tìm thấy: ", "Not found: ") + ", ".join(missing))
    try:
        cfg = cfg_mod.discover(paths, config_file)
    except cfg_mod.ConfigError as exc:
        fail(say_error(exc, lang))
    ctx = ReadContext(config=cfg, framework_ref=framework, limits=cfg.limits, quarter=yq)
    try:   # load every framework the unit names now: a broken one is a usage problem, not a finding
        used = [ctx.framework_for()]
        for key in cfg.frameworks:
            used.append(ctx.framework_for(key, key))
    except fw_mod.FrameworkError as exc:
        fail(tr(lang, "Tệp khung đánh giá không hợp lệ:\n", "Invalid framework file:\n") + say_error(exc, lang))
    roster_ref = str(roster_file) if roster_file else cfg.resolve_path(cfg.roster)
    if roster_ref:
        try:
            ctx.roster = roster_read.load(roster_ref, ctx.variant_names(), named_by=None if roster_file else cfg.source)
        except roster_mod.RosterError as exc:
            fail(tr(lang, "Danh sách nhân sự không hợp lệ:\n", "Invalid roster:\n") + say_error(exc, lang))
        try:
            for p in ctx.roster.people:
                used.append(ctx.framework_for(p.variant, p.group))
        except fw_mod.FrameworkError as exc:
            fail(tr(lang, "Tệp khung đánh giá không hợp lệ:\n", "Invalid framework file:\n") + say_error(exc, lang))
    if yq is not None and not any(fw.by_quarter for fw in used):
        by_quarter_or_fail(used[:1], yq, lang)      # no framework of the run is kept by quarter
    return ym, keep, ctx


def _run_with_progress(paths, ctx, ym, jobs: int, show: bool, exclude, lang: str = "vi", expect_all: bool = False):
    from danhgia import pipeline

    if not show:
        return pipeline.run(paths, ctx, month=ym, jobs=jobs, exclude=exclude, slim=True, expect_all=expect_all)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=out_console, transient=True) as bar:
        task = bar.add_task(tr(lang, "Đang kiểm tra", "Checking"), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return pipeline.run(paths, ctx, month=ym, jobs=jobs, progress=progress, exclude=exclude, slim=True,
                            expect_all=expect_all)


class _VisibleWriter:
    """CSV to a terminal: control characters read from the files made visible (to a file or a
    pipe the CSV keeps every character as read)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(visible(text))


def _annotate_exclude(annotate: Path | None, paths: list[Path]) -> list[Path]:
    """The --annotate folder is not walked into (earlier annotated copies are not inputs) —
    unless it is itself an input or holds one: ``validate in --annotate in`` must still check
    ``in`` (the copies of this run are written after the run has read its inputs)."""
    if annotate is None:
        return []
    import os

    target = os.path.realpath(annotate).rstrip(os.sep)
    for p in paths:
        real = os.path.realpath(p)
        if real == target or real.startswith(target + os.sep):
            return []
    return [annotate]


def _provenance(ctx, paths, config_file, month):
    from danhgia.period import quarter_text
    from danhgia.provenance import Provenance, frameworks_of, shown, unit_file_how

    cfg = ctx.config
    period = month or (quarter_text(ctx.quarter) if ctx.quarter else "")
    return Provenance("validate", period=period, frameworks=frameworks_of(cfg, ctx.framework_ref, ctx.framework_for),
                      unit_file=shown(cfg.source), unit_file_how=unit_file_how(cfg, list(paths), config_file),
                      unit=cfg.unit or "", roster=shown(ctx.roster.source) if ctx.roster is not None else None)


@app.command("validate", help=H("Kiểm tra bảng điểm: mọi lỗi kèm vị trí ô (tệp › trang tính › ô).",
                                 "Check scoresheets: every mistake with its cell (file › sheet › cell)."),
             epilog=example("danhgia validate examples/2026-10 --month 2026-10",
                            "danhgia validate thu-muc-quy-3 --quarter 2026-Q3 --framework nd335-2025",
                            "danhgia validate examples/2026-10 -m 2026-10 --format csv > loi.csv",
                            "danhgia validate examples/2026-10 -m 2026-10 --annotate out/da-danh-dau"))
def validate(
    paths: List[Path] = typer.Argument(..., help=H("Tệp, thư mục hoặc tệp .zip bảng điểm.",
                                                   "Scoresheet files, folders or .zip archives."), show_default=False),
    roster: Optional[Path] = RosterOpt,
    month: Optional[str] = OptionalMonthOpt,
    quarter: Optional[str] = OptionalQuarterOpt,
    framework: Optional[str] = FrameworkOpt,
    config: Optional[Path] = ConfigOpt,
    fmt: Format = FormatOpt,
    strict: bool = typer.Option(False, "--strict", help=H("Cảnh báo cũng tính là lỗi.", "Warnings count as errors.")),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help=H("Số dòng tối đa mỗi tệp (dạng text).",
                                                                       "Rows shown per file (text form).")),
    select: List[str] = typer.Option([], "--select", help=H("Chỉ báo các mã (hoặc nhóm mã) này, cách nhau bằng dấu phẩy.",
                                                            "Only these codes or families (comma-separated).")),
    ignore: List[str] = typer.Option([], "--ignore", help=H("Bỏ qua các mã (hoặc nhóm mã) này.", "Ignore these codes or families.")),
    annotate: Optional[Path] = typer.Option(None, "--annotate", help=H("Ghi bản sao có tô màu ô lỗi vào thư mục này.",
                                                                       "Write annotated copies into this folder.")),
    expect_all: bool = ExpectAllOpt,
    force: bool = ForceOpt,
    jobs: int = JobsOpt,
    lang: Lang = LangOpt,
    debug: bool = DebugOpt,
) -> None:
    """Kiểm tra bảng điểm (xem help= ở trên)."""
    lg = _lang(lang)
    ym, keep, ctx = _prepare(paths, month, framework, config, roster, select, ignore, lg, quarter)
    try:
        from danhgia.report import Report

        show_bar = fmt == Format.text and is_tty()
        exclude = _annotate_exclude(annotate, paths)
        result = _run_with_progress(paths, ctx, ym, jobs, show_bar, exclude, lg, expect_all)
        report = Report.build(result, keep=keep, strict=strict)
        prov = _provenance(ctx, paths, config, month)
        if fmt == Format.json:
            from danhgia.period import quarter_text

            doc = report.to_json(lg)
            doc["summary"]["quarter"] = quarter_text(ctx.quarter) if ctx.quarter else None   # beside "month"
            print_json({"provenance": prov.to_dict(), **doc})
        elif fmt == Format.csv:
            report.write_csv(_VisibleWriter(sys.stdout) if is_tty() else sys.stdout, lg)
            sys.stdout.flush()
        else:
            # in a terminal: its width; to a file or a pipe: whole lines, never cut (grep-able)
            console = text_console()

            def body() -> None:
                for line in prov.lines(lg):
                    console.print(line, markup=False, highlight=False)
                console.print("")
                report.render_text(console, lg, limit, **({} if is_tty() else {"boxed": False}))
                for f in report.findings:
                    # one line instead of a missing-submission each; who is not expected in a quarter
                    if f.code in ("roster-not-covered", "not-quarterly"):
                        console.print(tr(lg, "Ghi chú: ", "Note: ") + f.message(lg), markup=False, highlight=False)

            if is_tty():
                body()
            else:
                with console.capture() as cap:
                    body()
                write_plain(cap.get())
        code = report.exit_code
        if annotate is not None:
            from danhgia.write.annotate import annotate_run

            done = annotate_run(result, report.findings, annotate, force=force, lang=lg, limits=ctx.get_limits())
            for path in done.written:
                err_console.print(tr(lg, f"Đã ghi bản đánh dấu lỗi: {path}", f"Annotated copy written: {path}"), markup=False)
            for path in done.exists:
                err_console.print(tr(lg, f"Tệp đã có, không ghi đè (thêm --force để ghi đè): {path}",
                                     f"Already exists, not overwritten (add --force to replace it): {path}"), markup=False)
            for name, why in done.failed:
                err_console.print(tr(lg, f"Không ghi được bản đánh dấu cho {name}: {say(why, lg)}",
                                     f"Could not write the annotated copy of {name}: {say(why, lg)}"), markup=False)
            if done.exists:
                code = EXIT_USAGE
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: one clear message; the traceback only with --debug
        if debug:
            traceback.print_exc()
        err_console.print(tr(lg, f"Lỗi nội bộ của danhgia ({type(exc).__name__}: {exc}). Vui lòng báo lỗi tại "
                                 f"{ISSUES_URL} kèm lệnh đã chạy; thêm --debug để xem chi tiết.",
                             f"Internal error in danhgia ({type(exc).__name__}: {exc}). Please report it at "
                             f"{ISSUES_URL} with the command you ran; add --debug for the traceback."), markup=False)
        raise typer.Exit(EXIT_INTERNAL)
    raise typer.Exit(code if code else EXIT_OK)
