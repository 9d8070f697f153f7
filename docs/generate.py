"""Keep the documentation true: README's example outputs and docs/cli.md come from the tool.

- README.md holds blocks ``<!-- example: danhgia ARGS -->`` followed by a fenced block: the
  real output of that command on the bundled example (``out/`` stands for a scratch folder);
  ``<!-- run: danhgia ARGS -->`` steps are run in order too, their output not shown.
- docs/cli.md is the CLI reference: the ``--help`` of every command and sub-command.

``python docs/generate.py`` rewrites both; ``python docs/generate.py --check`` exits 1 when either
is stale (the tests do the same). Run from the repository root.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CLI_DOC = ROOT / "docs" / "cli.md"
WIDTH = "100"
EXAMPLE = re.compile(r"(<!-- example: (?P<cmd>danhgia [^\n]*?) -->\n```text\n)(?P<body>.*?)(```)"
                     r"|<!-- run: (?P<run>danhgia [^\n]*?) -->", re.S)


def _runner_env() -> dict[str, str]:
    # fixed width and no colour so the text is the same on every machine
    return {"COLUMNS": WIDTH, "LINES": "50", "NO_COLOR": "1", "TERM": "dumb", "DANHGIA_LANG": "vi"}


def run(args: list[str]) -> tuple[int, str]:
    from typer.testing import CliRunner

    from danhgia.cli import app, common

    # Rich reads the terminal size once; pin it so the text is the same in a terminal and in CI.
    saved = common.out_console._width, common.err_console._width
    common.out_console.width = common.err_console.width = int(WIDTH)
    try:
        result = CliRunner().invoke(app, args, env=_runner_env(), catch_exceptions=False)
    finally:
        common.out_console._width, common.err_console._width = saved
    return result.exit_code, result.stdout


def render_example(cmd: str, scratch: Path) -> str:
    """Run a README example from the repository root, ``out/`` redirected to ``scratch``."""
    args = [a.replace("out/", f"{scratch}/") for a in shlex.split(cmd)[1:]]
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        _code, out = run(args)
    finally:
        os.chdir(old)
    out = out.replace(f"{scratch}/", "out/")
    return "\n".join(line.rstrip() for line in out.splitlines()).strip("\n") + "\n"


def readme_text(text: str) -> str:
    """README with every example block replaced by the command's real output, in order
    (later examples may read what earlier ones wrote into ``out/``)."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)

        def sub(m: re.Match) -> str:
            if m.group("run"):  # a step the reader runs too, whose output is not shown
                render_example(m.group("run"), scratch)
                return m.group(0)
            return m.group(1) + render_example(m.group("cmd"), scratch) + m.group(4)

        return EXAMPLE.sub(sub, text)


def _commands(app) -> list[list[str]]:
    """Every command path: [], ["validate"], ["framework", "list"], …"""
    import typer.main

    group = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd, prefix: list[str]) -> None:
        for name in sorted(getattr(cmd, "commands", {}) or {}):
            sub = cmd.commands[name]
            if getattr(sub, "hidden", False):
                continue
            paths.append(prefix + [name])
            walk(sub, prefix + [name])

    walk(group, [])
    return paths


def cli_text() -> str:
    from danhgia.cli import app

    parts = ["# Tham chiếu dòng lệnh — CLI reference\n",
             "Sinh tự động từ `--help` bởi `python docs/generate.py`; đừng sửa tay.\n",
             "Generated from `--help` by `python docs/generate.py`; do not edit by hand.\n"]
    for path in _commands(app):
        _code, out = run(path + ["--help"])
        title = " ".join(["danhgia"] + path)
        body = "\n".join(line.rstrip() for line in out.splitlines()).strip("\n")
        parts.append(f"## `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, make in ((README, lambda: readme_text(README.read_text(encoding="utf-8"))), (CLI_DOC, cli_text)):
        new = make()
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if new != old:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new, encoding="utf-8")
    if stale:
        print(("stale: " if check else "rewrote: ") + ", ".join(map(str, stale)))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
