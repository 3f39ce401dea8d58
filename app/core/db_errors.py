"""Database errors as API errors, beside the application's other error handlers."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from app.core.errors import error_response

log = logging.getLogger("ennakko")


def install_database_error_handlers(app: FastAPI) -> None:
    """A conflict is 409; a lost race is a retryable 409; an unreachable database is 503."""

    @app.exception_handler(IntegrityError)
    async def _integrity(_req: object, _exc: IntegrityError) -> object:
        return error_response(409, "conflict", "The change conflicts with existing data")

    # PostgreSQL refuses some values SQLite stores (NUL in text): the input's fault, not ours.
    # A deadlock or serialisation failure lost the race against another writer: retryable.
    @app.exception_handler(OperationalError)
    async def _operational(_req: object, exc: OperationalError) -> object:
        if getattr(exc.orig, "sqlstate", None) in ("40P01", "40001"):
            return error_response(
                409,
                "concurrent_update",
                "Another change won the race; retry",
                headers={"Retry-After": "1"},
            )
        log.error("database error", exc_info=exc)
        return error_response(
            503,
            "database_unavailable",
            "The database is not available",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DataError)
    async def _data(_req: object, _exc: DataError) -> object:
        return error_response(422, "validation_error", "A value cannot be stored (NUL character?)")
