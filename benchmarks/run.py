"""Time danhgia against a bare python-calamine loop and an openpyxl loop, on the same files.

    python benchmarks/run.py [--sizes 5000,20000] [--repeat 3] [--openpyxl-sample 500]
                             [--data benchmarks/data] [--readme benchmarks/README.md | --no-readme]

For each size N it makes (once; ``benchmarks/generate.py``, kept in ``--data``) a folder of N
filled scoresheets with their roster and unit file, then runs, each as a child process:

  calamine      a bare loop: ``CalamineWorkbook.from_path(p)``, every sheet ``.to_python()``
  openpyxl      ``load_workbook(p, data_only=True)`` (read_only=False: what a user's script
                does), every cell of every sheet via ``iter_rows(values_only=True)``; on the
                first ``--openpyxl-sample`` files only, reported as files/second
  validate-j1   ``danhgia validate DIR --month M --format json --jobs 1``
  validate-j2   the same with ``--jobs 2``
  tally-j2      ``danhgia tally DIR --month M --jobs 2 --out tmp.xlsx --force``

Wall time is the best of ``--repeat`` runs (the variants interleaved, so a noisy neighbour
hurts all of them alike); a run during which the rest of the machine kept more than
``--max-other-load`` cores busy (from /proc/stat) is done again, at most ``--retries`` times. Memory, worst over the runs, two ways: the exact peak RSS of the
largest process of the child's tree (``os.wait4`` rusage), and the peak of the sum of PSS
(proportional set size: pages a forked worker shares with its parent are split, not counted
twice) over the whole tree (the command and its worker processes), sampled from
/proc/PID/smaps_rollup every 50 ms.

Prints a table with files/second, the ratios the targets are about, and writes the results,
with the machine, between the markers of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
MONTH = "2026-10"
START, END = "<!-- results:start -->", "<!-- results:end -->"

# targets (issue 7, design.md §5), 2-core machine
# targets of issue 16
T_VS_CALAMINE = 0.5      # validate --jobs 1 files/s ≥ 0.5 × bare calamine
T_VS_OPENPYXL = 15.0     # validate --jobs 1 files/s ≥ 15 × openpyxl
T_J2_J1 = 1.7            # --jobs 2 ≥ 1.7 × --jobs 1
T_MEM_MB = 300.0         # peak memory of the tree
T_MEM_FLAT = 1.2         # 20,000 files within 1.2 × the memory of 5,000 ("flat")
T_TALLY = 1.3            # tally time ≤ 1.3 × validate --jobs 2 time
T_STARTUP = 0.3          # danhgia --version, seconds


# ---------------------------------------------------------------------------------------------
# The two bare loops (run in a child process: ``run.py --loop calamine|openpyxl DIR [LIMIT]``)


def scoresheet_files(folder: str | Path, limit: int | None = None) -> list[Path]:
    files = sorted(Path(folder).glob("*.xlsx"))
    return files[:limit] if limit else files


def calamine_loop(folder: str | Path, limit: int | None = None) -> int:
    """Read every sheet's values of every file with python-calamine; return the cell count."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for p in scoresheet_files(folder, limit):
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        wb.close()
    return cells


