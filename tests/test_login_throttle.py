"""Sign-in throttling: after KAM_LOGIN_MAX_FAILURES failed attempts for one username, or
KAM_LOGIN_MAX_FAILURES_PER_ADDRESS (a higher limit, because an office behind one NAT address
shares it) from one address, sign-in is locked for KAM_LOGIN_LOCKOUT_MINUTES, with a message
saying so; the lock ends by itself, and a successful sign-in clears the count. Passwords are
hashed with Argon2."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkam.users.models import LoginThrottle, Role
from openkam.users.services import user_create
from tests.factories import PASSWORD, UserFactory
from tests.pages import submit, text
from tests.settings_process import load_settings

pytestmark = pytest.mark.django_db

LOGIN = reverse("users:login")
LOCKED = "Too many failed sign-ins. Sign-in is locked; try again in"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KAM_LOGIN_MAX_FAILURES = 3
    settings.KAM_LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    settings.KAM_LOGIN_LOCKOUT_MINUTES = 15


def sign_in(username: str, password: str, *, address: str = "198.51.100.7", **headers: str):
    """One attempt from a fresh browser at `address`; returns (response, signed in?)."""
    client = Client(REMOTE_ADDR=address, headers=headers)
    response = submit(client, LOGIN, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def fail(username: str, times: int, *, address: str = "198.51.100.7", **headers: str) -> None:
    for _ in range(times):
        response, signed_in = sign_in(username, "wrong-password", address=address, **headers)
        assert not signed_in
        assert response.status_code == 200


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Move time forward: `clock.advance(minutes=16)`."""

    class Clock:
        offset = timedelta()

        def advance(self, **delta: float) -> None:
            self.offset += timedelta(**delta)

    clock = Clock()
    real_now = timezone.now

    def now() -> datetime:
        return real_now() + clock.offset

    monkeypatch.setattr(timezone, "now", now)
    return clock


def test_the_attempt_after_the_limit_is_refused_even_with_the_right_password(kam):
    fail("kam", 3)

    response, signed_in = sign_in("kam", PASSWORD)

    assert not signed_in
    assert LOCKED in text(response)
    assert "try again in 15 minutes" in text(response)


def test_failures_below_the_limit_do_not_lock(kam):
    fail("kam", 2)
    _response, signed_in = sign_in("kam", PASSWORD)
    assert signed_in


def test_the_username_is_locked_from_every_address_and_whatever_its_case(kam):
    fail("kam", 2, address="198.51.100.1")
    fail("KAM", 1, address="198.51.100.2")
    response, signed_in = sign_in("kam", PASSWORD, address="203.0.113.9")
    assert not signed_in
    assert LOCKED in text(response)


def test_one_address_trying_many_usernames_is_locked_for_all_of_them(kam, other_kam):
    for name in ("admin", "root", "head", "sales", "info"):
        fail(name, 1, address="198.51.100.66")

    response, signed_in = sign_in("kam", PASSWORD, address="198.51.100.66")
    assert not signed_in
    assert LOCKED in text(response)
    # Someone elsewhere is not affected.
    _response, elsewhere = sign_in("kam_other", PASSWORD, address="203.0.113.5")
    assert elsewhere


def test_the_lock_expires_after_the_lockout_minutes(kam, clock):
    fail("kam", 3)
    clock.advance(minutes=10)
    response, signed_in = sign_in("kam", PASSWORD)
    assert not signed_in
    assert "try again in 5 minutes" in text(response)

    clock.advance(minutes=6)
    _response, signed_in = sign_in("kam", PASSWORD)
    assert signed_in


def test_a_successful_sign_in_clears_the_users_failures(kam):
    fail("kam", 2)
    _response, signed_in = sign_in("kam", PASSWORD)
    assert signed_in
    fail("kam", 2, address="203.0.113.50")
    _response, signed_in = sign_in("kam", PASSWORD, address="203.0.113.51")
    assert signed_in


def test_failures_older_than_the_window_no_longer_count(kam, clock):
    fail("kam", 2)
    clock.advance(minutes=16)
    fail("kam", 2)
    _response, signed_in = sign_in("kam", PASSWORD)
    assert signed_in


def test_attempts_during_a_lock_do_not_prolong_it(kam, clock):
    fail("kam", 3)
    clock.advance(minutes=14)
    fail("kam", 1)  # refused as locked, not counted as a new failure
    clock.advance(minutes=2)
    _response, signed_in = sign_in("kam", PASSWORD)
    assert signed_in


def test_the_counts_live_in_the_database_shared_by_every_app_server(kam):
    fail("kam", 3, address="198.51.100.20")
    keys = set(LoginThrottle.objects.values_list("key", flat=True))
    assert keys == {"user:kam", "ip:198.51.100.20"}
    assert LoginThrottle.objects.get(key="user:kam").locked_until > timezone.now()


