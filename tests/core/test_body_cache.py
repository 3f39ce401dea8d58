"""The body cache holds one version per family, at most its budget in bytes, and drops the
least recently used family first."""

from __future__ import annotations

import gzip

import pytest

from app.core.body_cache import ENTRY_OVERHEAD, Body, BodyCache, accepts_gzip


def test_families_beyond_the_budget_leave_least_recently_used_first() -> None:
    budget = {"bytes": 3 * (1000 + ENTRY_OVERHEAD)}
    cache = BodyCache(lambda: budget["bytes"])
    for family in ("a", "b", "c"):
        cache.put(family, 1, Body(b"x" * 1000))
    assert cache.get("a", 1) is not None  # now b is the least recently used
    cache.put("d", 1, Body(b"y" * 1000))
    assert (cache.get("b", 1), len(cache)) == (None, 3)
    assert cache.bytes_held == 3 * (1000 + ENTRY_OVERHEAD)
    budget["bytes"] = 1000 + ENTRY_OVERHEAD  # a smaller setting applies at the next store
    cache.put("e", 1, Body(b"z" * 10))
    assert len(cache) == 1
    assert cache.bytes_held <= budget["bytes"]


def test_a_new_version_replaces_the_old_one_of_its_family() -> None:
    cache = BodyCache(lambda: 10**6)
    cache.put("matrix-1", 1, Body(b"v1" * 100))
    cache.put("matrix-1", 2, Body(b"v2" * 100))
    assert cache.get("matrix-1", 1) is None
    found = cache.get("matrix-1", 2)
    assert found is not None
    assert found.identity == b"v2" * 100
    assert (len(cache), cache.bytes_held) == (1, 200 + ENTRY_OVERHEAD)


def test_a_body_larger_than_the_budget_is_answered_but_not_kept() -> None:
    cache = BodyCache(lambda: 500)
    body = cache.put("big", 1, Body(b"x" * 1000))
    assert body.identity == b"x" * 1000
    assert (cache.get("big", 1), cache.bytes_held) == (None, 0)
    off = BodyCache(lambda: 0)
    off.put("k", 1, Body(b"{}"))
    assert len(off) == 0


def test_the_gzip_encoding_is_made_once_and_counted() -> None:
    cache = BodyCache(lambda: 10**6)
    found = cache.put("k", 3, Body(b'{"a":1}' * 500))
    encoded = cache.encoded("k", 3, found, gzipped=True)
    assert gzip.decompress(encoded) == found.identity
    kept = cache.get("k", 3)
    assert kept is not None
    assert kept.gzipped == encoded
    assert cache.bytes_held == len(found.identity) + len(encoded) + ENTRY_OVERHEAD
    assert cache.encoded("k", 3, kept, gzipped=True) is kept.gzipped
    assert cache.encoded("k", 3, kept, gzipped=False) is kept.identity


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("deflate", False),
        ("identity", False),
        ("", False),
        (None, False),
        ("GZIP", True),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding(header: str | None, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted


def test_an_older_version_never_replaces_a_newer_one() -> None:
    cache = BodyCache(lambda: 10**6)
    cache.put("k", 5, Body(b"v5"))
    answered = cache.put("k", 4, Body(b"v4"))  # a slower reader of the older version
    assert answered.identity == b"v4"
    assert cache.get("k", 4) is None
    assert cache.latest("k") == (5, Body(b"v5"))
    assert cache.latest("other") is None


def test_what_a_family_keeps_besides_its_body_counts_and_stays_with_its_gzip() -> None:
    cache = BodyCache(lambda: 10**6)
    kept = object()
    found = cache.put("k", 1, Body(b"x" * 100, extra=kept, extra_size=1000))
    assert cache.bytes_held == 100 + 1000 + ENTRY_OVERHEAD
    encoded = cache.encoded("k", 1, found, gzipped=True)
    latest = cache.latest("k")
    assert latest is not None
    assert (latest[1].extra, latest[1].gzipped) == (kept, encoded)
    assert cache.bytes_held == 100 + len(encoded) + 1000 + ENTRY_OVERHEAD
