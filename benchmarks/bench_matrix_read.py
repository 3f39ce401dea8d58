"""Authenticated read of a full assessment: 3 alternatives × 12 areas × 8 groups × 3 genders.

    .venv/bin/python -m benchmarks.bench_matrix_read            # ~10 s per row after warm-up
    .venv/bin/python -m benchmarks.bench_matrix_read --quick
    .venv/bin/python -m benchmarks.bench_matrix_read --profile /tmp/read.svg   # py-spy

`GET /api/v1/drafts/{id}/assessment` with a bearer token, 8 concurrent keep-alive clients,
against one uvicorn worker. Budget (DESIGN.md): ≥ 800 req/s per worker, p99 ≤ 20 ms.

Rows, each with the server's CPU ms per request (from /proc) and its ratio to the floor:
- `cache hit`: the same version read again and again (the body cache answers);
- `after a write (cache miss)`: one client alternates a single-cell PATCH and the read; the
  read's CPU is the pairs' CPU minus that of a write-only run of the same length, measured
  right after (so it is an estimate: it says so in the row);
- `floor`: a bare FastAPI app on the same uvicorn answering the same bytes from memory
  (benchmarks/_floor.py), measured in the same run;
- references: the same read answered 304, `/api/v1/me` (auth only), `/healthz`.
Results: results/matrix_read.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
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
COLUMNS = ["row", "generator", "rps", "p50_ms", "p99_ms", "cpu_ms_per_req", "cpu_x_floor"]
COLUMNS += ["non_2xx"]


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


def _writes(
    server: Server,
    headers: dict[str, str],
    path: str,
    keys: list[tuple[str, str, str, str]],
    *,
    duration: float,
    then_read: bool,
) -> dict[str, Any]:
    """One client: single-cell PATCHes back to back, each followed by the read if asked."""
    rng, etag = random.Random(11), {"v": ""}
    read_ms: list[float] = []

    async def step(conn: Conn, _index: int) -> int:
        if not etag["v"]:
            _, hdrs, _ = await conn.request("GET", path)
            etag["v"] = hdrs["etag"]
        body = json.dumps({"cells": [one_cell(rng, *rng.choice(keys))]}).encode()
        status, hdrs, _ = await conn.request(
            "PATCH", path + "/cells", body, headers={"If-Match": etag["v"]}
        )
        etag["v"] = hdrs.get("etag", "") if status == 200 else ""
        if then_read:
            started = time.perf_counter()
            status, _, _ = await conn.request("GET", path)
            read_ms.append((time.perf_counter() - started) * 1000)
        return status

    cpu_before = server.cpu_seconds()
    result = closed_loop(server.port, headers, clients=1, warmup=0.0, duration=duration, step=step)
    cpu = server.cpu_seconds() - cpu_before
    return {
        "rounds": result.requests,
        "cpu_ms_per_round": round(cpu * 1000 / max(1, result.requests), 3),
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "read_latency": latency_stats(read_ms),
    }


def _after_write_row(
    server: Server,
    headers: dict[str, str],
    path: str,
    keys: list[tuple[str, str, str, str]],
    duration: float,
) -> dict[str, Any]:
    """The read right after a write: (write + read) CPU minus write-only CPU, per round."""
    _writes(server, headers, path, keys, duration=1.0, then_read=True)  # warm-up
    pairs = _writes(server, headers, path, keys, duration=duration, then_read=True)
    writes = _writes(server, headers, path, keys, duration=duration, then_read=False)
    read_cpu = pairs["cpu_ms_per_round"] - writes["cpu_ms_per_round"]
    return {
        "row": "after a write (cache miss), estimated",
        "generator": "python-asyncio, 1 client",
        "requests": pairs["rounds"],
        "rps": None,
        "p50_ms": pairs["read_latency"]["p50_ms"],
        "p99_ms": pairs["read_latency"]["p99_ms"],
        "cpu_ms_per_req": round(read_cpu, 3),
        "non_2xx": sum(n for s, n in pairs["statuses"].items() if not s.startswith("2")),
        "pairs": pairs,
        "writes_only": writes,
    }


def run(scratch: Scratch, args: argparse.Namespace) -> dict[str, Any]:
    load_before = warn_if_busy()
    world = build_world()
    draft_id, alternatives = assessed_draft(world)
    path = f"/api/v1/drafts/{draft_id}/assessment"
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if wrk_available() else "python"
    profile = Path(args.profile) if args.profile else None
    with serve(scratch, profile=profile) as server:
        body, etag = _check_body(server, path, world.headers)
        # Warm-up: first renders, template parse, connection pool, code paths.
        _load(server, path, world.headers, args, generator=generator, duration=args.warmup)
        rows = [
            {"row": "assessment 864 cells, cache hit"}
            | _load(server, path, world.headers, args, generator=generator, duration=args.duration)
        ]
        keys = matrix_keys(alternatives)
        rows.append(_after_write_row(server, world.headers, path, keys, args.duration))
        if not args.no_reference:
            reference = [
                ("assessment 304 (If-None-Match)", path, world.headers | {"If-None-Match": etag}),
                ("/api/v1/me (auth only)", "/api/v1/me", world.headers),
                ("/healthz (no auth, no DB)", "/healthz", {}),
            ]
            for label, ref_path, headers in reference:
                figures = _load(
                    server, ref_path, headers, args, generator=generator, duration=args.ref_duration
                )
                rows.append({"row": label} | figures)
        locked = server.log_count("database is locked")
    with serve_floor(scratch, {"matrix": body}) as floor:
        floor_path = "/floor/body/matrix"
        _load(floor, floor_path, {}, args, generator=generator, duration=args.warmup)
        floor_row = {"row": "floor: the same bytes from memory"} | _load(
            floor, floor_path, {}, args, generator=generator, duration=args.duration
        )
    rows.insert(2, floor_row)
    for row in rows:
        row["cpu_x_floor"] = ratio(row["cpu_ms_per_req"], floor_row["cpu_ms_per_req"])
    main_row = rows[0]
    budgets = [
        budget("read_rps_per_worker", main_row["rps"], BUDGET_RPS, higher_is_better=True),
        budget("read_p99_ms", main_row["p99_ms"], BUDGET_P99_MS, higher_is_better=False),
    ]
    return {
        "environment": environment(scratch, generator, load_before),
        "matrix": {"alternatives": 3, "areas": 12, "groups": 8, "genders": 3, "cells": 864},
        "body_bytes": len(body),
        "clients": args.clients,
        "duration_s": args.duration,
        "database_locked_in_log": locked,
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
    print_budgets(budgets)
    path = write_results(NAME, data, budgets)
    print(f"  → {path}")
    return 0 if all(b["met"] for b in budgets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