def test_behind_a_proxy_clients_are_told_apart_by_the_address_the_proxy_appended(
    kam, other_kam, settings
):
    settings.KAM_BEHIND_PROXY = True
    proxy = "10.0.0.2"
    for name in ("a", "b", "c", "d", "e"):
        fail(name, 1, address=proxy, X_Forwarded_For="spoofed, 198.51.100.99")

    blocked, signed_in = sign_in("kam", PASSWORD, address=proxy, X_Forwarded_For="198.51.100.99")
    assert not signed_in
    assert LOCKED in text(blocked)
    # Another client behind the same proxy signs in; a forged first hop changes nothing.
    _response, other = sign_in(
        "kam_other", PASSWORD, address=proxy, X_Forwarded_For="198.51.100.99, 203.0.113.4"
    )
    assert other


def test_without_a_proxy_a_forwarded_header_is_ignored(kam):
    for index, name in enumerate(("a", "b", "c", "d", "e")):
        fail(name, 1, address="198.51.100.30", X_Forwarded_For=f"203.0.113.{index}")
    _response, signed_in = sign_in("kam", PASSWORD, address="198.51.100.30")
    assert not signed_in


# --- One address shared by an office ---------------------------------------------------------


OFFICE = "192.0.2.10"  # the NAT address a whole office signs in from


def test_one_colleague_locked_out_does_not_lock_the_office_sharing_the_address(kam, other_kam):
    fail("kam", 3, address=OFFICE)

    locked, kam_in = sign_in("kam", PASSWORD, address=OFFICE)
    _response, colleague_in = sign_in("kam_other", PASSWORD, address=OFFICE)

    assert not kam_in
    assert LOCKED in text(locked)
    assert colleague_in


def test_failures_from_an_address_below_its_own_limit_do_not_lock_it(kam):
    for name in ("anna", "bjorn", "carl", "dora"):  # 4 typos by 4 people: under the limit of 5
        fail(name, 1, address=OFFICE)
    _response, signed_in = sign_in("kam", PASSWORD, address=OFFICE)
    assert signed_in


def test_the_address_limit_counts_every_username_and_locks_only_that_address(kam):
    fail("anna", 2, address=OFFICE)
    fail("bjorn", 2, address=OFFICE)
    fail("carl", 1, address=OFFICE)  # the fifth failure from the office

    locked, signed_in = sign_in("kam", PASSWORD, address=OFFICE)
    assert not signed_in
    assert "try again in 15 minutes" in text(locked)
    assert LoginThrottle.objects.get(key=f"ip:{OFFICE}").locked_until > timezone.now()
    _response, from_home = sign_in("kam", PASSWORD, address="203.0.113.77")
    assert from_home


def test_a_successful_sign_in_does_not_clear_the_failures_counted_for_its_address(kam):
    fail("anna", 2, address=OFFICE)
    fail("bjorn", 2, address=OFFICE)
    _response, signed_in = sign_in("kam", PASSWORD, address=OFFICE)
    assert signed_in  # a guesser cannot reset the address count with one account it knows
    fail("carl", 1, address=OFFICE)
    _response, signed_in = sign_in("kam", PASSWORD, address=OFFICE)
    assert not signed_in


def test_the_address_limit_defaults_to_fifty_and_is_read_from_the_environment(tmp_path: Path):
    names = ["KAM_LOGIN_MAX_FAILURES", "KAM_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    default = load_settings(tmp_path, names)
    assert default.values == {"KAM_LOGIN_MAX_FAILURES": 5, "KAM_LOGIN_MAX_FAILURES_PER_ADDRESS": 50}

    chosen = load_settings(tmp_path, names, KAM_LOGIN_MAX_FAILURES_PER_ADDRESS="200")
    assert chosen.values["KAM_LOGIN_MAX_FAILURES_PER_ADDRESS"] == 200

    refused = load_settings(tmp_path, names, KAM_LOGIN_MAX_FAILURES_PER_ADDRESS="0")
    assert refused.returncode != 0
    assert "KAM_LOGIN_MAX_FAILURES_PER_ADDRESS=0 is below the minimum of 1." in refused.error


# --- Password hashing ----------------------------------------------------------------------


def test_production_settings_hash_passwords_with_argon2(tmp_path: Path):
    loaded = load_settings(tmp_path, ["PASSWORD_HASHERS"])
    assert loaded.values["PASSWORD_HASHERS"][0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_new_users_password_is_stored_as_an_argon2_hash(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = user_create(username="newbie", password="a-long-passphrase-77", role=Role.KAM)
    assert user.password.startswith("argon2$argon2id$")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("a-long-passphrase-77")


def test_an_older_hash_is_upgraded_to_argon2_at_the_next_sign_in(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(username="legacy", role=Role.KAM)
    assert user.password.startswith("pbkdf2_sha256$")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    _response, signed_in = sign_in("legacy", PASSWORD)
    assert signed_in
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
