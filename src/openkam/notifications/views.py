"""The notification centre: a person's own messages, read/unread, and their preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.notifications import selectors, services
from openkam.notifications.forms import PreferenceForm
from openkam.notifications.selectors import default_lead_days, email_kinds_for, preference_for


@require_GET
def notification_list(request: HtmxHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    qs = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(qs, settings.KAM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread_only": unread_only,
            "unread": selectors.unread_count(user=request.user),
            "querystring_base": "show=unread&" if unread_only else "",
        },
    )


def _back(request: HtmxHttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_read(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    """Mark read (or unread with `read=0`); with `open=1`, go on to what it is about."""
    read = request.POST.get("read", "1") != "0"
    notification = services.notification_mark_read(
        user=request.user, notification_id=notification_id, read=read
    )
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    if request.htmx:
        return render(request, "notifications/_item.html", {"n": notification})
    return _back(request)


@require_POST
def notification_read_all(request: HtmxHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications marked as read."))
    return _back(request)


@login_not_required
@require_GET
def notification_badge(request: HtmxHttpRequest) -> HttpResponse:
    """The bell in the top bar, loaded after the page (so pages do not pay for the count).

    Open without a session, answering nothing: when a session runs out while a page is
    open, its next poll must not put the sign-in page inside the bell."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread": selectors.unread_count(user=request.user)},  # 0 when signed out
    )


@require_http_methods(["GET", "POST"])
def notification_preferences(request: HtmxHttpRequest) -> HttpResponse:
    preference = preference_for(user=request.user)
    initial = {
        "reminder_lead_days": preference.reminder_lead_days,
        "email_kinds": [kind for kind, _label, on in email_kinds_for(preference) if on],
    }
    form = PreferenceForm(
        request.POST or None, initial=initial, default_lead_days=default_lead_days()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(
                user=request.user,
                reminder_lead_days=form.cleaned_data["reminder_lead_days"],
                email_kinds=form.cleaned_data["email_kinds"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(getattr(request.user, "email", ""))},
    )
