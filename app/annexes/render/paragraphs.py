"""Plain-text paragraphs whose markup is parsed once per process instead of once per annex.

Every paragraph of the annex is plain text (escaped, never user markup). ReportLab runs its
XML paragraph parser for each one, some 6 % of a warm render, though section headings,
captions and labels are the same in every annex of a language. The parse of (text, style)
is a pure function of them, so it is kept (bounded) and every paragraph gets its own copies
of the fragments (and of their lists): what layout does to them never reaches the kept ones.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag, ParaParser

# distinct (text, style) parses kept: headings, captions and labels of three languages
PARSED = 4096
# a one-line paragraph is drawn here only when it fits with this much room to spare, so
# that breakLines (which adds word by word) would surely keep it on one line too
FIT_MARGIN = 0.01
_ODD_SPACE = re.compile(r"[^\S ]")
_DECORATIONS = ("us_lines", "link", "rise", "backColor", "cbDefn", "lineBreak")


@lru_cache(maxsize=PARSED)
def _parsed(text: str, style: ParagraphStyle) -> tuple[str, tuple[Any, ...]] | None:
    """What Paragraph's own setup makes of the escaped text; None when it is not plain."""
    markup = cleanBlockQuotedText(escape(text))
    parser = ParaParser()
    parser.caseSensitive = 1  # Paragraph's default
    parsed_style, frags, bullet = parser.parse(markup, style)
    if frags is None or bullet or parsed_style is not style or not _plain(frags):
        return None  # left to Paragraph, which says what is wrong or handles it
    textTransformFrags(frags, style)
    return markup, tuple(frags)


def _plain(frags: list[Any]) -> bool:
    return all(type(frag) is ParaFrag for frag in frags)


def plain_fragments(text: str, style: ParagraphStyle) -> tuple[str, list[Any] | None]:
    """The paragraph text (escaped, cleaned) and fresh copies of its parsed fragments, or
    the escaped text and None for Paragraph to parse."""
    parsed = _parsed(text, style)
    if parsed is None:
        return escape(text), None
    markup, frags = parsed
    return markup, [_copy(frag) for frag in frags]


def _copy(frag: Any) -> Any:
    """A fragment with its own lists (links, underlines) too: layout may add to them."""
    return frag.clone(**{k: list(v) for k, v in vars(frag).items() if isinstance(v, list)})


class TextParagraph(Paragraph):  # type: ignore[misc]  # reportlab ships no type hints
    """A Paragraph of plain text that, when it fits on one line (headings, captions, labels:
    most of the annex's paragraphs), is measured and drawn here: one width, one line of
    text, at the place and with the operators ReportLab's breakLines and drawPara give it.
    Anything else (more lines, a split) is left to Paragraph."""

    _line: str | None = None  # the one line of text, while the last wrap found one
    lean: bool | None = None  # whether it is plain enough to be drawn here (found once)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.lean is None:
            self.lean = _lean(self)
        line = _one_line(self.frags, self.style, avail_width) if self.lean else None
        self._line = line
        if line is None:
            width, height = super().wrap(avail_width, avail_height)
            return float(width), float(height)
        self.width, self.height = avail_width, self.style.leading
        return avail_width, float(self.style.leading)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        if self._line is not None:
            self._line = None
            Paragraph.wrap(self, avail_width, avail_height)  # what Paragraph.split reads
        parts = list(super().split(avail_width, avail_height))
        for part in parts:
            part.lean = False  # the parts of a split paragraph are Paragraph's own
        return parts

    def draw(self) -> None:
        line = self._line
        if line is None:
            super().draw()
            return
        style, canvas = self.style, self.canv
        canvas.setFillColor(style.textColor)
        text = canvas.beginText(0, self.height - style.fontSize)
        text.setFont(style.fontName, style.fontSize, style.leading)
        text._textOut(line, 1)
        canvas.drawText(text)


def _lean(paragraph: Paragraph) -> bool:
    """One fragment in the style's own font, colour and size, no indents, bullet, border,
    background or links, left-aligned on its own leading: what drawPara draws plainly."""
    frags, style = paragraph.frags, paragraph.style
    if len(frags) != 1 or paragraph.bulletText or style.alignment != TA_LEFT:
        return False
    frag = frags[0]
    return (
        not (style.leftIndent or style.rightIndent or style.firstLineIndent)
        and not (style.backColor or style.borderWidth or style.wordWrap)
        and not getattr(paragraph, "autoLeading", getattr(style, "autoLeading", ""))
        and not any(getattr(frag, name, None) for name in _DECORATIONS)
        and (frag.fontName, frag.fontSize, frag.textColor)
        == (style.fontName, style.fontSize, style.textColor)
    )


def _one_line(frags: list[Any], style: ParagraphStyle, width: float) -> str | None:
    """The text as breakLines joins its words, when it surely fits `width` on one line."""
    raw = frags[0].text
    if _ODD_SPACE.search(raw):
        return None  # breakLines splits words its own way (no-break spaces...)
    line = " ".join(raw.split())
    if not line or stringWidth(line, style.fontName, style.fontSize) > width - FIT_MARGIN:
        return None
    return line


def text_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Paragraph(escape(text), style), its parse from the memo."""
    markup, frags = plain_fragments(text, style)
    return TextParagraph(markup, style, frags=frags)
