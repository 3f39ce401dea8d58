"""A lean table flowable for the annex: pre-wrapped text on fixed columns, filled and ruled,
split between rows across pages with its header rows repeated on every part.

ReportLab's Table is general (a style object per cell, style commands applied range by range,
spans and no-split ranges worked out again for every part of a split table, flowables in
cells, splits inside rows); it was most of a warm annex render. The annex's tables need a
small fixed part of that, decided when they are built (pdf_tables.py): column widths, each
row's cells with their font and alignment, padding, fills, which rows are ruled off below and
which may not end a page. So row heights, line positions and each line's place in its row
are worked out once per table, and a page's part of it is drawn as one path of rules, a
rectangle per fill and one text object (RememberingText) for all its text.

Geometry follows ReportLab's Table: a row is as tall as its tallest cell (its lines times the
leading, plus top and bottom padding; an empty cell has one line), a cell spanning rows
lends the missing height to those rows equally, text sits at the top or in the middle
(Table._drawCell's formulas), rules are 0.3 pt with round caps and joins.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.annexes.render.table_text import RememberingText
from app.annexes.render.theme import CELL_PADDING, INK, RULE

RULE_WIDTH = 0.3
_NONE: frozenset[int] = frozenset()
# centred lines whose widths are remembered (symbols and header names of three languages)
WIDTHS = 2048
LEFT, RIGHT, TOP, BOTTOM = CELL_PADDING


@dataclass(frozen=True, slots=True)
class Font:
    name: str
    size: float
    leading: float


@dataclass(slots=True)
class Cell:
    """Pre-wrapped text ('\\n' between lines) at column `col`, over `cols` columns and
    `rows` rows (a cell spanning rows belongs to the header)."""

    text: str
    font: Font
    col: int
    cols: int = 1
    rows: int = 1
    centred: bool = False


@dataclass(slots=True)
class Row:
    """One table row: its cells left to right (a column no cell starts in is covered by a
    spanning cell), padding, vertical alignment, fills (first column, last column, colour),
    whether it is ruled off below and whether it may end a page (`keep`: never)."""

    cells: list[Cell]
    top: float = TOP
    bottom: float = BOTTOM
    middle: bool = False
    rule: bool = True
    keep: bool = False
    fills: list[tuple[int, int, Color]] = field(default_factory=list)


# a cell's text in its row: where its first line starts (x from the table's left, y from the
# row's bottom), its font, its lines as (the move from the line before, text) (the first
# line's move is worked out when drawn, the others' are fixed: "T*" is one leading down),
# and where its last line starts relative to the first
_Placed = tuple[float, float, Font, list[tuple[str, str]], float, float]


class GridModel:
    """A whole table laid out once: row heights, rules and where each row's text goes."""

    def __init__(self, widths: list[float], rows: list[Row], head: int = 0) -> None:
        self.widths = widths
        self.x = [0.0, *accumulate(widths)]
        self.xs = [fp_str(x) for x in self.x]
        self.width = self.x[-1]
        self.rows = rows
        self.head = head
        self.heights = [_height(row) for row in rows]
        _lend_row_spans(rows, self.heights)
        self.head_height = sum(self.heights[:head])
        # body heights summed: the height of body rows [a, b) is tops[b] - tops[a]
        self.tops = [0.0, *accumulate(self.heights[head:])]
        # header rows' text placed once (they are drawn on every part); body rows' as drawn
        self.placed: list[list[_Placed] | None] = [None] * len(rows)
        self.vblocks = _vertical_blocks(rows, len(widths))
        self.hblocks = _horizontal_blocks(rows)

    def place(self, i: int) -> list[_Placed]:
        """Where row i's text goes, worked out when it is drawn (nothing kept per body row
        while the story waits to be laid out)."""
        placed = self.placed[i]
        if placed is None:
            placed = self._place(i)
            if i < self.head:
                self.placed[i] = placed
        return placed

    def _place(self, i: int) -> list[_Placed]:
        row = self.rows[i]
        placed: list[_Placed] = []
        for cell in row.cells:
            # a cell spanning rows: placed from the bottom of its last row
            below = sum(self.heights[i + 1 : i + cell.rows]) if cell.rows > 1 else 0.0
            height = self.heights[i] + below
            width = self.x[cell.col + cell.cols] - self.x[cell.col]
            shown = _lines(cell, row, self.x[cell.col], width, height, below)
            if shown is not None:
                placed.append(shown)
        return placed


def _height(row: Row) -> float:
    tallest = max(
        ((cell.text.count("\n") + 1) * cell.font.leading for cell in row.cells if cell.rows == 1),
        default=0.0,
    )
    return tallest + row.top + row.bottom


