"""The documentation stays true: its examples parse and the CLI reference matches --help."""

import re

from conftest import ROOT

from danhgia import config, framework as fw


def test_framework_format_example_is_valid(tmp_path):
    text = (ROOT / "docs" / "framework-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# khung-thcs.yaml.*?)```", text, re.S).group(1)
    p = tmp_path / "khung.yaml"
    p.write_text(block, encoding="utf-8")
    f = fw.load(p)
    assert f.variant("chuyen-vien").criterion("I.1").max == 8
    assert f.calendar.self_window.start_day == 20


def test_unit_file_example_is_valid(tmp_path):
    text = (ROOT / "docs" / "framework-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(unit: .*?)```", text, re.S).group(1)
    p = tmp_path / "danhgia.yaml"
    p.write_text(block, encoding="utf-8")
    cfg = config.load(p)
    assert cfg.unit == "UBND phường Hòa Bình"
    assert config.framework_for(cfg).calendar.shift_for_weekends


def _generate():
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text[: text.index("---")]
    run = re.search(r"<!-- run-command -->\n```\n(.*?)\n```", head, re.S).group(1)
    test = re.search(r"<!-- test-command -->\n```\n(.*?)\n```", head, re.S).group(1)
    assert "pip install -e ." in run and "danhgia tally examples/" in run
    assert 'pip install -e ".[test]"' in test and "pytest" in test


def test_readme_shows_the_real_output_of_each_example():
    gen = _generate()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert gen.readme_text(text) == text, "README is stale: run python docs/generate.py"


def test_readme_tally_numbers_match_the_example_month(cli, tmp_path):
    import json

    r = cli("tally", ROOT / "examples" / "2026-10", "--month", "2026-10", "--out", tmp_path / "t.xlsx",
            "--format", "json")
    units = {u["unit"]: u for u in json.loads(r.stdout)["units"]}
    ward = units["UBND phường Hòa Bình"]
    assert (ward["staff"], ward["classified"], ward["missing"], ward["pending"]) == (30, 25, 1, 1)
    assert ward["grades"] == {"A": 7, "B": 18, "C": 0, "D": 0}
    assert (ward["quota"]["cap"], ward["quota"]["status"]) == (5, "exceeded")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"UBND phường Hòa Bình +30 +25 +7 +18 +0 +0 +1 +1 +3 +A 7/5 VƯỢT 2", readme)
    assert "loại A: 7 người, tối đa 5" in readme


def test_cli_reference_is_current():
    gen = _generate()
    assert gen.cli_text() == (ROOT / "docs" / "cli.md").read_text(encoding="utf-8"), \
        "docs/cli.md is stale: run python docs/generate.py"


def test_every_command_and_option_has_help():
    import typer.main

    from danhgia.cli import app

    root = typer.main.get_command(app)
    seen = []

    def walk(cmd, path):
        for name, sub in (getattr(cmd, "commands", {}) or {}).items():
            assert (sub.help or "").strip(), f"{path + [name]} has no help"
            for param in sub.params:
                if param.param_type_name == "option" and param.name not in ("help",):
                    assert (param.help or "").strip(), f"{' '.join(path + [name])} {param.opts} has no help"
            seen.append(" ".join(path + [name]))
            walk(sub, path + [name])

    walk(root, [])
    assert {"template", "validate", "tally", "annual", "framework", "framework list",
            "framework show", "framework check", "framework schema"} <= set(seen)
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path in seen:
        assert f"## `danhgia {path}`" in reference
