"""Property tests (hypothesis) over the scoring core: rules that hold for every input."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from danhgia import framework as fw
from danhgia.framework import grade_rank
from danhgia.quota import Candidate, check
from danhgia.scoring import compute

HANOI = fw.load("hanoi-2022")
HALVES = st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 2)   # 0 … 100 in 0.5
SETTINGS = settings(max_examples=200, derandomize=True, deadline=None)


@SETTINGS
@given(a=HALVES, b=HALVES)
def test_grade_never_rises_when_the_score_falls(a, b):
    """QĐ 3251 bands (A ≥ 90, B ≥ 70, C ≥ 50, D below): a lower score never gets a better grade."""
    lo, hi = min(a, b), max(a, b)
    assert grade_rank(HANOI.grade_for(lo)) >= grade_rank(HANOI.grade_for(hi))


def _leaf_values(variant):
    return st.fixed_dictionaries({
        c.code: st.integers(min_value=0, max_value=int(c.max * 2)).map(lambda n: Decimal(n) / 2)
        for c in variant.leaves()})


@SETTINGS
@given(data=st.data(), vid=st.sampled_from([v.id for v in HANOI.variants]))
def test_totals_equal_the_sum_of_the_leaves(data, vid):
    """Every parent is computed from its leaves; with leaves within their max nothing is capped."""
    v = HANOI.variant(vid)
    leaves = data.draw(_leaf_values(v))
    t = compute(v, leaves)
    assert t.total == sum(leaves.values(), Decimal(0))
    for c, _ in v.walk():
        if not c.is_leaf:
            assert t.values[c.code] == sum(t.values[ch.code] or 0 for ch in c.children)
    assert Decimal(0) <= t.total <= v.total_max


@SETTINGS
@given(grades=st.lists(st.sampled_from(["A", "B", "C", "D", None]), max_size=60),
       base=st.sampled_from(["classified", "b_or_better", "exactly_b", "all_staff"]),
       rounding=st.sampled_from(["floor", "round", "ceil"]),
       pooling=st.sampled_from(["pooled", "per_group"]),
       cap=st.integers(min_value=1, max_value=100))
def test_a_cap_never_exceeds_its_base(grades, base, rounding, pooling, cap):
    """Whatever the base kind, grouping or rounding, the cap is at most the base it is taken of."""
    rule = fw.QuotaRule(cap=cap, base=base, rounding=rounding, pooling=pooling)
    people = [Candidate(id=f"P{i}", name="x", grade=g, score=Decimal(80), group=("cong_chuc", "ldhd")[i % 2],
                        classified=g is not None) for i, g in enumerate(grades)]
    for r in check(rule, people, staff=len(people)):
        assert 0 <= r.cap <= r.base
        assert r.status == ("exceeded" if r.count > r.cap else "ok")
        assert r.over == max(0, r.count - r.cap)
