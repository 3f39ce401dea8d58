"""`INSERT ... ON CONFLICT` for the session's database.

PostgreSQL and SQLite spell it alike, but SQLAlchemy builds it with each dialect's own
`insert`. The dialect is taken from the bound engine through app.core.lazy, so a worker loads
only its own database's dialect package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Insert
from sqlalchemy.orm import Session

from app.core import lazy


def dialect_name(session: Session) -> str:
    """The bound engine's dialect name ("postgresql" or "sqlite")."""
    return session.get_bind().dialect.name


def insert_or_ignore(dialect: str, table: Any, index_elements: Sequence[str]) -> Insert:
    """`INSERT` into `table` that skips a row whose `index_elements` already exist."""
    statement = lazy.dialect(dialect).insert(table)
    return cast(Insert, statement.on_conflict_do_nothing(index_elements=list(index_elements)))


def insert_or_update(
    dialect: str, table: Any, index_elements: Sequence[str], update: Sequence[str]
) -> Insert:
    """`INSERT` into `table` that overwrites the `update` columns of a row whose
    `index_elements` already exist."""
    statement = lazy.dialect(dialect).insert(table)
    upsert = statement.on_conflict_do_update(
        index_elements=list(index_elements),
        set_={name: statement.excluded[name] for name in update},
    )
    return cast(Insert, upsert)
