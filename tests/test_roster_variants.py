"""A roster names a variant of the framework in use by its id, title or alias, compared like a
label (NFC, case, diacritics); an unknown name lists what the framework accepts (issue 14)."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from conftest import FIXTURES
from danhgia import framework as fw_mod
from danhgia.framework import VariantNames
from danhgia.read.roster import load
from danhgia.roster import VARIANT_WORDS, RosterError
from fixtures.units.make import TEACHERS, roster_rows, write_xlsx

SCHOOL = FIXTURES / "units" / "school"


def _school_names() -> VariantNames:
    return VariantNames([fw_mod.load(str(SCHOOL / "thcs-nguyen-du.yaml"))], extra=VARIANT_WORDS)


@pytest.mark.parametrize("written", ["Giáo viên", "GIÁO VIÊN", "giao vien", "giao-vien", " Giáo  Viên ",
                                     unicodedata.normalize("NFD", "Giáo viên"),
                                     "Giáo viên trực tiếp giảng dạy"])
def test_unit_variant_by_title_id_or_alias(tmp_path, written):
    p = tmp_path / "ds.xlsx"
    write_xlsx(p, roster_rows(TEACHERS[:1], variant=written))
    (person,) = load(p, _school_names()).people
    assert person.variant == "giao-vien"


def test_preset_variants_and_short_words_still_known(tmp_path):
    p = tmp_path / "ds.csv"
    p.write_text("Mã;Họ và tên;Bảng điểm\n1;A;Chuyên viên\n2;B;CV\n3;C;lanh-dao-quan-ly\n4;D;Giáo viên\n",
                 encoding="utf-8")
    got = [x.variant for x in load(p, _school_names()).people]
    assert got == ["chuyen-vien", "chuyen-vien", "lanh-dao-quan-ly", "giao-vien"]


def test_unknown_variant_lists_the_names_the_framework_accepts(tmp_path):
    p = tmp_path / "ds.xlsx"
    write_xlsx(p, roster_rows(TEACHERS[:2], variant="Nhân viên"))
    with pytest.raises(RosterError) as exc:
        load(p, _school_names())
    text = str(exc.value)
    assert "Danh sách › G4" in text and "«Nhân viên»" in text       # file › sheet › cell
    assert "GIÁO VIÊN (giao-vien)" in text and "CHUYÊN VIÊN (chuyen-vien)" in text


def test_cli_validate_knows_the_unit_variant_and_names_unknown_ones(cli, tmp_path, monkeypatch):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    monkeypatch.chdir(folder)
    assert cli("validate", "2018-10", "--roster", "danh-sach.xlsx").exit_code == 0
    write_xlsx(folder / "sai.xlsx", roster_rows(TEACHERS, variant="Giáo viên mầm non"))
    r = cli("validate", "2018-10", "--roster", "sai.xlsx")
    assert r.exit_code == 2
    out = " ".join((r.stdout + r.stderr).split())
    assert "sai.xlsx" in out and "«Giáo viên mầm non»" in out and "GIÁO VIÊN (giao-vien)" in out
    # a variant of a framework that is not in use is not accepted either
    write_xlsx(folder / "khac.xlsx", roster_rows(TEACHERS, variant="cong-chuc-335"))
    r = cli("validate", "2018-10", "--roster", "khac.xlsx")
    assert r.exit_code == 2 and "cong-chuc-335" in r.stdout + r.stderr


def test_cli_template_and_tally_accept_the_unit_variant(cli, tmp_path, monkeypatch):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    monkeypatch.chdir(folder)
    r = cli("template", "--roster", "danh-sach.xlsx", "--month", "2018-11", "--out", str(tmp_path / "tpl"))
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("tally", "2018-10", "--month", "2018-10", "--out", str(tmp_path / "t.xlsx"))
    assert r.exit_code == 0, r.stdout + r.stderr


def test_template_variant_flag_takes_a_name_like_the_roster(cli, tmp_path, monkeypatch):
    folder = tmp_path / "school"
    shutil.copytree(SCHOOL, folder)
    monkeypatch.chdir(folder)
    r = cli("template", "--variant", "Giáo viên", "--out", tmp_path / "tpl")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert (tmp_path / "tpl" / "thcs-nguyen-du" / "giao-vien.xlsx").exists()
    r = cli("template", "--variant", "Nhân viên", "--out", tmp_path / "tpl2")
    assert r.exit_code == 2
    assert "GIÁO VIÊN (giao-vien)" in " ".join((r.stdout + r.stderr).split())
