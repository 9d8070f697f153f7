"""The validation run: collect inputs, read and check each file (in N processes), then the
checks that need every file (roster, duplicates). ``validate`` reports it; ``tally`` builds on it.

Workers return compact ``SheetOutcome`` objects, not whole Scoresheets. ``validate`` asks for
``slim=True``: each sheet is then kept as a ``SheetRef`` (its findings and what the run-level
checks need), strings many sheets share are kept once, and no input is hashed, so the run's
memory hardly grows with the number of files (issue 16).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing as mp
import os
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator

from danhgia.findings import Finding
from danhgia.read import guard
from danhgia.messages import Say
from danhgia.read.files import InputFileError, check_regular, sha256_of


@dataclass(slots=True)
class SheetOutcome:
    """What later stages need to know about one scoresheet (one person, one month)."""

    file: str
    sheet: str
    person: str = ""
    person_id: str = ""
    unit: str = ""                    # as written on the sheet
    position: str = ""
    variant: str | None = None
    framework_id: str | None = None
    period: tuple[int, int] | None = None
    quarter: tuple[int, int] | None = None     # (year, q) of a quarterly form (danhgia.period)
    blocks_self: dict[str, Decimal | None] = field(default_factory=dict)    # top-level block code → subtotal
    blocks_leader: dict[str, Decimal | None] = field(default_factory=dict)
    self_total: Decimal | None = None
    leader_total: Decimal | None = None
    self_grade: str | None = None       # as written (parsed), may be None
    decided_grade: str | None = None    # the head's decision as written (parsed)
    leader_band: str | None = None      # band of the leader total
    has_leader_scores: bool = False     # every score leaf has a leader value
    findings: list[Finding] = field(default_factory=list)
    variant_source: str | None = None   # "marker" | "title" | "roster" | …
    not_evaluated: str | None = None    # the reason when the person is not evaluated that month
    cells: dict[str, str] = field(default_factory=dict)   # "id" / "name" / "period" → A1 cell
    ratios_self: dict[str, Decimal | None] = field(default_factory=dict)    # NĐ 335 letter → %
    ratios_leader: dict[str, Decimal | None] = field(default_factory=dict)
    ratio_d: tuple[Decimal, str] | None = None   # a leader's d (leader column, else self) and its cell
    ratio_d_code: str | None = None
    # the product list's sums (assigned, done, quality, timely) when it is usable: a quarter
    # cumulates them over its months (danhgia.quarter)
    product_sums: tuple[Decimal, Decimal, Decimal, Decimal] | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


@dataclass(slots=True)
class SheetRef:
    """What ``validate`` keeps of a checked sheet: its findings and what the run-level checks
    need (duplicates and the roster: id, name, period, the id's cell; NĐ 335 leaders' d: unit,
    variant, grades, the d value) — not its scores."""

    file: str
    sheet: str
    person: str = ""
    person_id: str = ""
    unit: str = ""
    variant: str | None = None
    period: tuple[int, int] | None = None
    quarter: tuple[int, int] | None = None
    id_cell: str | None = None
    not_evaluated: str | None = None
    decided_grade: str | None = None
    leader_band: str | None = None
    ratio_d: tuple[Decimal, str] | None = None
    ratio_d_code: str | None = None
    findings: list[Finding] | tuple = ()

    @property
    def cells(self) -> dict[str, str]:
        return {"id": self.id_cell} if self.id_cell else {}

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def slim_sheet(o: SheetOutcome) -> SheetRef:
    return SheetRef(o.file, o.sheet, o.person, o.person_id, o.unit, o.variant, o.period, o.quarter,
                    o.cells.get("id"), o.not_evaluated, o.decided_grade, o.leader_band, o.ratio_d,
                    o.ratio_d_code, o.findings or ())


class _Shared:
    """Keeps one copy of the values many sheets repeat (sheet names, cells, periods, units) and
    takes a person's id and name from the roster when they are the roster's, so that what a
    run keeps per sheet is the ``SheetRef`` and its file name (issue 16: ~0.4 KB a sheet)."""

    _NONE: tuple = ()

    def __init__(self, roster=None) -> None:
        from danhgia.roster import index_of, person_key

        self.seen: dict[Any, Any] = {}
        idx = index_of(roster)
        self.by_id = idx.by_id if idx is not None else {}
        self.key = person_key

    def __call__(self, fo: "FileOutcome") -> "FileOutcome":
        one = self.seen.setdefault
        for s in fo.sheets:
            s.file = fo.file
            s.sheet = one(s.sheet, s.sheet)
            s.unit = one(s.unit, s.unit)
            p = self.by_id.get(self.key(s.person_id)) if s.person_id else None
            if p is not None and p.id == s.person_id:
                s.person_id = p.id
            if p is not None and p.name == s.person:
                s.person = p.name
            if s.period is not None:
                s.period = one(s.period, s.period)
            if s.id_cell is not None:
                s.id_cell = one(s.id_cell, s.id_cell)
        # nothing is added to a file's lists after its run: a tuple, the empty one shared
        fo.findings = tuple(fo.findings) if fo.findings else self._NONE
        fo.sheets = tuple(fo.sheets) if fo.sheets else self._NONE
        return fo


@dataclass(slots=True)
class FileOutcome:
    file: str                           # display path
    path: str                           # real path (of the archive, for a member)
    sha256: str = ""
    sheets: list[SheetOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # file-level findings (unreadable, …)
    member: str | None = None           # the member's name inside the .zip archive ``path``


@dataclass
class RunResult:
    files: list[FileOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # run-level (roster, duplicates, missing)
    month: tuple[int, int] | None = None
    covers: bool = True     # the inputs cover the unit (a folder / archive, or --expect-all)

    def sheets(self) -> list[SheetOutcome]:
        return [s for f in self.files for s in f.sheets]

    def all_findings(self) -> list[Finding]:
        out = [x for f in self.files for x in f.findings]
        out += [x for s in self.sheets() for x in s.findings]
        out += self.findings
        return sorted(out, key=Finding.sort_key)



# ---------------------------------------------------------------------------------------------
# Collecting the inputs

WORKBOOK_EXTS = (".xlsx", ".xlsm", ".xls", ".ods")
ARCHIVE_EXTS = (".zip",)
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Task:
    """One file to read: a file on disk, or a member of a .zip archive (``member``)."""

    display: str
    path: str
    member: str | None = None
    finding: Finding | None = None     # decided while collecting (a member too large, …)
    index: int | None = None           # the member's place in the archive (names may repeat)
    notes: tuple[Finding, ...] = ()    # reported along with the file's own findings


def is_temporary(name: str) -> bool:
    """Office lock and temp files (``~$x.xlsx``, ``.~lock.x.xlsx#``) and hidden files."""
    base = name.rsplit("/", 1)[-1]
    return base.startswith(("~$", ".~lock", ".")) or base.endswith("#")


def _display(root_as_given: str, rel: str) -> str:
    # what ``Path(joined).as_posix()`` gives, without pathlib: a Path per file interns each
    # file name for the rest of the process (issue 16: memory flat with the number of files)
    joined = os.path.normpath(os.path.join(root_as_given, rel))
    return joined.replace(os.sep, "/") if os.sep != "/" else joined


def _walk(top: Path, display_root: str, skip: set[str],
          errors: list[OSError] | None = None) -> Iterator[tuple[str, str]]:
    """Files under ``top`` in a stable order; symlinked folders are followed once (no loops);
    folders in ``skip`` (real paths, e.g. the --annotate output) are left out. A folder that
    cannot be listed (no permission) is added to ``errors``, never skipped in silence."""
    seen: set[str] = set(skip)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True,
                                                onerror=errors.append if errors is not None else None):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and os.path.realpath(os.path.join(dirpath, d)) not in seen)
        for name in sorted(filenames):
            if is_temporary(name) or not name.lower().endswith(WORKBOOK_EXTS + ARCHIVE_EXTS):
                continue
            full = os.path.join(dirpath, name)      # a str: see _display
            yield full, _display(display_root, os.path.relpath(full, top))


