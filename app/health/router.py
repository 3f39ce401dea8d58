"""Liveness and readiness probes.

Neither waits for a writer: liveness answers on the event loop without a thread, readiness
reads in a deferred (read-only) transaction, which SQLite runs beside a writer.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.core.db import get_read_engine
from app.core.migrations import current_revision, head_revision

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness", responses={503: {"description": "Not ready"}})
def readyz() -> JSONResponse:
    """The database answers and is migrated to the head revision."""
    try:
        with get_read_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
            current = current_revision(conn)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JSONResponse(
            {"status": "unavailable", "reason": type(exc).__name__}, status_code=503
        )
    head = head_revision()
    if current != head:
        return JSONResponse(
            {"status": "migrating", "current": current, "head": head}, status_code=503
        )
    return JSONResponse({"status": "ok", "revision": current})
