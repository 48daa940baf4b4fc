"""vCard import into an account's decision-making unit, and export of its people.

An import is previewed first: every card is parsed and checked as the record it would become,
and matched to the people already there (by e-mail address, else by name). Good cards are
written only when the file has no malformed card, or when the user confirms that the
malformed ones are left out; either way the whole import is one transaction, so a file is
never half imported without saying so.

Exports carry personal notes (birthday, free notes, family, hobbies, values) only for readers
who may see them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, account_get
from openkam.core.errors import ForbiddenError, NotFoundError
from openkam.stakeholders import services
from openkam.stakeholders.models import (
    PersonalNote,
    Stakeholder,
    StakeholderStatus,
    field_label,
)
from openkam.stakeholders.selectors import (
    account_stakeholders,
    personal_notes_account_ids,
    personal_notes_visible,
)
from openkam.stakeholders.vcard import (
    CardError,
    Contact,
    ParsedCard,
    parse_vcards,
    serialize_vcards,
)
from openkam.users.models import User

MAX_VCARD_BYTES = 10 * 1024 * 1024  # photos make address-book exports large
MAX_CARDS = 5000
# Contact fields a card fills in; on an update, a field the card leaves empty is kept.
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "department",
    "email",
    "phone",
    "mobile",
    "address",
    "profile_url",
    "level",
    "buying_role",
    "attitude",
    "influence",
    "preferred_channel",
    "persona",
)
PERSONAL_FROM_CARD = ("birthday", "notes", "family", "hobbies", "values")


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class PreviewRow:
    card: ParsedCard
    contact: Contact
    action: str
    existing: Stakeholder | None = None
    changed: list[str] = field(default_factory=list)  # labels of fields an update changes
    personal: dict[str, Any] = field(default_factory=dict)  # personal fields an update writes


@dataclass
class ImportPreview:
    account: Account
    rows: list[PreviewRow]
    errors: list[CardError]
    cards: int

    @property
    def bad_cards(self) -> int:
        return len({e.card for e in self.errors if e.card is not None})

    @property
    def file_errors(self) -> list[CardError]:
        return [e for e in self.errors if e.card is None]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def new_count(self) -> int:
        return self.count(Action.CREATE)

    @property
    def update_count(self) -> int:
        return self.count(Action.UPDATE)


@dataclass
class ImportResult:
    created: list[Stakeholder]
    updated: list[Stakeholder]
    unchanged: int
    skipped: list[CardError]


def _contact_values(contact: Contact) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    return {k: v for k, v in values.items() if v not in ("", None)}


def _check_as_record(account: Account, contact: Contact, card: ParsedCard) -> None:
    """Validate the card as the record it would become, so that the import cannot fail
    half-way: field lengths, choices, influence range, e-mail and URL formats."""
    person = Stakeholder(account=account, **_contact_values(contact))
    try:
        person.full_clean(exclude=["account", "reports_to"], validate_constraints=False)
        note = PersonalNote(
            stakeholder=person,
            **{k: getattr(contact, k) for k in PERSONAL_FROM_CARD if getattr(contact, k)},
        )
        note.full_clean(exclude=["stakeholder"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            label = name
            for model in (Stakeholder, PersonalNote):
                try:
                    label = field_label(model, name)
                    break
                except Exception:  # noqa: S112 - not a field of this model
                    continue
            for message in messages:
                card.errors.append(
                    CardError(card=card.number, line=card.line, reason=f"{label}: {message}")
                )


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _changed_fields(person: Stakeholder, contact: Contact, note: PersonalNote | None) -> list[str]:
    labels = []
    for name, value in _contact_values(contact).items():
        if getattr(person, name) != value:
            labels.append(field_label(Stakeholder, name))
    for name, value in _personal_values(contact, note).items():
        if getattr(note, name, None) != value:
            labels.append(field_label(PersonalNote, name))
    return labels


def _personal_values(contact: Contact, note: PersonalNote | None) -> dict[str, Any]:
    """Personal fields the card fills in. A card's NOTE is added to notes already written
    rather than replacing them, so an import never loses what the team wrote."""
    values = {k: getattr(contact, k) for k in PERSONAL_FROM_CARD if getattr(contact, k)}
    existing = note.notes if note is not None else ""
    if "notes" in values and existing and values["notes"] not in existing:
        values["notes"] = f"{existing}\n\n{values['notes']}"
    elif "notes" in values and existing:
        values.pop("notes")
    return values


def _editable(*, actor: User, account_id: int) -> Account:
    account = account_get(user=actor, account_id=account_id)
    if not account_can_edit(user=actor, account=account):
        raise ForbiddenError(_("You may read this account's people but not import into it."))
    return account


def vcard_preview(*, actor: User, account_id: int, data: bytes) -> ImportPreview:
    """What importing `data` into the account would do, card by card. Writes nothing."""
    account = _editable(actor=actor, account_id=account_id)
    if len(data) > MAX_VCARD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB; split it and import the parts.")
                % {"mb": MAX_VCARD_BYTES // (1024 * 1024)}
            }
        )
    parsed = parse_vcards(data)
    if len(parsed.cards) > MAX_CARDS:
        raise ValidationError(
            {
                "file": _("The file holds %(count)s cards; import at most %(max)s at a time.")
                % {"count": len(parsed.cards), "max": MAX_CARDS}
            }
        )
    people = list(Stakeholder.objects.filter(account=account))
    notes = {n.stakeholder_id: n for n in PersonalNote.objects.filter(stakeholder__account=account)}
    by_email = {p.email.casefold(): p for p in people if p.email}
    by_name = {_norm(p.full_name): p for p in people}
    seen: dict[str, int] = {}
    rows: list[PreviewRow] = []
    for card in parsed.cards:
        if not card.ok or card.contact is None:
            continue
        contact = card.contact
        _check_as_record(account, contact, card)
        key = contact.email.casefold() or _norm(contact.full_name)
        if key in seen:
            card.errors.append(
                CardError(
                    card=card.number,
                    line=card.line,
                    reason=_("the same person as card %(other)s") % {"other": seen[key]},
                )
            )
        seen.setdefault(key, card.number)
        if card.errors:
            continue
        existing = (by_email.get(contact.email.casefold()) if contact.email else None) or (
            by_name.get(_norm(contact.full_name))
        )
        if existing is None:
            rows.append(PreviewRow(card=card, contact=contact, action=Action.CREATE))
        else:
            note = notes.get(existing.pk)
            changed = _changed_fields(existing, contact, note)
            action = Action.UPDATE if changed else Action.UNCHANGED
            rows.append(
                PreviewRow(
                    card=card,
                    contact=contact,
                    action=action,
                    existing=existing,
                    changed=changed,
                    personal=_personal_values(contact, note),
                )
            )
    return ImportPreview(
        account=account, rows=rows, errors=parsed.all_errors, cards=len(parsed.cards)
    )


@transaction.atomic
def vcard_import(
    *, actor: User, account_id: int, data: bytes, skip_malformed: bool = False
) -> ImportResult:
    """Import the file's people into the account, all or nothing.

    With malformed cards in the file nothing is written unless `skip_malformed` says the user
    saw them and wants the good cards anyway.
    """
    preview = vcard_preview(actor=actor, account_id=account_id, data=data)
    if preview.has_errors and not skip_malformed:
        raise ValidationError(
            [
                ValidationError(_describe(error))
                for error in preview.errors[:200]  # enough to fix a file; the rest repeat
            ]
        )
    created: list[Stakeholder] = []
    updated: list[Stakeholder] = []
    unchanged = 0
    for row in preview.rows:
        contact = row.contact
        try:
            if row.existing is None:
                values = _contact_values(contact)
                person = services.stakeholder_create(
                    actor=actor,
                    account_id=account_id,
                    personal={k: getattr(contact, k) for k in PERSONAL_FROM_CARD},
                    last_verified_on=contact.last_verified_on,
                    verified_today=False,
                    **values,
                )
                created.append(person)
                continue
            if row.action == Action.UNCHANGED:
                unchanged += 1
                continue
            person = services.stakeholder_update(
                actor=actor,
                stakeholder_id=row.existing.pk,
                expected_version=row.existing.version,
                changes=_contact_values(contact),
            )
            if row.personal:
                services.personal_note_update(
                    actor=actor, stakeholder_id=row.existing.pk, values=row.personal
                )
            updated.append(person)
        except ValidationError as exc:
            # Checked in the preview; if the record still refuses, stop the whole import.
            raise ValidationError(
                _("Card %(card)s (line %(line)s): %(reason)s. Nothing was imported.")
                % {
                    "card": row.card.number,
                    "line": row.card.line,
                    "reason": "; ".join(exc.messages),
                }
            ) from exc
    return ImportResult(
        created=created, updated=updated, unchanged=unchanged, skipped=preview.errors
    )


def _describe(error: CardError) -> str:
    if error.card is None:
        return _("Line %(line)s: %(reason)s.") % {"line": error.line, "reason": error.reason}
    return _("Card %(card)s, line %(line)s: %(reason)s.") % {
        "card": error.card,
        "line": error.line,
        "reason": error.reason,
    }


def describe_error(error: CardError) -> str:
    return _describe(error)


# --- Pending uploads between preview and confirmation ---------------------------------------


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads" / "vcard"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def pending_upload_store(*, actor: User, account_id: int, data: bytes) -> str:
    """Keep an uploaded file until the user confirms the preview; answers a signed ticket
    that only this user can redeem for this account. Tickets older than a day are cleared."""
    directory = _upload_dir()
    cutoff = time.time() - 86400
    for old in directory.glob("*.vcf"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    name = secrets.token_hex(16)
    path = directory / f"{name}.vcf"
    path.write_bytes(data)
    path.chmod(0o600)
    return signing.dumps(
        {"n": name, "u": actor.pk, "a": account_id}, salt="openkam.stakeholders.vcard"
    )


def pending_upload_load(*, actor: User, account_id: int, ticket: str) -> bytes:
    try:
        payload = signing.loads(ticket, salt="openkam.stakeholders.vcard", max_age=86400)
    except signing.BadSignature:
        raise NotFoundError(_("This upload has expired; upload the file again.")) from None
    if payload.get("u") != actor.pk or payload.get("a") != account_id:
        raise NotFoundError(_("This upload has expired; upload the file again."))
    path = _upload_dir() / f"{payload['n']}.vcf"
    if not path.is_file():
        raise NotFoundError(_("This upload has expired; upload the file again."))
    return path.read_bytes()


def pending_upload_discard(*, ticket: str) -> None:
    try:
        payload = signing.loads(ticket, salt="openkam.stakeholders.vcard")
    except signing.BadSignature:
        return
    (_upload_dir() / f"{payload['n']}.vcf").unlink(missing_ok=True)


# --- Export ----------------------------------------------------------------------------------


def stakeholder_contact(
    person: Stakeholder, *, with_personal: bool, note: PersonalNote | None = None
) -> Contact:
    """A person as a vCard contact; personal notes only when `with_personal`."""
    contact = Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        job_title=person.job_title,
        department=person.department,
        organisation=person.account.name,
        email=person.email,
        phone=person.phone,
        mobile=person.mobile,
        address=person.address,
        profile_url=person.profile_url,
        level=person.level,
        buying_role=person.buying_role,
        attitude=person.attitude,
        influence=person.influence,
        preferred_channel=person.preferred_channel,
        persona=person.persona,
        last_verified_on=person.last_verified_on,
    )
    if with_personal and note is not None:
        contact.birthday = note.birthday
        contact.notes = note.notes
        contact.family = note.family
        contact.hobbies = note.hobbies
        contact.values = note.values
    return contact


def _uid(person: Stakeholder) -> str:
    return f"openkam-stakeholder-{person.pk}"


def vcard_export_people(*, user: Any, people: Iterable[Stakeholder], version: str = "3.0") -> str:
    """Cards for people the caller already read through the access rules. One query for the
    personal notes the user may see, none per person."""
    people = list(people)
    allowed = personal_notes_account_ids(user=user, account_ids={p.account_id for p in people})
    notes = {
        n.stakeholder_id: n
        for n in PersonalNote.objects.filter(
            stakeholder__in=[p for p in people if p.account_id in allowed]
        )
    }
    return serialize_vcards(
        [
            (
                stakeholder_contact(p, with_personal=p.account_id in allowed, note=notes.get(p.pk)),
                _uid(p),
            )
            for p in people
        ],
        version=version,
    )


def vcard_export_account(
    *, user: Any, account_id: int, version: str = "3.0", include_left: bool = False
) -> tuple[Account, str]:
    account = account_get(user=user, account_id=account_id)
    people = account_stakeholders(account=account).order_by("last_name", "first_name", "id")
    if not include_left:
        people = people.filter(status=StakeholderStatus.ACTIVE)
    return account, vcard_export_people(user=user, people=people, version=version)


def vcard_export_one(*, user: Any, person: Stakeholder, version: str = "3.0") -> str:
    note = None
    allowed = personal_notes_visible(user=user, stakeholder=person)
    if allowed:
        note = PersonalNote.objects.filter(stakeholder=person).first()
    contact = stakeholder_contact(person, with_personal=allowed, note=note)
    return serialize_vcards([(contact, _uid(person))], version=version)
