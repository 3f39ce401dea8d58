"""Deliveries are numbered per subscription and resource: the order the worker keeps, and no
counter that every write of every organisation would read or wait on."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World
from tests.integrations.helpers import deliveries_of, emit, subscribe

URL = "http://127.0.0.1:9/hook"


def _numbers(subscription_id: str) -> dict[str, list[int]]:
    """Each resource's delivery numbers, in order."""
    by_resource: dict[str, list[int]] = {}
    for delivery in deliveries_of(subscription_id):
        by_resource.setdefault(delivery.resource_id, []).append(delivery.seq)
    return {resource: sorted(numbers) for resource, numbers in by_resource.items()}


def test_each_resource_of_each_subscription_is_numbered_on_its_own(
    api: TestClient, world: World
) -> None:
    first = subscribe(api, world.admin, world.org, URL + "/a")
    for resource, version in [("res-x", 1), ("res-y", 1), ("res-x", 2), ("res-x", 3)]:
        emit(world.org, resource, version)
    second = subscribe(api, world.admin, world.org, URL + "/b")
    emit(world.org, "res-x", 4)
    assert _numbers(first["id"]) == {"res-x": [1, 2, 3, 4], "res-y": [1]}
    # a subscription made later numbers its own deliveries from 1
    assert _numbers(second["id"]) == {"res-x": [1]}
