"""Errors that services raise and that pages and the API translate for their callers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# The API's answers (openkam.api is not an app, so its messages live in this catalogue).
NOT_FOUND_MESSAGE = _("Not found.")
INVALID_REQUEST_MESSAGE = _("The request is not valid.")


class DomainError(Exception):
    """A rule of the domain refused the operation; the message is for the user."""


class NotFoundError(DomainError):
    """The record does not exist, or the user may not know that it exists.

    Both cases answer the same way so that an account's existence never leaks.
    """


class ForbiddenError(DomainError):
    """The user may see the record but not do this to it."""


class ConflictError(DomainError):
    """The record changed since the user read it (its version moved on).

    `current` is the record as it is now, `changes` what others changed since the user's version,
    so that the user can see what they would otherwise overwrite.
    """

    def __init__(self, message: str, *, current: Any, changes: list[Any]) -> None:
        super().__init__(message)
        self.current = current
        self.changes = changes
