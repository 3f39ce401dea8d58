"""PostgreSQL's statements for the worker's hot loop: one round trip to claim and lease a
batch of deliveries, one to record a batch of outcomes (attempt rows and results).

SQLite keeps the plainer path in `repository` (a select, then an UPDATE; an INSERT, then an
UPDATE per distinct result): its write lock serialises claims and it has no network round trip
to save. Both paths keep the same rules: the claim hands out only due pending deliveries with
no earlier pending one for the same subscription and resource, and a result is written only
while the worker still holds the lease at that attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Connection, Row, bindparam, text, update
from sqlalchemy import Select as CoreSelect
from sqlalchemy.types import DateTime, Float, Integer, String, Text

from app.core.models import new_id
from app.integrations.models import DeliveryAttempt, DeliveryStatus, WebhookDelivery

_DELIVERY = WebhookDelivery.__table__  # type: ignore[attr-defined]
_ATTEMPT = DeliveryAttempt.__table__  # type: ignore[attr-defined]

# The per-outcome columns `record` takes, in the order of the arrays unnested below.
OUTCOME_COLUMNS = (
    "delivery_id",
    "attempt_id",
    "attempt",
    "status",
    "next_attempt_at",
    "delivered_at",
    "status_code",
    "latency_ms",
    "error",
)
_ARRAY_TYPES: dict[str, Any] = {
    "delivery_id": String,
    "attempt_id": String,
    "attempt": Integer,
    "status": String,
    "next_attempt_at": DateTime(timezone=True),
    "delivered_at": DateTime(timezone=True),
    "status_code": Integer,
    "latency_ms": Float,
    "error": Text,
}
_SQL_TYPES = {
    "delivery_id": "varchar",
    "attempt_id": "varchar",
    "attempt": "integer",
    "status": "varchar",
    "next_attempt_at": "timestamptz",
    "delivered_at": "timestamptz",
    "status_code": "integer",
    "latency_ms": "double precision",
    "error": "text",
}


def claim_statement(due: CoreSelect[Any]) -> Any:
    """Lease the rows `due` selects (locked, SKIP LOCKED) and return them with the attempt
    now being made: `WITH due AS MATERIALIZED (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)
    UPDATE … FROM due RETURNING …`. MATERIALIZED: the locking select runs exactly once."""
    claimed = due.cte("due").prefix_with("MATERIALIZED")
    keep = [column for column in claimed.c if column.key not in ("delivery_id", "attempt")]
    return (
        update(_DELIVERY)
        .where(_DELIVERY.c.id == claimed.c.delivery_id)
        .values(
            attempts=_DELIVERY.c.attempts + 1,
            next_attempt_at=bindparam("until"),
            leased_by=bindparam("worker_id"),
        )
        .returning(
            _DELIVERY.c.id.label("delivery_id"), _DELIVERY.c.attempts.label("attempt"), *keep
        )
    )


def _record_statement() -> Any:
    arrays = ", ".join(f"CAST(:{name} AS {_SQL_TYPES[name]}[])" for name in OUTCOME_COLUMNS)
    sql = f"""
        WITH outcome AS (
            SELECT * FROM unnest({arrays}) AS o({", ".join(OUTCOME_COLUMNS)})
        ), added AS (
            INSERT INTO {_ATTEMPT.name}
                (id, delivery_id, attempted_at, status_code, latency_ms, error, worker)
            SELECT attempt_id, delivery_id, :now, status_code, latency_ms, error, :worker_id
            FROM outcome
        )
        UPDATE {_DELIVERY.name} AS d SET
            status = o.status,
            next_attempt_at = COALESCE(o.next_attempt_at, d.next_attempt_at),
            delivered_at = COALESCE(o.delivered_at, d.delivered_at),
            last_status_code = o.status_code,
            last_error = o.error,
            leased_by = NULL
        FROM outcome AS o
        WHERE d.id = o.delivery_id
          AND d.leased_by = :worker_id
          AND d.attempts = o.attempt
          AND d.status = '{DeliveryStatus.pending.value}'
        RETURNING d.id
    """  # noqa: S608 (table names and casts are constants; every value is bound)
    binds = [bindparam(name, type_=ARRAY(_ARRAY_TYPES[name])) for name in OUTCOME_COLUMNS]
    return text(sql).bindparams(*binds, bindparam("now", type_=DateTime(timezone=True)))


_RECORD = _record_statement()


def outcome_row(
    delivery_id: str, attempt: int, latency_ms: float, values: dict[str, Any]
) -> dict[str, Any]:
    """`record`'s row for one outcome; `values` are the delivery columns it sets, as the
    SQLite path writes them (`last_status_code`, `last_error`, and `status`,
    `next_attempt_at` or `delivered_at` when they change)."""
    return {
        "delivery_id": delivery_id,
        "attempt_id": new_id(),
        "attempt": attempt,
        "status": str(values.get("status", DeliveryStatus.pending)),
        "next_attempt_at": values.get("next_attempt_at"),
        "delivered_at": values.get("delivered_at"),
        "status_code": values["last_status_code"],
        "latency_ms": latency_ms,
        "error": values["last_error"],
    }


def claim(connection: Connection, statement: Any, params: dict[str, Any]) -> Sequence[Row[Any]]:
    return connection.execute(statement, params).all()


def record(
    connection: Connection,
    outcomes: Sequence[dict[str, Any]],
    *,
    worker_id: str,
    now: datetime,
) -> set[str]:
    """Insert each outcome's attempt row and write its result where the worker still holds the
    lease at that attempt, in one statement; the ids of the deliveries it settled."""
    if not outcomes:
        return set()
    params: dict[str, Any] = {
        name: [outcome[name] for outcome in outcomes] for name in OUTCOME_COLUMNS
    }
    params |= {"now": now, "worker_id": worker_id}
    return set(connection.execute(_RECORD, params).scalars().all())
