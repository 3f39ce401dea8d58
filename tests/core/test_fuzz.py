"""`make fuzz`: deep schemathesis exploration, every operation as every kind of caller.

Not part of `make test` (marker `fuzz`). The Makefile passes one seed to Hypothesis
(--hypothesis-seed) and prints it; each failure is listed at the end of the run with the
command that replays it and the request as curl, so it can become a regression test.
ENNAKKO_FUZZ_EXAMPLES sets the examples per operation and caller (bounds the run's time).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from tests.core.fuzzing import (
    CALLERS,
    CHECKS,
    OPERATION_IDS,
    OPERATIONS,
    TALLY,
    fuzz_examples,
    record_failure,
)
from tests.factories import World, build_world

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def api(app: FastAPI) -> tuple[Any, World]:
    return schemathesis.openapi.from_asgi("/openapi.json", app), build_world(app)


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=OPERATION_IDS)
def test_operation(
    request: pytest.FixtureRequest, api: tuple[Any, World], path: str, method: str, caller: str
) -> None:
    schema, world = api
    operation = schema[path][method]
    label = f"{method} {path}"
    auth = CALLERS[caller](world)

    @given(case=operation.as_strategy())
    @settings(max_examples=fuzz_examples(200), suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        TALLY.count(label, caller)
        headers = dict(case.headers or {})
        for name, value in auth.items():
            headers.setdefault(name, value)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:
            record_failure(request.node.nodeid, label, caller, case, headers, exc)
            raise

    run()
    assert TALLY.cases[label, caller] > 0


@pytest.mark.parametrize("caller", list(CALLERS))
def test_stateful(request: pytest.FixtureRequest, api: tuple[Any, World], caller: str) -> None:
    """Sequences of calls that feed each response's ids into the next request (inferred links)."""
    schema, world = api
    auth = CALLERS[caller](world)
    base = schema.as_state_machine()

    class Workflow(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            headers = dict(case.headers or {})
            for name, value in auth.items():
                headers.setdefault(name, value)
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **_kwargs: Any) -> None:
            TALLY.count(f"{case.method} {case.path}", f"{caller} (stateful)")
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:
                record_failure(request.node.nodeid, case.operation.label, caller, case, {}, exc)
                raise

    Workflow.run(
        settings=settings(
            max_examples=max(1, fuzz_examples(200) // 4),
            stateful_step_count=10,
            suppress_health_check=list(HealthCheck),
        )
    )
