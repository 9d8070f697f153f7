"""A month's and a year's results as pandas DataFrames, for analysts working in Jupyter.

    >>> import danhgia.frames as dgf
    >>> m = dgf.month("examples/2026-10", "2026-10")          # scoresheets, as ``danhgia tally``
    >>> m.people.groupby(["unit", "grade"]).size()
    >>> y = dgf.year(["out/tong-hop-2026-01.xlsx", ...], 2026, roster="examples/danh-sach.xlsx")
    >>> y.people[["name", "final", "mean"]]

Each call returns :class:`Frames`: ``people`` (one row per person) and ``units`` (one row per
unit) with the fields of the command's ``--format json`` output, nested fields flattened with a
dot (``grades.A``, ``quota.cap``), and ``findings`` (one row per finding, as ``validate``'s
JSON). Nothing is written. Bad inputs raise the library's errors (``FrameworkError``,
``RosterError``, ``ConfigError``, ``RulesError``, ``EventsError``), with both languages' text.

pandas is imported here only: the command line never pays for it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

__all__ = ["Frames", "month", "year", "frames_of"]


@dataclass
class Frames:
    people: Any      # pandas.DataFrame
    units: Any       # pandas.DataFrame
    findings: Any    # pandas.DataFrame
    result: Any      # the library's result (monthly.MonthResult or annual.AnnualResult)


def _paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def frames_of(result: Any, lang: str = "vi") -> Frames:
    """DataFrames of a ``MonthResult`` or an ``AnnualResult`` (its ``to_dict`` shape)."""
    import pandas as pd

    data = result.to_dict(lang)
    people = pd.json_normalize(data.get("people", []))
    units = pd.json_normalize(data.get("units", []))
    findings = pd.DataFrame([f.to_dict(lang) for f in result.findings],
                            columns=["code", "severity", "file", "sheet", "cell", "person", "person_id", "criterion",
                                     "message", "value", "expected"])
    return Frames(people=people, units=units, findings=findings, result=result)


def month(paths: str | Path | Iterable[str | Path], month: str, *, roster: str | Path | None = None,
          framework: str | None = None, config: str | Path | None = None, jobs: int = 1,
          apply_quota: bool = False, lang: str = "vi") -> Frames:
    """A month decided from scoresheets (files, folders, .zip) and sub-units' monthly workbooks,
    the way ``danhgia tally`` decides it, without writing a workbook."""
    import os

    from danhgia import config as cfg_mod, monthly
    from danhgia.model import ReadContext
    from danhgia.pipeline import RunResult, run
    from danhgia.read import monthly_read, roster as roster_read
    from danhgia.text import parse_year_month

    ym = parse_year_month(month)
    inputs = _paths(paths)
    cfg = cfg_mod.discover(inputs, config)
    ctx = ReadContext(config=cfg, framework_ref=framework, limits=cfg.limits)
    roster_path = str(roster) if roster else cfg.resolve_path(cfg.roster)
    if roster_path:
        ctx.roster = roster_read.load(roster_path)
    ctx.framework_for()
    sheets = [p for p in inputs if p.is_dir() or not monthly_read.is_tally_workbook(p)]
    tallies = [p for p in inputs if p not in sheets]
    result_run = run(sheets, ctx, ym, jobs) if sheets else RunResult(month=ym)
    kept = []
    for fo in result_run.files:
        if any(f.code == "monthly-workbook" for f in fo.findings) and fo.member is None:
            if os.path.realpath(fo.path) not in {os.path.realpath(t) for t in tallies}:
                tallies.append(Path(fo.path))
            continue
        kept.append(fo)
    result_run.files = kept
    rollups, extra = [], []
    for p in tallies:
        t, found = monthly_read.read_tally(p, p.as_posix(), ctx.get_limits())
        extra += found
        if t is not None:
            rollups.append(t)
    res = monthly.decide(result_run, ctx, ym, apply_quota=apply_quota, rollups=rollups, extra_findings=extra)
    return frames_of(res, lang)


def year(monthly_workbooks: str | Path | Iterable[str | Path], year: int, *, roster: str | Path | None = None,
         events: str | Path | None = None, rules: str | None = None, strategy: str | None = None,
         config: str | Path | None = None, lang: str = "vi") -> Frames:
    """The year's rating from consolidated monthly workbooks (files or folders), the way
    ``danhgia annual`` rates it, without writing a workbook."""
    from danhgia import annual as annual_mod, config as cfg_mod
    from danhgia.read import events as events_read, monthly_read, roster as roster_read

    files: list[Path] = []
    for p in _paths(monthly_workbooks):
        if p.is_dir():
            files += sorted(x for x in p.rglob("*") if x.is_file()
                            and x.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods")
                            and not x.name.startswith(("~$", ".danhgia-tmp-")))
        else:
            files.append(p)
    cfg = cfg_mod.discover([str(f) for f in files], config)
    roster_path = Path(roster) if roster else (Path(cfg.resolve_path(cfg.roster)) if cfg.roster else None)
    ros = roster_read.load(roster_path) if roster_path else None
    events_path = Path(events) if events else (Path(cfg.resolve_path(cfg.events)) if cfg.events else None)
    if events_path is not None:
        ev = events_read.load(events_path, str(events_path))
    elif roster_path is not None:
        ev = events_read.from_roster(roster_path, str(roster_path))
    else:
        ev = None
    skip = {p.resolve() for p in (roster_path, events_path) if p is not None}
    books = [monthly_read.read(f, f.as_posix(), cfg.limits) for f in files if f.resolve() not in skip]
    res = annual_mod.rate(year, books, roster=ros, events=ev, rules=rules, strategy=strategy, config=cfg)
    return frames_of(res, lang)
