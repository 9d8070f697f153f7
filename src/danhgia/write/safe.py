"""Writing outputs so that nothing is ever lost or half-written.

The content goes to a temporary file in the target folder and is then moved into place in one
step: ``os.link`` when the target must not exist (it fails if another run created it first, so
two runs at once cannot both win) and ``os.replace`` with ``force``. A run killed in between
leaves the old file or nothing, and at most a stray ``.danhgia-tmp-*`` file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


class OutputExists(Exception):
    def __init__(self, path: Path):
        self.path = path
        super().__init__(str(path))


@contextlib.contextmanager
def atomic_path(target: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; on success move it to ``target``."""
    target = Path(target)
    if target.exists() and not force:
        raise OutputExists(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".danhgia-tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); an output is an ordinary file others in the office
    # may open, so give it the permissions the user's umask gives any new file.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise OutputExists(target) from None
            except OSError:
                # file systems without hard links: fall back to an exclusive create check
                if target.exists():
                    raise OutputExists(target) from None
                os.replace(tmp, target)
        _sync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (a power cut right after it keeps the new name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:   # some file systems (and Windows) cannot sync a folder: best effort
        pass
    finally:
        os.close(fd)


def write_bytes(target: str | Path, data: bytes, force: bool = False) -> Path:
    with atomic_path(target, force) as tmp:
        tmp.write_bytes(data)
    return Path(target)
