"""The annual workbook (XlsxWriter, so that formulas carry cached values openpyxl cannot write).

Sheets (names are fixed in Vietnamese; headers follow ``lang``):

- "Cả năm": one row per person — the grade of each month (T1…T12: A/B/C/D, "KĐG" not evaluated,
  "Thiếu" missing, "—" not employed), months of each grade (COUNTIF formulas with cached values),
  months not evaluated with reasons, months missing, months worked, mean score, proposed level,
  overrides (rule: effect — source), final level or "Không xếp loại", provisional flag, notes;
- "Tổng hợp": per unit (and all units) × staff group (Cán bộ | Công chức | Viên chức | LĐHĐ | Tổng):
  staff, classified, not classified, not rated yet, count and % of each level (formulas), HTXS/HTT
  against the cap, notes (domain.md §4);
- "Tỷ lệ": the quota per unit and task group (count, base, cap exact and rounded, status, the
  ranked list when exceeded, ties at the cut);
- "Thông báo": a printable A4 notice of results per unit (national heading, list by level, blanks
  for number, date and signature);
- "Lỗi": the findings; "Nguồn": inputs with SHA-256, rule sets and versions, tool version, time.

Every table has a frozen header row, an autofilter, set widths and prints on A4 landscape with the
header row repeated ("Thông báo" prints portrait, as notices are). Text is always written with
``write_string`` so a name or note starting with = + - @ never becomes a formula. Written through
:func:`danhgia.write.safe.atomic_path`: nothing is overwritten without ``force``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from danhgia import __version__
from danhgia.annual import AnnualResult, GroupRow, PersonResult, rules_text, strategy_label
from danhgia.framework import GRADES
from danhgia.write import paper
from danhgia.mark import Mark
from danhgia.write import stamp
from danhgia.write.safe import atomic_path
from danhgia.messages import code_name
from danhgia.text import nfc
from danhgia.roster import GROUP_LABELS

SHEET_PEOPLE = "Cả năm"
SHEET_SUMMARY = "Tổng hợp"
SHEET_QUOTA = "Tỷ lệ"
SHEET_NOTICE = "Thông báo"
SHEET_LIST = "Bảng xếp loại"      # the printable year list
SHEET_FINDINGS = "Lỗi"
SHEET_SOURCES = "Nguồn"

MONTH_CODES = {"not_evaluated": ("KĐG", "NE"), "missing": ("Thiếu", "Missing"), "not_employed": ("—", "—")}
LEVEL_SHORT = {"A": "HTXSNV", "B": "HTTNV", "C": "HTNV", "D": "KHTNV"}
BASE_LABELS = {
    "b_or_better": ("Số HTT trở lên (gồm HTXS)", "Rated B or better (A included)"),
    "exactly_b": ("Số HTT", "Rated exactly B"),
    "classified": ("Số được xếp loại", "All classified"),
    "all_staff": ("Tổng số người", "All staff"),
}
STATUS_WORDS = {"ok": ("Đạt", "Within cap"), "exceeded": ("Vượt", "Exceeded")}
PERSON_STATUS = {"classified": ("Đã xếp loại", "Classified"), "not_classified": ("Không xếp loại", "Not classified"),
                 "pending": ("Chưa xếp loại", "Not rated yet")}


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook, lang: str = "vi"):
        self.wb = wb
        self.lang = lang
        self.forms = paper.Forms(wb)
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top"}
        self.f = {
            "title": wb.add_format({**base, "bold": True, "font_size": 14}),
            "subtitle": wb.add_format({**base, "italic": True}),
            "section": wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#F2F2F2"}),
            "division": wb.add_format({**base, "bold": True, "italic": True, "border": 1}),
            "header": wb.add_format({**base, "bold": True, "text_wrap": True, "border": 1, "align": "center",
                                     "valign": "vcenter", "bg_color": "#DDEBF7"}),
            "cell": wb.add_format({**base, "border": 1}),
            "wrap": wb.add_format({**base, "border": 1, "text_wrap": True}),
            "center": wb.add_format({**base, "border": 1, "align": "center"}),
            "int": wb.add_format({**base, "border": 1, "num_format": "0"}),
            "dec": wb.add_format({**base, "border": 1, "num_format": "0.00"}),
            "pct": wb.add_format({**base, "border": 1, "num_format": "0.00%"}),
            "bold": wb.add_format({**base, "bold": True}),
            "plain": wb.add_format(base),
            "plain_wrap": wb.add_format({**base, "text_wrap": True, "valign": "top"}),
            "key": wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True}),
            "bad": wb.add_format({**base, "border": 1, "font_color": "#C00000", "bold": True, "text_wrap": True}),
            "n_center_bold": wb.add_format({**base, "bold": True, "align": "center"}),
            "n_center": wb.add_format({**base, "align": "center"}),
            "n_center_italic": wb.add_format({**base, "italic": True, "align": "center"}),
            "n_center_ul": wb.add_format({**base, "bold": True, "underline": True, "align": "center"}),
            "n_title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
            "n_head": wb.add_format({**base, "bold": True, "border": 1, "align": "center"}),
        }

    def put(self, ws, r: int, c: int, value: Any, fmt: str = "cell") -> None:
        f = self.f[fmt]
        if value is None or value == "":
            ws.write_blank(r, c, None, f)
        elif isinstance(value, bool):
            ws.write_string(r, c, "x" if value else "", f)
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(r, c, float(value), f)
        else:
            ws.write_string(r, c, nfc(str(value)), f)

    def table_header(self, ws, r: int, headers: list[tuple[str, float]]) -> None:
        for c, (label, width) in enumerate(headers):
            ws.write_string(r, c, label, self.f["header"])
            ws.set_column(c, c, width)
        ws.set_row(r, paper.row_height(headers))

    def finish_table(self, ws, header_row: int, last_row: int, widths: list[float], landscape: bool = True,
                     printable: bool = True, repeat_columns: tuple[int, int] | None = None,
                     repeat: bool = True) -> paper.Fit:
        """Frozen header, autofilter and the shared print setup (``danhgia.write.paper``)."""
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, max(header_row, last_row), len(widths) - 1)
        return paper.setup(ws, widths, lang=self.lang, repeat_rows=header_row if repeat else None,
                           landscape=landscape, printable=printable, repeat_columns=repeat_columns)

    def row(self, ws, r: int, cells) -> None:
        """The height of a row of wrapped cells ``(text, width)``."""
        ws.set_row(r, paper.row_height(cells))


def write(result: AnnualResult, target: str | Path, force: bool = False, lang: str = "vi",
          generated: datetime | None = None, letterhead: paper.Letterhead | None = None) -> Path:
    """Write the annual workbook to ``target`` (atomic; raises ``OutputExists`` without ``force``).

    ``letterhead`` names the governing body, unit and place on the sheets a head signs."""
    generated = generated or datetime.now().replace(microsecond=0)
    units = _units(result)
    head = letterhead or paper.Letterhead()
    if not head.unit:
        head = paper.Letterhead(unit=units[0] if len(units) == 1 else "", governing_body=head.governing_body,
                                place=head.place)
    with atomic_path(target, force) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        w = _Writer(wb, lang)
        _people_sheet(w, result, lang)
        _summary_sheet(w, result, lang, head)
        _quota_sheet(w, result, lang)
        _notice_sheet(w, result, lang, head)
        _list_sheet(w, result, lang, head)
        _findings_sheet(w, result, lang)
        _sources_sheet(w, result, lang, generated)
        wb.set_properties({"title": f"Xếp loại năm {result.year}", "creator": f"danhgia {__version__}"})
        units = sorted({p.unit for p in result.people if p.unit})
        stamp.on_xlsxwriter(wb, Mark("annual", unit=", ".join(units), period=str(result.year)))
        wb.close()
    return Path(target)


def _overrides_text(p: PersonResult, lang: str) -> str:
    lines = []
    for o in p.overrides:
        src = _t(lang, "nguồn", "source")
        lines.append(f"{o.rule(lang)}: {o.effect_en if lang == 'en' else o.effect} ({src}: {o.source})")
    return "\n".join(lines)


def _months_by_reason(months: list[tuple[int, str]]) -> str:
    """"T6, T7, T8: <reason>; T11: <other>": months sharing a reason named once (a teacher's
    summer is one line, not three)."""
    by_reason: dict[str, list[int]] = {}
    for month, reason in months:
        by_reason.setdefault(reason, []).append(month)
    return "; ".join(", ".join(f"T{m}" for m in ms) + f": {reason}" for reason, ms in by_reason.items())


def _people_sheet(w: _Writer, res: AnnualResult, lang: str) -> None:
    ws = w.wb.add_worksheet(SHEET_PEOPLE)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    ws.write_string(0, 0, t(f"KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG NĂM {res.year}",
                            f"ANNUAL RATING {res.year}"), w.f["title"])
    rules = "; ".join(f"{rs.id} ({rs.version})" for rs in res.rule_sets)
    strategy = strategy_label(res.strategy, lang)
    ws.write_string(1, 0, t(f"Quy định: {rules} · Cách tính: {strategy}",
                            f"Rules: {rules} · Strategy: {strategy}"), w.f["subtitle"])
    hr = 3
    headers = [(t("STT", "No."), 5), (t("Mã", "Id"), 10), (t("Họ và tên", "Name"), 24),
               (t("Đơn vị", "Unit"), 18), (t("Nhóm", "Staff group"), 11), (t("Nhóm nhiệm vụ", "Task group"), 14),
               (t("Chức vụ", "Position"), 14), (t("Quy định", "Rules"), 11), (t("Cách tính", "Strategy"), 14)]
    month_col0 = len(headers)
    headers += [(f"T{m}", 6) for m in range(1, 13)]
    count_col0 = len(headers)
    headers += [(t(f"Số tháng {g}", f"Months {g}"), 8) for g in GRADES]
    headers += [(t("Số tháng được đánh giá", "Months evaluated"), 10),
                (t("Không đánh giá (lý do)", "Not evaluated (reason)"), 24),
                (t("Tháng thiếu", "Months missing"), 16),
                (t("Số tháng công tác", "Months worked"), 9),
                (t("Điểm trung bình", "Mean score"), 9),
                (t("Mức đề xuất", "Proposed level"), 9),
                (t("Điều chỉnh (quy định: tác động — nguồn)", "Overrides (rule: effect — source)"), 48),
                (t("Mức", "Level"), 7),
                (t("Xếp loại năm", "Annual rating"), 26),
                (t("Tạm tính", "Provisional"), 8),
                (t("Ghi chú", "Notes"), 30)]
    w.table_header(ws, hr, headers)
    r = hr
    for i, p in enumerate(res.people, 1):
        r = hr + i
        put = lambda c, v, f="cell": w.put(ws, r, c, v, f)  # noqa: E731
        group = GROUP_LABELS[p.group][1 if lang == "en" else 0] if p.group else ""
        ident = [i, p.id, p.name, p.unit, group, p.task_group or "", p.position,
                 rules_text(p, lang), strategy_label(p.strategy, lang)]
        for c, v in enumerate(ident):
            put(c, v, "int" if c == 0 else "wrap")     # text wraps in its column, never cut
        for m in range(1, 13):
            mr = p.months.get(m)
            if mr is None:
                code = ""
            elif mr.status == "classified":
                code = mr.grade or ""
            else:
                code = MONTH_CODES[mr.status][1 if lang == "en" else 0]
            put(month_col0 + m - 1, code, "center")
        first = xl_rowcol_to_cell(r, month_col0)
        last = xl_rowcol_to_cell(r, month_col0 + 11)
        counts = p.grade_counts()
        for k, g in enumerate(GRADES):
            ws.write_formula(r, count_col0 + k, f'=COUNTIF({first}:{last},"{g}")', w.f["int"], counts[g])
        c = count_col0 + len(GRADES)
        a = xl_rowcol_to_cell(r, count_col0)
        d = xl_rowcol_to_cell(r, count_col0 + len(GRADES) - 1)
        ws.write_formula(r, c, f"=SUM({a}:{d})", w.f["int"], sum(counts.values()))
        ne = _months_by_reason([(m.month, m.reason_en if lang == "en" and m.reason_en else m.reason)
                                for m in p.not_evaluated()])
        miss = "; ".join(f"T{m.month} ({m.reason_en if lang == 'en' else m.reason})" for m in p.missing())
        put(c + 1, ne, "wrap")
        put(c + 2, miss, "wrap")
        put(c + 3, p.months_worked, "dec")
        put(c + 4, p.mean_score, "dec")
        put(c + 5, p.proposed or "", "center")
        put(c + 6, _overrides_text(p, lang), "wrap")
        put(c + 7, p.final or "", "center")
        put(c + 8, p.level_label(lang), "bad" if p.final == "D" or p.status == "not_classified" else "cell")
        put(c + 9, "x" if p.provisional else "", "center")
        put(c + 10, "\n".join(n[1] if lang == "en" else n[0] for n in p.notes), "wrap")
        w.row(ws, r, [(_overrides_text(p, lang), 48), (ne, 24), (miss, 16), (p.level_label(lang), 26),
                      ("\n".join(n[1] if lang == "en" else n[0] for n in p.notes), 30),
                      *((v, headers[c][1]) for c, v in enumerate(ident) if c > 0)])
    fit = w.finish_table(ws, hr, r, [width for _h, width in headers], printable=False, repeat_columns=(0, 2))
    if not fit.fits:
        note = paper.too_wide_note(lang, SHEET_LIST)
        ws.write_string(2, 0, note, w.f["subtitle"])
        # on paper the title on every page (a title in a cell is cut on the pages after the first)
        paper.running_title(ws, t(f"KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG NĂM {res.year}", f"ANNUAL RATING {res.year}"),
                            t(f"Quy định: {rules} · Cách tính: {strategy}", f"Rules: {rules} · Strategy: {strategy}")
                            + " · " + note, hr, r, len(headers) - 1)


def _units(res: AnnualResult) -> list[str]:
    return list(dict.fromkeys(p.unit for p in res.people if p.unit))


def _units_text(res: AnnualResult, lang: str) -> str:
    names = _units(res)
    if not names:
        return ""
    return _t(lang, "Đơn vị: ", "Units: " if len(names) > 1 else "Unit: ") + "; ".join(names)


def _summary_sheet(w: _Writer, res: AnnualResult, lang: str, head: paper.Letterhead) -> None:
    ws = w.wb.add_worksheet(SHEET_SUMMARY)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    if all(g.base == "b_or_better" for g in res.groups):
        base_vi, base_en = "số HTT trở lên", "those rated B or better"
    elif all(g.base == "exactly_b" for g in res.groups):
        base_vi, base_en = "số xếp loại HTT", "those rated exactly B"
    else:
        base_vi, base_en = "cơ sở tính của quy định áp dụng", "the base of the rule that applies"
    headers = [(t("Đơn vị", "Unit"), 16), (t("Nhóm", "Staff group"), 9), (t("Tổng số", "Staff"), 5),
               (t("Được xếp loại", "Classified"), 6), (t("Không xếp loại", "Not classified"), 6),
               (t("Chưa xếp loại", "Not rated yet"), 6)]
    for g in GRADES:
        headers += [(t(f"{LEVEL_SHORT[g]} (SL)", f"{LEVEL_SHORT[g]} (n)"), 5), (t(f"{LEVEL_SHORT[g]} (%)", f"{LEVEL_SHORT[g]} (%)"), 7)]
    headers += [(t("HTXS/HTT (%)", "HTXS/HTT (%)"), 7), (t("Mức trần (%)", "Cap (%)"), 6),
                (t("Đánh giá tỷ lệ", "Quota"), 7), (t("Ghi chú", "Notes"), 14)]
    widths = [width for _h, width in headers]
    last_col = len(headers) - 1
    r = paper.letterhead(ws, w.forms, head, last_col, widths, lang)
    r = paper.title(ws, w.forms, r + 1, last_col,
                    t(f"TỔNG HỢP KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG NĂM {res.year}", f"SUMMARY OF THE ANNUAL RATING {res.year}"),
                    " · ".join(x for x in (_units_text(res, lang),
                                           t(f"Tỷ lệ % tính trên số được xếp loại; HTXS/HTT = số HTXS trên {base_vi}",
                                             f"Percentages of those classified; HTXS/HTT = A over {base_en}")) if x),
                    widths)
    hr = r + 1
    w.table_header(ws, hr, headers)
    r = hr
    for i, g in enumerate(res.groups, 1):
        r = hr + i
        w.row(ws, r, [(g.unit or "", widths[0]), (g.group_label(lang), widths[1]), (g.notes(lang), widths[-1])])
        _summary_row(w, ws, r, g, lang)
    if not res.groups:
        r = paper.none_line(ws, w.forms, hr + 1, last_col, lang)
    w.finish_table(ws, hr, r, widths, repeat=r - hr > 18)
    end = paper.signatures(ws, w.forms, r + 2, last_col, widths, head, lang)
    ws.print_area(0, 0, end - 1, last_col)


def _summary_row(w: _Writer, ws, r: int, g: GroupRow, lang: str) -> None:
    put = lambda c, v, f="cell": w.put(ws, r, c, v, f)  # noqa: E731
    put(0, g.unit or _t(lang, "Tất cả đơn vị", "All units"), "key" if g.group == "total" else "wrap")
    put(1, g.group_label(lang), "key" if g.group == "total" else "wrap")
    for c, v in ((2, g.staff), (3, g.classified), (4, g.not_classified), (5, g.pending)):
        put(c, v, "int")
    classified = xl_rowcol_to_cell(r, 3)
    for k, grade in enumerate(GRADES):
        c = 6 + 2 * k
        put(c, g.grades[grade], "int")
        cnt = xl_rowcol_to_cell(r, c)
        # the cached value is what Excel will compute (exact ratio); the cell shows 2 decimals
        ws.write_formula(r, c + 1, f'=IF({classified}=0,"",{cnt}/{classified})', w.f["pct"],
                         _ratio(g.grades[grade], g.classified))
    a, b = xl_rowcol_to_cell(r, 6), xl_rowcol_to_cell(r, 8)
    c = 6 + 2 * len(GRADES)
    n_a, n_b = g.grades["A"], g.grades["B"]
    if g.base == "exactly_b":     # HTXS with nobody rated HTT counts as 100% (a breach)
        ws.write_formula(r, c, f'=IF({b}=0,IF({a}=0,"",1),{a}/{b})', w.f["pct"],
                         _ratio(n_a, n_b) if n_b else (1.0 if n_a else ""))
    else:
        ws.write_formula(r, c, f'=IF({a}+{b}=0,"",{a}/({a}+{b}))', w.f["pct"], _ratio(n_a, n_a + n_b))
    put(c + 1, float(g.cap / 100) if g.cap is not None else None, "pct")
    status = g.ab_status
    put(c + 2, STATUS_WORDS[status][1 if lang == "en" else 0] if status else "",
        "bad" if status == "exceeded" else "center")
    put(c + 3, g.notes(lang), "wrap")


def _ratio(part: int, whole: int) -> float | str:
    return float(Decimal(part) / Decimal(whole)) if whole else ""


def _quota_sheet(w: _Writer, res: AnnualResult, lang: str) -> None:
    ws = w.wb.add_worksheet(SHEET_QUOTA)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    ws.write_string(0, 0, t(f"KIỂM TRA TỶ LỆ HTXS NĂM {res.year} (THEO ĐƠN VỊ VÀ NHÓM NHIỆM VỤ)",
                            f"HTXS QUOTA {res.year} (PER UNIT AND TASK GROUP)"), w.f["title"])
    ws.write_string(1, 0, t("Công cụ chỉ báo cáo, không tự hạ mức; người bằng điểm tại ngưỡng do thủ trưởng quyết định",
                            "The tool reports only and never lowers a level; ties at the cut are for the head"),
                    w.f["subtitle"])
    hr = 3
    # one A4 landscape page wide at about 8.5 pt: narrow columns, wrapped headers
    headers = [(t("Đơn vị", "Unit"), 13), (t("Nhóm nhiệm vụ", "Task group"), 11), (t("Quy định", "Rules"), 12),
               (t("Mức", "Level"), 5), (t("Số người", "Count"), 5), (t("Cơ sở tính", "Base"), 5),
               (t("Loại cơ sở", "Base kind"), 11), (t("Tỷ lệ tối đa (%)", "Cap (%)"), 6),
               (t("Trần chưa làm tròn", "Cap before rounding"), 7), (t("Trần", "Cap"), 5),
               (t("Làm tròn", "Rounding"), 7), (t("Trạng thái", "Status"), 7),
               (t("Danh sách xếp theo điểm (khi vượt)", "Ranked list (when exceeded)"), 24),
               (t("Bằng điểm tại ngưỡng", "Tied at the cut"), 12)]
    w.table_header(ws, hr, headers)
    r = hr
    for u in res.units:
        for q in u.quota:
            r += 1
            qr = q.result
            put = lambda c, v, f="cell": w.put(ws, r, c, v, f)  # noqa: E731
            put(0, u.unit, "wrap")
            put(1, qr.scope or t("(chung)", "(all)"), "wrap")
            rules = q.rules_id.replace("+", " + ")     # several rule sets wrap between their ids
            put(2, rules, "wrap")
            put(3, qr.grade, "center")
            put(4, qr.count, "int")
            put(5, qr.base, "int")
            put(6, BASE_LABELS.get(qr.base_kind, (qr.base_kind, qr.base_kind))[1 if lang == "en" else 0], "wrap")
            put(7, qr.percent, "dec")
            put(8, qr.cap_exact, "dec")
            put(9, qr.cap, "int")
            put(10, qr.rounding, "center")
            put(11, STATUS_WORDS[qr.status][1 if lang == "en" else 0], "bad" if qr.status == "exceeded" else "center")
            ranked = ""
            if qr.status == "exceeded":
                ranked = "\n".join(f"{k}. {c.name} ({c.id})" + (f" — {_dec(c.score)}" if c.score is not None else "")
                                   for k, c in enumerate(qr.ranked, 1))
            put(12, ranked, "wrap")
            put(13, ", ".join(c.name or c.id for c in qr.tied), "wrap")
            w.row(ws, r, [(u.unit, 13), (qr.scope or "", 11), (rules, 12), (ranked, 24), (", ".join(c.name or c.id for c in qr.tied), 12),
                          (BASE_LABELS.get(qr.base_kind, (qr.base_kind, qr.base_kind))[1 if lang == "en" else 0], 11)])
    if r == hr:
        r = paper.none_line(ws, w.forms, hr + 1, len(headers) - 1, lang)
    w.finish_table(ws, hr, r, [width for _h, width in headers])


def _dec(x: Decimal | None) -> str:
    if x is None:
        return ""
    s = format(x.normalize(), "f") if x == x.to_integral_value() else str(x)
    return s.replace(".", ",")


def _notice_sheet(w: _Writer, res: AnnualResult, lang: str, head: paper.Letterhead) -> None:
    ws = w.wb.add_worksheet(SHEET_NOTICE)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    f = w.f
    widths = [5, 26, 22, 22]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    paper.setup(ws, widths, lang=lang, landscape=False)
    r = 0
    breaks = []
    units = sorted({p.unit for p in res.people})
    for n, unit in enumerate(units):
        if n:
            breaks.append(r)
        members = [p for p in res.people if p.unit == unit]
        # a sub-unit's notice names the issuing unit above it as its governing body
        own = paper.Letterhead(unit=unit, place=head.place,
                               governing_body=head.governing_body if unit == head.unit or not head.unit else head.unit)
        top = paper.letterhead(ws, w.forms, own, 3, widths, lang, row=r, doc_number=t("Số: ……/TB-……", "No.: ……/TB-……"))
        split = paper.split_columns(3, widths)
        paper.merge(ws, top, split, 3, paper.date_line(own, lang), f["n_center_italic"])
        r = top
        ws.merge_range(r + 2, 0, r + 2, 3, t("THÔNG BÁO", "NOTICE"), f["n_title"])
        ws.merge_range(r + 3, 0, r + 3, 3, t(f"Kết quả đánh giá, xếp loại chất lượng năm {res.year}",
                                             f"Results of the annual rating {res.year}"), f["n_center_bold"])
        r += 5
        rules = members[0].rules.rules if members and members[0].rules else None
        sections: list[tuple[str, list[PersonResult]]] = []
        for g in GRADES:
            band = rules.level(g) if rules else None
            label = (band.label_en if lang == "en" and band and band.label_en else band.label) if band else g
            sections.append((f"{label} ({LEVEL_SHORT[g]})", [p for p in members if p.status == "classified" and p.final == g]))
        sections.append((t("Không xếp loại", "Not classified"), [p for p in members if p.status == "not_classified"]))
        pending = [p for p in members if p.status == "pending"]
        if pending:
            sections.append((t("Chưa xếp loại", "Not rated yet"), pending))
        for k, (label, who) in enumerate(sections, 1):
            ws.write_string(r, 0, f"{k}. {label}: {len(who)} " + t("người", "people"), f["bold"])
            r += 1
            if not who:
                continue
            for c, h in enumerate((t("STT", "No."), t("Họ và tên", "Name"), t("Chức vụ", "Position"),
                                   t("Ghi chú", "Notes"))):
                ws.write_string(r, c, h, f["n_head"])
            r += 1
            for i, p in enumerate(who, 1):
                note = t("Tạm tính", "Provisional") if p.provisional else ""
                w.row(ws, r, [(p.name, widths[1]), (p.position, widths[2]), (note, widths[3])])
                w.put(ws, r, 0, i, "int")
                w.put(ws, r, 1, p.name, "wrap")
                w.put(ws, r, 2, p.position, "wrap")
                w.put(ws, r, 3, note, "wrap")
                r += 1
        r += 1
        window = next((p.rules.rules.objection for p in members
                       if p.rules and p.rules.rules.objection is not None), None)
        if window is not None:     # Luật Viên chức 2025 Art. 27: the objection window
            text = t(f"Viên chức không đồng ý với kết quả xếp loại được kiến nghị bằng văn bản trong thời hạn "
                     f"{window.days} ngày kể từ ngày công khai; đơn vị xem xét, giải quyết trong thời hạn "
                     f"{window.resolve_working_days} ngày làm việc kể từ ngày nhận kiến nghị.",
                     f"Staff who disagree with their level may object in writing within {window.days} days of "
                     f"publication; the unit resolves the objection within {window.resolve_working_days} "
                     f"working days of receiving it.")
            paper.merge(ws, r, 0, 3, text, f["plain_wrap"])
            ws.set_row(r, paper.row_height([(text, sum(widths[:4]))]))
            r += 2
        split = paper.split_columns(3, widths)
        paper.merge(ws, r, 0, split - 1, t("Nơi nhận:", "To:"), f["bold"])
        paper.merge(ws, r, split, 3, t("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF THE UNIT"), f["n_center_bold"])
        paper.merge(ws, r + 1, 0, split - 1, t("- Như trên;", "- As above;"), f["plain"])
        paper.merge(ws, r + 1, split, 3, t("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)"),
                    f["n_center_italic"])
        paper.merge(ws, r + 2, 0, split - 1, t("- Lưu: VT.", "- Archive."), f["plain"])
        r += 8
    if breaks:
        ws.set_h_pagebreaks(breaks)


def _list_order(people: list[PersonResult]) -> list[tuple[str, list[tuple[str | None, list[PersonResult]]]]]:
    """Units in order of appearance; inside a unit, divisions (task groups) with leaders first."""
    units: dict[str, list[PersonResult]] = {}
    for p in people:
        units.setdefault(p.unit, []).append(p)
    out = []
    for unit, members in units.items():
        lead = lambda p: 0 if p.leader else 1  # noqa: E731
        divisions: dict[str | None, list[PersonResult]] = {}
        for p in members:
            divisions.setdefault(p.task_group or None, []).append(p)
        if len(divisions) > 1:
            order = sorted(divisions, key=lambda d: (min(lead(p) for p in divisions[d]), list(divisions).index(d)))
            out.append((unit, [(d, sorted(divisions[d], key=lead)) for d in order]))
        else:
            out.append((unit, [(None, sorted(members, key=lead))]))
    return out


def _month_code(p: PersonResult, m: int, lang: str) -> str:
    mr = p.months.get(m)
    if mr is None:
        return ""
    if mr.status == "classified":
        return mr.grade or ""
    return MONTH_CODES[mr.status][1 if lang == "en" else 0]


def _list_sheet(w: _Writer, res: AnnualResult, lang: str, head: paper.Letterhead) -> None:
    """The printable year list: everyone with the grade of each month, the mean score and the
    annual rating, grouped by unit (Roman numerals) and division, leaders first."""
    ws = w.wb.add_worksheet(SHEET_LIST)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    headers = ([(t("TT", "No."), 4), (t("Họ và tên", "Name"), 19), (t("Chức vụ", "Position"), 16)]
               + [(f"T{m}", 3.7) for m in range(1, 13)]
               + [(t("Điểm TB", "Mean"), 6), (t("Kết quả xếp loại năm", "Annual rating"), 21), (t("Ghi chú", "Notes"), 15)])
    widths = [width for _h, width in headers]
    last_col = len(headers) - 1
    r = paper.letterhead(ws, w.forms, head, last_col, widths, lang)
    r = paper.title(ws, w.forms, r + 1, last_col,
                    t(f"BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG NĂM {res.year}", f"ANNUAL RATING LIST {res.year}"),
                    " · ".join(x for x in (_units_text(res, lang), t(
                        "T1…T12: loại của từng tháng; KĐG: không đánh giá; —: chưa công tác",
                        "T1…T12: each month's grade; NE: not evaluated; —: not employed")) if x), widths)
    hr = r + 1
    w.table_header(ws, hr, headers)
    for c in range(len(headers)):
        ws.write_string(hr + 1, c, f"({c + 1})", w.f["center"])
    r = hr + 2
    groups = _list_order(res.people)
    if not groups:
        r = paper.none_line(ws, w.forms, r, last_col, lang)
    for ui, (unit, parts) in enumerate(groups, 1):
        ws.merge_range(r, 1, r, last_col, unit or "", w.f["section"])
        ws.write_string(r, 0, paper.roman(ui), w.f["section"])
        r += 1
        n = 0
        for di, (div, members) in enumerate(parts, 1):
            if div is not None:
                ws.merge_range(r, 1, r, last_col, div, w.f["division"])
                ws.write_string(r, 0, str(di), w.f["division"])
                r += 1
            for p in members:
                n += 1
                note = t("Tạm tính", "Provisional") if p.provisional else ""
                w.row(ws, r, [(p.name, widths[1]), (p.position, widths[2]), (p.level_label(lang), widths[16]),
                              (note, widths[17])])
                w.put(ws, r, 0, n, "int")
                w.put(ws, r, 1, p.name, "wrap")
                w.put(ws, r, 2, p.position, "wrap")
                for m in range(1, 13):
                    w.put(ws, r, 2 + m, _month_code(p, m, lang), "center")
                w.put(ws, r, 15, p.mean_score, "dec")
                w.put(ws, r, 16, p.level_label(lang), "bad" if p.final == "D" or p.status == "not_classified" else "wrap")
                w.put(ws, r, 17, note, "wrap")
                r += 1
    counts = {g: sum(1 for p in res.people if p.status == "classified" and p.final == g) for g in GRADES}
    r += 1
    ws.merge_range(r, 0, r, last_col, t(f"Tổng số: {len(res.people)} người; ", f"In all: {len(res.people)} people; ")
                   + "; ".join(f"{LEVEL_SHORT[g]}: {counts[g]}" for g in GRADES), w.f["plain"])
    end = paper.signatures(ws, w.forms, r + 2, last_col, widths, head, lang)
    ws.freeze_panes(hr + 2, 0)
    paper.setup(ws, widths, lang=lang, repeat_rows=(hr, hr + 1), landscape=True)
    ws.print_area(0, 0, end - 1, last_col)


def _findings_sheet(w: _Writer, res: AnnualResult, lang: str) -> None:
    ws = w.wb.add_worksheet(SHEET_FINDINGS)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    ws.write_string(0, 0, t("CÁC LỖI VÀ CẢNH BÁO", "FINDINGS"), w.f["title"])
    hr = 2
    headers = [(t("Loại lỗi", "Finding"), 16), (t("Mức độ", "Severity"), 8), (t("Tệp", "File"), 18),
               (t("Trang", "Sheet"), 9), (t("Ô", "Cell"), 5), (t("Người", "Person"), 14),
               (t("Mã số", "Id"), 8), (t("Nội dung", "Message"), 40)]
    w.table_header(ws, hr, headers)
    sev = {"error": ("Lỗi", "Error"), "warning": ("Cảnh báo", "Warning"), "info": ("Thông tin", "Info")}
    r = hr
    for i, fd in enumerate(res.findings, 1):
        r = hr + i
        for c, v in enumerate((code_name(fd.code, lang), sev[fd.severity][1 if lang == "en" else 0], fd.file, fd.sheet, fd.cell,
                               fd.person, fd.person_id, fd.message(lang))):
            w.put(ws, r, c, v, "wrap")
        w.row(ws, r, [(v, width) for v, (_h, width) in zip((fd.code, "", fd.file, fd.sheet, "", fd.person, "",
                                                            fd.message(lang)), headers)])
    if not res.findings:
        r = paper.none_line(ws, w.forms, hr + 1, len(headers) - 1, lang)
    w.finish_table(ws, hr, r, [width for _h, width in headers])


def _regime_rows(res: AnnualResult, lang: str) -> list[tuple[str, str]]:
    """«Nguồn»: which rule set rated each staff group this year (and the scores it averaged),
    against the regime table of the shipped presets (data; ``danhgia framework show``)."""
    from danhgia.annual import regime_table
    from danhgia.monthly import group_label

    table = {(y, g): (rid, unconfirmed) for y, g, rid, unconfirmed in regime_table([res.year])}
    used: dict[str, set[str]] = {}
    for p in res.people:
        if p.group and p.rules:
            used.setdefault(p.group, set()).add(p.rules.id)
    out = []
    averaged = sorted({f for p in res.people for f in p.scores_from})
    if averaged:
        rids = sorted({p.rules.id for p in res.people if p.scores_from and p.rules})
        out.append((_t(lang, "Điểm các kỳ", "Period scores"),
                    _t(lang, f"Điểm năm là trung bình điểm các kỳ chấm theo {', '.join(averaged)}, không phải "
                             f"thang điểm của {', '.join(rids)}; mức xếp loại năm theo {', '.join(rids)}",
                       f"The year's score averages period scores given under {', '.join(averaged)}, not on the "
                       f"{', '.join(rids)} scale; the level follows {', '.join(rids)}")))
    for g, ids in used.items():
        default, unconfirmed = table.get((res.year, g), (None, False))
        parts = []
        for rid in sorted(ids):
            if rid == default:
                parts.append(rid + _t(lang, " (mặc định của năm" + (", cần xác minh)" if unconfirmed else ")"),
                                      " (the year's default" + (", to verify)" if unconfirmed else ")")))
            else:
                parts.append(rid + _t(lang, f" (đơn vị chọn; mặc định {default})", f" (the unit's choice; default {default})"))
        out.append((_t(lang, f"Quy định năm {res.year}: {group_label(g, 'vi')}",
                       f"Rules {res.year}: {group_label(g, 'en')}"), "; ".join(parts)))
    return out


def _sources_sheet(w: _Writer, res: AnnualResult, lang: str, generated: datetime) -> None:
    ws = w.wb.add_worksheet(SHEET_SOURCES)
    t = lambda vi, en: _t(lang, vi, en)  # noqa: E731
    rows = [(t("Năm", "Year"), str(res.year)),
            (t("Cách tính", "Strategy"), strategy_label(res.strategy, lang)),
            (t("Phiên bản danhgia", "danhgia version"), __version__),
            (t("Thời điểm tạo", "Generated"), generated.isoformat(sep=" "))]
    for rs in res.rule_sets:
        rows.append((t("Quy định áp dụng", "Rules applied"),
                     f"{rs.id} — {rs.title_en if lang == 'en' else rs.title} (phiên bản {rs.version})"
                     if lang != "en" else f"{rs.id} — {rs.title_en} (version {rs.version})"))
    rows += _regime_rows(res, lang)
    if res.provenance is not None:      # what the run was made from (design.md §2)
        rows += res.provenance.rows(lang, workbook=True)
    r = 0
    for key, value in rows:
        w.put(ws, r, 0, key, "key")
        w.put(ws, r, 1, value, "wrap")
        w.row(ws, r, [(key, 22), (value, 30)])
        r += 1
    r += 1
    hr = r
    headers = [(t("Tệp", "File"), 22), (t("Loại", "Kind"), 30), (t("Tháng", "Month"), 9),
               (t("Đơn vị", "Unit"), 14), ("SHA-256", 55)]
    widths = [width for _h, width in headers]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    # the inputs' header on the page of their first rows
    paper.keep_with_next(ws, hr, 2, paper.fit(widths, 12, True))
    for c, (label, _width) in enumerate(headers):
        ws.write_string(hr, c, label, w.f["header"])
    kinds = {"monthly": ("Bảng tổng hợp tháng", "Monthly workbook"), "roster": ("Danh sách", "Roster"),
             "events": ("Sự kiện năm", "Annual events"), "config": ("Cấu hình đơn vị", "Unit file"),
             "rules": ("Quy định xếp loại năm", "Annual rules")}
    for inp in res.inputs:
        r += 1
        for c, v in enumerate((inp.file, kinds.get(inp.kind, (inp.kind, inp.kind))[1 if lang == "en" else 0],
                               inp.month, inp.unit, inp.sha256)):
            w.put(ws, r, c, v, "wrap" if c < 4 else "cell")
        w.row(ws, r, [(inp.file, widths[0]), (inp.unit, widths[3])])
    ws.autofilter(hr, 0, max(hr, r), len(headers) - 1)
    ws.freeze_panes(hr + 1, 0)
    paper.setup(ws, widths, lang=lang, repeat_rows=hr, landscape=True)

