"""``danhgia tally``: consolidate a month into a workbook the head can sign; roll up sub-units.

The command parses, loads the unit file, roster and framework (a broken one is exit 2 with its
location), runs the validation pipeline over the scoresheets, reads sub-units' consolidated
workbooks, lets ``danhgia.monthly`` decide, writes the workbook atomically and prints a summary
(or the JSON of design.md §4). Exit 0 once the workbook is written (the findings and any quota
breach are in it and in the summary); with ``--strict``, 1 on an error finding or a breach.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import List, Optional

import typer

from danhgia.cli.localise import H
from danhgia.cli import app
from danhgia.cli.common import (say_error, ConfigOpt, DebugOpt, ExpectAllOpt, StrictOpt, ForceOpt, Format, FormatOpt, FrameworkOpt, JobsOpt, Lang,
                                OptionalMonthOpt, OptionalQuarterOpt, OutOpt, quarter_or_fail, example, flat_records, unit_lines, write_csv,
                                LangOpt, RosterOpt, err_console, fail, is_tty, month_or_fail, out_console,
                                cannot_write, out_not_input_or_fail, print_json, tr, xlsx_out_or_fail)

# The library's modules are imported inside the command (start-up: issue 16).


def split_inputs(paths: list[Path], out: Path) -> tuple[list[Path], list[Path], set[str]]:
    """(paths for the scoresheet run, sub-units' workbooks, real paths the run must skip).

    A tally workbook named on the command line is rolled up; one found inside a folder is
    recognised by the reader during the run (``monthly-workbook``) and rolled up after it, so
    no file is opened twice. The output file is never an input.
    """
    from danhgia.read import monthly_read

    out_real = os.path.realpath(out)
    sheets_paths: list[Path] = []
    tallies: list[Path] = []
    skip = {out_real}
    for p in paths:
        if p.is_dir():
            sheets_paths.append(p)
        elif os.path.realpath(p) == out_real:
            continue
        elif monthly_read.is_tally_workbook(p):
            if os.path.realpath(p) not in skip:
                tallies.append(p)
                skip.add(os.path.realpath(p))
        else:
            sheets_paths.append(p)
    return sheets_paths, tallies, skip


def own_unit_names(config_unit: str | None, run) -> set[str]:
    """The unit(s) this run consolidates, folded: the unit file's name, else the units written on
    the scoresheets (and their comma-joined title, as the workbook's mark spells it)."""
    from danhgia.mark import clip
    from danhgia.text import fold, nfc

    if config_unit:
        return {fold(config_unit), fold(clip(config_unit))}
    units = sorted({nfc(s.unit) for s in run.sheets() if s.unit})
    names = {fold(u) for u in units}
    if units:
        names |= {fold(", ".join(units)), fold(clip(", ".join(units)))}   # as the mark holds it
    return names


def is_own_tally(mark, own: set[str], month: tuple[int, int], period: str | None = None) -> bool:
    """A tally of the same unit and period as this run (``period``: a quarter's text, else the
    month's): the run's own earlier output (an officer saves it next to the scoresheets), never a
    sub-unit to roll up."""
    from danhgia.mark import period_text
    from danhgia.text import fold

    if mark.period != (period or period_text(month)):
        return False
    unit = fold(mark.unit)
    return unit in own or (bool(unit) and all(fold(u) in own for u in mark.unit.split(", ")))


def _progress(enabled: bool, lang: str = "vi"):
    if not enabled:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn(tr(lang, "Đang đọc", "Reading")), BarColumn(), MofNCompleteColumn(),
                   console=err_console, transient=True)
    task = bar.add_task("read", total=None)

    def tick(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, tick


@app.command("tally", help=H("Tổng hợp kết quả một tháng, kiểm tra tỷ lệ, ghi bảng tổng hợp để thủ trưởng ký.",
                              "Consolidate a month, check the quota, write the workbook the head signs."),
             epilog=example("danhgia tally examples/2026-10 --month 2026-10 --out out/tong-hop-2026-10.xlsx",
                            "danhgia tally phuong.xlsx truong.xlsx -m 2026-10 -o out/quan-2026-10.xlsx"))
def tally(
    paths: List[Path] = typer.Argument(..., help=H(
        "Bảng điểm (tệp, thư mục, .zip) hoặc bảng tổng hợp của đơn vị trực thuộc.",
        "Scoresheets (files, folders, .zip) or the monthly workbooks of sub-units.")),
    month: Optional[str] = OptionalMonthOpt,
    quarter: Optional[str] = OptionalQuarterOpt,
    out: Path = OutOpt,
    roster: Optional[Path] = RosterOpt,
    framework: Optional[str] = FrameworkOpt,
    config: Optional[Path] = ConfigOpt,
    fmt: Format = FormatOpt,
    strict: bool = StrictOpt,
    expect_all: bool = ExpectAllOpt,
    apply_quota: bool = typer.Option(False, "--apply-quota", help=H(
        "Hạ loại người xếp cuối khi vượt tỷ lệ (người bằng điểm tại ngưỡng thì giữ nguyên).",
        "Lower the lowest-ranked people over the cap (ties at the cut are left to the head).")),
    force: bool = ForceOpt,
    jobs: int = JobsOpt,
    lang: Lang = LangOpt,
    debug: bool = DebugOpt,  # noqa: ARG001 - read by danhgia.cli.main
) -> None:
    """Consolidate a month (help text above, in both languages)."""
    from danhgia import config as cfg_mod
    from danhgia import framework as fw_mod
    from danhgia import monthly
    from danhgia import roster as roster_mod
    from danhgia.model import ReadContext
    from danhgia.read import monthly_read
    from danhgia.read import roster as roster_read
    from danhgia.mark import Mark, own_output_finding
    from danhgia.read.mark import read_mark
    from danhgia.write.safe import OutputExists, atomic_path

    lg = lang.value
    q = None
    if (month is None) == (quarter is None):
        fail(tr(lang, "Cần đúng một trong --month (ví dụ 2026-10) hoặc --quarter (ví dụ 2026-Q3)",
                "Give exactly one of --month (e.g. 2026-10) or --quarter (e.g. 2026-Q3)"))
    if quarter is not None:
        from danhgia.period import last_month

        q = quarter_or_fail(quarter, lang)
        ym = last_month(q)
    else:
        ym = month_or_fail(month, lang)
    period = None

    def read_as_scoresheet(p: Path) -> bool:
        # a workbook in an input folder is read, unless it is a tally workbook (the previous
        # output, replaced by design)
        return p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".zip") and \
            not monthly_read.is_tally_workbook(p)

    out_not_input_or_fail(out, list(paths) + ([roster] if roster else []) + ([config] if config else []),
                          lang, read_as_scoresheet)
    xlsx_out_or_fail(out, force, lang)
    missing = [p for p in paths if not p.exists()]
    if missing:
        fail(tr(lang, "Không tìm thấy: ", "Not found: ") + ", ".join(str(p) for p in missing))

    try:
        cfg = cfg_mod.discover(paths, config)
    except cfg_mod.ConfigError as exc:
        fail(say_error(exc, lang))
    roster_path = str(roster) if roster else cfg.resolve_path(cfg.roster)
    ctx = ReadContext(config=cfg, framework_ref=framework, limits=cfg.limits)
    try:
        ctx.framework_for()
        if roster_path:
            ctx.roster = roster_read.load(roster_path, ctx.variant_names(), named_by=None if roster else cfg.source)
            for key in sorted({(p.variant, p.group) for p in ctx.roster.people}, key=str):
                ctx.framework_for(*key)
    except fw_mod.FrameworkError as exc:
        fail(tr(lang, "Khung đánh giá không hợp lệ:\n", "Invalid framework:\n") + say_error(exc, lang))
    except roster_mod.RosterError as exc:
        fail(tr(lang, "Danh sách nhân sự không hợp lệ:\n", "Invalid roster:\n") + say_error(exc, lang))
    if q is not None:
        from danhgia.period import quarter_text

        by_quarter = [f for f in ctx.frameworks_in_use() if f.by_quarter]
        if not by_quarter:
            names = ", ".join(f.id for f in ctx.frameworks_in_use())
            fail(tr(lang, f"Khung {names} theo dõi theo tháng, không theo quý: dùng --month (hoặc chọn khung theo quý như nd335-2025)",
                    f"Framework {names} is monitored by month, not by quarter: use --month (or a quarterly framework such as nd335-2025)"))
        ctx.quarter = q
        period = quarter_text(q)

    sheet_paths, tally_paths, skip = split_inputs(list(paths), out)
    from danhgia.pipeline import RunResult, run

    result_run = RunResult(month=ym)
    if sheet_paths:
        bar, tick = _progress(fmt == Format.text and is_tty(), lg)
        if bar is not None:
            with bar:
                result_run = run(sheet_paths, ctx, None if q else ym, jobs, tick, expect_all=expect_all)
        else:
            result_run = run(sheet_paths, ctx, None if q else ym, jobs, expect_all=expect_all)
    own = own_unit_names(cfg.unit, result_run)
    rollups, extra = [], []
    if sheet_paths:
        kept = []
        for fo in result_run.files:
            real = os.path.realpath(fo.path)
            if real in skip:
                continue
            found = next((f for f in fo.findings if f.code == "monthly-workbook"), None)
            if found is not None and fo.member is None:
                skip.add(real)
                m = Mark("tally", unit=found.params.get("unit", ""), period=found.params.get("period", ""))
                if is_own_tally(m, own, ym, period):
                    extra.append(own_output_finding(fo.file, m))   # its own earlier output
                else:
                    tally_paths.append(Path(fo.path))   # a sub-unit's workbook inside a folder
                continue
            kept.append(fo)
        result_run.files = kept
    for p in tally_paths:
        m = read_mark(p)
        if m is not None and m.kind == "tally" and is_own_tally(m, own, ym, period):
            extra.append(own_output_finding(p.as_posix(), m))
            continue
        t, found = monthly_read.read_tally(p, p.as_posix(), ctx.get_limits())
        extra += found
        if t is not None:
            rollups.append(t)

    if q is not None:
        from danhgia import quarter as quarter_mod

        wrong = quarter_mod.quarter_not_served(result_run.sheets(), q)
    else:
        wrong = monthly.month_not_served(result_run.sheets(), ym, bool(rollups))
    if wrong is not None:
        fail(wrong[0] if lg != "en" else wrong[1])
    try:
        if q is not None:
            res = quarter_mod.decide(result_run, ctx, q, apply_quota=apply_quota, rollups=rollups,
                                     extra_findings=extra)
        else:
            res = monthly.decide(result_run, ctx, ym, apply_quota=apply_quota, rollups=rollups, extra_findings=extra)
    except fw_mod.FrameworkError as exc:
        fail(tr(lang, "Khung đánh giá không hợp lệ:\n", "Invalid framework:\n") + say_error(exc, lang))
    # the month is decided: every sheet's outcome (scores, block subtotals, findings) now lives
    # in ``res``; let the run go before the workbook is written, so that the two do not add up
    # (issue 16: tally's peak memory)
    del result_run
    kept = None

    from danhgia.provenance import Provenance, frameworks_of, shown, unit_file_how

    res.provenance = Provenance("tally", period=res.period_text, frameworks=frameworks_of(cfg, framework, ctx.framework_for),
                                unit_file=shown(cfg.source), unit_file_how=unit_file_how(cfg, list(paths), config),
                                unit=res.unit_name, roster=shown(roster_path))
    from danhgia.write import tally as tally_writer
    from danhgia.write.paper import Letterhead

    head = Letterhead(unit=res.unit_name, governing_body=cfg.governing_body or "", place=cfg.place or "")
    try:
        with atomic_path(out, force) as tmp:
            tally_writer.write(res, tmp, lang=lg, generated=datetime.now(), letterhead=head)
    except OutputExists:
        fail(tr(lang, f"{out}: tệp đã có; thêm --force để ghi đè", f"{out}: the file exists; add --force to replace it"))
    except OSError as exc:
        cannot_write(out, exc, lang)

    if fmt == Format.json:
        data = res.to_dict(lg)
        data["output"] = str(out)
        print_json(data)
    elif fmt == Format.csv:   # one row per person, the fields of the JSON «people»
        write_csv(*flat_records(res.to_dict(lg)["people"]))
    else:
        out_console.print(summary_text(res, str(out), lg), markup=False, highlight=False)
    # a producer: done once the workbook is written; --strict makes errors and breaches fail
    raise typer.Exit(res.exit_code if strict else 0)


def _pct(share, lang: str) -> str:
    from danhgia import monthly

    text = f"{monthly.percent_display(share)}%"
    return text if lang == "en" else text.replace(".", ",")


def summary_text(res: monthly.MonthResult, out: str, lang: str = "vi", width: int = 100) -> str:
    """The month at a glance, for one unit or sixty: the grand total first, then one line per
    unit (those over the quota first) within ``width`` columns, then who is beyond each cap,
    the findings (counted as ``validate`` counts them; quota breaches said apart) and where the
    workbook was written."""
    from danhgia import monthly
    from danhgia.messages import code_name, severity_name

    t = (lambda vi, en: en if lang == "en" else vi)  # noqa: E731
    n = (lambda x: monthly.number_text(x, lang))     # noqa: E731
    lines = list(res.provenance.lines(lang)) + [""] if res.provenance is not None else []
    q = getattr(res, "quarter", None)      # a quarter's result (danhgia.quarter), else a month's
    if q:
        from danhgia.period import quarter_label

        period_vi, period_en = quarter_label(q, in_sentence=True), quarter_label(q, "en")
    else:
        period_vi, period_en = f"tháng {res.month[1]:02d}/{res.month[0]}", f"Month {res.month_text}"
    lines += [t(f"Tổng hợp {period_vi} — khung {res.framework_id} (phiên bản {res.framework_version})",
               f"{period_en} — framework {res.framework_id} (version {res.framework_version})")]
    total = monthly.Counts()
    for u in res.units:
        for key in ("staff", "classified", "not_evaluated", "missing", "pending", "invalid"):
            setattr(total, key, getattr(total, key) + getattr(u.total, key))
        for g, k in u.total.grades.items():
            total.grades[g] = total.grades.get(g, 0) + k
    over = [u for u in res.units if u.quota_status == "exceeded"]
    lines.append(t(f"Toàn bộ: {len(res.units)} đơn vị · {total.staff} người · đã xếp loại {total.classified} · "
                   f"không đánh giá {total.not_evaluated}",
                   f"All: {len(res.units)} units · {total.staff} staff · classified {total.classified} · "
                   f"not evaluated {total.not_evaluated}"))
    lines.append(t(f"  chưa nộp {total.missing} · chờ đánh giá {total.pending} · không hợp lệ {total.invalid}",
                   f"  missing {total.missing} · pending {total.pending} · invalid {total.invalid}"))
    lines.append("  " + " · ".join(f"{g} {total.grades[g]} ({_pct(total.share(g), lang)})" for g in total.grades)
                 + t(f" · vượt tỷ lệ: {len(over)} đơn vị", f" · over the quota: {len(over)} units"))

    # one line per unit, those over the quota first
    def quota_cell(u) -> str:
        parts = []
        for q in u.quota:
            mark = t(f"VƯỢT {q.over}", f"OVER by {q.over}") if q.status == "exceeded" else t("đạt", "ok")
            parts.append(f"{q.grade} {q.count}/{q.cap} {mark}")
        return "; ".join(parts) or "—"

    rows = []
    for u in sorted(res.units, key=lambda u: u.quota_status != "exceeded"):   # stable: input order kept
        c = u.total
        rows.append((monthly.unit_label(u.unit, lang),
                     [c.staff, c.classified, *(c.grades[g] for g in c.grades), c.missing, c.pending, c.invalid],
                     quota_cell(u)))
    lines.append("")
    lines += unit_lines(t("Đơn vị", "Unit"),
                        [t("Người", "Staff"), t("XL", "Rated"), *total.grades, t("Chưa nộp", "Missing"),
                         t("Chờ", "Pend."), t("KHL", "Inv.")],
                        rows, t("Tỷ lệ (có/tối đa)", "Quota (count/cap)"))
    lines.append(t("(XL: đã xếp loại · Chờ: chờ đánh giá · KHL: không hợp lệ)",
                   "(Rated: classified · Pend.: pending · Inv.: invalid)"))

    # who is beyond each cap (units over the quota first, as above)
    for u in over + [u for u in res.units if u not in over]:
        for q in u.quota:
            scope = f" › {q.scope}" if q.scope else ""
            name = f"{monthly.unit_label(u.unit, lang)}{scope}"
            if q.status == "exceeded":
                base = monthly.BASE_WORDS.get(q.base_kind, (q.base_kind, q.base_kind))[1 if lang == "en" else 0]
                lines.append("")
                lines.append(t(f"{name} — VƯỢT {q.over} người", f"{name} — OVER by {q.over}"))
                lines.append(t(f"  loại {q.grade}: {q.count} người, tối đa {q.cap} "
                               f"({n(q.percent)}% của {q.base} {base} = {n(q.cap_exact)})",
                               f"  grade {q.grade}: {q.count}, at most {q.cap} "
                               f"({n(q.percent)}% of {q.base} {base} = {n(q.cap_exact)})"))
                if not q.tied:
                    beyond = [c for c in q.ranked if c.grade == q.grade][q.cap:]
                    if beyond:
                        lines.append(t("  Xếp sau mức tối đa: ", "  Beyond the cap: ")
                                     + ", ".join(f"{c.name or c.id} {n(c.score)}" for c in beyond))
            if q.demoted:
                lines.append(t(f"  {name}: đã hạ loại ", f"  {name}: lowered ") + ", ".join(c.name or c.id for c in q.demoted))
            if q.tied:
                lines.append(t(f"  {name}: bằng điểm tại ngưỡng (thủ trưởng quyết định): ",
                               f"  {name}: tied at the cut (the head decides): ")
                             + ", ".join(f"{c.name or c.id} {n(c.score)}" for c in q.tied))

    # findings as validate counts them; a quota breach is not a finding of a scoresheet
    findings = [f for f in res.findings if f.code != "quota-exceeded"]
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    breaches = sum(1 for u in res.units for q in u.quota if q.status == "exceeded")
    lines.append("")
    lines.append(t(f"Lỗi: {errors} · cảnh báo: {warnings} · vượt tỷ lệ: {breaches} (xem trang «Lỗi»)",
                   f"Errors: {errors} · warnings: {warnings} · quota breaches: {breaches} (see the «Lỗi» sheet)"))
    shown = res.blocking[:20]
    for f in shown:
        where = f.location()
        lines.append(f"  [{severity_name(f.severity, lang)}] {code_name(f.code, lang)}: "
                     + (f"{where}: " if where else "") + f.message(lang))
    if len(res.blocking) > len(shown):
        more = len(res.blocking) - len(shown)
        lines.append(t(f"  … còn {more} mục (xem trang «Lỗi»)", f"  … {more} more (see the «Lỗi» sheet)"))
    for f in res.findings:
        if (f.severity == "warning" and f.file is None) or f.code == "roster-not-covered":   # what the run lacked
            lines.append(f"  {f.message(lang)}")
    for f in res.findings:
        if f.code == "own-output":     # the tool's own earlier outputs, skipped: say which
            lines.append(f"  {f.file}: {f.message(lang)}")
    lines.append(t(f"Đã ghi: {out}", f"Written: {out}"))
    return "\n".join(lines)
