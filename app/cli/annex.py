"""`ennakko annex render`: an annex from a JSON record, without a database.

Imports only the offline renderer (ReportLab and pydantic; Jinja2 only for html and zip):
no web app, no database, no ORM models; a cold `ennakko annex render` pays for nothing else.

Nor for the cyclic garbage collector: loading ReportLab and the parsed fonts allocates some
hundreds of thousands of objects that live until the process ends, and each full collection
they trigger scans all of them again (about a fifth of a cold render's CPU). So the render
runs with the collector paused, and what it leaves is frozen (gc.freeze) rather than
scanned once more: the command renders one bounded document and exits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from app.annexes.offline import render_file

annex_app = typer.Typer(help="Assessment annexes.", no_args_is_help=True)


@annex_app.command("render")
def annex_render(
    input_path: Annotated[Path, typer.Option("--input", help="Annex record (JSON)", exists=True)],
    out: Annotated[Path, typer.Option(help="File to write")],
    lang: Annotated[str | None, typer.Option(help="fi, sv or en (default: the record's)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, html, json or zip")] = "pdf",
) -> None:
    """Render an annex offline from a JSON record."""

    if fmt not in ("pdf", "html", "json", "zip") or lang not in (None, "fi", "sv", "en"):
        raise typer.BadParameter("--format is pdf, html, json or zip; --lang is fi, sv or en")
    try:
        with _collector_paused():
            written = render_file(input_path, lang, fmt, out)  # type: ignore[arg-type]
    except (ValidationError, ValueError) as exc:
        typer.echo(f"{input_path}: not a valid annex record: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"wrote {written} ({written.stat().st_size} bytes)")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside; afterwards, what was allocated is frozen out of
    the collector's view (its state is restored, so an in-process caller keeps collecting)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
