"""Writes to an account's team: who works on it, in which role and at which level.

The account's owner always leads its team: creating an account and handing it to a new owner
go through `_add_owner_to_team` and `_hand_over` (called by the account services and the
account import, inside their transaction). Each service runs in one transaction, validates
with `full_clean()` and audits on the account's history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import Account, AccountTeamMember, TeamRole
from openkam.accounts.selectors import account_can_edit, account_get
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.choices import Level
from openkam.core.errors import ForbiddenError, NotFoundError
from openkam.core.models import AuditAction
from openkam.users.models import Role, User

TEAM_FIELDS = ("user", "team_role", "level")


# --- The owner leads the team --------------------------------------------------------------


def _add_owner_to_team(*, actor: User, account: Account) -> None:
    member, created = AccountTeamMember.objects.get_or_create(
        account=account,
        user=account.owner,
        defaults={"team_role": TeamRole.KAM_LEAD, "level": Level.HEAD_OF_DEPARTMENT},
    )
    before = snapshot(member, ("team_role",))
    if not created and member.team_role != TeamRole.KAM_LEAD:
        member.team_role = TeamRole.KAM_LEAD
        member.save(update_fields=["team_role", "updated_at"])
    after = snapshot(member, TEAM_FIELDS)
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=member,
            root=account,
            changes=diff({}, after),
        )
    elif changes := diff(before, snapshot(member, ("team_role",))):
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=member, root=account, changes=changes
        )


def _hand_over(*, actor: User, account: Account, old_owner: User) -> None:
    """The new owner leads the team; the previous owner leaves it (the audit keeps the record)."""
    _add_owner_to_team(actor=actor, account=account)
    old = AccountTeamMember.objects.filter(
        account=account, user=old_owner, team_role=TeamRole.KAM_LEAD
    ).first()
    if old is not None:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            target=old,
            root=account,
            changes=diff(snapshot(old, TEAM_FIELDS), {}),
        )
        old.delete()


# --- Team members --------------------------------------------------------------------------


def _editable_account(*, actor: User, account_id: int) -> Account:
    account = account_get(user=actor, account_id=account_id)
    if not account_can_edit(user=actor, account=account):
        raise ForbiddenError(_("You may read this account but not change its team."))
    return account


def _team_user(user: User | int) -> User:
    user_id = user.pk if isinstance(user, User) else user
    try:
        member = User.objects.get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"user": _("No such user.")}) from None
    if not member.is_active or member.role == Role.ADMIN:
        raise ValidationError(
            {"user": _("Only active KAMs, specialists and the head can join a team.")}
        )
    return member


@transaction.atomic
def account_team_member_add(
    *, actor: User, account_id: int, user: User | int, team_role: str, level: str
) -> AccountTeamMember:
    account = _editable_account(actor=actor, account_id=account_id)
    member = AccountTeamMember(
        account=account, user=_team_user(user), team_role=team_role, level=level
    )
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=member,
        root=account,
        changes=diff({}, snapshot(member, TEAM_FIELDS)),
    )
    return member


def _member(*, actor: User, account_id: int, member_id: int) -> AccountTeamMember:
    account = _editable_account(actor=actor, account_id=account_id)
    try:
        return (
            AccountTeamMember.objects.select_for_update()
            .select_related("user", "account")
            .get(pk=member_id, account=account)
        )
    except (AccountTeamMember.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("Team member not found.")) from None


@transaction.atomic
def account_team_member_update(
    *, actor: User, account_id: int, member_id: int, team_role: str, level: str
) -> AccountTeamMember:
    member = _member(actor=actor, account_id=account_id, member_id=member_id)
    if member.user_id == member.account.owner_id and team_role != TeamRole.KAM_LEAD:
        raise ValidationError(
            {"team_role": _("The account's owner leads its team; assign another owner first.")}
        )
    before = snapshot(member, TEAM_FIELDS)
    member.team_role = team_role
    member.level = level
    member.full_clean()
    changes = diff(before, snapshot(member, TEAM_FIELDS))
    if changes:
        member.save(update_fields=["team_role", "level", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=member,
            root=member.account,
            changes=changes,
        )
    return member


@transaction.atomic
def account_team_member_remove(*, actor: User, account_id: int, member_id: int) -> None:
    member = _member(actor=actor, account_id=account_id, member_id=member_id)
    if member.user_id == member.account.owner_id:
        raise ValidationError(
            {"user": _("The account's owner cannot leave its team; assign another owner first.")}
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=member,
        root=member.account,
        changes=diff(snapshot(member, TEAM_FIELDS), {}),
    )
    member.delete()
