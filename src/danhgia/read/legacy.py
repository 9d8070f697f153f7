"""Vietnamese text typed in a legacy 8-bit encoding and shown as mojibake.

Before Unicode, Vietnamese offices typed with TCVN3 (ABC, fonts ``.VnTime``) or VNI (fonts
``VNI-Times``). A workbook keeps those bytes as Latin-1 / Windows-1252 characters, so on a
Unicode machine "Nguyễn Văn A" shows as ``NguyÔn V¨n A`` (TCVN3) or ``Nguyeãn Vaên A`` (VNI).

``detect`` says which encoding a text was most likely typed in, or ``None`` for ordinary text.
It decodes the text both ways and keeps an encoding only when the decoded text is clean
Vietnamese while the original is not: a per-character "badness" score (Latin-1 symbols that no
Vietnamese word uses, a capital letter inside a lower-case word, vowel pairs that no Vietnamese
syllable has) must drop to zero. ``decode`` gives the Unicode text, e.g. for a suggestion.

The tables are small and written out here (no maintained Python package covers both encodings);
the TCVN3 table was checked against glibc's ``TCVN5712-1`` converter.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# --- TCVN3 (ABC) ---------------------------------------------------------------------------
# Bytes 0xA1..0xFE of TCVN3 as Latin-1 characters → Vietnamese letters. Slots that TCVN 5712
# VN1 fills with capitals (0xAF, 0xBA, 0xBF–0xC5, 0xCD, 0xD9–0xDB, 0xE0, 0xF0) and the
# combining marks (0xB0–0xB4) are not used by the ABC fonts and are left out, so legitimate
# capitals such as À Á Â Ã are never rewritten.
_TCVN3_PAIRS = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \u00adư ®đ "
    "µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ "
    "Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ ×ì Øỉ Üĩ Ýí Þị "
    "ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ "
    "ïù ñủ òũ óú ôụ õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
TCVN3: dict[str, str] = {p[0]: p[1] for p in _TCVN3_PAIRS.split(" ")}

# --- VNI (VNI Windows) ---------------------------------------------------------------------
# VNI writes a base vowel followed by a mark character; a few letters are single characters.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRC = {"â": _CIRC, "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK,
             "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT}
_VNI_BREVE = {"ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK,
              "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
               "ñ": "đ"}


def _with_upper(table: dict[str, str]) -> dict[str, str]:
    out = dict(table)
    for k, v in table.items():
        out.setdefault(k.upper(), v.upper() if not unicodedata.combining(v[0]) else v)
    return out


VNI_TONES = _with_upper(_VNI_TONES)
VNI_CIRC = _with_upper(_VNI_CIRC)
VNI_BREVE = _with_upper(_VNI_BREVE)
VNI_SINGLE = _with_upper(_VNI_SINGLE)
_VNI_TONE_BASES = set("aeiouyAEIOUYơưƠƯ")

# --- Vietnamese letters ----------------------------------------------------------------------
_VOWELS = "aăâeêioôơuưy"
_MARKS = ("", _ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
VIET_LETTERS = frozenset(
    unicodedata.normalize("NFC", v + m) for v in _VOWELS + _VOWELS.upper() for m in _MARKS
) | frozenset("đĐ")
# vowel pairs that Vietnamese syllables use, by base letter (ă â → a, ê → e, ô ơ → o, ư → u)
_LEGIT_PAIRS = frozenset("ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uu uy ya ye".split())
_TONE_FIRST = frozenset("ai ao au ay eo eu iu oi ui uu oo".split())


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower()


def _bad_pair(a: str, b: str) -> bool:
    """Two adjacent vowels (the second non-ASCII) that no Vietnamese syllable has."""
    pa, pb = _base(a), _base(b)
    if pa not in "aeiouy" or pb not in "aeiouy":
        return False
    pair = pa + pb
    if pair not in _LEGIT_PAIRS:
        return True
    if pair in _TONE_FIRST and b in _TONED and a not in _TONED:
        return True                   # "eó", "aờ": these pairs carry the tone on the first vowel
    if pair == "oo":                  # xoong, boong: never with a mark on both
        return a not in "oO" and b not in "oO"
    if pair == "uu":                  # only ưu (cứu, hưu)
        return a.lower() not in "ưừứửữự"
    return False


_TONED = frozenset(ch for ch in VIET_LETTERS
                   if any(m in unicodedata.normalize("NFD", ch) for m in _MARKS[1:]))


def decode_tcvn3(text: str) -> str:
    return "".join(TCVN3.get(ch, ch) for ch in text)


def decode_vni(text: str) -> str:
    out: list[str] = []
    for ch in text:
        prev = out[-1] if out else ""
        base = prev[:1].lower() if prev else ""
        if prev and base == "a" and len(prev) == 1 and ch in VNI_BREVE:
            out[-1] = prev + VNI_BREVE[ch]
        elif prev and base in ("a", "e", "o") and len(prev) == 1 and ch in VNI_CIRC:
            out[-1] = prev + VNI_CIRC[ch]
        elif prev and ch in VNI_TONES and (prev[0] in _VNI_TONE_BASES) \
                and not any(unicodedata.combining(c) and c not in (_CIRC, _BREVE) for c in prev[1:]):
            out[-1] = prev + VNI_TONES[ch]
        elif ch in VNI_SINGLE:
            out.append(VNI_SINGLE[ch])
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def decode(text: str, encoding: str) -> str:
    """The Unicode text of ``text`` typed in ``encoding`` ("TCVN3" or "VNI")."""
    return decode_tcvn3(text) if encoding == "TCVN3" else decode_vni(text)


def badness(text: str) -> int:
    """How un-Vietnamese ``text`` looks (0 = clean)."""
    score = 0
    n = len(text)
    tones = 0                                   # toned vowels in the current word
    for i, ch in enumerate(text):
        o = ord(ch)
        if not ch.isalpha():
            tones = 0
        elif ch in _TONED:
            tones += 1
            if tones == 2:
                score += 1                      # Trửụứng: a syllable carries one tone mark
        if o < 0x80:
            continue
        prev = text[i - 1] if i else ""
        if ch in VIET_LETTERS:
            if ch.isupper() and prev.islower():
                score += 1                      # NguyÔn: a capital inside a lower-case word
            elif prev and _bad_pair(prev, ch):
                score += 1                      # Vaên, Nguyeãn, Noọi: no syllable has these
        elif ch in _QUOTE_LIKE:
            nxt = text[i + 1] if i + 1 < n else ""
            # « » · × © … are also ordinary symbols: count them only inside a word (TCVN3 ô ằ ã
            # ì â …) or, for §, before a letter (TCVN3 Đ)
            if nxt.isalpha() and (prev.isalpha() or ch == "§"):
                score += 1
        elif o <= 0xFF and ch not in _HARMLESS:
            score += 1                          # ¨ ¬ µ ¸ Ç ñ ö …
    return score


_QUOTE_LIKE = frozenset("«»·§×÷½¼¾©®¹")
_HARMLESS = frozenset("\u00a0°±²³´")


_VIET_NON_ASCII = frozenset(ch for ch in VIET_LETTERS if ord(ch) > 0x7F)


@lru_cache(maxsize=4096)
def detect(text: str) -> str | None:
    """"TCVN3", "VNI" or None. Plain ASCII and clean Unicode Vietnamese are always None."""
    if not isinstance(text, str) or text.isascii():
        return None
    s = unicodedata.normalize("NFC", text)
    bad = badness(s)
    if bad == 0:
        return None
    best: tuple[int, str] | None = None
    for enc in ("TCVN3", "VNI"):
        dec = decode(s, enc)
        if dec == s:
            continue
        b = badness(dec)
        if b == 0 and any(ch in _VIET_NON_ASCII for ch in dec) and (best is None or b < best[0]):
            best = (b, enc)
    return best[1] if best else None
