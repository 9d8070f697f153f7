"""Write N filled monthly scoresheets fast, for the benchmark (``benchmarks/run.py``).

    python benchmarks/generate.py 20000 benchmarks/data/20000 [--seed 1] [--month 2026-10]

How: each variant's template is written once with ``danhgia.write.template.write_template``
(XlsxWriter, the same bytes ``danhgia template`` gives a unit). Its worksheet XML is cut, once,
into a skeleton: the fixed text between the cells a person fills in (header fields, self and
leader scores, subtotals and the total, grades, dates, completion share, bonus note). For each
file the generator only joins that skeleton with freshly formatted ``<c>`` elements and writes
a new .xlsx whose other members are the template's bytes, unchanged, with the template's
compress type. No openpyxl, no XML parsing per file: 20,000 files take well under a minute.

What the files hold (every file is a valid, complete sheet: ``danhgia validate`` reports no
finding at all, with or without the roster):

* one person per file, unique id ``BM000001`` …, a Vietnamese name (names repeat, ids do not);
* variants mixed like a district: 70 % chuyên viên, 15 % lãnh đạo quản lý, 15 % LĐHĐ;
* units of 50 people (``Đơn vị 001`` …); per unit every 10th person earns an A (90 points plus
  2–4 bonus points, with the bonus note), about 1 in 37 a C, the rest a B (75–87.5), so the A
  quota (20 % of B or better) is never exceeded;
* self scores seeded; the leader takes half a point off one item on ~30 % of the B/C sheets;
  subtotals and the total are formulas whose cached values are the right sums (as Excel saves
  them); grades are the bands of the totals; the completion share matches II.2's band;
* dates inside the month's window (self-assessment on the 21st–24th, leader and head on the
  25th), the month and year of ``--month``.

Besides the workbooks, OUTDIR gets ``danh-sach.csv`` (the roster of those people) and
``danhgia.yaml`` (framework hanoi-2022, that roster), so ``danhgia validate OUTDIR`` and
``danhgia tally OUTDIR`` check against the roster the way a unit runs them. ``--no-roster``
leaves both out.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from danhgia import config
from danhgia.write.template import Prefill, write_template

FRAMEWORK = "hanoi-2022"
SHEET_MEMBER = "xl/worksheets/sheet1.xml"
UNIT_SIZE = 50
VARIANT_MIX = (("chuyen-vien", 70), ("lanh-dao-quan-ly", 15), ("ldhd", 15))
POSITIONS = {"chuyen-vien": "Chuyên viên", "lanh-dao-quan-ly": "Trưởng phòng", "ldhd": "Nhân viên hợp đồng"}
GROUPS = {"chuyen-vien": "Công chức", "lanh-dao-quan-ly": "Công chức", "ldhd": "LĐHĐ"}
VARIANT_LABELS = {"chuyen-vien": "Chuyên viên", "lanh-dao-quan-ly": "Lãnh đạo quản lý", "ldhd": "LĐHĐ"}
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Phan", "Trịnh", "Đinh", "Lương", "Tạ", "Mai", "Cao")
MIDDLES = ("Văn", "Thị", "Minh", "Quang", "Thu", "Ngọc", "Đức", "Hữu", "Thanh", "Xuân", "Kim", "Bảo")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hằng", "Hiếu", "Hoa",
         "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc",
         "Nhung", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang",
         "Trung", "Tuấn", "Vân", "Việt", "Yến", "Hòa")
BONUS_NOTES = (
    "Tham mưu triển khai mô hình “Một cửa không giấy tờ”, được Chủ tịch UBND ghi nhận",
    "Đề xuất giải pháp rút ngắn thời gian giải quyết hồ sơ, được phê duyệt",
    "Hoàn thành xuất sắc nhiệm vụ đột xuất phòng chống lụt bão",
)
EXCEL_EPOCH = date(1899, 12, 30)

# one <c> element: its reference, its attributes, and either "/>" or a body up to "</c>"
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_STYLE = re.compile(r' s="([0-9]+)"')
_FORMULA = re.compile(r"<f>.*?</f>", re.S)


# ---------------------------------------------------------------------------------------------
# Templates cut into skeletons


@dataclass
class Skeleton:
    """A variant's template: the zip members, and the sheet XML as fixed text and slots."""

    variant: object
    layout: object
    infos: list                  # zipfile.ZipInfo of every member, in order
    blobs: dict                  # member name → bytes (the sheet's bytes are rebuilt per file)
    parts: list                  # fixed text, slot, fixed text, slot, … (slots at odd indexes)
    slots: dict                  # slot key → index in ``parts``
    styles: dict                 # slot key → ' s="N"' (or "")
    formulas: dict               # slot key → the cell's <f>…</f>


