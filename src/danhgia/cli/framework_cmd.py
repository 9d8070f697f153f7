"""``danhgia framework``: list, show, check and schema of criteria frameworks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer

from danhgia.cli.common import (EXIT_OK, EXIT_USAGE, Format, Lang, LangOpt, fail, out_console,
                                print_json, tr)

app = typer.Typer(help="Khung tiêu chí đánh giá (YAML) / criteria frameworks.", no_args_is_help=True)


def _n(x) -> str:
    from danhgia import framework as fw

    return fw._n(x)


BASE_LABELS = {
    "classified": ("số người được xếp loại", "those classified"),
    "b_or_better": ("số xếp loại B trở lên", "those rated B or better"),
    "exactly_b": ("số xếp loại B", "those rated exactly B"),
    "all_staff": ("tổng số người", "all staff"),
}
POOLING_LABELS = {
    "pooled": ("chung toàn đơn vị", "pooled over the unit"),
    "per_group": ("theo nhóm đối tượng", "per staff group"),
    "per_task_group": ("theo nhóm nhiệm vụ tương đồng", "per task group"),
}
ROUNDING_LABELS = {"floor": ("làm tròn xuống", "rounded down"), "round": ("làm tròn", "rounded"),
                   "ceil": ("làm tròn lên", "rounded up")}


def quota_text(q, lang) -> str:
    en = 1 if lang == Lang.en else 0
    text = (f"{q.grade} ≤ {_n(q.cap)}% {'of' if en else 'của'} {BASE_LABELS[q.base][en]}, "
            f"{POOLING_LABELS[q.pooling][en]}, {ROUNDING_LABELS[q.rounding][en]}")
    if q.exceptional_cap is not None:
        base = BASE_LABELS[q.exceptional_base or q.base][en]
        text += tr(lang, f"; đơn vị đặc biệt ≤ {_n(q.exceptional_cap)}% {base}",
                   f"; exceptional unit ≤ {_n(q.exceptional_cap)}% of {base}")
    if q.verify:
        text += tr(lang, " (cần xác minh)", " (verify)")
    return text


def _vn_date(iso: str | None) -> str:
    """``2022-01-01`` → ``01/01/2022`` (how dates are written in Vietnamese documents)."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


@app.command("list")
def list_(fmt: Format = typer.Option(Format.text, "--format", help="text | json"), lang: Lang = LangOpt) -> None:
    """Liệt kê các khung có sẵn / list the shipped presets."""
    from rich.table import Table

    from danhgia import framework as fw

    rows = []
    for pid in fw.preset_ids():
        f = fw.load(pid)
        rows.append({"id": f.id, "title": f.title_en if lang == Lang.en and f.title_en else f.title,
                     "kind": f.kind, "version": f.version,
                     "effective_from": f.effective_from.isoformat() if f.effective_from else None,
                     "effective_to": f.effective_to.isoformat() if f.effective_to else None,
                     "sources": [" ".join(x for x in (s.doc, s.date) if x) for s in f.sources],
                     "variants": [v.id for v in f.variants],
                     "quota": None if f.quota is None else quota_text(f.quota, lang)})
    if fmt == Format.json:
        print_json(rows)
        return
    t = Table(title=tr(lang, "Khung đánh giá có sẵn", "Shipped frameworks"))
    for h in (tr(lang, "Mã", "Id"), tr(lang, "Tên", "Title"), tr(lang, "Hiệu lực", "Effective"),
              tr(lang, "Bảng điểm", "Variants"), tr(lang, "Tỷ lệ", "Quota"), tr(lang, "Căn cứ", "Sources")):
        t.add_column(h)
    for r in rows:
        period = f"{_vn_date(r['effective_from'])} – {_vn_date(r['effective_to'])}".strip(" –") or "—"
        t.add_row(r["id"], r["title"], period, ", ".join(r["variants"]) or "—", r["quota"] or "—",
                  "; ".join(r["sources"]))
    out_console.print(t)


