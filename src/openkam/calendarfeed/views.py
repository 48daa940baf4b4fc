"""The calendar page (make, replace, revoke the secret address) and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from openkam.calendarfeed import services
from openkam.calendarfeed.feed import feed_entries, ical, upcoming
from openkam.core.http import HtmxHttpRequest

UPCOMING_DAYS = 60


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("calendarfeed:feed", args=[token]))


def _page(request: HtmxHttpRequest, new_url: str = "") -> HttpResponse:
    user = request.user
    allowed = services.calendar_feed_allowed(user=user)
    today = timezone.localdate()
    entries = feed_entries(user=user, today=today) if allowed else []  # type: ignore[arg-type]
    return render(
        request,
        "calendarfeed/page.html",
        {
            "allowed": allowed,
            "token": services.calendar_token_active(user=user),
            "new_url": new_url,
            "upcoming": upcoming(entries, today=today, days=UPCOMING_DAYS),
            "days": UPCOMING_DAYS,
            "count": len(entries),
        },
    )


@require_GET
def calendar_page(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def calendar_token_create(request: HtmxHttpRequest) -> HttpResponse:
    if not services.calendar_feed_allowed(user=request.user):
        raise PermissionDenied(_("Administrators have no calendar feed."))
    _token, clear = services.calendar_token_create(user=request.user)  # type: ignore[arg-type]
    # Shown once, in this answer; only its hash is kept.
    return _page(request, new_url=_feed_url(request, clear))


@require_POST
def calendar_token_revoke(request: HtmxHttpRequest) -> HttpResponse:
    if services.calendar_token_revoke(user=request.user):  # type: ignore[arg-type]
        messages.success(
            request, _("The calendar address is revoked; calendars using it get nothing more.")
        )
    return redirect("calendarfeed:page")


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The feed for calendar clients: no session, the secret address is the key. A wrong or
    revoked address answers 404, like an address that never existed."""
    user = services.calendar_token_authenticate(token=feed_token)
    if user is None:
        raise Http404
    body = ical(user=user, entries=feed_entries(user=user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="openkam.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
