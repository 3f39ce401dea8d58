"""Alembic environment: the app's metadata, batch mode on SQLite, type comparison on."""

from __future__ import annotations

from alembic import context

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.config import get_settings
from app.core.db import build_engine, metadata

config = context.config


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave out what migrations manage by hand: the SQLite FTS index and its shadow tables,
    and PostgreSQL's trigram expression indexes."""
    del obj, reflected, compare_to
    if type_ == "table" and name and name.startswith("decision_draft_fts"):
        return False
    return not (type_ == "index" and name and name.endswith("_trgm"))


def _url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        compare_type=True,
        render_as_batch=_url().startswith("sqlite"),
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        compare_type=True,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
