from decimal import Decimal
from pathlib import Path

import pytest

from danhgia import framework as fw

BAD = Path(__file__).parent / "frameworks_bad"


def test_presets_listed_and_valid():
    assert set(fw.preset_ids()) >= {"hanoi-2018", "hanoi-2022", "nd335-2025", "nd90-48"}
    for pid in fw.preset_ids():
        fw.load(pid)  # raises FrameworkError when a preset breaks its own rules


@pytest.mark.parametrize("preset", ["hanoi-2018", "hanoi-2022"])
def test_hanoi_variants_blocks_and_leaves(preset):
    f = fw.load(preset)
    assert [v.id for v in f.variants] == ["lanh-dao-quan-ly", "chuyen-vien", "ldhd"]
    for v in f.variants:
        assert [(c.code, c.max) for c in v.criteria] == [("I", 20), ("II", 70), ("III", 10)]
        assert sum(c.max for c in v.leaves()) == Decimal(100)
        assert v.criterion("II.2").completion_bands


def test_quota_forms_differ():
    q18, q22 = fw.load("hanoi-2018").quota, fw.load("hanoi-2022").quota
    assert (q18.cap, q18.base, q18.exceptional_cap) == (30, "classified", 40)
    assert (q22.cap, q22.base, q22.pooling, q22.verify) == (20, "b_or_better", "pooled", True)


def test_grade_bands_are_explicit():
    f = fw.load("hanoi-2022")
    assert f.grade_for(Decimal(90)) == "A"
    assert f.grade_for(Decimal("89.5")) == "B"
    assert f.grade_for(Decimal(70)) == "B"
    assert f.grade_for(Decimal("69.99")) == "C"
    assert f.grade_for(Decimal(50)) == "C"
    assert f.grade_for(Decimal(49)) == "D"
    assert f.grade_for(Decimal(0)) == "D"


def test_nd335_and_annual_rules():
    f = fw.load("nd335-2025")
    v = f.variants[0]
    assert [c.max for c in v.criteria] == [30, 70]
    assert f.quota.pooling == "per_task_group"
    a = fw.load("nd90-48").annual
    assert a.applies_to[0].covers(2025, "cong_chuc")
    assert not a.applies_to[1].covers(2026, "cong_chuc")
    assert not a.applies_to[1].covers(2026, "vien_chuc") and a.applies_to[1].covers(2026, "can_bo")
    assert fw.load("nd233-2026").annual.applies_to[0].covers(2026, "vien_chuc")


def test_unit_resplits_points(tmp_path):
    p = tmp_path / "unit.yaml"
    p.write_text(
        "extends: hanoi-2022\nid: unit\ntitle: Trường THCS\nvariants:\n"
        "  - id: chuyen-vien\n    criteria:\n      - code: I\n        children:\n"
        "          - code: I.1\n            replace: true\n            label: Kỷ luật, ngày giờ công\n            max: 8\n"
        "          - code: I.2\n            replace: true\n            label: Quy tắc ứng xử\n            max: 12\n",
        encoding="utf-8")
    f = fw.load(p)
    v = f.variant("chuyen-vien")
    assert v.criterion("I.1").max == 8 and v.criterion("I.1").is_leaf
    assert f.variant("ldhd").criterion("I.1").max == 8  # other variants untouched


def test_overrides_merge_into_preset():
    f = fw.load("hanoi-2022", overrides={"quota": {"cap": 25}, "calendar": {"self_window": {"start_day": 20, "end_day": 25}}})
    assert f.quota.cap == 25 and f.quota.base == "b_or_better"
    assert f.calendar.self_window.start_day == 20


@pytest.mark.parametrize("name,needle", [
    ("children-sum.yaml", "variants[chuyen-vien].criteria[I].children[I.1].max"),
    ("bands-gap.yaml", "gap between 70 and 75"),
    ("bands-overlap.yaml", "overlap at 90"),
    ("code-repeat.yaml", "code «I.1» repeats"),
    ("wrong-type.yaml", "quota.rounding"),
    ("not-yaml.yaml", "(yaml)"),
    ("unknown-parent.yaml", "unknown preset"),
    ("unknown-key.yaml", "variants[chuyen-vien].criteria[III].note_requird"),
    ("quota-base.yaml", "quota.base"),
])
def test_broken_frameworks_report_yaml_path(name, needle):
    with pytest.raises(fw.FrameworkError) as exc:
        fw.load(BAD / name)
    assert needle in exc.value.text("en")
    assert exc.value.text("vi") == str(exc.value)   # Vietnamese by default


def test_children_sum_points_at_own_line():
    with pytest.raises(fw.FrameworkError) as exc:
        fw.load(BAD / "children-sum.yaml")
    lines = {path: line for path, line, _ in exc.value.problems}
    assert lines["variants[chuyen-vien].criteria[I].children[I.1].max"] == 10


def test_cli_framework_check_exit_codes(cli):
    for path in sorted(BAD.glob("*.yaml")):
        r = cli("framework", "check", path)
        assert r.exit_code == 2, path
        assert str(path) in r.stdout
    presets = Path(fw.__file__).parent / "frameworks"
    r = cli("framework", "check", *sorted(presets.glob("*.yaml")))
    assert r.exit_code == 0, r.stdout


def test_cli_framework_show_json(cli):
    import json

    r = cli("framework", "show", "hanoi-2022", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert [v["id"] for v in data["variants"]] == ["lanh-dao-quan-ly", "chuyen-vien", "ldhd"]
    r = cli("framework", "list", "--format", "json")
    listed = {x["id"]: x for x in json.loads(r.stdout)}
    assert set(listed) >= {"hanoi-2018", "hanoi-2022", "nd335-2025", "nd90-48"}
    assert listed["hanoi-2018"]["effective_from"] == "2018-07-01"
    assert "QĐ 3814-QĐ/TU 2018-05-16" in listed["hanoi-2018"]["sources"]
    assert "cần xác minh" in listed["hanoi-2022"]["quota"]


def test_cli_schema_is_json(cli):
    import json

    r = cli("framework", "schema")
    assert json.loads(r.stdout)["title"] == "Framework"
