"""One language at a time: every message, every finding name, usage errors, help pages and the
walk-through's output hold no English word in Vietnamese and no Vietnamese word in English
(names, codes, file names and option values excepted)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from danhgia import framework as fw
from danhgia import messages

from conftest import EXAMPLES, ROOT

BAD_FRAMEWORKS = Path(__file__).resolve().parent / "frameworks_bad"

# A Vietnamese syllable without its tone marks: (initial) vowels (final).
_VI_SYLLABLE = re.compile(r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
                          r"[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$")
# English words that happen to spell a Vietnamese syllable.
_ENGLISH_SYLLABLES = {"the", "not", "at", "it", "be", "by", "on", "no", "of", "is", "up", "did", "you", "mean"}
# Words that are the same in both languages: names of formats, tools, documents, option values.
_NEUTRAL = {
    "yaml", "csv", "json", "text", "excel", "ods", "xlsx", "xls", "xlsm", "xlsb", "pdf", "rtf", "html", "xml",
    "libreoffice", "wps", "unicode", "tcvn3", "vni", "danhgia", "sha", "yyyy", "mm", "average", "count",
    "manual", "strategy", "annual", "levels", "variants", "grades", "step", "cap", "true", "false", "help",
    "crc", "zip", "ole", "utf", "bom", "select", "ignore", "strict", "force", "month", "out", "lang",
    "vi", "en", "id", "ok", "dpi", "nd", "qd", "cbccvc", "ldhd", "htxsnv", "httnv", "htnv", "khtnv", "ubnd",
    "bhxh", "cbcc", "cv", "xl", "khl", "htxs", "htt", "extends", "validate", "tally", "template", "framework", "list",
    "show", "check", "schema", "qu", "tu", "tw", "tp", "hn", "ii", "iii", "iv", "vi", "a", "b", "c", "d", "x",
}


def fold(word: str) -> str:
    word = word.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch)).lower()


def _words(text: str) -> list[str]:
    """The words a person reads: codes, options, paths, file names and «quoted names» removed."""
    text = re.sub(r"«[^»]*»|'[^'\n]*'", " ", text)             # quoted names and values
    text = re.sub(r"\S*[/\\]\S*|\S+\.(xlsx|xls|ods|xlsm|yaml|csv|json|zip)\b", " ", text)  # paths, files
    text = re.sub(r"\S*_\S*|\S*\w\[\S*|\b\w+(\.\w+)+\b", " ", text)   # YAML paths, identifiers
    text = re.sub(r"\b\w+(-\w+)+\b", " ", text)              # codes, ids, kebab-case
    text = re.sub(r"--?[\w-]+", " ", text)                     # options
    text = re.sub(r"\b\w*\d\w*\b", " ", text)                   # ids, numbers, dates
    text = re.sub(r"\{[^}]*\}|<[^>]*>", " ", text)              # template fields, metavars
    return [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1]


def english_words(text: str, names: set[str] = frozenset()) -> list[str]:
    """Words in a Vietnamese text that are not Vietnamese (nor neutral, nor a name)."""
    bad = []
    for w in _words(text):
        f = fold(w)
        if f in _NEUTRAL or w in names or not w.isascii():
            continue
        if f in _ENGLISH_SYLLABLES or not _VI_SYLLABLE.match(f):
            bad.append(w)
    return bad


def vietnamese_words(text: str, names: set[str] = frozenset()) -> list[str]:
    """Words in an English text written with Vietnamese letters (names excepted)."""
    return [w for w in _words(text) if not w.isascii() and w not in names and fold(w) not in _NEUTRAL]


def test_the_checkers_can_fail():
    assert english_words("Lỗi: Trùng bảng điểm (duplicate-person): 1; --month; variants[v].criteria[I].max") == []
    assert english_words("không tìm thấy tệp / file not found") == ["file", "not", "found"]
    assert english_words("Lỗi: score above max") == ["score", "above", "max"]
    assert english_words("Điểm tự chấm 4 vượt điểm tối đa 3 của tiêu chí I.2.1") == []
    assert vietnamese_words("the file is empty (tệp rỗng)") == ["tệp", "rỗng"]
    assert vietnamese_words("Sheet «Bảng điểm», cell D18") == []


def test_every_code_has_a_short_name_in_both_languages():
    assert set(messages.NAMES) == set(messages.CODES)
    for code, (vi, en) in messages.NAMES.items():
        assert vi and en and vi != code and en != code, code
        assert unicodedata.normalize("NFC", vi) == vi
        assert len(vi) <= 40 and len(en) <= 40, code


def _all_texts():
    for code, entry in messages.CODES.items():
        yield f"message {code}", entry.vi, entry.en
    for code, (vi, en) in messages.NAMES.items():
        yield f"name {code}", vi, en
    for key, (vi, en) in messages.WORDS.items():
        yield f"word {key}", vi, en
    for key, (vi, en) in messages.SEVERITY_NAMES.items():
        yield f"severity {key}", vi, en
    for key, (vi, en) in fw._PYDANTIC_VI_EN.items():
        yield f"pydantic {key}", vi, en


@pytest.mark.parametrize("what,vi,en", list(_all_texts()), ids=lambda x: x if isinstance(x, str) and " " in x else "")
def test_every_message_is_in_one_language(what, vi, en):
    assert english_words(vi) == [], what
    assert vietnamese_words(en, names={"Cán", "bộ", "Công", "chức", "Viên", "LĐHĐ", "Mức", "đề", "xuất",
                                       "Nguồn", "Tháng"}) == [], what


@pytest.mark.parametrize("path", sorted(BAD_FRAMEWORKS.glob("*.yaml")), ids=lambda p: p.name)
def test_framework_problems_in_one_language(path):
    with pytest.raises(fw.FrameworkError) as exc:
        fw.load(path)
    vi, en = exc.value.text("vi"), exc.value.text("en")
    assert vi != en
    assert english_words(vi) == [], vi
    assert vietnamese_words(en) == [], en


def test_unknown_framework_says_so_without_noise(cli):
    r = cli("framework", "show", "hanoi-2099")
    assert r.exit_code == 2
    assert "hanoi-2099: không có khung có sẵn hay tệp nào tên «hanoi-2099»" in r.stderr
    assert ":?:" not in r.stderr and "(tệp)" not in r.stderr and english_words(r.stderr) == []
    r = cli("framework", "show", "hanoi-2099", "--lang", "en")
    assert "no preset or file named «hanoi-2099»" in r.stderr and vietnamese_words(r.stderr) == []


def test_framework_check_translates_pydantic(cli, tmp_path):
    bad = tmp_path / "khung.yaml"
    bad.write_text("id: x\ntitle: X\nkind: monthly\nvariants:\n  - id: v\n    criteria:\n      - code: I\n", "utf-8")
    r = cli("framework", "check", str(bad))
    assert r.exit_code == 2
    assert "Field required" not in r.stdout and "thiếu (bắt buộc phải có)" in r.stdout
    assert english_words(r.stdout) == [], r.stdout
    r = cli("framework", "check", str(bad), "--lang", "en")
    assert "missing (required)" in r.stdout and vietnamese_words(r.stdout) == []


def test_yaml_is_not_called_csv(cli):
    r = cli("validate", str(EXAMPLES / "danhgia.yaml"))
    assert "CSV" not in r.stdout and "tệp YAML" in r.stdout
    r = cli("validate", str(EXAMPLES / "danhgia.yaml"), "--lang", "en")
    assert "a YAML file" in r.stdout and "tệp" not in r.stdout


def test_reasons_come_in_one_language(cli, tmp_path):
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    vi = cli("validate", str(empty)).stdout
    en = cli("validate", str(empty), "--lang", "en").stdout
    assert "tệp rỗng (0 byte)" in vi and "the file is empty" not in vi
    assert "the file is empty (0 bytes)" in en and "tệp rỗng" not in en


def test_roster_errors_in_one_language(cli, tmp_path):
    r = cli("validate", str(EXAMPLES / "2026-10"), "--roster", str(tmp_path / "khong-co.xlsx"))
    assert r.exit_code == 2 and "không tìm thấy tệp" in r.stderr and "file not found" not in r.stderr
    r = cli("validate", str(EXAMPLES / "2026-10"), "--roster", str(tmp_path / "khong-co.xlsx"), "--lang", "en")
    assert "file not found" in r.stderr and "không" not in r.stderr


@pytest.mark.parametrize("args,vi,en", [
    (["tally", "x", "--month", "2026-10"], "Thiếu tùy chọn bắt buộc --out (-o)", "Missing option --out (-o)"),
    (["validate", "x", "--format", "xml"], "chọn một trong: text, json, csv", "choose one of: text, json, csv"),
    (["validate", "x", "--jobs", "0"], "cần một số trong khoảng", "a number in"),
    (["validate", "x", "--nope"], "Không có tùy chọn --nope", "No such option: --nope"),
    (["validat"], "Không có lệnh «validat»", "No such command «validat»"),
    (["template"], "Thiếu tùy chọn bắt buộc --out (-o)", "Missing option --out (-o)"),
])
def test_usage_errors_in_our_words(cli, args, vi, en):
    r = cli(*args)
    assert r.exit_code == 2 and vi in r.stderr and "Usage" not in r.stderr, r.stderr
    assert english_words(r.stderr) == [], r.stderr
    r = cli(*args, "--lang", "en")
    assert r.exit_code == 2 and en in r.stderr and vietnamese_words(r.stderr) == [], r.stderr
    r = cli(*args, env={"DANHGIA_LANG": "en"})
    assert en in r.stderr


@pytest.mark.parametrize("cmd", [[], ["validate"], ["tally"], ["annual"], ["template"], ["framework"],
                                 ["framework", "list"], ["framework", "show"], ["framework", "check"],
                                 ["framework", "schema"]], ids=lambda c: " ".join(c) or "danhgia")
def test_help_pages_one_language_flags_and_an_example(cli, cmd):
    vi = cli(*cmd, "--help", env={"COLUMNS": "100"}).stdout
    en = cli(*cmd, "--help", "--lang", "en", env={"COLUMNS": "100"}).stdout
    assert "Cách dùng:" in vi and "Tùy chọn" in vi and "Usage:" in en and "Options" in en
    assert "<bool>" not in vi and "<bool>" not in en          # flags shown as flags
    assert ("Ví dụ:" in vi and "Example:" in en), "every help page has an example"
    assert english_words(vi) == [], (cmd, english_words(vi))
    assert vietnamese_words(en, names={"Sự", "kiện", "năm"}) == [], (cmd, vietnamese_words(en))


def test_same_short_options_everywhere(cli):
    import typer.main

    from danhgia.cli import app

    group = typer.main.get_command(app)
    want = {"--month": "-m", "--out": "-o", "--roster": "-r", "--framework": "-F", "--format": "-f",
            "--jobs": "-j", "--config": "-c", "--lang": "-L"}

    def walk(cmd, path):
        for p in cmd.params:
            longs = [o for o in p.opts if o.startswith("--")]
            for lo in longs:
                if lo in want:
                    assert want[lo] in p.opts, (path, lo, p.opts)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, path + [name])

    walk(group, [])


# --- the walk-through, in each language -------------------------------------------------------

def _names() -> set[str]:
    """People's, units' and sheets' names: Vietnamese in every language."""
    from danhgia import layout
    from danhgia.read import roster

    words: set[str] = set()
    for p in roster.load(EXAMPLES / "danh-sach.xlsx").people:
        words.update(re.findall(r"[^\W\d_]+", f"{p.name} {p.unit} {p.position}"))
    for value in vars(layout).values():
        if isinstance(value, str):
            words.update(re.findall(r"[^\W\d_]+", value))
    for pid in fw.preset_ids():   # the titles of the documents a framework cites are names
        for src in fw.load(pid).sources:
            words.update(re.findall(r"[^\W\d_]+", src.doc))
    words.update({"Hòa", "Bình", "Mầm", "non", "Trường", "UBND", "phường", "Hà", "Nội", "Đông", "Thanh", "Trì",
                  "Bảng", "điểm", "Danh", "sách", "Chi", "tiết"})
    return words


