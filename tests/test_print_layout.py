"""Print layout decided before any client sees it (fast; the real-client check is test_print.py):
rows of wrapped text get the height of the lines they wrap to, and every annotated copy leaves
its footer room inside the bottom margin, at 8 pt or more."""

from __future__ import annotations

from openpyxl import load_workbook

from conftest import EXAMPLES
from danhgia.write import paper

# «Chi tiết»'s note column (40 characters) holding two file paths, as LibreOffice wraps it in the
# example: "Nhiều bảng điểm:" / "/…/2026-10/HB017-cao-van-thang" / "(1).xlsx › Bảng điểm," /
# "/…/2026-10/HB017-cao-van-" / "thang.xlsx › Bảng điểm" — five lines (a path breaks after a
# hyphen before a letter, never after a slash or in "2026-10").
TWO_PATHS = ("Nhiều bảng điểm: /work/wt/p13/examples/2026-10/HB017-cao-van-thang (1).xlsx › Bảng điểm, "
             "/work/wt/p13/examples/2026-10/HB017-cao-van-thang.xlsx › Bảng điểm")


def test_paths_wrap_after_hyphens_not_slashes():
    assert paper.lines_of(TWO_PATHS, 40) == 5
    assert paper._pieces("/a/b/2026-10/HB017-cao-van-thang.xlsx", 40) == ["/a/b/2026-10/HB017-", "cao-", "van-",
                                                                         "thang.xlsx"]


def test_a_path_without_hyphens_longer_than_the_column_takes_the_lines_it_fills():
    path = "/" + "/".join(["thumuc"] * 20) + "/bangdiem.xlsx"          # 154 characters, no hyphen
    per_line = (paper.column_points(30) - 4) / 5.8
    assert paper.lines_of(path, 30) >= len(path) / per_line


def test_capitals_take_more_room_than_lower_case():
    name = "TRƯỜNG MẦM NON HÒA BÌNH VÀ TRUNG TÂM DỊCH VỤ TỔNG HỢP PHƯỜNG"
    assert paper.lines_of(name, 30) > paper.lines_of(name.lower(), 30)


def test_a_row_is_as_tall_as_its_longest_wrapped_cell():
    short, long_ = ("UBND phường Hòa Bình", 30), (TWO_PATHS, 40)
    assert paper.row_height([short]) == 17
    assert paper.row_height([short, long_]) == 15 * 5 + 2


def test_the_quick_answer_for_short_text_is_the_word_by_word_count():
    """``lines_of`` answers «one line» without splitting words when the whole text is lighter
    than a line (issue 16: the row heights of a long list); the word-by-word count must agree on
    every text, those at a hair's breadth from the line's width included."""
    import random

    rnd = random.Random(16)
    alphabet = "aAmMwWiễẾđĐ-/_.09 \n\t\xa0"
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 50))) for _ in range(3000)]
    texts += ["a" * n for n in range(60)] + ["M" * n for n in range(40)] + ["a b" * n for n in range(20)]
    texts += ["/work/wt/p16/benchmarks/data/2000/BM000001.xlsx", TWO_PATHS, "Nguyễn Thị Thu Hương"]
    for text in texts:
        for width in (2, 4, 5, 7, 9, 12, 14, 16, 20, 28, 30, 40, 55):
            per_line = max(3.0, (paper.column_points(width) - 4) / 5.8)
            full = max(paper._count_lines(text, per_line, paper._HYPHEN_BREAK),
                       paper._count_lines(text, per_line, paper._SLASH_OR_HYPHEN_BREAK))
            assert paper.lines_of(text, width) == full, (text, width)
    assert paper.lines_of(12.5, 4) == 1 and paper.lines_of(None, 4) == 1


def test_every_sheet_of_an_annotated_copy_has_room_for_its_footer(cli, tmp_path):
    """openpyxl's footer margin (0.5 in) under the 0.6-in bottom margin printed «Lỗi»'s footer
    cut in half: every sheet of every copy (.xlsx, .xls and .ods submissions) keeps 0.3 in
    between the footer's margin and the bottom one, and a footer of 8 pt or more."""
    month = EXAMPLES / "2026-10"
    cli("validate", month / "HB010-ngo-thi-hanh.xlsx", month / "HB009-do-minh-tuan.xls", "--month", "2026-10",
        "--annotate", tmp_path)
    cli("validate", month / "HB015-mai-van-long.ods", "--month", "2026-09", "--annotate", tmp_path)
    copies = sorted(tmp_path.glob("*.xlsx"))
    assert [p.name for p in copies] == ["HB009-do-minh-tuan.xlsx", "HB010-ngo-thi-hanh.xlsx", "HB015-mai-van-long.xlsx"]
    for copy in copies:
        wb = load_workbook(copy)
        assert wb.sheetnames[-1] == "Lỗi"
        for ws in wb.worksheets:
            m = ws.page_margins
            assert m.bottom - m.footer >= paper.FOOTER_ROOM_IN - 1e-9, f"{copy.name} › {ws.title}: {m.bottom} / {m.footer}"
            assert m.footer >= 0.2, f"{copy.name} › {ws.title}"
            footer = ws.oddFooter.center
            assert footer.text and "&A" in footer.text, f"{copy.name} › {ws.title}"
            assert (footer.size or 11) >= 8, f"{copy.name} › {ws.title}"


def test_a_year_names_each_reason_for_not_evaluating_once():
    from danhgia.write.annual import _months_by_reason

    summer = "Giáo viên mầm non không đánh giá các tháng hè"
    assert _months_by_reason([(6, summer), (7, summer), (8, summer), (11, "Nghỉ ốm")]) == \
        f"T6, T7, T8: {summer}; T11: Nghỉ ốm"
    assert _months_by_reason([]) == ""


def test_the_national_heading_row_is_tall_enough_when_the_right_block_is_narrow(tmp_path):
    """A one-unit «Công khai» (5 narrow columns): the right block wraps «CỘNG HÒA XÃ HỘI CHỦ NGHĨA
    VIỆT NAM» to two lines, so its row must hold two lines (it printed cut at the top)."""
    import xlsxwriter

    from danhgia.write import paper

    wb = xlsxwriter.Workbook(tmp_path / "x.xlsx")
    ws = wb.add_worksheet()
    forms = paper.Forms(wb)
    widths = [5, 20, 16, 7, 22]
    paper.letterhead(ws, forms, paper.Letterhead(unit="UBND phường Hòa Bình"), 4, widths)
    right = sum(widths[paper.split_columns(4, widths):])
    assert paper.lines_of("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right) == 2
    assert ws.row_info[0].height >= paper.row_height([("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right)]) > 20
    wb.close()
