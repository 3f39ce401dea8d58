"""Which characters the PDF annex can draw, so that text it cannot hold is refused at input.

The annex embeds DejaVu Sans with Symbola behind it (app/annexes/render/theme.py); a
character in neither font would be drawn as an empty box and lost from the PDF's text. Such
a character is refused where the text comes in, with an error that names it, instead of
being dropped silently when the annex is made. Whitespace is always accepted.

What the fonts draw is read from fonts/coverage.json (code point ranges), not from the fonts
themselves: parsing them needs ReportLab, which a serving worker loads only to render
(app/core/lazy.py). `python -m app.devtools write-glyph-coverage` writes the file from the
fonts, and tests/core/test_glyph_coverage.py fails when it no longer matches them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from app.core.text import each_string

FONT_DIR = Path(__file__).resolve().parents[1] / "annexes" / "fonts"
# The annex's regular face and its fallback; bold and oblique fall back to the regular face.
DRAWING_FONTS = ("DejaVuSans.ttf", "Symbola.ttf")
COVERAGE_FILE = FONT_DIR / "coverage.json"


def coverage_ranges(codes: Iterable[int]) -> list[tuple[int, int]]:
    """The printable code points (above U+0020) as sorted, merged, inclusive ranges."""
    ranges: list[tuple[int, int]] = []
    for code in sorted(c for c in set(codes) if c > 0x20):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


def coverage_document(codes: Iterable[int]) -> str:
    """The text of fonts/coverage.json for the code points the drawing fonts have."""
    data = {
        "fonts": list(DRAWING_FONTS),
        "ranges": [f"{start:04X}-{end:04X}" for start, end in coverage_ranges(codes)],
    }
    return json.dumps(data, indent=1) + "\n"


@lru_cache(maxsize=1)
def _undrawable() -> re.Pattern[str]:
    ranges: list[str] = []
    for span in json.loads(COVERAGE_FILE.read_text(encoding="utf-8"))["ranges"]:
        start, end = (chr(int(part, 16)) for part in span.split("-"))
        ranges.append(re.escape(start) + ("-" + re.escape(end) if end > start else ""))
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
