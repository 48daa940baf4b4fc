from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from openkam.core.errors import ForbiddenError, NotFoundError


class DomainErrorMiddleware:
    """Pages answer a service's NotFoundError with the 404 page and ForbiddenError with 403,
    the same pages Django shows for its own errors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFoundError):
            raise Http404(str(exception)) from exception
        if isinstance(exception, ForbiddenError):
            raise PermissionDenied(str(exception)) from exception
