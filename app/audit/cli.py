"""`ennakko audit verify|checkpoint`."""

from __future__ import annotations

import typer

from app.audit import repository, service
from app.audit.checkpoints import checkpoint_path
from app.core.config import get_settings
from app.core.db import transaction

app = typer.Typer(help="Inspect the audit log.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Check every organisation's audit chain; exits 1 if any chain is broken."""
    with transaction() as session:
        report = service.verify(session)
        names = repository.organisation_names(session, [c.chain for c in report.chains])
    for chain in report.chains:
        label = f"{chain.chain} ({names[chain.chain]})" if chain.chain in names else chain.chain
        attested = (
            f"checkpointed to entry {chain.checkpointed}" if chain.checkpointed else "no checkpoint"
        )
        if chain.ok:
            typer.echo(f"  {label}: {chain.checked} entries intact, {attested}")
        else:
            typer.echo(
                f"  {label}: broken at entry {chain.broken_at}: {chain.reason} "
                f"({chain.checked} entries verified before it, {attested})",
                err=True,
            )
    if report.unsigned_checkpoints:
        typer.echo(
            f"{report.unsigned_checkpoints} checkpoints in {checkpoint_path(get_settings())} "
            "are not signed by this service's key",
            err=True,
        )
    if not report.ok:
        broken = sum(1 for c in report.chains if not c.ok)
        typer.echo(f"audit chain broken: {broken} of {len(report.chains)} chains", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {report.checked} entries in {len(report.chains)} chains")


@app.command("checkpoint")
def checkpoint() -> None:
    """Write a signed checkpoint of every chain's head now (e.g. after a migration)."""
    with transaction() as session:
        count = service.checkpoint_all(session)
    typer.echo(f"checkpointed {count} chains")
