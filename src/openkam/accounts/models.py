from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from openkam.core.choices import Level
from openkam.core.models import TimeStampedModel, VersionedModel
from openkam.currency.models import currency_code_validator

_REGISTRATION_TAKEN = _("Another account in this country has this registration number.")


def default_account_currency() -> str:
    return str(settings.KAM_REPORTING_CURRENCY)


class Tier(models.TextChoices):
    KEY = "key", _("Key")
    GROWTH = "growth", _("Growth")
    MAINTAIN = "maintain", _("Maintain")
    OTHER = "other", _("Other")


class TeamRole(models.TextChoices):
    KAM_LEAD = "kam_lead", _("KAM lead")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    FINANCE = "finance", _("Finance")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


class Account(VersionedModel):
    """A client company (or one of its entities) that the key-accounts department manages."""

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=250, blank=True)
    # No index of its own: lookups go by country and number (the unique constraint's index);
    # the account import reads every number once into memory instead.
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=50, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=default_account_currency,
        validators=[currency_code_validator],
        help_text=_("The currency the account is invoiced in (ISO 4217 code)."),
    )
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.OTHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (KAM)"),
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        db_index=False,  # the (owner, name) index below serves look-ups by owner
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~Q(registration_number=""),
                name="account_unique_registration_per_country",
                violation_error_message=_REGISTRATION_TAKEN,
            )
        ]
        indexes = [
            models.Index(fields=["tier", "name"]),
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """A registration number taken in the country is reported on that field, so that the
        form and the API's 422 answer point at it (Django reports conditional unique
        constraints as errors of the whole record)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            whole = errors.pop(NON_FIELD_ERRORS, [])
            taken = [e for e in whole if str(getattr(e, "message", "")) == str(_REGISTRATION_TAKEN)]
            if taken:
                errors.setdefault("registration_number", []).extend(taken)
            if rest := [e for e in whole if e not in taken]:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from exc

    @property
    def pending_tier_label(self) -> str:
        """Label of the tier a pending request asks for (annotated by the selectors)."""
        pending = getattr(self, "pending_tier", None)
        return str(Tier(pending).label) if pending else ""


class AccountTeamMember(TimeStampedModel):
    """One of our people serving an account, with their role in the team and their level."""

    # How the account's history words changes to its team (core.models.AuditEntry.summary).
    audit_phrases = {
        "create": _("added %(target)s to the team"),
        "update": _("changed the role of %(target)s in the team"),
        "delete": _("removed %(target)s from the team"),
    }

    # No index of their own: the unique (account, user) and the (user, account) indexes
    # serve look-ups by either (each index is one more write per team member).
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="team", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.PROTECT,
        related_name="account_memberships",
        db_index=False,
    )
    team_role = models.CharField(
        _("team role"), max_length=30, choices=TeamRole.choices, default=TeamRole.OTHER
    )
    level = models.CharField(
        _("level"), max_length=30, choices=Level.choices, default=Level.SPECIALIST
    )

    class Meta:
        ordering = ["account", "team_role", "user"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user"],
                name="team_member_once_per_account",
                violation_error_message=_("This person is already on the account team."),
            )
        ]
        indexes = [models.Index(fields=["user", "account"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_team_role_display()})"


class TierChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TierChangeRequest(models.Model):
    """A KAM's proposal to move an account to another tier; the head approves or rejects it."""

    audit_phrases = {
        "create": _("asked for a change of tier: %(target)s"),
        "update": _("decided on the change of tier %(target)s"),
        "delete": _("withdrew the change of tier %(target)s"),
    }

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tier_requests")
    from_tier = models.CharField(_("from tier"), max_length=20, choices=Tier.choices)
    to_tier = models.CharField(_("to tier"), max_length=20, choices=Tier.choices)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TierChangeStatus.choices,
        default=TierChangeStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("tier change request")
        verbose_name_plural = _("tier change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status="pending"),
                name="one_pending_tier_request_per_account",
                violation_error_message=_("This account already has a tier change waiting."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.get_from_tier_display()} → {self.get_to_tier_display()}"
