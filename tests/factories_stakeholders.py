"""Builders for people of the decision-making unit and knowledge entries (model level, for
tests that need many rows; behaviour is tested through the services)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from openkam.knowledge.models import KnowledgeEntry, KnowledgeKind
from openkam.stakeholders.models import Attitude, BuyingRole, PersonalNote, Stakeholder
from tests.factories import AccountFactory


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(AccountFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    job_title = "Procurement Manager"
    buying_role = BuyingRole.INFLUENCER
    attitude = Attitude.NEUTRAL
    influence = 3
    email = factory.Sequence(lambda n: f"person{n}@client.example")
    last_verified_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )


class PersonalNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalNote

    stakeholder = factory.SubFactory(StakeholderFactory)
    birthday = datetime.date(1975, 4, 12)
    hobbies = "Sailing in the archipelago"
    family = "Two daughters"
    values = "Loyalty"
    notes = "Prefers calls before 9"


class KnowledgeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeEntry

    account = factory.SubFactory(AccountFactory)
    kind = KnowledgeKind.NEED
    title = factory.Sequence(lambda n: f"Need number {n}")
    body = "Shorter delivery times for spare parts."
    tags = "delivery"
