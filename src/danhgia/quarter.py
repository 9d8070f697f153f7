"""A quarter's results (NĐ 335/2025 Art. 12–16 and 21; domain.md §3.4 "Periods").

Where a framework monitors by quarter, a person's quarter score comes from one quarterly form
(Mẫu 01, "Kỳ: Quý … năm …"), or from the monthly forms of the quarter's three months:

- the general score (part I) is the mean of the months worked (a month not evaluated — leave,
  exemption — is left out, never counted as 0);
- a, b, c are cumulated over the quarter from the product lists (Σ done / Σ assigned …) when
  every month worked has a usable one, else the mean of the monthly ratios; leaders' d, đ, e
  take the lowest month (``task_ratios.quarter_leader_ratios``, verify) — which one was used is
  said in the person's notes;
- the task score is mean(ratios) × 70 rounded half-up to 0.01 (capped as the framework says),
  the total is general + task, and the level is the band of the total.

A month that is missing, pending or invalid leaves the quarter undecided (said, with the month).
People whose framework monitors by month only are not part of a quarter (said once).

Each month (and the quarterly forms) is first decided by ``danhgia.monthly.decide`` exactly as a
month's tally is, so every check of a month applies to the quarter too.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from danhgia.findings import Finding
from danhgia.framework import Framework
from danhgia.monthly import (MonthResult, PersonMonth, SourceFile, _note, _units, decide as decide_month,
                              join_rollups, number_text)
from danhgia.period import last_month, quarter_label, quarter_months
from danhgia.text import fold

CENT = Decimal("0.01")
LEADER_LETTERS = ("d", "đ", "e")


def decide(run, ctx, quarter: tuple[int, int], apply_quota: bool = False,
           rollups: Iterable = (), extra_findings: Iterable[Finding] = ()) -> MonthResult:
    """Decide every person's quarter. ``run`` is the ``RunResult`` of the quarter's scoresheets
    (quarterly forms and monthly forms of its months, read with ``ctx.quarter`` set)."""
    months = quarter_months(quarter)
    label_vi, label_en = quarter_label(quarter), quarter_label(quarter, "en")
    buckets = _buckets(run, quarter, months)
    sub_results: dict[object, MonthResult] = {}
    for key, files in buckets.items():
        if key == "Q" and not any(fo.sheets for fo in files):
            continue
        sub = _sub_run(run, files, last_month(quarter) if key == "Q" else key)
        sub_results[key] = decide_month(sub, ctx, sub.month, apply_quota=False)

    fw_cache: dict[tuple, Framework] = {}

    def fw_for(variant, group) -> Framework:
        k = (variant, group)
        if k not in fw_cache:
            fw_cache[k] = ctx.framework_for(variant, group)
        return fw_cache[k]

    # every person once: by id, else by name, else by sheet
    order: list[str] = []
    per: dict[str, dict[object, PersonMonth]] = {}
    for key, res in sub_results.items():
        for p in res.people:
            pid = _key(p)
            if pid not in per:
                per[pid] = {}
                order.append(pid)
            per[pid][key] = p

    sums = {(s.file, s.sheet): s.product_sums for s in run.sheets()}
    added: list[Finding] = []
    people: list[PersonMonth] = []
    monthly_only: dict[str, int] = {}
    for pid in order:
        got = per[pid]
        any_p = next(iter(got.values()))
        fw = fw_for(any_p.variant, any_p.group)
        from_sheet = [p for p in got.values() if p.file]
        if not fw.by_quarter and not any(p.codes for p in from_sheet):
            monthly_only[fw.id] = monthly_only.get(fw.id, 0) + 1
            continue
        person = _combine(got, months, fw, sums, (label_vi, label_en), added)
        form = fw.variant_for(person.variant)     # the roster's «Chuyên viên» is Mẫu 01A here
        if form is not None:
            person.variant = form.id
        people.append(person)

    if monthly_only and not any(f.code == "not-quarterly" for f in run.findings):
        from danhgia.messages import Say

        for fw_id, count in sorted(monthly_only.items()):   # no roster: said from the sheets sent
            added.append(Finding("not-quarterly", value=count, expected=fw_id, params={
                "count": count, "framework": fw_id, "period": Say(label_vi, label_en)}))

    cfg = ctx.config
    config_unit = (cfg.unit if cfg is not None else None) or ""
    for p in people:
        p.unit = p.unit or config_unit
    q_fw = next((fw_for(p.variant, p.group) for p in people if fw_for(p.variant, p.group).by_quarter),
                ctx.framework_for())
    # Roll-up: sub-units' quarter workbooks of the same quarter join (a district's quarter)
    extra = list(extra_findings)
    people, rollup_list = join_rollups(
        people, rollups, lambda t: None if tuple(t.quarter or ()) == tuple(quarter) else _period_mismatch(t, quarter),
        q_fw, added, extra)
    units = _units(people, q_fw, cfg, rollup_list, apply_quota, added)
    order_u = {u.unit: i for i, u in enumerate(units)}
    people.sort(key=lambda p: order_u.get(p.unit, len(order_u)))

    seen: set[tuple] = set()
    findings: list[Finding] = []
    # the months' own quota lines are not the quarter's (its quota is counted once, above)
    months_said = [f for r in sub_results.values() for f in r.findings if not f.code.startswith("quota-")]
    for f in run.all_findings() + extra + months_said + added:
        k = (f.code, f.file, f.sheet, f.cell, f.person_id, f.value if isinstance(f.value, (str, int)) else None)
        if k in seen:
            continue
        seen.add(k)
        findings.append(f)
    findings.sort(key=Finding.sort_key)
    blocking = [f for fo in run.files for f in fo.findings if f.severity == "error"]
    blocking += [f for f in extra if f.severity == "error"]
    blocking += [f for f in added if f.code == "person-in-two-units"]
    sources = _sources(run) + [SourceFile(file=t.file, sha256=t.sha256, kind="tally", sheets=len(t.people),
                                          frameworks=[t.framework] if t.framework else [])
                               for t in sorted(rollup_list, key=lambda t: t.file)]
    unit_name = config_unit or (units[0].unit if len(units) == 1 else "")
    return MonthResult(month=last_month(quarter), quarter=quarter, people=people, units=units,
                       findings=findings, sources=sources, framework_id=q_fw.id,
                       framework_version=q_fw.version, unit_name=unit_name, apply_quota=apply_quota,
                       blocking=blocking, exceptional=bool(cfg.exceptional) if cfg is not None else False,
                       grade_labels={g.grade: (g.label, g.label_en or g.label) for g in q_fw.grades})


def _period_mismatch(t, quarter) -> Finding:
    """A sub-unit's workbook of another period (a month's, another quarter's) is not rolled up."""
    from danhgia import layout

    from danhgia.messages import Say

    if t.quarter:
        value, of = quarter_label(tuple(t.quarter)), Say(quarter_label(tuple(t.quarter)), quarter_label(tuple(t.quarter), "en"))
    else:
        value = f"{t.month[1]:02d}/{t.month[0]}" if t.month else "?"
        of = Say(f"tháng {value}", value)
    return Finding("month-mismatch", file=t.file, sheet=layout.SOURCES_SHEET, value=value,
                   expected=quarter_label(quarter),
                   params={"of": of, "asked": Say(quarter_label(quarter), quarter_label(quarter, "en"))})


