from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from openkam.accounts.models import Account, Tier
from openkam.accounts.selectors import accounts_visible_to, tier_requests_pending
from openkam.core.audit import audit_entries_for_roots
from openkam.core.models import AuditEntry
from openkam.users.models import Role
from openkam.web.selectors import follow_up_for

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """The overview: the portfolio the user may see, at a glance."""
    user = request.user
    if user.role == Role.ADMIN:  # type: ignore[union-attr]
        return redirect("users:list")
    visible = accounts_visible_to(user)
    by_tier = {
        row["tier"]: row["n"] for row in visible.order_by().values("tier").annotate(n=Count("id"))
    }
    context = {
        "total_accounts": sum(by_tier.values()),
        "tier_stats": [(tier.value, tier.label, by_tier.get(tier.value, 0)) for tier in Tier],
        "owned": visible.filter(owner_id=user.pk).count(),
        "recent_accounts": visible.select_related("owner").order_by("-updated_at")[:8],
        "pending_tier_requests": (
            tier_requests_pending(user=user)[:10] if user.role == Role.HEAD else []  # type: ignore[union-attr]
        ),
        "recent_changes": _with_accounts(
            audit_entries_for_roots(Account, visible.values("pk"), limit=10)
        ),
        "follow_up": follow_up_for(user=user),
        "today": timezone.localdate(),
    }
    return render(request, "web/home.html", context)


def _with_accounts(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Name and link the account of each entry, so that "added Kari to the team" says where
    (one query for all of them)."""
    names = dict(
        Account.objects.filter(pk__in={entry.root_id for entry in entries}).values_list(
            "pk", "name"
        )
    )
    for entry in entries:
        if entry.root_id in names:
            entry.root_name = names[entry.root_id]  # type: ignore[attr-defined]
            entry.root_url = reverse("accounts:detail", args=[entry.root_id])  # type: ignore[attr-defined]
    return entries


@login_not_required
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"exception_message": message}, status=403)


@login_not_required
def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever failed must not fail again while rendering this page.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
