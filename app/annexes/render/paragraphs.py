"""Plain-text paragraphs whose markup is parsed once per process instead of once per annex.

Every paragraph of the annex is plain text (escaped, never user markup). ReportLab runs its
XML paragraph parser for each one, some 6 % of a warm render, though section headings,
captions and labels are the same in every annex of a language. The parse of (text, style)
is a pure function of them, so it is kept (bounded) and every paragraph gets its own copies
of the fragments (and of their lists): what layout does to them never reaches the kept ones.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag, ParaParser

# distinct (text, style) parses kept: headings, captions and labels of three languages
PARSED = 4096


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


def text_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Paragraph(escape(text), style), its parse from the memo."""
    markup, frags = plain_fragments(text, style)
    return Paragraph(markup, style, frags=frags)
