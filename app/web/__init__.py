"""The server-rendered web UI (Jinja2 pages over the same services as the API)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

from app.web.rendering import STATIC_DIR
from app.web.router import router

__all__ = ["mount_static", "router"]


def mount_static(app: FastAPI) -> None:
    """Serve frontend/static at /static (once, however often this is called)."""
    if any(isinstance(r, Mount) and r.path == "/static" for r in app.router.routes):
        return
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
