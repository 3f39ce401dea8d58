"""Fonts, paragraph styles and table styles of the PDF annex, built once per process.

Only the embedded DejaVu TTFs are ever named: ReportLab falls back to Helvetica (a
non-embedded base-14 font, forbidden in PDF/A) wherever a style leaves the font unset.
Behind each DejaVu face stands Symbola (emoji and symbols, see fonts/LICENSE-Symbola): a
character DejaVu lacks is drawn, measured and embedded from Symbola instead of becoming an
empty box that text extraction loses. What neither font has is refused at input
(app/core/glyphs.py), so no accepted character is ever dropped from the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary, ref

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from app.annexes.render import font_cache
from app.core import glyphs

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
# parsed faces kept between processes (app/annexes/render/font_cache.py), in the project's
# var/ like the default data directory; not the settings' data_dir, whose import (pydantic
# settings) would cost a cold `ennakko annex render` more than it saves
FONT_CACHE_DIR: Path | None = Path(__file__).resolve().parents[3] / "var" / "cache" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
FALLBACK = "Symbola"
FONT_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}
FALLBACK_FILE = "Symbola.ttf"
# Subset numbers at or above this belong to the fallback font (ReportLab numbers each
# font's subsets from 0; a document never comes near 10 000 subsets of 256 glyphs).
FALLBACK_SUBSETS = 10_000
# widths remembered per face (paragraph and table layout measure the same words again and again)
WIDTH_CACHE = 16_384

INK = colors.HexColor("#111111")
MUTED = colors.HexColor("#4d4d4d")
RULE = colors.HexColor("#8c8c8c")
HEAD_FILL = colors.HexColor("#dde6ee")
SECTION_FILL = colors.HexColor("#f3f3f3")
ACCENT = colors.HexColor("#003f6b")

MARGIN = 16 * mm
TOP = 22 * mm
BOTTOM = 17 * mm
CELL = 7.5
LEADING = 9.4
# cell padding: left, right, top, bottom
CELL_PADDING = (3.0, 3.0, 2.0, 2.5)


def _ranges(codes: Iterable[int]) -> str:
    """A regex character class body for the code points (as ranges)."""
    parts: list[str] = []
    ordered = sorted(c for c in codes if c > 0x20)
    start = prev = ordered[0]
    for code in [*ordered[1:], -1]:
        if code != prev + 1:
            parts.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else "")
            )
            start = code
        prev = code
    return "".join(parts)


def _none() -> None:
    return None


class FallbackFont(TTFont):  # type: ignore[misc]  # reportlab ships no type hints
    """A DejaVu face whose missing characters come from fallback fonts, first that has them.

    ReportLab asks a TrueType font to split text into (subset, bytes) runs and to name each
    subset; runs of characters this face lacks are handed to a fallback font, whose subsets
    get numbers from FALLBACK_SUBSETS × (its place + 1) up, so the text object switches fonts
    between runs by itself and every font used is embedded with its ToUnicode map.
    """

    def __init__(self, name: str, path: Path, fallbacks: tuple[TTFont, ...]) -> None:
        # TTFont.__init__ less the parse: the face may come from the cache
        font_cache.init_font(self, name, font_cache.load_face(path, FONT_CACHE_DIR))
        self.fallbacks = fallbacks
        self._covers = [frozenset(f.face.charToGlyph) for f in fallbacks]
        # whitespace and controls stay with the face: it draws them as it always did
        self._foreign = re.compile(f"[^\\s{_ranges(self.face.charToGlyph)}]+")
        # a width depends on the text and size only; a split on the document too (its subsets)
        self._width = lru_cache(maxsize=WIDTH_CACHE)(self._measure)
        self._split_cache: WeakKeyDictionary[Any, dict[str, tuple[Any, ...]]] = WeakKeyDictionary()
        self._last_split: tuple[Callable[[], Any], dict[str, tuple[Any, ...]]] = (_none, {})
        self._last_state: tuple[Callable[[], Any], Any] = (_none, None)

    def _source(self, char: str) -> int:
        code = ord(char)
        return next((i for i, cover in enumerate(self._covers) if code in cover), 0)

    def _runs(self, text: str) -> list[tuple[int, str]]:
        """The text as (font, run) pieces in order: -1 for this face, else a fallback's place."""
        runs: list[tuple[int, str]] = []
        at = 0
        for match in self._foreign.finditer(text):
            if match.start() > at:
                runs.append((-1, text[at : match.start()]))
            for char in match.group():
                source = self._source(char)
                if runs and runs[-1][0] == source:
                    runs[-1] = (source, runs[-1][1] + char)
                else:
                    runs.append((source, char))
            at = match.end()
        if at < len(text):
            runs.append((-1, text[at:]))
        return runs

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[Any]:  # noqa: N802
        """ReportLab's split, remembered per document: a table repeats the same texts, and a
        character keeps the subset code it was given for the rest of the document."""
        if isinstance(text, bytes):
            text = text.decode(encoding)
        last, cache = self._last_split  # the document being drawn, without a new weakref
        if last() is not doc:
            cache = self._split_cache.setdefault(doc, {})
            self._last_split = (ref(doc), cache)
        found = cache.get(text)
        if found is None:
            found = cache[text] = tuple(self._split(text, doc, encoding))
        return list(found)

    def _split(self, text: str, doc: Any, encoding: str) -> list[Any]:
        if self._foreign.search(text) is None:
            return self._own_split(text, doc, encoding)
        pieces: list[Any] = []
        for source, run in self._runs(text):
            if source < 0:
                pieces += self._own_split(run, doc, encoding)
                continue
            offset = FALLBACK_SUBSETS * (source + 1)
            pieces += [
                (subset + offset, chunk)
                for subset, chunk in self.fallbacks[source].splitString(run, doc, encoding)
            ]
        return pieces

    def split_new(self, text: str, doc: Any) -> list[Any]:
        """splitString without its per-document memo, for a caller that remembers what it
        makes of the text (table_text.RememberingText)."""
        return self._split(text, doc, "utf-8")

    def _state(self, doc: Any) -> Any:
        """ReportLab's state of this face in `doc` (its WeakKeyDictionary makes a weak
        reference per look-up: the last document's is kept)."""
        last, state = self._last_state
        if last() is doc:
            return state
        state = self.state.get(doc)
        if state is not None:
            self._last_state = (ref(doc), state)
        return state

    def _own_split(self, text: str, doc: Any, encoding: str) -> list[Any]:
        """TTFont.splitString of this face; once every character of `text` has its code in
        the document, the same runs without ReportLab's loop over the characters."""
        state = self._state(doc)
        if state is not None:
            assigned = state.assignments
            plain = text.replace("\xa0", " ")  # as ReportLab maps a no-break space
            try:
                codes = list(map(assigned.__getitem__, map(ord, plain)))
            except KeyError:  # a character new to the document: ReportLab assigns it
                codes = None
            if codes is not None:
                return subset_runs(codes)
        return list(super().splitString(text, doc, encoding))

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        source = subset // FALLBACK_SUBSETS - 1
        if source < 0:
            return str(super().getSubsetInternalName(subset, doc))
        own = subset % FALLBACK_SUBSETS
        return str(self.fallbacks[source].getSubsetInternalName(own, doc))

    def stringWidth(self, text: Any, size: float, encoding: str = "utf8") -> float:  # noqa: N802
        if isinstance(text, bytes):
            text = text.decode(encoding)
        return self._width(text, size)

    def _measure(self, text: str, size: float) -> float:
        if self._foreign.search(text) is None:
            return float(super().stringWidth(text, size))
        own = super().stringWidth
        return sum(
            float((own if source < 0 else self.fallbacks[source].stringWidth)(run, size))
            for source, run in self._runs(text)
        )


