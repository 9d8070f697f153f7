"""``danhgia template``: blank scoresheet forms per variant, or pre-filled forms per person.

The forms themselves are Vietnamese (they are official forms and the reader finds their labels);
``--lang`` changes what this command prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from danhgia.cli.localise import H
from danhgia.cli import app
from danhgia.cli.common import (say_error, example, ConfigOpt, ForceOpt, FrameworkOpt, Lang, LangOpt, OptionalQuarterOpt,
                                RosterOpt, cannot_write, fail, month_or_fail, one_period_or_fail, out_console,
                                quarter_or_fail, tr)

# The library's modules are imported inside the command (start-up: issue 16).


def _exists(lang: Lang, path: Path) -> None:
    fail(tr(lang, f"Tệp đã có: {path} (thêm --force để ghi đè)",
            f"The file already exists: {path} (add --force to replace it)"))


@app.command("template", help=H("Tạo mẫu bảng điểm: trống theo loại, hoặc điền sẵn cho từng người theo danh sách.",
                                 "Make scoresheet templates: blank per variant, or pre-filled per person from a roster."),
             epilog=example("danhgia template --framework hanoi-2022 --out templates_xlsx",
                            "danhgia template -r examples/danh-sach.xlsx -m 2026-11 -o out/mau-2026-11",
                            "danhgia template --framework nd335-2025 --quarter 2026-Q3 -o out/mau-quy-3"))
def template_(
    out: Path = typer.Option(..., "--out", "-o", help=H("Thư mục ghi mẫu.", "The folder to write into.")),
    framework: Optional[str] = FrameworkOpt,
    variant: Optional[str] = typer.Option(None, "--variant", "-V", help=H(
        "Loại bảng điểm (lanh-dao-quan-ly, chuyen-vien, ldhd); với --roster: dùng cho người chưa ghi loại.",
        "Form variant (lanh-dao-quan-ly, chuyen-vien, ldhd); with --roster: for people without one.")),
    roster: Optional[Path] = RosterOpt,
    month: Optional[str] = typer.Option(None, "--month", "-m", help=H("Tháng YYYY-MM (cùng --roster).",
                                                                      "The month YYYY-MM (with --roster).")),
    quarter: Optional[str] = OptionalQuarterOpt,
    one_workbook: bool = typer.Option(False, "--one-workbook", help=H("Một tệp, mỗi người một trang tính.",
                                                                      "One file, one tab per person.")),
    config: Optional[Path] = ConfigOpt,
    force: bool = ForceOpt,
    lang: Lang = LangOpt,
) -> None:
    """Make scoresheet templates (help text above, in both languages)."""
    from danhgia import config as cfg_mod
    from danhgia import framework as fw_mod
    from danhgia import roster as roster_mod
    from danhgia.model import ReadContext
    from danhgia.read import roster as roster_read
    from danhgia.write import template as tpl
    from danhgia.write.safe import OutputExists

    one_period_or_fail(month, quarter, lang)
    if roster is None and (month or one_workbook):
        fail(tr(lang, "--month và --one-workbook chỉ dùng cùng --roster",
                "--month and --one-workbook need --roster"))
    yq = quarter_or_fail(quarter, lang) if quarter else None
    if out.exists() and not out.is_dir():
        fail(tr(lang, f"--out phải là thư mục: {out}", f"--out must be a folder: {out}"))
    try:
        cfg = cfg_mod.discover([roster] if roster else [Path.cwd()], config)
    except cfg_mod.ConfigError as exc:
        fail(say_error(exc, lang))
    if variant:   # named like a roster names it: id, title or alias ("Giáo viên" = giao-vien)
        try:
            names = ReadContext(config=cfg, framework_ref=framework).variant_names()
        except fw_mod.FrameworkError as exc:
            fail(say_error(exc, lang))
        vid = names.resolve(variant)
        if vid is None:
            fail(tr(lang, f"Loại bảng điểm «{variant}» không rõ; khung đánh giá đang dùng nhận: {names.accepted()}",
                    f"Unknown variant «{variant}»; the framework in use accepts: {names.accepted()}"))
        variant = vid

    if roster is None:
        try:
            fw = cfg_mod.framework_for(cfg, framework, variant)
        except fw_mod.FrameworkError as exc:
            fail(say_error(exc, lang))
        try:
            written = tpl.blank_templates(fw, out, variant, force, quarter=yq)
        except tpl.TemplateError as exc:
            fail("\n".join(exc.lines(lang.value)))
        except OutputExists as exc:
            _exists(lang, exc.path)
        except OSError as exc:
            cannot_write(out, exc, lang)
        for p in written:
            out_console.print(tr(lang, f"Đã tạo {p}", f"Wrote {p}"), markup=False)
        return

    if not month and not yq:
        fail(tr(lang, "Cần --month YYYY-MM (hoặc --quarter YYYY-Qn) khi dùng --roster",
                "--month YYYY-MM (or --quarter YYYY-Qn) is required with --roster"))
    period = month_or_fail(month, lang) if month else None
    try:
        ctx = ReadContext(config=cfg, framework_ref=framework)
        ctx.roster = staff = roster_read.load(roster, ctx.variant_names())
    except roster_mod.RosterError as exc:
        fail(say_error(exc, lang))
    except fw_mod.FrameworkError as exc:
        fail(say_error(exc, lang))
    people, skipped = staff.people, {}
    if yq is not None:   # a quarter's forms only for the people whose framework is kept by quarter
        try:
            people, skipped = tpl.quarterly_people(staff.people, ctx.framework_for, variant)
        except fw_mod.FrameworkError as exc:
            fail(say_error(exc, lang))
        if not people and skipped:
            fail("\n".join(tpl.not_by_quarter(next(iter(skipped)), yq).lines(lang.value)))
    try:
        written = tpl.person_templates(people, period, ctx.framework_for, out, one_workbook=one_workbook,
                                       force=force, default_variant=variant, quarter=yq)
    except fw_mod.FrameworkError as exc:
        fail(say_error(exc, lang))
    except tpl.TemplateError as exc:
        fail("\n".join(exc.lines(lang.value)))
    except OutputExists as exc:
        _exists(lang, exc.path)
    except OSError as exc:
        cannot_write(out, exc, lang)
    n = len(people)
    if one_workbook:
        out_console.print(tr(lang, f"Đã tạo {written[0]} ({n} trang tính)", f"Wrote {written[0]} ({n} tabs)"),
                          markup=False)
    else:
        for p in written:
            out_console.print(tr(lang, f"Đã tạo {p}", f"Wrote {p}"), markup=False)
        if yq is not None:
            from danhgia.period import quarter_label

            out_console.print(tr(lang, f"{n} bảng điểm {quarter_label(yq)}", f"{n} scoresheets for {quarter_label(yq, 'en')}"),
                              markup=False)
        else:
            out_console.print(tr(lang, f"{n} bảng điểm tháng {period[1]}/{period[0]}",
                                 f"{n} scoresheets for {period[0]}-{period[1]:02d}"), markup=False)
    for fw_id, count in skipped.items():
        out_console.print(tr(lang, f"Không tạo mẫu quý cho {count} người theo khung {fw_id} (khung chỉ theo dõi theo tháng; "
                                   f"dùng --month cho họ)",
                             f"No quarterly form for {count} people under the framework {fw_id} (kept by month only; "
                             f"use --month for them)"), markup=False)
