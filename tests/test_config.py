import pytest

from danhgia import config


def test_unit_file_found_in_parents_and_overrides_applied(tmp_path):
    (tmp_path / "danhgia.yaml").write_text(
        "unit: UBND phường Hòa Bình\nframework: hanoi-2018\nexceptional: true\n"
        "overrides:\n  quota:\n    cap: 25\n", encoding="utf-8")
    sub = tmp_path / "2026-10" / "van-phong"
    sub.mkdir(parents=True)
    cfg = config.discover([sub])
    assert cfg.unit == "UBND phường Hòa Bình" and cfg.exceptional
    f = config.framework_for(cfg)
    assert f.id == "hanoi-2018" and f.quota.cap == 25
    assert config.framework_for(cfg, explicit="hanoi-2022").id == "hanoi-2022"


def test_framework_per_group(tmp_path):
    (tmp_path / "danhgia.yaml").write_text("frameworks:\n  cong_chuc: nd335-2025\n", encoding="utf-8")
    cfg = config.discover([tmp_path])
    assert config.framework_for(cfg, group="cong_chuc").id == "nd335-2025"
    assert config.framework_for(cfg, group="vien_chuc").id == config.DEFAULT_FRAMEWORK


def test_bad_unit_file_names_the_key(tmp_path):
    p = tmp_path / "danhgia.yaml"
    p.write_text("unit: X\nexceptionnal: true\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="exceptionnal"):
        config.load(p)

