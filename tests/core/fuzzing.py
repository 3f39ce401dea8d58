"""What the schemathesis runs share: the operations, the callers, the checks, the tallies.

`make test` runs every operation derandomized (the same cases on every run, see the `ci`
Hypothesis profile in tests/conftest.py); `make fuzz` runs the deep exploration in
tests/core/test_fuzz.py on a seed it prints, so every failure can be replayed and become a test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.devtools import OPENAPI_PATH
from tests.factories import World

OPERATIONS = [
    (path, method.upper())
    for path, methods in json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))["paths"].items()
    for method in methods
]
OPERATION_IDS = [f"{m} {p}" for p, m in OPERATIONS]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# caller name → the headers it sends (the three kinds of caller the API has)
CALLERS: dict[str, Callable[[World], dict[str, str]]] = {
    "anonymous": lambda world: {},
    "person": lambda world: dict(world.admin.headers),
    "client": lambda world: dict(world.system.headers),
}


@dataclass
class Tally:
    """Cases run per (operation, caller) and the failures met, for the terminal summary."""

    cases: dict[tuple[str, str], int] = field(default_factory=dict)
    # test id → its failure; Hypothesis replays the shrunk example last, so that one stays
    failures: dict[str, str] = field(default_factory=dict)

    def count(self, label: str, caller: str) -> None:
        self.cases[label, caller] = self.cases.get((label, caller), 0) + 1


TALLY = Tally()


def fuzz_seed() -> str | None:
    """The seed `make fuzz` passed (also given to pytest as --hypothesis-seed)."""
    return os.environ.get("ENNAKKO_FUZZ_SEED") or None


def fuzz_examples(default: int) -> int:
    return int(os.environ.get("ENNAKKO_FUZZ_EXAMPLES") or default)


def record_failure(
    nodeid: str,
    label: str,
    caller: str,
    case: Any,
    headers: dict[str, str],
    exc: Exception | BaseExceptionGroup[BaseException],
) -> None:
    """Keep what it takes to replay a failure: the seed, the test id and a curl command."""
    seed = fuzz_seed()
    replay = (
        f"make fuzz FUZZ_SEED={seed} FUZZ_ARGS=\"'{nodeid}'\"" if seed else f"pytest '{nodeid}'"
    )
    TALLY.failures[nodeid] = (
        f"{label} as {caller}: {_what(exc)}\n"
        f"    replay: {replay}\n"
        f"    request: {case.as_curl_command(headers=headers)}"
    )


def _what(exc: BaseException) -> str:
    """One line per failure: schemathesis groups the checks that failed on one response."""
    found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    lines = [str(e).strip().splitlines()[0] if str(e).strip() else "" for e in found]
    return "; ".join(f"{type(e).__name__}: {line}" for e, line in zip(found, lines, strict=True))


def summary_lines() -> list[str]:
    if not TALLY.cases:
        return []
    total = sum(TALLY.cases.values())
    operations = len({label for label, _ in TALLY.cases})
    callers = sorted({caller for _, caller in TALLY.cases})
    lines = [
        f"schemathesis: {total} generated cases over {operations} operations"
        f" as {', '.join(callers)}"
    ]
    if fuzz_seed():
        lines.append(f"schemathesis: seed {fuzz_seed()} (replay with FUZZ_SEED={fuzz_seed()})")
    lines.append(f"schemathesis: {len(TALLY.failures)} failing operation(s)")
    lines.extend(TALLY.failures.values())
    return lines