def subset_runs(codes: list[int]) -> list[tuple[int, bytes]]:
    """(subset, bytes) runs of assigned codes, as TTFont.splitString groups them."""
    if not codes:
        return []
    if max(codes) < 256:
        return [(0, bytes(codes))]
    return [(subset, bytes(n & 0xFF for n in run)) for subset, run in groupby(codes, _subset)]


def _subset(code: int) -> int:
    return code >> 8


def drawn_code_points() -> set[int]:
    """What the input check's fonts draw, from the fonts (glyphs.COVERAGE_FILE records it)."""
    codes: set[int] = set()
    for name in glyphs.DRAWING_FONTS:
        codes.update(TTFontFile(str(FONT_DIR / name)).charToGlyph)
    return codes


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the DejaVu family once per process: bold and oblique fall back to the regular
    face (which has the most scripts), every face to Symbola (emoji and symbols)."""
    symbola = font_cache.cached_font(FALLBACK, FONT_DIR / FALLBACK_FILE, FONT_CACHE_DIR)
    pdfmetrics.registerFont(symbola)
    regular = FallbackFont(REGULAR, FONT_DIR / FONT_FILES[REGULAR], (symbola,))
    pdfmetrics.registerFont(regular)
    for name in (BOLD, ITALIC):
        pdfmetrics.registerFont(FallbackFont(name, FONT_DIR / FONT_FILES[name], (regular, symbola)))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD
    )


@dataclass(frozen=True, slots=True)
class Styles:
    body: ParagraphStyle
    cell: ParagraphStyle
    h1: ParagraphStyle
    subtitle: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    caption: ParagraphStyle
    caption_flow: ParagraphStyle
    strong: ParagraphStyle


def _style(
    name: str, size: float, leading: float, font: str = REGULAR, **kw: object
) -> ParagraphStyle:
    options: dict[str, object] = {"textColor": INK, **kw}
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading, bulletFontName=font, **options
    )


@lru_cache(maxsize=1)
def styles() -> Styles:
    """The paragraph styles, created once."""
    register_fonts()
    return Styles(
        body=_style("body", 9, 12, spaceAfter=4),
        cell=_style("cell", CELL, LEADING),
        h1=_style("h1", 16, 19, BOLD, textColor=ACCENT, spaceAfter=2, keepWithNext=1),
        subtitle=_style("subtitle", 11.5, 14.5, BOLD, spaceAfter=8, keepWithNext=1),
        h2=_style(
            "h2", 12.5, 15, BOLD, textColor=ACCENT, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        h3=_style("h3", 10, 12.5, BOLD, spaceBefore=7, spaceAfter=3, keepWithNext=1),
        caption=_style(
            "caption", 8, 10, ITALIC, textColor=MUTED, spaceBefore=3, spaceAfter=2, keepWithNext=1
        ),
        caption_flow=_style(
            "caption_flow",
            8,
            10,
            ITALIC,
            textColor=MUTED,
            spaceBefore=3,
            spaceAfter=2,
            keepWithNext=0,
        ),
        strong=_style("strong", 9, 12, BOLD, spaceAfter=2),
    )


def base_table_style(header_rows: int = 1, grid: bool = True) -> list[tuple[object, ...]]:
    """Commands every ReportLab table starts from: fonts, rules, padding, header fill (the
    annual report's; the annex draws its own tables, see grid.py).

    Without `grid` only the box and column rules are drawn; the caller rules off each row.
    """
    rules: list[tuple[object, ...]] = (
        [("GRID", (0, 0), (-1, -1), 0.3, RULE)]
        if grid
        else [("BOX", (0, 0), (-1, -1), 0.3, RULE), ("LINEAFTER", (0, 0), (-2, -1), 0.3, RULE)]
    )
    left, right, top, bottom = CELL_PADDING
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, CELL, LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), left),
        ("RIGHTPADDING", (0, 0), (-1, -1), right),
        ("TOPPADDING", (0, 0), (-1, -1), top),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
        *rules,
    ]
    if header_rows:
        last = header_rows - 1
        commands += [
            ("FONT", (0, 0), (-1, last), BOLD, CELL, LEADING),
            ("BACKGROUND", (0, 0), (-1, last), HEAD_FILL),
            ("LINEBELOW", (0, last), (-1, last), 0.3, RULE),
        ]
    return commands


def wrap(
    text: str, width: float, font: str = REGULAR, size: float = CELL, hyphen: str = "-"
) -> str:
    """`text` broken into lines that fit `width` points; over-long words break with `hyphen`."""
    if len(text) <= SHORT:
        return _wrap_short(text, width, font, size, hyphen)
    return _wrap(text, width, font, size, hyphen)


# names and labels recur on every page and in every annex; free text rarely does
SHORT = 120


@lru_cache(maxsize=4096)
def _wrap_short(text: str, width: float, font: str, size: float, hyphen: str) -> str:
    return _wrap(text, width, font, size, hyphen)


def _wrap(text: str, width: float, font: str, size: float, hyphen: str) -> str:
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width):
        while len(line) > 1 and pdfmetrics.stringWidth(line, font, size) > width:
            cut = _fit(line, hyphen, width, font, size)
            lines.append(line[:cut] + hyphen)
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


VOWELS = frozenset("aeiouyäöåáàâéèêíïóôúüAEIOUYÄÖÅÁÀÂÉÈÊÍÏÓÔÚÜ")


def _syllable_cuts(token: str) -> list[int]:
    """Where a word may be hyphenated: before a consonant that starts a syllable (consonant +
    vowel, the Finnish rule that suits Swedish and English well enough), never leaving a
    single letter behind: "Muun-su-ku-puo-li-set", not "Muuns-ukupuo-liset"."""
    return [
        i
        for i in range(2, len(token) - 1)
        if token[i].isalpha()
        and token[i] not in VOWELS
        and token[i + 1] in VOWELS
        and token[i - 1].isalpha()
    ]


def _fit(token: str, hyphen: str, width: float, font: str, size: float) -> int:
    """The longest prefix (at least one character) that fits together with `hyphen`: at a
    syllable boundary when one fits, else wherever it must (digests, codes)."""
    if hyphen:
        for cut in reversed(_syllable_cuts(token)):
            if pdfmetrics.stringWidth(token[:cut] + hyphen, font, size) <= width:
                return cut
    cut = len(token) - 1
    while cut > 1 and pdfmetrics.stringWidth(token[:cut] + hyphen, font, size) > width:
        cut -= 1
    return cut
