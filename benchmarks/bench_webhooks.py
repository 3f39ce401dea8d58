"""Webhook delivery: events per second to a local receiver, and delay from commit to delivery.

    .venv/bin/python -m benchmarks.bench_webhooks
    .venv/bin/python -m benchmarks.bench_webhooks --quick
    .venv/bin/python -m benchmarks.bench_webhooks --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

A scratch database gets one organisation with one subscription pointing at a receiver on
127.0.0.1 that answers 204 at once: a bare asyncio HTTP/1.1 keep-alive server in its own
process (benchmarks/_hook_receiver.py). `ennakko worker` runs as a separate
process (one worker; `--workers N` starts more, which is meant for PostgreSQL).

- drain: `--events` events over `--resources` resources are committed while no worker
  runs; then the worker starts and the rate is measured from the first to the last
  receipt (events/s).
- floor: the same receiver fed by a bare asyncio client (prebuilt requests of the worker's
  shape, as many keep-alive connections as the worker opens to one target), in the same
  run: the rate any sender could reach here; `x_floor` = floor rate / worker rate.
- delay: with the worker running, `--paced` events are committed one per transaction at
  `--rate` per second; the delay is receipt time minus commit time (median, p99).

Results: benchmarks/results/webhooks.json.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from app.auth.principal import SYSTEM
from app.core.db import transaction, utcnow
from app.integrations import events
from app.integrations.health import delivery_health
from app.integrations.http1 import CONNECTIONS_PER_TARGET
from app.integrations.models import WebhookSubscription
from app.organisations import service
from app.organisations.models import OrganisationKind
from app.organisations.schemas import OrganisationCreate
from benchmarks._common import (
    environment,
    latency_stats,
    print_table,
    results_name,
    scratch_database,
    write_results,
)

NAME = "webhooks"
BUDGET_EVENTS_PER_SECOND = 2000
BUDGET_P99_MS = 100


class Receiver:
    """The asyncio receiver process (benchmarks/_hook_receiver.py): notes when each event id
    first arrived, read from its output by a thread."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()
        command = [sys.executable, "-m", "benchmarks._hook_receiver", "receive"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event_id, at = line.split()
            with self.lock:
                self.arrived.setdefault(event_id, float(at))

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def wait_for(self, ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if ids <= self.arrived.keys():
                    return True
            time.sleep(0.01)
        return False


def _organisation() -> str:
    with transaction() as session:
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        return service.create_organisation(
            session,
            principal=SYSTEM,
            data=OrganisationCreate(slug=slug, name=slug, kind=OrganisationKind.municipality),
        ).id


def _subscribe(organisation_id: str, url: str) -> None:
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


def _wait_for_worker(timeout: float = 60) -> None:
    """Until a worker has written its heartbeat (it beats before its first round; one that
    stopped cleanly took its own heartbeat away)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with transaction() as session:
            health = delivery_health(session, now=utcnow(), stall_after=60)
        if health.heartbeat_seconds is not None:
            return
        time.sleep(0.05)
    raise RuntimeError("no worker heartbeat")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc; clock ticks of 1/100 s)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        _wait_for_worker()
        started_cpu = sum(_cpu_seconds(worker.pid) for worker in workers)
        complete = receiver.wait_for(ids, timeout=600)
        cpu = sum(_cpu_seconds(worker.pid) for worker in workers) - started_cpu
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
        "worker_cpu_ms_per_event": round(cpu * 1000 / max(1, len(times)), 3),
    }


def _delay(org: str, receiver: Receiver, args: argparse.Namespace, env: dict[str, str]) -> Any:
    workers = _workers(env, args.workers, args.poll_seconds)
    committed: dict[str, float] = {}
    try:
        _wait_for_worker()  # its start-up (imports, first round) is not a delivery delay
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


def _floor(receiver: Receiver, args: argparse.Namespace) -> dict[str, Any]:
    """The same receiver fed by a bare asyncio client in its own process
    (benchmarks/_hook_receiver.py): what any sender could reach here, without a database,
    signing or a lease. The worker's rate is reported against it."""
    command = [sys.executable, "-m", "benchmarks._hook_receiver", "floor", receiver.url]
    done = subprocess.run(
        [*command, str(args.events)], check=True, timeout=600, capture_output=True, text=True
    )
    cpu = float(done.stdout.strip().splitlines()[-1])
    ids = {f"floor-{n}" for n in range(args.events)}
    receiver.wait_for(ids, timeout=10)
    with receiver.lock:
        times = sorted(receiver.arrived[i] for i in ids if i in receiver.arrived)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "events": len(times),
        "events_per_second": round((len(times) - 1) / span, 1),
        "client_cpu_ms_per_event": round(cpu * 1000 / max(1, len(times)), 3),
    }


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
        floor = _floor(receiver, args)
        receiver.stop()
        env = environment(scratch, "in-process emitter, asyncio receiver process")
    env["server"] = f"ennakko worker ×{args.workers} (separate process), poll {args.poll_seconds} s"
    env["floor"] = (
        f"bare asyncio client, {CONNECTIONS_PER_TARGET} keep-alive connections, no database"
    )
    drain["floor_events_per_second"] = floor["events_per_second"]
    drain["x_floor"] = round(floor["events_per_second"] / drain["events_per_second"], 2)
    drain["floor_cpu_ms_per_event"] = floor["client_cpu_ms_per_event"]
    print_table("drain (events/s)", [drain], list(drain))
    print_table("commit → delivery (ms)", [delay], list(delay))
    met = {
        "events_per_second": drain["events_per_second"] >= BUDGET_EVENTS_PER_SECOND,
        "p99_ms": delay["p99_ms"] <= BUDGET_P99_MS,
    }
    result = {"environment": env, "drain": drain, "floor": floor, "delay": delay, "met": met}
    path = write_results(results_name(NAME, args.database_url), result, [])
    print(f"→ {path}")
    return 0 if drain["complete"] and delay["complete"] and all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
