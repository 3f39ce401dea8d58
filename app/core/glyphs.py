"""Which characters the PDF annex can draw, so that text it cannot hold is refused at input.

The annex embeds DejaVu Sans with Symbola behind it (app/annexes/render/theme.py); a
character in neither font would be drawn as an empty box and lost from the PDF's text. Such
a character is refused where the text comes in, with an error that names it, instead of
being dropped silently when the annex is made. Whitespace is always accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError
from reportlab.pdfbase.ttfonts import TTFontFile

from app.core.text import each_string

FONT_DIR = Path(__file__).resolve().parents[1] / "annexes" / "fonts"
# The annex's regular face and its fallback; bold and oblique fall back to the regular face.
DRAWING_FONTS = ("DejaVuSans.ttf", "Symbola.ttf")


# font file name → the code points it draws; filled by whoever parses the font first
_COVERAGE: dict[str, frozenset[int]] = {}


def remember_coverage(name: str, codes: Iterable[int]) -> None:
    """The annex renderer hands over the fonts it has parsed: one parse per process, not two."""
    _COVERAGE.setdefault(name, frozenset(codes))


def _coverage(name: str) -> frozenset[int]:
    if name not in _COVERAGE:
        remember_coverage(name, TTFontFile(str(FONT_DIR / name)).charToGlyph)
    return _COVERAGE[name]


@lru_cache(maxsize=1)
def _undrawable() -> re.Pattern[str]:
    codes: set[int] = set()
    for name in DRAWING_FONTS:
        codes.update(_coverage(name))
    ranges: list[str] = []
    ordered = sorted(c for c in codes if c > 0x20)
    start = prev = ordered[0]
    for code in [*ordered[1:], -1]:
        if code != prev + 1:
            end = "-" + re.escape(chr(prev)) if prev > start else ""
            ranges.append(re.escape(chr(start)) + end)
            start = code
        prev = code
    return re.compile(f"[^\\s{''.join(ranges)}]")


def undrawable_character(value: str) -> str | None:
    """The first character of `value` that the annex fonts cannot draw, or None."""
    if value.isascii():
        return None
    match = _undrawable().search(value)
    return match.group() if match else None


def describe(char: str) -> str:
    """`U+1F972 SMILING FACE WITH TEAR (🥲)`: the character as an error message names it."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name} ({char})" if name else f"U+{ord(char):04X} ({char})"


def drawable_error(char: str) -> PydanticCustomError:
    return PydanticCustomError(
        "annex_character", "The annex fonts cannot show {character}", {"character": describe(char)}
    )


def check_drawable_text(value: str) -> str:
    """`value` unchanged when the annex fonts can draw it whole; else an error naming the
    first character they lack (a character is never dropped)."""
    char = undrawable_character(value)
    if char is not None:
        raise drawable_error(char)
    return value


def check_drawable(value: Any) -> Any:
    """`value` unchanged when every string in it can be shown in the annex; else an error
    naming the first character that cannot (lists, tuples, sets, dict keys and values)."""
    return each_string(value, check_drawable_text)
