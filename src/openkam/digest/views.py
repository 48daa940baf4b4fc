"""Digest pages: the archive, one digest, a preview of the next, and the rhythm."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.digest import periods, selectors, services
from openkam.digest.forms import ScheduleForm
from openkam.digest.models import DigestScope
from openkam.users.models import Role, User


def _schedule_form(data: Any = None) -> ScheduleForm:
    r = periods.rhythm()
    return ScheduleForm(data, initial={"interval_days": r.interval_days, "weekday": r.weekday})


@require_GET
def digest_list(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    qs = selectors.digests_visible_to(user=user)
    scope = request.GET.get("scope", "")
    if scope == DigestScope.DEPARTMENT:
        qs = qs.filter(scope=DigestScope.DEPARTMENT)
    elif scope.isdigit():
        qs = qs.filter(scope=DigestScope.KAM, kam_id=int(scope))
    page = Paginator(
        qs.order_by("-period_start", "scope", "kam__first_name"), settings.KAM_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    is_head = user.role == Role.HEAD  # type: ignore[union-attr]
    return render(
        request,
        "digest/list.html",
        {
            "page_obj": page,
            "digests": page.object_list,
            "scope": scope,
            "kams": services.digest_kams() if is_head else [],
            "is_head": is_head,
            "can_preview": selectors.digest_can_preview(user=user),
            "schedule_form": _schedule_form() if is_head else None,
            "rhythm": periods.rhythm(),
            "next_send": periods.next_send_days(1)[0],
            "send_hour": settings.KAM_SCHEDULE_HOUR,
            "querystring_base": f"scope={scope}&" if scope else "",
        },
    )


@require_GET
def digest_detail(request: HtmxHttpRequest, digest_id: int) -> HttpResponse:
    digest = selectors.digest_get(user=request.user, digest_id=digest_id)
    html, _text = services.content_for(digest, get_language() or settings.LANGUAGE_CODE)
    return render(
        request,
        "digest/detail.html",
        {
            "digest": digest,
            # Rendered by our own templates, with autoescaping, from the archived facts.
            "content": mark_safe(html),  # noqa: S308
            "subject": services.subject_for(digest.data),
        },
    )


@require_GET
def digest_preview(request: HtmxHttpRequest) -> HttpResponse:
    """The digest as it would read today for the running period (not archived, not sent)."""
    user = request.user
    if not selectors.digest_can_preview(user=user):
        raise PermissionDenied(_("Digests are for key account managers and the head."))
    kam = None if user.role == Role.HEAD else user  # type: ignore[union-attr]
    if kam is None and request.GET.get("kam", "").isdigit():
        kam = User.objects.filter(pk=int(request.GET["kam"]), role=Role.KAM).first()
    period = periods.running_period()
    data = services.digest_data(kam=kam, period=period)  # type: ignore[arg-type]
    html, _text = services.render(data, get_language() or settings.LANGUAGE_CODE)
    return render(
        request,
        "digest/preview.html",
        {
            "content": mark_safe(html),  # noqa: S308 (our templates, autoescaped)
            "subject": services.subject_for(data),
            "period": period,
            "kam": kam,
            "kams": services.digest_kams() if user.role == Role.HEAD else [],  # type: ignore[union-attr]
            "now": timezone.now(),
        },
    )


@require_POST
def digest_schedule(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.role != Role.HEAD:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only the head of key accounts sets the digest's rhythm."))
    form = _schedule_form(request.POST)
    if form.is_valid():
        try:
            services.digest_schedule_update(
                actor=request.user,  # type: ignore[arg-type]
                interval_days=form.cleaned_data["interval_days"],
                weekday=form.cleaned_data["weekday"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The digest's rhythm is saved."))
            return redirect("digest:list")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("digest:list")
