"""A case-management system driving Ennakko end to end, over HTTP only (httpx).

    make run                                   # in another terminal: server, worker, demo data
    .venv/bin/python examples/case_system.py   # this script

It takes a token with the client-credentials grant, subscribes a local webhook receiver,
creates a draft by its own case id, screens it and fills the impact matrix. The sign-off has
to come from a person (a HYTE expert): the script logs in as the demo expert given by the
environment (or prints what to do by hand when EXPERT_PASSWORD is empty). It then approves,
issues the annex, waits for `annex.issued` on its receiver, fetches the annex files and
checks their sha256.

Environment (defaults fit `make run`'s demo data):
ENNAKKO_URL, CLIENT_ID, CLIENT_SECRET, EXPERT_EMAIL, EXPERT_PASSWORD, RECEIVER_PORT.
The server must allow webhooks to 127.0.0.1 (`make run` sets
ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS=true).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import queue
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

BASE = os.environ.get("ENNAKKO_URL", "http://127.0.0.1:8000")
CLIENT_ID = os.environ.get("CLIENT_ID", "vaasa.casesystem")
CLIENT_SECRET = os.environ.get("CLIENT_SECRET", "demo-client-secret-vaasa")
EXPERT_EMAIL = os.environ.get("EXPERT_EMAIL", "asiantuntija@vaasa.demo.ennakko.fi")
EXPERT_PASSWORD = os.environ.get("EXPERT_PASSWORD", "ennakko-demo-2026")
RECEIVER_PORT = int(os.environ.get("RECEIVER_PORT", "8765"))
SCREENING = {
    "exemption": "none",
    "affects_residents": "yes",
    "affects_staff": "no",
    "budget_over_threshold": "yes",
    "affects_businesses": "no",
    "service_network": "no",
    "strategy": "no",
    "significant_impacts": "yes",
    "concerns_people": "yes",
    "gender_situations_differ": "yes",
}


class Receiver:
    """Verifies each webhook's signature, drops duplicates by event id, queues the rest."""

    def __init__(self, port: int) -> None:
        self.secret = ""
        self.seen: set[str] = set()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verified(self, headers: Any, body: bytes) -> bool:
        stamp = headers.get("Ennakko-Timestamp", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
            return False
        mac = hmac.new(self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        given = headers.get("Ennakko-Signature", "").split(",")
        return any(hmac.compare_digest("v1=" + mac.hexdigest(), g.strip()) for g in given)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if not receiver.verified(self.headers, body):
                    self.send_response(401)
                    self.end_headers()
                    return
                self.send_response(204)
                self.end_headers()
                event = json.loads(body)
                if event["id"] not in receiver.seen:
                    receiver.seen.add(event["id"])
                    receiver.events.put(event)

            def log_message(self, *_args: Any) -> None:
                return

        return Handler

    def wait_for(self, name: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=1)
            except queue.Empty:
                continue
            print(f"  webhook: {event['event']} {event['resource']} {event['resource_id']}")
            if event["event"] == name:
                return event
        raise SystemExit(f"no {name} webhook within {timeout} s (is the worker running?)")


def ok(response: httpx.Response) -> Any:
    if response.is_error:
        raise SystemExit(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json() if response.content else None


def token(http: httpx.Client, **form: str) -> dict[str, str]:
    answer = ok(http.post("/api/v1/auth/token", data=form))
    return {"Authorization": f"Bearer {answer['access_token']}"}


def etag(http: httpx.Client, headers: dict[str, str], draft_id: str) -> dict[str, str]:
    return headers | {
        "If-Match": http.get(f"/api/v1/drafts/{draft_id}", headers=headers).headers["etag"]
    }


def template_id(http: httpx.Client, headers: dict[str, str], key: str) -> str:
    found = ok(
        http.get("/api/v1/templates", params={"key": key, "status": "published"}, headers=headers)
    )
    return str(found[-1]["id"])


def prepare(http: httpx.Client, me: dict[str, str], case_id: str) -> dict[str, Any]:
    """Create the draft by case id, screen it and assess every cell (neutral)."""
    draft = ok(
        http.put(
            "/api/v1/drafts/by-case",
            params={"system": "example-cms", "case_id": case_id},
            json={
                "title": "Kirjastoautopalvelun uudistaminen",
                "proposal": "Lautakunta päättää uudistaa kirjastoautopalvelun reitit.",
                "decision_body": "Sivistyslautakunta",
                "languages": ["fi", "sv"],
                "alternatives": [{"key": "reform", "name": "Uudistus"}],
            },
            headers=me,
        )
    )
    print(f"draft {draft['id']} for case {case_id!r} (version {draft['version']})")
    ok(
        http.put(
            f"/api/v1/drafts/{draft['id']}/screening",
            json={
                "template_id": template_id(http, me, "eva-screening"),
                "answers": SCREENING,
                "reason": "Vaikuttaa kirjastopalveluja käyttäviin asukkaisiin.",
            },
            headers=etag(http, me, draft["id"]),
        )
    )
    assessment = ok(
        http.post(
            f"/api/v1/drafts/{draft['id']}/assessment",
            json={"template_id": template_id(http, me, "kuntaliitto")},
            headers=me,
        )
    )
    fill_matrix(http, me, draft, assessment)
    return dict(draft)


def matrix_cells(definition: dict[str, Any], alternatives: list[str]) -> list[dict[str, Any]]:
    """Every cell of the matrix: alternatives × areas × leaf groups (per area) × genders."""
    groups = definition["population_groups"]
    parents = {g.get("parent") for g in groups}
    leaves = [g["key"] for g in groups if g["key"] not in parents]
    parent_of = {g["key"]: g.get("parent") for g in groups}

    def under(key: str, leaf: str) -> bool:
        node: str | None = leaf
        while node is not None and node != key:
            node = parent_of.get(node)
        return node == key

    breakdown = definition.get("gender_breakdown") or {}
    genders = ["all"] + (
        [g["key"] for g in breakdown.get("genders", [])] if breakdown.get("enabled") else []
    )
    return [
        {"alternative": alt, "area": area["key"], "group": leaf, "gender": gender,
         "value": 0, "justification": ""}
        for alt in alternatives
        for area in definition["areas"]
        for leaf in leaves
        if area.get("groups") is None or any(under(k, leaf) for k in area["groups"])
        for gender in genders
    ]  # fmt: skip


def fill_matrix(
    http: httpx.Client, me: dict[str, str], draft: dict[str, Any], assessment: dict[str, Any]
) -> None:
    """A case system would leave this to the experts; the demo scores every cell neutral."""
    template = ok(http.get(f"/api/v1/templates/{assessment['template_id']}", headers=me))
    current = ok(http.get(f"/api/v1/drafts/{draft['id']}", headers=me))
    cells = matrix_cells(template["definition"], [a["key"] for a in current["alternatives"]])
    ok(
        http.patch(
            f"/api/v1/drafts/{draft['id']}/assessment/cells",
            json={"cells": cells},
            headers=me | {"If-Match": f'"v{assessment["version"]}"'},
        )
    )
    print(f"matrix filled: {len(cells)} cells")


def review(http: httpx.Client, me: dict[str, str], draft_id: str) -> None:
    """Submit for review; a person signs off; then approve."""
    ok(
        http.post(
            f"/api/v1/drafts/{draft_id}/transitions/submit_for_review",
            headers=etag(http, me, draft_id),
        )
    )
    if not EXPERT_PASSWORD:
        print(f"Sign off draft {draft_id} as a HYTE expert in the web UI, then press Enter.")
        input()
        return
    expert = token(http, grant_type="password", username=EXPERT_EMAIL, password=EXPERT_PASSWORD)
    status = ok(http.get(f"/api/v1/drafts/{draft_id}/review", headers=expert))
    requirement = next(r for r in status["requirements"] if r["key"] == "hyte_expert")
    ok(
        http.post(
            f"/api/v1/drafts/{draft_id}/signoffs",
            json={"requirement": "hyte_expert", "decision": "approved",
                  "content_hash": requirement["content_hash"]},
            headers=expert,
        )
    )  # fmt: skip
    print(f"signed off by {EXPERT_EMAIL}")
    ok(
        http.post(
            f"/api/v1/drafts/{draft_id}/transitions/approve", headers=etag(http, expert, draft_id)
        )
    )


def verify_annex(http: httpx.Client, me: dict[str, str], annex_id: str) -> None:
    annex = ok(http.get(f"/api/v1/annexes/{annex_id}", headers=me))
    for file in annex["files"]:
        content = http.get(file["uri"], headers=me).content
        digest = hashlib.sha256(content).hexdigest()
        verdict = "ok" if digest == file["sha256"] else "MISMATCH"
        print(f"  {file['file_name']}: {len(content)} bytes, sha256 {digest[:16]}… {verdict}")
        if digest != file["sha256"]:
            raise SystemExit("annex hash mismatch")


def main() -> int:
    receiver = Receiver(RECEIVER_PORT)
    with httpx.Client(base_url=BASE, timeout=60) as http:
        http.auth = None
        me = token(
            http, grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        org = ok(http.get("/api/v1/me", headers=me))["organisations"][0]["organisation_id"]
        hook = ok(
            http.post(
                f"/api/v1/organisations/{org}/webhooks",
                json={
                    "url": f"http://127.0.0.1:{RECEIVER_PORT}/ennakko",
                    "events": ["draft.approved", "annex.issued"],
                },
                headers=me | {"Idempotency-Key": uuid.uuid4().hex},
            )
        )
        receiver.secret = hook["secret"]
        try:
            draft = prepare(http, me, f"EX {time.strftime('%Y')}-{uuid.uuid4().int % 10**6:06d}")
            review(http, me, draft["id"])
            receiver.wait_for("draft.approved")
            annexes = ok(http.post(f"/api/v1/drafts/{draft['id']}/annexes", json={}, headers=me))
            print(f"issued {len(annexes)} annex(es)")
            verify_annex(http, me, receiver.wait_for("annex.issued")["resource_id"])
        finally:
            current = http.get(f"/api/v1/organisations/{org}/webhooks/{hook['id']}", headers=me)
            http.delete(
                f"/api/v1/organisations/{org}/webhooks/{hook['id']}",
                headers=me | {"If-Match": current.headers["etag"]},
            )
            receiver.server.shutdown()
    print("done: the annex the case system received is the one Ennakko approved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
