"""`ennakko serve|run-all|migrate|demo-data`: the service and its database."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer
import uvicorn

from app.core import migrations
from app.core.config import get_settings
from app.core.db import transaction
from app.demo import load_demo_data
from app.integrations.supervisor import Supervisor
from app.templates.service import sync_shipped

serve_app = typer.Typer()
run_all_app = typer.Typer()
migrate_app = typer.Typer()
demo_data_app = typer.Typer()


@serve_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    proxy_headers: Annotated[bool, typer.Option(help="Trust X-Forwarded-* from the proxy")] = False,
) -> None:
    """Serve the API and web UI with uvicorn."""
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        log_config=None,
        # After SIGTERM, open requests get this long to finish; then the server stops anyway.
        timeout_graceful_shutdown=get_settings().shutdown_seconds,
    )


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@run_all_app.command("run-all")
def run_all(
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the API and keep one delivery worker running beside it (restarted if it dies).

    Ctrl-C or SIGTERM stops both; a worker whose run-all is gone stops itself.
    """
    # uvicorn re-raises the signal it stopped on; as an exception it reaches `finally`.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    supervisor = Supervisor([sys.executable, "-m", "app.cli", "worker"])
    supervisor.start()
    try:
        serve(host=host, port=port, workers=1, proxy_headers=False)
    finally:
        supervisor.stop()


@migrate_app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Upgrade the database schema (Alembic) and load the shipped templates."""
    migrations.upgrade(revision=revision)
    typer.echo(f"database at {revision}")
    if revision == "head":
        with transaction() as session:
            loaded = sync_shipped(session)
        typer.echo(f"templates loaded: {', '.join(loaded) if loaded else 'none new'}")


@demo_data_app.command("demo-data")
def demo_data() -> None:
    """Load the demo organisations, users and API client (keeps existing data)."""
    if get_settings().environment == "production":
        raise typer.BadParameter("demo data is refused in production")
    with transaction() as session:
        summary = load_demo_data(session)
    typer.echo("Demo data " + ("loaded." if summary.created else "already present."))
    typer.echo("Demo logins (user / password / organisation: roles):")
    for login, secret, where in summary.logins:
        typer.echo(f"  {login:42} {secret:26} {where}")
