"""Writes concerning users: accounts of people, API tokens, sign-in throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.errors import NotFoundError
from openkam.core.models import AuditAction
from openkam.users.models import ApiToken, LoginThrottle, Role, User

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "role",
    "language",
    "is_active",
)
TOKEN_PREFIX = "kam_"  # noqa: S105 (a marker, not a secret)


def _validate_password(password: str, user: User) -> None:
    """Django's password validators, with their messages on the "password" field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _hash_token(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    language: str = "",
    validate: bool = True,
    actor: User | None = None,
) -> User:
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        language=language,
        is_staff=role == Role.ADMIN,
    )
    if password:
        if validate:
            _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=user,
        changes=diff({}, snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    role: Role,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    language: str,
    is_active: bool,
    actor: User | None = None,
) -> User:
    before = snapshot(user, USER_FIELDS)
    user.role = role
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.job_title = job_title
    user.language = language
    user.is_active = is_active
    user.is_staff = role == Role.ADMIN
    user.full_clean()
    user.save(
        update_fields=[
            "role",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "language",
            "is_active",
            "is_staff",
        ]
    )
    if changes := diff(before, snapshot(user, USER_FIELDS)):
        audit_record(actor=actor, action=AuditAction.UPDATE, target=user, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, actor: User | None = None) -> None:
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # The audit says that the password changed, never what it is.
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=user,
        changes={"password": {"label": "password", "old": "", "new": "changed"}},
    )


@transaction.atomic
def apitoken_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear text, which is never stored."""
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_token = ApiToken(user=user, name=name or "API", prefix=prefix, key_hash=_hash_token(token))
    api_token.full_clean()
    api_token.save()
    return api_token, token


@transaction.atomic
def apitoken_revoke(*, user: User, prefix: str) -> ApiToken:
    updated = ApiToken.objects.filter(user=user, prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFoundError(
            _("%(user)s has no active token with the prefix %(prefix)s.")
            % {"user": user.username, "prefix": prefix}
        )
    return ApiToken.objects.get(prefix=prefix)


def apitoken_authenticate(*, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    now = timezone.now()
    # Touch last use at most once a minute: a busy client must not write on every request.
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


# --- Sign-in throttling ----------------------------------------------------------------------


def _throttle_keys(*, username: str, address: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def _throttle_limit(key: str) -> int:
    """Failures that lock a key: an address is shared by a whole office behind NAT, so it
    gets its own, higher limit (KAM_LOGIN_MAX_FAILURES_PER_ADDRESS)."""
    if key.startswith("ip:"):
        return settings.KAM_LOGIN_MAX_FAILURES_PER_ADDRESS
    return settings.KAM_LOGIN_MAX_FAILURES


def login_locked_until(*, username: str, address: str | None) -> datetime | None:
    """When the lock on this username or address ends, or None when sign-in is allowed."""
    now = timezone.now()
    lock = (
        LoginThrottle.objects.filter(
            key__in=_throttle_keys(username=username, address=address), locked_until__gt=now
        )
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return lock


def login_failure_record(*, username: str, address: str | None) -> None:
    """Count a failed sign-in against the username and the address; the attempt that reaches
    a key's limit (KAM_LOGIN_MAX_FAILURES per username, KAM_LOGIN_MAX_FAILURES_PER_ADDRESS per
    address) starts a lockout of that key.

    Counting is done by UPDATE ... SET failures = failures + 1, so that parallel attempts on
    several app servers cannot lose increments.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.KAM_LOGIN_LOCKOUT_MINUTES)
    for key in _throttle_keys(username=username, address=address):
        with transaction.atomic():
            LoginThrottle.objects.get_or_create(key=key, defaults={"window_started_at": now})
            LoginThrottle.objects.filter(key=key, window_started_at__lt=now - window).update(
                failures=0, window_started_at=now
            )
            LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1)
            LoginThrottle.objects.filter(key=key, failures__gte=_throttle_limit(key)).update(
                failures=0, window_started_at=now, locked_until=now + window
            )


def login_success_record(*, username: str) -> None:
    LoginThrottle.objects.filter(key__in=_throttle_keys(username=username, address=None)).delete()
