"""Webhook delivery: events per second to a local receiver, and delay from commit to delivery.

    .venv/bin/python -m benchmarks.bench_webhooks
    .venv/bin/python -m benchmarks.bench_webhooks --quick
    .venv/bin/python -m benchmarks.bench_webhooks --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

A scratch database gets one organisation with one subscription pointing at a threaded
receiver on 127.0.0.1 that answers 204 at once. `ennakko worker` runs as a separate
process (one worker; `--workers N` starts more, which is meant for PostgreSQL).

- drain: `--events` events over `--resources` resources are committed while no worker
  runs; then the worker starts and the rate is measured from the first to the last
  receipt (events/s).
- delay: with the worker running, `--paced` events are committed one per transaction at
  `--rate` per second; the delay is receipt time minus commit time (median, p99).

Results: benchmarks/results/webhooks.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from benchmarks._common import (
    environment,
    latency_stats,
    print_table,
    scratch_database,
    write_results,
)

NAME = "webhooks"


class Receiver:
    """Answers 204 and notes when each event id first arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.time()
                with receiver.lock:
                    receiver.arrived.setdefault(json.loads(body)["id"], now)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        return Handler

    def wait_for(self, ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if ids <= self.arrived.keys():
                    return True
            time.sleep(0.01)
        return False


def _organisation() -> str:
    from app.auth.principal import SYSTEM
    from app.core.db import transaction
    from app.organisations import service
    from app.organisations.models import OrganisationKind
    from app.organisations.schemas import OrganisationCreate

    with transaction() as session:
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        return service.create_organisation(
            session,
            principal=SYSTEM,
            data=OrganisationCreate(slug=slug, name=slug, kind=OrganisationKind.municipality),
        ).id


def _subscribe(organisation_id: str, url: str) -> None:
    from app.core.db import transaction
    from app.integrations import events
    from app.integrations.models import WebhookSubscription

    with transaction() as session:
        session.add(
            WebhookSubscription(
                organisation_id=organisation_id,
                url=url,
                secret="whsec_bench",
                events=list(events.EVENT_TYPES),
            )
        )


def _emit(organisation_id: str, resource: str, version: int) -> tuple[str, float]:
    """One event in its own transaction; its id and the wall time just after commit."""
    from app.core.db import transaction
    from app.integrations import events

    with transaction() as session:
        outbox = events.emit(
            session,
            organisation_id=organisation_id,
            event="draft.updated",
            resource="draft",
            resource_id=resource,
            version=version,
        )
    return outbox.id, time.time()


def _workers(env: dict[str, str], count: int, poll: float) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "app.cli", "worker", "--poll-seconds", str(poll)]
    full = os.environ | env | {"ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}
    return [subprocess.Popen(command, env=full) for _ in range(count)]


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def _drain(org: str, receiver: Receiver, args: argparse.Namespace, env: dict[str, str]) -> Any:
    ids = {
        _emit(org, f"res-{i % args.resources}", i // args.resources + 1)[0]
        for i in range(args.events)
    }
    workers = _workers(env, args.workers, args.poll_seconds)
    try:
        complete = receiver.wait_for(ids, timeout=600)
    finally:
        _stop(workers)
    times = sorted(receiver.arrived[i] for i in ids if i in receiver.arrived)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "events": args.events,
        "resources": args.resources,
        "delivered": len(times),
        "complete": complete,
        "seconds": round(span, 3),
        "events_per_second": round((len(times) - 1) / span, 1) if span else None,
    }


def _delay(org: str, receiver: Receiver, args: argparse.Namespace, env: dict[str, str]) -> Any:
    workers = _workers(env, args.workers, args.poll_seconds)
    committed: dict[str, float] = {}
    try:
        time.sleep(3)  # the worker process starts and runs its first rounds
        for n in range(args.paced):
            event_id, at = _emit(org, f"paced-{n % 50}", n // 50 + 1)
            committed[event_id] = at
            time.sleep(max(0.0, 1 / args.rate - (time.time() - at)))
        complete = receiver.wait_for(set(committed), timeout=120)
    finally:
        _stop(workers)
    delays = [
        (receiver.arrived[i] - at) * 1000 for i, at in committed.items() if i in receiver.arrived
    ]
    return {
        "events": args.paced,
        "rate_per_second": args.rate,
        "complete": complete,
    } | latency_stats(delays)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--resources", type=int, default=300)
    parser.add_argument("--paced", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0, help="paced events per second")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--poll-seconds", type=float, default=0.05)
    parser.add_argument("--quick", action="store_true", help="1 000 drained, 200 paced")
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.resources, args.paced = 1000, 100, 200
    with scratch_database(args.database_url) as scratch:
        receiver = Receiver()
        org = _organisation()
        _subscribe(org, receiver.url)
        drain = _drain(org, receiver, args, scratch.env)
        delay = _delay(org, receiver, args, scratch.env)
        receiver.server.shutdown()
        env = environment(scratch, "in-process emitter, threaded http.server receiver")
    env["server"] = f"ennakko worker ×{args.workers} (separate process), poll {args.poll_seconds} s"
    print_table("drain (events/s)", [drain], list(drain))
    print_table("commit → delivery (ms)", [delay], list(delay))
    path = write_results(NAME, {"environment": env, "drain": drain, "delay": delay}, [])
    print(f"→ {path}")
    return 0 if drain["complete"] and delay["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
