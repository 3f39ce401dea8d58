"""Cell writes: single-cell PATCHes by 32 concurrent writers, and a 288-cell bulk write.

    .venv/bin/python -m benchmarks.bench_cell_writes
    .venv/bin/python -m benchmarks.bench_cell_writes --quick
    .venv/bin/python -m benchmarks.bench_cell_writes --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m benchmarks.bench_cell_writes --workers 2 --database-url …  (2 vs 1 worker)

    .venv/bin/python -m benchmarks.bench_cell_writes --organisations 8   (writers spread, default)

Each writer sends `PATCH /api/v1/drafts/{id}/assessment/cells` with If-Match and one
cell, takes the new ETag from the answer, and on 412 re-reads the assessment for the
current ETag before writing again (each writer's first ETag is read before the phase, outside
its time and CPU figures). `--workers N` runs the server and the floor with N worker
processes (their CPU summed; results/cell_writes_N_workers.json). Phases with 32 writers each:

- `own`: every writer scores its own draft's matrix (no version conflicts), the writers
  spread over `--organisations K` organisations (writer i in organisation i mod K, each
  with its own person and token): the write throughput the budget is about (≥ 500
  writes/s, DESIGN.md), and what a second worker or app server can add to, since each
  organisation's audit chain is its own;
- `own_one_org`: the same, all 32 drafts in one organisation: every write waits on that
  organisation's audit chain head (by design: one chain per organisation), so this row
  shows the one-tenant ceiling, which more workers cannot lift;
- `shared`: all 32 write one draft's matrix: most attempts lose the If-Match race (412);
- `floor`: the same 32 writers against a bare FastAPI app on the same uvicorn whose PATCH
  does one INSERT and a commit in the same database (benchmarks/_floor.py).

Every phase reports the server's CPU ms per attempt (from /proc, warm-up included in both
the CPU and the count) and its ratio to the floor's, both from the same run.

The matrices start full (864 cells, `--prefill full`) or empty (`--prefill empty`); a
write answers with the whole matrix, so the fill matters. Then one client writes an
alternative's 288 cells in one request `--bulk-rounds` times (median latency). Any 5xx
and every "database is locked" in the server log is counted; both must be zero.
Python asyncio load generator (wrk cannot follow ETags). Results: results/cell_writes.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
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
from benchmarks._load import Conn, closed_loop
from benchmarks._world import World, assessed_draft, build_world, matrix_keys
from benchmarks._world import one_cell as make_cell

NAME = "cell_writes"
BUDGET_WRITES_PER_S = 500.0
COLUMNS = [
    "phase",
    "writers",
    "organisations",
    "drafts",
    "writes_per_s",
    "x_floor",
    "p50_ms",
    "p99_ms",
]
COLUMNS += ["cpu_ms_per_attempt", "cpu_x_floor", "http_412"]
COLUMNS += ["rereads", "http_5xx", "db_locked", "errors"]


def _keys(alternatives: list[str]) -> list[tuple[str, str, str, str]]:
    return matrix_keys(alternatives)


def _phase(
    server: Server,
    writers_of: list[tuple[dict[str, str], str]],
    keys: list[tuple[str, str, str, str]],
    *,
    writers: int,
    warmup: float,
    duration: float,
) -> dict[str, Any]:
    """`writers` clients, writer i as writers_of[i % n] (its headers and draft), for
    `duration` seconds."""
    drafts = [draft for _, draft in writers_of]
    auth = [headers for headers, _ in writers_of]
    etags: dict[int, str] = {}
    counters = {"http_412": 0, "rereads": 0, "steps": 0}
    rngs = [random.Random(i) for i in range(writers)]

    async def reread(conn: Conn, path: str, index: int) -> None:
        status, hdrs, _ = await conn.request("GET", path, headers=auth[index % len(auth)])
        counters["rereads"] += 1
        if status == 200:
            etags[index] = hdrs["etag"]

    async def step(conn: Conn, index: int) -> int:
        counters["steps"] += 1
        path = f"/api/v1/drafts/{drafts[index % len(drafts)]}/assessment"
        if index not in etags:
            await reread(conn, path, index)
        rng = rngs[index]
        cell = make_cell(rng, *rng.choice(keys))
        body = json.dumps({"cells": [cell]}).encode()
        status, hdrs, _ = await conn.request(
            "PATCH",
            path + "/cells",
            body,
            headers=auth[index % len(auth)] | {"If-Match": etags[index]},
        )
        if status == 200:
            etags[index] = hdrs["etag"]
        elif status == 412:
            counters["http_412"] += 1
            await reread(conn, path, index)
        return status

    # Every writer's first ETag is read before the clock and the CPU count start: a full
    # matrix read is not a write, and 32 of them would weigh heavily on a short run.
    for index in range(writers):
        path = f"/api/v1/drafts/{drafts[index % len(drafts)]}/assessment"
        answer = httpx.get(server.base + path, headers=auth[index % len(auth)], timeout=60)
        answer.raise_for_status()
        etags[index] = answer.headers["etag"]
    locked_before = server.log_count("database is locked")
    cpu_before = server.cpu_seconds()
    result = closed_loop(
        server.port, {}, clients=writers, warmup=warmup, duration=duration, step=step
    )
    cpu = server.cpu_seconds() - cpu_before
    successes = result.statuses.get(200, 0)
    return {
        "writers": writers,
        "organisations": len({h["Authorization"] for h in auth}),
        "drafts": len(set(drafts)),
        "attempts": result.requests,
        "writes": successes,
        "writes_per_s": round(successes / duration, 1),
        "attempts_per_s": round(result.requests / duration, 1),
        "cpu_ms_per_attempt": round(cpu * 1000 / max(1, counters["steps"]), 3),
        **latency_stats(result.latencies_ms),
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "http_412": result.statuses.get(412, 0),
        "rereads": counters["rereads"],
        "http_5xx": sum(n for s, n in result.statuses.items() if s >= 500),
        "db_locked": server.log_count("database is locked") - locked_before,
        "errors": result.errors,
    }


def _floor_phase(
    scratch: Scratch,
    headers: dict[str, str],
    *,
    writers: int,
    warmup: float,
    duration: float,
    workers: int = 1,
) -> dict[str, Any]:
    """The same writers against the floor: one INSERT and a commit per PATCH."""
    steps = {"n": 0}

    async def step(conn: Conn, _index: int) -> int:
        steps["n"] += 1
        status, _, _ = await conn.request("PATCH", "/floor/cell", b"{}")
        return status

    with serve_floor(scratch, workers=workers) as floor:
        cpu_before = floor.cpu_seconds()
        result = closed_loop(
            floor.port, headers, clients=writers, warmup=warmup, duration=duration, step=step
        )
        cpu = floor.cpu_seconds() - cpu_before
        locked = floor.log_count("database is locked")
    successes = result.statuses.get(200, 0)
    return {
        "phase": "floor: INSERT + commit",
        "writers": writers,
        "organisations": 0,
        "drafts": 0,
        "attempts": result.requests,
        "writes": successes,
        "writes_per_s": round(successes / duration, 1),
        "cpu_ms_per_attempt": round(cpu * 1000 / max(1, steps["n"]), 3),
        **latency_stats(result.latencies_ms),
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "http_412": 0,
        "http_5xx": sum(n for s, n in result.statuses.items() if s >= 500),
        "db_locked": locked,
        "errors": result.errors,
    }


def _bulk(server: Server, headers: dict[str, str], draft_id: str, rounds: int) -> dict[str, Any]:
    """One client writing all 288 cells of one alternative per request, `rounds` times."""
    path = f"/api/v1/drafts/{draft_id}/assessment"
    samples: list[float] = []
    statuses: dict[int, int] = {}

    async def step(conn: Conn, index: int) -> int:
        _, hdrs, _ = await conn.request("GET", path)
        etag = hdrs["etag"]
        rng = random.Random(index)
        for _ in range(rounds + 1):
            cells = [make_cell(rng, *key) for key in _keys(["reform"])]
            body = json.dumps({"cells": cells}).encode()
            start = time.perf_counter()
            status, hdrs, _ = await conn.request(
                "PATCH", path + "/cells", body, headers={"If-Match": etag}
            )
            samples.append((time.perf_counter() - start) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            etag = hdrs.get("etag", etag)
        return 0

    async def series() -> int:
        """The whole series on one connection: 0, or 1 when it broke off."""
        conn = Conn(server.port, headers)
        try:
            return await step(conn, 0)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return 1
        finally:
            conn.close()

    # (a closed loop of 1 ms ran none of it when the event loop started late on a busy machine)
    errors = asyncio.run(series())
    measured = samples[1:]  # the first write is the warm-up
    if not measured:
        # the series broke off (a connection error): say so rather than lose the whole run
        return {
            "cells_per_request": 288,
            "rounds": 0,
            "median_ms": None,
            "p99_ms": None,
            "errors": errors,
            "statuses": {str(k): v for k, v in statuses.items()},
        }
    return {
        "cells_per_request": 288,
        "rounds": len(measured),
        "median_ms": round(statistics.median(measured), 2),
        **latency_stats(measured),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _own_drafts(worlds: list[World], writers: int, fill: bool) -> list[tuple[dict[str, str], str]]:
    """Writer i's headers and its own draft, in organisation i mod len(worlds)."""
    out = []
    for i in range(writers):
        world = worlds[i % len(worlds)]
        out.append((world.headers, assessed_draft(world, fill=fill, title=f"Writer {i}")[0]))
    return out


