"""The server process's malloc settings (app/core/allocator.py): a large block freed does not
make glibc serve later large blocks from a heap, where they would stay after being freed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app import main
from app.core import allocator

# frees a 1 MiB block (mmapped: glibc raises a dynamic threshold to its size), then holds a
# 256 KiB block and reports whether that one was mmapped too (mallinfo2's hblkhd grew)
_PROBE = """
import ctypes, json, sys
from app.core.allocator import tune_malloc

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
tuned = tune_malloc() if sys.argv[1] == "tuned" else {}
big = bytes(1 << 20)
del big
before = libc.mallinfo2().hblkhd
held = bytes(256 * 1024)
print(json.dumps({"tuned": sorted(tuned), "mmapped": libc.mallinfo2().hblkhd - before}))
"""

GLIBC = sys.platform.startswith("linux") and allocator._is_glibc()


def _probe(mode: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(not GLIBC, reason="mallopt and mallinfo2 are glibc's")
def test_large_blocks_stay_mmapped_after_a_larger_one_is_freed() -> None:
    default, tuned = _probe("default"), _probe("tuned")
    assert default["mmapped"] == 0  # glibc's dynamic threshold: from a heap
    assert tuned["tuned"] == sorted(allocator.SETTINGS)
    assert isinstance(tuned["mmapped"], int)
    assert tuned["mmapped"] >= 256 * 1024


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_the_operators_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert allocator.M_ARENA_MAX not in allocator.tune_malloc()


def test_create_app_tunes_the_allocator(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(main, "tune_malloc", lambda: calls.append(True) or {})
    main.create_app()
    assert calls == [True]
