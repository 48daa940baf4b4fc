from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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


# Room for the form fields and multipart boundaries around the file itself.
_ENVELOPE_BYTES = 1024 * 1024


def largest_upload_mb() -> int:
    """The largest file any page or endpoint takes (an import or an attachment)."""
    return max(int(settings.KAM_IMPORT_MAX_MB), int(settings.KAM_ATTACHMENT_MAX_MB))


class UploadSizeMiddleware:
    """Refuses a request whose body is larger than the largest file OpenKAM accepts, by its
    Content-Length, before anything reads it: Django would otherwise receive the whole body
    into a temporary file (filling the disk with a mistaken 20 GB upload) and only then let
    the feature say it is too large. Each feature still checks its own, smaller limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = largest_upload_mb()
        if length > limit * 1024 * 1024 + _ENVELOPE_BYTES:
            message = _(
                "The upload is %(size).1f MB; OpenKAM takes files of at most %(max)s MB "
                "(imports at most %(imports)s MB, attachments at most %(attachments)s MB)."
            ) % {
                "size": length / 1024 / 1024,
                "max": limit,
                "imports": settings.KAM_IMPORT_MAX_MB,
                "attachments": settings.KAM_ATTACHMENT_MAX_MB,
            }
            if request.path_info.startswith("/api/"):
                response: HttpResponse = JsonResponse({"detail": message}, status=413)
            else:
                response = render(request, "413.html", {"message": message}, status=413)
            # The body is not read: the client must not reuse the connection for another
            # request, whose start would be taken for the rest of this body.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