def openpyxl_loop(folder: str | Path, limit: int | None = None) -> int:
    """Read every cell of every sheet with openpyxl (load_workbook data_only, not read_only)."""
    import openpyxl

    cells = 0
    for p in scoresheet_files(folder, limit):
        wb = openpyxl.load_workbook(p, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return cells


LOOPS = {"calamine": calamine_loop, "openpyxl": openpyxl_loop}


# ---------------------------------------------------------------------------------------------
# Measuring a child process: wall time, peak RSS of its largest process, peak RSS of its tree


@dataclass
class Measurement:
    seconds: float
    rss_max_mb: float           # largest single process of the tree (exact, from wait4)
    tree_peak_mb: float         # PSS summed over the tree, sampled
    returncode: int
    cpu_s: float = 0.0          # user + system CPU of the tree (waited-for processes)
    others_cores: float = 0.0   # CPU the rest of the machine used meanwhile, in cores


def _cpu_busy() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / hz, sum(fields) / hz


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
        except OSError:
            pass
    return out


def _mem_kb(pid: int) -> int:
    """Proportional set size (shared pages split among the processes sharing them), else RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_mem_mb(root: int) -> float:
    """Sum of PSS over ``root`` and its descendants, in MB."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _mem_kb(pid)
        todo += _children(pid)
    return total / 1024


def measure(cmd: list[str], interval: float = 0.05, cwd: str | Path | None = None) -> Measurement:
    """Run ``cmd`` (output discarded) and measure it."""
    before = _cpu_busy()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_mem_mb(proc.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.stderr.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    after = _cpu_busy()
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n"
                           f"{err.decode('utf-8', 'replace')[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    others = 0.0
    if before and after:
        others = max(0.0, (after[0] - before[0]) - cpu) / seconds
    # a process too short for the sampler: its exact peak RSS stands in
    return Measurement(seconds, usage.ru_maxrss / 1024, peak or usage.ru_maxrss / 1024,
                       proc.returncode, cpu, others)


# ---------------------------------------------------------------------------------------------
# The variants


@dataclass
class Variant:
    name: str
    cmd: list[str]
    files: int                  # files the command reads (the openpyxl loop reads a sample)


def variants(folder: Path, n: int, openpyxl_sample: int, out: Path, month: str = MONTH) -> list[Variant]:
    py = sys.executable
    me = str(Path(__file__).resolve())
    dg = [py, "-m", "danhgia"]
    sample = min(openpyxl_sample, n)
    return [
        Variant("calamine", [py, me, "--loop", "calamine", str(folder)], n),
        Variant("openpyxl", [py, me, "--loop", "openpyxl", str(folder), str(sample)], sample),
        Variant("validate-j1", dg + ["validate", str(folder), "--month", month, "--format", "json",
                                     "--jobs", "1"], n),
        Variant("validate-j2", dg + ["validate", str(folder), "--month", month, "--format", "json",
                                     "--jobs", "2"], n),
        Variant("tally-j2", dg + ["tally", str(folder), "--month", month, "--jobs", "2",
                                  "--out", str(out), "--force"], n),
    ]


@dataclass
class Result:
    name: str
    files: int
    seconds: float = float("inf")        # best of the repeats
    rss_max_mb: float = 0.0              # worst of the repeats
    tree_peak_mb: float = 0.0
    cpu_s: float = 0.0                   # CPU seconds of the best run's process tree
    runs: list[float] = field(default_factory=list)
    others: list[float] = field(default_factory=list)   # cores busy elsewhere, per run

    @property
    def files_per_s(self) -> float:
        return self.files / self.seconds


def ensure_data(folder: Path, n: int, seed: int = 1) -> Path:
    """``folder`` holding exactly N generated scoresheets (made if missing or different)."""
    sys.path.insert(0, str(HERE))
    import generate

    have = len(list(folder.glob("BM*.xlsx"))) if folder.is_dir() else 0
    stamp = folder / ".generated.json"
    want = {"n": n, "seed": seed, "month": MONTH}
    if have != n or not stamp.exists() or json.loads(stamp.read_text()) != want:
        t0 = time.perf_counter()
        generate.generate(n, folder, seed=seed, month=tuple(int(x) for x in MONTH.split("-")))
        stamp.write_text(json.dumps(want))
        print(f"generated {n} scoresheets in {folder} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return folder


def warm_cache(folder: Path) -> None:
    """Read every file once so that no variant pays for the first read from disk."""
    for p in folder.iterdir():
        if p.is_file():
            with open(p, "rb") as fh:
                while fh.read(1 << 20):
                    pass


def bench_size(folder: Path, n: int, repeat: int, openpyxl_sample: int, tmp: Path,
               only: set[str] | None = None, max_other: float = 0.3, retries: int = 2) -> dict[str, Result]:
    """Every variant ``repeat`` times, interleaved. A run during which the rest of the machine
    kept more than ``max_other`` cores busy is done again (at most ``retries`` times)."""
    vs = [v for v in variants(folder, n, openpyxl_sample, tmp / f"tally-{n}.xlsx")
          if only is None or v.name in only]
    results = {v.name: Result(v.name, v.files) for v in vs}
    warm_cache(folder)
    for r in range(repeat):
        for v in vs:
            for attempt in range(retries + 1):
                m = measure(v.cmd)
                if m.others_cores <= max_other or attempt == retries:
                    break
                print(f"  N={n} run {r + 1}/{repeat} {v.name:<12} {m.seconds:8.2f} s  busy machine "
                      f"({m.others_cores:.2f} cores used elsewhere): again", file=sys.stderr, flush=True)
                time.sleep(5)
            res = results[v.name]
            res.runs.append(round(m.seconds, 3))
            res.others.append(round(m.others_cores, 2))
            if m.seconds < res.seconds:
                res.seconds, res.cpu_s = m.seconds, m.cpu_s
            res.rss_max_mb = max(res.rss_max_mb, m.rss_max_mb)
            res.tree_peak_mb = max(res.tree_peak_mb, m.tree_peak_mb)
            print(f"  N={n} run {r + 1}/{repeat} {v.name:<12} {m.seconds:8.2f} s  "
                  f"{v.files / m.seconds:8.1f} files/s  rss {m.rss_max_mb:6.0f} MB  "
                  f"tree {m.tree_peak_mb:6.0f} MB  cpu {m.cpu_s:7.2f} s  others {m.others_cores:4.2f} cores  "
                  f"exit {m.returncode}", file=sys.stderr, flush=True)
    return results


# ---------------------------------------------------------------------------------------------
# Report


def ratios(res: dict[str, Result]) -> dict[str, float]:
    out: dict[str, float] = {}
    fps = {k: r.files_per_s for k, r in res.items()}
    if "validate-j1" in fps and "calamine" in fps:
        out["j1/calamine"] = fps["validate-j1"] / fps["calamine"]
    if "validate-j1" in fps and "openpyxl" in fps:
        out["j1/openpyxl"] = fps["validate-j1"] / fps["openpyxl"]
    if "validate-j2" in fps and "validate-j1" in fps:
        out["j2/j1"] = fps["validate-j2"] / fps["validate-j1"]
    if "tally-j2" in res and "validate-j2" in res:
        out["tally/j2 time"] = res["tally-j2"].seconds / res["validate-j2"].seconds
    return out


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    libs = {}
    for dist in ("danhgia", "python-calamine", "openpyxl", "XlsxWriter"):
        try:
            libs[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            libs[dist] = "-"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"cpu": cpu or platform.processor() or "?", "cores": str(os.cpu_count()), "ram": ram,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(),
            "libraries": ", ".join(f"{k} {v}" for k, v in libs.items()),
            "commit": commit, "date": datetime.now().strftime("%Y-%m-%d %H:%M")}


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("met" if flag else "**MISSED**")


def startup(repeat: int = 5) -> dict[str, float]:
    """Best wall time of ``danhgia --version`` and ``danhgia --help`` (fresh interpreters)."""
    out = {}
    for label, args in (("--version", ["--version"]), ("--help", ["--help"])):
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "danhgia", *args], capture_output=True, check=True)
            best = min(best, time.perf_counter() - t0)
        out[label] = best
    return out


def targets(all_res: dict[int, dict[str, Result]], start: dict[str, float] | None = None) -> list[tuple[str, str, str]]:
    """(target, measured, met?) rows."""
    rows = []
    if start:
        rows.append((f"start-up (danhgia --version) ≤ {T_STARTUP} s",
                     " · ".join(f"{k} {v:.2f} s" for k, v in start.items()), _ok(start["--version"] <= T_STARTUP)))
    sizes = sorted(all_res)
    big = sizes[-1]
    rb = ratios(all_res[big])
    per = lambda key: " · ".join(f"{ratios(all_res[n]).get(key, float('nan')):.2f} @ {n:,}" for n in sizes)  # noqa: E731
    if "j1/calamine" in rb:
        rows.append((f"validate --jobs 1 ≥ {T_VS_CALAMINE}× bare calamine (files/s)", per("j1/calamine"),
                     _ok(all(ratios(all_res[n])["j1/calamine"] >= T_VS_CALAMINE for n in sizes))))
    if "j1/openpyxl" in rb:
        rows.append((f"validate --jobs 1 ≥ {T_VS_OPENPYXL:.0f}× openpyxl (files/s)", per("j1/openpyxl"),
                     _ok(all(ratios(all_res[n])["j1/openpyxl"] >= T_VS_OPENPYXL for n in sizes))))
    if "j2/j1" in rb:
        rows.append((f"--jobs 2 ≥ {T_J2_J1}× --jobs 1", per("j2/j1"),
                     _ok(all(ratios(all_res[n])["j2/j1"] >= T_J2_J1 for n in sizes))))
    danhgia = [k for k in ("validate-j1", "validate-j2", "tally-j2") if k in all_res[big]]
    if danhgia:
        worst = max(all_res[n][k].tree_peak_mb for n in sizes for k in danhgia)
        rows.append((f"peak memory < {T_MEM_MB:.0f} MB (PSS of the process tree)",
                     f"{worst:.0f} MB", _ok(worst < T_MEM_MB)))
        if len(sizes) > 1:
            small = sizes[0]
            growth = max(all_res[big][k].tree_peak_mb / all_res[small][k].tree_peak_mb for k in danhgia)
            rows.append((f"memory flat from {small:,} to {big:,} files (≤ {T_MEM_FLAT}×)",
                         f"{growth:.2f}×", _ok(growth <= T_MEM_FLAT)))
    if "tally/j2 time" in rb:
        rows.append((f"tally of {big:,} ≤ {T_TALLY}× validate --jobs 2 time", f"{rb['tally/j2 time']:.2f}×",
                     _ok(rb["tally/j2 time"] <= T_TALLY)))
    return rows


def table(all_res: dict[int, dict[str, Result]], openpyxl_sample: int) -> str:
    lines = ["| files | variant | best time (s) | files/s | CPU of the tree (s) | "
             "peak RSS, largest process (MB) | peak PSS, whole tree (MB) | other load (cores) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for n in sorted(all_res):
        for name, r in all_res[n].items():
            label = name + (f" (sample of {r.files})" if name == "openpyxl" and r.files != n else "")
            load = sum(r.others) / len(r.others) if r.others else 0.0
            lines.append(f"| {n:,} | {label} | {r.seconds:.2f} | {r.files_per_s:.1f} | {r.cpu_s:.2f} | "
                         f"{r.rss_max_mb:.0f} | {r.tree_peak_mb:.0f} | {load:.2f} |")
    lines += ["", "| files | validate j1 / calamine | validate j1 / openpyxl | j2 / j1 | "
                  "tally time / validate j2 time |", "|---:|---:|---:|---:|---:|"]
    for n in sorted(all_res):
        r = ratios(all_res[n])
        cell = lambda k: f"{r[k]:.2f}" if k in r else "—"  # noqa: E731
        lines.append(f"| {n:,} | {cell('j1/calamine')} | {cell('j1/openpyxl')} | {cell('j2/j1')} | "
                     f"{cell('tally/j2 time')} |")
    return "\n".join(lines)


def report_md(all_res: dict[int, dict[str, Result]], repeat: int, openpyxl_sample: int,
              mach: dict[str, str], start: dict[str, float] | None = None) -> str:
    out = [f"Measured {mach['date']} on commit `{mach['commit']}`: best of {repeat} run(s) per variant; "
           f"openpyxl on the first {openpyxl_sample} files of each folder. *Other load* is the CPU the "
           "rest of the machine used during the runs (mean, in cores): on 2 cores, 1.0 means only one "
           "core was left for the benchmark.", "",
           f"- Machine: {mach['cpu']}, {mach['cores']} cores, {mach['ram']} RAM, {mach['os']}",
           f"- Python {mach['python']}; {mach['libraries']}", "",
           table(all_res, openpyxl_sample), "", "| target | measured | |", "|---|---|---|"]
    out += [f"| {t} | {m} | {ok} |" for t, m, ok in targets(all_res, start)]
    return "\n".join(out)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmark\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{block}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--loop"]:                       # a child process: one bare loop
        _flag, which, folder, *rest = argv
        LOOPS[which](folder, int(rest[0]) if rest else None)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="5000,20000", help="comma-separated file counts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--openpyxl-sample", type=int, default=500)
    ap.add_argument("--data", default=str(HERE / "data"), help="where the generated folders live")
    ap.add_argument("--only", default="", help="comma-separated variants to run (default: all)")
    ap.add_argument("--max-other-load", type=float, default=0.3,
                    help="redo a run while others used more cores than this (default 0.3)")
    ap.add_argument("--retries", type=int, default=2, help="at most this many redos per run")
    ap.add_argument("--readme", default=str(HERE / "README.md"))
    ap.add_argument("--no-readme", action="store_true", help="print only")
    ap.add_argument("--json", default="", help="also write the raw results here")
    a = ap.parse_args(argv)
    # byte-compile danhgia once, as an installed package is (this environment may set
    # PYTHONDONTWRITEBYTECODE, which would charge every command for compiling it again)
    import compileall
    import danhgia

    compileall.compile_dir(str(Path(danhgia.__file__).parent), quiet=1)
    sizes = [int(x) for x in a.sizes.split(",") if x.strip()]
    only = {x.strip() for x in a.only.split(",") if x.strip()} or None
    data = Path(a.data)
    tmp = data / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    all_res: dict[int, dict[str, Result]] = {}
    for n in sizes:
        folder = ensure_data(data / str(n), n)
        all_res[n] = bench_size(folder, n, a.repeat, a.openpyxl_sample, tmp, only,
                                a.max_other_load, a.retries)
    mach = machine()
    start = startup()
    block = report_md(all_res, a.repeat, a.openpyxl_sample, mach, start)
    print(block)
    if a.json:
        Path(a.json).write_text(json.dumps({"machine": mach, "results": {
            n: {k: {**asdict(r), "files_per_s": r.files_per_s} for k, r in res.items()}
            for n, res in all_res.items()}}, indent=1), encoding="utf-8")
    if not a.no_readme:
        write_readme(Path(a.readme), block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
