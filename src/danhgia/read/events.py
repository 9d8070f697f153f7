"""Reading annual events per person: sheet "Sự kiện năm" of the roster workbook, or an ``--events`` file.

One row per person, columns found by header label (compared folded: no diacritics, case or
spacing; text in parentheses ignored, so "Số tháng nghỉ (không kể thai sản)" matches
"Số tháng nghỉ"). Only ``Mã`` is required; every other column is optional. The labels
(:data:`COLUMNS`, first one of each is what a template should print):

==================== ==========================================================================
key                  labels
==================== ==========================================================================
id                   Mã · Mã số · Mã cán bộ …
name                 Họ và tên
months_worked        Số tháng công tác (0–12; blank: derived from the roster and the absences)
absence_months       Số tháng nghỉ (không kể thai sản) · Số tháng vắng mặt
maternity_months     Số tháng nghỉ thai sản
discipline_form      Hình thức kỷ luật (khiển trách, cảnh cáo, hạ bậc lương, giáng chức,
                     cách chức, buộc thôi việc, khai trừ; "có" when the form is not given)
discipline_date      Ngày kỷ luật
discipline_related   Liên quan công vụ (có / không)
discipline_counted   Đã tính ở năm trước (có / không)
degradation          Kết luận suy thoái (có / không, or the conclusion's reference)
transfer_from        Chuyển từ đơn vị
transfer_months      Số tháng ở đơn vị cũ
targets_met          % chỉ tiêu hoàn thành       } leaders' unit results, in percent
targets_exceeded     % chỉ tiêu vượt             } (85, "85%", or 0.85 from a cell
subunits_htnv        % đơn vị HTNV trở lên       }  formatted as a percentage: a number
subunits_htt         % đơn vị HTT trở lên        }  from 0 to 1 is read as a fraction)
corruption           Tham nhũng, lãng phí bị xử lý (có / không)
proposed_level       Mức đề xuất (A/B/C/D or HTXSNV … KHTNV; for the ``manual`` strategy)
outstanding_unit     Đơn vị nổi bật (có: the person's unit may use the higher quota cap)
notes                Ghi chú
==================== ==========================================================================

A value that cannot be read is a Finding ``invalid-event`` at file › sheet › cell and the rest of
the row is still used; a file that cannot be read, or has no header row with ``Mã``, raises
:class:`EventsError` (a usage problem, exit 2).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from danhgia.events import LEADER_KEYS, AnnualEvents, Discipline, EventsError, EventsTable
from danhgia.findings import Finding
from danhgia.framework import DISCIPLINE_FORMS
from danhgia.read.files import InputFileError, check_regular, sha256_of
from danhgia.read.table import body_rows, read_table
from danhgia.text import BLANK, NOT_NUMBER, fold, id_text, is_blank, nfc, parse_date, parse_grade, parse_number
from danhgia.messages import Say


EVENTS_SHEET = "Sự kiện năm"



HEADER_SCAN = 15



COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Mã", "Mã số", "Mã cán bộ", "Mã CB", "Mã nhân viên", "Mã NV", "Mã CCVC", "Id", "Số hiệu"),
    "name": ("Họ và tên", "Họ tên", "Name"),
    "months_worked": ("Số tháng công tác", "Số tháng làm việc", "Số tháng công tác thực tế",
                      "Thời gian công tác", "Tháng công tác", "Months worked"),
    "absence_months": ("Số tháng nghỉ", "Số tháng nghỉ không kể thai sản", "Số tháng vắng mặt",
                       "Tháng nghỉ", "Nghỉ không kể thai sản", "Months absent"),
    "maternity_months": ("Số tháng nghỉ thai sản", "Nghỉ thai sản", "Thai sản", "Tháng thai sản",
                         "Maternity months"),
    "discipline_form": ("Hình thức kỷ luật", "Kỷ luật", "Kỷ luật trong năm", "Discipline"),
    "discipline_date": ("Ngày kỷ luật", "Ngày quyết định kỷ luật", "Discipline date"),
    "discipline_related": ("Liên quan công vụ", "Kỷ luật liên quan công vụ",
                           "Vi phạm liên quan thi hành công vụ", "Liên quan thi hành công vụ",
                           "Related to duty"),
    "discipline_counted": ("Đã tính ở năm trước", "Đã tính năm trước", "Kỷ luật đã tính",
                           "Đã dùng để xếp loại năm trước", "Already counted"),
    "degradation": ("Kết luận suy thoái", "Suy thoái", "Có kết luận suy thoái", "Degradation"),
    "transfer_from": ("Chuyển từ đơn vị", "Đơn vị cũ", "Chuyển công tác từ", "Transferred from"),
    "transfer_months": ("Số tháng ở đơn vị cũ", "Tháng ở đơn vị cũ", "Months at old unit"),
    "targets_met": ("% chỉ tiêu hoàn thành", "Tỷ lệ chỉ tiêu hoàn thành", "Chỉ tiêu hoàn thành",
                    "Targets met"),
    "targets_exceeded": ("% chỉ tiêu vượt", "Tỷ lệ chỉ tiêu vượt", "Chỉ tiêu vượt",
                         "% chỉ tiêu vượt mức", "Targets exceeded"),
    "subunits_htnv": ("% đơn vị HTNV trở lên", "Tỷ lệ đơn vị HTNV trở lên", "Đơn vị HTNV trở lên",
                      "% đơn vị trực thuộc HTNV trở lên", "Sub-units HTNV or better"),
    "subunits_htt": ("% đơn vị HTT trở lên", "Tỷ lệ đơn vị HTT trở lên", "Đơn vị HTT trở lên",
                     "% đơn vị trực thuộc HTT trở lên", "Sub-units HTT or better"),
    "corruption": ("Tham nhũng, lãng phí bị xử lý", "Tham nhũng, lãng phí", "Để xảy ra tham nhũng, lãng phí",
                   "Tham nhũng lãng phí", "Corruption or waste"),
    "proposed_level": ("Mức đề xuất", "Mức xếp loại đề xuất", "Đề xuất xếp loại", "Xếp loại đề xuất",
                       "Đơn vị đề xuất", "Proposed level"),
    "unit_level": ("Xếp loại đơn vị", "Mức xếp loại của đơn vị", "Kết quả xếp loại đơn vị",
                   "Xếp loại của đơn vị phụ trách", "Unit's level"),
    "outstanding_unit": ("Đơn vị nổi bật", "Đơn vị có thành tích nổi bật", "Outstanding unit"),
    "notes": ("Ghi chú", "Notes"),
}






MONTH_KEYS = ("months_worked", "absence_months", "maternity_months", "transfer_months")



YES_WORDS = {"co", "x", "yes", "y", "1", "true", "dung", "v", "✓", "✔", "roi", "da tinh", "co lien quan"}



NO_WORDS = {"khong", "k", "no", "n", "0", "false", "chua", "-", "khong co", "khong lien quan", "sai"}



def _norm_header(raw: Any) -> str:
    s = re.sub(r"\(.*?\)", "", fold(raw))
    return s.strip(" :*.").strip()



_LOOKUP = {_norm_header(label): key for key, labels in COLUMNS.items() for label in labels}



def _read_table(path: Path, sheet_hint: str | None) -> tuple[str, list[list[Any]]] | None:
    """(sheet, rows) of the events table; ``None`` when a workbook has no sheet named like the hint
    and ``sheet_hint`` is required (roster workbooks)."""

    def choose(names: list[str]) -> str | None:
        hit = next((n for n in names if fold(n) == fold(EVENTS_SHEET) or fold(n) in ("events", "su kien")), None)
        if hit is None and sheet_hint != "required":
            hit = names[0]
        return hit

    return read_table(path, choose)



def load(path: str | Path, display: str | None = None) -> EventsTable:
    """Read an events file (.xlsx/.xlsm/.xls/.ods: sheet "Sự kiện năm" or the first; .csv)."""
    return _load(Path(path), display, required=False)  # type: ignore[return-value]



def from_roster(path: str | Path, display: str | None = None) -> EventsTable | None:
    """The "Sự kiện năm" sheet of a roster workbook, or ``None`` when it has none (or is a .csv)."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return None
    return _load(p, display, required=True)



