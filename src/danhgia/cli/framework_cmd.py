"""``danhgia framework``: list, show, check and schema of criteria frameworks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer

from danhgia.cli.common import (EXIT_OK, EXIT_USAGE, Format, FormatOpt, Lang, LangOpt, example, fail, new_table,
                                print_block, print_json, say_error, text_console, tr, write_csv)
from danhgia.cli.localise import H

app = typer.Typer(help=H("Khung tiêu chí đánh giá (YAML): xem, kiểm tra, lược đồ.",
                         "Criteria frameworks (YAML): list, show, check, schema."),
                  epilog=example("danhgia framework list", "danhgia framework show hanoi-2022"),
                  no_args_is_help=True)


@app.callback()
def _group(lang: Lang = LangOpt) -> None:
    """Criteria frameworks (the language is read before parsing: ``localise.lang_from``)."""


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


KIND_LABELS = {"score": ("", ""), "bonus": ("điểm thưởng", "bonus"), "deduction": ("điểm trừ", "deduction")}
STRATEGY_LABELS = {"average": ("điểm trung bình", "average score"), "count": ("đếm số tháng theo loại", "count of months"),
                   "manual": ("thủ trưởng quyết định", "decided by the head")}


def _preset_rows(lang: Lang) -> list[dict]:
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
    return rows


@app.command("list", help=H("Liệt kê các khung có sẵn.", "List the shipped presets."),
             epilog=example("danhgia framework list", "danhgia framework list --format csv > khung.csv"))
def list_(fmt: Format = FormatOpt, lang: Lang = LangOpt) -> None:
    """List the shipped presets (help text above, in both languages)."""
    rows = _preset_rows(lang)
    if fmt == Format.json:
        print_json(rows)
        return
    if fmt == Format.csv:
        keys = ["id", "title", "kind", "version", "effective_from", "effective_to", "variants", "quota", "sources"]
        write_csv(keys, [[r[k] for k in keys] for r in rows])
        return
    t = new_table(tr(lang, "Khung đánh giá có sẵn", "Shipped frameworks"))
    for h in (tr(lang, "Mã", "Id"), tr(lang, "Tên", "Title"), tr(lang, "Hiệu lực", "Effective"),
              tr(lang, "Bảng điểm", "Variants"), tr(lang, "Tỷ lệ", "Quota"), tr(lang, "Căn cứ", "Sources")):
        t.add_column(h, overflow="fold")
    t.columns[0].no_wrap = True
    for r in rows:
        period = f"{_vn_date(r['effective_from'])} – {_vn_date(r['effective_to'])}".strip(" –") or "—"
        t.add_row(r["id"], r["title"], period, ", ".join(r["variants"]) or "—", r["quota"] or "—",
                  "; ".join(r["sources"]))
    print_block(t)


def _criteria_rows(f, lang: Lang) -> list[list]:
    from danhgia import framework as fw

    en = lang == Lang.en
    rows = []
    for v in f.variants:
        parents = v.parent_of()
        for c, depth in v.walk():
            rows.append([v.id, c.code, parents.get(c.code) or "", depth, c.label_en if en and c.label_en else c.label,
                         _n(c.max), c.kind, "true" if c.note_required else "false"])
    return rows


@app.command("show", help=H("In cây tiêu chí của một khung (mã, nội dung, điểm tối đa, loại).",
                            "Print a framework's criteria tree (code, label, maximum, kind)."),
             epilog=example("danhgia framework show hanoi-2022", "danhgia framework show hanoi-2022 -f csv > tieu-chi.csv"))
def show(ref: str = typer.Argument(..., help=H("Mã khung có sẵn hoặc tệp YAML.", "A preset id or a YAML file.")),
         fmt: Format = FormatOpt, lang: Lang = LangOpt) -> None:
    """Print a framework's criteria tree (help text above, in both languages)."""
    from rich.markup import escape
    from rich.tree import Tree

    from danhgia import framework as fw

    try:
        f = fw.load(ref)
    except fw.FrameworkError as exc:
        fail(say_error(exc, lang))
    if fmt == Format.json:
        print_json(json.loads(f.model_dump_json(exclude_none=True)))
        return
    if fmt == Format.csv:
        write_csv(["variant", "code", "parent", "depth", "label", "max", "kind", "note_required"],
                  _criteria_rows(f, lang))
        return
    en = lang == Lang.en
    k = 1 if en else 0
    root = Tree(f"[bold]{escape(f.id)}[/] — {escape(f.title_en if en and f.title_en else f.title)} "
                + escape(tr(lang, f"(phiên bản {f.version})", f"(version {f.version})")))
    srcs = root.add(tr(lang, "Căn cứ", "Sources"))
    for s in f.sources:
        note = f"— {s.note}" if s.note and not en else ""   # the presets' notes are Vietnamese only
        srcs.add(escape(" ".join(x for x in (s.doc, s.date or "", note) if x)))
    if f.grades:
        g = root.add(tr(lang, "Mức xếp loại", "Grades"))
        for b in f.grades:
            g.add(escape(f"{b.grade} {b.short}: {b.label_en if en and b.label_en else b.label} ({b.describe()})"))
    if f.quota:
        root.add(escape(tr(lang, "Tỷ lệ", "Quota") + ": " + quota_text(f.quota, lang)))
    for v in f.variants:
        vt = root.add(f"[bold]{escape(v.id)}[/] — {escape(v.title_en if en and v.title_en else v.title)} "
                      f"({_n(v.total_max)})")
        nodes = {None: vt}
        parents = v.parent_of()
        for c, _depth in v.walk():
            kind = "" if c.kind == "score" else f" ({KIND_LABELS.get(c.kind, (c.kind, c.kind))[k]})"
            note = tr(lang, " · cần ghi nội dung", " · note required") if c.note_required else ""
            label = c.label_en if en and c.label_en else c.label
            nodes[c.code] = nodes[parents[c.code]].add(escape(f"{c.code}  {label} — {_n(c.max)}{kind}{note}"))
    if f.annual:
        from danhgia.roster import GROUP_LABELS

        a = f.annual
        at = root.add(tr(lang, "Xếp loại năm", "Annual rating"))
        verify = tr(lang, " (cần xác minh)", " (to verify)")
        for ap in a.applies_to:
            groups = ", ".join(GROUP_LABELS.get(x, (x, x))[k] for x in ap.groups)
            at.add(escape(f"{groups}: {ap.from_year or '…'}–{ap.to_year or '…'}"
                          + (verify if ap.verify or a.verify else "")))
        strategy = STRATEGY_LABELS.get(a.default_strategy, (a.default_strategy, a.default_strategy))[k]
        at.add(escape(tr(lang, f"Cách tính: {strategy} · số tháng làm việc tối thiểu: {_n(a.min_months_worked)}",
                         f"Strategy: {strategy} · minimum months worked: {_n(a.min_months_worked)}")))
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
    print_block(root)


