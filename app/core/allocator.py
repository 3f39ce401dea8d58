"""glibc malloc settings for a long-running server process, set when the app is built.

A worker's resident set grew by some 15 MB over a read benchmark without holding more: after
warm-up glibc kept that much freed memory in its heaps. Two defaults cause it:

- the mmap threshold is dynamic: once a large block (a rendered matrix body, its gzip
  encoding, a result set's buffer) allocated with mmap is freed, glibc raises the threshold
  to that size, so every later block of that size comes from a heap, and a heap returns
  memory to the system only from its top, which the objects allocated after it pin. A fixed
  threshold keeps such blocks in their own mappings, unmapped when freed;
- each thread that allocates (the thread pool runs every database call) gets its own arena,
  up to 8 per core, each keeping its own free memory. Two arenas are enough for a process
  whose Python code runs one thread at a time.

An operator's own MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ wins.
On a C library without mallopt (musl, macOS) nothing is changed.
"""

from __future__ import annotations

import ctypes
import os
import sys

# mallopt parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

ARENA_MAX = 2
# blocks from 128 KiB up get their own mapping (glibc's starting value, kept fixed); free
# memory over 128 KiB at a heap's top goes back to the system
MMAP_THRESHOLD = 128 * 1024
TRIM_THRESHOLD = 128 * 1024

# parameter → (its environment variable, the value set when that variable is not set)
SETTINGS = {
    M_ARENA_MAX: ("MALLOC_ARENA_MAX", ARENA_MAX),
    M_MMAP_THRESHOLD: ("MALLOC_MMAP_THRESHOLD_", MMAP_THRESHOLD),
    M_TRIM_THRESHOLD: ("MALLOC_TRIM_THRESHOLD_", TRIM_THRESHOLD),
}


def tune_malloc() -> dict[int, int]:
    """Set SETTINGS through glibc's mallopt; the parameters set (none if not glibc)."""
    if not sys.platform.startswith("linux"):
        return {}
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None or not _is_glibc():
        return {}
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done = {}
    for param, (variable, value) in SETTINGS.items():
        if variable not in os.environ and mallopt(param, value) == 1:
            done[param] = value
    return done


def _is_glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc ")
    except (ValueError, OSError):
        return False
