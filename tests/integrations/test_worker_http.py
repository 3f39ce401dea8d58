"""The worker's HTTP/1.1 client and its running loop, against receivers that speak HTTP."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings, get_settings
from app.integrations import http1
from app.integrations.models import DeliveryStatus
from app.integrations.worker import Worker
from tests.factories import World
from tests.integrations.conftest import run_until
from tests.integrations.helpers import all_delivered, deliveries_of, emit, subscribe
from tests.integrations.receiver import Receiver

ON_POSTGRES = not get_settings().database_url.startswith("sqlite")
Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _with_server(answer: Answer, requests: list[bytes]) -> tuple[list[object], int]:
    """Post each request through one pool to a raw server; the statuses (or the exception)
    and how many connections the server saw."""
    serving: list[asyncio.Task[None]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        serving.append(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                await answer(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    pool = http1.Pool(timeout=1.0, connect_timeout=1.0)
    where = http1.Destination("http", "127.0.0.1", port)
    results: list[object] = []
    for request in requests:
        try:
            results.append(await pool.post(where, request))
        except (OSError, TimeoutError, http1.ProtocolError) as exc:
            results.append(type(exc).__name__)
    pool.close()
    server.close()
    for task in serving:
        task.cancel()
    await asyncio.gather(*serving, return_exceptions=True)
    await server.wait_closed()
    return results, len(serving)


def _requests(count: int) -> list[bytes]:
    return [http1.request_bytes("/hook", {"Host": "x"}, b'{"n":%d}' % n) for n in range(count)]


async def _body_read(reader: asyncio.StreamReader) -> None:
    await reader.readexactly(len(b'{"n":0}'))


def test_connection_is_kept_alive_across_requests() -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _body_read(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    results, connections = asyncio.run(_with_server(answer, _requests(5)))
    assert results == [200] * 5
    assert connections == 1


def test_chunked_and_interim_answers_are_read_and_the_connection_reused() -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _body_read(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        writer.write(b"HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n")
        writer.write(b"3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n")

    results, connections = asyncio.run(_with_server(answer, _requests(3)))
    assert results == [202] * 3
    assert connections == 1


def test_large_or_unframed_or_closing_answers_cost_their_connection() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n" + b"x" * 10,
        b"HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
    ]
    for raw in answers:

        async def answer(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes = raw
        ) -> None:
            await _body_read(reader)
            writer.write(raw)

        results, connections = asyncio.run(_with_server(answer, _requests(2)))
        assert results[0] in (200, 500)
        assert connections == 2


def test_garbage_and_silence_are_errors_not_crashes() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")

    async def silence(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    assert asyncio.run(_with_server(garbage, _requests(1)))[0] == ["ProtocolError"]
    assert asyncio.run(_with_server(silence, _requests(1)))[0] == ["TimeoutError"]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/hook", {"Authorization": "Bearer x\r\nX-Injected: 1"}),
        ("/hook", {"Bad Name": "x"}),
        ("/hook", {"X": "nul\0"}),
        ("/hook HTTP/1.1\r\nX: y", {}),
        ("hook", {}),
    ],
)
def test_header_and_path_injection_is_refused(path: str, headers: dict[str, str]) -> None:
    with pytest.raises(http1.ProtocolError):
        http1.request_bytes(path, headers, b"{}")


def test_deliveries_reuse_one_connection(
    api: TestClient, world: World, worker: Worker, receiver: Receiver
) -> None:
    sub = subscribe(api, world.admin, world.org, receiver.url)
    for version in (1, 2, 3):
        emit(world.org, "kept-alive", version)
    run_until(worker, lambda: all_delivered(sub["id"]))
    assert [r.payload["version"] for r in receiver.requests] == [1, 2, 3]
    assert len({r.client for r in receiver.requests}) == 1


def test_a_receiver_that_dropped_the_connection_still_gets_each_event_once(
    api: TestClient, world: World, worker: Worker, receiver: Receiver
) -> None:
    receiver.drop_after = True
    sub = subscribe(api, world.admin, world.org, receiver.url)
    for version in (1, 2, 3, 4):
        emit(world.org, "dropped", version)
    run_until(worker, lambda: all_delivered(sub["id"]))
    assert [r.payload["version"] for r in receiver.requests] == [1, 2, 3, 4]
    assert all(d.attempts == 1 for d in deliveries_of(sub["id"]))


@pytest.fixture
def running() -> Iterator[Callable[[Worker, float], None]]:
    """Start `worker.run` in a thread (poll seconds given); stopped and joined afterwards."""
    started: list[tuple[Worker, threading.Thread]] = []
    stop = threading.Event()

    def start(worker: Worker, poll: float) -> None:
        thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_seconds": poll})
        thread.start()
        started.append((worker, thread))

    yield start
    stop.set()
    for worker, thread in started:
        thread.join(30)
        worker.close()


def test_running_worker_keeps_order_through_failures(
    api: TestClient, world: World, worker: Worker, receiver: Receiver, running: Callable[..., None]
) -> None:
    receiver.fail_first = 7
    sub = subscribe(api, world.admin, world.org, receiver.url)
    for version in range(1, 7):
        for resource in ("a", "b", "c", "d"):
            emit(world.org, resource, version)
    running(worker, 0.02)
    run_until_true(lambda: all_delivered(sub["id"]))
    for resource in ("a", "b", "c", "d"):
        versions = [
            r.payload["version"]
            for r in receiver.unique.values()
            if r.payload["resource_id"] == resource
        ]
        assert versions == [1, 2, 3, 4, 5, 6]
    assert receiver.bad_signatures == 0


def test_a_stuck_receiver_holds_back_only_its_own_deliveries(
    api: TestClient,
    world: World,
    private_settings: Settings,
    receiver: Receiver,
    running: Callable[..., None],
) -> None:
    # the stuck call would hold a whole round for its timeout (60 s, longer than the test waits)
    worker = Worker(private_settings.model_copy(update={"webhook_timeout_seconds": 60.0}))
    stuck = Receiver(block=threading.Event()).start()
    try:
        slow = subscribe(api, world.admin, world.org, stuck.url)
        fast = subscribe(api, world.admin, world.org, receiver.url)
        running(worker, 0.02)
        emit(world.org, "first", 1)
        assert stuck.entered.wait(20), "the stuck receiver was never called"
        for version in (2, 3):
            emit(world.org, "first", version)
        emit(world.org, "second", 1)
        run_until_true(lambda: len(receiver.unique) == 4 and all_delivered(fast["id"]))
        assert len(stuck.requests) == 0  # still answering its first request
        assert all(d.status is DeliveryStatus.pending for d in deliveries_of(slow["id"]))
    finally:
        assert stuck.block is not None
        stuck.block.set()
        stuck.stop()


@pytest.mark.skipif(not ON_POSTGRES, reason="LISTEN/NOTIFY needs PostgreSQL")
def test_new_deliveries_wake_a_listening_worker_before_its_poll(
    api: TestClient,
    world: World,
    private_settings: Settings,
    receiver: Receiver,
    running: Callable[..., None],
) -> None:
    worker = Worker(private_settings, worker_id="listener")
    sub = subscribe(api, world.admin, world.org, receiver.url)
    running(worker, 3600.0)  # it would poll once, at its start, and then only in an hour
    run_until_true(lambda: worker.wakeup.listening)
    emit(world.org, "woken", 1)
    run_until_true(lambda: all_delivered(sub["id"]))


def run_until_true(done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.02)
