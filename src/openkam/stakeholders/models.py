"""The client's decision-making unit: the people a key account manager works with.

A stakeholder belongs to one *home* account, which governs who may see them; they may also sit
in other accounts of the same hierarchy (a group purchasing office, say). Their personal notes
(birthday, family, hobbies, values) widen communication but are personal data: only the home
account's team and the head may read them, so they live in a separate table that no list,
search index or export for other readers ever touches.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openkam.core.choices import Level
from openkam.core.models import TimeStampedModel, VersionedModel

# A birthday known without its year (as vCard 4.0 and Apple Contacts record it) is stored with
# this year, a leap year so that 29 February fits.
NO_YEAR = 1604


def field_label(model: type[models.Model], name: str) -> str:
    """A field's verbose name as the user reads it (the name itself for reverse relations)."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    ECONOMIC_BUYER = "economic_buyer", _("Economic buyer")
    TECHNICAL_BUYER = "technical_buyer", _("Technical buyer")
    USER = "user", _("User")
    INFLUENCER = "influencer", _("Influencer")
    CHAMPION = "champion", _("Champion")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    BLOCKER = "blocker", _("Blocker")


class Attitude(models.TextChoices):
    """How the person stands towards us, from our best friend to an open opponent."""

    CHAMPION = "champion", _("Champion")
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    SCEPTIC = "sceptic", _("Sceptic")
    OPPONENT = "opponent", _("Opponent")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    MOBILE = "mobile", _("Mobile")
    MEETING = "meeting", _("Meeting in person")
    VIDEO = "video", _("Video call")
    LETTER = "letter", _("Letter")
    MESSENGER = "messenger", _("Messenger")


class Persona(models.TextChoices):
    """Which arguments a proposal should lead with for this reader (domain.md, section 6)."""

    DRIVER_LEADER = "driver_leader", _("Driver / leader")
    PEOPLE_ORIENTED = "people_oriented", _("People-oriented")
    NUMBERS_ORIENTED = "numbers_oriented", _("Numbers-oriented")
    TECHNICAL = "technical", _("Technical")


class StakeholderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left the company")


class Stakeholder(VersionedModel):
    """A person on the client side: role in the buying decision, level, attitude, contacts."""

    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="stakeholders",
    )
    other_accounts = models.ManyToManyField(
        "accounts.Account",
        verbose_name=_("also sits in"),
        blank=True,
        related_name="shared_stakeholders",
        help_text=_("Other accounts of the same group this person also works for."),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=30, choices=Level.choices, blank=True)
    buying_role = models.CharField(
        _("buying role"), max_length=30, choices=BuyingRole.choices, blank=True
    )
    attitude = models.CharField(
        _("attitude to us"), max_length=20, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    influence = models.PositiveSmallIntegerField(
        _("influence"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = little say in the decision, 5 = decisive."),
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    profile_url = models.URLField(_("profile URL"), max_length=300, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel.choices, blank=True
    )
    persona = models.CharField(
        _("persona for proposals"), max_length=30, choices=Persona.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StakeholderStatus.choices,
        default=StakeholderStatus.ACTIVE,
    )
    left_on = models.DateField(_("left the company on"), null=True, blank=True)
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__gte=1) & Q(influence__lte=5),
                name="stakeholder_influence_1_to_5",
                violation_error_message=_("Influence is a number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True) | Q(status="left"),
                name="stakeholder_left_on_only_when_left",
                violation_error_message=_("Only a person who left has a leaving date."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "last_name"]),
            models.Index(fields=["last_verified_on"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def has_left(self) -> bool:
        return self.status == StakeholderStatus.LEFT

    @property
    def is_stale(self) -> bool:
        """Nobody confirmed the details for KAM_STAKEHOLDER_STALE_DAYS (or ever). A person who
        left is history, not a contact to keep current: never stale."""
        if self.status == StakeholderStatus.LEFT:
            return False
        if self.last_verified_on is None:
            return True
        days = int(getattr(settings, "KAM_STAKEHOLDER_STALE_DAYS", 180))
        return self.last_verified_on < timezone.localdate() - datetime.timedelta(days=days)

    @property
    def attitude_tone(self) -> str:
        """The badge colour of the attitude (always shown with its label)."""
        return {
            Attitude.CHAMPION: "ok",
            Attitude.SUPPORTER: "ok",
            Attitude.NEUTRAL: "neutral",
            Attitude.SCEPTIC: "pending",
            Attitude.OPPONENT: "danger",
        }.get(Attitude(self.attitude), "neutral")


class PersonalNote(TimeStampedModel):
    """Personal details that widen communication (seed 000). Personal data under the GDPR:
    read only by the home account's team and the head, never indexed, never exported to
    anybody else."""

    stakeholder = models.OneToOneField(
        Stakeholder,
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="personal",
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    family = models.TextField(_("family"), blank=True)
    hobbies = models.TextField(_("hobbies"), blank=True)
    values = models.TextField(_("values"), blank=True)
    notes = models.TextField(_("personal notes"), blank=True)

    class Meta:
        verbose_name = _("personal note")
        verbose_name_plural = _("personal notes")

    def __str__(self) -> str:
        return str(_("Personal notes on %(name)s") % {"name": self.stakeholder})

    @property
    def birthday_has_year(self) -> bool:
        """Address books may record a birthday without its year (stored as year 1604)."""
        return self.birthday is not None and self.birthday.year != NO_YEAR

    @property
    def is_empty(self) -> bool:
        return not (self.birthday or self.family or self.hobbies or self.values or self.notes)