@app.command("check", help=H("Kiểm tra tệp khung; mỗi lỗi kèm dòng và đường dẫn YAML (mã thoát 2 khi có lỗi).",
                             "Check framework files; each problem with its line and YAML path (exit 2 on errors)."),
             epilog=example("danhgia framework check khung-cua-don-vi.yaml"))
def check(files: List[Path] = typer.Argument(..., help=H("Tệp khung YAML.", "Framework files (YAML).")),
          fmt: Format = FormatOpt, lang: Lang = LangOpt) -> None:
    """Check framework files (help text above, in both languages)."""
    from danhgia import framework as fw
    bad = 0
    results = []
    for path in files:
        try:
            f = fw.load(path)
        except fw.FrameworkError as exc:
            bad += 1
            results.append({"file": str(path), "valid": False, "id": None,
                            "problems": [{"path": str(fw.say(p, lang.value)), "line": line, "message": fw.say(m, lang.value)}
                                         for p, line, m in exc.problems],
                            "text": exc.text(lang.value).splitlines()})
            continue
        results.append({"file": str(path), "valid": True, "id": f.id, "variants": len(f.variants), "problems": []})
    if fmt == Format.json:
        print_json(results)
    elif fmt == Format.csv:
        write_csv(["file", "valid", "line", "path", "message"],
                  [[r["file"], r["valid"], p["line"], p["path"], p["message"]] for r in results for p in r["problems"]]
                  + [[r["file"], r["valid"], "", "", ""] for r in results if r["valid"]])
    else:
        con = text_console()
        for r in results:
            if r["valid"]:
                con.print(f"✓ {r['file']} ({r['id']}, {r['variants']} " + tr(lang, "bảng điểm", "variants") + ")",
                          markup=False)
            else:
                con.print(f"✗ {r['file']}", markup=False)
                for problem in r["text"]:
                    con.print(f"  {problem}", markup=False)
    raise typer.Exit(EXIT_USAGE if bad else EXIT_OK)


@app.command("schema", help=H("In JSON Schema của tệp khung (cho trình soạn thảo).",
                              "Print the JSON schema of framework files (for editors)."),
             epilog=example("danhgia framework schema > khung.schema.json"))
def schema(lang: Lang = LangOpt) -> None:  # noqa: ARG001 - JSON only; --lang accepted like everywhere
    """Print the JSON schema (help text above, in both languages)."""
    from danhgia import framework as fw

    print_json(fw.json_schema())
