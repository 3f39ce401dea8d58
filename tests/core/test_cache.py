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


def test_a_byte_budget_evicts_the_oldest_and_keeps_no_value_heavier_than_it() -> None:
    cache: LruCache[int, bytes] = LruCache(3, max_bytes=100, weigh=lambda _k, v: len(v))
    made: list[int] = []

    def make(key: int, size: int) -> bytes:
        made.append(key)
        return bytes(size)

    for key in range(5):
        assert cache.get_or_make(key, lambda key=key: make(key, 10)) == bytes(10)
    assert len(cache) == 3
    assert cache.get_or_make(4, lambda: make(4, 10)) == bytes(10)
    assert made == [0, 1, 2, 3, 4]  # a hit: not made again
    assert cache.get_or_make(9, lambda: make(9, 500)) == bytes(500)
    assert len(cache) == 3  # too heavy to keep
    cache.put(7, bytes(60))
    cache.put(8, bytes(60))  # over the budget: the oldest go
    assert len(cache) == 1
    assert cache.get(8) == bytes(60)
    cache.put(8, bytes(90))  # a replaced value's weight is the new one's
    assert cache.get(8) == bytes(90)
    cache.put(6, bytes(20))
    assert (cache.get(8), len(cache)) == (None, 1)


def test_a_byte_budget_needs_weights() -> None:
    with pytest.raises(ValueError, match="weight"):
        LruCache(2, max_bytes=10)
