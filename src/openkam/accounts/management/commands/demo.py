"""`kam demo`: a demo portfolio to explore OpenKAM with. Idempotent: a second run changes nothing.

Names come from Faker with a fixed seed, so every installation shows the same portfolio.
Records are created through the services, so the demo carries a real audit trail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils.module_loading import import_string
from faker import Faker

from openkam.accounts.models import Account, AccountTeamMember, TeamRole, Tier, TierChangeRequest
from openkam.accounts.services import account_create, account_update
from openkam.accounts.team_services import account_team_member_add
from openkam.core.choices import Level
from openkam.core.models import AuditAction, AuditEntry
from openkam.users.models import Role, User
from openkam.users.services import user_create

SEED = 2026

# Each domain adds its demo data with a `load(*, users: dict[str, User], seed: int) -> str`
# function (idempotent; returns a one-line summary), listed here in the order they build on
# each other.
DEMO_EXTENSIONS: tuple[str, ...] = (
    "openkam.currency.demo.load",
    "openkam.stakeholders.demo.load",
    "openkam.activity.demo.load",
    "openkam.knowledge.demo.load",
    "openkam.commitments.demo.load",
    "openkam.cadence.demo.load",
    "openkam.revenue.demo.load",
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role
    first_name: str
    last_name: str
    job_title: str
    language: str


DEMO_USERS = (
    DemoUser("head", "openkam-head", Role.HEAD, "Astrid", "Nilsen", "Head of Key Accounts", "en"),
    DemoUser(
        "kam1",
        "openkam-kam1",
        Role.KAM,
        "Erik",
        "Johansen",
        "Nøkkelkundeansvarlig, Norge og Storbritannia",
        "nb",
    ),
    DemoUser(
        "kam2",
        "openkam-kam2",
        Role.KAM,
        "Karin",
        "Lindqvist",
        "Nyckelkundsansvarig, Sverige och Ungern",
        "sv",
    ),
    DemoUser(
        "specialist",
        "openkam-specialist",
        Role.SPECIALIST,
        "Katalin",
        "Horváth",
        "Megoldásmérnök",
        "hu",
    ),
    DemoUser(
        "kam3",
        "openkam-kam3",
        Role.KAM,
        "Георги",
        "Петров",
        "Мениджър ключови клиенти, България",
        "bg",
    ),
    DemoUser(
        "kam4",
        "openkam-kam4",
        Role.KAM,
        "Ольга",
        "Смирнова",
        "Менеджер по ключевым клиентам, Россия",
        "ru",
    ),
    DemoUser("admin", "openkam-admin", Role.ADMIN, "Ola", "Admin", "System administrator", "en"),
)


@dataclass(frozen=True)
class Market:
    country: str
    faker_locale: str
    count: int
    owner: str
    site_cities: tuple[str, str]


# The first account of each market is a group; the next two are its sites in these cities.
MARKETS = (
    Market("NO", "no_NO", 8, "kam1", ("Bergen", "Trondheim")),
    Market("SE", "sv_SE", 7, "kam2", ("Göteborg", "Malmö")),
    Market("GB", "en_GB", 8, "kam1", ("Manchester", "Leeds")),
    Market("HU", "hu_HU", 6, "kam2", ("Debrecen", "Győr")),
    Market("BG", "bg_BG", 5, "kam3", ("Пловдив", "Варна")),
    Market("RU", "ru_RU", 6, "kam4", ("Казань", "Екатеринбург")),
)

INDUSTRIES = (
    "Food processing",
    "Retail chain",
    "Energy",
    "Logistics",
    "Construction",
    "Pharmaceuticals",
    "Telecommunications",
    "Automotive parts",
    "Hospitality",
    "Public sector",
    "Agriculture",
    "Chemicals",
)
TIER_WEIGHTS = ((Tier.KEY, 8), (Tier.GROWTH, 10), (Tier.MAINTAIN, 12), (Tier.OTHER, 10))


def _company_name(fake: Faker, locale: str, rng: random.Random) -> str:
    # Faker's Bulgarian and Russian company names include forms no key account has (sole
    # traders, mangled suffixes), so those two are composed from surnames and legal forms.
    if locale == "bg_BG":
        return f"{fake.last_name()} {rng.choice(['ООД', 'АД', 'ЕООД'])}"
    if locale == "ru_RU":
        return f"{rng.choice(['ООО', 'АО', 'ПАО'])} «{fake.last_name()}»"
    return str(fake.company())


def _registration(country: str, rng: random.Random) -> tuple[str, str]:
    digits = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
    match country:
        case "NO":
            number = "9" + digits(8)
            return number, f"NO{number}MVA"
        case "SE":
            number = f"556{digits(3)}-{digits(4)}"
            return number, f"SE{number.replace('-', '')}01"
        case "HU":
            return f"01-09-{digits(6)}", f"HU{digits(8)}"
        case "BG":
            number = "2" + digits(8)
            return number, f"BG{number}"
        case "RU":
            return "1" + digits(12), digits(10)
        case _:
            return "0" + digits(7), f"GB{digits(9)}"


@dataclass(frozen=True)
class PlannedAccount:
    """One demo account as the seed defines it, whatever users changed since."""

    country: str
    registration_number: str
    vat_number: str
    name: str  # a site's name is its group's name and its city
    city: str  # "" unless a site
    position: int  # within its market; 0 is the group
    tier: Tier
    owner: str  # username
    industry: str
    website: str
    notes: str
    rolls: tuple[float, float]  # chances for the team's extra members

    @property
    def is_site(self) -> bool:
        return bool(self.city)


@cache
def demo_plan(seed: int = SEED) -> tuple[PlannedAccount, ...]:
    """The demo portfolio, drawn from the seed alone (no database), in creation order."""
    rng = random.Random(seed)
    tiers = [tier for tier, weight in TIER_WEIGHTS for _ in range(weight)]
    rng.shuffle(tiers)
    plan: list[PlannedAccount] = []
    index = 0
    for market in MARKETS:
        fake = Faker(market.faker_locale)
        fake.seed_instance(seed + index)
        group_name = ""
        for position in range(market.count):
            registration, vat = _registration(market.country, rng)
            city = market.site_cities[position - 1] if position in (1, 2) else ""
            name = (
                f"{group_name} – {city}" if city else _company_name(fake, market.faker_locale, rng)
            )
            plan.append(
                PlannedAccount(
                    country=market.country,
                    registration_number=registration,
                    vat_number=vat,
                    name=name,
                    city=city,
                    position=position,
                    tier=tiers[index % len(tiers)],
                    owner="head" if index % 13 == 0 else market.owner,
                    industry=rng.choice(INDUSTRIES),
                    website=f"https://www.{fake.domain_name()}",
                    notes=fake.paragraph(nb_sentences=2) if rng.random() < 0.5 else "",
                    rolls=(rng.random(), rng.random()),
                )
            )
            if position == 0:
                group_name = name
            index += 1
    return tuple(plan)


def planned_accounts(*, tiers: tuple[str, ...], seed: int = SEED) -> list[tuple[Account, Tier]]:
    """The demo accounts the seed gives one of `tiers`, in creation order, each with that tier.

    Demo loaders choose their accounts here rather than by the current tier: a tier the head
    changed since (approving a request, say) must not make a second run add records, and an
    account a user created is never filled with made-up data.
    """
    wanted = [planned for planned in demo_plan(seed) if planned.tier in tiers]
    found = {
        (account.country, account.registration_number): account
        for account in Account.objects.filter(
            registration_number__in={planned.registration_number for planned in wanted}
        ).select_related("owner")
    }
    return [
        (found[key], planned.tier)
        for planned in wanted
        if (key := (planned.country, planned.registration_number)) in found
    ]


def accounts_that_ever_had(model: type[models.Model]) -> set[int]:
    """Ids of the accounts whose history records a `model` added to them, even if it was
    deleted since: a demo loader leaves those alone, so that what a user removed stays gone."""
    return set(
        AuditEntry.objects.filter(
            action=AuditAction.CREATE,
            target_type=ContentType.objects.get_for_model(model),
            root_type=ContentType.objects.get_for_model(Account),
        ).values_list("root_id", flat=True)
    )


class Command(BaseCommand):
    help = "Load the demo portfolio (about 40 accounts, teams and users). Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            users = self._users()
            created = self._accounts(users)
            self._tier_requests(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo portfolio ready: {Account.objects.count()} accounts "
                f"({created} created by this run)."
            )
        )
        for path in DEMO_EXTENSIONS:
            with transaction.atomic():
                summary = import_string(path)(users=users, seed=SEED)
            self.stdout.write(f"  {summary}")
        self.stdout.write("Sign in with:")
        for demo in DEMO_USERS:
            self.stdout.write(
                f"  {demo.username:<11} password {demo.password:<20} {demo.role.label}"
            )

    def _users(self) -> dict[str, User]:
        users = {}
        for demo in DEMO_USERS:
            user = User.objects.filter(username=demo.username).first()
            if user is None:
                user = user_create(
                    username=demo.username,
                    password=demo.password,
                    role=demo.role,
                    first_name=demo.first_name,
                    last_name=demo.last_name,
                    email=f"{demo.username}@openkam.example",
                    job_title=demo.job_title,
                    language=demo.language,
                    validate=False,  # demo passwords are printed, not secret
                )
            users[demo.username] = user
        return users

    def _accounts(self, users: dict[str, User]) -> int:
        head = users["head"]
        created = 0
        group: Account | None = None
        for planned in demo_plan(SEED):
            existing = Account.objects.filter(
                country=planned.country, registration_number=planned.registration_number
            ).first()
            if existing is not None:
                account = existing
            else:
                # A site takes its group's name and industry as they are now.
                is_site = planned.is_site and group is not None
                name = f"{group.name} – {planned.city}" if is_site and group else planned.name
                account = account_create(
                    actor=head,
                    name=name,
                    legal_name=name if not planned.is_site else "",
                    registration_number=planned.registration_number,
                    vat_number=planned.vat_number,
                    industry=group.industry if is_site and group else planned.industry,
                    country=planned.country,
                    website=planned.website,
                    parent=group if is_site else None,
                    tier=planned.tier,
                    owner=users[planned.owner],
                    notes=planned.notes,
                ).account
                created += 1
                self._team(account, users, planned.rolls)
            if planned.position == 0:
                group = account
        return created

    def _team(self, account: Account, users: dict[str, User], rolls: tuple[float, float]) -> None:
        head = users["head"]
        if account.tier == Tier.KEY and account.owner_id != head.pk:
            self._join(account, head, TeamRole.EXECUTIVE_SPONSOR, Level.EXECUTIVE)
        if account.tier in (Tier.KEY, Tier.GROWTH) or rolls[0] < 0.3:
            self._join(account, users["specialist"], TeamRole.TECHNICAL, Level.SPECIALIST)
        if rolls[1] < 0.25:
            other = users["kam2"] if account.owner_id == users["kam1"].pk else users["kam1"]
            self._join(account, other, TeamRole.SALES, Level.HEAD_OF_DEPARTMENT)

    @staticmethod
    def _tier_requests(users: dict[str, User]) -> None:
        """Each KAM has asked the head for one change of tier, so that approvals have work.

        Only a KAM who never asked gets one: after the head decides, a second run adds none.
        """
        asks = (
            ("kam1", Tier.GROWTH, Tier.KEY, "Volume doubled under the new framework agreement."),
            ("kam2", Tier.MAINTAIN, Tier.GROWTH, "They are opening a second plant next year."),
        )
        for username, current, wanted, reason in asks:
            kam = users[username]
            if TierChangeRequest.objects.filter(requested_by=kam).exists():
                continue
            account = (
                Account.objects.filter(owner=kam, tier=current, parent__isnull=True)
                .order_by("registration_number")
                .first()
            )
            if account is not None:
                account_update(
                    actor=kam,
                    account_id=account.pk,
                    expected_version=account.version,
                    changes={"tier": wanted},
                    tier_reason=reason,
                )

    @staticmethod
    def _join(account: Account, user: User, role: TeamRole, level: Level) -> None:
        if not AccountTeamMember.objects.filter(account=account, user=user).exists():
            account_team_member_add(
                actor=account.owner, account_id=account.pk, user=user, team_role=role, level=level
            )