def _archive_tasks(path: Path, display: str, limits) -> list[Task]:
    """One task per workbook inside a .zip, with the limits applied to the directory."""
    try:    # a regular file (a FIFO named .zip would block the first read, /dev/zero never end)
        size = check_regular(path).st_size   # an archive holds many files: bounded like their sum
    except InputFileError as exc:
        return [Task(display, str(path), finding=Finding("file-unreadable", file=display,
                                                         params={"reason": exc.reason}))]
    if size > limits.max_uncompressed_bytes:
        return [Task(display, str(path), finding=Finding(
            "file-too-large", file=display,
            params={"reason": f"{size} bytes", "limit": f"{limits.max_uncompressed_bytes} bytes"}))]
    entries = guard.zip_entry_count(path)   # zipfile would build an object per entry first
    if entries is not None and entries > limits.max_zip_entries:
        return [Task(display, str(path), finding=Finding(
            "file-too-large", file=display,
            params={"reason": f"{entries} entries", "limit": f"{limits.max_zip_entries} entries"}))]
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return [Task(display, str(path), finding=Finding(
            "file-unreadable", file=display, params={"reason": f"zip: {exc}"}))]
    tasks: list[Task] = []
    total = 0
    counts: dict[str, int] = {}
    for info in infos:
        counts[info.filename] = counts.get(info.filename, 0) + 1
    nth: dict[str, int] = {}
    # sorted by name, entries of the same name in archive order: each is read on its own
    for index, info in sorted(enumerate(infos), key=lambda x: (x[1].filename, x[0])):
        name = info.filename
        if info.is_dir() or name.startswith("__MACOSX/") or is_temporary(name):
            continue
        if name.lower().endswith(ARCHIVE_EXTS):
            # an archive inside the archive is not opened (one level is read): said, never
            # skipped in silence — its scoresheets would go unchecked
            shown = f"{display}/{name}"
            tasks.append(Task(shown, str(path), finding=Finding("file-unreadable", file=shown, params={
                "reason": "tệp nén nằm trong tệp nén không được mở; hãy giải nén ra thư mục rồi chạy lại / "
                          "an archive inside the archive is not opened; extract it into a folder and run again"})))
            continue
        if not name.lower().endswith(WORKBOOK_EXTS):
            continue
        shown = f"{display}/{name}"
        notes: tuple[Finding, ...] = ()
        if counts[name] > 1:
            nth[name] = nth.get(name, 0) + 1
            if nth[name] > 1:
                shown = f"{shown} ({nth[name]})"
            notes = (Finding("archive-duplicate-name", file=shown, params={
                "name": name, "count": counts[name], "nth": nth[name]}),)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        finding = None
        if info.flag_bits & 0x1:
            finding = Finding("file-encrypted", file=shown)
        elif info.file_size > limits.max_file_bytes:
            finding = Finding("file-too-large", file=shown, params={
                "reason": f"{info.file_size} bytes", "limit": f"{limits.max_file_bytes} bytes"})
        elif total > limits.max_uncompressed_bytes:
            finding = Finding("file-too-large", file=shown, params={
                "reason": f"{total} bytes", "limit": f"{limits.max_uncompressed_bytes} bytes"})
        elif info.file_size > _CHUNK and ratio > limits.max_compression_ratio:
            finding = Finding("file-too-large", file=shown, params={
                "reason": f"{ratio:.0f}:1", "limit": f"{limits.max_compression_ratio}:1"})
        tasks.append(Task(shown, str(path), member=name, finding=finding, index=index, notes=notes))
    return tasks


