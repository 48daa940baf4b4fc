"""How domain errors and invalid input answer in the API: JSON naming the field and reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from openkam.core.errors import (
    INVALID_REQUEST_MESSAGE,
    NOT_FOUND_MESSAGE,
    ConflictError,
    ForbiddenError,
    NotFoundError,
)

# Where pydantic names the place of a value, these words are containers, not fields.
_CONTAINERS = {"body", "query", "path", "header", "cookie", "form", "payload", "data"}


def _field_from_loc(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if str(p) not in _CONTAINERS]
    return ".".join(parts) or "__all__"


def _django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "__all__" if field == NON_FIELD_ERRORS else field, "reason": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "__all__", "reason": message} for message in exc.messages]


def install_error_handlers(api: NinjaAPI, conflict_body: Any) -> None:
    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": str(NOT_FOUND_MESSAGE)}, status=404)

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=403)

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, conflict_body(exc), status=409)

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": str(INVALID_REQUEST_MESSAGE), "errors": _django_errors(exc)},
            status=422,
        )

    def invalid_input(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"field": _field_from_loc(error.get("loc", ())), "reason": error.get("msg", "")}
            for error in exc.errors
        ]
        return api.create_response(
            request, {"detail": str(INVALID_REQUEST_MESSAGE), "errors": errors}, status=422
        )

    api.add_exception_handler(NotFoundError, not_found)
    api.add_exception_handler(ForbiddenError, forbidden)
    api.add_exception_handler(ConflictError, conflict)
    api.add_exception_handler(DjangoValidationError, invalid)
    api.add_exception_handler(NinjaValidationError, invalid_input)
