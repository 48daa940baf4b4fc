"""Test data builders. Accounts come with their owner on the team, as the services make them."""

from __future__ import annotations

from typing import Any

import factory

from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier
from openkam.core.choices import Level
from openkam.users.models import Role, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.KAM
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    name = factory.Faker("company")
    country = "NO"
    tier = Tier.GROWTH
    owner = factory.SubFactory(UserFactory, role=Role.KAM)

    @factory.post_generation
    def owner_on_team(obj: Account, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            AccountTeamMember.objects.get_or_create(
                account=obj,
                user=obj.owner,
                defaults={"team_role": TeamRole.KAM_LEAD, "level": Level.HEAD_OF_DEPARTMENT},
            )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory, role=Role.SPECIALIST)
    team_role = TeamRole.TECHNICAL
    level = Level.SPECIALIST
