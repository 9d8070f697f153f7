"""Registers the top-level commands on the app (one module per command)."""

from danhgia.cli import app