def collect(paths: list[str | Path], limits, exclude: Iterable[str | Path] = ()) -> list[Task]:
    """Files, folders (recursively) and .zip archives → tasks in a stable order, each file once.
    Folders in ``exclude`` are not walked into."""
    tasks: list[Task] = []
    seen: set[str] = set()
    skip = {os.path.realpath(p) for p in exclude}

    def add_file(path: str, display: str) -> None:
        key = os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        if path.lower().endswith(ARCHIVE_EXTS):
            tasks.extend(_archive_tasks(Path(path), display, limits))
        else:
            tasks.append(Task(display, display if display == path else path))   # one string kept

    for raw in paths:
        given = str(raw)
        path = Path(given)
        if path.is_dir():
            errors: list[OSError] = []
            for full, display in _walk(path, given, skip, errors):
                add_file(full, display)
            for exc in errors:      # a folder that cannot be read: its files would go unchecked
                from danhgia.read.files import os_reason

                shown = _display(given, os.path.relpath(exc.filename, path)) if exc.filename else given
                vi, en = os_reason(exc)
                tasks.append(Task(shown, str(exc.filename or given), finding=Finding(
                    "file-unreadable", file=shown,
                    params={"reason": f"không đọc được thư mục ({vi}) / the folder cannot be read ({en})"})))
        elif path.exists():
            if not is_temporary(path.name):
                add_file(str(path), Path(given).as_posix())
        else:
            tasks.append(Task(Path(given).as_posix(), given, finding=Finding(
                "file-unreadable", file=Path(given).as_posix(),
                params={"reason": Say("không tìm thấy tệp", "file not found")})))
    return tasks


