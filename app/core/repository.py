"""Query helpers shared by every domain repository."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session


def claim_version(
    session: Session,
    model: Any,
    entity_id: str,
    expected: int,
    stamp: dict[str, Any] | None = None,
) -> bool:
    """Atomically move `entity_id` from version `expected` to the next one, setting the
    `stamp` columns (who and when) in the same statement.

    The conditional UPDATE is the compare-and-swap that makes If-Match safe under
    concurrent writers: on PostgreSQL it also row-locks until commit, on SQLite the
    write transaction is already exclusive.
    """
    result = session.execute(
        update(model)
        .where(model.id == entity_id, model.version == expected)
        .values(version=expected + 1, **(stamp or {}))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
