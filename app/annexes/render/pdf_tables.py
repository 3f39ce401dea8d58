"""The annex's tables as Grid flowables: key/value lists, plain tables, heatmaps, cell notes.

Cells are pre-wrapped plain strings (theme.wrap); each table says once which font, padding,
fill and rules each row has (grid.py lays it out and splits it across pages).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.annexes.render.grid import BOTTOM, TOP, Cell, Font, Grid, GridModel, Row
from app.annexes.render.labels import Labels
from app.annexes.render.marks import Mark
from app.annexes.render.theme import (
    BOLD,
    CELL,
    HEAD_FILL,
    LEADING,
    REGULAR,
    SECTION_FILL,
    wrap,
)
from app.annexes.render.view import HeatChunk, Note
from app.annexes.render.view_tables import TableView

PAD = 6.0
# a logical row taller than this many lines becomes several table rows that can part at a
# page break (its inner rows unpadded between them and not ruled off)
FLOW_LINES = 12
# wide enough for most area names on one line, so two heatmap chunks share a page
AREA_MIN = 70 * mm
MONO_SIZE = 6.6
TEXT = Font(REGULAR, CELL, LEADING)
HEAD = Font(BOLD, CELL, LEADING)
MONO = Font(REGULAR, MONO_SIZE, MONO_SIZE + 1.6)
GENDER = Font(BOLD, 6.5, 8)
SYMBOL = Font(BOLD, 8.5, LEADING)
LEGEND_SYMBOL = Font(BOLD, 9, LEADING)
_fills: dict[str, colors.Color] = {}


class LaterTable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A table built when the layout first reaches it, not when the story is made: its rows
    live from then until its last part is drawn, not through the whole layout (fewer objects
    for the garbage collector to go over again and again)."""

    def __init__(self, make: Callable[[], GridModel]) -> None:
        super().__init__()
        self._make: Callable[[], GridModel] | None = make
        self._grid: Grid | None = None
        self.hAlign = "LEFT"

    @property
    def grid(self) -> Grid:
        if self._grid is None:
            assert self._make is not None
            self._grid = Grid(self._make())
            self._make = None
        return self._grid

    @property
    def model(self) -> GridModel:
        return self.grid.model

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.grid.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        grid = self.grid
        parts = grid.split(avail_width, avail_height)
        return [self] if parts == [grid] else parts

    def draw(self) -> None:
        grid = self.grid
        grid.canv = self.canv
        try:
            grid.draw()
        finally:
            del grid.canv


def key_values(rows: tuple[tuple[str, str], ...], width: float) -> LaterTable:
    """A two-column label/value table without a header row, every row ruled."""
    return LaterTable(partial(_key_values, rows, width))


def plain_table(table: TableView, width: float) -> LaterTable:
    """A captioned-elsewhere table of strings with a repeated header row."""
    return LaterTable(partial(_plain_table, table, width))


def legend_table(marks: tuple[Mark, ...], width: float) -> LaterTable:
    """The heatmap legend in one row: each symbol on its colour, then what it means."""
    return LaterTable(partial(_legend_table, marks, width))


def heatmap(chunk: HeatChunk, t: Labels, width: float) -> LaterTable:
    """Areas × (group, gender) symbols on their colours; group headers span their genders."""
    return LaterTable(partial(_heatmap, chunk, t, width))


def notes_table(
    sections: tuple[tuple[str, tuple[Note, ...]], ...], t: Labels, width: float
) -> LaterTable:
    """Justification, evidence and mitigation by area; long text wraps and flows across pages."""
    return LaterTable(partial(_notes_table, sections, t, width))


def fill(hex_colour: str) -> colors.Color:
    """A cached ReportLab colour for a hex string."""
    colour = _fills.get(hex_colour)
    if colour is None:
        colour = _fills[hex_colour] = colors.HexColor(hex_colour)
    return colour


def _header(texts: list[str]) -> Row:
    cells = [Cell(text, HEAD, i) for i, text in enumerate(texts)]
    return Row(cells, fills=[(0, len(cells) - 1, HEAD_FILL)])


def _key_values(rows: tuple[tuple[str, str], ...], width: float) -> GridModel:
    """A two-column label/value table without a header row, every row ruled."""
    label_w = min(52 * mm, width * 0.34)
    value_w = width - label_w
    table = [
        Row(
            [
                Cell(wrap(label, label_w - PAD, BOLD), HEAD, 0),
                Cell(wrap(value, value_w - PAD), TEXT, 1),
            ]
        )
        for label, value in rows
    ]
    return GridModel([label_w, value_w], table)


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


def add_row(
    rows: list[Row], cells: list[str], fonts: list[Font], fills: list[tuple[int, int, colors.Color]]
) -> None:
    """A logical row as table rows: unpadded and unruled where it continues, ruled below."""
    parts = flow_rows(cells)
    last = len(parts) - 1
    for n, texts in enumerate(parts):
        rows.append(
            Row(
                [
                    Cell(text, font, i)
                    for i, (text, font) in enumerate(zip(texts, fonts, strict=True))
                ],
                top=0.0 if n else TOP,
                bottom=BOTTOM if n == last else 0.0,
                rule=n == last,
                fills=fills,
            )
        )


