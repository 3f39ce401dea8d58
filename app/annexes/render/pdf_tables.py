"""ReportLab tables of the annex: key/value lists, plain tables, heatmaps and cell notes.

Cells are pre-wrapped plain strings wherever no inline formatting is needed: a Paragraph
per cell costs several times more to lay out.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm

from app.annexes.render.labels import Labels
from app.annexes.render.marks import Mark
from app.annexes.render.table_text import TextTable as Table
from app.annexes.render.theme import (
    BOLD,
    CELL,
    LEADING,
    REGULAR,
    RULE,
    SECTION_FILL,
    base_table_style,
    wrap,
)
from app.annexes.render.view import HeatChunk, Note
from app.annexes.render.view_tables import TableView

PAD = 6.0
# a logical row taller than this many lines becomes several table rows that can part at a
# page break (ReportLab's own in-row splitting mangles repeated header rows)
FLOW_LINES = 12
# wide enough for most area names on one line, so two heatmap chunks share a page
AREA_MIN = 70 * mm
MONO_SIZE = 6.6
_fills: dict[str, colors.Color] = {}


def fill(hex_colour: str) -> colors.Color:
    """A cached ReportLab colour for a hex string."""
    colour = _fills.get(hex_colour)
    if colour is None:
        colour = _fills[hex_colour] = colors.HexColor(hex_colour)
    return colour


def key_values(rows: tuple[tuple[str, str], ...], width: float) -> Table:
    """A two-column label/value table without a header row."""
    label_w = min(52 * mm, width * 0.34)
    value_w = width - label_w
    data = [[wrap(label, label_w - PAD, BOLD), wrap(value, value_w - PAD)] for label, value in rows]
    style = [
        *base_table_style(header_rows=0, cell_defaults=False),
        ("FONT", (0, 0), (0, -1), BOLD, CELL, LEADING),
    ]
    return Table(data, colWidths=[label_w, value_w], style=style, hAlign="LEFT")


def flow_rows(cells: list[str]) -> list[list[str]]:
    """One logical row of wrapped cells as table rows of at most FLOW_LINES lines each."""
    lines = [cell.split("\n") for cell in cells]
    height = max(len(cell) for cell in lines)
    if height <= FLOW_LINES:
        return [cells]
    return [
        ["\n".join(cell[start : start + FLOW_LINES]) for cell in lines]
        for start in range(0, height, FLOW_LINES)
    ]


def add_row(data: list[list[Any]], style: list[Any], cells: list[str]) -> tuple[int, int]:
    """Append a logical row (ruled off below); returns its first and last table row."""
    first = len(data)
    data.extend(flow_rows(cells))
    last = len(data) - 1
    style.append(("LINEBELOW", (0, last), (-1, last), 0.3, RULE))
    if last > first:
        style.append(("BOTTOMPADDING", (0, first), (-1, last - 1), 0))
        style.append(("TOPPADDING", (0, first + 1), (-1, last), 0))
    return first, last


def plain_table(table: TableView, width: float) -> Table:
    """A captioned-elsewhere table of strings with a repeated header row."""
    total = sum(table.widths)
    widths = [width * w / total for w in table.widths]
    data: list[list[Any]] = [
        [wrap(h, w - PAD, BOLD) for h, w in zip(table.head, widths, strict=True)]
    ]
    style = base_table_style(grid=False, cell_defaults=False)
    for row in table.rows:
        cells = [
            wrap(cell, w - PAD, REGULAR, MONO_SIZE, "") if i in table.mono else wrap(cell, w - PAD)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        add_row(data, style, cells)
    for i in table.mono:
        style.append(("FONT", (i, 1), (i, -1), REGULAR, MONO_SIZE, MONO_SIZE + 1.6))
    return Table(data, colWidths=widths, style=style, repeatRows=1, hAlign="LEFT")


def legend_table(marks: tuple[Mark, ...], width: float) -> Table:
    """The heatmap legend in one row: each symbol on its colour, then what it means."""
    sym_w = 9 * mm
    label_w = width / len(marks) - sym_w
    row: list[str] = []
    style = [
        *base_table_style(header_rows=0, cell_defaults=False),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for i, m in enumerate(marks):
        row += [m.symbol, wrap(m.label, label_w - PAD)]
        style += [
            ("BACKGROUND", (2 * i, 0), (2 * i, 0), fill(m.fill)),
            ("FONT", (2 * i, 0), (2 * i, 0), BOLD, 9, LEADING),
            ("ALIGN", (2 * i, 0), (2 * i, 0), "CENTER"),
        ]
    return Table([row], colWidths=[sym_w, label_w] * len(marks), style=style, hAlign="LEFT")


def heatmap(chunk: HeatChunk, t: Labels, width: float) -> Table:
    """Areas × (group, gender) symbols on their colours; group headers span their genders."""
    ncols = len(chunk.genders)
    col_w = min(17 * mm, (width - AREA_MIN) / max(ncols, 1))
    area_w = min(width - ncols * col_w, 80 * mm)
    top: list[str] = [wrap(t("matrix.area"), area_w - PAD, BOLD)]
    style = base_table_style(header_rows=2, cell_defaults=False)
    col = 1
    for name, span in chunk.groups:
        top += [wrap(name, col_w * span - PAD, BOLD)] + [""] * (span - 1)
        style.append(("SPAN", (col, 0), (col + span - 1, 0)))
        col += span
    genders = ["", *(wrap(g, col_w - 4, BOLD, 6.5) for g in chunk.genders)]
    data = [top, genders]
    style += [
        ("SPAN", (0, 0), (0, 1)),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (1, 1), (-1, 1), BOLD, 6.5, 8),
        ("FONT", (1, 2), (-1, -1), BOLD, 8.5, LEADING),
        ("TOPPADDING", (0, 2), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 2), (-1, -1), 2),
    ]
    for section, rows in chunk.sections:
        if section:
            style += _section_row(len(data))
            data.append([section] + [""] * ncols)
        for row in rows:
            style += _fills_for_row(row.marks, len(data))
            data.append([wrap(row.header, area_w - PAD), *(m.symbol for m in row.marks)])
    return Table(
        data, colWidths=[area_w] + [col_w] * ncols, style=style, repeatRows=2, hAlign="LEFT"
    )


def _fills_for_row(marks: tuple[Mark, ...], r: int) -> list[tuple[object, ...]]:
    commands: list[tuple[object, ...]] = []
    start = 0
    for i in range(1, len(marks) + 1):
        if i == len(marks) or marks[i].fill != marks[start].fill:
            if marks[start].fill != "#ffffff":
                commands.append(("BACKGROUND", (start + 1, r), (i, r), fill(marks[start].fill)))
            start = i
    return commands


def _note_text(note: Note, t: Labels, width: float) -> str:
    blocks = ["\n\n".join(wrap(p, width) for p in note.justification)]
    for key, texts in (("cell.evidence", note.evidence), ("cell.mitigation", note.mitigation)):
        if texts:
            blocks.append(wrap(f"{t(key)}: " + " ".join(texts), width))
    return "\n".join(b for b in blocks if b)


def notes_table(
    sections: tuple[tuple[str, tuple[Note, ...]], ...], t: Labels, width: float
) -> Table:
    """Justification, evidence and mitigation by area; long text wraps and flows across pages."""
    widths = [48 * mm, 42 * mm, 32 * mm]
    widths.append(width - sum(widths))
    head = (
        f"{t('matrix.group')} · {t('matrix.gender')}",
        t("cell.value"),
        f"{t('cell.horizon')} / {t('cell.certainty')}",
        t("cell.justification"),
    )
    data: list[list[Any]] = [[wrap(h, w - PAD, BOLD) for h, w in zip(head, widths, strict=True)]]
    style = base_table_style(grid=False, cell_defaults=False)
    for area, notes in sections:
        # an area heading never ends a page
        style += [*_section_row(len(data)), ("NOSPLIT", (0, len(data)), (-1, len(data) + 1))]
        data.append([wrap(area, width - PAD, BOLD), "", "", ""])
        for note in notes:
            _note_row(note, t, widths, data, style)
    return Table(data, colWidths=widths, style=style, repeatRows=1, hAlign="LEFT")


def _note_row(
    note: Note, t: Labels, widths: list[float], data: list[list[Any]], style: list[Any]
) -> None:
    when = "\n".join(x for x in (note.horizon, note.certainty) if x)
    cells = [
        wrap(note.target, widths[0] - PAD),
        wrap(f"{note.mark.symbol}  {note.mark.label}", widths[1] - PAD),
        wrap(when, widths[2] - PAD) if when else "",
        _note_text(note, t, widths[3] - PAD),
    ]
    first, last = add_row(data, style, cells)
    if note.mark.fill != "#ffffff":
        style.append(("BACKGROUND", (1, first), (1, last), fill(note.mark.fill)))


def _section_row(r: int) -> list[tuple[object, ...]]:
    return [
        ("SPAN", (0, r), (-1, r)),
        ("BACKGROUND", (0, r), (-1, r), SECTION_FILL),
        ("FONT", (0, r), (-1, r), BOLD, CELL, LEADING),
        ("ALIGN", (0, r), (-1, r), "LEFT"),
        ("LINEBELOW", (0, r), (-1, r), 0.3, RULE),
    ]
