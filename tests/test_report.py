"""The report: summary counts, JSON contract (design.md §4), CSV one row per finding, text with
a summary first and one table per file, --limit, --strict, --select/--ignore, stable order."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console

from danhgia.checks import code_filter
from danhgia.model import ReadContext
from danhgia.pipeline import FileOutcome, RunResult, check_sheet
from danhgia.report import CSV_FIELDS, Report
from fixtures.validate.sheets import make_sheet, row_of

CTX = ReadContext()
FINDING_KEYS = {"code", "severity", "file", "sheet", "cell", "person", "person_id", "criterion",
                "message", "value", "expected"}


def result_of(*sheets) -> RunResult:
    files = {}
    for sh in sheets:
        fo = files.setdefault(sh.file, FileOutcome(file=sh.file, path=sh.file))
        fo.sheets.append(check_sheet(sh, CTX, (2026, 10)))
    return RunResult(files=list(files.values()), month=(2026, 10))


def mixed() -> RunResult:
    return result_of(
        make_sheet(file="2026-10/b.xlsx", self_scores={"I.2.1": 4, "II.1.1": " 2 "}, leader_scores={"I.2.1": 4},
                   fields={"decided_grade": "A"}),
        make_sheet(file="2026-10/a.xlsx"),
        make_sheet(file="2026-10/c.xlsx", fields={"self_date": None}),
    )


def test_json_matches_the_contract():
    data = json.loads(json.dumps(Report.build(mixed()).to_json()))
    assert set(data) >= {"valid", "summary", "findings"} and data["valid"] is False
    s = data["summary"]
    assert {k: s[k] for k in ("files", "scoresheets", "valid", "invalid")} == \
        {"files": 3, "scoresheets": 3, "valid": 2, "invalid": 1}
    assert s["errors"] == sum(1 for f in data["findings"] if f["severity"] == "error")
    assert s["warnings"] == sum(1 for f in data["findings"] if f["severity"] == "warning")
    assert s["by_code"]["score-above-max"] == 2 and s["failed_files"] == ["2026-10/b.xlsx"]
    f = next(x for x in data["findings"] if x["code"] == "score-above-max")
    assert set(f) == FINDING_KEYS
    assert f == {"code": "score-above-max", "severity": "error", "file": "2026-10/b.xlsx", "sheet": "Bảng điểm",
                 "cell": f"D{row_of('I.2.1')}", "person": "Nguyễn Văn A", "person_id": "HN001",
                 "criterion": "I.2.1", "message": "Điểm tự chấm 4 vượt điểm tối đa 3 của tiêu chí I.2.1",
                 "value": 4, "expected": "<= 3"}


def test_json_all_valid_is_parseable():
    data = json.loads(json.dumps(Report.build(result_of(make_sheet())).to_json("en")))
    assert data["valid"] is True and data["findings"] == []
    assert data["summary"]["by_code"] == {} and data["summary"]["valid"] == 1


def test_stable_order_file_sheet_row_column():
    keys = [(f.file, f.sheet, f.cell) for f in Report.build(mixed()).findings]
    files = [k[0] for k in keys]
    assert files == sorted(files)
    b = [k[2] for k in keys if k[0].endswith("b.xlsx")]
    rows = [int("".join(ch for ch in c if ch.isdigit())) for c in b if c]
    assert rows == sorted(rows)
    # same cell, self column before leader column
    assert b.index(f"D{row_of('I.2.1')}") < b.index(f"E{row_of('I.2.1')}")


def test_csv_one_row_per_finding():
    rep = Report.build(mixed())
    out = io.StringIO()
    rep.write_csv(out, "en")
    text = out.getvalue()
    assert text.startswith("\ufeff") and text.count("\r\n") == len(rep.findings) + 1   # Excel: BOM, CRLF
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(CSV_FIELDS)
    assert len(rows) - 1 == len(rep.findings)
    assert rows[1][0] == rep.findings[0].code and rows[1][8] == rep.findings[0].message("en")


def test_strict_counts_warnings():
    only_warning = result_of(make_sheet(fields={"self_date": None}))
    assert Report.build(only_warning).exit_code == 0
    strict = Report.build(only_warning, strict=True)
    assert strict.exit_code == 1 and strict.to_json()["valid"] is False and strict.invalid == 1


def test_select_and_ignore():
    rep = Report.build(mixed(), keep=code_filter(["cells"], ["text-as-number"]))
    assert {f.code for f in rep.findings} == {"score-above-max"}
    rep = Report.build(mixed(), keep=code_filter(None, ["score-above-max,block-over-max,grade-above-band"]))
    assert "score-above-max" not in rep.by_code and rep.invalid == 0 and rep.exit_code == 0


def render(rep: Report, lang="vi", limit=None) -> str:
    buf = io.StringIO()
    rep.render_text(Console(file=buf, width=200, color_system=None), lang, limit)
    return buf.getvalue()


def test_text_summary_first_then_a_table_per_file():
    text = render(Report.build(mixed()))
    assert text.startswith("KẾT QUẢ KIỂM TRA BẢNG ĐIỂM")
    assert "Bảng điểm: 3 · Hợp lệ: 2 · Không hợp lệ: 1" in text
    assert "Tệp có lỗi: 2026-10/b.xlsx" in text
    assert "score-above-max" in text and "Điểm tự chấm 4 vượt điểm tối đa 3" in text
    titles = [line.strip() for line in text.splitlines() if line.strip().startswith("2026-10/")]
    # one table per file with problems, titled with whose file it is
    assert titles == ["2026-10/b.xlsx — Nguyễn Văn A (HN001)", "2026-10/c.xlsx — Nguyễn Văn A (HN001)"]
    assert text.index("Tệp có lỗi") < text.index("┏")             # summary first


def test_text_english_and_limit():
    text = render(Report.build(mixed()), "en", limit=3)
    assert "Files: 3 · Scoresheets: 3 · Valid: 2 · Invalid: 1" in text
    assert "The self score 4 is above the maximum 3" in text
    n = sum(1 for f in Report.build(mixed()).findings if f.file.endswith("b.xlsx") and f.severity != "info")
    assert f"… {n - 3} more not shown" in text
    assert "more not shown" not in render(Report.build(mixed()), "en")


def test_text_when_all_valid():
    assert "Không phát hiện lỗi nào." in render(Report.build(result_of(make_sheet())))


def test_csv_text_never_becomes_a_formula():
    import io

    from danhgia.findings import Finding
    from danhgia.pipeline import FileOutcome, RunResult
    from danhgia.report import Report

    f = Finding("not-in-roster", file="a.xlsx", sheet="S", cell="B7", person='=HYPERLINK("http://x","y")',
                person_id="@X1", value="-1+1")
    run = RunResult(files=[FileOutcome(file="a.xlsx", path="a.xlsx", findings=[f])])
    out = io.StringIO()
    Report.build(run).write_csv(out)
    body = out.getvalue()
    assert "'=HYPERLINK" in body and "'@X1" in body and "'-1+1" in body
    assert ",=HYPERLINK" not in body


def test_text_names_each_person_of_a_multi_person_workbook():
    run = result_of(
        make_sheet(file="truong/bang-diem.xlsx", sheet="GV1", self_scores={"I.2.1": 4},
                   fields={"name": "Trần Thị Hương", "id": "MN002"}),
        make_sheet(file="truong/bang-diem.xlsx", sheet="GV2", fields={"self_date": None, "name": "Lê Thị Nga", "id": "MN003"}),
    )
    text = render(Report.build(run))
    assert "Họ và tên" in text
    assert "Trần Thị Hương (MN002)" in text and "Lê Thị Nga (MN003)" in text
    assert "truong/bang-diem.xlsx —" not in text
