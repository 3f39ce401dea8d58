"""The annex canvas's text object: it writes a string it has written in this document before
from memory.

The text object remembers, per document, the operators it wrote for a string in a font
(header rows, area names and matrix symbols recur on every page): a string's subset codes
never change within a document once given, so the same string writes the same operators.
The tables (grid.py) draw all the text of a page's part of a table with one of these.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.textobject import PDFTextObject

from app.annexes.render.theme import FallbackFont

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
            font = getFont(self._fontname)
            if type(font) is FallbackFont and type(text) is str:
                found = _operators(font, text, self._canvas._doc, key)
            else:
                found = (super()._formatText(text), self._curSubset)
            self._memo[key] = found
        self._curSubset = found[1]
        return found[0]


def _operators(font: FallbackFont, text: str, doc: Any, key: tuple[Any, ...]) -> tuple[str, int]:
    """What PDFTextObject._formatText writes for a str in a TrueType font (and the subset in
    use after it), less its generic set-up: each run of a subset selected, then shown."""
    _, size, leading, in_use, _ = key
    out: list[str] = []
    select = ""
    for subset, chunk in font.split_new(text, doc):
        if subset != in_use:
            if not select:
                select = f"{fp_str(size)} Tf {fp_str(leading)} TL"
            out.append(f"{font.getSubsetInternalName(subset, doc)} {select}")
            in_use = subset
        out.append(f"({escapePDF(chunk)}) Tj")
    return " ".join(out), in_use