def _slot_keys(variant, lay) -> dict[str, str]:
    """A1 cell → slot key, for every cell a filled sheet changes."""
    keys: dict[str, str] = {}
    for c, _depth in variant.walk():
        for col in ("self", "leader"):
            keys[lay.cell(c.code, col)] = f"{col}:{c.code}"
    for col in ("self", "leader"):
        keys[lay.cell("TOTAL", col)] = f"{col}:TOTAL"
    for key, cell in lay.fields.items():
        if key not in ("month", "year"):
            keys[cell] = f"field:{key}"
    keys[f"A{lay.last_row}"] = "signature"   # =IF(B7="","",B7): the name under the signature
    return keys


def build_skeleton(fw, variant, month: tuple[int, int], workdir: Path) -> Skeleton:
    path = workdir / f"{variant.id}.xlsx"
    lay = write_template(path, fw, variant, Prefill(year=month[0], month=month[1]))
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        blobs = {i.filename: zf.read(i.filename) for i in infos}
    xml = blobs[SHEET_MEMBER].decode("utf-8")
    wanted = _slot_keys(variant, lay)
    parts: list = []
    slots: dict[str, int] = {}
    styles: dict[str, str] = {}
    formulas: dict[str, str] = {}
    pos = 0
    for m in _CELL.finditer(xml):
        key = wanted.get(m.group(1))
        if key is None:
            continue
        parts.append(xml[pos:m.start()])
        slots[key] = len(parts)
        parts.append(m.group(0))                # the template's own cell: the default
        style = _STYLE.search(m.group(2))
        styles[key] = f' s="{style.group(1)}"' if style else ""
        f = _FORMULA.search(m.group(3) or "")
        if f:
            formulas[key] = f.group(0)
        pos = m.end()
    parts.append(xml[pos:])
    missing = sorted(set(wanted.values()) - set(slots))
    if missing:
        raise SystemExit(f"template {variant.id}: cells not found in the sheet XML: {missing}")
    if "signature" not in formulas:
        raise SystemExit(f"template {variant.id}: no name formula at A{lay.last_row}")
    return Skeleton(variant, lay, infos, blobs, parts, slots, styles, formulas)


# ---------------------------------------------------------------------------------------------
# Scores, in half points (every step in the preset is 0.5)


def _h(x: Decimal) -> int:
    return int(x * 2)


