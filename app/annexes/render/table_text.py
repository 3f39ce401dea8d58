"""ReportLab's Table drawing the text of all its plain-string cells as one text object.

A stock Table draws every line of every string cell with its own `drawString`: a new text
object, a font selection and a BT/ET block per line. The annex tables are all pre-wrapped
strings (see theme.wrap), so this one collects the lines of a whole table (or the part of it
on one page) in a single text object that selects a font or colour only when it changes,
and draws it after the backgrounds and rules. Positions are ReportLab's own.

The text object remembers, per document, the operators it wrote for a string in a font
(header rows, area names and matrix symbols recur on every page): a string's subset codes
never change within a document once given, so the same string writes the same operators.

Its cells also start with the annex's font, colour, alignment and padding (AnnexCellStyle)
instead of having seven style commands applied to every cell one by one.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Table
from reportlab.platypus.tables import CellStyle

from app.annexes.render.theme import CELL, CELL_PADDING, INK, LEADING, REGULAR

_CENTRED = ("CENTER", "CENTRE")
# (font, size, leading, subset in use, text) → (operators, subset in use after them)
_Written = dict[tuple[str, float, float, int, str], tuple[str, int]]
_written: WeakKeyDictionary[Any, _Written] = WeakKeyDictionary()


class RememberingText(PDFTextObject):  # type: ignore[misc]  # reportlab ships no type hints
    """A text object that writes a string it has written in this document from memory (the
    annex canvas hands these out for every text: paragraphs, headers and footers too)."""

    _curSubset: int  # noqa: N815 - ReportLab's: the font subset the text object has selected

    def __init__(
        self, canvas: Any, x: float = 0, y: float = 0, direction: str | None = None
    ) -> None:
        super().__init__(canvas, x, y, direction=direction)
        doc = canvas._doc
        memo = _written.get(doc)
        if memo is None:
            memo = _written[doc] = {}
        self._memo = memo

    def _formatText(self, text: str) -> str:  # noqa: N802 - ReportLab's API
        key = (self._fontname, self._fontsize, self._leading, self._curSubset, text)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = (super()._formatText(text), self._curSubset)
        self._curSubset = found[1]
        return found[0]


class AnnexCellStyle(CellStyle):  # type: ignore[misc]  # reportlab ships no type hints
    """A cell's style before any command: what theme.base_table_style's defaults set."""

    fontname = REGULAR
    fontsize = CELL
    leading = LEADING
    color = INK
    valign = "TOP"
    leftPadding, rightPadding, topPadding, bottomPadding = CELL_PADDING  # noqa: N815 - ReportLab names
    name = "annex"

    def __init__(self) -> None:
        pass  # everything is a class default until a style command sets it on the cell


# a cell's style is made for every cell of every table: without a Python-level __init__
_new_style = object.__new__


class TextTable(Table):  # type: ignore[misc]
    """A Table whose plain-string cells share one text object per drawing; build its style
    with base_table_style(cell_defaults=False)."""

    def __init__(self, data: list[list[Any]], *args: Any, **kwargs: Any) -> None:
        if kwargs.get("cellStyles") is None:
            width = len(data[0]) if data else 0
            kwargs["cellStyles"] = [
                [_new_style(AnnexCellStyle) for _ in range(width)] for _ in data
            ]
        if all(type(cell) is str for row in data for cell in row):
            kwargs["normalizedData"] = 1  # what ReportLab's normalising would leave as it is
        super().__init__(data, *args, **kwargs)

    _text: PDFTextObject | None = None
    _font: tuple[str, float, float] | None = None
    _colour: Any = None
    _at: tuple[float, float] | None = None
    _argH: list[float | None]  # noqa: N815 - ReportLab's: the row heights given (None: measure)
    _rowHeights: list[float | None]  # noqa: N815 - ReportLab's: the row heights measured

    def _calc_height(self, *args: Any, **kwargs: Any) -> None:
        super()._calc_height(*args, **kwargs)
        if None in self._argH and None not in self._rowHeights:
            # every row measured (a page-sized wrap may stop early): the same cells and
            # styles give the same heights, so the next wrap of this table takes them as given
            self._argH = list(self._rowHeights)

    def draw(self) -> None:
        text = self._text = RememberingText(self.canv)
        self._font = self._colour = self._at = None
        try:
            super().draw()
        finally:
            self._text = None
        self.canv.drawText(text)

    def _drawCell(  # noqa: N802 - ReportLab's API
        self, cellval: Any, cellstyle: Any, pos: tuple[float, float], size: tuple[float, float]
    ) -> None:
        text = self._text
        if text is None or not _plain(cellval, cellstyle):
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        if not cellval:
            return
        font = (cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
        if font != self._font:
            text.setFont(*font)
            self._font = font
        if cellstyle.color is not self._colour and cellstyle.color != self._colour:
            text.setFillColor(cellstyle.color)
            self._colour = cellstyle.color
        lines = cellval.split("\n")
        code = text._code
        for x, y, line in _placed(lines, cellstyle, pos, size):
            if not line:
                continue
            # each line starts with a move relative to the last (Td), as a paragraph's do:
            # text extraction reads a move as a line break
            if self._at is None:
                text.setTextOrigin(x, y)
            else:
                text.moveCursor(x - self._at[0], self._at[1] - y)
            self._at = (x, y)
            # textOut less its advance of the cursor (a width no later move reads)
            code.append(text._formatText(line))


def _plain(cellval: Any, cellstyle: Any) -> bool:
    """A string cell drawn plainly: left or centred, no link, direction or shaping."""
    return (
        isinstance(cellval, str)
        and (cellstyle.alignment == "LEFT" or cellstyle.alignment in _CENTRED)
        and not (cellstyle.href or cellstyle.destination)
        and not (cellstyle.direction or cellstyle.shaping)
    )


def _placed(
    lines: list[str], style: Any, pos: tuple[float, float], size: tuple[float, float]
) -> list[tuple[float, float, str]]:
    """Where each line of a cell starts, as Table._drawCell places it."""
    colpos, rowpos = pos
    colwidth, rowheight = size
    leading, fontsize = style.leading, style.fontsize
    if style.valign == "TOP":
        y = rowpos + rowheight - style.topPadding - fontsize
    elif style.valign == "MIDDLE":
        y = rowpos + (style.bottomPadding + rowheight - style.topPadding + len(lines) * leading) / 2
        y -= fontsize
    else:
        y = rowpos + style.bottomPadding + len(lines) * leading - fontsize
    placed: list[tuple[float, float, str]] = []
    if style.alignment == "LEFT":
        x = colpos + style.leftPadding
        for line in lines:
            placed.append((x, y, line))
            y -= leading
        return placed
    centre = colpos + (colwidth + style.leftPadding - style.rightPadding) * 0.5
    for line in lines:
        width = stringWidth(line, style.fontname, style.fontsize)
        placed.append((centre - width * 0.5, y, line))
        y -= leading
    return placed
