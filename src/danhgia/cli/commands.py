"""Registers the top-level commands on the app (one module per command)."""

from danhgia.cli import annual_cmd, tally_cmd, template_cmd, validate_cmd  # noqa: F401
