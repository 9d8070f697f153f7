"""The program's entry point, kept tiny: it runs before anything heavy is imported.

- Ctrl-C at any moment (even while typer, rich or pandas are still being imported) ends with one
  line on stderr and exit 130, never a traceback;
- every temporary file of the run (ours, XlsxWriter's ``tmp*`` files, the workers') goes to one
  private folder that is removed when the run ends, however it ends;
- a closed stdout (``danhgia validate … --format csv | head -1``) ends quietly: what cannot be
  written is dropped and the command finishes with the exit code it would have had.
"""

from __future__ import annotations

import errno
import os
import signal
import sys


class Interrupted(BaseException):
    """Ctrl-C. Not a KeyboardInterrupt, which typer/click would turn into "Aborted!" and exit 1:
    it passes every handler (``except Exception`` included), runs every ``finally`` (temporary
    files removed) and reaches ``main``."""


def _on_sigint(signum, frame):  # noqa: ARG001
    raise Interrupted()


class _PipeSafe:
    """sys.stdout, except that a reader who has gone away (EPIPE) is not an error: output from
    then on goes to the null device."""

    def __init__(self, stream):
        self._stream = stream
        self.closed_by_reader = False

    def _gone(self) -> None:
        self.closed_by_reader = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)
        except (OSError, ValueError):
            pass

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._gone()
            return len(text)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            self._gone()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._gone()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            self._gone()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _english(argv: list[str]) -> bool:
    if "--lang" in argv:
        i = argv.index("--lang")
        return i + 1 < len(argv) and argv[i + 1].lower() == "en"
    if any(a.lower() == "--lang=en" for a in argv):
        return True
    return os.environ.get("DANHGIA_LANG", "").lower() == "en"


def _interrupted(argv: list[str]) -> None:
    message = "Interrupted (Ctrl-C); nothing more was written." if _english(argv) else \
        "Đã dừng (Ctrl-C); không ghi thêm gì."
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except Exception:   # noqa: BLE001 - stderr gone too: nothing left to tell
        pass


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    tmpdir = None
    code: object = 0
    try:
        signal.signal(signal.SIGINT, _on_sigint)
    except (ValueError, OSError):    # not the main thread (an embedding program): leave it
        pass
    try:
        import shutil  # noqa: F401  (needed by the clean-up below, imported while it is safe)
        import tempfile

        try:
            tmpdir = tempfile.mkdtemp(prefix="danhgia-run-")
            tempfile.tempdir = tmpdir  # every tempfile user of this run, forked workers included
        except OSError:                # no usable temp folder: the commands say so if they need one
            tmpdir = None
        if not isinstance(sys.stdout, _PipeSafe) and sys.stdout is not None:
            sys.stdout = _PipeSafe(sys.stdout)
        from danhgia.cli import main as cli_main

        cli_main(args)
    except (Interrupted, KeyboardInterrupt):
        _interrupted(args)
        code = 130
    except SystemExit as exc:
        code = exc.code
    finally:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)    # the clean-up itself is not cut short
        except (ValueError, OSError):
            pass
        if tmpdir is not None:
            import shutil
            import tempfile

            tempfile.tempdir = None
            shutil.rmtree(tmpdir, ignore_errors=True)
    if code == 130:
        # Interrupted: outputs are written by rename, so nothing is half-written and the temp
        # folder is gone; leave without the interpreter's exit hooks (concurrent.futures' hook
        # writes to a worker pool's pipe that Ctrl-C may already have closed, and prints a traceback).
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:   # noqa: BLE001 - a stream already gone has nothing left to flush
                pass
        os._exit(130)
    sys.exit(code)