# ---------------------------------------------------------------------------------------------
# Reading and checking one file (in a worker)


def _extract(task: Task, limits, target_dir: str) -> tuple[Path, str]:
    """Copy a zip member to a temporary file (bounded by the limits); return it and its SHA-256."""
    h = hashlib.sha256()
    suffix = Path(task.member or "").suffix.lower()
    fd, tmp = tempfile.mkstemp(prefix=".danhgia-member-", suffix=suffix, dir=target_dir)
    written = 0
    with zipfile.ZipFile(task.path) as zf, os.fdopen(fd, "wb") as dst, \
            zf.open(zf.infolist()[task.index] if task.index is not None else task.member) as src:
        while True:
            block = src.read(_CHUNK)
            if not block:
                break
            written += len(block)
            if written > limits.max_file_bytes:
                raise _TooLarge(written)
            h.update(block)
            dst.write(block)
    return Path(tmp), h.hexdigest()


class _TooLarge(Exception):
    pass


def _reader():
    from danhgia.read.workbook import read_file

    return read_file


def process_file(task: Task, ctx, month: tuple[int, int] | None, slim: bool = False) -> FileOutcome:
    """Read one file and check each of its scoresheets; never raises. ``slim``: keep each sheet
    as a ``SheetRef`` and do not hash the file (what ``validate`` needs)."""
    out = FileOutcome(file=task.display, path=task.path, member=task.member)
    out.findings.extend(task.notes)
    if task.finding is not None:
        out.findings.append(task.finding)
        return out
    limits = ctx.get_limits()
    try:
        if task.member is not None:
            with tempfile.TemporaryDirectory(prefix="danhgia-") as tmpdir:
                try:
                    tmp, out.sha256 = _extract(task, limits, tmpdir)
                except _TooLarge as exc:
                    out.findings.append(Finding("file-too-large", file=task.display, params={
                        "reason": f"> {exc.args[0]} bytes", "limit": f"{limits.max_file_bytes} bytes"}))
                    return out
                sheets, found = _reader()(tmp, task.display, ctx)
        else:
            path = Path(task.path)
            try:    # a regular file within the limit, checked before a byte is read
                check_regular(path, limits.max_file_bytes)
            except InputFileError as exc:
                params = {"reason": exc.reason}
                if exc.code == "file-too-large":
                    params["limit"] = f"{exc.limit} bytes"
                out.findings.append(Finding(exc.code, file=task.display, params=params))
                return out
            if slim:            # validate shows no fingerprint: nothing to hash
                sheets, found = _reader()(path, task.display, ctx)
            else:               # hashed from the bytes the reader read (once)
                digests: list[str] = []
                sheets, found = _reader()(path, task.display, ctx,
                                          on_bytes=lambda data: digests.append(hashlib.sha256(data).hexdigest()))
                out.sha256 = digests[0] if digests else _sha256_or_blank(path, limits.max_file_bytes)
        out.findings.extend(found)
        for sheet in sheets:
            o = check_sheet(sheet, ctx, month)
            out.sheets.append(slim_sheet(o) if slim else o)
    except Exception as exc:  # a bug or a file nobody foresaw: a finding, never the end of the run
        out.findings.append(crash_finding(task.display, exc))
    return out


