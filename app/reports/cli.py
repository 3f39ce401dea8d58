"""`ennakko reports coverage|ledger`: a report written to a CSV or XLSX file, for scripts;
`snapshot-approved` and `rebuild-ledger` for the ledger's own tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.auth.principal import SYSTEM
from app.core.db import transaction
from app.organisations import service as organisations
from app.reports import ledger_store, service
from app.reports.coverage import GroupBy
from app.reports.exports import ExportFormat
from app.reports.periods import Granularity
from app.reports.snapshots import backfill

app = typer.Typer(help="Coverage register and impact ledger as CSV or XLSX.", no_args_is_help=True)

OrganisationOpt = Annotated[
    str, typer.Option("--organisation", help="Slug or id (a region: +members)")
]
YearOpt = Annotated[int, typer.Option("--year", min=2000, max=2100)]
FormatOpt = Annotated[str, typer.Option("--format", help="csv or xlsx")]
OutputOpt = Annotated[Path, typer.Option("--output", help="File to write", dir_okay=False)]
LangOpt = Annotated[str, typer.Option("--lang", help="fi, sv or en")]
TableOpt = Annotated[str | None, typer.Option("--table", help="CSV: which table")]


def _organisation_id(value: str) -> str:

    with transaction() as session:
        found = organisations.organisation_by_slug(session, value) or organisations.organisation(
            session, value
        )
        if found is None:
            raise typer.BadParameter(f"no organisation '{value}'", param_hint="--organisation")
        return found.id


def _check(lang: str, fmt: str) -> None:
    if lang not in ("fi", "sv", "en"):
        raise typer.BadParameter("fi, sv or en", param_hint="--lang")
    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("csv or xlsx", param_hint="--format")


def _write(content: bytes, output: Path) -> None:
    output.write_bytes(content)
    typer.echo(f"wrote {output} ({len(content)} bytes)")


@app.command("coverage")
def coverage(
    organisation: OrganisationOpt,
    year: YearOpt,
    fmt: FormatOpt,
    output: OutputOpt,
    lang: LangOpt = "fi",
    table: TableOpt = None,
    period: Annotated[str, typer.Option("--period", help="year, quarter or term")] = "year",
) -> None:
    """The coverage register of an organisation-year."""

    _check(lang, fmt)
    if period not in Granularity.__members__:
        raise typer.BadParameter("year, quarter or term", param_hint="--period")
    organisation_id = _organisation_id(organisation)
    with transaction() as session:
        report = service.coverage(
            session,
            principal=SYSTEM,
            organisation_id=organisation_id,
            span=service.span(year, None, None),
            granularity=Granularity(period),
            group_by=[GroupBy.organisation, GroupBy.body],
            language=lang,
        )
        tables = service.coverage_export(report, lang)
    found = service.export(tables, ExportFormat(fmt), table, "coverage", as_of=report.start)
    _write(found.content, output)


@app.command("ledger")
def ledger(
    organisation: OrganisationOpt,
    year: YearOpt,
    fmt: FormatOpt,
    output: OutputOpt,
    lang: LangOpt = "fi",
    table: TableOpt = None,
) -> None:
    """The impact ledger of an organisation-year."""

    _check(lang, fmt)
    organisation_id = _organisation_id(organisation)
    with transaction() as session:
        report = service.ledger(
            session,
            principal=SYSTEM,
            organisation_id=organisation_id,
            span=service.span(year, None, None),
            language=lang,
        )
        tables = service.ledger_export(report, lang)
    found = service.export(tables, ExportFormat(fmt), table, "ledger", as_of=report.start)
    _write(found.content, output)


@app.command("snapshot-approved")
def snapshot_approved() -> None:
    """Snapshot drafts approved before the reports existed, so the ledger counts them."""

    with transaction() as session:
        taken = backfill(session)
    typer.echo(f"approved drafts snapshotted: {taken}")


@app.command("rebuild-ledger")
def rebuild_ledger() -> None:
    """Rebuild the stored ledger from the approval snapshots (as the migration did)."""
    with transaction() as session:
        months = ledger_store.rebuild_all(session)
    typer.echo(f"rebuilt {months} organisation-months of the stored ledger")