def _key(p: PersonMonth) -> str:
    if p.id:
        return "id:" + p.id
    if fold(p.name):
        return "name:" + fold(p.name)
    return f"sheet:{p.file}\x00{p.sheet}"


def _buckets(run, quarter, months) -> dict[object, list]:
    """Files (copies holding only the sheets of one period) per period: "Q" for quarterly forms
    (and sheets of no or another period, whose findings make them invalid), each month for its
    monthly forms."""
    from danhgia.pipeline import FileOutcome

    out: dict[object, list] = {"Q": [], **{m: [] for m in months}}
    for fo in run.files:
        parts: dict[object, list] = {}
        for s in fo.sheets:
            period = tuple(s.period) if s.period is not None else None
            key = period if (s.quarter is None and period in months) else "Q"
            parts.setdefault(key, []).append(s)
        for key, sheets in parts.items():
            out[key].append(FileOutcome(file=fo.file, path=fo.path, sha256=fo.sha256, sheets=sheets,
                                        member=fo.member))
    return out


def _sub_run(run, files, month):
    from danhgia.pipeline import RunResult

    names = {(s.file, s.sheet) for fo in files for s in fo.sheets}
    sub = RunResult(files=files, month=month, covers=run.covers)
    sub.findings = [f for f in run.findings if f.sheet is not None and (f.file, f.sheet) in names]
    return sub


