"""`ennakko indicators import` and `ennakko followups due`, for scripts and the daily run."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from app.auth.principal import SYSTEM
from app.core.db import transaction
from app.core.errors import AppError
from app.followups import catalogue, service

indicators_app = typer.Typer(help="The indicator catalogue.", no_args_is_help=True)
followups_app = typer.Typer(help="Follow-ups of decided drafts.", no_args_is_help=True)


def _fail(error: AppError) -> None:
    typer.echo(f"error: {error.message}", err=True)
    details = error.details if isinstance(error.details, list) else []
    for detail in details:
        if isinstance(detail, dict):
            row, field = detail.get("row", ""), detail.get("field") or ""
            typer.echo(f"  line {row} {field}: {detail.get('message', '')}", err=True)
    raise typer.Exit(1)


@indicators_app.command("import")
def import_indicators(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV file")],
    organisation: Annotated[str, typer.Option("--organisation", help="Slug or id")],
) -> None:
    """Add or update an organisation's catalogue from CSV: every row or none."""

    try:
        with transaction() as session:
            org = catalogue.organisation_by_slug_or_id(session, organisation)
            done = catalogue.import_csv(
                session, principal=SYSTEM, organisation_id=org.id, content=file.read_bytes()
            )
    except AppError as error:
        _fail(error)
        return
    typer.echo(f"{done.created} created, {done.updated} updated, {done.unchanged} unchanged")


@followups_app.command("due")
def due(
    on: Annotated[
        str | None, typer.Option("--on", help="Evaluate on this day (YYYY-MM-DD; default today)")
    ] = None,
) -> None:
    """Every follow-up whose review date has come and that is not done: due or overdue."""

    try:
        day = date.fromisoformat(on) if on else service.today()
    except ValueError as error:
        raise typer.BadParameter("YYYY-MM-DD", param_hint="--on") from error
    with transaction() as session:
        views = service.due_everywhere(session, on=day)
        lines = [
            f"{v.follow_up.next_review_on}\t{v.status}\t{v.draft.organisation_id}\t"
            f"{v.draft.id}\t{v.draft.title}\t"
            + ", ".join(sorted({i.responsible for i in v.indicators if i.recorded_at is None}))
            for v in views
        ]
    for line in lines:
        typer.echo(line)
    typer.echo(f"{len(lines)} follow-ups due on {day.isoformat()}")