def _lend_row_spans(rows: list[Row], heights: list[float]) -> None:
    """Rows under a cell spanning them grow equally when the cell needs more room."""
    for i, row in enumerate(rows):
        for cell in row.cells:
            if cell.rows > 1:
                need = (cell.text.count("\n") + 1) * cell.font.leading + row.top + row.bottom
                short = need - sum(heights[i : i + cell.rows])
                if short > 0:
                    for j in range(i, i + cell.rows):
                        heights[j] += short / cell.rows


def _lines(
    cell: Cell, row: Row, x: float, width: float, height: float, below: float
) -> _Placed | None:
    font = cell.font
    if "\n" not in cell.text and not cell.centred:  # most cells: one line, left-aligned
        if not cell.text:
            return None
        if row.middle:
            y = (row.bottom + height - row.top + font.leading) / 2 - font.size
        else:
            y = height - row.top - font.size
        return x + LEFT, y - below, font, [("", cell.text)], 0.0, 0.0
    lines = cell.text.split("\n")
    if row.middle:
        y = (row.bottom + height - row.top + len(lines) * font.leading) / 2 - font.size
    else:
        y = height - row.top - font.size
    y -= below
    if cell.centred:
        centre = x + (width + LEFT - RIGHT) * 0.5
        starts = [centre - _half_width(line, font.name, font.size) for line in lines]
    else:
        starts = [x + LEFT] * len(lines)
    shown: list[tuple[str, str]] = []
    first: tuple[float, float] | None = None
    last = (0.0, 0.0)
    for n, line in enumerate(lines):
        if not line:
            continue
        at = (starts[n], y - n * font.leading)
        if first is None:
            first = at
            shown.append(("", line))
        else:
            shown.append((_move(at[0] - last[0], at[1] - last[1], font.leading), line))
        last = at
    if first is None:
        return None
    return first[0], first[1], font, shown, last[0] - first[0], last[1] - first[1]


@lru_cache(maxsize=WIDTHS)
def _half_width(line: str, font: str, size: float) -> float:
    """Half a centred line's width: matrix symbols, group and gender names recur."""
    return float(stringWidth(line, font, size)) * 0.5


def _move(dx: float, dy: float, leading: float) -> str:
    """A text move to the next line shown: T* when it is the next line down."""
    if dx == 0 and dy == -leading:
        return "T*"
    return f"{fp_str(dx, dy)} Td"


def _vertical_blocks(rows: list[Row], ncols: int) -> list[frozenset[int]]:
    """Per row, the inner column lines (1..ncols-1) a cell spans across."""
    blocks: list[frozenset[int]] = [_NONE] * len(rows)
    for i, row in enumerate(rows):
        for cell in row.cells:
            if cell.cols > 1:
                inner = range(cell.col + 1, min(cell.col + cell.cols, ncols))
                for j in range(i, i + cell.rows):
                    blocks[j] = blocks[j].union(inner)
    return blocks


def _horizontal_blocks(rows: list[Row]) -> list[list[tuple[int, int]]]:
    """Per row, the column ranges where a cell spanning rows hides the rule below it."""
    blocks: list[list[tuple[int, int]]] = [[] for _ in rows]
    for i, row in enumerate(rows):
        for cell in row.cells:
            if cell.rows > 1:
                for j in range(i, i + cell.rows - 1):
                    blocks[j].append((cell.col, cell.col + cell.cols))
    return blocks