def _num(half: int) -> str:
    return str(half // 2) if half % 2 == 0 else f"{half // 2}.5"


def _share_for(ii2_half: int) -> int:
    """A completion share (percent) inside the band that II.2's points belong to."""
    p2 = ii2_half  # points × 2
    if p2 >= 90:
        return 90 + (p2 - 90)          # 45 → 90 %, 50 → 100 %
    if p2 >= 80:
        return 80 + (p2 - 80)
    if p2 >= 70:
        return 70 + (p2 - 70)
    return 60


class Scorer:
    """Leaf scores for a target, sums up the tree, grades."""

    def __init__(self, fw, variant) -> None:
        self.fw = fw
        self.variant = variant
        self.nodes = [c for c, _ in variant.walk()]
        self.leaves = [c for c in self.nodes if c.is_leaf]
        self.score_leaves = [c for c in self.leaves if c.kind == "score"]
        self.bonus_leaves = [c for c in self.leaves if c.kind == "bonus"]
        self.max = {c.code: _h(c.max) for c in self.leaves}
        self.ii2 = next(c.code for c in self.leaves if c.completion_bands)
        self.others = [c.code for c in self.score_leaves if c.code != self.ii2]
        self.full = sum(self.max[c.code] for c in self.score_leaves)
        self._grades: dict[int, str] = {}

    def plan(self, rng: random.Random, target_half: int, bonus_half: int) -> dict[str, int | None]:
        values: dict[str, int | None] = {c.code: self.max[c.code] for c in self.score_leaves}
        values.update({c.code: None for c in self.bonus_leaves})
        short = self.full - target_half
        from_ii2 = min(short, int(short * 0.6), 20)
        values[self.ii2] -= from_ii2
        short -= from_ii2
        while short > 0:
            code = rng.choice(self.others)
            if values[code] - 1 >= (self.max[code] + 1) // 2:
                values[code] -= 1
                short -= 1
        left = bonus_half
        for c in self.bonus_leaves:
            if left <= 0:
                break
            give = min(left, self.max[c.code])
            values[c.code] = give
            left -= give
        return values

    def sums(self, leaves: dict[str, int | None]) -> tuple[dict[str, int | None], int]:
        """Every node's value (None when all its leaves are blank) and the grand total."""
        out: dict[str, int | None] = {}

        def value(c) -> int | None:
            if c.is_leaf:
                v = leaves.get(c.code)
            else:
                kids = [(ch, value(ch)) for ch in c.children]
                if all(v is None for _ch, v in kids):
                    v = None
                else:
                    add = sum(v for ch, v in kids if v is not None and ch.kind != "deduction")
                    sub = sum(v for ch, v in kids if v is not None and ch.kind == "deduction")
                    v = max(0, add - sub) if sub else add
            out[c.code] = v
            return v

        tops = [value(c) for c in self.variant.criteria]
        total = sum(v for c, v in zip(self.variant.criteria, tops) if v is not None and c.kind != "deduction")
        return out, total

    def grade(self, total_half: int) -> str:
        g = self._grades.get(total_half)
        if g is None:
            g = self._grades[total_half] = self.fw.grade_for(Decimal(total_half) / 2)
        return g


# ---------------------------------------------------------------------------------------------
# Cells


def _inline(ref: str, style: str, text: str) -> str:
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _number(ref: str, style: str, value: str) -> str:
    return f'<c r="{ref}"{style}><v>{value}</v></c>'


@dataclass
class Person:
    index: int
    id: str
    name: str
    unit: str
    variant: str


def people(n: int, seed: int, id_prefix: str = "BM", unit_prefix: str = "Đơn vị") -> list[Person]:
    rng = random.Random(seed)
    weights = [w for _v, w in VARIANT_MIX]
    variants = [v for v, _w in VARIANT_MIX]
    out = []
    for i in range(n):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        out.append(Person(i, f"{id_prefix}{i + 1:06d}", name, f"{unit_prefix} {i // UNIT_SIZE + 1:03d}",
                          rng.choices(variants, weights)[0]))
    return out


def sheet_xml(sk: Skeleton, scorer: Scorer, person: Person, month: tuple[int, int],
              rng: random.Random) -> bytes:
    lay = sk.layout
    k = person.index % UNIT_SIZE
    if k % 10 == 0:                                   # A: full marks plus a bonus
        target, bonus = scorer.full, rng.choice((4, 6, 8))
    elif person.index % 37 == 5:                      # C
        target, bonus = rng.choice((124, 130, 136)), 0
    else:                                             # B
        target, bonus = rng.randrange(150, 176), 0
    selfv = scorer.plan(rng, target, bonus)
    leader = dict(selfv)
    if not bonus and rng.random() < 0.3:
        code = rng.choice(scorer.others)
        if leader[code]:
            leader[code] -= 1
    self_nodes, self_total = scorer.sums(selfv)
    lead_nodes, lead_total = scorer.sums(leader)

    parts = list(sk.parts)
    slots, styles, formulas = sk.slots, sk.styles, sk.formulas

    def put(key: str, xml: str) -> None:
        parts[slots[key]] = xml

    for col, nodes, total in (("self", self_nodes, self_total), ("leader", lead_nodes, lead_total)):
        for c in scorer.nodes:
            v = nodes[c.code]
            if v is None:
                continue                              # stays the template's blank cell
            key = f"{col}:{c.code}"
            ref = lay.cell(c.code, col)
            if c.is_leaf:
                put(key, _number(ref, styles[key], _num(v)))
            else:
                put(key, f'<c r="{ref}"{styles[key]}>{formulas[key]}<v>{_num(v)}</v></c>')
        key = f"{col}:TOTAL"
        put(key, f'<c r="{lay.cell("TOTAL", col)}"{styles[key]}>{formulas[key]}<v>{_num(total)}</v></c>')

    f = lay.fields
    for key, text in (("name", person.name), ("id", person.id),
                      ("position", POSITIONS[person.variant]), ("unit", person.unit)):
        put(f"field:{key}", _inline(f[key], styles[f"field:{key}"], text))
    sig = f"A{lay.last_row}"
    put("signature", f'<c r="{sig}"{styles["signature"]} t="str">{formulas["signature"]}'
                     f'<v>{escape(person.name)}</v></c>')
    if "completion_share" in f:
        put("field:completion_share", _number(f["completion_share"], styles["field:completion_share"],
                                              str(_share_for(selfv[scorer.ii2]))))
    put("field:self_grade", _inline(f["self_grade"], styles["field:self_grade"], scorer.grade(self_total)))
    put("field:decided_grade", _inline(f["decided_grade"], styles["field:decided_grade"],
                                       scorer.grade(lead_total)))
    year, mon = month
    december = mon == 12
    self_day = rng.choice((10, 11, 12, 13)) if december else rng.choice((21, 22, 23, 24))
    lead_day = 14 if december else 25
    for key, day in (("self_date", self_day), ("leader_date", lead_day), ("head_date", lead_day)):
        serial = (date(year, mon, day) - EXCEL_EPOCH).days
        put(f"field:{key}", _number(f[key], styles[f"field:{key}"], str(serial)))
    if bonus:
        put("field:bonus_note", _inline(f["bonus_note"], styles["field:bonus_note"], rng.choice(BONUS_NOTES)))
    return "".join(parts).encode("utf-8")


def write_xlsx(path: Path, sk: Skeleton, sheet: bytes) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for info in sk.infos:
            data = sheet if info.filename == SHEET_MEMBER else sk.blobs[info.filename]
            zf.writestr(info, data, compress_type=info.compress_type)


def file_name(p: Person) -> str:
    return f"{p.id}.xlsx"


# ---------------------------------------------------------------------------------------------


def write_roster(path: Path, persons: list[Person]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["STT", "Mã", "Họ và tên", "Đơn vị", "Chức vụ", "Nhóm", "Bảng điểm"])
        for p in persons:
            w.writerow([p.index + 1, p.id, p.name, p.unit, POSITIONS[p.variant], GROUPS[p.variant],
                        VARIANT_LABELS[p.variant]])


UNIT_FILE = """\
# Đơn vị giả lập cho benchmark / a synthetic unit for the benchmark (benchmarks/generate.py)
unit: {unit}
framework: {framework}
roster: danh-sach.csv
"""


def generate(n: int, outdir: str | Path, seed: int = 1, month: tuple[int, int] = (2026, 10),
             roster: bool = True, id_prefix: str = "BM", unit: str = "Huyện Mẫu",
             unit_prefix: str = "Đơn vị") -> list[Path]:
    """Write ``n`` scoresheets into ``outdir`` (created; existing ``{id_prefix}*.xlsx`` are
    replaced). ``id_prefix`` / ``unit`` / ``unit_prefix`` keep several generated units apart
    (``benchmarks/city.py``: one per ward)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob(f"{id_prefix}*.xlsx"):
        old.unlink()
    fw = config.framework_for(config.UnitConfig(framework=FRAMEWORK))
    with tempfile.TemporaryDirectory(prefix="danhgia-bench-") as tmp:
        skeletons = {v.id: build_skeleton(fw, v, month, Path(tmp)) for v in fw.variants}
    scorers = {vid: Scorer(fw, sk.variant) for vid, sk in skeletons.items()}
    persons = people(n, seed, id_prefix, unit_prefix)
    rng = random.Random(seed * 7919 + 1)
    paths = []
    for p in persons:
        sk = skeletons[p.variant]
        target = outdir / file_name(p)
        write_xlsx(target, sk, sheet_xml(sk, scorers[p.variant], p, month, rng))
        paths.append(target)
    roster_path, unit_path = outdir / "danh-sach.csv", outdir / "danhgia.yaml"
    if roster:
        write_roster(roster_path, persons)
        unit_path.write_text(UNIT_FILE.format(framework=FRAMEWORK, unit=unit), encoding="utf-8")
    else:
        for stale in (roster_path, unit_path):
            if stale.exists():
                stale.unlink()
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of scoresheets")
    ap.add_argument("outdir", help="folder to write them into")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--month", default="2026-10", help="YYYY-MM (default 2026-10)")
    ap.add_argument("--no-roster", action="store_true", help="no danh-sach.csv / danhgia.yaml")
    a = ap.parse_args(argv)
    y, m = (int(x) for x in a.month.split("-"))
    t0 = time.perf_counter()
    paths = generate(a.n, a.outdir, a.seed, (y, m), roster=not a.no_roster)
    dt = time.perf_counter() - t0
    size = sum(os.path.getsize(p) for p in paths)
    print(f"wrote {len(paths)} scoresheets ({size / 1e6:.1f} MB) into {a.outdir} in {dt:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
