"""API tokens: `kam apitoken USERNAME` prints a new one that works at once; only its hash is
stored; `--list` shows a user's tokens and `--revoke` ends one; an inactive user's token is
refused; and the profile page creates and revokes tokens the same way."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from openkam.users.models import ApiToken, Role
from tests.factories import UserFactory
from tests.pages import submit, text

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def kam_apitoken(*args: str) -> str:
    out = io.StringIO()
    call_command("apitoken", *args, stdout=out)
    return out.getvalue()


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def database_text() -> str:
    """Every value of every row of every table, as one string to search in."""
    cells: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                cells.extend(str(value) for value in row)
    return "\n".join(cells)


# --- The command ---------------------------------------------------------------------------


def test_the_command_prints_a_new_token_that_authenticates_as_the_user(kam):
    token = kam_apitoken("kam").strip()

    assert re.fullmatch(r"kam_[0-9a-f]{8}_[\w-]{43}", token), token
    response = bearer(token).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "kam"


def test_each_run_prints_a_different_token_and_both_work(kam):
    first, second = kam_apitoken("kam").strip(), kam_apitoken("kam").strip()
    assert first != second
    assert bearer(first).get(ME).status_code == bearer(second).get(ME).status_code == 200


def test_the_clear_token_is_nowhere_in_the_database_only_its_hash(kam):
    token = kam_apitoken("kam", "--name", "ERP export").strip()
    bearer(token).get(ME)  # using it stores nothing of it either

    secret = token.split("_", 2)[2]
    everything = database_text()
    assert token not in everything
    assert secret not in everything
    stored = ApiToken.objects.get(user=kam)
    assert stored.name == "ERP export"
    assert len(stored.key_hash) == 64
    assert stored.key_hash != token
    assert token.startswith(f"kam_{stored.prefix}_")  # the prefix identifies it, no more


def test_list_shows_each_token_with_its_name_last_use_and_state(kam):
    used = kam_apitoken("kam", "--name", "ERP export").strip()
    kam_apitoken("kam", "--name", "Spare")
    bearer(used).get(ME)

    listing = kam_apitoken("kam", "--list")

    lines = {line.split()[1]: line for line in listing.splitlines()}
    assert set(lines) == {"ERP", "Spare"}
    assert "active" in lines["ERP"]
    assert "last used never" not in lines["ERP"]
    assert "last used never" in lines["Spare"]
    assert used not in listing
    prefix = ApiToken.objects.get(name="ERP export").prefix
    assert lines["ERP"].startswith(prefix)


def test_revoke_ends_a_token_and_the_api_then_answers_401(kam):
    token = kam_apitoken("kam").strip()
    prefix = ApiToken.objects.get(user=kam).prefix

    printed = kam_apitoken("kam", "--revoke", prefix)

    assert "Revoked" in printed
    assert prefix in printed
    response = bearer(token).get(ME)
    assert response.status_code == 401
    assert "revoked" in kam_apitoken("kam", "--list")


def test_revoking_an_unknown_or_already_revoked_token_is_an_error(kam):
    kam_apitoken("kam")
    prefix = ApiToken.objects.get(user=kam).prefix
    kam_apitoken("kam", "--revoke", prefix)
    for attempt in (prefix, "00000000"):
        with pytest.raises(CommandError, match="no active token with the prefix"):
            kam_apitoken("kam", "--revoke", attempt)


def test_a_user_cannot_revoke_another_users_token_by_its_prefix(kam, other_kam):
    token = kam_apitoken("kam").strip()
    prefix = ApiToken.objects.get(user=kam).prefix
    with pytest.raises(CommandError):
        kam_apitoken("kam_other", "--revoke", prefix)
    assert bearer(token).get(ME).status_code == 200


def test_an_unknown_username_is_an_error():
    with pytest.raises(CommandError, match="No user named nobody"):
        kam_apitoken("nobody")


def test_no_token_is_made_for_an_inactive_user(kam):
    kam.is_active = False
    kam.save()
    with pytest.raises(CommandError, match="kam is inactive"):
        kam_apitoken("kam")
    assert not ApiToken.objects.exists()


def test_the_token_of_a_user_who_is_deactivated_stops_working(kam):
    token = kam_apitoken("kam").strip()
    kam.is_active = False
    kam.save()
    assert bearer(token).get(ME).status_code == 401


def test_a_token_with_a_wrong_secret_but_a_real_prefix_is_refused(kam):
    token = kam_apitoken("kam").strip()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert bearer(forged).get(ME).status_code == 401


def test_an_administrators_token_reaches_no_client_data(admin_user):
    from tests.factories import AccountFactory

    AccountFactory()
    token = kam_apitoken("admin").strip()
    assert bearer(token).get("/api/v1/accounts").json()["total"] == 0


# --- The profile page ----------------------------------------------------------------------


def _shown_token(html: str) -> str:
    match = re.search(r'<code class="mono" id="new-token">([^<]+)</code>', html)
    assert match, "the page shows no new token"
    return match.group(1)


def test_the_profile_page_creates_a_token_shows_it_once_and_keeps_it_nowhere(kam, client_for):
    client = client_for(kam)

    response = submit(client, reverse("users:token_create"), {"name": "Reporting"})

    token = _shown_token(text(response))
    assert response["Cache-Control"] == "no-store"
    assert bearer(token).get(ME).json()["username"] == "kam"
    assert token not in text(client.get(reverse("users:profile")))
    assert token not in database_text()  # not even in the session


def test_the_profile_page_lists_tokens_and_revokes_one(kam, client_for):
    client = client_for(kam)
    token = _shown_token(text(submit(client, reverse("users:token_create"), {"name": "Old"})))
    prefix = ApiToken.objects.get(user=kam).prefix
    page = text(client.get(reverse("users:profile")))
    assert f'<td class="mono">{prefix}</td>' in page
    assert reverse("users:token_revoke", args=[prefix]) in page

    response = submit(client, reverse("users:token_revoke", args=[prefix]))

    assert response["Location"] == reverse("users:profile")
    page = text(client.get(reverse("users:profile")))
    assert "Token revoked: it no longer works." in page
    assert reverse("users:token_revoke", args=[prefix]) not in page  # no second revoke button
    assert bearer(token).get(ME).status_code == 401


def test_tokens_made_on_the_command_line_appear_on_the_profile_page(kam, client_for):
    kam_apitoken("kam", "--name", "Nightly sync")
    page = text(client_for(kam).get(reverse("users:profile")))
    assert "Nightly sync" in page


def test_a_user_sees_only_their_own_tokens(kam, client_for):
    other = UserFactory(username="someone", role=Role.KAM)
    kam_apitoken("someone", "--name", "Their secret script")
    page = text(client_for(kam).get(reverse("users:profile")))
    assert "Their secret script" not in page
    assert other.api_tokens.count() == 1
