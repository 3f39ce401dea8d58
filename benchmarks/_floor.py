"""The floor: a bare FastAPI app on the same uvicorn doing the minimum of each scenario.

Served exactly like the real app (`serve(..., factory="benchmarks._floor:create_app")`):
- `GET /floor/body/{name}`: the bytes of `<ENNAKKO_FLOOR_DIR>/<name>` from memory (a
  response the real app produced, so the same size goes over the wire);
- `PATCH /floor/cell`: one INSERT and a commit in the scenario's own database
  (a table `bench_floor_write` of its own), per request, from the thread pool as the app
  does its writes.
A scenario's ratio is its figure over the floor's, both measured in the same run.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from fastapi import FastAPI, Response
from sqlalchemy import Engine, create_engine, event, text

_TABLE = """CREATE TABLE IF NOT EXISTS bench_floor_write (
    id VARCHAR(36) PRIMARY KEY, draft_id VARCHAR(36) NOT NULL, value INTEGER, body TEXT)"""


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=40, max_overflow=0)
    engine = create_engine(url, pool_size=40, max_overflow=0)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_app() -> FastAPI:
    bodies = {
        p.name: p.read_bytes()
        for p in Path(os.environ["ENNAKKO_FLOOR_DIR"]).glob("*")
        if p.is_file()
    }
    engine = _engine(os.environ["ENNAKKO_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(_TABLE))
    insert = text(
        "INSERT INTO bench_floor_write (id, draft_id, value, body) VALUES (:id, :d, :v, :b)"
    )
    app = FastAPI()

    @app.get("/floor/body/{name}")
    def body(name: str) -> Response:
        return Response(bodies[name], media_type="application/json")

    @app.patch("/floor/cell")
    def cell() -> Response:
        with engine.begin() as conn:
            conn.execute(insert, {"id": str(uuid.uuid4()), "d": "floor", "v": 1, "b": "x" * 40})
        return Response(b'{"ok":true}', media_type="application/json")

    return app
