"""The app on uvicorn, killed with SIGKILL at a chosen moment of an idempotent POST.

Run as `python -m tests.core.crash_server MOMENT PORT` with the test settings in the
environment. MOMENT is `before-commit`
(the request's draft is written, its transaction not committed)
or `after-commit` (committed; the process dies before the first byte of the answer leaves).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import uvicorn
from sqlalchemy import event
from sqlmodel import Session
from starlette.types import Message, Receive, Scope, Send

from app.drafts.models import DecisionDraft
from app.main import create_app


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    moment, port = sys.argv[1], int(sys.argv[2])
    app = create_app()

    if moment == "before-commit":

        @event.listens_for(Session, "after_flush")
        def _after_flush(session: Session, _context: Any) -> None:
            if any(isinstance(o, DecisionDraft) for o in session.new):
                session.info["draft_written"] = True

        @event.listens_for(Session, "before_commit")
        def _before_commit(session: Session) -> None:
            if session.info.get("draft_written"):
                _die()

    async def served(scope: Scope, receive: Receive, send: Send) -> None:
        keyed = scope["type"] == "http" and any(
            name == b"idempotency-key" for name, _ in scope.get("headers", [])
        )

        async def watch(message: Message) -> None:
            if keyed and moment == "after-commit" and message["type"] == "http.response.start":
                _die()
            await send(message)

        await app(scope, receive, watch)

    server: Any = uvicorn.Server(
        uvicorn.Config(served, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    server.run()


if __name__ == "__main__":
    main()