WALK = [
    ["validate", "examples/2026-10", "--month", "2026-10"],
    ["framework", "list"],
    ["framework", "show", "hanoi-2022"],
    ["framework", "show", "nd90-48"],
]


@pytest.mark.parametrize("args", WALK, ids=lambda a: " ".join(a[:2]))
def test_walk_through_one_language(cli, args, monkeypatch):
    monkeypatch.chdir(ROOT)
    names = _names()
    vi = cli(*args).stdout
    en = cli(*args, "--lang", "en").stdout
    assert english_words(vi, names) == [], english_words(vi, names)
    # framework titles without an English title stay Vietnamese names
    allowed = names | {w for w in re.findall(r"[^\W\d_]+", vi) if args[0] == "framework"} \
        if args[:2] == ["framework", "show"] and args[2] == "nd90-48" else names
    assert vietnamese_words(en, allowed) == [], vietnamese_words(en, allowed)


def test_tally_walk_through_one_language(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    names = _names()
    vi = cli("tally", "examples/2026-10", "-m", "2026-10", "-o", tmp_path / "a.xlsx").stdout
    en = cli("tally", "examples/2026-10", "-m", "2026-10", "-o", tmp_path / "b.xlsx", "--lang", "en").stdout
    assert english_words(vi, names) == [], english_words(vi, names)
    assert vietnamese_words(en, names) == [], vietnamese_words(en, names)


def test_workbook_cells_name_findings_not_codes(cli, monkeypatch, tmp_path):
    from openpyxl import load_workbook

    monkeypatch.chdir(ROOT)
    for lang, name in (("vi", "Điểm vượt tối đa"), ("en", "Score above maximum")):
        out = tmp_path / f"{lang}.xlsx"
        cli("tally", "examples/2026-10", "-m", "2026-10", "-o", out, "--lang", lang)
        wb = load_workbook(out, read_only=True)
        cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        joined = "\n".join(cells)
        assert name in joined
        for code in messages.CODES:
            assert not any(code in c and "/" not in c for c in cells), (lang, code)
