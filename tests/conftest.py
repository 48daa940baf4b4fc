from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from openkam.users.models import Role, User
from openkam.users.services import apitoken_create
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    # Uploaded files go to the test's own directory, never into the data directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Tests talk plain HTTP to the test client; test_security checks the HTTPS redirect itself.
    settings.SECURE_SSL_REDIRECT = False
    # The manifest storage needs `collectstatic`; pages under test only need URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def head(db: Any) -> User:
    return UserFactory(username="head", role=Role.HEAD, first_name="Hedda", last_name="Head")


@pytest.fixture
def kam(db: Any) -> User:
    return UserFactory(username="kam", role=Role.KAM, first_name="Kari", last_name="Kam")


@pytest.fixture
def other_kam(db: Any) -> User:
    return UserFactory(username="kam_other", role=Role.KAM, first_name="Ola", last_name="Other")


@pytest.fixture
def specialist(db: Any) -> User:
    return UserFactory(
        username="specialist", role=Role.SPECIALIST, first_name="Siri", last_name="Spec"
    )


@pytest.fixture
def admin_user(db: Any) -> User:
    return UserFactory(username="admin", role=Role.ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def client_for(db: Any) -> Callable[[User], Client]:
    """A browser-like client signed in as the user (session auth, CSRF enforced)."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db: Any) -> Callable[[User], Client]:
    """An API client that sends `Authorization: Bearer <token>` for the user."""

    def make(user: User) -> Client:
        _token, clear = apitoken_create(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {clear}"})

    return make
