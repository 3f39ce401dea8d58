"""Fonts, paragraph styles and table styles of the PDF annex, built once per process.

Only the embedded DejaVu TTFs are ever named: ReportLab falls back to Helvetica (a
non-embedded base-14 font, forbidden in PDF/A) wherever a style leaves the font unset.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
FONT_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}

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


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the DejaVu family with ReportLab, once per process."""
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
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
    """Commands every annex table starts from: fonts, rules, padding, header fill.

    Without `grid` only the box and column rules are drawn; the caller rules off each
    logical row (which may span several table rows, see pdf_tables.flow_rows).
    """
    rules: list[tuple[object, ...]] = (
        [("GRID", (0, 0), (-1, -1), 0.3, RULE)]
        if grid
        else [("BOX", (0, 0), (-1, -1), 0.3, RULE), ("LINEAFTER", (0, 0), (-2, -1), 0.3, RULE)]
    )
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, CELL, LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *rules,
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
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


def _fit(token: str, hyphen: str, width: float, font: str, size: float) -> int:
    """The longest prefix (at least one character) that fits together with `hyphen`."""
    cut = len(token) - 1
    while cut > 1 and pdfmetrics.stringWidth(token[:cut] + hyphen, font, size) > width:
        cut -= 1
    return cut
