"""Reviewers sign off while the content is being edited, over real HTTP: every approval binds
to the content the reviewer saw or is refused with 412; none covers content nobody saw."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from app.core.db import transaction
from app.reviews.models import SignOff
from app.reviews.scope import content_hash
from tests.factories import World
from tests.live import LiveServer
from tests.reviews.helpers import in_review


def test_signoffs_racing_edits_bind_only_to_seen_content(
    live_server: LiveServer, world: World
) -> None:
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        draft = in_review(http, world)  # type: ignore[arg-type]
        draft_id = draft["id"]
        seen: list[tuple[str, str, int]] = []
        lock = threading.Lock()
        stop = threading.Event()

        def editor() -> None:
            value = 1
            with httpx.Client(base_url=live_server.url, timeout=60) as own:
                for _ in range(15):
                    matrix = own.get(
                        f"/api/v1/drafts/{draft_id}/assessment", headers=world.expert2.headers
                    )
                    cell = {
                        "alternative": "reform",
                        "area": "climate_energy",
                        "group": "municipality",
                        "gender": "all",
                        "value": value,
                        "justification": f"muutos {value}",
                    }
                    own.patch(
                        f"/api/v1/drafts/{draft_id}/assessment/cells",
                        json={"cells": [cell]},
                        headers=world.expert2.headers | {"If-Match": matrix.headers["etag"]},
                    )
                    value = -value
            stop.set()

        def reviewer(person: Any) -> None:
            with httpx.Client(base_url=live_server.url, timeout=60) as own:
                # One more round after the editor stops: on settled content the sign-off must
                # succeed, however the race itself was scheduled on a loaded machine.
                last_round = False
                while not last_round:
                    last_round = stop.is_set()
                    status = own.get(
                        f"/api/v1/drafts/{draft_id}/review", headers=person.headers
                    ).json()
                    requirement = status["requirements"][0]
                    response = own.post(
                        f"/api/v1/drafts/{draft_id}/signoffs",
                        headers=person.headers,
                        json={
                            "requirement": requirement["key"],
                            "decision": "approved",
                            "content_hash": requirement["content_hash"],
                        },
                    )
                    with lock:
                        seen.append(
                            (
                                requirement["content_hash"],
                                response.json().get("signoff", {}).get("id", ""),
                                response.status_code,
                            )
                        )

        threads = [threading.Thread(target=editor)] + [
            threading.Thread(target=reviewer, args=(p,))
            for p in (world.expert, world.region_expert)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    statuses = {status for _, _, status in seen}
    assert statuses <= {201, 412}, statuses
    assert 201 in statuses
    accepted = {signoff_id: digest for digest, signoff_id, status in seen if status == 201}
    with transaction() as session:
        for signoff_id, digest in accepted.items():
            stored = session.get(SignOff, signoff_id)
            assert stored is not None
            assert stored.content_hash == digest, (
                "an approval bound to content the reviewer did not see"
            )
            assert content_hash(stored.content) == digest, (
                "the stored snapshot is what the hash covers"
            )
