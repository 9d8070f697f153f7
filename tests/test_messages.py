"""Every code has both languages; messages render numbers and fields for the language asked."""

import string
import unicodedata
from datetime import date
from decimal import Decimal

from danhgia import messages
from danhgia.findings import Finding


def test_every_code_has_vietnamese_and_english_in_nfc():
    for code, entry in messages.CODES.items():
        assert entry.vi and entry.en and entry.vi != entry.en, code
        assert unicodedata.normalize("NFC", entry.vi) == entry.vi, code
        assert code == code.lower() and " " not in code
        for template in (entry.vi, entry.en):
            list(string.Formatter().parse(template))  # well-formed fields


def test_decimal_comma_in_vietnamese_point_in_english():
    f = Finding("score-above-max", value=Decimal("3.5"), criterion="I.2.1", params={"column": "self", "max": 3})
    assert "3,5" in f.message("vi") and "tự chấm" in f.message("vi")
    assert "3.5" in f.message("en") and "self" in f.message("en")


def test_decision_late_names_whose_date_is_late():
    lead = Finding("decision-late", value=date(2026, 10, 27), expected=date(2026, 10, 25), params={"field": "leader_date"})
    head = Finding("decision-late", value=date(2026, 10, 28), expected=date(2026, 10, 25), params={"field": "head_date"})
    assert lead.message("vi").startswith("Ngày lãnh đạo đánh giá: 27/10/2026, sau hạn (25/10/2026)")
    assert head.message("vi") != lead.message("vi")
    assert "after the deadline" in head.message("en")
