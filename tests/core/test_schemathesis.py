"""schemathesis over the whole OpenAPI spec, in process: no 5xx, no response outside the spec.

Driven through hypothesis directly (one test per operation) rather than schemathesis's pytest
plugin, so it runs on every pytest version we use.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.devtools import OPENAPI_PATH
from tests.factories import World, build_world

OPERATIONS = [
    (path, method.upper())
    for path, methods in json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))["paths"].items()
    for method in methods
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CASES_RUN: dict[str, int] = {}


@pytest.fixture(scope="module")
def api(app: FastAPI) -> tuple[Any, World]:
    return schemathesis.openapi.from_asgi("/openapi.json", app), build_world(app)


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_conforms_to_spec(api: tuple[Any, World], path: str, method: str) -> None:
    schema, world = api
    operation = schema[path][method]
    label = f"{method} {path}"

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        CASES_RUN[label] = CASES_RUN.get(label, 0) + 1
        headers = dict(case.headers or {})
        headers.setdefault("Authorization", world.admin.headers["Authorization"])
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
    assert CASES_RUN[label] > 0
