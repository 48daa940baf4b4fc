"""Writes to accounts themselves: create, edit (with the version check) and delete. Every rule
about who may do what to an account lives here.

An account's team is written in `team_services` and its tier requests in `tier_services`;
creating and editing an account call into both (the owner leads the team, a KAM's tier change
becomes a request), so the dependency points from here to them, never back.

Each service runs in one transaction, validates with `full_clean()`, and writes an audit entry
for every business record it creates, changes or deletes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.accounts.models import Account, Tier, TierChangeRequest, default_account_currency
from openkam.accounts.search_index import index_account
from openkam.accounts.selectors import (
    account_can_create,
    account_can_delete,
    account_can_edit,
    account_get,
    accounts_visible_to,
)
from openkam.accounts.team_services import (
    _add_owner_to_team,
    _hand_over,
    account_team_member_add,
    account_team_member_remove,
    account_team_member_update,
)
from openkam.accounts.tier_services import _request_tier, tier_request_decide
from openkam.core.audit import audit_entries_for, audit_record, diff, snapshot
from openkam.core.errors import ConflictError, ForbiddenError
from openkam.core.models import AuditAction
from openkam.currency.currencies import currency_for_country
from openkam.search.services import search_document_delete
from openkam.users.models import Role, User

# The team and tier services answer here too: the tests and the demo predate the split, and the
# account import (importing/output.py) hands accounts over through `_hand_over` on this path.
__all__ = [
    "EDITABLE_FIELDS",
    "AccountWriteResult",
    "_hand_over",
    "account_create",
    "account_delete",
    "account_team_member_add",
    "account_team_member_remove",
    "account_team_member_update",
    "account_update",
    "tier_request_decide",
]

EDITABLE_FIELDS = (
    "name",
    "legal_name",
    "registration_number",
    "vat_number",
    "industry",
    "country",
    "currency",
    "website",
    "parent",
    "tier",
    "owner",
    "notes",
)


@dataclass(frozen=True)
class AccountWriteResult:
    account: Account
    tier_request: TierChangeRequest | None = None


def _resolve_parent(*, actor: User, parent: Account | int | None) -> Account | None:
    if parent is None or parent == "":
        return None
    parent_id = parent.pk if isinstance(parent, Account) else parent
    try:
        return accounts_visible_to(actor).get(pk=parent_id)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"parent": _("No such account.")}) from None


def _resolve_owner(owner: User | int | None) -> User:
    if owner is None or owner == "":
        raise ValidationError({"owner": _("Every account needs an owner (its KAM).")})
    owner_id = owner.pk if isinstance(owner, User) else owner
    try:
        user = User.objects.get(pk=owner_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"owner": _("No such user.")}) from None
    if not user.is_active or user.role not in (Role.KAM, Role.HEAD):
        raise ValidationError(
            {"owner": _("The owner must be an active key account manager or the head.")}
        )
    return user


def _check_hierarchy(account: Account) -> None:
    """Refuse a parent that is the account itself or one of its descendants."""
    if account.parent_id is None:
        return
    if account.pk is not None and account.parent_id == account.pk:
        raise ValidationError({"parent": _("An account cannot be its own parent.")})
    seen: set[int] = set()
    current_id: int | None = account.parent_id
    while current_id is not None:
        if account.pk is not None and current_id == account.pk:
            raise ValidationError(
                {
                    "parent": _(
                        "%(parent)s is below %(account)s in the hierarchy; choosing it as "
                        "parent would make a cycle."
                    )
                    % {"parent": account.parent, "account": account.name}
                }
            )
        if current_id in seen:  # a cycle that already exists above; stop rather than loop
            break
        seen.add(current_id)
        current_id = (
            Account.objects.filter(pk=current_id).values_list("parent_id", flat=True).first()
        )


@transaction.atomic
def account_create(
    *,
    actor: User,
    name: str,
    owner: User | int | None = None,
    legal_name: str = "",
    registration_number: str = "",
    vat_number: str = "",
    industry: str = "",
    country: str = "",
    currency: str = "",
    website: str = "",
    parent: Account | int | None = None,
    tier: str = Tier.OTHER,
    notes: str = "",
    tier_reason: str = "",
) -> AccountWriteResult:
    """Create an account. A KAM owns what they create; a tier other than "other" chosen by a
    KAM becomes a request for the head, as every tier change does."""
    if not account_can_create(user=actor):
        raise ForbiddenError(_("Your role cannot create accounts."))
    if actor.role == Role.KAM:
        if owner not in (None, "", actor.pk, actor):
            raise ValidationError({"owner": _("Only the head of key accounts assigns KAMs.")})
        owner = actor
    tier = tier or Tier.OTHER
    wanted_tier = tier
    if actor.role != Role.HEAD:
        tier = Tier.OTHER
    account = Account(
        name=name.strip(),
        legal_name=legal_name.strip(),
        registration_number=registration_number.strip(),
        vat_number=vat_number.strip(),
        industry=industry.strip(),
        country=country,
        # Unless given, the currency the account's country invoices in, else the reporting one.
        currency=(currency or "").strip().upper()
        or currency_for_country(country)
        or default_account_currency(),
        website=website.strip(),
        parent=_resolve_parent(actor=actor, parent=parent),
        tier=tier,
        owner=_resolve_owner(owner),
        notes=notes,
    )
    account.full_clean()
    account.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=account,
        version=account.version,
        changes=diff({}, snapshot(account, EDITABLE_FIELDS)),
    )
    _add_owner_to_team(actor=actor, account=account)
    index_account(account)
    request = None
    if wanted_tier != tier:
        request = _request_tier(
            actor=actor, account=account, to_tier=wanted_tier, reason=tier_reason
        )
    return AccountWriteResult(account=account, tier_request=request)


def _conflict(account: Account, expected_version: int) -> ConflictError:
    changes = list(
        audit_entries_for(account).filter(version__gt=expected_version).order_by("at", "id")
    )
    who = ", ".join(sorted({str(e.actor) for e in changes if e.actor})) or _("someone else")
    return ConflictError(
        _(
            "%(who)s changed this account after you opened it (now version %(version)s, you "
            "edited version %(expected)s). Nothing was saved: review their change below."
        )
        % {"who": who, "version": account.version, "expected": expected_version},
        current=account,
        changes=changes,
    )


@transaction.atomic
def account_update(
    *,
    actor: User,
    account_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    tier_reason: str = "",
) -> AccountWriteResult:
    """Apply `changes` to an account if nobody changed it since `expected_version`.

    The row is locked for the check-and-write, so two concurrent saves cannot both pass the
    version check. A KAM's tier change becomes a request for the head; only the head assigns
    owners.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    account_get(user=actor, account_id=account_id)  # 404 before anything else
    account = Account.objects.select_for_update().select_related("owner").get(pk=account_id)
    if not account_can_edit(user=actor, account=account):
        raise ForbiddenError(_("You may read this account but not change it."))
    if account.version != expected_version:
        raise _conflict(account, expected_version)

    before = snapshot(account, EDITABLE_FIELDS)
    old_owner = account.owner
    request = None
    for name, value in changes.items():
        if name == "parent":
            account.parent = _resolve_parent(actor=actor, parent=value)
        elif name == "owner":
            new_owner = _resolve_owner(value)
            if new_owner.pk != account.owner_id and actor.role != Role.HEAD:
                raise ValidationError({"owner": _("Only the head of key accounts assigns KAMs.")})
            account.owner = new_owner
        elif name == "tier":
            if value != account.tier:
                if actor.role == Role.HEAD:
                    account.tier = value
                else:
                    if value not in Tier.values:
                        raise ValidationError({"tier": _("Choose a valid tier.")})
                    request = _request_tier(
                        actor=actor, account=account, to_tier=value, reason=tier_reason
                    )
        elif name == "currency":
            account.currency = (
                str(value or "").strip().upper()
                or currency_for_country(str(account.country or ""))
                or default_account_currency()
            )
        elif isinstance(value, str):
            setattr(account, name, value.strip() if name != "notes" else value)
        else:
            setattr(account, name, value)
    _check_hierarchy(account)
    account.full_clean()
    field_changes = diff(before, snapshot(account, EDITABLE_FIELDS))
    if field_changes:
        account.version += 1
        account.save(update_fields=[*field_changes.keys(), "version", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=account,
            version=account.version,
            changes=field_changes,
        )
        if "owner" in field_changes:
            _hand_over(actor=actor, account=account, old_owner=old_owner)
        index_account(account)
    return AccountWriteResult(account=account, tier_request=request)


@transaction.atomic
def account_delete(*, actor: User, account_id: int, expected_version: int | None = None) -> None:
    account = account_get(user=actor, account_id=account_id)
    if not account_can_delete(user=actor, account=account):
        raise ForbiddenError(_("Only the head of key accounts deletes accounts."))
    account = Account.objects.select_for_update().get(pk=account_id)
    if expected_version is not None and account.version != expected_version:
        raise _conflict(account, expected_version)
    children = Account.objects.filter(parent=account).count()
    if children:
        raise ValidationError(
            {
                "parent": ngettext(
                    "%(name)s has %(count)s child account; move or delete it first.",
                    "%(name)s has %(count)s child accounts; move or delete them first.",
                    children,
                )
                % {"name": account.name, "count": children}
            }
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=account,
        version=account.version,
        changes=diff(snapshot(account, EDITABLE_FIELDS), {}),
    )
    search_document_delete(kind="account", object_id=account.pk)
    account.delete()
