"""``danhgia annual``: twelve consolidated monthly workbooks into the year's rating.

Exit codes: 0 once the workbook is written (findings and quota breaches are inside it); with
``--strict``, 1 on a finding of severity error or a quota exceeded; 2 wrong usage or an unusable roster / events / unit / rules file, or the output
exists without --force; 3 a bug.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from danhgia.cli.localise import H
from danhgia.cli import app
from danhgia.cli.common import (EXIT_FINDINGS, EXIT_OK, ConfigOpt, DebugOpt, ForceOpt, Format, FormatOpt, Lang, LangOpt,
                                OutOpt, RosterOpt, StrictOpt, cannot_write, example, fail, flat_records, out_console,
                                out_not_input_or_fail, print_json, say_error, tr, unit_lines, write_csv,
                                xlsx_out_or_fail)
from danhgia.messages import code_name, severity_name
from danhgia.read.files import sha256_of

# The library's modules are imported inside the command (start-up: issue 16).

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
FINDINGS_SHOWN = 20   # on screen; the workbook's «Lỗi» sheet has them all


class Strategy(str, Enum):
    average = "average"
    count = "count"
    manual = "manual"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _expand(paths: list[Path], skip: list[Path], lang: Lang) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for each input; folders are searched for workbooks."""
    files: dict[Path, bool] = {}
    skipped = {p.resolve() for p in skip}
    for p in paths:
        if not p.exists():
            fail(tr(lang, f"Không tìm thấy: {p}", f"Not found: {p}"))
        if p.is_dir():
            for x in sorted(p.rglob("*")):
                if x.is_file() and x.suffix.lower() in WORKBOOK_SUFFIXES \
                        and not x.name.startswith(("~$", ".danhgia-tmp-")):
                    files.setdefault(x, False)
        else:
            files[p] = True
    out = [(f, explicit) for f, explicit in files.items() if f.resolve() not in skipped]
    if not out:
        fail(tr(lang, "Không có bảng tổng hợp tháng nào để đọc", "No monthly workbook to read"))
    return out


def _variant_names(cfg):
    """The variant names of the unit's frameworks (a roster names a variant by them); the
    presets' names when the unit's monthly framework cannot be loaded (the annual rating does
    not need it)."""
    from danhgia import framework as fw_mod
    from danhgia.model import ReadContext

    try:
        return ReadContext(config=cfg).variant_names()
    except fw_mod.FrameworkError:
        return None


def _scoresheets_given(books, cfg, lang: str) -> tuple[str, str, str] | None:
    """When no workbook is a monthly workbook: are they scoresheets? (read a few to tell)."""
    from danhgia.model import ReadContext
    from danhgia.read.workbook import read_file

    ctx = ReadContext(config=cfg, limits=cfg.limits)
    for book in books[:5]:
        try:
            sheets, _found = read_file(Path(book.path), book.file, ctx)
        except Exception:   # a framework problem is not what is being asked here
            continue
        if sheets:
            n = len(books)
            return (f"Các tệp đầu vào ({n} tệp, ví dụ {book.file}) là bảng điểm, không phải bảng tổng hợp tháng: "
                    f"hãy chạy «danhgia tally» cho từng tháng trước, rồi đưa các bảng tổng hợp cho «danhgia annual».",
                    f"The inputs ({n} files, e.g. {book.file}) are scoresheets, not monthly workbooks: run "
                    f"«danhgia tally» for each month first, then give the monthly workbooks to «danhgia annual».",
                    "scoresheets")
    return None


def _sha(path: Path) -> str:
    return sha256_of(path)


@app.command("annual", help=H("Xếp loại chất lượng năm từ các bảng tổng hợp tháng.",
                               "The year's rating from the monthly workbooks."),
             epilog=example("danhgia annual out/tong-hop-2026-*.xlsx --year 2026 -r examples/danh-sach.xlsx "
                            "-o out/xep-loai-nam-2026.xlsx"))
