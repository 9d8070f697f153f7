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
from danhgia.cli.common import (say_error, example, ConfigOpt, ForceOpt, FrameworkOpt, Lang, LangOpt, RosterOpt, cannot_write, fail,
                                month_or_fail, out_console, tr)

# The library's modules are imported inside the command (start-up: issue 16).


def _exists(lang: Lang, path: Path) -> None:
    fail(tr(lang, f"Tệp đã có: {path} (thêm --force để ghi đè)",
            f"The file already exists: {path} (add --force to replace it)"))


@app.command("template", help=H("Tạo mẫu bảng điểm: trống theo loại, hoặc điền sẵn cho từng người theo danh sách.",
                                 "Make scoresheet templates: blank per variant, or pre-filled per person from a roster."),
             epilog=example("danhgia template --framework hanoi-2022 --out templates_xlsx",
                            "danhgia template -r examples/danh-sach.xlsx -m 2026-11 -o out/mau-2026-11"))
def template_(
    out: Path = typer.Option(..., "--out", "-o", help=H("Thư mục ghi mẫu.", "The folder to write into.")),
    framework: Optional[str] = FrameworkOpt,
    variant: Optional[str] = typer.Option(None, "--variant", "-V", help=H(
        "Loại bảng điểm (lanh-dao-quan-ly, chuyen-vien, ldhd); với --roster: dùng cho người chưa ghi loại.",
        "Form variant (lanh-dao-quan-ly, chuyen-vien, ldhd); with --roster: for people without one.")),
    roster: Optional[Path] = RosterOpt,
    month: Optional[str] = typer.Option(None, "--month", "-m", help=H("Tháng YYYY-MM (cùng --roster).",
                                                                      "The month YYYY-MM (with --roster).")),
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

    if roster is None and (month or one_workbook):
        fail(tr(lang, "--month và --one-workbook chỉ dùng cùng --roster",
                "--month and --one-workbook need --roster"))
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
            written = tpl.blank_templates(fw, out, variant, force)
        except tpl.TemplateError as exc:
            fail("\n".join(exc.lines(lang.value)))
        except OutputExists as exc:
            _exists(lang, exc.path)
        except OSError as exc:
            cannot_write(out, exc, lang)
        for p in written:
            out_console.print(tr(lang, f"Đã tạo {p}", f"Wrote {p}"), markup=False)
        return

    if not month:
        fail(tr(lang, "Cần --month YYYY-MM khi dùng --roster", "--month YYYY-MM is required with --roster"))
    period = month_or_fail(month, lang)
    try:
        ctx = ReadContext(config=cfg, framework_ref=framework)
        ctx.roster = staff = roster_read.load(roster, ctx.variant_names())
    except roster_mod.RosterError as exc:
        fail(say_error(exc, lang))
    except fw_mod.FrameworkError as exc:
        fail(say_error(exc, lang))
    try:
        written = tpl.person_templates(staff.people, period, ctx.framework_for, out,
                                       one_workbook=one_workbook, force=force, default_variant=variant)
    except fw_mod.FrameworkError as exc:
        fail(say_error(exc, lang))
    except tpl.TemplateError as exc:
        fail("\n".join(exc.lines(lang.value)))
    except OutputExists as exc:
        _exists(lang, exc.path)
    except OSError as exc:
        cannot_write(out, exc, lang)
    n = len(staff.people)
    if one_workbook:
        out_console.print(tr(lang, f"Đã tạo {written[0]} ({n} trang tính)", f"Wrote {written[0]} ({n} tabs)"),
                          markup=False)
    else:
        for p in written:
            out_console.print(tr(lang, f"Đã tạo {p}", f"Wrote {p}"), markup=False)
        out_console.print(tr(lang, f"{n} bảng điểm tháng {period[1]}/{period[0]}",
                             f"{n} scoresheets for {period[0]}-{period[1]:02d}"), markup=False)
