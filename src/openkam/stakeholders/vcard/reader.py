"""Cards from content lines: what each property means for a contact, and what is refused."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from openkam.stakeholders.models import NO_YEAR
from openkam.stakeholders.vcard.lines import (
    choose,
    format_address,
    logical_lines,
    parse_date,
    parse_line,
    physical_lines,
    property_types,
    split_escaped,
    tel_value,
    to_utf8_bytes,
    unescape,
)
from openkam.stakeholders.vcard.model import (
    PRODID,
    SUPPORTED_VERSIONS,
    X_FIELDS,
    X_PERSONAL,
    CardError,
    Contact,
    LineError,
    ParsedCard,
    ParsedFile,
    Property,
)

_email_ok = EmailValidator()
_url_ok = URLValidator(schemes=["http", "https"])


class _CardReader:
    """Turns one card's properties into a Contact, collecting errors on the card."""

    def __init__(self, props: list[Property], card: ParsedCard) -> None:
        self.card = card
        self.contact = Contact()
        self.by_name: dict[str, list[Property]] = {}
        for prop in props:
            self.by_name.setdefault(prop.name, []).append(prop)

    def error(self, line: int, reason: str) -> None:
        self.card.errors.append(CardError(card=self.card.number, line=line, reason=reason))

    def text(self, name: str) -> str:
        found = self.by_name.get(name)
        return unescape(found[0].value).strip() if found else ""

    def read(self) -> Contact:
        self._kind()
        self._name()
        self._organisation()
        self._email()
        self._phones()
        self._address()
        self._url()
        self._birthday()
        self._extras()
        return self.contact

    def _kind(self) -> None:
        for name in ("KIND", "X-ABSHOWAS"):
            if self.text(name).lower() in ("org", "group", "location", "company"):
                self.error(
                    self.by_name[name][0].line,
                    _("the card describes a company or a group, not a person"),
                )
                return

    def _name(self) -> None:
        contact = self.contact
        if "N" in self.by_name:
            parts = [*split_escaped(self.by_name["N"][0].value, ";"), "", "", ""]
            family, given, additional = (p.strip() for p in parts[:3])
            contact.last_name = family
            contact.first_name = " ".join(p for p in (given, additional) if p)
        formatted = self.text("FN")
        if not contact.last_name and not contact.first_name and formatted:
            first, _space, last = formatted.rpartition(" ")
            contact.first_name, contact.last_name = first, last
        elif not contact.last_name and contact.first_name:
            # Only a given name (e.g. "Anna"): keep it as the one name we require.
            contact.last_name, contact.first_name = contact.first_name, ""
        if not contact.last_name:
            self.error(self.card.line, _("the card has no name (neither N nor FN is filled in)"))

    def _organisation(self) -> None:
        self.contact.job_title = self.text("TITLE") or self.text("ROLE")
        if "ORG" in self.by_name:
            org = split_escaped(self.by_name["ORG"][0].value, ";")
            self.contact.organisation = org[0].strip()
            self.contact.department = " / ".join(p.strip() for p in org[1:] if p.strip())

    def _email(self) -> None:
        emails = [p for p in self.by_name.get("EMAIL", []) if unescape(p.value).strip()]
        chosen = choose(emails, ("work", "internet"))
        if chosen is None:
            return
        address = unescape(chosen.value).strip()
        if address.lower().startswith("mailto:"):
            address = address[7:]
        try:
            _email_ok(address)
        except ValidationError:
            self.error(
                chosen.line, _("“%(value)s” is not a valid e-mail address") % {"value": address}
            )
        self.contact.email = address
        for other in emails:
            if other is not chosen:
                value = unescape(other.value).strip()
                self.contact.dropped.append(_("e-mail %(value)s") % {"value": value})

    def _phones(self) -> None:
        phones = [p for p in self.by_name.get("TEL", []) if unescape(p.value).strip()]
        mobiles = [p for p in phones if property_types(p) & {"cell", "mobile", "iphone"}]
        not_voice = {"fax", "pager", "textphone"}
        landlines = [p for p in phones if p not in mobiles and not property_types(p) & not_voice]
        mobile = choose(mobiles, ("work",))
        phone = choose(landlines, ("work", "main", "voice"))
        for prop, attr in ((mobile, "mobile"), (phone, "phone")):
            if prop is None:
                continue
            if len(tel_value(prop)) > 50:
                self.error(prop.line, _("the phone number is longer than 50 characters"))
            setattr(self.contact, attr, tel_value(prop))
        for prop in phones:
            if prop is not mobile and prop is not phone:
                label = ", ".join(sorted(property_types(prop) - {"pref", "voice"})) or _("phone")
                self.contact.dropped.append(
                    _("%(kind)s number %(value)s") % {"kind": label, "value": tel_value(prop)}
                )

    def _address(self) -> None:
        addresses = self.by_name.get("ADR", [])
        adr = choose(addresses, ("work",))
        if adr is None:
            return
        self.contact.address = format_address(split_escaped(adr.value, ";"))
        for other in addresses:
            if other is not adr:
                flat = format_address(split_escaped(other.value, ";")).replace("\n", ", ")
                if flat:
                    self.contact.dropped.append(_("address %(value)s") % {"value": flat})

    def _url(self) -> None:
        urls = [p for p in self.by_name.get("URL", []) if unescape(p.value).strip()]
        social = [p for p in self.by_name.get("X-SOCIALPROFILE", []) if p.value.strip()]
        linkedin = [p for p in urls + social if "linkedin" in p.value.lower()]
        candidates = linkedin or urls
        if not candidates:
            return
        profile = candidates[0]
        url = unescape(profile.value).strip()
        if url.lower().startswith("www."):
            url = "https://" + url
        try:
            _url_ok(url)
        except ValidationError:
            self.error(profile.line, _("“%(value)s” is not a web address") % {"value": url[:80]})
        self.contact.profile_url = url
        for other in urls:
            if other is not profile:
                value = unescape(other.value).strip()
                self.contact.dropped.append(_("web address %(value)s") % {"value": value})

    def _birthday(self) -> None:
        if "BDAY" not in self.by_name:
            return
        prop = self.by_name["BDAY"][0]
        try:
            birthday = parse_date(unescape(prop.value))
        except ValueError:
            self.error(prop.line, _("“%(value)s” is not a date") % {"value": prop.value[:40]})
            return
        omit = prop.params.get("X-APPLE-OMIT-YEAR")
        if omit and str(birthday.year) == omit[0]:
            birthday = birthday.replace(year=NO_YEAR)
        self.contact.birthday = birthday

    def _extras(self) -> None:
        contact = self.contact
        notes = [unescape(p.value).strip() for p in self.by_name.get("NOTE", [])]
        contact.notes = "\n\n".join(n for n in notes if n)
        for prop_name, attr in X_FIELDS.items():
            if prop_name not in self.by_name:
                continue
            prop = self.by_name[prop_name][0]
            value = unescape(prop.value).strip()
            try:
                if attr == "influence":
                    contact.influence = int(value)
                elif attr == "last_verified_on":
                    contact.last_verified_on = parse_date(value)
                else:
                    setattr(contact, attr, value)
            except ValueError:
                reason = _("“%(value)s” is not a valid %(name)s")
                self.error(prop.line, reason % {"value": value, "name": prop_name})
        for prop_name, attr in X_PERSONAL.items():
            if prop_name in self.by_name:
                setattr(contact, attr, self.text(prop_name))
        # REV says when the card last changed; an OpenKAM export writes the export time there,
        # which says nothing about when someone checked the details.
        ours = self.text("PRODID") == PRODID
        if contact.last_verified_on is None and "REV" in self.by_name and not ours:
            # A broken revision stamp says nothing about the person: ignore it.
            with contextlib.suppress(ValueError):
                contact.last_verified_on = parse_date(self.by_name["REV"][0].value)


