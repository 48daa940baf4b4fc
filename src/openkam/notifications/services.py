"""Writes of notifications: creating them once, the e-mail outbox and its delivery, reading and
preferences.

`notification_send` is what other apps call. It is idempotent by `key`: calling it twice for
the same recipient and key creates one notification and at most one e-mail, even from two
processes at the same moment (the unique constraint decides who created it).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openkam.notifications.models import (
    EMAIL_BY_DEFAULT,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutgoingEmail,
)
from openkam.notifications.selectors import notification_get, preference_for, wants_email

logger = logging.getLogger(__name__)


@contextmanager
def recipient_language(user: Any) -> Iterator[None]:
    """Render what one person reads in their language (the installation's when unset)."""
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        yield


def absolute_url(path: str) -> str:
    """A link for an e-mail or a calendar: the site's address from KAM_BASE_URL plus `path`."""
    if not path or re.match(r"^[a-z]+://", path):
        return path
    return settings.KAM_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def mail_domain() -> str:
    return urlsplit(settings.KAM_BASE_URL).hostname or "openkam.localhost"


@dataclass(frozen=True)
class EmailContent:
    """An e-mail other than the standard one (e.g. the digest with its full report)."""

    subject: str
    text: str
    html: str = ""


def _standard_email(notification: Notification) -> EmailContent:
    context = {
        "notification": notification,
        "link": absolute_url(notification.url),
        "preferences_link": absolute_url("/notifications/preferences/"),
    }
    return EmailContent(
        subject=notification.title,
        text=render_to_string("notifications/email/notification.txt", context),
        html=render_to_string("notifications/email/notification.html", context),
    )


def _queue_email(
    *, notification: Notification, content: EmailContent | None
) -> OutgoingEmail | None:
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        return None
    with recipient_language(recipient):
        content = content or _standard_email(notification)
    key = f"notification:{notification.pk}"
    token = secrets.token_hex(6)
    return OutgoingEmail.objects.create(
        key=key,
        notification=notification,
        recipient=recipient,
        to=recipient.email,
        subject=content.subject[:300],
        body_text=content.text,
        body_html=content.html,
        # Fixed now, so that every attempt to send carries the same Message-ID.
        message_id=f"<openkam.n{notification.pk}.{token}@{mail_domain()}>",
        next_attempt_at=timezone.now(),
    )


def notification_send(
    *,
    recipient: Any,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    source_type: str = "",
    source_id: int | None = None,
    email: EmailContent | None = None,
    deliver_soon: bool = True,
    preference: NotificationPreference | None = None,
) -> Notification | None:
    """Tell `recipient` something, once per `key`; also by e-mail when they want this kind.

    Returns the new notification, or None when one with this key already existed. The e-mail
    is queued in the same transaction; `deliver_soon` asks a worker to send it right after
    the commit (the scheduler, which delivers at the end of its own run, passes False).
    """
    if not recipient.is_active:
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    key=key[:200],
                    title=title[:300],
                    body=body,
                    url=url,
                    source_type=source_type,
                    source_id=source_id,
                )
        except IntegrityError:
            return None  # sent before: by an earlier run, or by another worker just now
        preference = preference or preference_for(user=recipient)
        queued = None
        if wants_email(preference, kind):
            queued = _queue_email(notification=notification, content=email)
        if queued is not None and deliver_soon:
            from openkam.notifications.tasks import deliver_outbox

            transaction.on_commit(lambda: deliver_outbox.enqueue())
    return notification


# --- Delivery ------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.KAM_WORKER_LEASE_SECONDS)


def _claim_email(*, email_id: int, worker_id: str, now: datetime) -> bool:
    """Take one pending e-mail for a lease. A conditional UPDATE: of two workers, one wins."""
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    won = (
        OutgoingEmail.objects.filter(
            claimable, pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=now
        ).update(
            claimed_by=worker_id,
            claimed_until=now + _lease(),
            attempts=F("attempts") + 1,
        )
        == 1
    )
    return won


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def outbox_deliver(*, worker_id: str, limit: int = 200) -> int:
    """Send what waits in the outbox; returns how many went out.

    Each e-mail is claimed before sending and marked sent right after the SMTP server took
    it. A failure keeps it pending with a growing delay, up to KAM_EMAIL_MAX_ATTEMPTS.
    """
    now = timezone.now()
    due = list(
        OutgoingEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return 0
    sent = 0
    connection = mailers.default
    try:
        for email_id in due:
            now = timezone.now()
            if not _claim_email(email_id=email_id, worker_id=worker_id, now=now):
                continue  # another worker has it
            email = OutgoingEmail.objects.get(pk=email_id)
            try:
                connection.send_messages([_message(email)])
            except Exception as exc:
                _record_failure(email=email, worker_id=worker_id, error=exc)
                connection.close()  # a broken connection is reopened for the next message
                continue
            OutgoingEmail.objects.filter(pk=email_id, claimed_by=worker_id).update(
                status=EmailStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            sent += 1
    finally:
        connection.close()
    return sent


def _record_failure(*, email: OutgoingEmail, worker_id: str, error: Exception) -> None:
    give_up = email.attempts >= settings.KAM_EMAIL_MAX_ATTEMPTS
    logger.warning(
        "E-mail %s to %s failed (attempt %s%s): %s",
        email.pk,
        email.to,
        email.attempts,
        ", giving up" if give_up else "",
        error,
    )
    OutgoingEmail.objects.filter(pk=email.pk, claimed_by=worker_id).update(
        status=EmailStatus.FAILED if give_up else EmailStatus.PENDING,
        claimed_until=None,
        next_attempt_at=timezone.now() + _retry_delay(email.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


# --- Reading -------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: Any, notification_id: int, read: bool = True) -> Notification:
    notification = notification_get(user=user, notification_id=notification_id)
    if read and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    elif not read and notification.read_at is not None:
        notification.read_at = None
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences ---------------------------------------------------------------------------

MAX_LEAD_DAYS = 60


@transaction.atomic
def preference_update(
    *, user: Any, reminder_lead_days: int | None, email_kinds: list[str] | set[str]
) -> NotificationPreference:
    """Save how early the person wants reminders and which kinds come by e-mail.

    Only the choices that differ from the defaults are stored, so a kind added later starts
    with its own default for everyone who never touched it.
    """
    unknown = sorted(set(email_kinds) - set(NotificationKind.values))
    if unknown:
        raise ValidationError(
            {"email_kinds": _("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}}
        )
    if reminder_lead_days is not None and not 0 <= reminder_lead_days <= MAX_LEAD_DAYS:
        raise ValidationError(
            {"reminder_lead_days": _("Choose between 0 and %(max)s days.") % {"max": MAX_LEAD_DAYS}}
        )
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    chosen = set(email_kinds)
    preference.email_choices = {
        kind: kind in chosen
        for kind in NotificationKind.values
        if (kind in chosen) != EMAIL_BY_DEFAULT.get(kind, False)
    }
    preference.reminder_lead_days = reminder_lead_days
    preference.full_clean()
    preference.save()
    return preference