def _sources(run):
    from danhgia.monthly import SourceFile

    return [SourceFile(file=fo.file, sha256=fo.sha256, kind="scoresheet", sheets=len(fo.sheets),
                       frameworks=sorted({s.framework_id for s in fo.sheets if s.framework_id}))
            for fo in sorted(run.files, key=lambda fo: fo.file)]


def _month_words(ms: list[int], lang: str) -> str:
    return ", ".join(str(m[1]) for m in sorted(ms))


def _combine(got: dict[object, PersonMonth], months, fw: Framework, sums, label, added) -> PersonMonth:
    label_vi, label_en = label
    label_in = "q" + label_vi[1:]                 # «quý IV/2026» inside a sentence
    q = got.get("Q")
    monthly = {m: got[m] for m in months if m in got}
    with_forms = [m for m, p in monthly.items() if p.file]
    if q is not None and q.file:
        p = replace(q, notes=list(q.notes), codes=list(q.codes))
        p.months = [m[1] for m in months if m in monthly and monthly[m].status != "not_evaluated"] or \
            [m[1] for m in months]
        p.notes.insert(0, _note(f"Phiếu {label_in}", f"Quarterly form, {label_en}"))
        if with_forms:
            added.append(Finding("quarter-and-months", severity="warning", file=q.file, sheet=q.sheet,
                                 person=p.name or None, person_id=p.id or None,
                                 params={"months": _month_words(with_forms, "vi"), "quarter": label_vi}))
            p.notes.append(_note("Có cả phiếu tháng " + _month_words(with_forms, "vi") + ": dùng phiếu quý",
                                 "Monthly forms too (months " + _month_words(with_forms, "en") + "): the quarterly form is used"))
        return p

    base = next(iter(monthly.values())) if monthly else q
    p = PersonMonth(id=base.id, name=base.name, unit=base.unit, group=base.group, task_group=base.task_group,
                    position=base.position, variant=base.variant, origin=base.origin)
    first = next((monthly[m] for m in months if m in monthly and monthly[m].file), None)
    if first is not None:
        p.file, p.sheet = first.file, first.sheet
    if q is not None and q.status == "invalid":      # a sheet of another period, unreadable period …
        p.status, p.codes = "invalid", list(q.codes)
        p.file, p.sheet = q.file, q.sheet
        p.notes = list(q.notes)
        return p
    if not monthly:
        p.status = "missing"
        return p
    if not with_forms and all(x.status == "missing" for x in monthly.values()):
        p.status = "missing"
        p.notes.append(_note(f"Chưa nộp phiếu {label_in} (hoặc phiếu các tháng của quý)",
                             f"No form for {label_en} (nor for its months)"))
        return p
    worked = {m: x for m, x in monthly.items() if x.status != "not_evaluated"}
    for m, x in sorted(monthly.items()):
        if x.status == "not_evaluated":
            reason = x.reason.text("vi") if x.reason else ""
            reason_en = x.reason.text("en") if x.reason else ""
            p.notes.append(_note(f"Tháng {m[1]}: không đánh giá ({reason})", f"Month {m[1]}: not evaluated ({reason_en})"))
    if not worked:
        p.status = "not_evaluated"
        first_ne = next(iter(monthly.values()))
        p.reason = first_ne.reason
        return p
    p.months = [m[1] for m in sorted(worked)]
    absent = [m for m in months if m not in monthly]
    if absent:      # not employed then (roster), or nobody can tell (no roster): said
        p.notes.append(_note(f"Không có kết quả tháng {_month_words(absent, 'vi')} trong quý (chưa vào làm, "
                             f"hoặc không có danh sách nhân sự để biết)",
                             f"No result for month {_month_words(absent, 'en')} of the quarter (not employed "
                             f"yet, or no roster to tell)"))
    for status in ("invalid", "missing", "pending"):
        bad = [m for m, x in worked.items() if x.status == status]
        if not bad:
            continue
        p.status = status
        words = _month_words(bad, "vi")
        if status == "invalid":
            p.codes = sorted({c for m in bad for c in worked[m].codes})
            p.notes.append(_note(f"Tháng {words} không hợp lệ: chưa tính được điểm quý",
                                 f"Month {_month_words(bad, 'en')} invalid: the quarter cannot be scored"))
            x = worked[bad[0]]
            p.file, p.sheet = x.file, x.sheet
        elif status == "missing":
            p.notes.append(_note(f"Thiếu bảng điểm tháng {words}: chưa tính được điểm quý",
                                 f"No scoresheet for month {_month_words(bad, 'en')}: the quarter cannot be scored"))
        else:
            p.notes.append(_note(f"Tháng {words} chờ đánh giá: chưa tính được điểm quý",
                                 f"Month {_month_words(bad, 'en')} pending: the quarter cannot be scored"))
        return p
    _score(p, worked, fw, sums, label)
    return p


