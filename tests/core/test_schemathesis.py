"""schemathesis over the whole OpenAPI spec, in process: no 5xx, no response outside the spec.

Driven through hypothesis directly (one test per operation) rather than schemathesis's pytest
plugin, so it runs on every pytest version we use. Derandomized (the `ci` profile in
tests/conftest.py): every run of `make test` sends the same cases. `make fuzz` explores.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from tests.core.fuzzing import CALLERS, CHECKS, OPERATION_IDS, OPERATIONS, TALLY
from tests.factories import World, build_world


@pytest.fixture(scope="module")
def api(app: FastAPI) -> tuple[Any, World]:
    return schemathesis.openapi.from_asgi("/openapi.json", app), build_world(app)


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=OPERATION_IDS)
def test_operation_conforms_to_spec(api: tuple[Any, World], path: str, method: str) -> None:
    schema, world = api
    operation = schema[path][method]
    label = f"{method} {path}"
    caller = CALLERS["person"](world)

    @given(case=operation.as_strategy())
    @settings(max_examples=30, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        TALLY.count(label, "person")
        headers = dict(case.headers or {})
        for name, value in caller.items():
            headers.setdefault(name, value)
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
    assert TALLY.cases[label, "person"] > 0