def annual_(
    monthly: List[Path] = typer.Argument(..., help=H("Bảng tổng hợp tháng do «danhgia tally» lập (tệp hoặc thư mục).",
                                                     "Monthly workbooks written by «danhgia tally» (files or folders).")),
    year: int = typer.Option(..., "--year", "-y", min=1900, max=2200, help=H("Năm xếp loại.", "The rating year.")),
    roster: Optional[Path] = RosterOpt,
    events: Optional[Path] = typer.Option(None, "--events", "-e", help=H(
        "Tệp sự kiện năm (.xlsx, .csv); mặc định: trang «Sự kiện năm» của danh sách.",
        "Annual events file (.xlsx, .csv); default: the «Sự kiện năm» sheet of the roster.")),
    rules: Optional[str] = typer.Option(None, "--rules", help=H(
        "Quy định xếp loại năm: mã (nd90-48, nd335-2025) hoặc tệp YAML; mặc định theo năm và nhóm.",
        "Annual rules: a preset id (nd90-48, nd335-2025) or a YAML file; default by year and staff group.")),
    strategy: Optional[Strategy] = typer.Option(None, "--strategy", case_sensitive=False, help=H(
        "Cách tính: average, count hoặc manual (mặc định theo quy định).",
        "How to rate: average, count or manual (default: per the rules).")),
    config_file: Optional[Path] = ConfigOpt,
    out: Path = OutOpt,
    fmt: Format = FormatOpt,
    strict: bool = StrictOpt,
    force: bool = ForceOpt,
    lang: Lang = LangOpt,
    debug: bool = DebugOpt,  # noqa: ARG001 - handled by danhgia.cli.main
) -> None:
    """The year's rating from the monthly workbooks (help text above, in both languages)."""
    from danhgia import annual as annual_mod
    from danhgia import config as config_mod
    from danhgia import events as events_mod
    from danhgia import roster as roster_mod
    from danhgia.read import events as events_read
    from danhgia.read import monthly_read
    from danhgia.read import roster as roster_read
    from danhgia.write.safe import OutputExists

    lg = lang.value
    named = [p for p in (roster, events, config_file) if p is not None]
    out_not_input_or_fail(out, list(monthly) + named, lang, monthly_read.is_tally_workbook)
    xlsx_out_or_fail(out, force, lang)
    inputs = list(monthly)
    try:
        cfg = config_mod.discover([str(f) for f in inputs], config_file)
    except config_mod.ConfigError as exc:
        fail(say_error(exc, lang))
    roster_path = roster or (Path(cfg.resolve_path(cfg.roster)) if cfg.roster else None)
    ros = None
    if roster_path is not None:
        try:
            ros = roster_read.load(roster_path, _variant_names(cfg), named_by=None if roster else cfg.source)
        except roster_mod.RosterError as exc:
            fail(say_error(exc, lang))
    events_path = events or (Path(cfg.resolve_path(cfg.events)) if cfg.events else None)
    ev_table = None
    try:
        if events_path is not None:
            ev_table = events_read.load(events_path, _display(events_path))
        elif roster_path is not None:
            ev_table = events_read.from_roster(roster_path, _display(roster_path))
    except events_mod.EventsError as exc:
        named = events is None and (cfg.events or roster is None) and cfg.source
        fail(say_error(exc, lang) + (tr(lang, f" (tệp được nêu trong {cfg.source})", f" (named in {cfg.source})")
                                     if named else ""))

    files = _expand(inputs, [out] + [p for p in (roster_path, events_path) if p is not None], lang)
    books = []
    for f, explicit in files:
        book = monthly_read.read(f, _display(f), cfg.limits)
        if not explicit and any(x.code == "not-a-tally" for x in book.findings):
            # another workbook lying in the folder (a roster, last year's result …): noted, not an error
            book.findings = [x.with_(severity="info") for x in book.findings]
        books.append(book)
    wrong = annual_mod.year_not_served(year, books)
    if wrong is not None and wrong[2] == "scoresheets":
        wrong = _scoresheets_given(books, cfg, lg)
    if wrong is not None:
        fail(wrong[1] if lg == "en" else wrong[0])
    try:
        result = annual_mod.rate(year, books, roster=ros, events=ev_table, rules=rules,
                                 strategy=strategy.value if strategy else None, config=cfg)
    except annual_mod.RulesError as exc:
        fail(say_error(exc, lang))

    if roster_path is not None:
        result.inputs.append(annual_mod.InputFile(_display(roster_path), "roster", _sha(roster_path)))
    if ev_table is not None and events_path is not None:
        result.inputs.append(annual_mod.InputFile(ev_table.source, "events", ev_table.sha256))
    if cfg.source:
        result.inputs.append(annual_mod.InputFile(_display(Path(cfg.source)), "config", _sha(Path(cfg.source))))
    for rs in result.rule_sets:
        p = Path(rs.ref)
        if rs.ref not in annual_mod.fw_mod.preset_ids() and p.is_file():
            result.inputs.append(annual_mod.InputFile(_display(p), "rules", _sha(p)))

    from danhgia.provenance import FrameworkUsed, Provenance, framework_used, shown, unit_file_how

    result.provenance = Provenance(
        "annual", period=str(year), frameworks_label=("Quy định xếp loại năm", "Annual rules"),
        frameworks=[framework_used(rs.id, rs.version, rs.ref, cfg) for rs in result.rule_sets],
        unit_file=shown(cfg.source), unit_file_how=unit_file_how(cfg, inputs, config_file),
        roster=shown(roster_path), events=(shown(events_path) if events_path is not None
                                           else shown(roster_path) if ev_table is not None else None),
        events_how="file" if events_path is not None else "roster-sheet")
    from danhgia.write import annual as annual_writer
    from danhgia.write.paper import Letterhead

    head = Letterhead(unit=cfg.unit or "", governing_body=cfg.governing_body or "", place=cfg.place or "")
    try:
        annual_writer.write(result, out, force=force, lang=lg, letterhead=head)
    except OutputExists:
        fail(tr(lang, f"Tệp kết quả đã có: {out} (thêm --force để ghi đè)",
                f"The output exists: {out} (add --force to replace it)"))
    except OSError as exc:
        cannot_write(out, exc, lang)

    if fmt == Format.json:
        print_json(result.to_dict(lg))
    elif fmt == Format.csv:   # one row per person, the fields of the JSON «people»
        write_csv(*flat_records(result.to_dict(lg)["people"]))
    else:
        _print_text(result, out, lang)
    # a producer: done once the workbook is written; --strict makes errors and breaches fail
    raise typer.Exit(EXIT_FINDINGS if strict and not result.ok else EXIT_OK)


