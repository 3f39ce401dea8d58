"""Shared benchmark machinery: scratch database, a real uvicorn server, load generators.

Every scenario builds its data in a fresh scratch database (a temp SQLite file, or a
PostgreSQL database created with CREATE DATABASE and dropped afterwards), starts the
server as a separate process with one worker, and drives it over keep-alive HTTP/1.1
connections: with `wrk` when it is installed, otherwise with the asyncio client below.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
SQLITE = "sqlite"


# ---------------------------------------------------------------- scratch database


def _reset_app_caches() -> None:
    from app.core import config, db

    with contextlib.suppress(Exception):
        if db.get_engine.cache_info().currsize:
            db.get_engine().dispose()
    db.get_read_engine.cache_clear()
    db.get_engine.cache_clear()
    config.get_settings.cache_clear()


@dataclass
class Scratch:
    url: str
    data_dir: Path
    env: dict[str, str]

    @property
    def backend(self) -> str:
        return "postgresql" if self.url.startswith("postgresql") else SQLITE


@contextlib.contextmanager
def scratch_database(base_url: str | None) -> Iterator[Scratch]:
    """A fresh database migrated to head with the shipped templates, and a data dir for keys."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    tmp = Path(tempfile.mkdtemp(prefix="ennakko-bench-"))
    admin = None
    if base_url and not base_url.startswith(SQLITE):
        name = f"ennakko_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    else:
        url, name = f"sqlite:///{tmp / 'bench.db'}", ""
    env = {
        "ENNAKKO_DATABASE_URL": url,
        "ENNAKKO_DATA_DIR": str(tmp),
        "ENNAKKO_ENVIRONMENT": "development",
        "ENNAKKO_LOG_LEVEL": "WARNING",
        "ENNAKKO_CLIENT_RATE_PER_MINUTE": "100000000",
        # Benchmark tokens live for the whole run; tokens longer than this are refused.
        "ENNAKKO_ACCESS_TOKEN_MINUTES": "240",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    _reset_app_caches()
    try:
        from app.core.db import transaction
        from app.core.migrations import upgrade
        from app.templates.service import sync_shipped

        upgrade(url)
        with transaction() as session:
            sync_shipped(session)
        yield Scratch(url, tmp, env)
    finally:
        _reset_app_caches()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


def mint_token(subject: str, lifetime_s: int = 4 * 3600) -> str:
    """A bearer token signed with the key the server loads from the shared data dir."""
    from app.core.config import get_settings
    from app.core.tokens import issue_token, settings_signer

    settings = get_settings()
    return issue_token(
        settings_signer(settings),
        subject=subject,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime_s=lifetime_s,
        # A fresh user's session epoch: see app.auth.service.check_epoch.
        claims={"gen": 0},
    )


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the server process and its worker processes
        (uvicorn --workers N runs N children under a supervisor), from Linux /proc."""
        total = _process_ticks(self.process.pid)
        if total is None:
            return float("nan")
        for pid in _children(self.process.pid):
            total += _process_ticks(pid) or 0
        return total / os.sysconf("SC_CLK_TCK")

    def log_count(self, needle: str) -> int:
        return self.log_path.read_text(encoding="utf-8", errors="replace").count(needle)

    def thread_cpu_ns(self) -> dict[str, int]:
        """CPU nanoseconds of each live server thread so far (/proc/PID/task/*/schedstat):
        exact to the nanosecond, so one request's CPU can be read around it (see cpu_ns_since)."""
        found = {}
        for stat in Path(f"/proc/{self.process.pid}/task").glob("*/schedstat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                found[stat.parent.name] = int(stat.read_text().split()[0])
        return found

    def cpu_ns_since(self, before: dict[str, int]) -> int:
        """The server threads' CPU since `before` (a thread started since counts whole; one
        that ended since is left out, as its last figures are gone)."""
        return sum(ns - before.get(tid, 0) for tid, ns in self.thread_cpu_ns().items())

    def memory_mb(self) -> dict[str, float]:
        """The server's resident set now (VmRSS) and at its peak (VmHWM), in MB."""
        found = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    found[name] = round(int(value.split()[0]) / 1024, 1)
        return {
            "rss_mb": found.get("VmRSS", float("nan")),
            "hwm_mb": found.get("VmHWM", float("nan")),
        }


def _stat_fields(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _process_ticks(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    """The live child processes of `pid` (worker processes of a multi-worker server)."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat_fields(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _profiler(profile: Path | None) -> list[str]:
    if profile is None:
        return []
    py_spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if py_spy is None:
        raise RuntimeError("--profile needs py-spy (pip install py-spy) on PATH or in $PY_SPY")
    fmt = "flamegraph" if profile.suffix == ".svg" else "raw"
    return [py_spy, "record", "--rate", "250", "--format", fmt, "--output", str(profile), "--"]


@contextlib.contextmanager
def serve(
    scratch: Scratch,
    *,
    profile: Path | None = None,
    factory: str = "app.main:create_app",
    env: dict[str, str] | None = None,
    workers: int = 1,
) -> Iterator[Server]:
    """uvicorn with `workers` worker processes (one by default) in its own process; stopped
    (by its pid) on exit.
    `factory` names the app (`benchmarks._floor:create_app` for the floor).

    With `profile`, the server runs under `py-spy record` (PATH or $PY_SPY) and its
    samples (an SVG flame graph, or collapsed stacks for any other suffix) are written
    there when the server stops.
    """
    port = _free_port()
    log_path = scratch.data_dir / f"server-{port}.log"
    command = [
        *_profiler(profile),
        str(BIN / "uvicorn"),
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **scratch.env, **(env or {})},
            stdout=log,
            stderr=log,
        )
    server = Server(port, process, log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in 60 s")
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGINT if profile else signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- figures and results


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def latency_stats(samples: list[float]) -> dict[str, float]:
    values = sorted(samples)
    if not values:
        return {"p50_ms": float("nan"), "p99_ms": float("nan")}
    return {
        "p50_ms": round(statistics.median(values), 3),
        "p90_ms": round(percentile(values, 90), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "max_ms": round(values[-1], 3),
        "mean_ms": round(statistics.fmean(values), 3),
    }


@contextlib.contextmanager
def serve_floor(
    scratch: Scratch, bodies: dict[str, bytes] | None = None, *, workers: int = 1
) -> Iterator[Server]:
    """The floor app (benchmarks/_floor.py) on the scenario's database, serving `bodies`."""
    floor_dir = scratch.data_dir / f"floor-{uuid.uuid4().hex[:6]}"
    floor_dir.mkdir()
    for name, body in (bodies or {}).items():
        (floor_dir / name).write_bytes(body)
    with serve(
        scratch,
        factory="benchmarks._floor:create_app",
        env={"ENNAKKO_FLOOR_DIR": str(floor_dir)},
        workers=workers,
    ) as server:
        yield server


def ratio(value: float, floor: float) -> float | None:
    """value / floor, rounded; None when the floor is not a positive number."""
    if not floor or floor != floor or floor <= 0:
        return None
    return round(value / floor, 2)


def budget(name: str, measured: float, target: float, *, higher_is_better: bool) -> dict[str, Any]:
    met = measured >= target if higher_is_better else measured <= target
    op = "≥" if higher_is_better else "≤"
    return {"name": name, "measured": round(measured, 3), "target": f"{op} {target}", "met": met}


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


def warn_if_busy() -> float:
    load = load_average()
    if load > (os.cpu_count() or 1) * 0.5:
        print(f"  warning: load average {load} before the run; figures will be pessimistic")
    return load


def environment(
    scratch: Scratch, generator: str, load_before: float | None = None, *, workers: int = 1
) -> dict[str, Any]:
    return {
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database": scratch.backend,
        "load_generator": generator,
        "server": f"uvicorn --workers {workers} (separate process)",
    }


def results_name(name: str, database_url: str | None) -> str:
    """A scenario's results file name: PostgreSQL runs keep their own (`<name>-postgresql`),
    so that a `make bench` on SQLite and a run on PostgreSQL stand side by side."""
    return f"{name}-postgresql" if database_url else name


def write_results(name: str, data: dict[str, Any], budgets: list[dict[str, Any]]) -> Path:
    """benchmarks/results/<name>.json with the budgets also as {"met": {name: bool}}."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    body = {
        "scenario": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **data,
        "budgets": budgets,
        "met": {b["name"]: b["met"] for b in budgets},
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def print_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    print(f"\n== {title}")
    widths = [max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(_fmt(row.get(c)).rjust(w) for c, w in zip(columns, widths, strict=True)))


def print_budgets(budgets: list[dict[str, Any]]) -> None:
    for b in budgets:
        verdict = "PASS" if b["met"] else "MISS"
        print(f"  {verdict}  {b['name']}: {b['measured']} (budget {b['target']})")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "-" if value is None else str(value)
