"""The checks' compiled plan (issue 16): a score column is read once per sheet and shared by every
check, a clean column is not walked cell by cell, and the leader's totals are the self totals'
only when the leader kept the very same values. Each shortcut must say exactly what the cell by
cell reading says (``parse_number`` and the cells rules), on any value a cell can hold."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from danhgia import framework as fw_mod
from danhgia.checks import Column, Env, compiled
from danhgia.model import ReadContext
from danhgia.pipeline import check_sheet
from danhgia.text import BLANK, NOT_NUMBER, NUMBER, TEXT_NUMBER, parse_number
from fixtures.validate.sheets import make_sheet

PRESETS = ("hanoi-2018", "hanoi-2022", "nd233-2026", "nd335-2025", "nd90-48")


def _variants():
    for name in PRESETS:
        fw = fw_mod.load(name)
        for v in fw.variants:
            yield fw, v


def test_every_allowed_float_parses_to_a_value_on_its_step_within_bounds():
    checked = 0
    for fw, v in _variants():
        comp = compiled(fw, v)
        for i, c, step in comp.steps:
            for f, p in comp.allowed[i].items():
                if f == "":
                    assert p.kind == BLANK and c.kind != "score", c.code    # an optional item left blank
                    continue
                q = parse_number(f)
                assert (p.kind, str(p.value)) == (q.kind, str(q.value)) == (NUMBER, str(q.value)), (c.code, f)
                assert c.min <= p.value <= c.max and p.value % step == 0, (c.code, f)
                checked += 1
            if step > 0 and (c.max - c.min) / step <= 2000:
                # every point of the step is there (a value typed on the step never takes the long
                # way) but zero: -0.0 would find its entry, and -0.0 is not read as 0.0 is
                zero = c.min <= 0 <= c.max and c.min % step == 0
                assert len(comp.allowed[i]) == int((c.max - c.min) / step) + 1 - zero + (c.kind != "score"), c.code
                assert 0.0 not in comp.allowed[i]
    assert checked > 500


def _silent(c, step, raw) -> bool:
    """What checks.cells says about one cell, by the rules: nothing (True) or something."""
    p = parse_number(raw)
    if p.kind == BLANK:
        return c.kind != "score"
    if p.kind != NUMBER:
        return False
    return c.min <= p.value <= c.max and not (step > 0 and p.value % step != 0)


RAWS = st.one_of(
    st.none(), st.just(""), st.just("  "), st.just("tốt"), st.just(" 2 "), st.just("2,5"), st.booleans(),
    st.integers(-3, 60), st.sampled_from([math.nan, math.inf, -0.0, 1e300, 0.1 + 0.2, 2.25]),
    st.integers(-4, 120).map(lambda n: n / 2), st.integers(-8, 240).map(lambda n: n / 4))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_column_reads_each_cell_as_parse_number_does(data):
    fw = fw_mod.load(data.draw(st.sampled_from(("hanoi-2018", "hanoi-2022"))))
    v = fw.variant(data.draw(st.sampled_from([x.id for x in fw.variants])))
    comp = compiled(fw, v)
    leaves = list(comp.codes)
    scores = {code: data.draw(RAWS) for code in data.draw(st.lists(st.sampled_from(leaves), max_size=6))}
    sheet = make_sheet(v.id, fw.id, self_scores=scores)
    col = Column(sheet.rows, "self", comp)
    silent = True
    for i, c, step in comp.steps:
        raw = sheet.rows[c.code].scores["self"].raw
        want = parse_number(raw)
        got = col.parsed[i]
        assert (got.kind, str(got.value)) == (want.kind, str(want.value)), (c.code, raw)
        assert col.values[i] == (want.value if want.kind in (NUMBER, TEXT_NUMBER) else None)
        silent = silent and _silent(c, step, raw)
    assert col.clean == silent
    assert col.blank == all(p.kind == BLANK for p in col.parsed)
    # and checks.cells agrees: a clean column gives no finding of the cells family
    cells_codes = {"missing-score", "score-not-number", "text-as-number", "score-above-max",
                   "score-below-min", "score-not-on-step"}
    found = [f for f in check_sheet(sheet, ReadContext(), (2026, 10)).findings
             if f.code in cells_codes and f.params.get("column") == "self"]
    assert (found == []) == silent


def test_a_clean_looking_text_cell_is_still_said():
    """2 typed as text is a warning even though 2.0 typed as a number passes by the shortcut."""
    codes = [f.code for f in check_sheet(make_sheet(self_scores={"I.1.1": "2"}), ReadContext(), (2026, 10)).findings]
    assert codes.count("text-as-number") == 1


def test_leader_totals_are_shared_only_for_the_very_same_values():
    # "2.0" typed as text is 2.0 (one decimal), the number 2 is 2: equal, not the same digits
    sheet = make_sheet(self_scores={"I.1.1": "2.0"})
    o = check_sheet(sheet, ReadContext(), (2026, 10))
    assert str(o.self_total) == "90.0" and str(o.leader_total) == "90"
    env = Env(framework=fw_mod.load("hanoi-2022"), variant=fw_mod.load("hanoi-2022").variant("chuyen-vien"),
              sheet=make_sheet())
    assert env.totals("self") is env.totals("leader")          # the very same values: computed once
    assert env.totals("self").total == Decimal(90)
