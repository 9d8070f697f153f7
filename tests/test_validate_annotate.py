"""``--annotate DIR``: copies with bad cells filled red/amber and commented, a sheet "Lỗi" with
links; inputs untouched; no overwrite without --force; .xls/.ods become an .xlsx copy."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from danhgia import pipeline
from danhgia.write.annotate import AMBER, RED, output_path
from fixtures.validate import stub_reader
from fixtures.validate.stub_reader import write_book


@pytest.fixture(autouse=True)
def stub(monkeypatch):
    monkeypatch.setattr(pipeline, "_reader", lambda: stub_reader.read_file)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_book(Path("in/ok.xlsx"))
    write_book(Path("in/bad.xlsx"), {"Bảng điểm": {"self_scores": {"I.2.1": 4},
                                                   "fields": {"self_date": None, "id": "HN002"}}})
    return Path("in")


def test_annotated_copy(cli, inputs):
    before = digest(inputs / "bad.xlsx")
    r = cli("validate", str(inputs), "--annotate", "out")
    assert r.exit_code == 1
    assert digest(inputs / "bad.xlsx") == before                       # input untouched
    assert not Path("out/in/ok.xlsx").exists()                          # nothing to mark
    wb = load_workbook("out/in/bad.xlsx")
    # the person's form stays first and active; «Lỗi» is last
    assert wb.sheetnames == ["Bảng điểm", "Lỗi"] and wb.active.title == "Bảng điểm"
    assert [s.sheet_view.tabSelected for s in wb.worksheets] == [True, False]
    ws = wb["Bảng điểm"]
    assert ws["D16"].fill.start_color.rgb.endswith(RED)
    assert "[Điểm vượt tối đa]" in ws["D16"].comment.text and "vượt điểm tối đa 3" in ws["D16"].comment.text
    assert ws["B40"].fill.start_color.rgb.endswith(AMBER)               # missing-date is a warning
    errs = wb["Lỗi"]
    rows = [[c.value for c in row] for row in errs.iter_rows(min_row=2)]
    assert ["Bảng điểm", "D16", "I.2.1", "Điểm vượt tối đa"] == rows[[r[1] for r in rows].index("D16")][:4]
    link = errs.cell(row=2 + [r[1] for r in rows].index("D16"), column=2).hyperlink
    assert link.location == "'Bảng điểm'!D16"
    # every sheet prints on A4 one page wide (never one page tall); «Lỗi» repeats its header
    for sheet in wb.worksheets:
        ps = sheet.page_setup
        assert ps.paperSize in (9, "9") and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert ps.fitToWidth in (None, 1, "1") and ps.fitToHeight in (0, "0")
    assert errs.print_title_rows == "$1:$1" and errs.page_setup.orientation == "landscape"


def test_copies_inside_the_input_folder_are_not_read_again(cli, inputs):
    cli("validate", str(inputs), "--annotate", "in/danh-dau")
    assert Path("in/danh-dau/in/bad.xlsx").exists()
    r = cli("validate", str(inputs), "--annotate", "in/danh-dau", "--force", "--format", "json")
    assert {f["file"] for f in json.loads(r.stdout)["findings"]} == {"in/bad.xlsx"}


def test_no_overwrite_without_force(cli, inputs):
    cli("validate", str(inputs), "--annotate", "out")
    Path("out/in/bad.xlsx").write_bytes(b"keep me")
    r = cli("validate", str(inputs), "--annotate", "out")
    assert r.exit_code == 2 and "--force" in r.stderr
    assert Path("out/in/bad.xlsx").read_bytes() == b"keep me"
    r = cli("validate", str(inputs), "--annotate", "out", "--force")
    assert r.exit_code == 1 and load_workbook("out/in/bad.xlsx")["Lỗi"]


def test_never_replaces_an_input_even_with_force(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_book(Path("bad.xlsx"), {"Bảng điểm": {"self_scores": {"I.2.1": 4}}})
    before = digest(Path("bad.xlsx"))
    r = cli("validate", "bad.xlsx", "--annotate", ".", "--force")
    assert digest(Path("bad.xlsx")) == before and "bad.xlsx" in r.stderr


def test_zip_member_copy_and_english(cli, inputs):
    with zipfile.ZipFile("t10.zip", "w") as zf:
        zf.write(inputs / "bad.xlsx", "p/bad.xlsx")
    r = cli("validate", "t10.zip", "--annotate", "out", "--lang", "en")
    assert r.exit_code == 1
    wb = load_workbook("out/t10.zip/p/bad.xlsx")
    assert wb.sheetnames[-1] == "Lỗi" and wb["Lỗi"]["F1"].value == "Message"
    assert "above the maximum 3" in wb["Bảng điểm"]["D16"].comment.text


def test_ods_input_becomes_an_xlsx_copy(tmp_path):
    from danhgia.config import Limits
    from danhgia.write.annotate import annotate_run
    from danhgia.model import ReadContext

    from python_calamine import CalamineWorkbook

    from fixtures.validate.stub_reader import write_ods

    src = write_book(tmp_path / "x.xlsx", {"Bảng điểm": {"self_scores": {"I.2.1": 4}}})
    grid = CalamineWorkbook.from_path(str(src)).get_sheet_by_name("Bảng điểm").to_python()
    ods = write_ods(tmp_path / "x.ods", {"Bảng điểm": grid})
    result = pipeline.run([ods], ReadContext())
    findings = [f for f in result.all_findings()]
    done = annotate_run(result, findings, tmp_path / "out", limits=Limits())
    assert done.failed == [] and len(done.written) == 1 and done.written[0].suffix == ".xlsx"
    wb = load_workbook(done.written[0])
    assert wb["Bảng điểm"]["D16"].value == 4 and wb["Bảng điểm"]["D16"].fill.start_color.rgb.endswith(RED)


def test_output_path_stays_inside_the_folder(tmp_path):
    assert output_path(tmp_path, "/abs/x/a.xlsx") == tmp_path / "a.xlsx"          # never rebuilt
    assert output_path(tmp_path, "/abs/x/t.zip/p/a.xlsx") == tmp_path / "t.zip/p/a.xlsx"
    assert output_path(tmp_path, "C:\\Users\\x\\a.xlsx") == tmp_path / "a.xlsx"
    assert output_path(tmp_path, "x/a.xlsx") == tmp_path / "x/a.xlsx"
    assert output_path(tmp_path, "../../a.xlsx") == tmp_path / "a.xlsx"
    assert output_path(tmp_path, "a.xls", ".xlsx") == tmp_path / "a.xlsx"


def test_same_names_in_one_run_get_distinct_copies(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b"):
        write_book(Path(folder) / "bad.xlsx", {"Bảng điểm": {"self_scores": {"I.2.1": 4}}})
    r = cli("validate", str((tmp_path / "a" / "bad.xlsx").resolve()), str((tmp_path / "b" / "bad.xlsx").resolve()),
            "--annotate", "out")
    assert r.exit_code == 1 and "already" not in r.stderr and "đã có" not in r.stderr
    assert sorted(p.name for p in Path("out").iterdir()) == ["bad (2).xlsx", "bad.xlsx"]
    assert not Path("out/tmp").exists()
