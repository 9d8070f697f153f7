"""The validation report: a summary and the findings, rendered as text (rich), JSON or CSV.

The JSON shape is a contract (design.md §4): fields may be added, never renamed. Findings are in
a stable order (file, sheet, row, column), whatever the number of worker processes.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any, Callable

from danhgia.findings import Finding, jsonable
from danhgia.messages import code_name, severity_name

CSV_FIELDS = ("code", "severity", "file", "sheet", "cell", "person", "person_id", "criterion",
              "message", "value", "expected")


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


@dataclass
class Report:
    findings: list[Finding]
    files: int = 0
    scoresheets: int = 0
    valid: int = 0
    invalid: int = 0
    strict: bool = False
    month: tuple[int, int] | None = None
    failed_files: list[str] = field(default_factory=list)
    file_order: list[str] = field(default_factory=list)

    # --- building ------------------------------------------------------------------------
    @classmethod
    def build(cls, result, keep: Callable[[Finding], bool] | None = None, strict: bool = False) -> "Report":
        """Summarise a ``pipeline.RunResult``; ``keep`` is the ``--select`` / ``--ignore`` filter."""
        keep = keep or (lambda f: True)
        bad = ("error", "warning") if strict else ("error",)
        run_level: dict[tuple[str | None, str | None], list[Finding]] = {}
        for f in result.findings:
            if keep(f):
                run_level.setdefault((f.file, f.sheet), []).append(f)
        findings: list[Finding] = []
        valid = invalid = 0
        failed: list[str] = []
        order: list[str] = []
        for fo in result.files:
            order.append(fo.file)
            file_bad = False
            for f in fo.findings:
                if keep(f):
                    findings.append(f)
                    file_bad |= f.severity in bad
            for s in fo.sheets:
                mine = [f for f in s.findings if keep(f)] + run_level.pop((s.file, s.sheet), [])
                findings.extend(mine)
                if any(f.severity in bad for f in mine):
                    invalid += 1
                    file_bad = True
                else:
                    valid += 1
            if file_bad:
                failed.append(fo.file)
        for (file, _sheet), rest in run_level.items():   # e.g. missing submissions (roster file)
            findings.extend(rest)
            if file not in order:
                order.append(file or "")
            if any(f.severity in bad for f in rest) and file not in failed:
                failed.append(file or "")
        findings.sort(key=Finding.sort_key)
        return cls(findings=findings, files=len(result.files), scoresheets=valid + invalid,
                   valid=valid, invalid=invalid, strict=strict, month=result.month,
                   failed_files=failed, file_order=order)

    # --- counts --------------------------------------------------------------------------
    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    @property
    def ok(self) -> bool:
        """Nothing wrong: no error (and, with ``--strict``, no warning either)."""
        return self.errors == 0 and not (self.strict and self.warnings)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> dict[str, Any]:
        return {"files": self.files, "scoresheets": self.scoresheets, "valid": self.valid,
                "invalid": self.invalid, "errors": self.errors, "warnings": self.warnings,
                "infos": self.count("info"), "by_code": self.by_code,
                "failed_files": list(self.failed_files), "strict": self.strict,
                "month": f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else None}

    # --- JSON / CSV ----------------------------------------------------------------------
    def to_json(self, lang: str = "vi") -> dict[str, Any]:
        return {"valid": self.ok, "summary": self.summary(),
                "findings": [f.to_dict(lang) for f in self.findings]}

    def write_csv(self, out: IO[str], lang: str = "vi") -> None:
        """One row per finding; UTF-8 BOM and CRLF so Excel opens it with its diacritics."""
        out.write("\ufeff")
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(CSV_FIELDS)
        for f in self.findings:
            d = f.to_dict(lang)
            w.writerow([_csv_value(d[k]) for k in CSV_FIELDS])

    # --- text ----------------------------------------------------------------------------
    def render_text(self, console, lang: str = "vi", limit: int | None = None, boxed: bool = True) -> None:
        """Summary first, then one table per file with errors or warnings (``limit`` rows each).

        People read the short name of each finding (``messages.code_name``) and its severity;
        the codes are in the summary (for ``--select`` / ``--ignore``), JSON and CSV. ``boxed``
        is for a terminal; without it the tables are plain columns (for files and pipes).
        """
        from rich import box
        from rich.table import Table
        from rich.text import Text

        for line in self.summary_lines(lang):
            console.print(line, markup=False, highlight=False)
        shown = [f for f in self.findings if f.severity in ("error", "warning")]
        if not shown:
            console.print(_t(lang, "Không phát hiện lỗi nào.", "No problems found."), markup=False)
            return
        by_file: dict[str, list[Finding]] = {}
        for f in shown:
            by_file.setdefault(f.file or "", []).append(f)
        for file in sorted(by_file, key=self._file_rank):
            rows = by_file[file]
            console.print()
            # whom to call: the person in the title when the file is one person's, else a column
            people = list(dict.fromkeys(_who(f) for f in rows if _who(f)))
            title = file or _t(lang, "(chung)", "(general)")
            if len(people) == 1:
                title += f" — {people[0]}"
            table = Table(title=Text(title), title_justify="left", show_lines=False, expand=False,
                          box=box.HEAVY_HEAD if boxed else box.SIMPLE_HEAD, show_edge=boxed)
            if len(people) > 1:
                table.add_column(_t(lang, "Họ và tên", "Name"))
            table.add_column(_t(lang, "Trang tính", "Sheet"))
            table.add_column(_t(lang, "Ô", "Cell"), no_wrap=True)
            table.add_column(_t(lang, "Tiêu chí", "Criterion"), no_wrap=True)
            table.add_column(_t(lang, "Mức độ", "Severity"), no_wrap=True)
            table.add_column(_t(lang, "Loại lỗi", "Finding"))
            table.add_column(_t(lang, "Nội dung", "Message"))
            cap = len(rows) if limit is None or limit <= 0 else min(limit, len(rows))
            for f in rows[:cap]:
                style = "red" if f.severity == "error" else "yellow"
                cells = [Text(_who(f))] if len(people) > 1 else []
                table.add_row(*cells, Text(f.sheet or ""), Text(f.cell or ""), Text(f.criterion or ""),
                              Text(severity_name(f.severity, lang), style=style),
                              Text(code_name(f.code, lang), style=style), Text(f.message(lang)))
            console.print(table)
            if cap < len(rows):
                more = len(rows) - cap
                console.print(_t(lang, f"… còn {more} lỗi khác không hiển thị (bỏ --limit để xem hết)",
                                 f"… {more} more not shown (drop --limit to see them all)"), markup=False)

    def summary_lines(self, lang: str = "vi") -> list[str]:
        lines = [
            _t(lang, "KẾT QUẢ KIỂM TRA BẢNG ĐIỂM", "SCORESHEET CHECK"),
            _t(lang, f"Tệp: {self.files} · Bảng điểm: {self.scoresheets} · Hợp lệ: {self.valid} · "
                     f"Không hợp lệ: {self.invalid}",
               f"Files: {self.files} · Scoresheets: {self.scoresheets} · Valid: {self.valid} · "
               f"Invalid: {self.invalid}"),
            _t(lang, f"Lỗi: {self.errors} · Cảnh báo: {self.warnings}" + (" (--strict: cảnh báo tính là lỗi)" if self.strict else ""),
               f"Errors: {self.errors} · Warnings: {self.warnings}" + (" (--strict: warnings count as errors)" if self.strict else "")),
        ]
        if self.by_code:
            severity = {f.code: f.severity for f in self.findings}
            order = {"error": 0, "warning": 1, "info": 2}
            lines.append(_t(lang, "Theo loại (mã để dùng với --select, --ignore):", "By kind (codes for --select, --ignore):"))
            for c, n in sorted(self.by_code.items(), key=lambda kv: (order.get(severity.get(kv[0]), 3), kv[0])):
                lines.append(f"  {severity_name(severity.get(c, ''), lang)}: {code_name(c, lang)} ({c}): {n}")
        if self.failed_files:
            head = _t(lang, "Tệp có lỗi: ", "Files that failed: ")
            lines.append(head + ", ".join(self.failed_files))
        return lines

    def _file_rank(self, file: str) -> tuple[int, str]:
        try:
            return (self.file_order.index(file), file)
        except ValueError:
            return (len(self.file_order), file)


def _who(f: Finding) -> str:
    """``Nguyễn Văn A (HN001)``, as much of it as the finding knows."""
    if f.person and f.person_id:
        return f"{f.person} ({f.person_id})"
    return f.person or f.person_id or ""


def _csv_value(v: Any) -> str:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # a spreadsheet opening the CSV must show this text, never run it as a formula
        return "'" + v
    v = jsonable(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        import json

        return json.dumps(v, ensure_ascii=False)
    return str(v)

