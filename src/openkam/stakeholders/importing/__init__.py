"""The people (stakeholders) import target: contacts from another CRM, an address-book export
or a spreadsheet, into the decision-making units of accounts.

Registered with the import engine from StakeholdersConfig.ready(). The head imports into any
account; a key account manager into the accounts they may edit (others answer as if they did
not exist). Specialists read people but do not maintain them, so they do not import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.imports.mapping import MappingProblem
from openkam.imports.targets import OptionSpec, Target, Writer
from openkam.stakeholders.importing.fields import FIELDS
from openkam.users.models import Role

KIND = "stakeholders"
ACCOUNT_FIELDS = ("account", "account_number", "customer_id")


class StakeholdersTarget(Target):
    kind = KIND
    label = gettext_lazy("People (stakeholders)")
    fields = FIELDS
    requirements = gettext_lazy(
        "Needed: the account (its name, registration number or ERP customer id, unless one "
        "account is chosen for all rows) and the person's name (the full name, or the first "
        "and last names). Every other field is optional; empty cells leave stored values as "
        "they are."
    )
    options = (
        OptionSpec(
            "account",
            gettext_lazy("account"),
            "",
            gettext_lazy(
                "The account (id or exact name) of rows that name none, e.g. a file of one "
                "company's contacts."
            ),
        ),
        OptionSpec(
            "source",
            gettext_lazy("ERP source"),
            "erp",
            gettext_lazy("The ERP whose customer ids the file uses to name accounts."),
        ),
    )

    def may_import(self, user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False)
            and user.is_active
            and user.role in (Role.HEAD, Role.KAM)
        )

    def resolve_options(self, options: Mapping[str, str]) -> dict[str, str]:
        resolved = super().resolve_options(options)
        resolved["account"] = resolved["account"].strip()
        resolved["source"] = (resolved["source"] or "erp").strip()
        return resolved

    def check(
        self, *, columns: Mapping[str, str], options: Mapping[str, str]
    ) -> list[MappingProblem]:
        mapped = set(columns.values())
        problems: list[MappingProblem] = []
        if not mapped & set(ACCOUNT_FIELDS) and not options.get("account"):
            problems.append(
                MappingProblem(
                    _(
                        "No column names the account: map the account name, its registration "
                        "number or its ERP customer id, or choose the account of all rows."
                    ),
                    option="map",
                    choices=("COLUMN=account", "COLUMN=account_number", "COLUMN=customer_id"),
                )
            )
        if not mapped & {"full_name", "last_name", "first_name"}:
            problems.append(
                MappingProblem(
                    _("No column holds the person's name: map the full name or the last name."),
                    option="map",
                    choices=("COLUMN=full_name", "COLUMN=last_name"),
                )
            )
        if "full_name" in mapped and mapped & {"first_name", "last_name"}:
            problems.append(
                MappingProblem(
                    _("Map either the full name or the first and last names, not both."),
                    option="map",
                )
            )
        return problems

    def notes(self, *, columns: Mapping[str, str], options: Mapping[str, str]) -> list[str]:
        mapped = set(columns.values())
        notes = [
            _(
                "People are matched to those of their account by e-mail address, else by "
                "name: those are updated, the others added. Empty cells leave stored values "
                "unchanged."
            )
        ]
        if options.get("account"):
            notes.append(
                _("Rows that name no account go to %(account)s.") % {"account": options["account"]}
            )
        if "last_verified" not in mapped:
            notes.append(
                _("Imported details count as not yet verified: people show as to be checked.")
            )
        if {"postal_code", "city", "region", "country"} & mapped:
            notes.append(_("Address parts are joined into one address."))
        return notes

    def writer(self, *, plan: Any, batch_id: int | None, dry_run: bool) -> Writer:
        from openkam.stakeholders.importing.writer import StakeholdersWriter

        return StakeholdersWriter(plan=plan, batch_id=batch_id, dry_run=dry_run)

    def summary_lines(self, summary: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [
            (
                _("People"),
                _("new: %(created)s, changed: %(updated)s, unchanged: %(unchanged)s")
                % {
                    "created": summary.get("people_created", 0),
                    "updated": summary.get("people_updated", 0),
                    "unchanged": summary.get("people_unchanged", 0),
                },
            ),
            (_("Accounts"), str(summary.get("accounts", 0))),
        ]


TARGET = StakeholdersTarget()


def register() -> None:
    """Called from StakeholdersConfig.ready(): the engine finds the target in its registry."""
    from openkam.imports.targets import register as register_target

    register_target(TARGET)
