"""Coverage register and impact ledger for one organisation-year, against a plain SQL floor.

    .venv/bin/python -m benchmarks.bench_reports                  # 100 000 drafts, 10 000 approved
    .venv/bin/python -m benchmarks.bench_reports --quick          # 5 000 drafts, 500 approved
    .venv/bin/python -m benchmarks.bench_reports --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

A fresh scratch database gets `--drafts` drafts in one organisation over ten years (so an
organisation-year holds a tenth of them), a screening for 85 % of them, and for `--approved`
of them an approval snapshot with `--cells` cells of the approved alternative (the rows the
ledger reads), all inserted with SQLAlchemy core executemany. Then, in one warm process,
each report of the middle year is computed `--rounds` times through the reports service (as
the API's route calls it, with a platform operator so nothing is filtered out) and, as the
floor, one plain SQL aggregate over the same rows (drafts × screening grouped by body; cells ×
approvals grouped by group, gender, area and direction). Reported: median wall ms, CPU ms of
this process (SQLite runs inside it; PostgreSQL's own CPU is not counted), and the ratio to
the floor. Budget (DESIGN.md): ≤ 200 ms per organisation-year. Results: results/reports.json.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks._common import (
    budget,
    environment,
    print_budgets,
    print_table,
    scratch_database,
    warn_if_busy,
    write_results,
)
from benchmarks._world import build_world

NAME = "reports"
BUDGET_MS = 200.0
YEARS = 10
FIRST_YEAR = 2017
BODIES = ["Kaupunginhallitus", "Sivistyslautakunta", "Tekninen lautakunta", "Valtuusto"]
GROUPS = ["children_0_6", "children_7_12", "young_people", "working_age", "older_people",
          "people_with_disabilities", "families_with_children", "immigrant_background"]  # fmt: skip
GENDERS = ["all", "female", "male"]
AREAS = [f"area_{n}" for n in range(12)]


def populate(
    organisation_id: str, drafts: int, approved: int, cells: int, *, batch: int = 2000
) -> float:
    """The drafts, screenings, approval snapshots and their cells; seconds taken."""
    from sqlalchemy import insert

    import app.models  # noqa: F401  (every table on the metadata)
    from app.core.db import get_engine, metadata
    from app.core.models import new_id

    rng = random.Random(3)
    began = time.monotonic()
    engine = get_engine()
    tables = metadata.tables
    every = max(1, drafts // max(1, approved))
    start = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    step = timedelta(days=365 * YEARS) / max(1, drafts)
    screening_template = _screening_template_id()
    for offset in range(0, drafts, batch):
        rows: dict[str, list[dict[str, Any]]] = {
            "decision_draft": [],
            "screening": [],
            "report_approval": [],
            "report_cell": [],
        }
        for i in range(offset, min(drafts, offset + batch)):
            draft_id, created = new_id(), start + step * i
            is_approved = i % every == 0 and i // every < approved
            rows["decision_draft"].append(
                {
                    "id": draft_id, "organisation_id": organisation_id,
                    "status": "decided" if is_approved else rng.choice(["draft", "screening"]),
                    "title": f"Päätös {i}", "proposal": "Esitys.", "background": "",
                    "decision_body": rng.choice(BODIES), "decision_type": "policy",
                    "meeting_date": (created + timedelta(days=30)).date(), "languages": ["fi"],
                    "presenting_official": "", "content_hash": "0" * 64, "version": 1,
                    "created_at": created, "updated_at": created, "updated_by": "Benchmark",
                }
            )  # fmt: skip
            if is_approved or rng.random() < 0.85:
                outcome = "full" if is_approved else rng.choice(["light", "not_needed"])
                rows["screening"].append(
                    {
                        "id": new_id(), "draft_id": draft_id, "template_id": screening_template,
                        "answers": {}, "computed_outcome": outcome, "outcome": outcome,
                        "reason": rng.choice(["Merkitään tiedoksi.", "Viranhaku.", "Vaikuttaa."]),
                        "suggested_templates": [], "screened_by": "Benchmark",
                        "screened_at": created,
                    }
                )  # fmt: skip
            if is_approved:
                _approval(rows, rng, new_id, draft_id, organisation_id, created, cells)
        with engine.begin() as conn:
            for table, values in rows.items():
                if values:
                    conn.execute(insert(tables[table]), values)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return time.monotonic() - began


def _approval(
    rows: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    new_id: Callable[[], str],
    draft_id: str,
    organisation_id: str,
    created: datetime,
    cells: int,
) -> None:
    approval_id = new_id()
    rows["report_approval"].append(
        {
            "id": approval_id, "draft_id": draft_id, "organisation_id": organisation_id,
            "assessment_id": None, "template_id": None, "template_key": "bench-iva", "cycle": 1,
            "alternative": "proposal", "publicity_class": "public",
            "approved_at": created + timedelta(days=rng.randint(5, 60)),
            "approved_by": "Benchmark", "current": True,
        }
    )  # fmt: skip
    keys = [(a, g, s) for a in AREAS for g in GROUPS for s in GENDERS][:cells]
    for area, group, gender in keys:
        value = rng.choices([-2, -1, 0, 1, 2], [1, 3, 10, 3, 1])[0]
        direction = "neutral" if value == 0 else "positive" if value > 0 else "negative"
        rows["report_cell"].append(
            {
                "id": new_id(), "approval_id": approval_id, "area": area, "grp": group,
                "gender": gender, "canonical_group": group, "canonical_gender": gender,
                "value": value, "direction": direction, "strength": abs(value),
                "strength_max": 2, "uncertain": False,
            }
        )  # fmt: skip


def _screening_template_id() -> str:
    from app.core.db import transaction
    from app.templates.service import shipped_template

    with transaction() as session:
        found = shipped_template(session, "eva-screening")
        assert found is not None
        return found.id


COVERAGE_FLOOR = """
SELECT d.decision_body, count(*), count(s.id),
       sum(CASE WHEN s.outcome = 'full' THEN 1 ELSE 0 END),
       sum(CASE WHEN s.outcome = 'not_needed' THEN 1 ELSE 0 END)