def _sha256_or_blank(path: Path, limit: int) -> str:
    """The SHA-256 of a file the reader did not read whole (over 4 MB, or unreadable)."""
    try:
        return sha256_of(path, limit)
    except (OSError, InputFileError):
        return ""


def crash_finding(display: str, exc: BaseException, sheet: str | None = None) -> Finding:
    return Finding("file-unreadable", file=display, sheet=sheet,
                   params={"reason": f"{type(exc).__name__}: {exc}"[:300]})


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    out = []
    for f in findings:
        key = (f.code, f.sheet, f.cell, f.criterion, str(f.value))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


_FRAMEWORKS: dict[tuple[int, str | None, str | None], tuple[Any, Any]] = {}


def _framework(ctx, variant: str | None, group: str | None):
    """``ctx.framework_for`` remembered per worker (it is asked once per sheet)."""
    key = (id(ctx), variant, group)
    hit = _FRAMEWORKS.get(key)
    if hit is None or hit[0] is not ctx:
        if len(_FRAMEWORKS) > 64:
            _FRAMEWORKS.clear()
        hit = _FRAMEWORKS[key] = (ctx, ctx.framework_for(variant, group))
    return hit[1]


def check_sheet(sheet, ctx, month: tuple[int, int] | None) -> SheetOutcome:
    """Run every sheet check on one Scoresheet and keep only what later stages need."""
    from danhgia import checks
    from danhgia.checks import roster as roster_checks
    from danhgia.roster import index_of

    idx = index_of(ctx.roster)
    pid, name = sheet.person_id, sheet.person
    person = idx.find(pid, name) if idx is not None else None
    variant_id = sheet.variant or (person.variant if person is not None else None)
    fw = _framework(ctx, variant_id, person.group if person is not None else None)
    variant = fw.variant_for(variant_id)          # a roster's «Chuyên viên» is Mẫu 01A under NĐ 335
    if variant is not None:
        variant_id = variant.id
    env = checks.Env(framework=fw, variant=variant, month=month, person=person,
                     roster=ctx.roster, sheet=sheet, quarter=getattr(ctx, "quarter", None))
    o = SheetOutcome(file=sheet.file, sheet=sheet.sheet, person=name, person_id=pid,
                     unit=sheet.field_text("unit"), position=sheet.field_text("position"),
                     variant=variant_id, framework_id=fw.id, period=sheet.period,
                     quarter=sheet.quarter,
                     variant_source=sheet.variant_source if sheet.variant else ("roster" if variant_id else None))
    for key in ("id", "name"):
        if key in sheet.fields:
            o.cells[key] = sheet.fields[key].cell
    if sheet.period_cell:
        o.cells["period"] = sheet.period_cell
    findings: list[Finding] = list(sheet.notes)
    try:
        if variant is None and not any(f.code == "unknown-variant" for f in findings):
            findings.append(sheet.finding("unknown-variant"))
        roster_found = list(roster_checks.check(sheet, env))
        exempt = next((f for f in roster_found if f.code == "exempt-month"), None)
        findings.extend(roster_found)
        if exempt is not None:
            # not evaluated that month: the sheet is ignored, so its scores are not checked
            o.not_evaluated = exempt.params.get("reason")
        else:
            for chk in checks.sheet_checks():
                findings.extend(chk(sheet, env))
        if variant is not None:
            st, lt = env.totals("self"), env.totals("leader")
            blocks = env.compiled.blocks
            o.blocks_self = {b: st.values.get(b) for b in blocks}
            o.blocks_leader = {b: lt.values.get(b) for b in blocks}
            o.self_total, o.leader_total = st.total, lt.total
            o.has_leader_scores = not lt.missing and not env.leader_blank
            o.leader_band = fw.grade_for(lt.total) if lt.total is not None else None
            if env.plan.ratios:
                _ratios(o, sheet, env)
        for key in ("self_grade", "decided_grade"):
            e = sheet.fields.get(key)
            g = checks.grade_of(e.raw) if e is not None else None
            setattr(o, key, g.value if g is not None and g.kind == "number" else None)
    except Exception as exc:
        findings.append(crash_finding(sheet.file, exc, sheet.sheet))
    o.findings = _dedupe(findings)
    return o