def _print_text(res: annual_mod.AnnualResult, out: Path, lang: Lang) -> None:
    from danhgia import annual as annual_mod

    lg = lang.value
    d = res.to_dict(lg)
    s = d["summary"]
    pr = lambda text: out_console.print(text, markup=False)  # noqa: E731
    books = sum(1 for i in res.inputs if i.kind == "monthly" and "Q" not in i.month)
    quarters = sum(1 for i in res.inputs if i.kind == "monthly" and "Q" in i.month)
    if res.provenance is not None:
        for line in res.provenance.lines(lg):
            pr(line)
        pr("")
    pr(tr(lang, f"Xếp loại năm {res.year}: {books} bảng tổng hợp tháng"
                + (f", {quarters} bảng tổng hợp quý" if quarters else "") + f", {s['people']} người",
          f"Annual rating {res.year}: {books} monthly workbooks"
          + (f", {quarters} quarterly workbooks" if quarters else "") + f", {s['people']} people"))
    pr(tr(lang, f"  Đã xếp loại: {s['classified']} · Không xếp loại: {s['not_classified']} · "
                f"Chưa xếp loại: {s['pending']} · Tạm tính: {s['provisional']}",
          f"  Classified: {s['classified']} · Not classified: {s['not_classified']} · "
          f"Not rated yet: {s['pending']} · Provisional: {s['provisional']}"))
    counts = {g: sum(1 for p in res.people if p.status == "classified" and p.final == g) for g in "ABCD"}
    short = {"A": "HTXSNV", "B": "HTTNV", "C": "HTNV", "D": "KHTNV"}
    pr("  " + " · ".join(f"{short[g]} ({g}): {counts[g]}" for g in "ABCD"))
    # one line per unit, those over the quota first (fits 100 columns)
    rows = []
    for u in sorted(res.units, key=lambda u: u.quota_status != "exceeded"):
        over = [q.result for q in u.quota if q.result.status == "exceeded"]
        if over:   # only the groups over the cap, so that the line stays short
            mark = tr(lang, "VƯỢT: ", "OVER: ") + "; ".join(
                (f"{r.scope} " if r.scope else "") + f"{r.count}/{r.cap}" for r in over)
        elif u.quota:
            groups = len(u.quota)
            mark = tr(lang, "đạt", "ok") + (tr(lang, f" ({groups} nhóm)", f" ({groups} groups)") if groups > 1 else "")
        else:
            mark = "—"
        rows.append((u.unit, [u.staff, u.classified, *(u.grades.get(g, 0) for g in "ABCD"), u.not_classified,
                              u.pending, u.provisional], mark))
    if rows:
        pr("")
        for line in unit_lines(tr(lang, "Đơn vị", "Unit"),
                               [tr(lang, "Người", "Staff"), tr(lang, "Xếp loại", "Rated"), "A", "B", "C", "D",
                                tr(lang, "Không XL", "Not rated"), tr(lang, "Chưa XL", "Pending"),
                                tr(lang, "Tạm tính", "Prov.")],
                               rows, tr(lang, "Tỷ lệ HTXS", "HTXS quota")):
            pr(line)
    adjusted = [p for p in d["people"] if p["overrides"]]
    if adjusted:
        pr(tr(lang, "Điều chỉnh theo quy định:", "Overrides applied:"))
        for p in adjusted:
            level = p["final"] or "—"
            pr(f"  {p['name']} ({p['id']}): {level} {p['final_label']} — "
               + "; ".join(o["effect"] for o in p["overrides"]))
    pr(tr(lang, f"Lỗi: {s['errors']} · Cảnh báo: {s['warnings']}", f"Errors: {s['errors']} · Warnings: {s['warnings']}"))
    shown = res.findings[:FINDINGS_SHOWN]
    for f in shown:
        where = f.location()
        pr(f"  [{severity_name(f.severity, lg)}] {code_name(f.code, lg)}: " + (f"{where}: " if where else "")
           + f.message(lg))
    if len(res.findings) > len(shown):
        more = len(res.findings) - len(shown)
        pr(tr(lang, f"  … còn {more} mục (xem trang «Lỗi» của {out.name})", f"  … {more} more (see the «Lỗi» sheet of {out.name})"))
    pr(tr(lang, f"Đã ghi: {out}", f"Written: {out}"))
