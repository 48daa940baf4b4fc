"""Tier changes: a KAM asks, the head of key accounts decides.

Only the head sets a tier directly; anyone else's change becomes a pending request (made by the
account services, inside their transaction) that the head approves or rejects here. Approval
moves the account to the new tier as a new version of the account.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.models import Account, TierChangeRequest, TierChangeStatus
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import ForbiddenError, NotFoundError
from openkam.core.models import AuditAction
from openkam.users.models import Role, User


def _request_tier(*, actor: User, account: Account, to_tier: str, reason: str) -> TierChangeRequest:
    pending = TierChangeRequest.objects.filter(
        account=account, status=TierChangeStatus.PENDING
    ).first()
    if pending is not None:
        if pending.to_tier == to_tier:
            return pending
        raise ValidationError(
            {
                "tier": _("A change to %(tier)s is already waiting for the head's decision.")
                % {"tier": pending.get_to_tier_display()}
            }
        )
    request = TierChangeRequest(
        account=account,
        from_tier=account.tier,
        to_tier=to_tier,
        reason=reason,
        requested_by=actor,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=request,
        root=account,
        changes=diff({}, snapshot(request, ("from_tier", "to_tier", "reason"))),
    )
    return request


@transaction.atomic
def tier_request_decide(
    *, actor: User, request_id: int, approve: bool, note: str = ""
) -> TierChangeRequest:
    if actor.role != Role.HEAD:
        raise ForbiddenError(_("Only the head of key accounts approves tier changes."))
    try:
        request = (
            TierChangeRequest.objects.select_for_update()
            .select_related("account")
            .get(pk=request_id)
        )
    except (TierChangeRequest.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("Tier change request not found.")) from None
    if request.status != TierChangeStatus.PENDING:
        raise ValidationError(
            {
                "status": (
                    _("This request was already approved.")
                    if request.status == TierChangeStatus.APPROVED
                    else _("This request was already rejected.")
                )
            }
        )
    request.status = TierChangeStatus.APPROVED if approve else TierChangeStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.full_clean()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=request,
        root=request.account,
        changes=diff(
            {"status": (str(_("status")), str(TierChangeStatus.PENDING.label))},
            snapshot(request, ("status", "decision_note")),
        ),
    )
    if approve:
        account = Account.objects.select_for_update().get(pk=request.account_id)
        before = snapshot(account, ("tier",))
        account.tier = request.to_tier
        changes = diff(before, snapshot(account, ("tier",)))
        if changes:
            account.version += 1
            account.save(update_fields=["tier", "version", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                target=account,
                version=account.version,
                changes=changes,
            )
    return request
