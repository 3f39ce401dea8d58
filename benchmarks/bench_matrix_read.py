"""Authenticated read of a full assessment (3 alternatives × 12 areas × 8 groups × 3
genders = 864 cells) and of its summary, at 864 and 2 880 cells.

    .venv/bin/python -m benchmarks.bench_matrix_read            # ~2 minutes
    .venv/bin/python -m benchmarks.bench_matrix_read --quick
    .venv/bin/python -m benchmarks.bench_matrix_read --database-url postgresql+psycopg://…
    .venv/bin/python -m benchmarks.bench_matrix_read --profile /tmp/read.svg   # py-spy

`GET /api/v1/drafts/{id}/assessment` with a bearer token against one uvicorn worker.
Budget (DESIGN.md): ≥ 800 req/s per worker, p99 ≤ 20 ms; read right after a write ≤ 3×
the floor, cached read ≤ 2×, summary ≤ 2 ms CPU; worker RSS ≤ 120 MB.

Rows, each with the server's CPU ms per request and its ratio to the floor:
- `cache hit`: 8 clients read the same version again and again (CPU from /proc/PID/stat
  over the run); the same with `Accept-Encoding: gzip` (the cached gzip body);
- `after a write`: one client alternates a single-cell PATCH and the read; the CPU of each
  read alone is taken from the server threads' schedstat (ns) right before and after it, so
  the write's CPU is not in it (measured, not estimated);
- `summary`: cached (8 clients) and right after a write (as above), at 864 and 2 880 cells;
  their ratio is to the floor answering the same summary bytes;
- `floor`: a bare FastAPI app on the same uvicorn answering the same bytes from memory
  (benchmarks/_floor.py), measured in the same run;
- references: the read answered 304, `/api/v1/me`, `/healthz`. The `cpu_ms_beyond_304`
  column is a row's CPU less that of the 304 answer, which does what every read of the
  matrix must (authentication, the principal's roles, the one query for the draft's
  visibility and version): the rest is the body's own cost (render or cache).
- memory: the server's VmRSS after warm-up and at the end (and its peak, VmHWM).
Results: results/matrix_read.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks._common import (
    Scratch,
    Server,
    budget,
    environment,
    latency_stats,
    print_budgets,
    print_table,
    ratio,
    results_name,
    scratch_database,
    serve,
    serve_floor,
    warn_if_busy,
    write_results,
)
from benchmarks._load import Conn, closed_loop, get_step, wrk_available, wrk_get
from benchmarks._world import assessed_draft, build_world, matrix_keys, one_cell

NAME = "matrix_read"
BUDGET_RPS = 800.0
BUDGET_P99_MS = 20.0
BUDGET_AFTER_WRITE_X = 3.0
BUDGET_CACHED_X = 2.0
BUDGET_SUMMARY_MS = 2.0
BUDGET_RSS_MB = 120.0
BIG_ALTERNATIVES = 9  # the status quo + 9 = 10 alternatives × 288 = 2 880 cells
BIG_CELLS = (BIG_ALTERNATIVES + 1) * 288
COLUMNS = ["row", "generator", "rps", "p50_ms", "p99_ms", "cpu_ms_per_req", "cpu_x_floor"]
COLUMNS += ["cpu_ms_beyond_304", "non_2xx"]


def _load(
    server: Server,
    path: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    *,
    generator: str,
    duration: float,
) -> dict[str, Any]:
    """One measured run; the server's CPU seconds are read around it."""
    cpu_before = server.cpu_seconds()
    if generator == "wrk":
        figures = wrk_get(
            server.base + path, headers, clients=args.clients, duration=duration, threads=1
        )
    else:
        result = closed_loop(
            server.port,
            headers,
            clients=args.clients,
            warmup=0.0,
            duration=duration,
            step=get_step(path),
        )
        figures = result.summary()
        figures["non_2xx_3xx"] = sum(
            n for status, n in result.statuses.items() if not 200 <= status < 400
        )
    cpu = server.cpu_seconds() - cpu_before
    figures["non_2xx"] = figures.pop("non_2xx_3xx", 0)
    figures["cpu_ms_per_req"] = round(cpu * 1000 / max(1, figures["requests"]), 3)
    figures["server_cpu_utilisation"] = round(cpu / max(1e-9, figures["seconds"]), 2)
    return figures


