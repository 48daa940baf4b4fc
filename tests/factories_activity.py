"""Builders for interactions, files and timeline events (and the people they need)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openkam.activity.models import Interaction, InteractionKind, TimelineEvent
from openkam.stakeholders.models import Stakeholder
from tests.factories import AccountFactory, UserFactory
from tests.factories_stakeholders import StakeholderFactory

# The people on the client side come from the stakeholders' builder.
PersonFactory = StakeholderFactory


class InteractionFactory(factory.django.DjangoModelFactory):
    """A logged contact; use the services in tests of behaviour, this for setting the scene."""

    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    kind = InteractionKind.MEETING
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    subject = factory.Sequence(lambda n: f"Quarterly review {n}")
    summary = "Went through the delivery figures."
    created_by = factory.LazyAttribute(lambda i: i.account.owner)

    @factory.post_generation
    def people(obj: Interaction, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            theirs = [p for p in extracted if isinstance(p, Stakeholder)]
            ours = [p for p in extracted if not isinstance(p, Stakeholder)]
            obj.their_participants.add(*theirs)
            obj.our_participants.add(*ours)


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    account = factory.SubFactory(AccountFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    kind = "commitment_created"
    title = factory.Sequence(lambda n: f"Promised a price list {n}")
    actor = factory.SubFactory(UserFactory)


def upload(name: str = "minutes.txt", content: bytes = b"Minutes of the meeting.\n", **kw: Any):
    return SimpleUploadedFile(name, content, content_type=kw.get("content_type", "text/plain"))
