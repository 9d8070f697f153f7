"""Where do ``danhgia validate --jobs 1`` and ``tally`` spend their time? Stage timings, no profiler.

    python benchmarks/profile_stages.py benchmarks/data/5000 [--month 2026-10] [--cprofile 25]

Runs, in this process and on the same files, the steps ``danhgia validate DIR --jobs 1`` takes
(the same library calls as ``danhgia.cli.validate_cmd`` and ``danhgia.pipeline``) and times
each with ``time.perf_counter``, so the shares are not distorted by a profiler's per-call cost:

* start-up: a ``python -m danhgia --version`` process (interpreter, Typer, the CLI modules);
* preparing: unit file, framework, roster; collecting the input files;
* per file: SHA-256 of the file, the guard, calamine (open, sheet, ``to_python``, merged
  ranges, as ``read_file`` calls them), ``locate``, ``check_sheet`` (every check);
* after: the run-level roster checks, ``Report.build`` and the JSON rendering;
* what ``tally`` adds in its main process (``danhgia.cli.tally_cmd``): ``split_inputs`` (is
  any input a sub-unit's tally workbook?), ``monthly.decide``, ``tally_writer.write`` and the
  filter of the run's files by real path;

next to the bare python-calamine loop of ``run.py``. ``--cprofile N`` then also prints the N
functions with the most own time over the per-file work (cProfile: shares are inflated for
Python code with many small calls, so read them next to the timings above).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum

from danhgia import config as cfg_mod
from danhgia import pipeline
from danhgia.read import roster as roster_mod
from danhgia.read import guard
from danhgia.read.locate import locate
from danhgia.read.workbook import frameworks_by_variant, roster_variants
from danhgia.text import parse_year_month
from danhgia.model import ReadContext
from danhgia.report import Report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import calamine_loop  # noqa: E402


def startup_seconds(repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "danhgia", "--version"], capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def prepare(folder: Path) -> ReadContext:
    cfg = cfg_mod.discover([folder])
    ctx = ReadContext(config=cfg, framework_ref=None, limits=cfg.limits)
    ctx.framework_for()
    ref = cfg.resolve_path(cfg.roster)
    if ref:
        ctx.roster = roster_mod.load(ref)
        for p in ctx.roster.people:
            ctx.framework_for(p.variant, p.group)
    return ctx


def timed_checks(t: dict[str, float]) -> None:
    """Make ``check_sheet`` time each sheet check (lazy totals count in the first check that
    asks for them) and the roster checks."""
    from danhgia import checks
    from danhgia.checks import roster as roster_checks

    original = checks.sheet_checks()
    pc = time.perf_counter

    def wrap(fn, name):
        def run(sheet, env):
            t0 = pc()
            out = list(fn(sheet, env))
            t[name] += pc() - t0
            return out
        return run

    wrapped = [wrap(fn, f"  check {fn.__module__.rsplit('.', 1)[-1]}") for fn in original]
    checks.sheet_checks = lambda: wrapped
    roster_checks.check = wrap(roster_checks.check, "  check roster (per sheet)")


def per_file(tasks, ctx, month, t: dict[str, float]) -> list:
    """``pipeline.process_file`` → ``read.workbook.read_file`` cut into its stages (the same
    calls, timed): the guard reads the bytes once (``guard.inspect``), the tool's mark comes
    from the bytes the guard checked, calamine parses those bytes (``from_filelike``), then
    ``locate`` and ``check_sheet``. validate hashes nothing; tally's SHA-256 of the same bytes
    is timed apart ("sha256 (tally only)") and left out of validate's estimate."""
    import hashlib
    import io

    from danhgia.read.mark import read_mark

    limits = ctx.get_limits()
    frameworks = frameworks_by_variant(ctx)
    rvariants = roster_variants(ctx)
    pc = time.perf_counter
    outcomes = []
    for task in tasks:
        t1 = pc()
        insp = guard.inspect(task.path, task.display, limits)
        read_mark(task.path, ".xlsx", insp.data, insp.custom)
        t2 = pc()
        hashlib.sha256(insp.data).hexdigest()
        t2b = pc()
        wb = CalamineWorkbook.from_filelike(io.BytesIO(insp.data))
        t3 = pc()
        grids = []
        for meta in wb.sheets_metadata[: limits.max_sheets]:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sh = wb.get_sheet_by_name(meta.name)
            grid = sh.to_python(skip_empty_area=False, nrows=limits.max_rows)
            merged = sh.merged_cell_ranges
            grids.append((meta.name, grid, merged))
        wb.close()
        t4 = pc()
        sheets = [s for name, grid, merged in grids
                  if (s := locate(grid, name, frameworks, file=task.display, merged=merged,
                                  roster_variants=rvariants)) is not None]
        t5 = pc()
        fo = pipeline.FileOutcome(file=task.display, path=task.path)
        fo.sheets = [pipeline.check_sheet(s, ctx, month) for s in sheets]
        t6 = pc()
        outcomes.append(fo)
        t["guard + mark"] += t2 - t1
        t["sha256 (tally only)"] += t2b - t2
        t["calamine open"] += t3 - t2b
        t["calamine sheet + to_python + merged"] += t4 - t3
        t["locate"] += t5 - t4
        t["check_sheet"] += t6 - t5
    return outcomes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--month", default="2026-10")
    ap.add_argument("--cprofile", type=int, default=0, metavar="N")
    a = ap.parse_args(argv)
    folder = Path(a.folder)
    month = parse_year_month(a.month)
    pc = time.perf_counter
    t: dict[str, float] = defaultdict(float)

    t["start-up (python -m danhgia --version)"] = startup_seconds()
    t0 = pc()
    ctx = prepare(folder)
    t["unit file, framework, roster"] = pc() - t0
    t0 = pc()
    tasks = pipeline.collect([folder], ctx.get_limits())
    t["collect"] = pc() - t0
    t0 = pc()
    per_file(tasks[:50], ctx, month, defaultdict(float))          # warm caches, as a long run does
    sub: dict[str, float] = defaultdict(float)
    timed_checks(sub)
    warm = pc() - t0
    t0 = pc()
    files = per_file(tasks, ctx, month, t)
    t_files = pc() - t0 - t["sha256 (tally only)"]
    t0 = pc()
    result = pipeline.RunResult(files=files, month=month)
    result.findings = _run_check(result, ctx, month)
    t["run-level roster checks"] = pc() - t0
    t0 = pc()
    report = Report.build(result)
    t["Report.build"] = pc() - t0
    t0 = pc()
    json.dumps(report.to_json("vi"), ensure_ascii=False, indent=2, default=str)
    t["JSON"] = pc() - t0

    tally_t = tally_stages(folder, ctx, result, month)

    t0 = pc()
    calamine_loop(folder)
    bare = pc() - t0
    n = len(tasks)
    total = sum(v for k, v in t.items() if k != "sha256 (tally only)")     # validate's stages
    print(f"{n} files; findings: {len(report.findings)}; warm-up of 50 files {warm:.2f} s (not counted)\n")
    print(f"{'stage':<42} {'seconds':>8} {'ms/file':>8} {'share':>6}")
    for k, v in t.items():
        print(f"{k:<42} {v:8.2f} {1000 * v / n:8.3f} {100 * v / total:5.1f}%")
    print(f"{'total (validate: without sha256)':<42} {total:8.2f} {1000 * total / n:8.3f}")
    print(f"{'(per-file stages only)':<42} {t_files:8.2f} {1000 * t_files / n:8.3f}")
    print("\ninside check_sheet:")
    for k, v in sorted(sub.items(), key=lambda kv: -kv[1]):
        print(f"{k:<42} {v:8.2f} {1000 * v / n:8.3f} {100 * v / t['check_sheet']:5.1f}% of check_sheet")
    print(f"\nbare calamine loop (run.py): {bare:.2f} s, {1000 * bare / n:.3f} ms/file; "
          f"validate j1 estimate / calamine = {bare / total:.2f}")

    print("\nwhat tally adds, in its main process (serial, whatever --jobs):")
    for k, v in tally_t.items():
        print(f"{k:<42} {v:8.2f} {1000 * v / n:8.3f}")
    print(f"{'total':<42} {sum(tally_t.values()):8.2f} {1000 * sum(tally_t.values()) / n:8.3f}")

    if a.cprofile:
        prof = cProfile.Profile()
        prof.enable()
        per_file(tasks, ctx, month, defaultdict(float))
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(a.cprofile)
        print(s.getvalue())
    return 0


def tally_stages(folder: Path, ctx, result, month) -> dict[str, float]:
    import os
    import tempfile

    from danhgia import monthly
    from danhgia.cli.tally_cmd import split_inputs
    from danhgia.write import tally as tally_writer

    pc = time.perf_counter
    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tally.xlsx"
        t0 = pc()
        _paths, _tallies, skip = split_inputs([folder], out)
        t["split_inputs (is_tally_workbook per file)"] = pc() - t0
        t0 = pc()
        result.files = [fo for fo in result.files if os.path.realpath(fo.path) not in skip]
        t["realpath filter of the run's files"] = pc() - t0
        t0 = pc()
        res = monthly.decide(result, ctx, month)
        t["monthly.decide"] = pc() - t0
        t0 = pc()
        tally_writer.write(res, out)
        t["tally_writer.write"] = pc() - t0
    return t


def _run_check(result, ctx, month):
    from danhgia.checks import roster as roster_checks

    return list(roster_checks.run_check(result.sheets(), ctx.roster, month, ctx.framework_for,
                                        str(ctx.roster.source) if ctx.roster else None))


if __name__ == "__main__":
    sys.exit(main())
