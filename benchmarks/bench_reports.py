"""Coverage register, impact ledger and annual report of one organisation-year and of a region of
20 municipalities, against a plain SQL aggregate over the same rows.

    .venv/bin/python -m benchmarks.bench_reports            # SQLite: 10 000 drafts, 1 000 approved
    .venv/bin/python -m benchmarks.bench_reports --quick    # 2 000 drafts, 200 approved
    .venv/bin/python -m benchmarks.bench_reports \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test    # 100 000 / 10 000

A fresh scratch database (on PostgreSQL: a new database on that server) gets a region with 20
member municipalities. The measured municipality gets `--drafts` drafts over ten years (an
organisation-year holds a tenth of them), each of the 19 others `--drafts / 20`; 85 % are
screened; a tenth of them (`--approved` for the measured one) are approved, each with an
approval snapshot of `--cells` cells: the approved alternative of an 864-cell matrix (3
alternatives × 12 areas × 8 groups × 3 genders) is 288 cells, the rows the ledger counts. Rows go
in with COPY on PostgreSQL and executemany on SQLite. Then the stored ledger is built from the
snapshots (what the migration's backfill does) and timed.

In one warm process, each report of the middle year is computed `--rounds` times through the
reports service (as the API's route calls it, with the platform operator so nothing is filtered
out), for the measured municipality and for the region; as floors, one plain SQL aggregate over
the same rows (drafts × screening grouped by body; snapshot cells × approvals × drafts grouped
by group, gender, area and direction). Also timed: the annual report's PDF (one organisation
and the region), and rebuilding one organisation-month of the stored ledger (what an approval
adds to its transaction). Reported: median wall ms, CPU ms of this process (SQLite runs inside
it; PostgreSQL's own CPU is not counted) and the ratio to the floor. Budgets (the issue):
coverage and ledger ≤ 200 ms per organisation-year, ≤ 500 ms for the region (PostgreSQL), the
annual report PDF ≤ 1 s. Results: results/reports.json (SQLite), results/reports-postgresql.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, text

import app.models  # noqa: F401  (every table on the metadata)
from app.auth.principal import SYSTEM
from app.core.db import get_engine, metadata, transaction
from app.core.models import new_id
from app.organisations import service as orgs
from app.organisations.models import OrganisationKind
from app.organisations.schemas import Language, OrganisationCreate
from app.reports import ledger_store, service
from app.reports.coverage import GroupBy
from app.reports.periods import Granularity
from app.templates.service import shipped_template
from benchmarks._common import (
    budget,
    environment,
    print_budgets,
    print_table,
    scratch_database,
    warn_if_busy,
    write_results,
)

NAME = "reports"
ORG_BUDGET_MS = 200.0
REGION_BUDGET_MS = 500.0
PDF_BUDGET_MS = 1000.0
MEMBERS = 20
YEARS = 10
FIRST_YEAR = 2017
BODIES = ["Kaupunginhallitus", "Sivistyslautakunta", "Tekninen lautakunta", "Valtuusto"]
GROUPS = ["children_0_6", "children_7_12", "young_people", "working_age", "older_people",
          "people_with_disabilities", "families_with_children", "immigrant_background"]  # fmt: skip
GENDERS = ["all", "female", "male"]
AREAS = [f"area_{n}" for n in range(12)]
REASONS = ["Merkitään tiedoksi.", "Viranhaku.", "Vaikuttaa."]


@dataclass(frozen=True)
class Region:
    region_id: str
    members: list[str]  # the measured municipality first


def build_region() -> Region:
    """A regional council (fi, sv) and its member municipalities (fi, sv)."""
    tag = uuid.uuid4().hex[:8]

    def create(session: Any, n: int, kind: OrganisationKind, parent: str | None) -> str:
        data = OrganisationCreate(
            slug=f"bench-{n}-{tag}",
            name=f"Benchmark {n} {tag}",
            name_sv=f"Benchmark {n} SV {tag}",
            kind=kind,
            languages=[Language.fi, Language.sv],
            parent_id=parent,
        )
        return orgs.create_organisation(session, principal=SYSTEM, data=data).id

    with transaction() as session:
        region = create(session, 0, OrganisationKind.regional_council, None)
        members = [
            create(session, n, OrganisationKind.municipality, region) for n in range(1, MEMBERS + 1)
        ]
    return Region(region, members)


class Sink:
    """Rows buffered per table and written in bulk: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, limit: int = 50_000) -> None:
        self.engine = get_engine()
        self.postgres = self.engine.dialect.name == "postgresql"
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.limit = limit

    def add(self, table: str, row: dict[str, Any]) -> None:
        buffer = self.rows.setdefault(table, [])
        buffer.append(row)
        if len(buffer) >= self.limit:
            self.flush()

    def flush(self) -> None:
        # parents first: drafts, then what refers to them
        order = ["decision_draft", "screening", "report_approval", "report_cell"]
        for table in order:
            rows = self.rows.pop(table, [])
            if rows:
                self._write(table, rows)

    def _write(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not self.postgres:
            with self.engine.begin() as conn:
                conn.execute(insert(metadata.tables[table]), rows)
            return
        columns = list(rows[0])
        raw = self.engine.raw_connection()
        try:
            with (
                raw.driver_connection.cursor() as cursor,  # type: ignore[union-attr]
                cursor.copy(
                    f"COPY {table} ({', '.join(map(_quoted, columns))}) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row([_copy_value(row[c]) for c in columns])
            raw.commit()
        finally:
            raw.close()


def _quoted(column: str) -> str:
    return f'"{column}"'


def _copy_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


def populate(
    sink: Sink, rng: random.Random, organisation_id: str, drafts: int, approved: int, cells: int
) -> None:
    """One municipality's drafts, screenings, approval snapshots and their cells."""
    every = max(1, drafts // max(1, approved))
    start = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    step = timedelta(days=365 * YEARS) / max(1, drafts)
    screening_template = _screening_template_id()
    for i in range(drafts):
        draft_id, created = new_id(), start + step * i
        is_approved = i % every == 0 and i // every < approved
        sink.add(
            "decision_draft",
            {
                "id": draft_id, "organisation_id": organisation_id,
                "status": "decided" if is_approved else rng.choice(["draft", "screening"]),
                "title": f"Päätös {i}", "proposal": "Esitys.", "background": "",
                "decision_body": rng.choice(BODIES), "decision_type": "policy",
                "meeting_date": (created + timedelta(days=30)).date(), "languages": ["fi"],
                "presenting_official": "", "content_hash": "0" * 64, "version": 1,
                "created_at": created, "updated_at": created, "updated_by": "Benchmark",
            },
        )  # fmt: skip
        if is_approved or rng.random() < 0.85:
            outcome = "full" if is_approved else rng.choice(["light", "not_needed"])
            sink.add(
                "screening",
                {
                    "id": new_id(), "draft_id": draft_id, "template_id": screening_template,
                    "answers": {}, "computed_outcome": outcome, "outcome": outcome,
                    "reason": rng.choice(REASONS), "suggested_templates": [],
                    "screened_by": "Benchmark", "screened_at": created,
                },
            )  # fmt: skip
        if is_approved:
            _approval(sink, rng, draft_id, organisation_id, created, cells)


def _approval(
    sink: Sink,
    rng: random.Random,
    draft_id: str,
    organisation_id: str,
    created: datetime,
    cells: int,
) -> None:
    approval_id = new_id()
    keys = [(a, g, s) for a in AREAS for g in GROUPS for s in GENDERS][:cells]
    values = [rng.choices([-2, -1, 0, 1, 2], [1, 3, 10, 3, 1])[0] for _ in keys]
    sink.add(
        "report_approval",
        {
            "id": approval_id, "draft_id": draft_id, "organisation_id": organisation_id,
            "assessment_id": None, "template_id": None, "template_key": "bench-iva", "cycle": 1,
            "alternative": "proposal", "publicity_class": "public",
            "approved_at": created + timedelta(days=rng.randint(5, 60)),
            "approved_by": "Benchmark", "current": True,
            "negative_cells": sum(v < 0 for v in values),
            "positive_cells": sum(v > 0 for v in values),
        },
    )  # fmt: skip
    for (area, group, gender), value in zip(keys, values, strict=True):
        direction = "neutral" if value == 0 else "positive" if value > 0 else "negative"
        sink.add(
            "report_cell",
            {
                "id": new_id(), "approval_id": approval_id, "area": area, "grp": group,
                "gender": gender, "canonical_group": group, "canonical_gender": gender,
                "value": value, "direction": direction, "strength": abs(value),
                "strength_max": 2, "uncertain": False,
            },
        )  # fmt: skip


def _screening_template_id() -> str:
    with transaction() as session:
        found = shipped_template(session, "eva-screening")
        assert found is not None
        return found.id


def build(region: Region, drafts: int, approved: int, cells: int) -> dict[str, float]:
    """Insert every member's rows, then build the stored ledger; seconds of each step."""
    rng = random.Random(3)
    sink = Sink()
    began = time.monotonic()
    for n, member in enumerate(region.members):
        share = 1 if n == 0 else MEMBERS
        populate(sink, rng, member, drafts // share, approved // share, cells)
    sink.flush()
    with sink.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    inserted = time.monotonic() - began
    with transaction() as session:
        months = ledger_store.rebuild_all(session)
    with sink.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return {
        "insert_s": round(inserted, 1),
        "stored_ledger_s": round(time.monotonic() - began - inserted, 1),
        "months": months,
    }


COVERAGE_FLOOR = """
SELECT d.decision_body, count(*), count(s.id),
       sum(CASE WHEN s.outcome = 'full' THEN 1 ELSE 0 END),
       sum(CASE WHEN s.outcome = 'not_needed' THEN 1 ELSE 0 END)
FROM decision_draft d LEFT JOIN screening s ON s.draft_id = d.id
WHERE d.organisation_id IN :orgs AND d.meeting_date BETWEEN :start AND :end
GROUP BY d.decision_body
"""
LEDGER_FLOOR = """
SELECT c.canonical_group, c.canonical_gender, c.area, c.direction, count(DISTINCT c.approval_id)
FROM report_cell c JOIN report_approval a ON a.id = c.approval_id
JOIN decision_draft d ON d.id = a.draft_id
WHERE a.organisation_id IN :orgs AND a."current" AND d.meeting_date BETWEEN :start AND :end
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


@contextmanager
def _rolled_back() -> Iterator[Any]:
    with transaction() as session:
        try:
            yield session
        finally:
            session.rollback()


def measure(
    who: str, organisation_ids: list[str], root: str, year: int, rounds: int
) -> dict[str, dict[str, float]]:
    """Coverage, ledger and their floors, and the annual report's PDF, of one root's year."""
    span = service.span(year, None, None)
    floor: Any = bindparam("orgs", expanding=True)
    bounds = {"orgs": organisation_ids, "start": span.start, "end": span.end}
    coverage_floor = text(COVERAGE_FLOOR).bindparams(floor)
    ledger_floor = text(LEDGER_FLOOR).bindparams(floor)
    with _rolled_back() as session:

        def coverage() -> object:
            return service.coverage(
                session, principal=SYSTEM, organisation_id=root, span=span,
                granularity=Granularity.year, group_by=[GroupBy.organisation, GroupBy.body],
            )  # fmt: skip

        def ledger() -> object:
            return service.ledger(
                session, principal=SYSTEM, organisation_id=root, span=span, language="fi"
            )

        def pdf() -> object:
            return service.annual_file(
                session, principal=SYSTEM, organisation_id=root, year=year, language="sv",
                fmt="pdf",
            )  # fmt: skip

        return {
            f"{who} coverage": _timed(coverage, rounds),
            f"{who} coverage floor (SQL)": _timed(
                lambda: session.execute(coverage_floor, bounds).all(), rounds
            ),
            f"{who} ledger": _timed(ledger, rounds),
            f"{who} ledger floor (SQL)": _timed(
                lambda: session.execute(ledger_floor, bounds).all(), rounds
            ),
            f"{who} annual report PDF": _timed(pdf, max(3, rounds // 3)),
        }


def measure_rebuild(organisation_id: str, year: int, rounds: int) -> dict[str, float]:
    """Rebuilding one organisation-month of the stored ledger (an approval's extra work)."""
    month = datetime(year, 6, 1, tzinfo=UTC).date()
    with _rolled_back() as session:
        return _timed(lambda: ledger_store.rebuild_month(session, organisation_id, month), rounds)


def _budgets(figures: dict[str, dict[str, float]], postgres: bool) -> list[dict[str, Any]]:
    found = []
    for who, target in (("organisation", ORG_BUDGET_MS), ("region", REGION_BUDGET_MS)):
        if who == "region" and not postgres:
            continue  # the issue gives SQLite a budget per organisation-year only
        for report in ("coverage", "ledger"):
            found.append(
                budget(f"{report}_p50_ms_per_{who}_year", figures[f"{who} {report}"]["p50_ms"],
                       target, higher_is_better=False)
            )  # fmt: skip
    found.append(
        budget("annual_report_pdf_p50_ms", figures["organisation annual report PDF"]["p50_ms"],
               PDF_BUDGET_MS, higher_is_better=False)
    )  # fmt: skip
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the scenario, print a table, write JSON; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--drafts", type=int, help="the measured municipality's drafts")
    parser.add_argument("--approved", type=int, help="of which approved (default: a tenth)")
    parser.add_argument("--cells", type=int, default=288, help="cells per approval (≤ 288)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="2 000 drafts, 200 approved")
    args = parser.parse_args(argv)
    postgres = bool(args.database_url) and not args.database_url.startswith("sqlite")
    drafts = args.drafts or (2_000 if args.quick else 100_000 if postgres else 10_000)
    approved = args.approved or drafts // 10
    rounds = 5 if args.quick else args.rounds
    load_before = warn_if_busy()
    year = FIRST_YEAR + YEARS // 2
    with scratch_database(args.database_url) as scratch:
        region = build_region()
        built = build(region, drafts, approved, args.cells)
        total = drafts + (MEMBERS - 1) * (drafts // MEMBERS)
        print(
            f"  {total} drafts in {MEMBERS} municipalities ({drafts} in the measured one), "
            f"inserted in {built['insert_s']} s; stored ledger ({built['months']} "
            f"organisation-months) built in {built['stored_ledger_s']} s"
        )
        measured = region.members[0]
        figures = measure("organisation", [measured], measured, year, rounds)
        figures |= measure("region", [region.region_id, *region.members], region.region_id,
                           year, rounds)  # fmt: skip
        figures["stored ledger: rebuild one organisation-month"] = measure_rebuild(
            measured, year, rounds
        )
    for who in ("organisation", "region"):
        for report in ("coverage", "ledger"):
            floor = figures[f"{who} {report} floor (SQL)"]["p50_ms"]
            result = figures[f"{who} {report}"]
            result["ratio"] = round(result["p50_ms"] / max(floor, 0.01), 2)
    table: list[dict[str, Any]] = [{"query": k, **v} for k, v in figures.items()]
    print_table(
        f"{NAME}: the year {year}, {drafts} drafts in the measured municipality, in process, ms, "
        f"{scratch.backend}",
        table,
        ["query", "p50_ms", "max_ms", "cpu_ms", "ratio"],
    )
    budgets = _budgets(figures, postgres)
    print_budgets(budgets)
    data = {
        "environment": environment(scratch, "in process (service calls)", load_before)
        | {"server": "none: the reports service called in one warm process"},
        "drafts_measured_municipality": drafts,
        "drafts_total": total,
        "municipalities": MEMBERS,
        "approved_measured_municipality": approved,
        "cells_per_approval": args.cells,
        "year": year,
        "build": built,
        "table": table,
    }
    path = write_results(f"{NAME}-postgresql" if postgres else NAME, data, budgets)
    print(f"  → {path}")
    return 0 if all(b["met"] for b in budgets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
