"""Demo decision-making units: 3-8 people for every key and growth account, named by Faker in
the account's country locale, with local job titles, reporting lines, roles, attitudes,
contacts, some personal notes and birthdays, a few stale records and a few who left.

Created through the services (audit trail and search index included). Idempotent: the
accounts are the ones the demo seed made key or growth accounts (not the current tier, which
users change), and an account that has people, or whose history shows people were added to it,
is left alone.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from faker import Faker

from openkam.accounts.management.commands.demo import accounts_that_ever_had, planned_accounts
from openkam.accounts.models import Account, Tier
from openkam.accounts.selectors import accounts_visible_to
from openkam.core.choices import Level
from openkam.stakeholders.models import Attitude, BuyingRole, Channel, Persona, Stakeholder
from openkam.stakeholders.services import (
    stakeholder_create,
    stakeholder_mark_left,
    stakeholder_update,
)
from openkam.users.models import User

LOCALES = {"NO": "no_NO", "SE": "sv_SE", "GB": "en_GB", "HU": "hu_HU", "BG": "bg_BG", "RU": "ru_RU"}


@dataclass(frozen=True)
class Position:
    key: str
    level: str
    role: str
    persona: str
    reports_to: str  # key of the manager's position ("" = top)
    titles: dict[str, str]  # country -> job title in the local language
    department: dict[str, str]


POSITIONS = (
    Position(
        "ceo",
        Level.EXECUTIVE,
        BuyingRole.DECISION_MAKER,
        Persona.DRIVER_LEADER,
        "",
        {
            "NO": "Administrerende direktør",
            "SE": "Verkställande direktör",
            "GB": "Managing Director",
            "HU": "Vezérigazgató",
            "BG": "Изпълнителен директор",
            "RU": "Генеральный директор",
        },
        {
            "NO": "Ledelse",
            "SE": "Ledning",
            "GB": "Board",
            "HU": "Vezetőség",
            "BG": "Ръководство",
            "RU": "Дирекция",
        },
    ),
    Position(
        "cfo",
        Level.DIRECTOR,
        BuyingRole.ECONOMIC_BUYER,
        Persona.NUMBERS_ORIENTED,
        "ceo",
        {
            "NO": "Økonomidirektør",
            "SE": "Ekonomichef",
            "GB": "Finance Director",
            "HU": "Pénzügyi igazgató",
            "BG": "Финансов директор",
            "RU": "Финансовый директор",
        },
        {
            "NO": "Økonomi",
            "SE": "Ekonomi",
            "GB": "Finance",
            "HU": "Pénzügy",
            "BG": "Финанси",
            "RU": "Финансовая служба",
        },
    ),
    Position(
        "procurement",
        Level.DIRECTOR,
        BuyingRole.INFLUENCER,
        Persona.NUMBERS_ORIENTED,
        "ceo",
        {
            "NO": "Innkjøpsdirektør",
            "SE": "Inköpschef",
            "GB": "Head of Procurement",
            "HU": "Beszerzési igazgató",
            "BG": "Директор „Доставки“",
            "RU": "Директор по закупкам",
        },
        {
            "NO": "Innkjøp",
            "SE": "Inköp",
            "GB": "Procurement",
            "HU": "Beszerzés",
            "BG": "Доставки",
            "RU": "Отдел закупок",
        },
    ),
    Position(
        "technical",
        Level.HEAD_OF_DEPARTMENT,
        BuyingRole.TECHNICAL_BUYER,
        Persona.TECHNICAL,
        "ceo",
        {
            "NO": "Teknisk sjef",
            "SE": "Teknisk chef",
            "GB": "Technical Manager",
            "HU": "Műszaki vezető",
            "BG": "Технически ръководител",
            "RU": "Технический директор",
        },
        {
            "NO": "Teknikk",
            "SE": "Teknik",
            "GB": "Engineering",
            "HU": "Műszaki osztály",
            "BG": "Техническа служба",
            "RU": "Технический отдел",
        },
    ),
    Position(
        "project",
        Level.HEAD_OF_DEPARTMENT,
        BuyingRole.CHAMPION,
        Persona.PEOPLE_ORIENTED,
        "technical",
        {
            "NO": "Prosjektleder",
            "SE": "Projektledare",
            "GB": "Project Manager",
            "HU": "Projektvezető",
            "BG": "Ръководител проект",
            "RU": "Руководитель проектов",
        },
        {
            "NO": "Prosjekter",
            "SE": "Projekt",
            "GB": "Projects",
            "HU": "Projektiroda",
            "BG": "Проекти",
            "RU": "Проектный офис",
        },
    ),
    Position(
        "logistics",
        Level.HEAD_OF_DEPARTMENT,
        BuyingRole.USER,
        Persona.TECHNICAL,
        "procurement",
        {
            "NO": "Logistikksjef",
            "SE": "Logistikchef",
            "GB": "Logistics Manager",
            "HU": "Logisztikai vezető",
            "BG": "Ръководител „Логистика“",
            "RU": "Начальник отдела логистики",
        },
        {
            "NO": "Logistikk",
            "SE": "Logistik",
            "GB": "Logistics",
            "HU": "Logisztika",
            "BG": "Логистика",
            "RU": "Логистика",
        },
    ),
    Position(
        "buyer",
        Level.SPECIALIST,
        BuyingRole.GATEKEEPER,
        Persona.NUMBERS_ORIENTED,
        "procurement",
        {
            "NO": "Innkjøper",
            "SE": "Inköpare",
            "GB": "Senior Buyer",
            "HU": "Beszerző",
            "BG": "Специалист „Доставки“",
            "RU": "Специалист по закупкам",
        },
        {
            "NO": "Innkjøp",
            "SE": "Inköp",
            "GB": "Procurement",
            "HU": "Beszerzés",
            "BG": "Доставки",
            "RU": "Отдел закупок",
        },
    ),
    Position(
        "quality",
        Level.SPECIALIST,
        BuyingRole.BLOCKER,
        Persona.TECHNICAL,
        "technical",
        {
            "NO": "Kvalitetsingeniør",
            "SE": "Kvalitetsingenjör",
            "GB": "Quality Engineer",
            "HU": "Minőségügyi mérnök",
            "BG": "Инженер по качеството",
            "RU": "Инженер по качеству",
        },
        {
            "NO": "Kvalitet",
            "SE": "Kvalitet",
            "GB": "Quality",
            "HU": "Minőségbiztosítás",
            "BG": "Качество",
            "RU": "Служба качества",
        },
    ),
)

ATTITUDES = (
    (Attitude.CHAMPION, 2),
    (Attitude.SUPPORTER, 5),
    (Attitude.NEUTRAL, 6),
    (Attitude.SCEPTIC, 3),
    (Attitude.OPPONENT, 1),
)
INFLUENCE = {
    Level.EXECUTIVE: (4, 5),
    Level.DIRECTOR: (3, 5),
    Level.HEAD_OF_DEPARTMENT: (2, 4),
    Level.SPECIALIST: (1, 3),
}
HOBBIES = (
    "Cross-country skiing; does the Birkebeiner every year.",
    "Sails on weekends; owns an old wooden boat.",
    "Keen amateur photographer (birds).",
    "Plays padel twice a week.",
    "Follows football closely; ask about the weekend's match.",
    "Runs marathons; Berlin is next.",
    "Cooks; likes to talk about restaurants when travelling.",
    "Collects vinyl records, mostly jazz.",
    "Mountain hiking with the family in summer.",
    "Chess; plays online in the evenings.",
)
FAMILY = (
    "Married, two children at school.",
    "Partner works in healthcare; one daughter at university.",
    "Three children; the youngest just started school.",
    "Recently became a grandparent.",
    "Lives with partner; they have a dog they often mention.",
)
VALUES = (
    "Reliability above price: hates surprises, wants bad news early.",
    "Sustainability matters; asks about CO₂ figures in every offer.",
    "Values long partnerships and loyalty; remembers who helped in a crisis.",
    "Direct and to the point; prefers one-page summaries with numbers.",
    "Cares about their team's workload; appreciates fewer, better meetings.",
)
NOTES = (
    "Prefers meetings in the morning; do not call after 16:00.",
    "Thanked us personally for the fast delivery during the strike last year.",
    "Was sceptical after the 2023 quality issue; rebuild trust with facts.",
    "Likes a short call before any written proposal arrives.",
    "Speaks good English but appreciates a few words in the local language.",
)
# Latin letters for the Cyrillic alphabet below ("_" for the soft sign, which has none).
_LATIN = "a b v g d e zh z i y k l m n o p r s t u f h ts ch sh sht a y _ e yu ya e"
CYRILLIC = {
    ch: ("" if latin == "_" else latin)
    for ch, latin in zip("абвгдежзийклмнопрстуфхцчшщъыьэюяё", _LATIN.split(" "), strict=True)
}
# Faker's Bulgarian names include rare and made-up ones; these are common names.
BG_NAMES = {
    "female": "Мария Иванка Елена Йорданка Десислава Гергана Радостина Цветелина Милена Даниела",
    "male": "Георги Иван Димитър Николай Петър Христо Стоян Тодор Васил Калоян",
    "last": "Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров Илиев Атанасов",
}


def _ascii(text: str) -> str:
    out = "".join(CYRILLIC.get(ch, ch) for ch in text.lower())
    out = unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode()
    return "".join(ch for ch in out if ch.isalnum())


def _domain(account: Account) -> str:
    if account.website:
        host = account.website.split("//", 1)[-1].split("/", 1)[0]
        return host.removeprefix("www.")
    words = [w for w in (_ascii(p) for p in account.name.split()) if len(w) > 2][:2]
    tld = {"GB": "co.uk"}.get(str(account.country), str(account.country).lower() or "com")
    return f"{''.join(words) or 'client'}.{tld}"


def _weighted(rng: random.Random, options: Any) -> Any:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _people_for(
    account: Account, tier: Tier, rng: random.Random, seed: int
) -> list[dict[str, Any]]:
    country = str(account.country) or "GB"
    fake = Faker(LOCALES.get(country, "en_GB"))
    fake.seed_instance(seed + account.pk)
    count = rng.randint(3, 8) if tier == Tier.KEY else rng.randint(3, 5)
    positions = list(POSITIONS[:3]) + rng.sample(POSITIONS[3:], k=count - 3)
    today = timezone.localdate()
    domain = _domain(account)
    people = []
    for position in positions:
        female = rng.random() < 0.45
        if country == "BG":
            first = rng.choice(BG_NAMES["female" if female else "male"].split())
            last = rng.choice(BG_NAMES["last"].split()) + ("а" if female else "")
        else:
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name_female() if female else fake.last_name_male()
        low, high = INFLUENCE[Level(position.level)]
        stale = rng.random() < 0.15
        verified: datetime.date | None = today - datetime.timedelta(
            days=rng.randint(200, 420) if stale else rng.randint(0, 150)
        )
        if stale and rng.random() < 0.3:
            verified = None
        person: dict[str, Any] = {
            "position": position,
            "first_name": first,
            "last_name": last,
            "job_title": position.titles.get(country, position.titles["GB"]),
            "department": position.department.get(country, position.department["GB"]),
            "level": position.level,
            "buying_role": position.role,
            "attitude": _weighted(rng, ATTITUDES),
            "influence": rng.randint(low, high),
            "email": f"{_ascii(first)}.{_ascii(last)}@{domain}",
            "phone": fake.phone_number(),
            "mobile": fake.phone_number() if rng.random() < 0.8 else "",
            "preferred_channel": rng.choice(
                [Channel.EMAIL, Channel.PHONE, Channel.MEETING, Channel.VIDEO, Channel.MOBILE]
            ),
            "persona": position.persona,
            "last_verified_on": verified,
        }
        if rng.random() < 0.6:
            person["personal"] = {
                "birthday": fake.date_of_birth(minimum_age=32, maximum_age=63)
                if rng.random() < 0.8
                else None,
                "hobbies": rng.choice(HOBBIES),
                "family": rng.choice(FAMILY) if rng.random() < 0.6 else "",
                "values": rng.choice(VALUES) if rng.random() < 0.5 else "",
                "notes": rng.choice(NOTES) if rng.random() < 0.4 else "",
            }
        people.append(person)
    return people


def load(*, users: dict[str, User], seed: int) -> str:
    rng = random.Random(seed + 101)
    accounts = planned_accounts(tiers=(Tier.KEY, Tier.GROWTH), seed=seed)
    done = accounts_that_ever_had(Stakeholder) | set(
        Stakeholder.objects.filter(account__in=[account for account, _tier in accounts])
        .values_list("account_id", flat=True)
        .distinct()
    )
    created = left = 0
    for account, tier in accounts:
        if account.pk in done:
            continue
        by_key: dict[str, Stakeholder] = {}
        for person in _people_for(account, tier, rng, seed):
            position: Position = person.pop("position")
            manager = by_key.get(position.reports_to)
            stakeholder = stakeholder_create(
                actor=account.owner,
                account_id=account.pk,
                reports_to=manager,
                verified_today=False,
                **person,
            )
            by_key.setdefault(position.key, stakeholder)
            created += 1
            if position.level == Level.SPECIALIST and rng.random() < 0.25:
                stakeholder_mark_left(
                    actor=account.owner,
                    stakeholder_id=stakeholder.pk,
                    left_on=timezone.localdate() - datetime.timedelta(days=rng.randint(20, 300)),
                )
                left += 1
        _share_with_sites(account, by_key)
    return f"Stakeholders: {created} people created ({left} marked as having left)."


def _share_with_sites(account: Account, by_key: dict[str, Stakeholder]) -> None:
    """A group's head of procurement also buys for its sites (group purchasing)."""
    buyer = by_key.get("procurement")
    if buyer is None:
        return
    sites = list(
        accounts_visible_to(account.owner).filter(parent=account).values_list("pk", flat=True)
    )
    if sites:
        stakeholder_update(
            actor=account.owner,
            stakeholder_id=buyer.pk,
            expected_version=Stakeholder.objects.get(pk=buyer.pk).version,
            changes={"other_accounts": sites},
        )