def _blocks_of(fw: Framework, variant_id: str | None):
    """(general block codes, the task criterion computed from the ratios) of the variant."""
    v = fw.variant_for(variant_id) if variant_id else None
    if v is None:
        v = next((x for x in fw.variants if any(c.computed_from for c in x.criteria)), None)
    if v is None:
        return [], None
    task = next((c for c in v.criteria if c.computed_from), None)
    return [c.code for c in v.criteria if c is not task], task


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / Decimal(len(values))).quantize(CENT, rounding=ROUND_HALF_UP)


def _score(p: PersonMonth, worked: dict, fw: Framework, sums, label) -> None:
    from danhgia.scoring import points_from_percentages, ratios_from_sums

    label_vi, label_en = label
    general_codes, task = _blocks_of(fw, p.variant)
    ms = sorted(worked)
    words_vi, words_en = _month_words(ms, "vi"), _month_words(ms, "en")
    generals = []
    for m in ms:
        x = worked[m]
        parts = [x.blocks.get(c) for c in general_codes]
        generals.append(None if not parts or any(v is None for v in parts) else sum(parts, Decimal(0)))
    if task is None or any(g is None for g in generals):
        p.status = "invalid"
        p.codes = ["not-quarterly"]
        p.notes.append(_note(f"Bảng điểm tháng {words_vi} không theo mẫu có tỷ lệ a, b, c: không tính được điểm quý",
                             f"The forms of months {words_en} have no a, b, c ratios: the quarter cannot be scored"))
        return
    general = _mean(generals)   # type: ignore[arg-type]
    letters = list(task.computed_from or [])
    ratio_of = {c.code: (c.letter or c.code) for c in task.children}
    tr = fw.task_ratios
    leader_rule = getattr(tr, "quarter_leader_ratios", "lowest") if tr is not None else "lowest"
    form_sums = [sums.get((worked[m].file, worked[m].sheet)) for m in ms]
    cumulated = all(s is not None for s in form_sums)
    ratios: dict[str, Decimal | None] = {}
    if cumulated:
        total = tuple(sum((s[i] for s in form_sums), Decimal(0)) for i in range(4))   # type: ignore[index]
        ratios.update(ratios_from_sums(total))   # type: ignore[arg-type]
    for code in letters:
        letter = ratio_of.get(code, code)
        if cumulated and letter in ("a", "b", "c"):
            continue
        vals = [worked[m].ratios.get(letter) for m in ms]
        if any(v is None for v in vals):
            ratios[letter] = None
        elif letter in LEADER_LETTERS and leader_rule == "lowest":
            ratios[letter] = min(vals)   # type: ignore[type-var]
        else:
            ratios[letter] = _mean(vals)   # type: ignore[arg-type]
    points = points_from_percentages(task, {code: ratios.get(ratio_of.get(code, code)) for code in letters},
                                     fw.ratios_capped)
    p.ratios = {ratio_of.get(code, code): ratios.get(ratio_of.get(code, code)) for code in letters}
    if points is None:
        p.status = "invalid"
        p.codes = ["ratio-missing"]
        p.notes.append(_note("Thiếu tỷ lệ a, b, c của một tháng: không tính được điểm quý",
                             "A month lacks an a, b, c ratio: the quarter cannot be scored"))
        return
    total_score = general + points
    p.blocks = {**{c: None for c in general_codes}, task.code: points}
    if len(general_codes) == 1:
        p.blocks[general_codes[0]] = general
    p.leader_total = total_score
    selfs = [worked[m].self_total for m in ms]
    p.self_total = _mean(selfs) if all(s is not None for s in selfs) else None   # type: ignore[arg-type]
    p.band = fw.grade_for(total_score)
    if p.band is None:
        p.status = "pending"
        p.notes.append(_note("Tổng điểm quý không thuộc mức xếp loại nào", "The quarter total falls in no band"))
        return
    p.status, p.final_grade = "classified", p.band
    n_vi = lambda x: number_text(x, "vi")   # noqa: E731
    n_en = lambda x: number_text(x, "en")   # noqa: E731
    how_vi = "a, b, c cộng dồn từ bảng kê các tháng" if cumulated else "a, b, c là trung bình tỷ lệ các tháng"
    how_en = "a, b, c cumulated from the months' product lists" if cumulated else "a, b, c the mean of the monthly ratios"
    if any(ratio_of.get(c, c) in LEADER_LETTERS for c in letters):
        how_vi += "; d, đ, e lấy tháng thấp nhất" if leader_rule == "lowest" else "; d, đ, e trung bình các tháng"
        how_en += "; d, đ, e the lowest month" if leader_rule == "lowest" else "; d, đ, e the mean of the months"
    p.notes.insert(0, _note(
        f"{label_vi} từ phiếu tháng {words_vi}: điểm chung = trung bình {n_vi(general)}; {how_vi}; "
        f"điểm nhiệm vụ {n_vi(points)}; tổng {n_vi(total_score)} → {p.band}",
        f"{label_en} from the monthly forms of months {words_en}: general = mean {n_en(general)}; {how_en}; "
        f"task points {n_en(points)}; total {n_en(total_score)} → {p.band}"))
    lowered = [m for m in ms if worked[m].final_grade and worked[m].band and worked[m].final_grade != worked[m].band]
    if lowered:
        p.notes.append(_note(f"Tháng {_month_words(lowered, 'vi')}: thủ trưởng đã xếp loại khác mức điểm",
                             f"Month {_month_words(lowered, 'en')}: the head decided a grade other than the score's"))


