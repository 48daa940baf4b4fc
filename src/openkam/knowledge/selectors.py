"""Reads of knowledge. Account entries follow `accounts_visible_to`; the library is read by
everybody with client access (head, KAMs, specialists) and by nobody else."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, accounts_visible_to
from openkam.core.errors import NotFoundError
from openkam.knowledge.models import KnowledgeEntry
from openkam.users.models import Role

CLIENT_ROLES = (Role.HEAD, Role.KAM, Role.SPECIALIST)
REFERENCE = re.compile(r"\[\[kb:(\d{1,12})\]\]")


def reads_knowledge(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role in CLIENT_ROLES
    )


def knowledge_visible_to(*, user: Any) -> QuerySet[KnowledgeEntry]:
    if not reads_knowledge(user):
        return KnowledgeEntry.objects.none()
    return KnowledgeEntry.objects.filter(
        Q(account__isnull=True) | Q(account__in=accounts_visible_to(user))
    )


def knowledge_get(*, user: Any, entry_id: int) -> KnowledgeEntry:
    try:
        return (
            knowledge_visible_to(user=user)
            .select_related("account", "created_by", "updated_by")
            .get(pk=entry_id)
        )
    except (KnowledgeEntry.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Knowledge entry not found.") from None


def library_can_edit(*, user: Any) -> bool:
    """The head and the KAMs maintain the company-wide library."""
    return reads_knowledge(user) and user.role in (Role.HEAD, Role.KAM)


def knowledge_can_edit(*, user: Any, entry: KnowledgeEntry) -> bool:
    if entry.account_id is None:
        return library_can_edit(user=user)
    assert entry.account is not None
    return account_can_edit(user=user, account=entry.account)


def knowledge_can_create(*, user: Any, account: Account | None) -> bool:
    if account is None:
        return library_can_edit(user=user)
    return account_can_edit(user=user, account=account)


def normalise_tags(raw: str | Iterable[str]) -> str:
    """ "Price,  delivery , price" -> "Price,delivery": trimmed, no empty or repeated tags."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, str] = {}
    for item in items:
        tag = " ".join(str(item).split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return ",".join(seen.values())


@dataclass(frozen=True)
class KnowledgeFilters:
    q: str = ""
    kind: str = ""
    tag: str = ""
    # "library": the company library; "accounts": entries of accounts; "": both
    scope: str = ""
    account_id: int | None = None


def _tag_q(tag: str) -> Q:
    return (
        Q(tags__iexact=tag)
        | Q(tags__istartswith=f"{tag},")
        | Q(tags__iendswith=f",{tag}")
        | Q(tags__icontains=f",{tag},")
    )


def knowledge_list(*, user: Any, filters: KnowledgeFilters) -> QuerySet[KnowledgeEntry]:
    """Entries as a list: one query for the rows (account and author joined)."""
    qs = knowledge_visible_to(user=user).select_related("account", "updated_by")
    if filters.scope == "library":
        qs = qs.filter(account__isnull=True)
    elif filters.scope == "accounts":
        qs = qs.filter(account__isnull=False)
    if filters.account_id is not None:
        qs = qs.filter(account_id=filters.account_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.tag:
        qs = qs.filter(_tag_q(" ".join(filters.tag.split())))
    if filters.q:
        for term in filters.q.split():
            qs = qs.filter(
                Q(title__icontains=term) | Q(body__icontains=term) | Q(tags__icontains=term)
            )
    return qs.order_by("title", "id")


def knowledge_tags(*, user: Any, scope_account_id: int | None = None) -> list[str]:
    """Tags in use, for the filter: read from the tag column only."""
    qs = knowledge_visible_to(user=user).exclude(tags="")
    if scope_account_id is not None:
        qs = qs.filter(Q(account_id=scope_account_id) | Q(account__isnull=True))
    tags: dict[str, str] = {}
    for value in qs.values_list("tags", flat=True).distinct()[:2000]:
        for tag in value.split(","):
            if tag:
                tags.setdefault(tag.casefold(), tag)
    return sorted(tags.values(), key=str.casefold)


def referenced_entries(*, user: Any, texts: Iterable[str]) -> dict[int, KnowledgeEntry]:
    """The entries that `[[kb:<id>]]` references in `texts` point to, as far as `user` may
    see them: one query for any number of texts."""
    ids = {int(m) for text in texts for m in REFERENCE.findall(text or "")}
    if not ids:
        return {}
    return {
        e.pk: e
        for e in knowledge_visible_to(user=user)
        .filter(pk__in=ids)
        .only("id", "title", "kind", "account_id")
    }
