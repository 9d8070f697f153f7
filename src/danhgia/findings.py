"""Finding: one problem found in the inputs, with a stable code and an exact location."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from danhgia import messages

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem with a stable kebab-case ``code`` (see ``danhgia.messages.CODES``).

    ``params`` fill the message templates; ``value`` and ``expected`` are also reported as they are.
    The message itself is rendered on demand in the language asked for.
    """

    code: str
    severity: str = ""
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    person: str | None = None
    person_id: str | None = None
    criterion: str | None = None
    value: Any = None
    expected: Any = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.code not in messages.CODES:
            raise ValueError(f"unknown finding code: {self.code}")
        if not self.severity:
            object.__setattr__(self, "severity", messages.CODES[self.code].severity)
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity: {self.severity}")

    def message(self, lang: str = "vi") -> str:
        ctx = dict(self.params)
        ctx.setdefault("value", _fmt(self.value, lang))
        ctx.setdefault("expected", _fmt(self.expected, lang))
        ctx.setdefault("criterion", self.criterion or "")
        ctx.setdefault("cell", self.cell or "")
        ctx.setdefault("sheet", self.sheet or "")
        ctx.setdefault("file", self.file or "")
        ctx.setdefault("person", self.person or "")
        return messages.render(self.code, lang, ctx)

    def location(self) -> str:
        """``file › sheet › cell``, as much of it as is known."""
        return " › ".join(p for p in (self.file, self.sheet, self.cell) if p)

    def with_(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    def sort_key(self) -> tuple:
        row, col = split_a1(self.cell)
        return (self.file or "", self.sheet or "", row, col, self.code, self.criterion or "")

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "person": self.person,
            "person_id": self.person_id,
            "criterion": self.criterion,
            "message": self.message(lang),
            "value": jsonable(self.value),
            "expected": jsonable(self.expected),
        }


def split_a1(cell: str | None) -> tuple[int, int]:
    """``"E14"`` → ``(14, 5)``; unknown cells sort first."""
    if not cell:
        return (0, 0)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ord(ch) - 64)
    return (int(digits) if digits else 0, col)


def jsonable(value: Any) -> Any:
    """Decimals become int or float (at most two decimals, so exact in JSON); dates ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def _fmt(value: Any, lang: str = "vi") -> str:
    """Numbers with a decimal comma in Vietnamese (2,5) and a point in English (2.5)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = jsonable(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang != "en" else f"{value:g}"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)
