"""What a report was made from (design.md §2), said first in every report.

The framework (id, version, file), the unit file (and whether it was found in a parent folder of
the inputs rather than given or beside them), the roster and events files or "none", the period
and the tool's version: the opening lines of the text output, the ``provenance`` object of the
JSON, the «Nguồn» sheet of the workbooks. A run that silently picks up a ``danhgia.yaml`` two
folders up is exactly what this makes visible.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danhgia import __version__

NONE = ("không có", "none")


@dataclass
class FrameworkUsed:
    id: str
    version: str
    file: str                     # the preset's bundled file, or the unit's own file
    preset: bool = True
    scope: str = ""               # "" (default), a variant id or staff group, "annual: cong-chuc" …

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "file": self.file, "preset": self.preset,
                "scope": self.scope or None}

    def text(self, lang: str = "vi") -> str:
        kind = ("có sẵn", "built-in") if self.preset else ("tệp của đơn vị", "unit's file")
        scope = f" [{self.scope}]" if self.scope else ""
        return f"{self.id} {self.version}{scope} ({kind[1] if lang == 'en' else kind[0]}: {self.file})"


@dataclass
class Provenance:
    command: str
    period: str = ""
    frameworks: list[FrameworkUsed] = field(default_factory=list)
    unit_file: str | None = None
    unit_file_how: str = ""       # "given" | "input-folder" | "parent-folder" | ""
    unit: str = ""
    roster: str | None = None
    events: str | None = None
    events_how: str = ""          # "file" | "roster-sheet"
    tool_version: str = __version__
    frameworks_label: tuple[str, str] = ("Khung đánh giá", "Framework")

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "period": self.period or None,
                "frameworks": [f.to_dict() for f in self.frameworks],
                "unit_file": self.unit_file, "unit_file_found": self.unit_file_how or None,
                "unit": self.unit or None, "roster": self.roster, "events": self.events,
                "tool_version": self.tool_version}

    def rows(self, lang: str = "vi", workbook: bool = False) -> list[tuple[str, str]]:
        """(label, value) pairs: the text's opening lines; with ``workbook`` the rows the «Nguồn»
        sheet adds to its own (which already name the period and the tool's version)."""
        en = lang == "en"
        t = (lambda vi, e: e if en else vi)  # noqa: E731
        none = NONE[1] if en else NONE[0]
        how = {"given": t("chỉ định bằng --config", "given with --config"),
               "input-folder": t("trong thư mục đầu vào", "in the input folder"),
               "parent-folder": t("tìm thấy ở thư mục cha của đầu vào", "found in a parent folder of the inputs")}
        out: list[tuple[str, str]] = []
        if self.period and not workbook:
            out.append((t("Kỳ", "Period"), self.period))
        if self.frameworks:
            vi, en_label = self.frameworks_label
            label = t(vi, en_label) + (t(" (tệp)", " (file)") if workbook else "")
            out.append((label, "; ".join(f.text(lang) for f in self.frameworks)))
        unit_file = none
        if self.unit_file:
            unit_file = self.unit_file + (f" ({how[self.unit_file_how]})" if self.unit_file_how in how else "")
        out.append((t("Tệp cấu hình đơn vị", "Unit file"), unit_file))
        out.append((t("Danh sách nhân sự", "Roster"), self.roster or none))
        if self.command == "annual":
            ev = none
            if self.events:
                ev = self.events + (t(" (trang «Sự kiện năm» của danh sách)", " (the roster's «Sự kiện năm» sheet)")
                                    if self.events_how == "roster-sheet" else "")
            out.append((t("Sự kiện năm", "Annual events"), ev))
        if not workbook:
            out.append((t("Phiên bản danhgia", "danhgia version"), self.tool_version))
        return out

    def lines(self, lang: str = "vi") -> list[str]:
        return [f"{label}: {value}" for label, value in self.rows(lang)]


def shown(path: str | os.PathLike | None) -> str | None:
    """A path as reports name it: relative to the working folder when below it."""
    if path is None:
        return None
    p = Path(path)
    try:
        return Path(os.path.relpath(p.resolve(), Path.cwd().resolve())).as_posix() \
            if p.resolve().is_relative_to(Path.cwd().resolve()) else p.as_posix()
    except (OSError, ValueError):
        return p.as_posix()


def unit_file_how(cfg, inputs: list, explicit: Any) -> str:
    """How the unit file was found: given, beside the inputs, or in a parent folder."""
    if not getattr(cfg, "source", None):
        return ""
    if explicit:
        return "given"
    folder = Path(cfg.source).resolve().parent
    for p in inputs:
        p = Path(p)
        here = p if p.is_dir() else p.parent
        if here.resolve() == folder:
            return "input-folder"
    return "parent-folder"


def framework_used(fw_id: str, version: str, ref: str | None, cfg=None, scope: str = "") -> FrameworkUsed:
    """Describe a framework (or annual rule set): the bundled preset's file or the unit's own file."""
    from danhgia import framework as fw_mod

    if ref and ref not in fw_mod.preset_ids():
        path = cfg.resolve_path(ref) if cfg is not None and hasattr(cfg, "resolve_path") else ref
        return FrameworkUsed(fw_id, version, shown(path) or ref, preset=False, scope=scope)
    return FrameworkUsed(fw_id, version, f"danhgia/{fw_mod.PRESET_DIR}/{ref or fw_id}.yaml", scope=scope)


def frameworks_of(cfg, explicit: str | None, loader) -> list[FrameworkUsed]:
    """The default framework and each per-variant / per-group choice of the unit file
    (``loader(variant, group)`` is ``ReadContext.framework_for``)."""
    from danhgia.config import DEFAULT_FRAMEWORK

    fw = loader()
    out = [framework_used(fw.id, fw.version, explicit or getattr(cfg, "framework", None) or DEFAULT_FRAMEWORK, cfg)]
    if not explicit:
        for key, ref in sorted((getattr(cfg, "frameworks", None) or {}).items()):
            try:
                fw = loader(key, key)
            except Exception:     # reported by the command itself
                continue
            out.append(framework_used(fw.id, fw.version, ref, cfg, scope=key))
    return out
