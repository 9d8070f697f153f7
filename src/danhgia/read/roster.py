"""Reading the staff list (danh sách): one row per person, columns found by their header labels.

Read from .xlsx/.xls/.ods (python-calamine) or .csv. A broken roster is a usage problem
(exit 2) and every problem carries its location: file › sheet › cell.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from danhgia.read.files import InputFileError
from danhgia.framework import VariantNames
from danhgia.read.table import body_rows, col_letter, long_cells, read_table
from danhgia.roster import GROUP_WORDS, VARIANT_WORDS, YES_WORDS, Person, Roster, RosterError
from danhgia.text import fold, id_text, is_blank, nfc, parse_date, parse_month_text
from danhgia.messages import Say


COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("ma", "ma so", "ma can bo", "ma cb", "ma nhan vien", "ma nv", "ma ccvc", "id", "so hieu"),
    "name": ("ho va ten", "ho ten", "ten", "ho va ten can bo"),
    "unit": ("don vi", "phong", "don vi / phong", "phong ban", "bo phan", "don vi cong tac"),
    "position": ("chuc vu", "chuc danh", "chuc vu / chuc danh"),
    "group": ("nhom", "nhom doi tuong", "doi tuong", "loai"),
    "variant": ("bang diem", "mau bang diem", "loai bang diem", "mau phieu", "phieu danh gia"),
    "teacher": ("giao vien", "la giao vien"),
    "task_group": ("nhom nhiem vu", "nhom nhiem vu tuong dong"),
    "start": ("ngay vao", "ngay bat dau", "ngay tuyen dung"),
    "end": ("ngay nghi", "ngay thoi viec", "ngay nghi viec"),
    "ne_months": ("thang khong danh gia", "khong danh gia"),
    "ne_reason": ("ly do khong danh gia", "ly do"),
}



REQUIRED = ("id", "name")



def _norm_header(raw: Any) -> str:
    s = fold(raw)
    s = re.sub(r"\(.*?\)", "", s)
    return s.strip(" :*.").strip()



def find_header(rows: list[list[Any]], columns: dict[str, tuple[str, ...]], required: tuple[str, ...],
                scan: int = 15) -> tuple[int, dict[str, int]] | None:
    """Find the header row (within the first ``scan`` rows) holding every required column.

    A header of two rows (merged cells: «Mã» and «Họ và tên» over both rows, «Thông tin công tác»
    over «Đơn vị | Chức vụ») also takes the columns named in the row below, when that row holds
    no value in the required columns.
    """

    def columns_of(row: list[Any], found: dict[str, int]) -> dict[str, int]:
        for c, cell in enumerate(row):
            h = _norm_header(cell)
            if not h:
                continue
            for key, names in columns.items():
                if key not in found and c not in found.values() and h in names:
                    found[key] = c
                    break
        return found

    for r, row in enumerate(rows[:scan]):
        found = columns_of(row, {})
        if all(k in found for k in required):
            below = rows[r + 1] if r + 1 < len(rows) else []
            if all(is_blank(below[found[k]]) if found[k] < len(below) else True for k in required):
                columns_of(below, found)
            return r, found
    return None



def parse_months(raw: Any) -> list[tuple[int, int]] | None:
    """``6,7,8/2026`` · ``03/2026-05/2026`` · ``2026-03..2026-05`` · ``2026-06; 2026-07``."""
    if is_blank(raw):
        return []
    s = fold(raw).replace("–", "-").replace("..", " den ").replace("→", " den ")
    out: list[tuple[int, int]] = []
    m = re.fullmatch(r"\s*((?:\d{1,2}\s*[,;]\s*)*\d{1,2})\s*/\s*(\d{4})\s*", s)
    if m:
        year = int(m.group(2))
        months = [int(x) for x in re.split(r"[,;]", m.group(1))]
        if all(1 <= x <= 12 for x in months):
            return [(year, x) for x in months]
        return None
    for part in re.split(r"[;,]", s):
        part = part.strip()
        if not part:
            continue
        rng = re.split(r"\s+den\s+|\s+-\s+|(?<=\d{4})-(?=\d{1,2}/)", part)
        ends = [parse_month_text(x.strip()) for x in rng]
        if any(e is None for e in ends) or not 1 <= len(ends) <= 2:
            return None
        a, b = ends[0], ends[-1]
        y, mo = a  # type: ignore[misc]
        while (y, mo) <= b:  # type: ignore[operator]
            out.append((y, mo))
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out



def read_rows(path: Path, sheet_hint: str | None = None) -> tuple[str, list[list[Any]]]:
    """Return (sheet name, rows) of the roster: the sheet named ``sheet_hint``, else one named
    like a staff list, else the first; .csv as UTF-8 (BOM allowed)."""

    def choose(names: list[str]) -> str:
        if sheet_hint:
            hit = next((n for n in names if fold(n) == fold(sheet_hint)), None)
            if hit:
                return hit
        return next((n for n in names if fold(n) in ("danh sach", "roster", "nhan su")), names[0])

    return read_table(path, choose)  # type: ignore[return-value]



def preset_variant_names() -> VariantNames:
    """The variants of every shipped preset: what a roster may name when the caller does not
    say which frameworks are in use (the CLI always does: ``ReadContext.variant_names``)."""
    from danhgia import framework as fw_mod
    from danhgia.config import DEFAULT_FRAMEWORK

    ids = sorted(fw_mod.preset_ids(), key=lambda p: p != DEFAULT_FRAMEWORK)   # the default first
    return VariantNames([fw_mod.load(p) for p in ids], extra=VARIANT_WORDS, first_wins=True)


def load(path: str | Path, variants: VariantNames | None = None, named_by: str | None = None) -> Roster:
    """Read a roster; a problem raises RosterError naming the file and, when another file
    (``named_by``, a danhgia.yaml) named it, that one too. ``variants``: the variant names the
    frameworks in use accept (id, title, alias; compared like labels); a name outside them is a
    problem listing them."""
    try:
        return _load(Path(path), variants)
    except RosterError as exc:
        if not named_by:
            raise
        raise RosterError(Say(f"{exc.source} (tệp được nêu trong {named_by})", f"{exc.source} (named in {named_by})"),
                          exc.problems) from None


def _load(path: Path, variants: VariantNames | None) -> Roster:
    src = str(path)
    if not os.path.lexists(path):
        raise RosterError(src, [Say("không tìm thấy tệp", "file not found")])
    try:
        sheet, rows = read_rows(path)
    except InputFileError as exc:   # a FIFO, a device, a folder, too large …
        raise RosterError(src, [exc.reason]) from None
    except Exception as exc:  # calamine raises several types for broken files
        raise RosterError(src, [Say(f"không đọc được: {exc}", f"cannot read: {exc}")]) from None
    where0 = f"{src} › {sheet}" if sheet else src
    from danhgia.config import Limits

    limit = Limits().max_cell_chars
    too_long = [f"{where0} › {cell} (dòng {cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}, cột "
                f"{cell.rstrip('0123456789')}): ô có {n} ký tự, quá giới hạn {limit} / the cell holds {n} "
                f"characters, over the limit of {limit}" for cell, n in long_cells(rows, limit)]
    if too_long:
        raise RosterError(src, too_long[:20])
    hdr = find_header(rows, COLUMNS, REQUIRED)
    if hdr is None:
        raise RosterError(src, [Say(f"{where0}: không thấy dòng tiêu đề có cột «Mã» và «Họ và tên»",
                                    f"{where0}: no header row with the columns «Mã» and «Họ và tên»")])
    hrow, cols = hdr
    people: list[Person] = []
    problems: list[Say] = []
    seen: dict[str, str] = {}
    shared: dict[str, str] = {}      # one copy of the texts many people repeat (unit, position)
    one = shared.setdefault
    for t in body_rows(rows, hrow, cols):
        r, get = t.index, t.get

        def cell(key: str) -> str:
            return f"{where0} › {t.cell(key)}"

        raw_id, raw_name = get("id"), get("name")
        if is_blank(raw_id) and is_blank(raw_name):
            continue
        pid = id_text(raw_id)
        name = nfc(str(raw_name or "")).strip()
        if not pid:
            problems.append(Say(f"{cell('id')}: thiếu mã của «{name}»", f"{cell('id')}: no id for «{name}»"))
            continue
        if pid in seen:
            problems.append(Say(f"{cell('id')}: mã {pid} trùng với {seen[pid]}",
                                    f"{cell('id')}: the id {pid} repeats {seen[pid]}"))
            continue
        seen[pid] = cell("id")
        p = Person(id=pid, name=name, where=f"{where0} › dòng {r + 1}", cell=f"{col_letter(cols['id'])}{r + 1}")
        unit = nfc(str(get("unit") or "")).strip()
        position = nfc(str(get("position") or "")).strip()
        p.unit, p.position = one(unit, unit), one(position, position)
        if not is_blank(get("group")):
            g = GROUP_WORDS.get(fold(get("group")))
            if g is None:
                problems.append(Say(f"{cell('group')}: nhóm «{get('group')}» không rõ (Cán bộ, Công chức, Viên chức, LĐHĐ)",
                                    f"{cell('group')}: unknown staff group «{get('group')}» (Cán bộ, Công chức, Viên chức, LĐHĐ)"))
            p.group = g
        if not is_blank(get("variant")):
            if variants is None:
                variants = preset_variant_names()
            raw_v = nfc(str(get("variant"))).strip()
            v = variants.resolve(raw_v)
            if v is None:
                problems.append(Say(f"{cell('variant')}: bảng điểm «{raw_v}» không rõ; khung đánh giá đang dùng nhận: "
                                    f"{variants.accepted()}",
                                    f"{cell('variant')}: unknown scoresheet variant «{raw_v}»; the framework in use "
                                    f"accepts: {variants.accepted()}"))
            p.variant = v
        p.teacher = fold(get("teacher")) in YES_WORDS
        tg = get("task_group")
        p.task_group = None if is_blank(tg) else one(nfc(str(tg)).strip(), nfc(str(tg)).strip())
        for key in ("start", "end"):
            raw = get(key)
            if is_blank(raw):
                continue
            parsed = parse_date(raw)
            if parsed.kind in ("number", "text-number"):
                setattr(p, key, parsed.value)
            else:
                problems.append(Say(f"{cell(key)}: ngày «{raw}» không hợp lệ", f"{cell(key)}: «{raw}» is not a date"))
        if not is_blank(get("ne_months")):
            months = parse_months(get("ne_months"))
            if months is None:
                problems.append(Say(f"{cell('ne_months')}: tháng «{get('ne_months')}» không hợp lệ (ví dụ 6,7,8/2026 hoặc 03/2026 - 05/2026)",
                                    f"{cell('ne_months')}: «{get('ne_months')}» are not months (e.g. 6,7,8/2026 or 03/2026 - 05/2026)"))
            else:
                reason = nfc(str(get("ne_reason") or "")).strip() or "Không đánh giá"
                for ym in months:
                    p.not_evaluated[ym] = reason
        people.append(p)
    if problems:
        raise RosterError(src, problems)
    if not people:
        raise RosterError(src, [Say(f"{where0}: danh sách không có ai", f"{where0}: the roster is empty")])
    return Roster(source=src, people=people)
