"""NĐ 335 product list (bảng kê sản phẩm), the annex of Mẫu 01: one row per product with its
converted quantity assigned, done, major errors and delays. Pure: a grid in, a ProductList or
None out (it never raises on odd input).

The header row is found by label (folded: no case, no diacritics), as every table of the tool:
"Sản phẩm", "Số lượng (quy đổi) được giao", "Hoàn thành", "Lỗi lớn", "Chậm (trễ hạn)". Rows
below it up to a total row ("Tổng", "Cộng") or the end are products; a row with no product name
and no number is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from danhgia.read.table import col_letter
from danhgia.text import NUMBER, TEXT_NUMBER, fold, nfc, parse_number

HEADER_SCAN = 40

_ROLES = (   # checked in order: "số lượng hoàn thành chậm" is a delay, not "done"
    ("delays", ("cham", "tre han", "qua han", "so lan cham", "tre")),
    ("errors", ("loi lon", "so loi", "loi", "sai sot")),
    ("assigned", ("duoc giao", "giao", "ke hoach", "phai thuc hien")),
    ("done", ("hoan thanh", "da thuc hien", "thuc hien", "dat duoc")),
    ("product", ("san pham", "ten san pham", "noi dung cong viec", "cong viec")),
)


def _role(folded: str) -> str | None:
    if not folded or len(folded) > 80:
        return None
    for role, words in _ROLES:
        if any(w in folded for w in words):
            return role
    return None


@dataclass
class ProductRow:
    row: int                                   # 1-based
    name: str
    assigned: Decimal | None
    done: Decimal | None
    errors: Decimal
    delays: Decimal
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class ProductList:
    sheet: str
    header_row: int                            # 1-based
    rows: list[ProductRow] = field(default_factory=list)
    bad_cells: list[tuple[str, Any]] = field(default_factory=list)   # (A1, raw) not a number

    @property
    def usable(self) -> bool:
        return bool(self.rows) and not self.bad_cells and all(
            r.assigned is not None and r.done is not None for r in self.rows)


def find(grid: Sequence[Sequence[Any]], sheet: str) -> ProductList | None:
    """The product list on ``grid``, or None when the sheet holds none."""
    try:
        return _find(grid, sheet)
    except (RecursionError, MemoryError):  # pragma: no cover
        return None


def _find(grid, sheet) -> ProductList | None:
    for r, row in enumerate(list(grid)[:HEADER_SCAN]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            if v.__class__ is str and v.strip():
                role = _role(fold(v))
                if role and role not in cols:
                    cols[role] = c
        if {"product", "assigned", "done"} <= cols.keys() and ("errors" in cols or "delays" in cols):
            return _rows(grid, r, cols, sheet)
    return None


def _number(v: Any) -> tuple[Decimal | None, bool]:
    """(value, readable): blank → (None, True); a number or number typed as text → value."""
    if v is None or (v.__class__ is str and not v.strip()):
        return None, True
    p = parse_number(v)
    if p.kind in (NUMBER, TEXT_NUMBER):
        return p.value, True
    return None, False


def _rows(grid, hr: int, cols: dict[str, int], sheet: str) -> ProductList:
    out = ProductList(sheet=sheet, header_row=hr + 1)
    for r in range(hr + 1, len(grid)):
        row = grid[r]
        get = lambda k: row[cols[k]] if k in cols and cols[k] < len(row) else None  # noqa: E731
        name = get("product")
        name_text = nfc(str(name)).strip() if name is not None and not isinstance(name, (int, float)) else ""
        f = fold(name_text)
        if f.startswith(("tong", "cong")) and len(f) < 20:
            break
        values: dict[str, Decimal | None] = {}
        cells = {k: f"{col_letter(c)}{r + 1}" for k, c in cols.items()}
        for k in ("assigned", "done", "errors", "delays"):
            value, ok = _number(get(k))
            if not ok:
                out.bad_cells.append((cells[k], get(k)))
            values[k] = value
        if not name_text and all(v is None for v in values.values()):
            continue
        if all(values[k] is None for k in ("assigned", "done")) and not name_text:
            continue
        out.rows.append(ProductRow(row=r + 1, name=name_text, assigned=values["assigned"],
                                   done=values["done"], errors=values["errors"] or Decimal(0),
                                   delays=values["delays"] or Decimal(0), cells=cells))
    return out
