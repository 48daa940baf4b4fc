"""Builders for promises and the cadence/digest records around them. Behaviour is tested
through the services; these set the scene (e.g. a promise already overdue)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from openkam.commitments.models import Commitment, CommitmentStatus, Direction
from tests.factories import AccountFactory


def days(n: int) -> datetime.date:
    """A date `n` days from today (negative: in the past)."""
    return timezone.localdate() + datetime.timedelta(days=n)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    account = factory.SubFactory(AccountFactory)
    direction = Direction.OURS
    title = factory.Sequence(lambda n: f"Send the revised price list {n}")
    owner = factory.LazyAttribute(lambda c: c.account.owner)
    created_by = factory.LazyAttribute(lambda c: c.account.owner)
    due_date = factory.LazyFunction(lambda: days(7))
    original_due_date = factory.LazyAttribute(lambda c: c.due_date)
    status = CommitmentStatus.OPEN