class Grid(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """The header rows and body rows [start, stop) of a GridModel, drawn left-aligned."""

    def __init__(self, model: GridModel, start: int | None = None, stop: int | None = None):
        super().__init__()
        self.model = model
        self.start = model.head if start is None else start
        self.stop = len(model.rows) if stop is None else stop
        self.width = model.width
        self.height = model.head_height + self._body(self.start, self.stop)
        self.hAlign = "LEFT"

    def _body(self, start: int, stop: int) -> float:
        tops, head = self.model.tops, self.model.head
        return tops[stop - head] - tops[start - head]

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, _avail_width: float, avail_height: float) -> list[Flowable]:
        """This part when it fits; else the rows that fit (at least one body row, never
        ending on a kept row) and the rest under the header again; [] when none fit."""
        if self.height <= avail_height:
            return [self]
        model, head = self.model, self.model.head
        room = avail_height - model.head_height + model.tops[self.start - head]
        # the body rows that fit: tops[k - head] <= room
        end = min(bisect_right(model.tops, room) - 1 + head, self.stop)
        while end > self.start and model.rows[end - 1].keep:
            end -= 1
        if end <= self.start:
            return []
        return [Grid(model, self.start, end), Grid(model, end, self.stop)]

    def rows(self) -> list[int]:
        """The model's rows this part draws, top to bottom."""
        return [*range(self.model.head), *range(self.start, self.stop)]

    def draw(self) -> None:
        canvas = self.canv
        order = self.rows()
        bottoms: list[float] = []
        y = self.height
        for i in order:
            y -= self.model.heights[i]
            bottoms.append(y)
        canvas.saveState()
        self._fills(canvas, order, bottoms)
        self._rules(canvas, order, bottoms)
        canvas.restoreState()
        self._text(canvas, order, bottoms)

    def _fills(self, canvas: Any, order: list[int], bottoms: list[float]) -> None:
        model, code = self.model, canvas._code
        colour = None
        for i, y in zip(order, bottoms, strict=True):
            for first, last, fill in model.rows[i].fills:
                if fill is not colour:
                    canvas.setFillColor(fill)
                    colour = fill
                x0, x1 = model.x[first], model.x[last + 1]
                code.append(f"n {fp_str(x0, y, x1 - x0, model.heights[i])} re f")

    def _rules(self, canvas: Any, order: list[int], bottoms: list[float]) -> None:
        """The box, the inner column lines (broken where a cell spans them) and each ruled
        row's line below, as one path."""
        model = self.model
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(RULE_WIDTH)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        # each row's top, then the last row's bottom, as PDF numbers
        ys = [fp_str(self.height), *map(fp_str, bottoms[:-1]), "0"]
        xs = model.xs
        path: list[str] = [_segment(xs[0], ys[0], xs[-1], ys[0])]
        last = len(order) - 1
        for n, i in enumerate(order):
            if n == last:
                path.append(_segment(xs[0], ys[-1], xs[-1], ys[-1]))
            elif model.rows[i].rule:
                path += _hline(xs, ys[n + 1], model.hblocks[i])
        path += self._columns(order, ys)
        path.append("S")
        canvas._code.append(" ".join(path))

    def _columns(self, order: list[int], ys: list[str]) -> list[str]:
        model, xs = self.model, self.model.xs
        path = [_segment(xs[0], ys[0], xs[0], ys[-1]), _segment(xs[-1], ys[0], xs[-1], ys[-1])]
        for c in range(1, len(model.widths)):
            run_top: str | None = None
            for n, i in enumerate(order):
                if c in model.vblocks[i]:
                    if run_top is not None:
                        path.append(_segment(xs[c], run_top, xs[c], ys[n]))
                        run_top = None
                elif run_top is None:
                    run_top = ys[n]
            if run_top is not None:
                path.append(_segment(xs[c], run_top, xs[c], ys[-1]))
        return path

    def _text(self, canvas: Any, order: list[int], bottoms: list[float]) -> None:
        model = self.model
        text = RememberingText(canvas)
        text.setFillColor(INK)
        code = text._code
        font: Font | None = None
        at: tuple[float, float] | None = None
        for i, y0 in zip(order, bottoms, strict=True):
            for x, dy, cell_font, lines, last_dx, last_dy in model.place(i):
                if cell_font is not font:
                    text.setFont(cell_font.name, cell_font.size, cell_font.leading)
                    font = cell_font
                y = y0 + dy
                # each line starts with a move relative to the last (Td, T*), as a
                # paragraph's do: text extraction reads a move as a line break
                if at is None:
                    text.setTextOrigin(x, y)
                else:
                    code.append(f"{fp_str(x - at[0], y - at[1])} Td")
                code.append(text._formatText(lines[0][1]))
                for move, line in lines[1:]:
                    code.append(move)
                    code.append(text._formatText(line))
                at = (x + last_dx, y + last_dy)
        if at is not None:
            canvas.drawText(text)


def _segment(x0: str, y0: str, x1: str, y1: str) -> str:
    return f"{x0} {y0} m {x1} {y1} l"


def _hline(xs: list[str], y: str, blocks: list[tuple[int, int]]) -> list[str]:
    """A rule across the table at y, less the column ranges in `blocks`."""
    if not blocks:
        return [_segment(xs[0], y, xs[-1], y)]
    segments: list[str] = []
    start = 0
    for first, stop in sorted(blocks):
        if first > start:
            segments.append(_segment(xs[start], y, xs[first], y))
        start = max(start, stop)
    if start < len(xs) - 1:
        segments.append(_segment(xs[start], y, xs[-1], y))
    return segments