def _ratios(o: SheetOutcome, sheet, env) -> None:
    """NĐ 335 ratios by letter (a, b, c, d, đ, e) for the tally, and a leader's d for the
    run-level check against the people they lead."""
    ls, ll = env.leaves("self"), env.leaves("leader")
    for c in env.plan.ratios:
        key = c.letter or c.code
        o.ratios_self[key] = ls.get(c.code)
        o.ratios_leader[key] = ll.get(c.code)
        if key == "d" and env.variant.leader:
            col = "self" if env.leader_blank or ll.get(c.code) is None else "leader"
            value = ls.get(c.code) if col == "self" else ll.get(c.code)
            row = sheet.rows.get(c.code)
            if value is not None and row is not None and col in row.scores:
                o.ratio_d, o.ratio_d_code = (value, row.scores[col].cell), c.code
    pl = getattr(sheet, "products", None)
    if pl is not None and pl.usable:
        from danhgia.scoring import product_sums

        tr = env.framework.task_ratios
        o.product_sums = product_sums(pl.rows, tr.error_deduction if tr else Decimal(25),
                                      tr.delay_deduction if tr else Decimal(25))


# ---------------------------------------------------------------------------------------------
# The run

_WORKER: dict[str, Any] = {}


def _init_worker(ctx, month, slim: bool = False) -> None:
    import signal

    # Ctrl-C is the parent's to handle (one line, exit 130): a worker stopped by it would
    # print its own traceback; the parent ends the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["ctx"], _WORKER["month"], _WORKER["slim"] = ctx, month, slim


def _process_chunk(chunk: list[Task]) -> list[FileOutcome]:
    return [process_file(t, _WORKER["ctx"], _WORKER["month"], _WORKER.get("slim", False)) for t in chunk]


def _pool(jobs: int, ctx, month, slim: bool = False) -> ProcessPoolExecutor:
    method = "fork" if "fork" in mp.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context(method),
                               initializer=_init_worker, initargs=(ctx, month, slim))


def _attempt(tasks: list[Task], ctx, month, jobs: int, size: int, tick,
             slim: bool = False) -> list[FileOutcome | None]:
    """Run ``tasks`` in a pool, ``size`` files per job; ``None`` for files whose worker died."""
    chunks = [list(range(i, min(i + size, len(tasks)))) for i in range(0, len(tasks), size)]
    out: list[FileOutcome | None] = [None] * len(tasks)
    keep = _Shared(ctx.roster) if slim else (lambda fo: fo)
    with _pool(jobs, ctx, month, slim) as pool:
        try:
            futures = {pool.submit(_process_chunk, [tasks[i] for i in c]): c for c in chunks}
            for fut in as_completed(futures):
                chunk = futures[fut]
                try:
                    res = fut.result()
                except Exception:  # a worker died (crash, out of memory): those files are retried
                    continue
                for i, o in zip(chunk, res):
                    out[i] = keep(o)
                tick(len(chunk))
        except BaseException:      # Ctrl-C: the workers are ended now, not after their files
            _stop(pool)
            raise
    return out


