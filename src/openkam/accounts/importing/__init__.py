"""The accounts import target: companies from another CRM or a spreadsheet.

Registered with the import engine from AccountsConfig.ready(); the engine reads the file,
maps its columns (header words in every shipped language), reads localised values, runs the
dry run and keeps the all-or-nothing rule; `writer.AccountsWriter` decides and writes.

Only the head of key accounts imports accounts: a file assigns owners (KAMs) and tiers, which
are the head's decisions, and links ERP customer ids, which decides whose revenue is whose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.accounts.importing.fields import FIELDS
from openkam.imports.mapping import MappingProblem
from openkam.imports.targets import OptionSpec, Target, Writer
from openkam.users.models import Role, User

KIND = "accounts"


class AccountsTarget(Target):
    kind = KIND
    label = gettext_lazy("Accounts")
    fields = FIELDS
    requirements = gettext_lazy(
        "Needed: the account name. Every other field is optional; empty cells leave stored "
        "values as they are."
    )
    options = (
        OptionSpec(
            "owner",
            gettext_lazy("default owner"),
            "",
            gettext_lazy(
                "Login or e-mail of the KAM who owns new accounts whose row names no owner; "
                "empty: the person importing."
            ),
        ),
        OptionSpec(
            "source",
            gettext_lazy("ERP source"),
            "erp",
            gettext_lazy("The ERP the customer ids belong to (as in the revenue import)."),
        ),
    )

    def may_import(self, user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.HEAD
        )

    def resolve_options(self, options: Mapping[str, str]) -> dict[str, str]:
        resolved = super().resolve_options(options)
        resolved["owner"] = resolved["owner"].strip()
        resolved["source"] = (resolved["source"] or "erp").strip()
        return resolved

    def check(
        self, *, columns: Mapping[str, str], options: Mapping[str, str]
    ) -> list[MappingProblem]:
        problems: list[MappingProblem] = []
        if "name" not in set(columns.values()):
            problems.append(
                MappingProblem(
                    _("No column is mapped to the %(field)s.")
                    % {"field": self.field("name").label},
                    option="map",
                    choices=("COLUMN=name",),
                )
            )
        owner = options.get("owner", "")
        if owner:
            users = User.objects.filter(is_active=True, role__in=(Role.KAM, Role.HEAD))
            if not (
                users.filter(username__iexact=owner).exists()
                or users.filter(email__iexact=owner).count() == 1
            ):
                problems.append(
                    MappingProblem(
                        _(
                            "%(owner)s is not the login or e-mail address of an active key "
                            "account manager or of the head."
                        )
                        % {"owner": owner},
                        option="owner",
                    )
                )
        source = options.get("source", "")
        if not source or len(source) > 100:
            problems.append(
                MappingProblem(
                    _("The source needs a name of up to 100 characters."), option="source"
                )
            )
        return problems

    def notes(self, *, columns: Mapping[str, str], options: Mapping[str, str]) -> list[str]:
        mapped = set(columns.values())
        notes = [
            _(
                "Rows are matched to stored accounts by registration number (in their country), "
                "else by exact name: those are updated, the others created. Empty cells leave "
                "stored values unchanged."
            )
        ]
        if "owner" not in mapped:
            notes.append(
                _("No owner column: new accounts are owned by %(owner)s.")
                % {"owner": options.get("owner") or _("the person importing")}
            )
        if "tier" not in mapped:
            notes.append(_("No tier column: new accounts get the tier Other."))
        if "currency" not in mapped:
            notes.append(
                _("No currency column: new accounts are invoiced in their country's currency.")
            )
        if "customer_ids" in mapped:
            notes.append(
                _("ERP customer ids are linked to the accounts (source %(source)s).")
                % {"source": options.get("source", "erp")}
            )
        return notes

    def writer(self, *, plan: Any, batch_id: int | None, dry_run: bool) -> Writer:
        from openkam.accounts.importing.writer import AccountsWriter

        return AccountsWriter(plan=plan, batch_id=batch_id, dry_run=dry_run)

    def summary_lines(self, summary: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [
            (
                _("Accounts"),
                # Worded for the dry run and a refused file too: what the rows are, not
                # what was written (the report says whether anything was).
                _("new: %(created)s, changed: %(updated)s, unchanged: %(unchanged)s")
                % {
                    "created": summary.get("accounts_created", 0),
                    "updated": summary.get("accounts_updated", 0),
                    "unchanged": summary.get("accounts_unchanged", 0),
                },
            ),
            (_("New or changed parent accounts"), str(summary.get("parents_set", 0))),
            (_("New owners of existing accounts"), str(summary.get("owners_changed", 0))),
            (
                _("ERP customer ids"),
                _("new: %(created)s, existing ones linked to an account: %(linked)s")
                % {
                    "created": summary.get("customer_ids_created", 0),
                    "linked": summary.get("customer_ids_linked", 0),
                },
            ),
        ]


TARGET = AccountsTarget()
