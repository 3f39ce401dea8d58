"""The one bounded LRU cache."""

from __future__ import annotations

import pytest

from app.core.cache import LruCache


def test_the_least_recently_used_entry_leaves_first() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_get_or_make_makes_once() -> None:
    cache: LruCache[str, list[int]] = LruCache(4)
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return [len(made)]

    assert cache.get_or_make("k", make) == [1]
    assert cache.get_or_make("k", make) == [1]
    assert made == [1]


def test_a_cache_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least one"):
        LruCache(0)
