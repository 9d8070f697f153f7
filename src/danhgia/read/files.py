"""Opening anything a user names — a scoresheet, a roster, an events file, a framework, the unit
file ``danhgia.yaml``, ``--config`` — in one bounded way; and the SHA-256 fingerprints that the
"Nguồn" sheets record for every input.

- Regular files only. ``os.open`` with ``O_NONBLOCK`` then ``fstat``: a FIFO is opened without
  waiting for a writer (a plain ``open`` blocks forever), and a FIFO, a device (``/dev/zero``
  reads forever), a socket or a folder is refused with a message that says what it is.
- A size limit checked on the open descriptor before a byte is read or hashed, and again while
  reading (a file that grows under us is cut at the limit + 1 byte and refused).
- YAML (framework files, the unit file) through ``load_yaml``: bounded in size, nesting depth
  and alias expansion ("billion laughs" with anchors and aliases), and recursive aliases refused.
- Every message names the file and, for a file named by another file (a roster named in a
  ``danhgia.yaml``), that one too (``named_by``).

``InputFileError`` carries the Vietnamese and English reasons; callers turn it into their own
error type (RosterError, ConfigError, FrameworkError …) or a finding.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from functools import lru_cache

MAX_YAML_BYTES = 1024 * 1024          # a framework or unit file (the largest preset is 16 KB)
MAX_YAML_DEPTH = 64                   # nesting of mappings and sequences
MAX_YAML_NODES = 200_000              # nodes after alias expansion (a preset has ~2,000)
_CHUNK = 1024 * 1024


class InputFileError(Exception):
    """A file the user named cannot serve. ``str()`` names the file (and who named it) and
    gives the reason in Vietnamese (``text(lang)`` in either language); ``reason`` for findings."""

    code = "file-unreadable"      # the finding it becomes for an input read in a run

    def __init__(self, path: str | Path, reason_vi: str, reason_en: str, named_by: str | None = None):
        self.path = str(path)
        self.reason_vi, self.reason_en = reason_vi, reason_en
        self.named_by = named_by
        super().__init__(self.text())

    @property
    def reason(self) -> str:
        """The reason in both languages (a ``Say``: printed in the language asked for)."""
        from danhgia.messages import Say

        return Say(self.reason_vi, self.reason_en)

    def where(self, lang: str = "vi") -> str:
        if self.named_by:
            named = "named in" if lang == "en" else "tệp được nêu trong"
            return f"{self.path} ({named} {self.named_by})"
        return self.path

    def text(self, lang: str = "vi") -> str:
        return f"{self.where(lang)}: {self.reason_en if lang == 'en' else self.reason_vi}"


def _kind(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return "là một thư mục, không phải tệp", "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "là một đường ống (FIFO), không phải tệp", "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "là một thiết bị, không phải tệp", "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "là một socket, không phải tệp", "is a socket, not a regular file"
    return "không phải tệp thông thường", "is not a regular file"


def os_reason(exc: OSError) -> tuple[str, str]:
    """Vietnamese and English words for an OSError (no raw ``[Errno 13]``)."""
    if exc.errno == errno.ENOENT:
        return "không tìm thấy tệp", "file not found"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "không có quyền đọc", "permission denied"
    if exc.errno == errno.ELOOP:
        return "vòng lặp liên kết tượng trưng", "a symbolic-link loop"
    if exc.errno == errno.EISDIR:
        return "là một thư mục, không phải tệp", "is a folder, not a file"
    if exc.errno == errno.ENAMETOOLONG:
        return "tên tệp quá dài", "file name too long"
    return f"lỗi hệ thống: {exc.strerror}", f"system error: {exc.strerror}"


def _too_large(path, size: int, limit: int, named_by) -> InputFileError:
    exc = InputFileError(path, f"tệp quá lớn ({size} byte; tối đa {limit} byte)",
                         f"the file is too large ({size} bytes; at most {limit} bytes)", named_by)
    exc.code = "file-too-large"
    exc.limit = limit
    return exc


def check_regular(path: str | Path, limit: int | None = None, named_by: str | None = None) -> os.stat_result:
    """``os.stat`` of ``path`` (links followed): raise InputFileError unless it is a regular file
    of at most ``limit`` bytes. Never opens the file (never blocks)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputFileError(path, *os_reason(exc), named_by) from None
    except ValueError:      # an embedded NUL byte
        raise InputFileError(path, "tên tệp không hợp lệ", "invalid file name", named_by) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(path, *_kind(st.st_mode), named_by)
    if limit is not None and st.st_size > limit:
        raise _too_large(path, st.st_size, limit, named_by)
    return st


def open_regular(path: str | Path, limit: int | None = None, named_by: str | None = None):
    """A binary file object for ``path`` once it is known to be a regular file within ``limit``
    bytes (checked on the open descriptor, so a file swapped after ``check_regular`` is caught)."""
    check_regular(path, limit, named_by)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputFileError(path, *os_reason(exc), named_by) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(path, *_kind(st.st_mode), named_by)
        if limit is not None and st.st_size > limit:
            raise _too_large(path, st.st_size, limit, named_by)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_checked(path: str | Path, limit: int, most: int) -> bytes:
    """The bytes of ``path``, a file ``check_regular`` has just passed: opened without blocking
    (a FIFO swapped in meanwhile is refused, never waited on), checked again on the descriptor
    (a regular file of at most ``limit`` bytes), then read to its end but never more than
    ``most`` bytes (the caller compares the length with the size it expects). One descriptor and no
    buffered file object: ``open_regular`` + ``read`` cost four times as much per small file
    (a second ``stat``, ``fdopen``), and the guard reads every input this way (issue 16)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputFileError(path, *os_reason(exc)) from None
    except ValueError:      # an embedded NUL byte
        raise InputFileError(path, "tên tệp không hợp lệ", "invalid file name") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(path, *_kind(st.st_mode))
        if st.st_size > limit:
            raise _too_large(path, st.st_size, limit, None)
        chunks = []
        left = most
        while left > 0:
            try:
                block = os.read(fd, left)
            except OSError as exc:
                raise InputFileError(path, *os_reason(exc)) from None
            if not block:
                break
            chunks.append(block)
            left -= len(block)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def read_bytes(path: str | Path, limit: int, named_by: str | None = None) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes (never more is read)."""
    with open_regular(path, limit, named_by) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _too_large(path, len(data), limit, named_by)
    return data


