"""Where a person stands in the client's organisation: whom they report to (someone of the
same client group, never in a circle) and which other accounts of the group they sit in."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from openkam.accounts.models import Account
from openkam.accounts.selectors import accounts_visible_to
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.selectors import account_group_ids
from openkam.users.models import User


def resolve_manager(
    *, person: Stakeholder, value: Stakeholder | int | str | None
) -> Stakeholder | None:
    """The person `person` reports to: someone of the same client group, and no cycle."""
    if value in (None, ""):
        return None
    manager_id = value.pk if isinstance(value, Stakeholder) else value
    try:
        manager = Stakeholder.objects.select_related("account").get(pk=manager_id)
    except (Stakeholder.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"reports_to": _("No such person.")}) from None
    if person.pk is not None and manager.pk == person.pk:
        raise ValidationError({"reports_to": _("A person cannot report to themselves.")})
    if manager.account_id not in account_group_ids(account_id=person.account_id):
        raise ValidationError(
            {
                "reports_to": _(
                    "%(manager)s works for %(company)s, outside this client's group; a person "
                    "reports only to someone of the same client."
                )
                % {"manager": manager.full_name, "company": manager.account.name}
            }
        )
    if person.pk is not None:
        _refuse_cycle(person=person, manager=manager)
    return manager


def _refuse_cycle(*, person: Stakeholder, manager: Stakeholder) -> None:
    chain = [manager]
    seen = {manager.pk}
    current_id = manager.reports_to_id
    while current_id is not None:
        if current_id == person.pk:
            path = " → ".join(p.full_name for p in [person, *chain, person])
            raise ValidationError(
                {
                    "reports_to": _(
                        "%(manager)s already reports to %(person)s (directly or through "
                        "others); this would make a circle: %(path)s."
                    )
                    % {"manager": manager.full_name, "person": person.full_name, "path": path}
                }
            )
        if current_id in seen:  # an older cycle above; stop rather than loop
            break
        seen.add(current_id)
        step = (
            Stakeholder.objects.filter(pk=current_id)
            .only("id", "first_name", "last_name", "reports_to_id")
            .first()
        )
        if step is None:
            break
        chain.append(step)
        current_id = step.reports_to_id


def resolve_other_accounts(
    *, actor: User, home: Account, value: Iterable[Account | int] | None
) -> list[Account]:
    """Other accounts of the home account's hierarchy that the actor may see."""
    ids: list[int] = []
    for item in value or ():
        try:
            ids.append(int(item.pk if isinstance(item, Account) else item))
        except (TypeError, ValueError):
            raise ValidationError({"other_accounts": _("No such account.")}) from None
    ids = [i for i in dict.fromkeys(ids) if i != home.pk]
    if not ids:
        return []
    found = {a.pk: a for a in accounts_visible_to(actor).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"other_accounts": _("No such account: %(ids)s.") % {"ids": missing}})
    group = account_group_ids(account_id=home.pk)
    outside = [found[i].name for i in ids if i not in group]
    if outside:
        raise ValidationError(
            {
                "other_accounts": _(
                    "%(names)s not part of %(home)s's group; a person can only sit in several "
                    "accounts of one hierarchy."
                )
                % {"names": ", ".join(outside), "home": home.name}
            }
        )
    return [found[i] for i in ids]
