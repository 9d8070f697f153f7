"""The staff list (danh sách) as models: a person, the roster, and the index that finds a person
by id or by an unambiguous name. Reading a roster file lives in ``danhgia.read.roster``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from danhgia.text import fold, nfc
from danhgia.messages import say

GROUP_WORDS = {
    "can bo": "can_bo", "cb": "can_bo", "can_bo": "can_bo",
    "cong chuc": "cong_chuc", "cc": "cong_chuc", "cong_chuc": "cong_chuc",
    "vien chuc": "vien_chuc", "vc": "vien_chuc", "vien_chuc": "vien_chuc",
    "ldhd": "ldhd", "lao dong hop dong": "ldhd", "hop dong": "ldhd", "hdld": "ldhd",
    "hop dong lao dong": "ldhd", "nguoi lao dong": "ldhd",
}



GROUP_LABELS = {"can_bo": ("Cán bộ", "Officials"), "cong_chuc": ("Công chức", "Civil servants"),
                "vien_chuc": ("Viên chức", "Public employees"), "ldhd": ("LĐHĐ", "Contract workers")}



VARIANT_WORDS = {
    "lanh dao quan ly": "lanh-dao-quan-ly", "lanh dao": "lanh-dao-quan-ly", "ldql": "lanh-dao-quan-ly",
    "chuyen vien": "chuyen-vien", "cv": "chuyen-vien",
    "ldhd": "ldhd", "lao dong hop dong": "ldhd",
    # NĐ 335/2025 period forms
    "mau 01a": "nd335-01a", "01a": "nd335-01a", "mau 01b": "nd335-01b", "01b": "nd335-01b",
}



YES_WORDS = {"co", "x", "yes", "y", "1", "true", "gv", "giao vien", "dung", "v", "✓"}



@dataclass(slots=True)
class Person:
    id: str
    name: str
    unit: str = ""
    position: str = ""
    group: str | None = None
    variant: str | None = None
    teacher: bool = False
    task_group: str | None = None
    start: date | None = None
    end: date | None = None
    not_evaluated: dict[tuple[int, int], str] = field(default_factory=dict)
    where: str = ""          # file › sheet › row, for messages
    cell: str | None = None  # A1 cell of the person's id in the roster

    def employed_in(self, year: int, month: int) -> bool:
        first = date(year, month, 1)
        if self.start and (self.start.year, self.start.month) > (year, month):
            return False
        if self.end and self.end < first:
            return False
        return True



@dataclass
class Roster:
    source: str
    people: list[Person]

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    def units(self) -> list[str]:
        return sorted({p.unit for p in self.people})



class RosterError(Exception):
    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(self.text("vi"))

    def text(self, lang: str = "vi") -> str:
        return "\n".join(f"{say(self.source, lang)}: {say(p, lang)}" for p in self.problems)


def person_key(text: str | None) -> str:
    return nfc(text or "").strip().casefold()


class RosterIndex:
    """Look people up by id, else by an unambiguous name."""

    def __init__(self, roster) -> None:
        self.roster = roster
        self.by_id = {person_key(p.id): p for p in roster.people}
        names = Counter(fold(p.name) for p in roster.people)
        self.by_name = {fold(p.name): p for p in roster.people if names[fold(p.name)] == 1}

    def find(self, person_id: str | None, name: str | None = None):
        if person_id:
            return self.by_id.get(person_key(person_id))
        if name:
            return self.by_name.get(fold(name))
        return None


_INDEX: dict[int, RosterIndex] = {}


def index_of(roster) -> RosterIndex | None:
    """One index per roster object (cached in the worker process)."""
    if roster is None:
        return None
    idx = _INDEX.get(id(roster))
    if idx is None or idx.roster is not roster:
        _INDEX.clear()
        idx = _INDEX[id(roster)] = RosterIndex(roster)
    return idx