@app.command("show")
def show(ref: str = typer.Argument(..., help="Mã khung hoặc tệp YAML / preset id or file"),
         fmt: Format = typer.Option(Format.text, "--format", help="text | json"), lang: Lang = LangOpt) -> None:
    """In cây tiêu chí của một khung / print a framework's criteria tree."""
    from rich.tree import Tree

    from danhgia import framework as fw

    try:
        f = fw.load(ref)
    except fw.FrameworkError as exc:
        fail(str(exc))
    if fmt == Format.json:
        print_json(json.loads(f.model_dump_json(exclude_none=True)))
        return
    en = lang == Lang.en
    root = Tree(f"[bold]{f.id}[/] — {f.title_en if en and f.title_en else f.title} (v{f.version})")
    srcs = root.add(tr(lang, "Nguồn", "Sources"))
    for s in f.sources:
        srcs.add(" ".join(x for x in (s.doc, s.date or "", f"— {s.note}" if s.note else "") if x))
    if f.grades:
        g = root.add(tr(lang, "Mức xếp loại", "Grades"))
        for b in f.grades:
            g.add(f"{b.grade} {b.short}: {b.label_en if en and b.label_en else b.label} ({b.describe()})")
    if f.quota:
        root.add(tr(lang, "Tỷ lệ", "Quota") + ": " + quota_text(f.quota, lang))
    for v in f.variants:
        vt = root.add(f"[bold]{v.id}[/] — {v.title_en if en and v.title_en else v.title} ({_n(v.total_max)})")
        nodes = {None: vt}
        parents = v.parent_of()
        for c, _depth in v.walk():
            kind = "" if c.kind == "score" else f" [{c.kind}]"
            note = tr(lang, " · cần ghi nội dung", " · note required") if c.note_required else ""
            label = c.label_en if en and c.label_en else c.label
            nodes[c.code] = nodes[parents[c.code]].add(f"{c.code}  {label} — {_n(c.max)}{kind}{note}")
    if f.annual:
        a = f.annual
        at = root.add(tr(lang, "Xếp loại năm", "Annual rating"))
        verify = tr(lang, " (cần xác minh)", " (to verify)")
        for ap in a.applies_to:
            at.add(f"{', '.join(ap.groups)}: {ap.from_year or '…'}–{ap.to_year or '…'}"
                   + (verify if ap.verify or a.verify else ""))
        at.add(f"strategy={a.default_strategy} · min_months_worked={_n(a.min_months_worked)}")
        if a.quota:
            at.add(tr(lang, "Tỷ lệ", "Quota") + ": " + quota_text(a.quota, lang))
        if a.head_not_above_unit:
            at.add(tr(lang, "Người đứng đầu không cao hơn mức của đơn vị phụ trách",
                      "A head is not rated above the unit they run") + verify)
        if a.objection:
            at.add(tr(lang, f"Kiến nghị trong {a.objection.days} ngày kể từ ngày công khai, giải quyết trong "
                            f"{a.objection.resolve_working_days} ngày làm việc",
                      f"Objections within {a.objection.days} days of publication, resolved within "
                      f"{a.objection.resolve_working_days} working days"))
        # the regime table: which shipped rule set rates which staff group in which year (data:
        # the presets' applies_to; a unit changes it with annual_rules in danhgia.yaml)
        from danhgia.annual import regime_table
        from danhgia.monthly import group_label

        rt = at.add(tr(lang, "Bảng quy định theo năm (các khung có sẵn; đổi bằng annual_rules)",
                       "Rule set by year (shipped presets; change with annual_rules)"))
        for year, group, rid, unconfirmed in regime_table():
            mark = " ◀" if rid == f.id else ""
            rt.add(f"{year} · {group_label(group, lang.value)}: {rid}{verify if unconfirmed else ''}{mark}")
    out_console.print(root)


@app.command("check")
def check(files: List[Path] = typer.Argument(..., help="Tệp khung YAML / framework files"), lang: Lang = LangOpt) -> None:
    """Kiểm tra tệp khung; lỗi kèm đường dẫn YAML / self-check framework files (exit 2 on errors)."""
    from danhgia import framework as fw

    bad = 0
    for path in files:
        try:
            f = fw.load(path)
        except fw.FrameworkError as exc:
            bad += 1
            out_console.print(f"✗ {path}", markup=False)
            for ypath, line, msg in exc.problems:
                loc = f"{path}:{line}" if line else str(path)
                out_console.print(f"  {loc}: {ypath}: {msg}", markup=False)
            continue
        out_console.print(f"✓ {path} ({f.id}, {len(f.variants)} " + tr(lang, "bảng điểm", "variants") + ")", markup=False)
    raise typer.Exit(EXIT_USAGE if bad else EXIT_OK)


@app.command("schema")
def schema() -> None:
    """In JSON Schema của tệp khung (cho trình soạn thảo) / print the JSON schema for editors."""
    from danhgia import framework as fw

    print_json(fw.json_schema())
