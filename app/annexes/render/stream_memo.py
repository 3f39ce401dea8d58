"""Bytes every annex makes the same way, made once per process instead of once per annex.

A font subset's file is a pure function of the face and the characters in the subset, and
its Flate stream a pure function of those bytes; the sRGB profile and a logo are the same in
every annex of an organisation. ReportLab rebuilds and recompresses all of them for each
document (some 15 % of a warm render). Here they are kept in the project's bounded LRU cache
(app.core.cache.LruCache, with a byte budget) keyed by their exact input bytes, so a hit gives
byte for byte what the work would give: the PDF does not change, only how often the same
bytes are computed.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.pdfbase.pdfdoc import PDFZCompress

from app.core.cache import LruCache

# a 10-page annex holds some 240 kB of font data before compression (and 90 kB after): a
# worker keeps at most 8 MB of flate streams and 2 MB of subsets per face (four faces)
MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 256
# streams ReportLab flate-compresses with its default filter that repeat between annexes
_REPEATING = ("fontFile:", "toUnicodeCMap:")

SUBSETS_PER_FACE = 32


def flate_memo() -> LruCache[bytes, bytes]:
    """Flate streams by their input, weighed by input and output."""
    return LruCache(MAX_ENTRIES, max_bytes=MAX_BYTES, weigh=lambda data, out: len(data) + len(out))


def subset_memo() -> LruCache[tuple[int, ...], bytes]:
    """One face's subset files by their characters (8 bytes counted per character)."""
    return LruCache(
        SUBSETS_PER_FACE,
        max_bytes=MAX_BYTES // 4,
        weigh=lambda chars, out: 8 * len(chars) + len(out),
    )


_flated = flate_memo()
# per face (weakly: a face dropped with its font takes its subsets along)
_subsets: WeakKeyDictionary[Any, LruCache[tuple[int, ...], bytes]] = WeakKeyDictionary()


class MemoFlate:
    """ReportLab's Flate filter (zlib.compress, default level) remembering what it made."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else bytes(text)
        return _flated.get_or_make(data, lambda: zlib.compress(data))

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


MEMO_FLATE = MemoFlate()


def subset_file(face: Any, subset: list[int], make: Callable[[list[int]], bytes]) -> bytes:
    """A face's subset font file, made by `make(subset)` once per face and character list."""
    memo = _subsets.get(face)
    if memo is None:
        memo = _subsets.setdefault(face, subset_memo())
    return memo.get_or_make(tuple(subset), lambda: make(subset))


def memoise_font_streams(doc: Any) -> None:
    """Let the font files and ToUnicode maps of `doc` take the remembering Flate filter
    (call once the fonts' objects exist, before writing): the same output bytes."""
    for key, stream in doc.idToObject.items():
        if isinstance(key, str) and key.startswith(_REPEATING) and stream.filters == [PDFZCompress]:
            stream.filters = [MEMO_FLATE]
