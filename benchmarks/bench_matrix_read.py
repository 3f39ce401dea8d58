"""Authenticated read of a full assessment: 3 alternatives × 12 areas × 8 groups × 3 genders.

    .venv/bin/python -m benchmarks.bench_matrix_read            # ~10 s per row after warm-up
    .venv/bin/python -m benchmarks.bench_matrix_read --quick
    .venv/bin/python -m benchmarks.bench_matrix_read --profile /tmp/read.svg   # py-spy

`GET /api/v1/drafts/{id}/assessment` with a bearer token, 8 concurrent keep-alive clients,
against one uvicorn worker. Budget (DESIGN.md): ≥ 800 req/s per worker, p99 ≤ 20 ms.
Reference rows put the figure in context: `/healthz` (framework only), `/api/v1/me`
(token check and the caller's roles only) and the same read answered 304 (If-None-Match).
The server's CPU time per request comes from /proc. Results: results/matrix_read.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx

from benchmarks._common import (
    Scratch,
    Server,
    budget,
    environment,
    print_budgets,
    print_table,
    scratch_database,
    serve,
    warn_if_busy,
    write_results,
)
from benchmarks._load import closed_loop, get_step, wrk_available, wrk_get
from benchmarks._world import assessed_draft, build_world

NAME = "matrix_read"
BUDGET_RPS = 800.0
BUDGET_P99_MS = 20.0
COLUMNS = ["row", "generator", "rps", "p50_ms", "p90_ms", "p99_ms", "cpu_ms_per_req", "non_2xx"]


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


def _check_body(server: Server, path: str, headers: dict[str, str]) -> tuple[int, str]:
    response = httpx.get(server.base + path, headers=headers, timeout=30)
    response.raise_for_status()
    body, etag = response.json(), response.headers["ETag"]
    cells = len(body["cells"])
    if cells != 864 or body["matrix_size"] != 864:
        raise RuntimeError(f"expected a full 864-cell matrix, got {cells}/{body['matrix_size']}")
    return len(json.dumps(body).encode()), str(etag)


def run(scratch: Scratch, args: argparse.Namespace) -> dict[str, Any]:
    load_before = warn_if_busy()
    world = build_world()
    draft_id, _ = assessed_draft(world)
    path = f"/api/v1/drafts/{draft_id}/assessment"
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if wrk_available() else "python"
    profile = Path(args.profile) if args.profile else None
    with serve(scratch, profile=profile) as server:
        body_bytes, etag = _check_body(server, path, world.headers)
        # Warm-up: first renders, template parse, connection pool, code paths.
        _load(server, path, world.headers, args, generator=generator, duration=args.warmup)
        rows = [
            {"row": "assessment 864 cells"}
            | _load(server, path, world.headers, args, generator=generator, duration=args.duration)
        ]
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
    main_row = rows[0]
    budgets = [
        budget("read_rps_per_worker", main_row["rps"], BUDGET_RPS, higher_is_better=True),
        budget("read_p99_ms", main_row["p99_ms"], BUDGET_P99_MS, higher_is_better=False),
    ]
    return {
        "environment": environment(scratch, generator, load_before),
        "matrix": {"alternatives": 3, "areas": 12, "groups": 8, "genders": 3, "cells": 864},
        "body_bytes": body_bytes,
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
