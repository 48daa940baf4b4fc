"""Reads of imports and mapping profiles, and who may use them.

Who may import a kind of data is the target's rule (`Target.may_import`). Revenue is
company-wide: an import replaces invoices of every account at once, so only the head of key
accounts imports it (the administrator, who has no access to client data, does not). KAMs
read their accounts' revenue through the analytics pages, which start from
accounts_visible_to. The head sees every import's history; others see their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from openkam.core.errors import ForbiddenError, NotFoundError
from openkam.imports.models import ImportBatch, MappingProfile
from openkam.imports.targets import Target, get_target, registered_targets
from openkam.users.models import Role


def is_head(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.HEAD
    )


def import_targets_for(*, user: Any) -> list[Target]:
    """The kinds of data `user` may import (each target decides; revenue: the head)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [target for target in registered_targets() if target.may_import(user)]


def import_can_run(*, user: Any, kind: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return get_target(kind).may_import(user)


def import_require(*, user: Any, kind: str) -> None:
    if not import_can_run(user=user, kind=kind):
        raise ForbiddenError(_("You may not import this kind of data."))


def batches_visible_to(*, user: Any, kind: str = "") -> QuerySet[ImportBatch]:
    """The head sees every import; others their own, of kinds they may import."""
    kinds = [target.kind for target in import_targets_for(user=user)]
    qs = ImportBatch.objects.select_related("created_by", "profile").filter(kind__in=kinds)
    if not is_head(user):
        qs = qs.filter(created_by=user)
    return qs.filter(kind=kind) if kind else qs


def batch_get(*, user: Any, batch_id: int) -> ImportBatch:
    try:
        return batches_visible_to(user=user).get(pk=batch_id)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("Import not found.")) from None


def profiles_for(*, kind: str) -> QuerySet[MappingProfile]:
    return MappingProfile.objects.filter(kind=kind).order_by("name")


def profile_get(*, kind: str, name: str) -> MappingProfile:
    try:
        return MappingProfile.objects.get(kind=kind, name=name)
    except MappingProfile.DoesNotExist:
        known = ", ".join(profiles_for(kind=kind).values_list("name", flat=True)) or "-"
        raise NotFoundError(
            _("There is no mapping called %(name)s (saved mappings: %(known)s).")
            % {"name": name, "known": known}
        ) from None
