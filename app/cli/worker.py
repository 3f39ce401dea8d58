"""`ennakko worker`: the delivery worker, which loads the outbox and HTTP client, not the app.

Its own module so that a worker (started by `run-all`'s supervisor, restarted when it dies)
is up in the time its imports take: no web app, templates or demo data."""

from __future__ import annotations

from typing import Annotated

import typer

from app.core.config import get_settings
from app.core.logging import configure_logging
from app.integrations.supervisor import EXIT_LOCKED, WorkerLocked
from app.integrations.worker import run_worker

worker_app = typer.Typer()


@worker_app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run one round and exit")] = False,
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Deliveries claimed per round")] = 100,
    poll_seconds: Annotated[
        float | None, typer.Option(min=0.01, help="Idle wait between rounds")
    ] = None,
) -> None:
    """Deliver webhooks and record pushes from the outbox (SIGTERM/Ctrl-C stops it)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        done = run_worker(
            settings,
            once=once,
            batch=batch,
            poll_seconds=poll_seconds or settings.worker_poll_seconds,
        )
    except WorkerLocked as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_LOCKED) from None
    if once:
        typer.echo(f"{done} deliveries attempted")
