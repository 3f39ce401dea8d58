"""One bounded least-recently-used cache for values that never change under their key."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most `size` entries and, with `weigh`, at most `max_bytes` by their weights (a value
    heavier than that on its own is handed back but not kept); the least recently used one
    leaves first. Thread-safe."""

    def __init__(
        self,
        size: int,
        *,
        max_bytes: int | None = None,
        weigh: Callable[[K, V], int] | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("an LRU cache holds at least one entry")
        if (max_bytes is None) != (weigh is None):
            raise ValueError("a byte budget needs a weight for each entry, and the other way")
        self.size = size
        self._max_bytes, self._weigh = max_bytes, weigh
        self._items: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}
        self._bytes = 0
        self._lock = Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        weight = 0 if self._weigh is None else self._weigh(key, value)
        if self._max_bytes is not None and weight > self._max_bytes:
            return value
        with self._lock:
            self._bytes += weight - self._weights.get(key, 0)
            self._weights[key] = weight
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size or (
                self._max_bytes is not None and self._bytes > self._max_bytes
            ):
                old, _ = self._items.popitem(last=False)
                self._bytes -= self._weights.pop(old)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The cached value, or `make()` stored under `key` (made outside the lock)."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weights.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)
