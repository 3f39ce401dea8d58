"""32 concurrent writers on one assessment over real HTTP: every write lands or gets 412."""

from __future__ import annotations

import threading
from collections import Counter

import httpx

from tests.factories import World
from tests.flows import screened_assessment
from tests.live import LiveServer


def test_concurrent_writers_never_lose_an_update(live_server: LiveServer, world: World) -> None:
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        draft, _ = screened_assessment(http, world.preparer)  # type: ignore[arg-type]
        groups = [
            "children_0_6",
            "children_7_12",
            "children_13_17",
            "young_people",
            "working_age",
            "older_65_74",
            "older_75_plus",
            "people_with_disabilities",
        ]
        barrier = threading.Barrier(32)
        results: list[tuple[int, int]] = []
        lock = threading.Lock()

        def writer(index: int) -> None:
            cell = {
                "alternative": "reform",
                "area": "housing_mobility",
                "group": groups[index % 8],
                "gender": ["women", "men", "other"][index % 3],
                "value": index % 5 - 2,
                "justification": f"kirjoittaja {index}",
            }
            with httpx.Client(base_url=live_server.url, timeout=60) as own:
                barrier.wait()
                response = own.patch(
                    f"/api/v1/drafts/{draft['id']}/assessment/cells",
                    json={"cells": [cell]},
                    headers=world.expert.headers | {"If-Match": '"v1"'},
                )
            with lock:
                results.append((index, response.status_code))

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = Counter(status for _, status in results)
        assert set(statuses) <= {200, 412}, statuses
        assert statuses[200] == 1, "exactly one writer holds version 1"
        [winner] = [i for i, status in results if status == 200]
        matrix = http.get(
            f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers
        ).json()
        assert matrix["version"] == 2
        assert [c["justification"] for c in matrix["cells"]] == [f"kirjoittaja {winner}"]


def test_sequential_writers_with_fresh_versions_all_land(
    live_server: LiveServer, world: World
) -> None:
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        draft, _ = screened_assessment(http, world.preparer)  # type: ignore[arg-type]
        version = 1
        for i in range(10):
            cell = {
                "alternative": "partial",
                "area": "safety",
                "group": "older_75_plus",
                "gender": "men",
                "value": 1,
                "justification": f"versio {i}",
            }
            response = http.patch(
                f"/api/v1/drafts/{draft['id']}/assessment/cells",
                json={"cells": [cell]},
                headers=world.expert.headers | {"If-Match": f'"v{version}"'},
            )
            assert response.status_code == 200
            version = int(response.headers["etag"].strip('"v'))
        assert version == 11
