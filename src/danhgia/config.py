"""The unit file ``danhgia.yaml`` (found in the input folder or its parents) and input limits.

Flags on the command line win over the unit file; the unit file wins over the preset.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from danhgia import framework as fw_mod
from danhgia.messages import Say

CONFIG_NAME = "danhgia.yaml"
DEFAULT_FRAMEWORK = "hanoi-2022"


class Limits(BaseModel):
    """Bounds that keep a hostile file from exhausting the machine; a unit may change them."""

    def for_tables(self) -> "Limits":
        """The same bounds for a table of people (roster, consolidated workbook), where many
        more rows than on a scoresheet are normal."""
        return self.model_copy(update={"max_rows": max(self.max_rows, self.max_table_rows)})

    model_config = ConfigDict(extra="forbid")
    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_compression_ratio: int = 200
    max_rows: int = 5000                # rows of a scoresheet
    max_table_rows: int = 200_000       # rows of a roster or a consolidated workbook (a district's)
    max_columns: int = 200
    max_sheets: int = 400
    max_cell_chars: int = 32767
    max_zip_entries: int = 10000       # entries inside one .xlsx / .ods


class UnitConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str | None = None
    governing_body: str | None = None        # cơ quan chủ quản, printed above the unit on signed sheets
    place: str | None = None                 # địa danh of the date line ("Hà Đông, ngày … tháng …")
    framework: str | None = None
    frameworks: dict[str, str] = {}        # variant id or staff group → framework id or file
    overrides: dict[str, Any] = {}          # merged into every framework (calendar, quota, ...)
    exceptional: bool = False               # unit with exceptional results (higher cap)
    roster: str | None = None
    events: str | None = None
    annual_rules: dict[str, str] = {}      # staff group → rules id (overrides the year's default)
    strategy: str | None = None
    limits: Limits = Limits()
    source: str | None = None               # where the file was found (set on load)

    def resolve_path(self, value: str | None) -> str | None:
        """A path written in the unit file is relative to that file; shown relative to the
        working folder when it lies below it, so messages name ``examples/danh-sach.xlsx``."""
        if value is None or self.source is None:
            return value
        p = Path(value)
        if not p.is_absolute():
            p = Path(self.source).parent / p
        try:
            return str(p.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(p)


class ConfigError(Exception):
    pass


def find(start: str | Path | None) -> Path | None:
    if start is None:
        return None
    p = Path(start).resolve()
    if p.is_file():
        p = p.parent
    for folder in (p, *p.parents):
        candidate = folder / CONFIG_NAME
        # not only regular files: a FIFO or folder named danhgia.yaml is reported by ``load``,
        # never skipped in silence (the unit's rules would be ignored)
        if os.path.lexists(candidate):
            return candidate
    return None


def load(path: str | Path | None) -> UnitConfig:
    if path is None:
        return UnitConfig()
    from danhgia.read.files import MAX_YAML_BYTES, InputFileError, load_yaml, read_text

    path = Path(path)
    try:    # a regular file of at most 1 MB; YAML bounded in depth and alias expansion
        data = load_yaml(read_text(path, MAX_YAML_BYTES), str(path)) or {}
    except InputFileError as exc:
        raise ConfigError(Say(f"{path}: không đọc được tệp cấu hình: {exc.reason_vi}",
                              f"{path}: cannot read the unit file: {exc.reason_en}")) from None
    except yaml.YAMLError as exc:
        raise ConfigError(Say(f"{path}: không đọc được tệp cấu hình (YAML không đúng cú pháp)",
                              f"{path}: cannot read the unit file: {exc}")) from None
    if not isinstance(data, dict):
        raise ConfigError(Say(f"{path}: tệp cấu hình phải là một bảng YAML (các dòng «khóa: giá trị»)",
                              f"{path}: the unit file must be a YAML mapping (lines of «key: value»)"))
    try:
        cfg = UnitConfig.model_validate(data)
    except ValidationError as exc:
        from danhgia.framework import pydantic_message

        vi = [f"{path}: {'.'.join(str(x) for x in e['loc'])}: {pydantic_message(e, 'vi')}" for e in exc.errors()]
        en = [f"{path}: {'.'.join(str(x) for x in e['loc'])}: {pydantic_message(e, 'en')}" for e in exc.errors()]
        raise ConfigError(Say("\n".join(vi), "\n".join(en))) from None
    cfg.source = str(path)
    return cfg


def discover(paths: list[str | Path], explicit: str | Path | None = None) -> UnitConfig:
    """The unit file named explicitly, else the first found beside or above the inputs."""
    if explicit:
        return load(explicit)
    for p in paths:
        found = find(p)
        if found:
            return load(found)
    return UnitConfig()


def framework_for(cfg: UnitConfig, explicit: str | None = None, variant: str | None = None,
                  group: str | None = None) -> fw_mod.Framework:
    """The framework to use: the flag, else the unit's per-variant/group choice, else its default."""
    ref = explicit or cfg.frameworks.get(variant or "") or cfg.frameworks.get(group or "") \
        or cfg.framework or DEFAULT_FRAMEWORK
    if ref in fw_mod.preset_ids():
        return fw_mod.load(ref, overrides=cfg.overrides or None)
    path = cfg.resolve_path(ref) or ref
    try:
        return fw_mod.load(path, overrides=cfg.overrides or None)
    except fw_mod.FrameworkError as exc:
        if explicit or cfg.source is None:
            raise
        # a framework file named in danhgia.yaml: say which unit file named it
        raise fw_mod.FrameworkError(Say(f"{exc.source} (tệp được nêu trong {cfg.source})",
                                        f"{exc.source} (named in {cfg.source})"),
                                    exc.problems) from None