def parse_vcards(data: bytes) -> ParsedFile:
    """Every card of a .vcf file, each with its contact or the reasons it cannot be imported."""
    data = to_utf8_bytes(data)
    cards: list[ParsedCard] = []
    outside: list[CardError] = []
    card: ParsedCard | None = None
    props: list[Property] = []
    for number, raw in logical_lines(physical_lines(data)):
        if not raw.strip():
            continue
        stripped = raw.strip().upper()
        if stripped == b"BEGIN:VCARD":
            if card is not None:
                card.errors.append(
                    CardError(
                        card=card.number,
                        line=number,
                        reason=_("END:VCARD is missing before the next BEGIN:VCARD"),
                    )
                )
                cards.append(card)
            card = ParsedCard(number=len(cards) + 1, line=number)
            props = []
            continue
        if stripped == b"END:VCARD":
            if card is None:
                outside.append(
                    CardError(card=None, line=number, reason=_("END:VCARD without a BEGIN:VCARD"))
                )
                continue
            _finish(card, props)
            cards.append(card)
            card = None
            continue
        if card is None:
            outside.append(
                CardError(
                    card=None,
                    line=number,
                    reason=_("text outside a card (between END:VCARD and BEGIN:VCARD)"),
                )
            )
            continue
        try:
            props.append(parse_line(number, raw))
        except LineError as exc:
            card.errors.append(CardError(card=card.number, line=number, reason=str(exc)))
    if card is not None:
        card.errors.append(
            CardError(
                card=card.number,
                line=card.line,
                reason=_("the card ends without END:VCARD (the file may be cut off)"),
            )
        )
        cards.append(card)
    if not cards and not outside:
        outside.append(CardError(card=None, line=1, reason=_("the file contains no vCard")))
    return ParsedFile(cards=cards, errors=outside)


def _finish(card: ParsedCard, props: list[Property]) -> None:
    versions = [p for p in props if p.name == "VERSION"]
    if versions:
        card.version = versions[0].value.strip()
        if card.version not in SUPPORTED_VERSIONS:
            card.errors.append(
                CardError(
                    card=card.number,
                    line=versions[0].line,
                    reason=_("vCard version %(version)s is not supported (2.1, 3.0 and 4.0 are)")
                    % {"version": card.version[:10]},
                )
            )
            return
    else:
        card.version = "3.0"
    card.contact = _CardReader(props, card).read()
