"""The mark every workbook the tool writes carries (design.md §2), and what it means when met
again among the inputs.

An officer saves the tally next to the scoresheets, annotated copies land in the input folder,
blank templates lie beside filled ones. Each output therefore carries custom document
properties (File › Properties › Custom in Excel, File › Properties › Custom Properties in
LibreOffice) naming the tool, the kind of output, the unit and the period. They survive a save
in Excel or LibreOffice, so the reader recognises the tool's own outputs by them and never
reads them as scoresheets (``danhgia.read.mark`` reads them back from the zip, bounded).

Kinds: ``tally`` (consolidated month), ``annual`` (the year's rating), ``annotated`` (a copy of
a scoresheet with its mistakes marked), ``template`` (a scoresheet form, blank or pre-filled).
A template is the one output people fill in and send back: it is read as a scoresheet once
anything has been entered, and skipped only while it is still blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from danhgia import __version__
from danhgia.text import fold

TOOL = "danhgia"
KINDS = ("tally", "annual", "annotated", "template")
# Custom property names: prefixed so that a unit's own properties are never taken for ours.
P_TOOL, P_KIND, P_UNIT, P_PERIOD = "danhgia.tool", "danhgia.kind", "danhgia.unit", "danhgia.period"
NAMES = (P_TOOL, P_KIND, P_UNIT, P_PERIOD)

# Excel's limit on a custom property's text (XlsxWriter warns in English beyond it): a longer
# value (the comma-joined names of many sub-units) is cut to it, ending in «…»
PROPERTY_MAX = 255


def clip(value: str) -> str:
    """``value`` as a custom property holds it: at most ``PROPERTY_MAX`` characters."""
    return value if len(value) <= PROPERTY_MAX else value[:PROPERTY_MAX - 1].rstrip() + "…"


KIND_LABELS: dict[str, tuple[str, str]] = {
    "tally": ("bảng tổng hợp tháng", "monthly workbook"),
    "annual": ("bảng xếp loại năm", "annual workbook"),
    "annotated": ("bản sao đánh dấu lỗi", "annotated copy"),
    "template": ("mẫu bảng điểm chưa điền", "blank scoresheet template"),
}


@dataclass(frozen=True)
class Mark:
    kind: str
    unit: str = ""
    period: str = ""                  # "2026-10", "2026", or "" (a blank template)
    tool: str = f"{TOOL} {__version__}"

    def properties(self) -> dict[str, str]:
        """The custom properties to write (empty values left out: Excel refuses them)."""
        out = {P_TOOL: self.tool, P_KIND: self.kind, P_UNIT: self.unit, P_PERIOD: self.period}
        return {k: clip(v) for k, v in out.items() if v}

    def same_unit(self, unit: str) -> bool:
        return bool(self.unit) and fold(clip(self.unit)) == fold(clip(unit))

    def detail(self) -> str:
        """`` — UBND phường Hòa Bình — 2026-10``: what follows the kind on the skip line."""
        return "".join(f" — {x}" for x in (self.unit, self.period) if x)


def from_properties(props: dict[str, str]) -> Mark | None:
    """The mark among a workbook's custom properties, or None when it is not the tool's output."""
    tool, kind = props.get(P_TOOL, ""), props.get(P_KIND, "")
    if not tool.startswith(TOOL) or kind not in KINDS:
        return None
    return Mark(kind=kind, unit=props.get(P_UNIT, ""), period=props.get(P_PERIOD, ""), tool=tool)


def period_text(period: tuple[int, int] | int | None) -> str:
    if period is None:
        return ""
    if isinstance(period, int):
        return f"{period:04d}"
    return f"{period[0]:04d}-{period[1]:02d}"


def own_output_finding(display: str, mark: Mark):
    """The info line naming an output of the tool met among the inputs, which is skipped."""
    from danhgia.findings import Finding

    vi, en = KIND_LABELS.get(mark.kind, (mark.kind, mark.kind))
    return Finding("own-output", file=display, value=mark.kind, expected=mark.period or None,
                   params={"what_vi": vi, "what_en": en, "detail": mark.detail()})