def _plain_table(table: TableView, width: float) -> GridModel:
    """A captioned-elsewhere table of strings with a repeated header row."""
    total = sum(table.widths)
    widths = [width * w / total for w in table.widths]
    rows = [_header([wrap(h, w - PAD, BOLD) for h, w in zip(table.head, widths, strict=True)])]
    fonts = [MONO if i in table.mono else TEXT for i in range(len(widths))]
    for row in table.rows:
        cells = [
            wrap(cell, w - PAD, REGULAR, MONO_SIZE, "") if i in table.mono else wrap(cell, w - PAD)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        add_row(rows, cells, fonts, [])
    return GridModel(widths, rows, head=1)


def _legend_table(marks: tuple[Mark, ...], width: float) -> GridModel:
    """The heatmap legend in one row: each symbol on its colour, then what it means."""
    sym_w = 9 * mm
    label_w = width / len(marks) - sym_w
    cells: list[Cell] = []
    fills: list[tuple[int, int, colors.Color]] = []
    for i, m in enumerate(marks):
        cells += [
            Cell(m.symbol, LEGEND_SYMBOL, 2 * i, centred=True),
            Cell(wrap(m.label, label_w - PAD), TEXT, 2 * i + 1),
        ]
        fills.append((2 * i, 2 * i, fill(m.fill)))
    return GridModel([sym_w, label_w] * len(marks), [Row(cells, middle=True, fills=fills)])


def _heatmap(chunk: HeatChunk, t: Labels, width: float) -> GridModel:
    """Areas × (group, gender) symbols on their colours; group headers span their genders."""
    ncols = len(chunk.genders)
    col_w = min(17 * mm, (width - AREA_MIN) / max(ncols, 1))
    area_w = min(width - ncols * col_w, 80 * mm)
    top = [Cell(wrap(t("matrix.area"), area_w - PAD, BOLD), HEAD, 0, rows=2)]
    col = 1
    for name, span in chunk.groups:
        top.append(Cell(wrap(name, col_w * span - PAD, BOLD), HEAD, col, cols=span, centred=True))
        col += span
    genders = [
        Cell(wrap(g, col_w - 4, BOLD, 6.5), GENDER, i, centred=True)
        for i, g in enumerate(chunk.genders, start=1)
    ]
    head_fill = [(0, ncols, HEAD_FILL)]
    rows = [Row(top, middle=True, fills=head_fill), Row(genders, middle=True, fills=head_fill)]
    for section, heat_rows in chunk.sections:
        if section:
            rows.append(_section_row(section, ncols + 1, top=1.0, bottom=2.0, middle=True))
        for row in heat_rows:
            cells = [Cell(wrap(row.header, area_w - PAD), TEXT, 0)]
            cells += [Cell(m.symbol, SYMBOL, i, centred=True) for i, m in enumerate(row.marks, 1)]
            rows.append(Row(cells, top=1.0, bottom=2.0, middle=True, fills=_mark_fills(row.marks)))
    return GridModel([area_w] + [col_w] * ncols, rows, head=2)


def _mark_fills(marks: tuple[Mark, ...]) -> list[tuple[int, int, colors.Color]]:
    """Runs of the same colour (white left unfilled) as (first, last column, colour)."""
    fills: list[tuple[int, int, colors.Color]] = []
    start = 0
    for i in range(1, len(marks) + 1):
        if i == len(marks) or marks[i].fill != marks[start].fill:
            if marks[start].fill != "#ffffff":
                fills.append((start + 1, i, fill(marks[start].fill)))
            start = i
    return fills


def _note_text(note: Note, t: Labels, width: float) -> str:
    blocks = ["\n\n".join(wrap(p, width) for p in note.justification)]
    for key, texts in (("cell.evidence", note.evidence), ("cell.mitigation", note.mitigation)):
        if texts:
            blocks.append(wrap(f"{t(key)}: " + " ".join(texts), width))
    return "\n".join(b for b in blocks if b)


def _notes_table(
    sections: tuple[tuple[str, tuple[Note, ...]], ...], t: Labels, width: float
) -> GridModel:
    """Justification, evidence and mitigation by area; long text wraps and flows across pages."""
    widths = [48 * mm, 42 * mm, 32 * mm]
    widths.append(width - sum(widths))
    head = (
        f"{t('matrix.group')} · {t('matrix.gender')}",
        t("cell.value"),
        f"{t('cell.horizon')} / {t('cell.certainty')}",
        t("cell.justification"),
    )
    rows = [_header([wrap(h, w - PAD, BOLD) for h, w in zip(head, widths, strict=True)])]
    fonts = [TEXT] * 4
    for area, notes in sections:
        # an area heading never ends a page
        rows.append(_section_row(wrap(area, width - PAD, BOLD), 4, keep=True))
        for note in notes:
            add_row(rows, _note_cells(note, t, widths), fonts, _note_fill(note))
    return GridModel(widths, rows, head=1)


def _note_cells(note: Note, t: Labels, widths: list[float]) -> list[str]:
    when = "\n".join(x for x in (note.horizon, note.certainty) if x)
    return [
        wrap(note.target, widths[0] - PAD),
        wrap(f"{note.mark.symbol}  {note.mark.label}", widths[1] - PAD),
        wrap(when, widths[2] - PAD) if when else "",
        _note_text(note, t, widths[3] - PAD),
    ]


def _note_fill(note: Note) -> list[tuple[int, int, colors.Color]]:
    return [] if note.mark.fill == "#ffffff" else [(1, 1, fill(note.mark.fill))]


def _section_row(text: str, ncols: int, **kwargs: Any) -> Row:
    """A shaded row across the table: an area group's (or area's) name in bold."""
    return Row([Cell(text, HEAD, 0, cols=ncols)], fills=[(0, ncols - 1, SECTION_FILL)], **kwargs)
