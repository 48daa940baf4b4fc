"""Signing in and out, one's own profile, password and API tokens, and the administrator's
user pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkam.users.models import ApiToken, Role, User
from tests.factories import PASSWORD, UserFactory
from tests.pages import csrf_token, submit, text

pytestmark = pytest.mark.django_db

LOGIN = reverse("users:login")
PROFILE = reverse("users:profile")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sign_in(client: Client, username: str, password: str, **extra: str) -> Any:
    return submit(client, LOGIN, {"username": username, "password": password, **extra})


def _signed_in_as(client: Client) -> str | None:
    """Who the overview greets, or None when it sends the visitor to sign in."""
    response = client.get(PROFILE)
    if response.status_code != 200:
        return None
    return re.search(r"<h1>(.*?)</h1>", text(response)).group(1)


def _errors_of(html: str, field: str) -> str:
    match = re.search(rf'id="field-{field}".*?</div>', html, re.S)
    assert match, f"no field {field} on the page"
    return match.group(0)


# --- Signing in and out --------------------------------------------------------------------


def test_the_sign_in_page_is_open_to_everyone_and_asks_for_username_and_password():
    response = Client().get(LOGIN)
    html = text(response)
    assert response.status_code == 200
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'class="topbar"' not in html  # no navigation before signing in


def test_a_page_sends_a_visitor_to_sign_in_and_back_afterwards(kam):
    client = Client(enforce_csrf_checks=True)
    wanted = reverse("accounts:list")
    bounced = client.get(wanted)
    assert bounced.status_code == 302
    assert bounced["Location"] == f"{LOGIN}?next={wanted}"
    form = text(client.get(bounced["Location"]))
    assert f'name="next" value="{wanted}"' in form

    response = _sign_in(client, "kam", PASSWORD, next=wanted)
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_signing_in_without_a_destination_opens_the_overview(kam):
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "kam", PASSWORD)
    assert response["Location"] == reverse("web:home")
    assert "Good to see you, Kari" in text(client.get(response["Location"]))


def test_signing_in_never_redirects_to_another_site(kam):
    response = _sign_in(Client(), "kam", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("web:home")


def test_a_wrong_password_is_refused_with_a_message(kam):
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "kam", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password." in text(response)
    assert _signed_in_as(client) is None


def test_an_inactive_user_cannot_sign_in(kam):
    kam.is_active = False
    kam.save()
    client = Client()
    assert _sign_in(client, "kam", PASSWORD).status_code == 200
    assert _signed_in_as(client) is None


def test_an_administrator_signing_in_lands_on_the_user_list(admin_user):
    client = Client()
    response = _sign_in(client, "admin", PASSWORD)
    assert client.get(response["Location"])["Location"] == reverse("users:list")


def test_signing_out_takes_a_post_and_ends_the_session(kam, client_for):
    client = client_for(kam)
    assert client.get(reverse("users:logout")).status_code == 405
    assert _signed_in_as(client) == "Kari Kam"
    response = submit(client, reverse("users:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert _signed_in_as(client) is None


def test_the_sign_out_button_is_a_form_on_every_page(kam, client_for):
    html = text(client_for(kam).get(reverse("web:home")))
    assert re.search(r'<form method="post" action="/logout/">\s*<input type="hidden"', html)


def test_the_language_can_be_switched_on_the_sign_in_page_before_signing_in():
    client = Client(enforce_csrf_checks=True)
    response = submit(client, reverse("set_language"), {"language": "sv", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert '<html lang="sv">' in text(client.get(LOGIN))


# --- Profile and password ------------------------------------------------------------------


def test_a_user_saves_their_details_and_language(kam, client_for):
    client = client_for(kam)
    form = text(client.get(PROFILE))
    assert 'value="Kari"' in form
    response = submit(
        client,
        PROFILE,
        {
            "first_name": "Kari",
            "last_name": "Nordmann",
            "email": "kari@example.com",
            "job_title": "Senior KAM",
            "language": "nb",
        },
    )
    assert response["Location"] == PROFILE
    kam.refresh_from_db()
    assert (kam.last_name, kam.job_title, kam.language) == ("Nordmann", "Senior KAM", "nb")
    page = text(client.get(PROFILE))
    assert '<html lang="nb">' in page  # the chosen language wins over the browser's
    assert kam.role == Role.KAM  # the profile cannot change the role


def test_the_profile_refuses_an_invalid_email(kam, client_for):
    response = submit(
        client_for(kam), PROFILE, {"first_name": "Kari", "email": "not-an-email", "language": ""}
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in _errors_of(text(response), "email")
    kam.refresh_from_db()
    assert kam.email == "kam@example.com"


def test_a_user_changes_their_password_and_stays_signed_in(kam, client_for):
    client = client_for(kam)
    new = "a-much-longer-passphrase-42"
    response = submit(
        client,
        reverse("users:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == PROFILE
    assert "Your password was changed." in text(client.get(PROFILE))
    assert _signed_in_as(client) == "Kari Kam"
    kam.refresh_from_db()
    assert kam.check_password(new)


def test_a_password_change_needs_the_old_password_and_a_strong_new_one(kam, client_for):
    client = client_for(kam)
    wrong_old = submit(
        client,
        reverse("users:password_change"),
        {"old_password": "guess", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert "Your old password was entered incorrectly." in text(wrong_old)
    weak = submit(
        client,
        reverse("users:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert "This password is too short." in _errors_of(text(weak), "new_password2")
    kam.refresh_from_db()
    assert kam.check_password(PASSWORD)


# --- API tokens ----------------------------------------------------------------------------


def _new_token(client: Client, name: str = "ERP export") -> str:
    response = submit(client, reverse("users:token_create"), {"name": name})
    assert response.status_code == 200
    page = text(response)
    match = re.search(r'<code class="mono" id="new-token">([^<]+)</code>', page)
    assert match, "the new token is not shown"
    return match.group(1)


def test_a_new_api_token_is_shown_once_and_works_against_the_api(kam, client_for):
    client = client_for(kam)
    token = _new_token(client)
    assert token.startswith("kam_")
    again = text(client.get(PROFILE))
    assert token not in again  # shown only once
    assert "ERP export" in again
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "kam"
    stored = ApiToken.objects.get(user=kam)
    assert token not in (stored.key_hash, stored.prefix)  # only a hash is kept


def test_a_token_without_a_name_is_not_created(kam, client_for):
    client = client_for(kam)
    response = submit(client, reverse("users:token_create"), {"name": ""})
    assert "Give the token a name." in _errors_of(text(response), "name")
    assert not ApiToken.objects.filter(user=kam).exists()


def test_a_revoked_token_stops_working(kam, client_for):
    client = client_for(kam)
    token = _new_token(client)
    prefix = ApiToken.objects.get(user=kam).prefix
    response = submit(client, reverse("users:token_revoke", args=[prefix]))
    assert response["Location"] == PROFILE
    page = text(client.get(PROFILE))
    assert "Token revoked: it no longer works." in page
    assert "Revoked" in page
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_nobody_can_revoke_someone_elses_token(kam, other_kam, client_for):
    token = _new_token(client_for(kam))
    prefix = ApiToken.objects.get(user=kam).prefix
    thief = client_for(other_kam)
    submit(thief, reverse("users:token_revoke", args=[prefix]))
    assert "That token does not exist or is already revoked." in text(thief.get(PROFILE))
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


# --- Administering users -------------------------------------------------------------------


def test_the_administrator_sees_every_user_with_role_and_status(admin_user, kam, client_for):
    retired = UserFactory(username="retired", first_name="Rita", last_name="Retired")
    retired.is_active = False
    retired.save()
    html = text(client_for(admin_user).get(reverse("users:list")))
    assert "Kari Kam" in html
    assert "Key account manager" in html
    assert reverse("users:edit", args=[retired.pk]) in html
    assert "Inactive" in html


def test_the_administrator_creates_a_user_who_can_then_sign_in(admin_user, client_for):
    response = submit(
        client_for(admin_user),
        reverse("users:create"),
        {
            "username": "nina",
            "first_name": "Nina",
            "last_name": "New",
            "email": "nina@example.com",
            "role": "specialist",
            "language": "",
            "is_active": "on",
            "password": "a-long-enough-passphrase",
        },
    )
    assert response["Location"] == reverse("users:list")
    nina = User.objects.get(username="nina")
    assert (nina.role, nina.is_active) == (Role.SPECIALIST, True)
    client = Client()
    _sign_in(client, "nina", "a-long-enough-passphrase")
    assert _signed_in_as(client) == "Nina New"


def test_a_new_user_needs_a_strong_password_and_a_free_username(admin_user, kam, client_for):
    client = client_for(admin_user)
    weak = submit(
        client,
        reverse("users:create"),
        {"username": "nina", "role": "kam", "password": "12345678901"},
    )
    assert "This password is entirely numeric." in _errors_of(text(weak), "password")
    taken = submit(
        client,
        reverse("users:create"),
        {"username": "kam", "role": "kam", "password": "a-long-enough-passphrase"},
    )
    assert "A user with that username already exists." in _errors_of(text(taken), "username")
    assert not User.objects.filter(username="nina").exists()


def test_the_administrator_changes_a_users_role_and_deactivates_them(
    admin_user, kam, client_for, api_for
):
    kam_client = client_for(kam)
    kam_api = api_for(kam)
    edit = reverse("users:edit", args=[kam.pk])
    client = client_for(admin_user)
    form = text(client.get(edit))
    assert 'name="username"' in form
    assert "disabled" in re.search(r'<input[^>]*name="username"[^>]*>', form).group(0)
    response = submit(
        client,
        edit,
        {
            "username": "renamed",  # ignored: usernames do not change
            "first_name": "Kari",
            "last_name": "Kam",
            "email": "kam@example.com",
            "role": "specialist",
            "language": "",
        },
    )
    assert response["Location"] == reverse("users:list")
    kam.refresh_from_db()
    assert (kam.username, kam.role, kam.is_active) == ("kam", Role.SPECIALIST, False)
    # Deactivation takes effect at once, in the browser and for API tokens.
    assert _signed_in_as(kam_client) is None
    assert kam_api.get("/api/v1/me").status_code == 401
    history = text(client.get(edit))
    assert "Key account manager" in history
    assert "Specialist" in history


def test_the_administrator_sets_a_new_password_for_a_user(admin_user, kam, client_for):
    response = submit(
        client_for(admin_user),
        reverse("users:edit", args=[kam.pk]),
        {
            "first_name": "Kari",
            "last_name": "Kam",
            "role": "kam",
            "is_active": "on",
            "password": "reset-by-the-admin-1",
        },
    )
    assert response.status_code == 302
    kam.refresh_from_db()
    assert kam.check_password("reset-by-the-admin-1")


def test_a_weak_new_password_leaves_the_user_unchanged(admin_user, kam, client_for):
    response = submit(
        client_for(admin_user),
        reverse("users:edit", args=[kam.pk]),
        {"first_name": "Changed", "role": "head", "is_active": "on", "password": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short." in _errors_of(text(response), "password")
    kam.refresh_from_db()
    assert (kam.first_name, kam.role) == ("Kari", Role.KAM)  # details and password together


@pytest.mark.parametrize(
    "change", [{"role": "head", "is_active": "on"}, {"role": "admin"}], ids=["role", "active"]
)
def test_the_administrator_cannot_remove_their_own_administrator_access(
    change, admin_user, client_for
):
    client = client_for(admin_user)
    response = submit(
        client,
        reverse("users:edit", args=[admin_user.pk]),
        {"first_name": "Ada", "last_name": "Admin", **change},
    )
    assert response.status_code == 200
    assert "You cannot remove your own administrator access." in _errors_of(text(response), "role")
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_active) == (Role.ADMIN, True)


@pytest.mark.parametrize("role", ["head", "kam", "specialist"])
def test_only_administrators_manage_users(role, head, kam, specialist, client_for):
    user = {"head": head, "kam": kam, "specialist": specialist}[role]
    client = client_for(user)
    for url in (reverse("users:list"), reverse("users:create"), reverse("users:edit", args=[1])):
        response = client.get(url)
        assert response.status_code == 403
        assert "Only administrators manage users." in text(response)
    token = csrf_token(client)
    response = client.post(
        reverse("users:create"),
        {
            "username": "intruder",
            "role": "admin",
            "password": "x" * 20,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()
    assert reverse("users:list") not in text(client.get(reverse("web:home")))


def test_the_administrator_sees_no_accounts_in_the_navigation(admin_user, client_for):
    html = text(client_for(admin_user).get(reverse("users:list")))
    assert f'href="{reverse("users:list")}" aria-current="page"' in html
    assert f'href="{reverse("accounts:list")}"' not in html
