"""One error hierarchy, one body shape, one set of handlers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, routing
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any | None = None


class ErrorBody(BaseModel):
    """The body of every non-2xx response."""

    error: ErrorDetail


class AppError(Exception):
    status: int = 400
    code: str = "bad_request"
    # True when the request's writes must be committed although it fails.
    keep_changes: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message)
        self.keep_changes = keep_changes
        self.message = message
        self.details = details
        self.headers = headers or {}
        if code is not None:
            self.code = code


class Unauthorized(AppError):
    status, code = 401, "unauthorized"

    def __init__(self, message: str = "Authentication required", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kw)


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class InvalidState(AppError):
    status, code = 409, "invalid_state"


class PreconditionFailed(AppError):
    status, code = 412, "precondition_failed"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class Unprocessable(AppError):
    status, code = 422, "validation_error"


class PreconditionRequired(AppError):
    status, code = 428, "precondition_required"


class TooManyRequests(AppError):
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, **kw: Any) -> None:
        kw["headers"] = {"Retry-After": str(max(1, retry_after))}
        super().__init__(message, **kw)


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def internal_error_response() -> JSONResponse:
    return error_response(500, "internal_error", "Internal server error")


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entry documenting the error body for each status."""
    return {
        s: {
            "model": ErrorBody,
            "description": _DESCRIPTIONS.get(s, "Error"),
            # Explicit, so routes answering another media type still document JSON errors.
            "content": {"application/json": {}},
        }
        for s in statuses
    }


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed for the caller's role",
    404: "Not found (or not visible to the caller's organisation)",
    409: "Conflict with the current state",
    412: "The If-Match version is stale",
    413: "Request body too large",
    422: "Invalid payload",
    428: "If-Match header required",
    429: "Too many requests",
    503: "Busy (`busy`: retry after `Retry-After`) or the database is unavailable",
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Render every error, including framework ones, as an ErrorBody."""

    @app.exception_handler(AppError)
    async def _app_error(_req: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            422, "validation_error", "The request is not valid", _validation_details(exc)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return error_response(exc.status_code, code, str(exc.detail), None, headers or None)


def allowed_methods(request: Request) -> str:
    """Every method some route answers on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in routing.iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


BODY_PARSE_ERROR = {
    "description": "The body cannot be parsed at all (e.g. a broken form or multipart encoding)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


def document_body_errors(app: FastAPI) -> None:
    """Every operation with a body can answer 400 when the framework cannot parse the body;
    the spec says so (schema clients and fuzzers otherwise take it for an undocumented status)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    if isinstance(operation, dict) and "requestBody" in operation:
                        operation["responses"].setdefault("400", BODY_PARSE_ERROR)
        return generate()

    app.openapi = openapi  # type: ignore[method-assign]


BUSY_ERROR = {
    "description": (
        "`busy`: the request waited too long for its turn at the database (a few sessions at "
        "once per process, and one write at a time on SQLite) or to have a secret checked; "
        "retry after `Retry-After` seconds"
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


def document_busy(app: FastAPI) -> None:
    """Every API operation can answer 503 `busy` (app/core/gates.py); the spec says so."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path, path_item in schema.get("paths", {}).items():
                for operation in path_item.values():
                    if path.startswith("/api/") and isinstance(operation, dict):
                        operation["responses"].setdefault("503", BUSY_ERROR)
        return generate()

    app.openapi = openapi  # type: ignore[method-assign]
