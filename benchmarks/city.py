"""A simulated city month: W wards × N people tallied per ward, then rolled up into one city
workbook, with the time and the peak memory of each stage (issue 16).

    python benchmarks/city.py                      # 30 wards × 5,000 people (150,000 sheets)
    python benchmarks/city.py --wards 30 --people 500 --jobs 2

Stages, each a ``danhgia`` process measured like ``run.py`` measures (wall time; peak PSS of the
process tree, sampled; CPU of the tree):

1. per ward ``danhgia tally WARD/ --month 2026-10 --jobs J --out wards/WARD.xlsx`` (the ward's
   roster and unit file are next to its scoresheets, as ``generate.py`` writes them);
2. ``danhgia tally wards/ --month 2026-10 --out city.xlsx``: the roll-up of the ward workbooks.

The data (``benchmarks/data/city-W-N/``, git-ignored) is generated once; ids are unique across
the city (``P01000001`` …) so the roll-up sees every person once. The result is printed as a
Markdown table (``--readme`` puts it between the ``city:start`` / ``city:end`` marks of
``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import MONTH, Measurement, machine, measure, warm_cache  # noqa: E402

CITY_FILE = """\
# Thành phố giả lập cho benchmark / a synthetic city (benchmarks/city.py)
unit: Thành phố Mẫu
framework: hanoi-2022
"""


def ward_name(w: int) -> str:
    return f"phuong-{w:02d}"


def ensure_city(root: Path, wards: int, people: int) -> list[Path]:
    """``root/phuong-NN/`` with ``people`` scoresheets each (made when missing or different)."""
    import generate

    out = []
    month = tuple(int(x) for x in MONTH.split("-"))
    for w in range(1, wards + 1):
        folder = root / ward_name(w)
        stamp = folder / ".generated.json"
        want = {"n": people, "seed": w, "month": MONTH, "ward": w}
        if not stamp.exists() or json.loads(stamp.read_text()) != want:
            t0 = time.perf_counter()
            generate.generate(people, folder, seed=w, month=month, id_prefix=f"P{w:02d}",
                              unit=f"UBND Phường {w:02d}", unit_prefix=f"P{w:02d} · Tổ")
            stamp.write_text(json.dumps(want))
            print(f"generated {folder} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
        out.append(folder)
    return out


def run_city(root: Path, folders: list[Path], jobs: int, work: Path) -> dict:
    py = [sys.executable, "-m", "danhgia"]
    wards_dir = work / "wards"
    wards_dir.mkdir(parents=True, exist_ok=True)
    (wards_dir / "danhgia.yaml").write_text(CITY_FILE, encoding="utf-8")
    per_ward: list[Measurement] = []
    for folder in folders:
        warm_cache(folder)
        out = wards_dir / f"{folder.name}.xlsx"
        m = measure(py + ["tally", str(folder), "--month", MONTH, "--jobs", str(jobs), "--out", str(out),
                          "--force"])
        per_ward.append(m)
        print(f"  {folder.name}: {m.seconds:.1f} s, {m.tree_peak_mb:.0f} MB, other load {m.others_cores:.2f}",
              file=sys.stderr)
    city_out = work / "city.xlsx"
    roll = measure(py + ["tally", str(wards_dir), "--month", MONTH, "--out", str(city_out), "--force"])
    return {"wards": per_ward, "rollup": roll, "city_bytes": city_out.stat().st_size}


def table(res: dict, wards: int, people: int, jobs: int) -> str:
    ws: list[Measurement] = res["wards"]
    roll: Measurement = res["rollup"]
    total = sum(m.seconds for m in ws) + roll.seconds
    sheets = wards * people
    lines = [
        f"{wards} wards × {people:,} people = {sheets:,} scoresheets; ward tallies with `--jobs {jobs}`, "
        f"one after another. *Other load*: CPU the rest of the machine used meanwhile (cores).",
        "",
        "| stage | time (s) | peak PSS, whole tree (MB) | peak RSS, largest process (MB) | CPU (s) | other load |",
        "|---|---:|---:|---:|---:|---:|",
        f"| tally of one ward ({people:,} sheets): mean | {sum(m.seconds for m in ws) / len(ws):.1f} | "
        f"{max(m.tree_peak_mb for m in ws):.0f} (max) | {max(m.rss_max_mb for m in ws):.0f} (max) | "
        f"{sum(m.cpu_s for m in ws) / len(ws):.1f} | {sum(m.others_cores for m in ws) / len(ws):.2f} |",
        f"| tally of all {wards} wards | {sum(m.seconds for m in ws):.1f} | | | {sum(m.cpu_s for m in ws):.1f} | |",
        f"| roll-up of the {wards} ward workbooks ({sheets:,} people) | {roll.seconds:.1f} | {roll.tree_peak_mb:.0f} | "
        f"{roll.rss_max_mb:.0f} | {roll.cpu_s:.1f} | {roll.others_cores:.2f} |",
        f"| **the city month** | **{total:.1f}** | {max([roll.tree_peak_mb] + [m.tree_peak_mb for m in ws]):.0f} | | | |",
    ]
    if (people < 5000 or wards < 30) and sheets >= 10_000:
        scale = 150_000 / sheets
        lines += ["", f"Reduced size: the full city month (30 × 5,000) would take about "
                      f"{total * scale:.0f} s if time grows linearly with the sheets (×{scale:.0f})."]
    return "\n".join(lines)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- city:start -->", "<!-- city:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _old, tail = rest.split(end, 1)
        text = f"{head}{start}\n{block}\n{end}{tail}"
    else:
        text += f"\n{start}\n{block}\n{end}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wards", type=int, default=30)
    ap.add_argument("--people", type=int, default=5000, help="scoresheets per ward")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--data", default=str(HERE / "data"))
    ap.add_argument("--readme", default="", help="write the table into this README")
    a = ap.parse_args(argv)
    root = Path(a.data) / f"city-{a.wards}-{a.people}"
    folders = ensure_city(root, a.wards, a.people)
    with tempfile.TemporaryDirectory(prefix="danhgia-city-") as tmp:
        res = run_city(root, folders, a.jobs, Path(tmp))
    m = machine()
    block = (f"Measured {m['date']} on commit `{m['commit']}` ({m['cpu']}, {m['cores']} cores, Python {m['python']}):\n\n"
             + table(res, a.wards, a.people, a.jobs))
    print(block)
    if a.readme:
        write_readme(Path(a.readme), block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
