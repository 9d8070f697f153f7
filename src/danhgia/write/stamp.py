"""Put the tool's mark (``danhgia.mark``) on a workbook being written, with either writer."""

from __future__ import annotations

from danhgia.mark import NAMES, Mark


def on_xlsxwriter(wb, mark: Mark) -> None:
    """Custom document properties on an XlsxWriter workbook (before ``close``)."""
    for name, value in mark.properties().items():
        wb.set_custom_property(name, value)


def on_openpyxl(wb, mark: Mark) -> None:
    """The same on an openpyxl workbook; a mark the source already carried (an annotated copy
    of a filled template) is replaced, the unit's own properties are kept."""
    from openpyxl.packaging.custom import CustomPropertyList, StringProperty

    kept = [p for p in wb.custom_doc_props.props if p.name not in NAMES]
    props = CustomPropertyList()
    for p in kept:
        props.append(p)
    for name, value in mark.properties().items():
        props.append(StringProperty(name=name, value=value))
    wb.custom_doc_props = props
