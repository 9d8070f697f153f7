"""Exit policy of design.md §2: tally and annual are producers (0 once their workbook is written,
1 only with --strict on an error finding or a quota breach); README's first command succeeds."""

from __future__ import annotations

import json
import re

from conftest import EXAMPLES, ROOT


def test_readme_first_command_exits_0_and_strict_exits_1(cli, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text("utf-8")
    command = re.search(r"<!-- run-command -->\n```\n(.*?)\n```", readme, re.S).group(1)
    tally = command.split("&& danhgia ", 1)[1].split()
    assert tally[:2] == ["tally", "examples/2026-10"]
    monkeypatch.chdir(ROOT)
    out = tmp_path / "tong-hop.xlsx"
    args = [a if a != "out/tong-hop-2026-10.xlsx" else str(out) for a in tally]
    r = cli(*args)
    assert r.exit_code == 0, r.output
    assert out.exists() and "VƯỢT 2 người" in r.stdout      # the breach is still reported
    r = cli(*args, "--force", "--strict")
    assert r.exit_code == 1 and out.exists()


def test_strict_follows_the_findings_and_the_quota(cli, tmp_path):
    folder = EXAMPLES / "2026-10" / "truong-mam-non"
    r = cli("tally", folder, "--month", "2026-10", "--strict", "--out", tmp_path / "t.xlsx", "--format", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == (1 if data["invalid"] or data["quota_exceeded"] else 0)
    assert (tmp_path / "t.xlsx").exists()
    r = cli("tally", folder, "--month", "2026-10", "--out", tmp_path / "u.xlsx")
    assert r.exit_code == 0