def _load(path: Path, display: str | None, required: bool) -> EventsTable | None:
    src = display or str(path)
    try:   # a regular file (a FIFO would hang, /dev/zero read forever), named in the message
        check_regular(path)
    except InputFileError as exc:
        raise EventsError(src, exc.reason) from None
    try:
        table = _read_table(path, "required" if required else None)
        sha = sha256_of(path)
    except InputFileError as exc:
        raise EventsError(src, exc.reason) from None
    except Exception as exc:  # calamine raises several types for broken files
        raise EventsError(src, Say(f"không đọc được: {type(exc).__name__}: {exc}"[:300],
                                  f"cannot read: {type(exc).__name__}: {exc}"[:300])) from None
    if table is None:
        return None
    sheet, rows = table
    from danhgia.config import Limits
    from danhgia.read.table import long_cells

    limit = Limits().max_cell_chars
    for cell, n in long_cells(rows, limit):     # said with its cell, not carried on
        where = f"{src} › {sheet}" if sheet else src
        raise EventsError(src, f"{where} › {cell}: ô có {n} ký tự, quá giới hạn {limit} / "
                               f"the cell holds {n} characters, over the limit of {limit}")
    return parse_rows(rows, src, sheet, sha)



def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    for r, row in enumerate(rows[:HEADER_SCAN]):
        found: dict[str, int] = {}
        labels: dict[str, str] = {}
        for c, cell in enumerate(row):
            key = _LOOKUP.get(_norm_header(cell))
            if key and key not in found:
                found[key] = c
                labels[key] = nfc(str(cell)).strip()
        if "id" in found and len(found) >= 2:
            return r, found, labels
    return None



