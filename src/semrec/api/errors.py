"""The one place where errors become HTTP answers.

Semrec errors map by class (`STATUS`); request validation answers 422 naming field, value and
expectation; API refusals (401, 403, 413, 429...) are `ApiError`; anything else answers 500
with a generic message and is logged with its traceback.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from semrec.data.errors import (
    EncoderError,
    NotFittedError,
    NotFoundError,
    SemrecError,
    StoreError,
    ValidationError,
)

__all__ = ["STATUS", "ApiError", "error_response", "install_error_handlers", "internal_error"]

log = logging.getLogger("semrec.api")

#: HTTP status of each semrec error class; the first match in this order wins.
STATUS: tuple[tuple[type[SemrecError], int, str], ...] = (
    (ValidationError, 422, "validation"),
    (NotFoundError, 404, "not_found"),
    (NotFittedError, 503, "not_fitted"),
    (EncoderError, 503, "encoder_unavailable"),
    (StoreError, 503, "store_unavailable"),
    (SemrecError, 500, "error"),
)
_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
_MAX_VALUE_CHARS = 200
_UNKNOWN = "no such field: only the documented fields are accepted"


class ApiError(HTTPException):
    """A refusal by the API layer itself: bad credentials, missing scope, rate, size."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, message, dict(headers) if headers else None)
        self.code = code


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The JSON body every error answer has: ``{"error", "message", ...extra}``."""
    body = {"error": code, "message": message, **extra}
    return JSONResponse(body, status_code=status, headers=dict(headers) if headers else None)


def internal_error(method: str, path: str, exc: BaseException) -> JSONResponse:
    """Log an unhandled error with its traceback; the answer is a generic 500."""
    log.error("unhandled error on %s %s", method, path, exc_info=exc)
    return error_response(500, "internal", "internal server error (logged on the server)")


def _jsonable(value: Any) -> Any:
    """A bad value as JSON: small plain values as they are, anything else as a short repr."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        text = ""
    if text and len(text) <= _MAX_VALUE_CHARS:
        return value
    shown = value if isinstance(value, str) else repr(value)
    return shown[: _MAX_VALUE_CHARS - 3] + "..."


async def _semrec_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SemrecError)
    status, code = next((s, c) for kind, s, c in STATUS if isinstance(exc, kind))
    if isinstance(exc, ValidationError):
        value = _jsonable(exc.value)
        return error_response(
            status, code, str(exc), field=exc.field, value=value, expected=exc.expected
        )
    if status >= 500:
        log.error("%s: %s", type(exc).__name__, exc)
    return error_response(status, code, str(exc))


def _field_name(loc: Sequence[Any]) -> str:
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else list(loc)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or (str(loc[0]) if loc else "request")


def _one_problem(error: Mapping[str, Any]) -> dict[str, Any]:
    field = _field_name(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        reason = error.get("ctx", {}).get("error", "")
        return {"field": "body", "value": None, "expected": f"valid JSON ({reason})"}
    if error.get("type") == "extra_forbidden":
        return {"field": field, "value": _jsonable(error.get("input")), "expected": _UNKNOWN}
    value = None if error.get("type") == "missing" else _jsonable(error.get("input"))
    expected = str(error.get("msg", "a valid value")).removeprefix("Input should be ")
    return {"field": field, "value": value, "expected": expected}


async def _request_invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_one_problem(e) for e in exc.errors()] or [
        {"field": "request", "value": None, "expected": "a valid request"}
    ]
    first = problems[0]
    message = f"{first['field']}: got {first['value']!r}, expected {first['expected']}"
    return error_response(422, "validation", message, **first, errors=problems)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = exc.code if isinstance(exc, ApiError) else _CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on `app` (unhandled errors: see `internal_error`)."""
    app.add_exception_handler(SemrecError, _semrec_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(HTTPException, _http_error)
