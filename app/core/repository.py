"""Query helpers shared by every domain repository."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table, Update, bindparam, update
from sqlmodel import Session


@lru_cache(maxsize=256)
def _claim_statement(table: Table, stamped: tuple[str, ...]) -> Update:
    """The compare-and-swap UPDATE for `table` setting `stamped` columns, built once (plain
    Core: building an ORM update per write cost more than running it)."""
    return (
        update(table)
        .where(table.c.id == bindparam("claim_id"), table.c.version == bindparam("claim_expected"))
        .values(
            version=bindparam("claim_next"),
            **{name: bindparam(f"claim_{name}") for name in stamped},
        )
    )


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
    stamp = stamp or {}
    statement = _claim_statement(model.__table__, tuple(sorted(stamp)))
    params = {"claim_id": entity_id, "claim_expected": expected, "claim_next": expected + 1}
    params |= {f"claim_{name}": value for name, value in stamp.items()}
    result = session.execute(statement, params)
    return bool(result.rowcount)  # type: ignore[attr-defined]
