"""`ennakko templates validate|sync`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.core.db import transaction
from app.templates.service import SHIPPED_DIR, sync_shipped
from app.templates.validation import load_template_file, validate_template_file
from app.templates.vocabulary import unmapped_notes

templates_app = typer.Typer(help="Matrix and screening templates.", no_args_is_help=True)


@templates_app.command("validate")
def templates_validate(
    path: Annotated[list[Path] | None, typer.Argument(help="Files or directories")] = None,
) -> None:
    """Report every problem in template files, with its path; exits 1 if any."""
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
    with transaction() as session:
        loaded = sync_shipped(session)
    typer.echo(f"templates loaded: {', '.join(loaded) if loaded else 'none new'}")
