"""Keeping the delivery worker alive beside the server, and alone on its database.

`ennakko run-all` runs the server in its own process and the worker as a child that a
`Supervisor` thread waits on: waiting reaps a dead worker (no zombie), and a worker that
dies is started again after an exponentially growing pause. The two stop together: run-all
stops the worker when it stops, and a worker whose supervisor is gone (even by SIGKILL)
stops itself (`ParentWatch`). On SQLite one worker is the design (the write lock serialises
claims), so a worker holds an exclusive lock file next to the database (`exclusive_worker`);
a second one refuses to start. On PostgreSQL any number of workers share the queue.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger("ennakko.supervisor")

# The supervisor's pid, given to the worker it starts: the worker stops when its parent changes.
PARENT_ENV = "ENNAKKO_SUPERVISOR_PID"
# Exit status of a worker that found another one on its SQLite database (EX_TEMPFAIL).
EXIT_LOCKED = 75
_PR_SET_PDEATHSIG = 1


class WorkerLocked(RuntimeError):
    """Another worker already delivers from this SQLite database."""


def lock_path(database_url: str) -> Path | None:
    """The worker lock file beside a SQLite database file (None: not a SQLite file)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database)).with_name(Path(str(url.database)).name + ".worker.lock")


@contextmanager
def exclusive_worker(database_url: str) -> Iterator[None]:
    """Hold the SQLite database's worker lock while the block runs; WorkerLocked if taken.

    The kernel drops an flock when its holder dies, also by SIGKILL, so a crashed worker
    never blocks the next one.
    """
    path = lock_path(database_url)
    database = make_url(database_url).database
    if path is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise WorkerLocked(
                f"another worker (pid {holder}) already delivers from {database}; "
                "only one worker may run on a SQLite database (stop it, or use PostgreSQL "
                "for several workers)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


class ParentWatch:
    """Tells a supervised worker that its supervisor is gone.

    On Linux the kernel sends SIGTERM when the parent dies (PR_SET_PDEATHSIG), which the
    worker's own SIGTERM handler turns into a clean stop; `gone()` (the parent pid changed)
    is the portable check the worker also makes every round. Unsupervised: never gone.
    """

    def __init__(self) -> None:
        expected = os.environ.get(PARENT_ENV, "")
        self.parent = int(expected) if expected.isdigit() else None
        if self.parent is not None and sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)

    def gone(self) -> bool:
        # Checked after prctl too: a parent that died before it was set sends no signal.
        return self.parent is not None and os.getppid() != self.parent


class Supervisor:
    """Runs `command` as a child and restarts it with exponential backoff until `stop`."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        stable_after: float = 30.0,
        stop_timeout: float = 15.0,
    ) -> None:
        self.command = list(command)
        self.base_delay, self.max_delay = base_delay, max_delay
        self.stable_after, self.stop_timeout = stable_after, stop_timeout
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._spawn_lock = threading.Lock()
        self._thread = threading.Thread(target=self._supervise, name="supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def delay(self, failures: int) -> float:
        """The pause before restart number `failures` in a row: base, 2×base, 4×base … cap."""
        return float(min(self.max_delay, self.base_delay * 2 ** min(failures - 1, 30)))

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._spawn_lock:
            if self._stopping.is_set():
                return None
            # Its own session: a Ctrl-C in the terminal reaches run-all, which stops the
            # worker itself, instead of killing the worker before the server has stopped.
            self._process = subprocess.Popen(  # noqa: S603 (our own command line)
                self.command,
                env=os.environ | {PARENT_ENV: str(os.getpid())},
                start_new_session=True,
            )
            self.starts += 1
            return self._process

    def _supervise(self) -> None:
        failures = 0
        while (process := self._spawn()) is not None:
            started = time.monotonic()
            status = process.wait()  # reaps the child: a dead worker leaves no zombie
            if self._stopping.is_set():
                return
            failures = 1 if time.monotonic() - started >= self.stable_after else failures + 1
            pause = self.delay(failures)
            if status == EXIT_LOCKED:
                log.error("worker refused: another worker holds the database; retrying")
            log.warning(
                "worker exited; restarting",
                extra={"pid": process.pid, "status": status, "restart_in_seconds": pause},
            )
            self._stopping.wait(pause)

    def stop(self) -> None:
        """Stop supervising, SIGTERM the worker and wait for it (SIGKILL after the timeout)."""
        with self._spawn_lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread.is_alive():
            self._thread.join(timeout=self.stop_timeout)
