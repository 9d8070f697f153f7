from decimal import Decimal as D

from danhgia import framework as fw
from danhgia.quota import Candidate, apply, check


def people(grades_scores):
    return [Candidate(id=f"P{i:02d}", name=f"N{i}", grade=g, score=D(s)) for i, (g, s) in enumerate(grades_scores)]


def test_2022_form_base_is_b_or_better_and_floor():
    rule = fw.load("hanoi-2022").quota
    ps = people([("A", 95), ("A", 92), ("B", 80), ("B", 80), ("B", 75), ("B", 71), ("B", 70), ("C", 60)])
    (r,) = check(rule, ps)
    assert (r.base, r.cap_exact, r.cap, r.count, r.status) == (7, D("1.4"), 1, 2, "exceeded")
    assert [c.id for c in r.ranked] == ["P00", "P01"]


def test_2018_form_all_classified_and_exceptional():
    rule = fw.load("hanoi-2018").quota
    ps = people([("A", 95)] * 3 + [("B", 80)] * 5 + [("C", 60)] * 2)
    (r,) = check(rule, ps)
    assert (r.base, r.cap, r.status) == (10, 3, "ok")
    ps.append(Candidate(id="X", name="x", grade="A", score=D(91)))
    (r,) = check(rule, ps)
    assert (r.base, r.cap, r.status) == (11, 3, "exceeded")
    (r,) = check(rule, ps, staff=12, exceptional=True)
    assert (r.base, r.cap, r.status, r.percent) == (12, 4, "ok", 40)


def test_apply_demotes_lowest_and_leaves_ties():
    rule = fw.load("hanoi-2022").quota
    ps = people([("A", 98), ("A", 93), ("A", 91)] + [("B", 80)] * 7)
    (r,) = check(rule, ps)
    assert (r.base, r.cap) == (10, 2)
    demoted = apply(r)
    assert [c.id for c in demoted] == ["P02"] and r.status == "ok" and ps[2].grade == "B"
    ps = people([("A", 98), ("A", 93), ("A", 93)] + [("B", 80)] * 7)
    (r,) = check(rule, ps)
    assert {c.id for c in r.tied} == {"P01", "P02"}
    assert apply(r) == [] and r.status == "exceeded"


def test_per_task_group_scopes():
    rule = fw.load("nd335-2025").quota
    ps = people([("A", 95), ("B", 80), ("B", 80), ("B", 80), ("B", 80), ("A", 96), ("B", 70)])
    for p in ps[:5]:
        p.task_group = "Văn phòng"
    for p in ps[5:]:
        p.task_group = "Địa chính"
    res = {r.scope: r for r in check(rule, ps)}
    assert res["Văn phòng"].status == "ok" and res["Văn phòng"].cap == 1
    assert res["Địa chính"].status == "exceeded" and res["Địa chính"].cap == 0
