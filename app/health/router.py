"""Liveness and readiness probes.

Neither waits for a writer: liveness answers on the event loop without a thread, readiness
reads in a deferred (read-only) transaction, which SQLite runs beside a writer.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_read_engine, utcnow
from app.core.revisions import current_revision, head_revision
from app.integrations.health import delivery_health

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness", responses={503: {"description": "Not ready"}})
def readyz() -> JSONResponse:
    """The database answers, is migrated to the head revision, and deliveries are not stalled."""
    try:
        head = head_revision()
        with get_read_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
            current = current_revision(conn)
            deliveries = (
                delivery_health(
                    Session(bind=conn),
                    now=utcnow(),
                    stall_after=get_settings().worker_stall_seconds,
                )
                if current == head
                else None
            )
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JSONResponse(
            {"status": "unavailable", "reason": type(exc).__name__}, status_code=503
        )
    if current != head:
        return JSONResponse(
            {"status": "migrating", "current": current, "head": head}, status_code=503
        )
    if deliveries is not None and deliveries.stalled:
        return JSONResponse(
            {
                "status": "deliveries_stalled",
                "revision": current,
                "deliveries": deliveries.as_dict(),
            },
            status_code=503,
        )
    return JSONResponse(
        {
            "status": "ok",
            "revision": current,
            "deliveries": deliveries.as_dict() if deliveries else None,
        }
    )
