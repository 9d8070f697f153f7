"""``danhgia tally``: placeholder until its issue lands (exits 2 with a clear message)."""

import typer

from danhgia.cli import app
from danhgia.cli.common import fail


@app.command("tally", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def tally_() -> None:
    """(chưa có / not yet available)"""
    fail("Lệnh chưa sẵn sàng / this command is not available yet")
