"""The `ennakko` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from app.audit.cli import app as audit_app
from app.auth.permissions import Scope
from app.auth.principal import SYSTEM
from app.core import migrations
from app.core.config import get_settings
from app.core.db import transaction
from app.followups.cli import followups_app, indicators_app
from app.integrations.supervisor import EXIT_LOCKED, Supervisor, WorkerLocked
from app.organisations import clients as org_clients
from app.organisations import service as org_service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import (
    ApiClientCreate,
    Language,
    OrganisationCreate,
    UserCreate,
)
from app.reports.cli import app as reports_app

app = typer.Typer(help="Ennakko: ex-ante impact assessment workflow service.", no_args_is_help=True)
org_app = typer.Typer(help="Manage organisations (tenants).", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
client_app = typer.Typer(help="Manage API clients (case-management systems).", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(client_app, name="client")
app.add_typer(audit_app, name="audit")
app.add_typer(reports_app, name="reports")
app.add_typer(indicators_app, name="indicators")
app.add_typer(followups_app, name="followups")


@app.command()
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


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run one round and exit")] = False,
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Deliveries claimed per round")] = 100,
    poll_seconds: Annotated[
        float | None, typer.Option(min=0.01, help="Idle wait between rounds")
    ] = None,
) -> None:
    """Deliver webhooks and record pushes from the outbox (SIGTERM/Ctrl-C stops it)."""
    from app.core.logging import configure_logging
    from app.integrations.worker import run_worker

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


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@app.command("run-all")
def run_all(
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the API and keep one delivery worker running beside it (restarted if it dies).

    Ctrl-C or SIGTERM stops both; a worker whose run-all is gone stops itself.
    """
    import signal

    # uvicorn re-raises the signal it stopped on; as an exception it reaches `finally`.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    supervisor = Supervisor([sys.executable, "-m", "app.cli", "worker"])
    supervisor.start()
    try:
        serve(host=host, port=port, workers=1, proxy_headers=False)
    finally:
        supervisor.stop()


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Upgrade the database schema (Alembic) and load the shipped templates."""
    from app.templates.service import sync_shipped

    migrations.upgrade(revision=revision)
    typer.echo(f"database at {revision}")
    if revision == "head":
        with transaction() as session:
            loaded = sync_shipped(session)
        typer.echo(f"templates loaded: {', '.join(loaded) if loaded else 'none new'}")


@app.command("demo-data")
def demo_data() -> None:
    """Load the demo organisations, users and API client (keeps existing data)."""
    from app.demo import load_demo_data

    if get_settings().environment == "production":
        raise typer.BadParameter("demo data is refused in production")
    with transaction() as session:
        summary = load_demo_data(session)
    typer.echo("Demo data " + ("loaded." if summary.created else "already present."))
    typer.echo("Demo logins (user / password / organisation: roles):")
    for login, secret, where in summary.logins:
        typer.echo(f"  {login:42} {secret:26} {where}")


@org_app.command("create")
def org_create(
    slug: str,
    name: str,
    kind: Annotated[
        OrganisationKind, typer.Option(help="Kind of public body")
    ] = OrganisationKind.municipality,
    language: Annotated[
        list[Language], typer.Option(help="Official language (repeat for both)")
    ] = [Language.fi],  # noqa: B006
    parent: Annotated[str | None, typer.Option(help="Id of the region it belongs to")] = None,
    name_sv: Annotated[str | None, typer.Option(help="Swedish name")] = None,
    email_domain: Annotated[
        list[str] | None,
        typer.Option(help="E-mail domain of its people; its admins create accounts in these"),
    ] = None,
) -> None:
    """Create an organisation."""
    with transaction() as session:
        org = org_service.create_organisation(
            session,
            principal=SYSTEM,
            data=OrganisationCreate(
                slug=slug,
                name=name,
                name_sv=name_sv,
                kind=kind,
                languages=language,
                parent_id=parent,
                email_domains=email_domain or [],
            ),
        )
        typer.echo(org.id)


@user_app.command("create")
def user_create(
    email: str,
    full_name: str,
    organisation: Annotated[str, typer.Option(help="Organisation id")],
    role: Annotated[list[Role], typer.Option(help="Role (repeatable)")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create a user with roles in an organisation."""
    with transaction() as session:
        user = org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=email,
                full_name=full_name,
                password=password,
                organisation_id=organisation,
                roles=role,
            ),
        )
        typer.echo(user.id)


@client_app.command("create")
def client_create(
    client_id: str,
    name: str,
    organisation: Annotated[str, typer.Option(help="Organisation id")],
    scope: Annotated[list[Scope], typer.Option(help="Scope (repeatable)")],
) -> None:
    """Register an API client; prints its secret once."""
    with transaction() as session:
        issued = org_clients.create_client(
            session,
            principal=SYSTEM,
            organisation_id=organisation,
            data=ApiClientCreate(client_id=client_id, name=name, scopes=scope),
        )
        typer.echo(f"client_id={issued.client.client_id}\nclient_secret={issued.secret}")


templates_app = typer.Typer(help="Matrix and screening templates.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("validate")
def templates_validate(
    path: Annotated[list[Path] | None, typer.Argument(help="Files or directories")] = None,
) -> None:
    """Report every problem in template files, with its path; exits 1 if any."""
    from app.templates.service import SHIPPED_DIR
    from app.templates.validation import load_template_file, validate_template_file
    from app.templates.vocabulary import unmapped_notes

    files: list[Path] = []
    for item in path or [SHIPPED_DIR]:
        files += sorted(item.glob("*.yaml")) if item.is_dir() else [item]
    failed = 0
    for file in files:
        issues = validate_template_file(file)
        failed += bool(issues)
        for issue in issues:
            typer.echo(f"{file}: {issue}", err=True)
        if not issues:
            for note in unmapped_notes(load_template_file(file)):
                typer.echo(f"{file}: {note}")
    typer.echo(f"{len(files) - failed} of {len(files)} templates valid")
    if failed or not files:
        raise typer.Exit(1)


@templates_app.command("sync")
def templates_sync() -> None:
    """Load the shipped templates into the database (published versions never change)."""
    from app.templates.service import sync_shipped

    with transaction() as session:
        loaded = sync_shipped(session)
    typer.echo(f"templates loaded: {', '.join(loaded) if loaded else 'none new'}")


if __name__ == "__main__":
    app()


annex_app = typer.Typer(help="Assessment annexes.", no_args_is_help=True)
app.add_typer(annex_app, name="annex")


@annex_app.command("render")
def annex_render(
    input_path: Annotated[Path, typer.Option("--input", help="Annex record (JSON)", exists=True)],
    out: Annotated[Path, typer.Option(help="File to write")],
    lang: Annotated[str | None, typer.Option(help="fi, sv or en (default: the record's)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, html, json or zip")] = "pdf",
) -> None:
    """Render an annex offline from a JSON record."""
    from pydantic import ValidationError

    from app.annexes.offline import render_file

    if fmt not in ("pdf", "html", "json", "zip") or lang not in (None, "fi", "sv", "en"):
        raise typer.BadParameter("--format is pdf, html, json or zip; --lang is fi, sv or en")
    try:
        written = render_file(input_path, lang, fmt, out)  # type: ignore[arg-type]
    except (ValidationError, ValueError) as exc:
        typer.echo(f"{input_path}: not a valid annex record: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"wrote {written} ({written.stat().st_size} bytes)")
