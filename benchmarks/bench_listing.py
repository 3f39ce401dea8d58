"""Draft listing and search as data grows: 1 000 vs 100 000 drafts in one organisation.

    .venv/bin/python -m benchmarks.bench_listing
    .venv/bin/python -m benchmarks.bench_listing --quick          # 1 000 vs 20 000
    .venv/bin/python -m benchmarks.bench_listing --sizes 1000,100000,300000

For each size a fresh scratch database gets that many drafts (with their status-quo
alternative and first revision, as the service writes them) inserted with SQLAlchemy
core executemany in batches; then one keep-alive client (Python asyncio) requests, for
`--duration` seconds each:

- `first page`:      GET /api/v1/drafts?limit=25
- `status filter`:   …&status=in_review   (4 % of the drafts)
- `q common`:        …&q=koulu            (~10 % of the titles)
- `q rare`:          …&q=tekonurmi        (0.1 % of the titles, spread over the years)

The server's resident memory (VmRSS, and its peak VmHWM) is read after each size's
queries; budget (issue 11): ≤ 120 MB after the largest.

Budget (DESIGN.md): the largest size no more than 1.5× slower (median) than the
smallest, per query type. Each query also reports the server's CPU ms per request and its
ratio to the floor: the same page's bytes answered from memory by a bare FastAPI app on the
same uvicorn (benchmarks/_floor.py), same client, same run. Results: results/listing.json.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from benchmarks._common import (
    Scratch,
    Server,
    budget,
    environment,
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
from benchmarks._load import Conn, closed_loop, get_step
from benchmarks._world import build_world

NAME = "listing"
BUDGET_RATIO = 1.5
BUDGET_RSS_MB = 120.0
QUERIES = {
    "first page": "/api/v1/drafts?limit=25",
    "status filter": "/api/v1/drafts?limit=25&status=in_review",
    "q common": "/api/v1/drafts?limit=25&q=koulu",
    "q rare": "/api/v1/drafts?limit=25&q=tekonurmi",
}
STATUSES = {
    "decided": 60,
    "attached": 8,
    "annex_issued": 4,
    "approved": 4,
    "in_review": 4,
    "changes_requested": 2,
    "assessment": 8,
    "screening": 5,
    "draft": 5,
}
SUBJECTS = [
    "Kirjaston aukioloaikojen muuttaminen",
    "Uimahallin peruskorjaus",
    "Joukkoliikenteen vyöhykemaksut",
    "Vanhusten palvelutalon rakentaminen",
    "Nuorisotilan siirtäminen",
    "Katuvalaistuksen uusiminen LED-valaisimiin",
    "Päivähoitomaksujen tarkistaminen",
    "Liikuntapaikkojen vuorojakoperusteet",
    "Kaavoitusohjelma 2027–2030",
    "Hyvinvointikertomus ja -suunnitelma",
]
BODIES = ["Kaupunginhallitus", "Sivistyslautakunta", "Tekninen lautakunta", "Valtuusto"]


def _title(rng: random.Random, i: int) -> str:
    if i % 1000 == 500:
        return f"Tekonurmen rakentaminen {i}"  # 'tekonurmi' in 0.1 % of the drafts
    if rng.random() < 0.1:
        return f"Koulukuljetusten järjestäminen, alue {i % 97}"
    return f"{rng.choice(SUBJECTS)} ({i})"


def populate(organisation_id: str, count: int, *, batch: int = 5000, seed: int = 1) -> float:
    """`count` drafts, oldest first, each with its status-quo alternative and revision 1."""
    from sqlalchemy import insert

    import app.models  # noqa: F401  (every table on the metadata)
    from app.core.db import get_engine, metadata
    from app.core.models import new_id

    rng = random.Random(seed)
    statuses = list(STATUSES)
    weights = list(STATUSES.values())
    start = datetime.now(UTC) - timedelta(days=5 * 365)
    step = timedelta(days=5 * 365) / max(1, count)
    began = datetime.now(UTC)
    engine = get_engine()
    for offset in range(0, count, batch):
        drafts, alternatives, revisions = [], [], []
        for i in range(offset, min(count, offset + batch)):
            draft_id, created = new_id(), start + step * i
            title = _title(rng, i)
            proposal = f"{rng.choice(BODIES)} päättää asiasta: {title.lower()}."
            content = {"title": title, "proposal": proposal, "alternatives": ["status_quo"]}
            digest = hashlib.sha256(repr(content).encode()).hexdigest()
            drafts.append(
                {
                    "id": draft_id,
                    "organisation_id": organisation_id,
                    "status": rng.choices(statuses, weights)[0],
                    "title": title,
                    "proposal": proposal,
                    "background": "",
                    "decision_body": rng.choice(BODIES),
                    "decision_type": "policy",
                    "meeting_date": date(2022, 1, 1) + timedelta(days=i % 1800),
                    "languages": ["fi"],
                    "presenting_official": "",
                    "content_hash": digest,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                    "updated_by": "Benchmark",
                }
            )
            alternatives.append(
                {
                    "id": new_id(),
                    "draft_id": draft_id,
                    "key": "status_quo",
                    "name": "Nykytila",
                    "description": "",
                    "is_status_quo": True,
                    "position": 0,
                }
            )
            revisions.append(
                {
                    "id": new_id(),
                    "draft_id": draft_id,
                    "version": 1,
                    "content": content,
                    "content_hash": digest,
                    "created_at": created,
                    "created_by": "Benchmark",
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(metadata.tables["decision_draft"]), drafts)
            conn.execute(insert(metadata.tables["draft_alternative"]), alternatives)
            conn.execute(insert(metadata.tables["draft_revision"]), revisions)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE decision_draft")
        conn.commit()
    return (datetime.now(UTC) - began).total_seconds()


def _body_name(label: str) -> str:
    return label.replace(" ", "_").replace("=", "")


def _timed(
    server: Server, headers: dict[str, str], path: str, args: argparse.Namespace
) -> dict[str, Any]:
    """One client for the warm-up and the duration; CPU ms per request over both."""
    inner, steps = get_step(path), {"n": 0}

    async def step(conn: Conn, index: int) -> int:
        steps["n"] += 1
        return await inner(conn, index)

    cpu_before = server.cpu_seconds()
    result = closed_loop(
        server.port, headers, clients=1, warmup=args.warmup, duration=args.duration, step=step
    )
    cpu = server.cpu_seconds() - cpu_before
    return result.summary() | {"cpu_ms_per_req": round(cpu * 1000 / max(1, steps["n"]), 3)}


def measure_size(
    base_url: str | None, size: int, args: argparse.Namespace
) -> tuple[Scratch, dict[str, Any]]:
    with scratch_database(base_url) as scratch:
        world = build_world(matrix_template=False)
        seconds = populate(world.organisation_id, size)
        print(f"  {size} drafts inserted in {seconds:.1f} s")
        rows: dict[str, Any] = {}
        bodies: dict[str, bytes] = {}
        with serve(scratch) as server:
            for label, path in QUERIES.items():
                bodies[_body_name(label)] = httpx.get(
                    server.base + path, headers=world.headers, timeout=30
                ).content
                rows[label] = _timed(server, world.headers, path, args)
            memory = server.memory_mb()
        # the floor: each page's bytes from memory on a bare app, same client, same run
        with serve_floor(scratch, bodies) as floor:
            for label in QUERIES:
                figures = _timed(floor, {}, f"/floor/body/{_body_name(label)}", args)
                rows[label]["floor_cpu_ms_per_req"] = figures["cpu_ms_per_req"]
                rows[label]["cpu_x_floor"] = ratio(
                    rows[label]["cpu_ms_per_req"], figures["cpu_ms_per_req"]
                )
        return scratch, {
            "drafts": size,
            "insert_seconds": round(seconds, 1),
            "queries": rows,
            "server_memory_mb_after": memory,
        }


def main(argv: list[str] | None = None) -> int:
    """Run the scenario, print a table, write JSON; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated draft counts")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per query type")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--quick", action="store_true", help="1 000 vs 20 000, 1.5 s each")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.duration, args.warmup = "1000,20000", 1.5, 0.5
    sizes = sorted(int(s) for s in args.sizes.split(","))
    load_before = warn_if_busy()
    results = []
    scratch = None
    for size in sizes:
        scratch, figures = measure_size(args.database_url, size, args)
        results.append(figures)
    assert scratch is not None
    small, large = results[0], results[-1]
    table, budgets = [], []
    for label in QUERIES:
        row: dict[str, Any] = {"query": label}
        for r in results:
            q = r["queries"][label]
            row[f"{r['drafts']} p50"] = q["p50_ms"]
            row[f"{r['drafts']} p99"] = q["p99_ms"]
            row[f"{r['drafts']} cpu_ms"] = q["cpu_ms_per_req"]
            row[f"{r['drafts']} cpu_x_floor"] = q["cpu_x_floor"]
        growth = large["queries"][label]["p50_ms"] / small["queries"][label]["p50_ms"]
        row["ratio p50"] = round(growth, 2)
        table.append(row)
        name = f"{label.replace(' ', '_')}_{large['drafts']}_vs_{small['drafts']}"
        budgets.append(budget(name, growth, BUDGET_RATIO, higher_is_better=False))
    columns = ["query"] + [
        f"{r['drafts']} {p}" for r in results for p in ("p50", "p99", "cpu_ms", "cpu_x_floor")
    ]
    print_table(
        f"{NAME}: GET /api/v1/drafts, one client, milliseconds, {scratch.backend}",
        table,
        [*columns, "ratio p50"],
    )
    for r in results:
        memory = r["server_memory_mb_after"]
        print(
            f"  server after {r['drafts']}: RSS {memory['rss_mb']} MB, peak {memory['hwm_mb']} MB"
        )
    budgets.append(
        budget(
            f"server_rss_mb_after_{large['drafts']}",
            large["server_memory_mb_after"]["rss_mb"],
            BUDGET_RSS_MB,
            higher_is_better=False,
        )
    )
    print_budgets(budgets)
    data = {
        "environment": environment(scratch, "python-asyncio (1 client)", load_before),
        "queries": QUERIES,
        "sizes": results,
        "table": table,
    }
    path = write_results(results_name(NAME, args.database_url), data, budgets)
    print(f"  → {path}")
    return 0 if all(b["met"] for b in budgets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
