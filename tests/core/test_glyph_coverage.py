"""The input check's record of what the annex fonts draw matches the fonts."""

from __future__ import annotations

from app.annexes.render.theme import drawn_code_points
from app.core import glyphs


def test_coverage_file_matches_the_fonts() -> None:
    expected = glyphs.coverage_document(drawn_code_points())
    assert glyphs.COVERAGE_FILE.read_text(encoding="utf-8") == expected, (
        "run `python -m app.devtools write-glyph-coverage`"
    )


def test_a_character_outside_the_fonts_is_refused_and_one_inside_is_not() -> None:
    codes = drawn_code_points()
    missing = next(c for c in range(0x2000, 0x110000) if c not in codes and not chr(c).isspace())
    assert glyphs.undrawable_character(f"ä {chr(missing)}") == chr(missing)
    assert glyphs.undrawable_character("Åland äö € " + chr(max(codes))) is None
