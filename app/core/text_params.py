"""The text rule (app.core.text) over path and query parameters: an app-wide dependency.

Apart from app.core.text so that what renders text without a web app (the offline annex
renderer, `ennakko annex render`) does not load FastAPI."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from app.core.text import forbidden_character, text_error


def _error(where: str, name: str, value: str, char: str) -> dict[str, Any]:
    message = text_error(char).message()
    return {"loc": (where, name), "msg": message, "type": "text_character", "input": value}


async def parameters_under_text_rule(request: Request) -> None:
    """App-wide dependency: every path and query parameter (names too) under the text rule.

    async: a pure check of strings already in memory, so it runs on the event loop instead
    of taking a thread-pool hop on every request."""
    errors = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and (char := forbidden_character(value)) is not None:
            errors.append(_error("path", name, value, char))
    for name, value in request.query_params.multi_items():
        char = forbidden_character(name + value)
        if char is not None:
            errors.append(_error("query", name, value, char))
    if errors:
        raise RequestValidationError(errors)
