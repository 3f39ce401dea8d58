"""Bytes every annex makes the same way, made once per process instead of once per annex.

A font subset's file is a pure function of the face and the characters in the subset, and
its Flate stream a pure function of those bytes; the sRGB profile and a logo are the same in
every annex of an organisation. ReportLab rebuilds and recompresses all of them for each
document (some 15 % of a warm render). Here they are kept in bounded, thread-safe LRU maps
keyed by their exact input bytes, so a hit gives byte for byte what the work would give:
the PDF does not change, only how often the same bytes are computed.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from reportlab.pdfbase.pdfdoc import PDFZCompress

# a 10-page annex holds some 240 kB of font data before compression (and 90 kB after): a
# worker keeps at most 8 MB of flate streams and 2 MB of subsets per face (four faces)
MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 256
# streams ReportLab flate-compresses with its default filter that repeat between annexes
_REPEATING = ("fontFile:", "toUnicodeCMap:")

K = TypeVar("K", bound=Hashable)


class BoundedMemo(Generic[K]):
    """Least recently used values (bytes) by key, at most `max_entries` and `max_bytes`."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._values: OrderedDict[K, bytes] = OrderedDict()
        self._sizes: dict[K, int] = {}
        self._bytes = 0
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], bytes], size: int = 0) -> bytes:
        """The value for `key`, made by `make()` when absent; `size` counts the key's bytes."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found
        value = make()
        cost = len(value) + size
        if cost > self._max_bytes:
            return value
        with self._lock:
            if key not in self._values:
                self._values[key] = value
                self._sizes[key] = cost
                self._bytes += cost
            while len(self._values) > self._max_entries or self._bytes > self._max_bytes:
                old, _ = self._values.popitem(last=False)
                self._bytes -= self._sizes.pop(old)
        return value

    def __len__(self) -> int:
        return len(self._values)


_flated: BoundedMemo[bytes] = BoundedMemo()
# per face (weakly: a face dropped with its font takes its subsets along)
_subsets: WeakKeyDictionary[Any, BoundedMemo[tuple[int, ...]]] = WeakKeyDictionary()
SUBSETS_PER_FACE = 32


class MemoFlate:
    """ReportLab's Flate filter (zlib.compress, default level) remembering what it made."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else bytes(text)
        return _flated.get(data, lambda: zlib.compress(data), len(data))

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


MEMO_FLATE = MemoFlate()


def subset_file(face: Any, subset: list[int], make: Callable[[list[int]], bytes]) -> bytes:
    """A face's subset font file, made by `make(subset)` once per face and character list."""
    memo = _subsets.get(face)
    if memo is None:
        memo = _subsets.setdefault(face, BoundedMemo(SUBSETS_PER_FACE, MAX_BYTES // 4))
    return memo.get(tuple(subset), lambda: make(subset), 8 * len(subset))


def memoise_font_streams(doc: Any) -> None:
    """Let the font files and ToUnicode maps of `doc` take the remembering Flate filter
    (call once the fonts' objects exist, before writing): the same output bytes."""
    for key, stream in doc.idToObject.items():
        if isinstance(key, str) and key.startswith(_REPEATING) and stream.filters == [PDFZCompress]:
            stream.filters = [MEMO_FLATE]
