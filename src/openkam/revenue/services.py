"""Linking ERP customer ids to accounts, creating accounts for them in bulk, and rebuilding
the rollups. Revenue lines themselves are written by the import (importing/)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from openkam.accounts.models import Account
from openkam.accounts.services import account_create
from openkam.core.audit import audit_record
from openkam.core.models import AuditAction
from openkam.revenue.models import Customer
from openkam.revenue.rollups import rollups_rebuild
from openkam.revenue.selectors import customers_require, customers_unmatched_by_revenue
from openkam.users.models import User


def _account_label(account: Account | None) -> str:
    return str(account) if account is not None else ""


@transaction.atomic
def customers_link(*, actor: Any, customer_ids: Sequence[int], account_id: int | None) -> int:
    """Link customer ids to an account (None unlinks them). Returns how many changed."""
    customers_require(user=actor)
    account = None
    if account_id is not None:
        try:
            account = Account.objects.get(pk=account_id)
        except (Account.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"account": _("No such account.")}) from None
    customers = list(
        Customer.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(pk__in=customer_ids)
    )
    if len(customers) != len(set(customer_ids)):
        raise ValidationError({"customers": _("Some of these customer ids do not exist.")})
    changed = 0
    now = timezone.now()
    for customer in customers:
        if customer.account_id == (account.pk if account else None):
            continue
        old = customer.account
        customer.account = account
        customer.updated_at = now
        customer.save(update_fields=["account", "updated_at"])
        changes = {
            "account": {
                "label": str(Customer._meta.get_field("account").verbose_name),
                "old": _account_label(old),
                "new": _account_label(account),
            }
        }
        root = account or old
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=customer, changes=changes, root=root
        )
        changed += 1
    return changed


def _country_code(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if len(text) == 2 and text.upper() in dict(countries):
        return text.upper()
    return countries.by_name(text) or ""


@transaction.atomic
def customers_create_accounts(
    *,
    actor: Any,
    owner: User | None = None,
    customer_ids: Sequence[int] | None = None,
    min_revenue: Decimal | None = None,
    source: str = "",
) -> list[Account]:
    """Create an account for each customer id without one (all, the given ones, or those
    with at least `min_revenue`), named after the customer and linked to it."""
    customers_require(user=actor)
    candidates = customers_unmatched_by_revenue(min_revenue=min_revenue, source=source)
    if customer_ids is not None:
        wanted = set(customer_ids)
        candidates = [c for c in candidates if c[0].pk in wanted]
        # Ids without revenue are not in the revenue list; take them too.
        listed = {c[0].pk for c in candidates}
        for customer in Customer.objects.filter(pk__in=wanted - listed, account__isnull=True):
            candidates.append((customer, "", Decimal(0)))
    created: list[Account] = []
    for customer, currency, _revenue in candidates:
        name = customer.name or _("Customer %(code)s") % {"code": customer.code}
        result = account_create(
            actor=actor,
            name=name[:200],
            owner=owner or actor,
            country=_country_code(customer.country),
            currency=currency,
            notes=_("Created from ERP customer id %(code)s (%(source)s).")
            % {"code": customer.code, "source": customer.source},
        )
        customers_link(actor=actor, customer_ids=[customer.pk], account_id=result.account.pk)
        created.append(result.account)
    return created


def revenue_rebuild(*, actor: Any = None) -> int:
    """Recompute every daily rollup from the lines."""
    return rollups_rebuild()
