from decimal import Decimal as D

from danhgia import framework as fw
from danhgia.scoring import compute, mean, on_step


def full(v, value=D(1)):
    return {c.code: min(value, c.max) for c in v.leaves()}


def test_totals_from_leaves_are_exact():
    v = fw.load("hanoi-2022").variant("chuyen-vien")
    leaves = {c.code: c.max for c in v.leaves()}
    leaves["II.2"] = D("45.5")
    leaves["III.1"] = None   # blank bonus = no bonus
    leaves["III.2"] = None
    leaves["III.3"] = None
    t = compute(v, leaves)
    assert t.values["I"] == 20 and t.values["II"] == D("65.5") and t.values["III"] == 0
    assert t.total == D("85.5") and t.complete


def test_missing_score_is_not_zero():
    v = fw.load("hanoi-2022").variant("ldhd")
    leaves = {c.code: c.max for c in v.leaves()}
    leaves["I.2"] = None
    t = compute(v, leaves)
    assert t.total is None and t.missing == ["I.2"] and t.values["I"] is None


def test_deduction_never_takes_block_below_zero():
    f = fw.load("hanoi-2022", overrides={"variants": [{"id": "ldhd", "criteria": [{"code": "I", "children": [
        {"code": "I.4", "label": "Đi muộn", "max": 20, "kind": "deduction"}]}]}]})
    v = f.variant("ldhd")
    leaves = {c.code: D(0) for c in v.leaves()}
    leaves["I.1"] = D(2)
    leaves["I.4"] = D(5)
    t = compute(v, leaves)
    assert t.values["I"] == 0 and "I" in t.clamped


def test_step_and_mean():
    assert on_step(D("2.5"), D("0.5")) and not on_step(D("2.3"), D("0.5"))
    assert mean([D(90), D("85.5"), D(86)]) == D("87.17")
    assert mean([]) is None



def test_bonus_block_is_capped_at_its_max():
    """QĐ 3814: bonus points (block III) count at most 10, even when items are over their own max
    (which validate reports as score-above-max)."""
    v = fw.load("hanoi-2022").variant("chuyen-vien")
    leaves = {c.code: c.max for c in v.leaves()}
    leaves["III.1"] = D(8)   # max 4
    t = compute(v, leaves)
    assert t.values["III"] == 10 and t.capped == ["III"]
    assert t.total == 100


def test_nd335_task_points_from_percentages():
    """NĐ 335/2025: the 70 task points may be computed from the quantity, quality and
    timeliness percentages of the products; a missing percentage is not a zero."""
    from danhgia.scoring import points_from_percentages

    ii = fw.load("nd335-2025").variants[0].criterion("II")
    assert points_from_percentages(ii, {"II.1": D(100), "II.2": D(90), "II.3": D(80)}) == D(63)
    assert points_from_percentages(ii, {"II.1": D(100), "II.2": D(100), "II.3": D(95)}) == D("68.83")
    assert points_from_percentages(ii, {"II.1": D(100), "II.2": D(100), "II.3": D(100)}) == D(70)
    assert points_from_percentages(ii, {"II.1": D(100), "II.2": None, "II.3": D(80)}) is None
    assert points_from_percentages(ii, {"II.1": D(120), "II.2": D(120), "II.3": D(120)}) == D(70)