def run(scratch: Scratch, args: argparse.Namespace) -> dict[str, Any]:
    load_before = warn_if_busy()
    worlds = [build_world() for _ in range(max(1, args.organisations))]
    world = worlds[0]
    fill = args.prefill == "full"
    spread = _own_drafts(worlds, args.writers, fill)
    one_org = _own_drafts([world], args.writers, fill) if len(worlds) > 1 else spread
    shared, alternatives = assessed_draft(world, fill=fill, title="Shared matrix")
    bulk_draft, _ = assessed_draft(world, fill=fill, title="Bulk writes")
    keys = _keys(alternatives)
    runs: list[tuple[str, list[tuple[dict[str, str], str]]]] = [("own", spread)]
    if len(worlds) > 1:
        runs.append(("own_one_org", one_org))
    runs.append(("shared", [(world.headers, shared)]))
    with serve(scratch, workers=args.workers) as server:
        phases = []
        for name, writers_of in runs:
            figures = _phase(
                server,
                writers_of,
                keys,
                writers=args.writers,
                warmup=args.warmup,
                duration=args.duration,
            )
            phases.append({"phase": name} | figures)
        bulk = _bulk(server, world.headers, bulk_draft, args.bulk_rounds)
        locked_total = server.log_count("database is locked")
    floor = _floor_phase(
        scratch,
        world.headers,
        writers=args.writers,
        warmup=args.warmup,
        duration=args.duration,
        workers=args.workers,
    )
    phases.append(floor)
    for phase in phases:
        phase["x_floor"] = ratio(floor["writes_per_s"], phase["writes_per_s"])
        phase["cpu_x_floor"] = ratio(phase["cpu_ms_per_attempt"], floor["cpu_ms_per_attempt"])
    own_row = phases[0]
    budgets = [
        budget("writes_per_s", own_row["writes_per_s"], BUDGET_WRITES_PER_S, higher_is_better=True),
        budget(
            "database_locked_or_5xx",
            float(locked_total + sum(p["http_5xx"] for p in phases)),
            0.0,
            higher_is_better=False,
        ),
    ]
    return {
        "environment": environment(scratch, "python-asyncio", load_before, workers=args.workers),
        "prefill": args.prefill,
        "organisations": len(worlds),
        "matrix_cells": len(keys),
        "duration_s": args.duration,
        "phases": phases,
        "bulk_288": bulk,
        "database_locked_in_log": locked_total,
        "_budgets": budgets,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the scenario, print a table, write JSON; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, default=1, help="server worker processes (the floor's too)"
    )
    parser.add_argument(
        "--organisations",
        type=int,
        default=8,
        help="organisations the `own` writers are spread over (1: all in one)",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--bulk-rounds", type=int, default=20)
    parser.add_argument("--prefill", choices=["full", "empty"], default="full")
    parser.add_argument("--quick", action="store_true", help="short run (3 s phases, 5 bulk)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.bulk_rounds = 3.0, 1.0, 5
    with scratch_database(args.database_url) as scratch:
        data = run(scratch, args)
    budgets = data.pop("_budgets")
    print_table(
        f"{NAME}: {args.workers} worker(s), {data['environment']['database']}, "
        f"own writers over {data['organisations']} organisation(s), "
        f"matrices start {args.prefill} "
        f"({data['matrix_cells']} cells), load generator python-asyncio",
        data["phases"],
        COLUMNS,
    )
    bulk = data["bulk_288"]
    print(f"  bulk 288 cells/request: median {bulk['median_ms']} ms, p99 {bulk['p99_ms']} ms")
    print_budgets(budgets)
    # results/cell_writes.json is the one-worker run; a multi-worker run has its own file
    name = NAME if args.workers == 1 else f"{NAME}_{args.workers}_workers"
    path = write_results(results_name(name, args.database_url), data, budgets)
    print(f"  → {path}")
    return 0 if all(b["met"] for b in budgets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