def _yes_no(raw: Any) -> bool | None:
    """True / False, ``None`` for blank; raises ValueError for anything else."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    key = fold(raw).strip(" .")
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise ValueError(raw)



def _months(raw: Any) -> Decimal | None:
    p = parse_number(raw)
    if p.kind == BLANK:
        return None
    if p.kind == NOT_NUMBER or not (0 <= p.value <= 12):
        raise ValueError(raw)
    return p.value



def _percent(raw: Any) -> Decimal | None:
    if is_blank(raw):
        return None
    text = raw.strip() if isinstance(raw, str) else None
    if text is not None and text.endswith("%"):
        p = parse_number(text[:-1])
        if p.kind == NOT_NUMBER or p.kind == BLANK:
            raise ValueError(raw)
        value = p.value
    else:
        p = parse_number(raw)
        if p.kind == NOT_NUMBER:
            raise ValueError(raw)
        value = p.value
        if 0 <= value <= 1:     # a cell formatted as a percentage holds a fraction
            value = (value * 100).normalize()
    if not (0 <= value <= 100):
        raise ValueError(raw)
    return value



_FORMS = [(fold(f), f) for f in DISCIPLINE_FORMS]



def _discipline_form(raw: Any) -> tuple[str | None, bool]:
    """(canonical form or None, disciplined?) — raises ValueError when unreadable."""
    key = re.sub(r"\(.*?\)", "", fold(raw)).strip(" .")
    if not key or key in NO_WORDS:
        return None, False
    if key in YES_WORDS:
        return None, True
    hits = [(i, canon) for i, (f, canon) in enumerate(_FORMS) if f in key]
    if hits:
        return max(hits)[1], True    # the heaviest form named
    raise ValueError(raw)



def parse_rows(rows: list[list[Any]], source: str, sheet: str = "", sha256: str = "") -> EventsTable:
    """Parse an events table already read into rows (used by ``load`` and by tests)."""
    table = EventsTable(source=source, sheet=sheet, sha256=sha256)
    hdr = _find_header(rows)
    if hdr is None:
        where = f"{source} › {sheet}" if sheet else source
        raise EventsError(where, Say("không thấy dòng tiêu đề có cột «Mã» (và ít nhất một cột sự kiện)",
                                     "no header row with the column «Mã» and at least one event column"))
    hrow, cols, labels = hdr
    seen: dict[str, str] = {}
    for t in body_rows(rows, hrow, cols):
        r, row, raw, cell = t.index, t.values, t.get, t.cell

        rid, rname = raw("id"), raw("name")
        if all(is_blank(x) for x in row):
            continue
        pid = id_text(rid)
        name = nfc(str(rname or "")).strip()
        who = name or pid

        def bad(key: str, value: Any) -> None:
            shown = value if not isinstance(value, float) or not value.is_integer() else int(value)
            table.findings.append(Finding(
                "invalid-event", file=source, sheet=sheet or None, cell=cell(key), person=who or None,
                person_id=pid or None, value=nfc(str(shown)) if shown is not None else "",
                params={"field": labels[key], "person": who}))

        if not pid:
            bad("id", "")
            continue
        if pid in seen:
            bad("id", pid)
            continue
        seen[pid] = cell("id")
        ev = AnnualEvents(id=pid, name=name, file=source, sheet=sheet, row=r + 1,
                          cells={k: cell(k) for k in cols})
        for key in MONTH_KEYS:
            if key in cols:
                try:
                    setattr(ev, key, _months(raw(key)))
                except ValueError:
                    bad(key, raw(key))
        for key in LEADER_KEYS:
            if key in cols:
                try:
                    setattr(ev.leader, key, _percent(raw(key)))
                except ValueError:
                    bad(key, raw(key))
        for key, target in (("corruption", "leader"), ("outstanding_unit", "ev")):
            if key in cols:
                try:
                    value = _yes_no(raw(key))
                except ValueError:
                    bad(key, raw(key))
                    continue
                if target == "leader":
                    ev.leader.corruption = value
                else:
                    ev.outstanding_unit = value
        if "degradation" in cols and not is_blank(raw("degradation")):
            try:
                ev.degradation = bool(_yes_no(raw("degradation")))
            except ValueError:      # any other text is the conclusion's reference
                ev.degradation = True
                ev.degradation_ref = nfc(str(raw("degradation"))).strip()
        if "unit_level" in cols and not is_blank(raw("unit_level")):
            p = parse_grade(raw("unit_level"))
            if p.kind == NOT_NUMBER:
                bad("unit_level", raw("unit_level"))
            else:
                ev.leader.unit_level = p.value
        if "proposed_level" in cols and not is_blank(raw("proposed_level")):
            p = parse_grade(raw("proposed_level"))
            if p.kind == NOT_NUMBER:
                bad("proposed_level", raw("proposed_level"))
            else:
                ev.proposed_level = p.value
        ev.transfer_from = nfc(str(raw("transfer_from") or "")).strip()
        ev.notes = nfc(str(raw("notes") or "")).strip()
        _read_discipline(ev, raw, cell, cols, bad)
        table.events[pid] = ev
    return table



def _read_discipline(ev: AnnualEvents, raw, cell, cols, bad) -> None:
    disciplined = False
    form: str | None = None
    text = ""
    if "discipline_form" in cols and not is_blank(raw("discipline_form")):
        text = nfc(str(raw("discipline_form"))).strip()
        try:
            form, disciplined = _discipline_form(raw("discipline_form"))
        except ValueError:
            bad("discipline_form", raw("discipline_form"))
            return
    when: date | None = None
    if "discipline_date" in cols and not is_blank(raw("discipline_date")):
        p = parse_date(raw("discipline_date"))
        if p.kind == NOT_NUMBER:
            bad("discipline_date", raw("discipline_date"))
        else:
            when = p.value
            disciplined = disciplined or "discipline_form" not in cols
    flags: dict[str, bool | None] = {}
    for key in ("discipline_related", "discipline_counted"):
        flags[key] = None
        if key in cols:
            try:
                flags[key] = _yes_no(raw(key))
            except ValueError:
                bad(key, raw(key))
    if not disciplined:
        return
    ev.discipline = Discipline(form=form, text=text, date=when, related=flags["discipline_related"],
                               already_counted=flags["discipline_counted"],
                               cell=cell("discipline_form") if "discipline_form" in cols else "")