FROM decision_draft d LEFT JOIN screening s ON s.draft_id = d.id
WHERE d.organisation_id = :org AND d.meeting_date BETWEEN :start AND :end
GROUP BY d.decision_body
"""
LEDGER_FLOOR = """
SELECT c.canonical_group, c.canonical_gender, c.area, c.direction, count(DISTINCT c.approval_id)
FROM report_cell c JOIN report_approval a ON a.id = c.approval_id
JOIN decision_draft d ON d.id = a.draft_id
WHERE a.organisation_id = :org AND a."current" AND d.meeting_date BETWEEN :start AND :end
  AND c.direction <> 'neutral'
GROUP BY c.canonical_group, c.canonical_gender, c.area, c.direction
"""


def _timed(work: Callable[[], object], rounds: int) -> dict[str, float]:
    work()  # warm: statements compiled, caches filled
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {
        "p50_ms": round(statistics.median(walls), 2),
        "max_ms": round(max(walls), 2),
        "cpu_ms": round(statistics.median(cpus), 2),
    }


def measure(organisation_id: str, year: int, rounds: int) -> dict[str, dict[str, float]]:
    from sqlalchemy import text

    from app.auth.principal import SYSTEM
    from app.core.db import transaction
    from app.reports import service
    from app.reports.coverage import GroupBy
    from app.reports.periods import Granularity

    span = service.span(year, None, None)
    bounds = {"org": organisation_id, "start": span.start, "end": span.end}
    with transaction() as session:

        def coverage() -> object:
            return service.coverage(
                session, principal=SYSTEM, organisation_id=organisation_id, span=span,
                granularity=Granularity.year, group_by=[GroupBy.organisation, GroupBy.body],
            )  # fmt: skip

        def ledger() -> object:
            return service.ledger(
                session, principal=SYSTEM, organisation_id=organisation_id, span=span,
                language="fi",
            )  # fmt: skip

        return {
            "coverage": _timed(coverage, rounds),
            "coverage floor (SQL)": _timed(
                lambda: session.execute(text(COVERAGE_FLOOR), bounds).all(), rounds
            ),
            "ledger": _timed(ledger, rounds),
            "ledger floor (SQL)": _timed(
                lambda: session.execute(text(LEDGER_FLOOR), bounds).all(), rounds
            ),
        }


def main(argv: list[str] | None = None) -> int:
    """Run the scenario, print a table, write JSON; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--approved", type=int, default=10_000)
    parser.add_argument("--cells", type=int, default=288, help="cells per approval (≤ 288)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 000 drafts, 500 approved")
    args = parser.parse_args(argv)
    if args.quick:
        args.drafts, args.approved, args.rounds = 5_000, 500, 5
    load_before = warn_if_busy()
    year = FIRST_YEAR + YEARS // 2
    with scratch_database(args.database_url) as scratch:
        world = build_world(matrix_template=False)
        seconds = populate(world.organisation_id, args.drafts, args.approved, args.cells)
        print(f"  {args.drafts} drafts, {args.approved} approvals inserted in {seconds:.1f} s")
        figures = measure(world.organisation_id, year, args.rounds)
    table = [{"query": name, **values} for name, values in figures.items()]
    for report in ("coverage", "ledger"):
        floor = figures[f"{report} floor (SQL)"]["p50_ms"]
        figures[report]["ratio_to_floor"] = round(figures[report]["p50_ms"] / max(floor, 0.01), 2)
    for row in table:
        row["ratio"] = figures.get(row["query"], {}).get("ratio_to_floor")
    print_table(
        f"{NAME}: one organisation-year ({year}) of {args.drafts} drafts, in process, ms, "
        f"{scratch.backend}",
        table,
        ["query", "p50_ms", "max_ms", "cpu_ms", "ratio"],
    )
    budgets = [
        budget(f"{r}_p50_ms_per_organisation_year", figures[r]["p50_ms"], BUDGET_MS,
               higher_is_better=False)
        for r in ("coverage", "ledger")
    ]  # fmt: skip
    print_budgets(budgets)
    data = {
        "environment": environment(scratch, "in process (service calls)", load_before)
        | {"server": "none: the reports service called in one warm process"},
        "drafts": args.drafts,
        "approved": args.approved,
        "cells_per_approval": args.cells,
        "year": year,
        "table": table,
    }
    path = write_results(NAME, data, budgets)
    print(f"  → {path}")
    return 0 if all(b["met"] for b in budgets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
