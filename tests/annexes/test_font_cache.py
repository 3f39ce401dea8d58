"""Parsed TrueType faces kept between processes (app/annexes/render/font_cache.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from app.annexes.render import font_cache
from app.annexes.render.theme import FONT_DIR

FONT = FONT_DIR / "DejaVuSans-Oblique.ttf"


def _same_state(cached: object, parsed: object) -> None:
    ours, theirs = vars(cached), vars(parsed)
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        if key == "_pdfScale":
            assert ours[key](1234.5) == value(1234.5)
            continue
        assert type(ours[key]) is type(value), key
        assert ours[key] == value, key
    for key in font_cache._NAMES:
        assert ours[key].ustr == theirs[key].ustr


def test_a_cached_face_is_the_parsed_face(tmp_path: Path) -> None:
    first = font_cache.load_face(FONT, tmp_path)
    assert type(first) is TTFontFace  # parsed, then written
    assert len(list(tmp_path.iterdir())) == 1
    again = font_cache.load_face(FONT, tmp_path)
    assert isinstance(again, font_cache.CachedFace)
    _same_state(again, TTFontFace(str(FONT)))


def test_a_font_around_a_cached_face_is_set_up_as_ttfont_does(tmp_path: Path) -> None:
    font_cache.load_face(FONT, tmp_path)
    cached = font_cache.cached_font("Probe", FONT, tmp_path)
    parsed = TTFont("Probe", str(FONT))
    assert isinstance(cached.face, font_cache.CachedFace)
    assert set(vars(cached)) == set(vars(parsed))
    for key in ("fontName", "_asciiReadable", "shapable"):
        assert getattr(cached, key) == getattr(parsed, key)
    assert cached.stringWidth("Åström ő", 9) == parsed.stringWidth("Åström ő", 9)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "other_version"])
def test_a_damaged_or_stale_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    font_cache.load_face(FONT, tmp_path)
    (path,) = tmp_path.iterdir()
    good = path.read_bytes()
    if damage == "flip":
        path.write_bytes(good[:-10] + bytes([good[-10] ^ 0xFF]) + good[-9:])
    elif damage == "truncate":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        payload = font_cache.marshal.dumps((font_cache.FORMAT, "0.0", "x" * 64, {}))
        digest = font_cache.hashlib.sha256(payload).hexdigest().encode()
        path.write_bytes(digest + b"\n" + payload)
    face = font_cache.load_face(FONT, tmp_path)
    assert type(face) is TTFontFace  # parsed again
    assert path.read_bytes() == good  # and the entry rewritten
    assert isinstance(font_cache.load_face(FONT, tmp_path), font_cache.CachedFace)


def test_a_cache_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    face = font_cache.load_face(FONT, blocked / "fonts")
    assert type(face) is TTFontFace
    assert face.charToGlyph == TTFontFace(str(FONT)).charToGlyph


_RENDER = """
import sys
from pathlib import Path
from app.annexes.record import load_record
from app.annexes.render import render_pdf, theme
theme.FONT_CACHE_DIR = None if sys.argv[1] == "-" else Path(sys.argv[1])
record = load_record(Path("examples/assessment-large.json"))
sys.stdout.buffer.write(render_pdf(record, "sv"))
"""


def test_the_pdf_is_the_same_bytes_with_and_without_the_cache(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]

    def render(cache: str) -> bytes:
        done = subprocess.run(
            [sys.executable, "-c", _RENDER, cache], cwd=root, capture_output=True, check=True
        )
        return done.stdout

    plain = render("-")
    assert plain.startswith(b"%PDF")
    assert render(str(tmp_path)) == plain  # writes the cache
    assert len(list(tmp_path.iterdir())) == 4
    assert render(str(tmp_path)) == plain  # reads it
