"""A webhook receiver on 127.0.0.1 that can be down, slow, failing or redirecting.

It speaks HTTP/1.1 with keep-alive, as a real receiver does; `drop_after` makes it close
each connection after answering without saying so (an idle timeout on the receiver's side,
which the worker meets on its next request over that connection)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.integrations import signing
from tests.live import free_port


@dataclass
class Received:
    event_id: str
    headers: dict[str, str]
    body: bytes
    at: float
    client: tuple[str, int] = ("", 0)  # the connection it came over

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """Records every request; `unique` de-duplicates by event id as a real receiver would."""

    port: int = field(default_factory=free_port)
    secret: str | None = None
    status: int = 200
    fail_first: int = 0
    redirect_to: str | None = None
    block: threading.Event | None = None
    drop_after: bool = False
    requests: list[Received] = field(default_factory=list)
    bad_signatures: int = 0
    entered: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def unique(self) -> dict[str, Received]:
        with self._lock:
            first: dict[str, Received] = {}
            for item in self.requests:
                first.setdefault(item.event_id, item)
            return first

    def start(self) -> Receiver:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def answer(self, item: Received) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.requests.append(item)
            failing = len(self.requests) <= self.fail_first
        if self.secret is not None and not signing.verify(
            secret=self.secret,
            timestamp=item.headers.get("ennakko-timestamp", ""),
            signature_header=item.headers.get("ennakko-signature", ""),
            body=item.body,
            now=time.time(),
        ):
            self.bad_signatures += 1
        if self.redirect_to:
            return 302, {"Location": self.redirect_to}
        return (500 if failing else self.status), {}


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.entered.set()
            if receiver.block is not None:
                receiver.block.wait(30)
            item = Received(
                headers.get("ennakko-event-id", ""),
                headers,
                body,
                time.time(),
                (self.client_address[0], self.client_address[1]),
            )
            status, extra = receiver.answer(item)
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            if receiver.drop_after:
                self.close_connection = True

        def log_message(self, *_args: Any) -> None:
            return

    return Handler