def _check_body(server: Server, path: str, headers: dict[str, str]) -> tuple[bytes, str]:
    response = httpx.get(
        server.base + path, headers=headers | {"Accept-Encoding": "identity"}, timeout=30
    )
    response.raise_for_status()
    body, etag = response.json(), response.headers["ETag"]
    cells = len(body["cells"])
    if cells != 864 or body["matrix_size"] != 864:
        raise RuntimeError(f"expected a full 864-cell matrix, got {cells}/{body['matrix_size']}")
    return response.content, str(etag)


def _after_writes(
    server: Server,
    headers: dict[str, str],
    path: str,
    read_path: str,
    keys: list[tuple[str, str, str, str]],
    *,
    duration: float,
    label: str,
) -> dict[str, Any]:
    """One client: a single-cell PATCH, then `read_path`; the CPU of each read alone from the
    server threads' schedstat around it (nothing else runs on the server meanwhile)."""
    rng, etag = random.Random(11), {"v": ""}
    read_ms: list[float] = []
    read_cpu_ns: list[int] = []
    statuses: dict[int, int] = {}

    async def step(conn: Conn, _index: int) -> int:
        if not etag["v"]:
            _, hdrs, _ = await conn.request("GET", path)
            etag["v"] = hdrs["etag"]
        body = json.dumps({"cells": [one_cell(rng, *rng.choice(keys))]}).encode()
        status, hdrs, _ = await conn.request(
            "PATCH", path + "/cells", body, headers={"If-Match": etag["v"]}
        )
        etag["v"] = hdrs.get("etag", "") if status == 200 else ""
        statuses[status] = statuses.get(status, 0) + 1
        cpu_before, started = server.thread_cpu_ns(), time.perf_counter()
        status, _, _ = await conn.request("GET", read_path)
        read_ms.append((time.perf_counter() - started) * 1000)
        read_cpu_ns.append(server.cpu_ns_since(cpu_before))
        return status

    result = closed_loop(server.port, headers, clients=1, warmup=0.0, duration=duration, step=step)
    reads = max(1, len(read_cpu_ns))
    latency = latency_stats(read_ms)
    return {
        "row": label,
        "generator": "python-asyncio, 1 client, PATCH then GET",
        "requests": len(read_cpu_ns),
        "rps": None,
        "p50_ms": latency["p50_ms"],
        "p99_ms": latency["p99_ms"],
        "cpu_ms_per_req": round(sum(read_cpu_ns) / reads / 1e6, 3),
        "cpu_ms_p50": round(statistics.median(read_cpu_ns or [0]) / 1e6, 3),
        "non_2xx": sum(n for s, n in result.statuses.items() if not 200 <= s < 300)
        + sum(n for s, n in statuses.items() if s != 200),
        "read_statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "write_statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _summary_bytes(server: Server, path: str, headers: dict[str, str], cells: int) -> bytes:
    response = httpx.get(server.base + path, headers=headers, timeout=30)
    response.raise_for_status()
    if response.json()["total"]["total"] != cells:
        raise RuntimeError(f"expected a {cells}-cell summary, got {response.json()['total']}")
    return response.content


@dataclass
class Drafts:
    """The two assessed drafts: 864 cells (the budgets' size) and 2 880."""

    path: str
    keys: list[tuple[str, str, str, str]]
    big_path: str
    big_keys: list[tuple[str, str, str, str]]


def _drafts() -> tuple[Any, Drafts]:
    world = build_world()
    draft_id, alternatives = assessed_draft(world)
    big_id, big_alternatives = assessed_draft(
        world, title="Palveluverkkoselvitys", alternatives=BIG_ALTERNATIVES
    )
    return world, Drafts(
        f"/api/v1/drafts/{draft_id}/assessment",
        matrix_keys(alternatives),
        f"/api/v1/drafts/{big_id}/assessment",
        matrix_keys(big_alternatives),
    )


def _measured_rows(
    server: Server, world: Any, d: Drafts, args: argparse.Namespace, generator: str
) -> list[dict[str, Any]]:
    """Every row of the real app, in the order of the table."""
    headers, big = world.headers, len(d.big_keys)

    def load(
        label: str, path: str, extra: dict[str, str] | None = None, ref: bool = False
    ) -> dict[str, Any]:
        duration = args.ref_duration if ref else args.duration
        figures = _load(
            server, path, headers | (extra or {}), args, generator=generator, duration=duration
        )
        return {"row": label} | figures

    after = args.duration
    rows = [
        load("assessment 864 cells, cache hit", d.path),
        _after_writes(
            server,
            headers,
            d.path,
            d.path,
            d.keys,
            duration=after,
            label="assessment 864 cells, right after a write",
        ),
        load(
            "assessment 864 cells, cache hit, gzip", d.path, {"Accept-Encoding": "gzip"}, ref=True
        ),
        load("summary 864 cells, cached", d.path + "/summary", ref=True),
        load(f"summary {big} cells, cached", d.big_path + "/summary", ref=True),
        _after_writes(
            server,
            headers,
            d.path,
            d.path + "/summary",
            d.keys,
            duration=after / 2,
            label="summary 864 cells, right after a write",
        ),
        _after_writes(
            server,
            headers,
            d.big_path,
            d.big_path + "/summary",
            d.big_keys,
            duration=after / 2,
            label=f"summary {big} cells, right after a write",
        ),
        _after_writes(
            server,
            headers,
            d.big_path,
            d.big_path,
            d.big_keys,
            duration=after / 2,
            label=f"assessment {big} cells, right after a write",
        ),
    ]
    if not args.no_reference:
        etag = httpx.get(server.base + d.path, headers=headers, timeout=30).headers["ETag"]
        rows.append(
            load("assessment 304 (If-None-Match)", d.path, {"If-None-Match": etag}, ref=True)
        )
        rows.append(load("/api/v1/me (auth only)", "/api/v1/me", ref=True))
        figures = _load(
            server, "/healthz", {}, args, generator=generator, duration=args.ref_duration
        )
        rows.append({"row": "/healthz (no auth, no DB)"} | figures)
    return rows


def _floor_rows(
    scratch: Scratch, bodies: dict[str, bytes], args: argparse.Namespace, generator: str
) -> dict[str, dict[str, Any]]:
    """The floor answering each body from memory; the matrix's is the reference floor."""
    found = {}
    with serve_floor(scratch, bodies) as floor:
        for name in bodies:
            path = f"/floor/body/{name}"
            _load(floor, path, {}, args, generator=generator, duration=args.warmup)
            duration = args.duration if name == "matrix" else args.ref_duration
            figures = _load(floor, path, {}, args, generator=generator, duration=duration)
            found[name] = {"row": f"floor: the {name} bytes from memory"} | figures
        found["memory"] = floor.memory_mb()
    return found


def run(scratch: Scratch, args: argparse.Namespace) -> dict[str, Any]:
    load_before = warn_if_busy()
    world, d = _drafts()
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if wrk_available() else "python"
    profile = Path(args.profile) if args.profile else None
    with serve(scratch, profile=profile) as server:
        body, _ = _check_body(server, d.path, world.headers)
        bodies = {
            "matrix": body,
            "summary": _summary_bytes(server, d.path + "/summary", world.headers, len(d.keys)),
            "summary_big": _summary_bytes(
                server, d.big_path + "/summary", world.headers, len(d.big_keys)
            ),
        }
        # Warm-up: first renders, template parse, connection pool, code paths.
        _load(server, d.path, world.headers, args, generator=generator, duration=args.warmup)
        memory = {"after warm-up": server.memory_mb()}
        rows = _measured_rows(server, world, d, args, generator)
        memory["at the end"] = server.memory_mb()
        locked = server.log_count("database is locked")
    floors = _floor_rows(scratch, bodies, args, generator)
    memory["floor app"] = floors.pop("memory")
    return _results(scratch, generator, load_before, rows, floors, memory, body, args) | {
        "database_locked_in_log": locked
    }


def _results(
    scratch: Scratch,
    generator: str,
    load_before: float,
    rows: list[dict[str, Any]],
    floors: dict[str, dict[str, Any]],
    memory: dict[str, dict[str, float]],
    body: bytes,
    args: argparse.Namespace,
) -> dict[str, Any]:
    floor_ms = floors["matrix"]["cpu_ms_per_req"]
    base_ms = next(
        (r["cpu_ms_per_req"] for r in rows if r["row"].startswith("assessment 304")), None
    )
    rows.insert(2, floors["matrix"])
    for row in [*rows, floors["summary"], floors["summary_big"]]:
        floor = floor_ms
        if row["row"].startswith("summary"):  # against the same summary bytes from memory
            floor = floors["summary" if " 864 " in row["row"] else "summary_big"]["cpu_ms_per_req"]
            row["floor_cpu_ms"] = floor
        row["cpu_x_floor"] = ratio(row["cpu_ms_per_req"], floor)
        if base_ms is not None and not row["row"].startswith(("floor", "/healthz")):
            row["cpu_ms_beyond_304"] = round(row["cpu_ms_per_req"] - base_ms, 3)
    rows += [floors["summary"], floors["summary_big"]]
    by_label = {r["row"]: r for r in rows}
    cached, after = rows[0], rows[1]
    summary = by_label["summary 864 cells, cached"]
    summary_after = by_label["summary 864 cells, right after a write"]
    big = next(
        r
        for r in rows
        if r["row"].startswith("summary") and "cached" in r["row"] and r is not summary
    )
    cells_growth = BIG_CELLS / 864
    budgets = [
        budget("read_rps_per_worker", cached["rps"], BUDGET_RPS, higher_is_better=True),
        budget("read_p99_ms", cached["p99_ms"], BUDGET_P99_MS, higher_is_better=False),
        budget(
            "cached_read_x_floor", cached["cpu_x_floor"], BUDGET_CACHED_X, higher_is_better=False
        ),
        budget(
            "read_after_write_x_floor",
            after["cpu_x_floor"],
            BUDGET_AFTER_WRITE_X,
            higher_is_better=False,
        ),
        budget(
            "summary_cpu_ms", summary["cpu_ms_per_req"], BUDGET_SUMMARY_MS, higher_is_better=False
        ),
        budget(
            "summary_after_write_cpu_ms",
            summary_after["cpu_ms_per_req"],
            BUDGET_SUMMARY_MS,
            higher_is_better=False,
        ),
        budget(
            "summary_cpu_growth_2880_vs_864",
            big["cpu_ms_per_req"] / max(1e-9, summary["cpu_ms_per_req"]),
            round(cells_growth, 2),
            higher_is_better=False,
        ),
        budget(
            "rss_mb_after_warmup",
            memory["after warm-up"]["rss_mb"],
            BUDGET_RSS_MB,
            higher_is_better=False,
        ),
        budget(
            "rss_mb_at_end", memory["at the end"]["rss_mb"], BUDGET_RSS_MB, higher_is_better=False
        ),
    ]
    return {
        "environment": environment(scratch, generator, load_before),
        "matrix": {"alternatives": 3, "areas": 12, "groups": 8, "genders": 3, "cells": 864},
        "body_bytes": len(body),
        "clients": args.clients,
        "duration_s": args.duration,
        "memory_mb": memory,
        "rows": rows,
        "_budgets": budgets,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the scenario, print a table, write JSON; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--ref-duration", type=float, default=5.0, help="per reference row")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-reference", action="store_true", help="only the budgeted row")
    parser.add_argument("--profile", help="run the server under py-spy, write samples here")
    parser.add_argument("--quick", action="store_true", help="short run (3 s, 1 s warm-up)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.ref_duration = 3.0, 1.0, 2.0
    with scratch_database(args.database_url) as scratch:
        data = run(scratch, args)
    budgets = data.pop("_budgets")
    print_table(
        f"{NAME}: {args.clients} clients, one worker, {data['environment']['database']}, "
        f"load generator {data['environment']['load_generator']}",
        data["rows"],
        COLUMNS,
    )
    for moment, figures in data["memory_mb"].items():
        print(f"  memory {moment}: RSS {figures['rss_mb']} MB, peak {figures['hwm_mb']} MB")
    print_budgets(budgets)
    path = write_results(results_name(NAME, args.database_url), data, budgets)
    print(f"  → {path}")
    return 0 if all(b["met"] for b in budgets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