def read_text(path: str | Path, limit: int, named_by: str | None = None) -> str:
    """A UTF-8 text file (BOM allowed) of at most ``limit`` bytes."""
    data = read_bytes(path, limit, named_by)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"không phải văn bản UTF-8 (byte {exc.start})",
                             f"not UTF-8 text (byte {exc.start})", named_by) from None


def sha256_of(path: str | Path, limit: int | None = None) -> str:
    """SHA-256 of a regular file, streamed (``hashlib.file_digest`` reads into one reused buffer,
    which measured several times faster per small file than a Python read loop). A FIFO, a
    device or a file over ``limit`` raises InputFileError before anything is read."""
    with open_regular(path, limit) as fh:
        if limit is None:
            return hashlib.file_digest(fh, "sha256").hexdigest()
        h = hashlib.sha256()
        left = limit + 1
        while left > 0:
            block = fh.read(min(_CHUNK, left))
            if not block:
                break
            left -= len(block)
            h.update(block)
        if left <= 0:
            raise _too_large(path, limit + 1, limit, None)
        return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Bounded YAML
#
# PyYAML's SafeLoader builds no arbitrary objects, but an alias bomb (nine anchors, each a list
# of nine aliases of the previous) composes in a moment and then expands into a billion nodes in
# whatever walks it (the framework merge, pydantic, json.dumps); a thousand nested "[" make the
# recursive composer end in RecursionError; and "&a [*a]" is a list holding itself. The loader
# below counts, while composing, the nodes each alias stands for, the nesting depth, and refuses
# an alias to a node still being composed (a recursive structure).


@lru_cache(maxsize=1)
def _yaml_types():
    """(YamlLimitError, the bounded loader class), built on first use: PyYAML is imported only
    by a command that reads YAML (``danhgia --version`` must not pay for it)."""
    import yaml

    class YamlLimitError(yaml.YAMLError):
        def __init__(self, vi: str, en: str, mark=None):
            super().__init__(f"{vi} / {en}")
            self.problem_mark = mark
            self.vi, self.en = vi, en

    class _BoundedLoader(yaml.SafeLoader):
        max_depth = MAX_YAML_DEPTH
        max_nodes = MAX_YAML_NODES

        def __init__(self, stream):
            super().__init__(stream)
            self._depth = 0
            self._nodes = 0                       # nodes composed so far, aliases counted expanded
            self._sizes: dict[str, int] = {}      # anchor → nodes under it (aliases expanded)
            self._open: set[str] = set()          # anchors of the collections being composed

        def _count(self, n: int, mark) -> None:
            self._nodes += n
            if self._nodes > self.max_nodes:
                raise YamlLimitError(f"quá nhiều phần tử sau khi mở rộng bí danh (hơn {self.max_nodes}; dấu hiệu bom YAML)",
                                     f"too many nodes once aliases are expanded (over {self.max_nodes}; a YAML alias bomb)",
                                     mark)

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in self._open:
                    raise YamlLimitError("bí danh trỏ vào chính phần tử chứa nó (cấu trúc đệ quy)",
                                         "an alias to a node that holds it (a recursive structure)",
                                         event.start_mark)
                self._count(self._sizes.get(event.anchor, 1), event.start_mark)
                return super().compose_node(parent, index)
            self._depth += 1
            if self._depth > self.max_depth:
                raise YamlLimitError(f"lồng nhau quá sâu (hơn {self.max_depth} cấp)",
                                     f"nested too deeply (over {self.max_depth} levels)", event.start_mark)
            anchor = getattr(event, "anchor", None)
            before = self._nodes
            if anchor is not None:
                self._open.add(anchor)
            try:
                node = super().compose_node(parent, index)
            finally:
                self._depth -= 1
                self._open.discard(anchor)
            self._count(1, event.start_mark)
            if anchor is not None:
                self._sizes[anchor] = self._nodes - before
            return node

    return YamlLimitError, _BoundedLoader


def _limit_error(vi: str, en: str, mark=None):
    return _yaml_types()[0](vi, en, mark)


def load_yaml(text: str, source: str, named_by: str | None = None) -> Any:
    """``yaml.safe_load`` bounded in size, depth and alias expansion. Raises ``yaml.YAMLError``
    (``YamlLimitError`` for a bound) with a ``problem_mark`` where known."""
    if len(text) > MAX_YAML_BYTES:
        raise _limit_error(f"tệp YAML quá lớn ({len(text)} ký tự; tối đa {MAX_YAML_BYTES})",
                           f"the YAML file is too large ({len(text)} characters; at most {MAX_YAML_BYTES})")
    loader = _yaml_types()[1](text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise _limit_error("lồng nhau quá sâu", "nested too deeply") from None
    finally:
        loader.dispose()


def compose_yaml(text: str):
    """``yaml.compose`` with the same bounds (for line numbers of a framework file)."""
    loader = _yaml_types()[1](text)
    try:
        return loader.get_single_node()
    except RecursionError:
        raise _limit_error("lồng nhau quá sâu", "nested too deeply") from None
    finally:
        loader.dispose()