def quarter_not_served(sheets, quarter: tuple[int, int]) -> tuple[str, str] | None:
    """(vi, en) when no scoresheet is of the quarter (a quarterly form of it or a monthly form of
    one of its months) but the sheets are dated another period: exit 2 (design.md §2)."""
    if not sheets:
        return None
    months = quarter_months(quarter)
    dated = [s for s in sheets if s.period or s.quarter]
    if not dated or any(tuple(s.quarter or ()) == tuple(quarter) or
                        (s.quarter is None and s.period and tuple(s.period) in months) for s in dated):
        return None
    counts: dict[str, int] = {}
    for s in dated:
        key = quarter_label(tuple(s.quarter)) if s.quarter else f"{s.period[1]:02d}/{s.period[0]}"
        counts[key] = counts.get(key, 0) + 1
    found = ", ".join(f"{n} bảng ghi {k}" for k, n in sorted(counts.items()))
    found_en = ", ".join(f"{n} dated {k}" for k, n in sorted(counts.items()))
    asked, asked_en = quarter_label(quarter, in_sentence=True), quarter_label(quarter, "en")
    return (f"Không có bảng điểm nào của {asked} (phiếu quý hoặc phiếu các tháng trong quý): {found}. "
            f"Kiểm tra --quarter hoặc thư mục đầu vào.",
            f"No scoresheet is for {asked_en} (a quarterly form or the forms of its months): {found_en}. "
            f"Check --quarter or the input folder.")


def expand_quarters(books: list) -> list:
    """Each quarter's workbook as one workbook per month of the quarter (what the annual reads):
    a person's quarter score stands for each month it covers (so the year's mean of months is the
    mean of the period scores, NĐ 335 Art. 21, a quarter counting for its three months); a month
    of the quarter the score does not cover (leave, not yet employed) is a month not evaluated."""
    from dataclasses import replace

    from danhgia.period import quarter_label, quarter_months

    out: list = []
    for wb in books:
        if wb.quarter is None or wb.month is not None or not wb.usable:
            out.append(wb)
            continue
        label = quarter_label(wb.quarter)
        for ym in quarter_months(wb.quarter):
            rows = []
            for row in wb.rows:
                r = replace(row, quarter=wb.quarter, cells=dict(row.cells))
                if row.months and ym[1] not in row.months:
                    r = replace(r, status="not_evaluated", final_grade=None, decided_grade=None,
                                leader_total=None, notes=f"Không thuộc các tháng tính điểm {label}")
                rows.append(r)
            out.append(replace(wb, month=ym, rows=rows, findings=[]))
    return out
