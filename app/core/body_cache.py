"""Rendered response bodies kept in memory, bounded by their size in bytes, not their count.

A body is cached under a family (e.g. "the matrix of assessment X") and a version; a
version names exactly one content, so a body is never invalidated, only replaced by a newer
version of its family (which is all a writer's next read asks for) or evicted: the least
recently used families leave first when the bytes held would exceed the budget. Each body
can carry its gzip encoding, made once on the first request that accepts it.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from threading import Lock

# What a cached entry costs besides its bytes (key tuple, dataclass, dict slot), roughly.
ENTRY_OVERHEAD = 256
# Compressed once per body and then served many times: a middle level keeps the one-off
# cost low (level 9 costs ~2× the time for ~1 % fewer bytes on a matrix).
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Body:
    """A rendered body, its gzip encoding once made, and whatever its family keeps to make
    the next version's body cheaply (`extra`, e.g. rendered parts), counted as `extra_size`
    bytes against the budget."""

    identity: bytes
    gzipped: bytes | None = None
    extra: object | None = None
    extra_size: int = 0

    @property
    def size(self) -> int:
        return len(self.identity) + len(self.gzipped or b"") + self.extra_size + ENTRY_OVERHEAD


class BodyCache:
    """One body per family, the least recently used families leaving first, within
    `budget()` bytes (read on every store, so a changed setting applies at once; 0 disables
    the cache). Thread-safe."""

    def __init__(self, budget: Callable[[], int]) -> None:
        self._budget = budget
        self._items: OrderedDict[Hashable, tuple[int, Body]] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def get(self, family: Hashable, version: int) -> Body | None:
        """The family's body when it is of `version`."""
        with self._lock:
            found = self._items.get(family)
            if found is None or found[0] != version:
                return None
            self._items.move_to_end(family)
            return found[1]

    def latest(self, family: Hashable) -> tuple[int, Body] | None:
        """The family's body, of whichever version it holds, and that version."""
        with self._lock:
            return self._items.get(family)

    def put(self, family: Hashable, version: int, body: Body) -> Body:
        """Store `body` as the family's (replacing an older or the same version; a newer one
        stays), when it fits the budget at all, and evict down to the budget."""
        budget = self._budget()
        with self._lock:
            old = self._items.get(family)
            if old is not None and old[0] > version:
                return body
            if old is not None:
                del self._items[family]
                self._bytes -= old[1].size
            if body.size <= budget:
                self._items[family] = (version, body)
                self._bytes += body.size
            while self._bytes > budget and self._items:
                _, (_, evicted) = self._items.popitem(last=False)
                self._bytes -= evicted.size
        return body

    def encoded(self, family: Hashable, version: int, body: Body, *, gzipped: bool) -> bytes:
        """`body`'s bytes, gzip-encoded if asked (the encoding is made once and kept)."""
        if not gzipped:
            return body.identity
        if body.gzipped is None:
            body = self.put(family, version, replace(body, gzipped=compress(body.identity)))
        assert body.gzipped is not None
        return body.gzipped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)


def compress(data: bytes) -> bytes:
    """gzip at GZIP_LEVEL with a fixed mtime, so the same body always encodes the same."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header value allows gzip (q=0 refuses it)."""
    for part in (accept_encoding or "").split(","):
        coding, *params = (p.strip().lower() for p in part.split(";"))
        if coding not in ("gzip", "x-gzip"):
            continue
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False
