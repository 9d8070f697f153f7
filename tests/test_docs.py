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