def _stop(pool: ProcessPoolExecutor) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _run_parallel(tasks: list[Task], ctx, month, jobs: int, tick, slim: bool = False) -> list[FileOutcome]:
    size = max(1, min(16, len(tasks) // (jobs * 4)))
    out = _attempt(tasks, ctx, month, jobs, size, tick, slim)
    failed = [i for i, o in enumerate(out) if o is None]
    if failed and size > 1:   # a worker died: retry those files one per job in a fresh pool
        again = _attempt([tasks[i] for i in failed], ctx, month, jobs, 1, tick, slim)
        for i, o in zip(failed, again):
            out[i] = o
        failed = [i for i, o in enumerate(out) if o is None]
    for i in failed:          # a file that kills its worker, alone in a process of its own
        out[i] = _isolated(tasks[i], ctx, month, slim)
        tick(1)
    return out  # type: ignore[return-value]


def _isolated(task: Task, ctx, month, slim: bool = False) -> FileOutcome:
    """Read one file in a process of its own, so that a crash only costs that file."""
    try:
        with _pool(1, ctx, month, slim) as pool:
            return pool.submit(_process_chunk, [task]).result()[0]
    except Exception as exc:
        return FileOutcome(file=task.display, path=task.path, member=task.member,
                           findings=[crash_finding(task.display, exc)])


def _warm_up(ctx) -> None:
    """Import the reader and the checks and load the default framework once, before the
    workers are forked, so that each worker inherits them instead of doing it again."""
    from danhgia import checks
    from danhgia.roster import index_of

    _reader()
    checks.sheet_checks()
    index_of(ctx.roster)      # built once here, shared by the forked workers (not once in each)
    try:
        ctx.framework_for()
    except Exception:   # a broken framework is reported per sheet by the workers
        pass


def run(paths: list[str | Path], ctx, month: tuple[int, int] | None = None, jobs: int = 1,
        progress=None, exclude: Iterable[str | Path] = (), slim: bool = False,
        expect_all: bool = False) -> RunResult:
    """Read and check every input. ``ctx`` is a ``danhgia.model.ReadContext``; ``progress`` an
    optional callable(done, total); ``exclude`` folders not to walk into (outputs). The result
    does not depend on ``jobs``. ``slim`` (validate): sheets are kept as ``SheetRef`` (findings
    and what the run-level checks need) and inputs are not hashed. The run covers the unit (a
    roster person without a sheet is a missing submission) when an input is a folder or an
    archive, or with ``expect_all``; otherwise it checks the files that just arrived."""
    from danhgia.checks import roster as roster_checks

    tasks = collect(paths, ctx.get_limits(), exclude)
    total = len(tasks)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    if jobs > 1 and total > 1:
        _warm_up(ctx)
        gc.freeze()     # forked workers then share the parent's objects without copying pages
        try:
            files = _run_parallel(tasks, ctx, month, min(jobs, total), tick, slim)
        finally:
            gc.unfreeze()
    else:
        keep = _Shared(ctx.roster) if slim else (lambda fo: fo)
        files = []
        for i, t in enumerate(tasks):
            tasks[i] = None         # type: ignore[call-overload]  # what is kept is the outcome
            files.append(keep(process_file(t, ctx, month, slim)))
            tick(1)
    covers = expect_all or any(Path(p).is_dir() or Path(p).suffix.lower() in ARCHIVE_EXTS for p in paths)
    result = RunResult(files=files, month=month, covers=covers)
    roster_display = Path(ctx.roster.source).as_posix() if ctx.roster is not None else None
    result.findings = list(roster_checks.run_check(result.sheets(), ctx.roster, month,
                                                   ctx.framework_for, roster_display, covers=covers,
                                                   quarter=getattr(ctx, "quarter", None)))
    if any(s.ratio_d is not None for s in result.sheets()):
        from danhgia.checks import ratios as ratio_checks

        result.findings += list(ratio_checks.run_check(result.sheets(), ctx.roster, ctx.framework_for))
    return result
