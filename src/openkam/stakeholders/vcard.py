"""vCard reading and writing (RFC 2426 vCard 3.0, RFC 6350 vCard 4.0, and the vCard 2.1 that
Outlook still exports), without the database: bytes in, contacts and errors out; contacts in,
text out.

Reading is tolerant of what real address books write: folded lines (also folds that split a
UTF-8 character, which some exporters do), quoted-printable values with soft line breaks and a
CHARSET (Outlook), 2.1 bare parameters (`TEL;WORK;VOICE:`), Apple's `item1.` groups, several
TEL/EMAIL/ADR/URL with TYPE (and PREF) parameters, UTF-16 files with a byte order mark.
It is strict about what would silently corrupt data: a value that cannot be decoded, an invalid
e-mail address or date, a card without a name or without its END line is reported with the
card's number, the line and the reason, and that card is not imported.
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import datetime
import quopri
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from openkam.stakeholders.models import NO_YEAR

# Apple writes a birthday without a year as 1604-MM-DD plus X-APPLE-OMIT-YEAR=1604; vCard 4.0
# writes --MMDD. We store such a birthday with the year NO_YEAR.
SUPPORTED_VERSIONS = ("2.1", "3.0", "4.0")
PRODID = "-//OpenKAM//OpenKAM//EN"

# Our own properties, so that two OpenKAM installations (or an export and a re-import) keep
# the decision-making-unit data that vCard has no property for.
X_FIELDS = {
    "X-OPENKAM-LEVEL": "level",
    "X-OPENKAM-BUYING-ROLE": "buying_role",
    "X-OPENKAM-ATTITUDE": "attitude",
    "X-OPENKAM-INFLUENCE": "influence",
    "X-OPENKAM-CHANNEL": "preferred_channel",
    "X-OPENKAM-PERSONA": "persona",
    "X-OPENKAM-VERIFIED": "last_verified_on",
}
X_PERSONAL = {
    "X-OPENKAM-FAMILY": "family",
    "X-OPENKAM-HOBBIES": "hobbies",
    "X-OPENKAM-VALUES": "values",
}


@dataclass
class Contact:
    """One person as a vCard describes them, in OpenKAM's terms."""

    first_name: str = ""
    last_name: str = ""
    job_title: str = ""
    department: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    address: str = ""
    profile_url: str = ""
    level: str = ""
    buying_role: str = ""
    attitude: str = ""
    influence: int | None = None
    preferred_channel: str = ""
    persona: str = ""
    last_verified_on: datetime.date | None = None
    # Personal notes: only written out for readers who may see them.
    birthday: datetime.date | None = None
    notes: str = ""
    family: str = ""
    hobbies: str = ""
    values: str = ""
    # What the card carried that OpenKAM has no place for (shown in the import preview).
    dropped: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def personal(self) -> dict[str, Any]:
        return {
            "birthday": self.birthday,
            "notes": self.notes,
            "family": self.family,
            "hobbies": self.hobbies,
            "values": self.values,
        }


@dataclass(frozen=True)
class CardError:
    """Why a card (or a line outside any card, card=None) cannot be imported."""

    card: int | None
    line: int
    reason: str


@dataclass
class ParsedCard:
    number: int  # 1-based position in the file
    line: int  # the line of its BEGIN:VCARD
    version: str = ""
    contact: Contact | None = None
    errors: list[CardError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.contact is not None and not self.errors


@dataclass
class ParsedFile:
    cards: list[ParsedCard]
    errors: list[CardError]  # problems outside any card

    @property
    def good(self) -> list[ParsedCard]:
        return [c for c in self.cards if c.ok]

    @property
    def bad(self) -> list[ParsedCard]:
        return [c for c in self.cards if not c.ok]

    @property
    def all_errors(self) -> list[CardError]:
        errors = list(self.errors)
        for card in self.cards:
            errors.extend(card.errors)
        return sorted(errors, key=lambda e: (e.line, e.card or 0))


@dataclass
class _Property:
    name: str
    group: str
    params: dict[str, list[str]]
    value: str  # decoded to text; escapes not yet resolved
    line: int


class _LineError(Exception):
    pass


# --- Reading -------------------------------------------------------------------------------


def _to_utf8_bytes(data: bytes) -> bytes:
    """UTF-16 files (Outlook "Unicode" export) and a UTF-8 BOM become plain UTF-8 bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8")
    return data


def _physical_lines(data: bytes) -> list[bytes]:
    return re.split(rb"\r\n|\n|\r", data)


_BASE64_HEAD = re.compile(rb"(?i)(ENCODING=(BASE64|B)\b|;BASE64\b)")
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_BAD_QP = re.compile(rb"=(?![0-9A-Fa-f]{2})")


def _is_qp(head: bytes) -> bool:
    upper = head.upper()
    return b"QUOTED-PRINTABLE" in upper


def _logical_lines(lines: list[bytes]) -> list[tuple[int, bytes]]:
    """Unfold: a line starting with a space or tab continues the previous one; a
    quoted-printable value ending in "=" continues on the next line (soft line break).

    Works on bytes, so a fold that splits a multi-byte character is joined before decoding.
    """
    result: list[tuple[int, bytes]] = []
    current: bytes | None = None
    start = 0
    qp_soft = False
    base64_value = False
    for number, raw in enumerate(lines, start=1):
        if current is not None and qp_soft:
            current = current[:-1] + raw
        elif current is not None and raw[:1] in (b" ", b"\t") and raw.strip():
            current += raw[1:]
        elif current is not None and base64_value and _BASE64_LINE.fullmatch(raw):
            # vCard 2.1 base64 (Outlook photos) may continue on unindented lines.
            current += raw
        else:
            if current is not None:
                result.append((start, current))
            current, start = raw, number
        head = current.split(b":", 1)[0] if b":" in current else b""
        qp_soft = bool(head) and _is_qp(head) and current.endswith(b"=")
        base64_value = bool(head) and bool(_BASE64_HEAD.search(head))
    if current is not None:
        result.append((start, current))
    return result


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, buf, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch == sep and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"}


def _parse_params(items: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for item in items:
        if not item:
            continue
        if "=" in item:
            key, value = item.split("=", 1)
            key = key.strip().upper()
            values = [v.strip().strip('"') for v in _split_outside_quotes(value, ",")]
        else:
            # vCard 2.1 writes bare parameters: TEL;WORK;VOICE or EMAIL;PREF;INTERNET.
            bare = item.strip().upper()
            key = "ENCODING" if bare in _BARE_ENCODINGS else "TYPE"
            values = [bare]
        params.setdefault(key, []).extend(v for v in values if v)
    return params


def _decode_value(raw: bytes, params: dict[str, list[str]]) -> str:
    encoding = (params.get("ENCODING") or [""])[0].upper()
    charset = (params.get("CHARSET") or [""])[0]
    if encoding == "QUOTED-PRINTABLE":
        if _BAD_QP.search(raw):
            raise _LineError(
                _("the quoted-printable value has an “=” not followed by two hex digits")
            )
        try:
            raw = quopri.decodestring(raw)
        except (ValueError, binascii.Error) as exc:
            raise _LineError(_("the quoted-printable value cannot be decoded")) from exc
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            raise _LineError(
                _("unknown character set %(charset)s") % {"charset": charset}
            ) from None
    try:
        text = raw.decode(charset or "utf-8")
    except UnicodeDecodeError:
        if charset:
            raise _LineError(
                _("the value is not valid %(charset)s text") % {"charset": charset}
            ) from None
        raise _LineError(
            _(
                "the value is not UTF-8 text and names no CHARSET; export the contacts as "
                "UTF-8 (Unicode) and try again"
            )
        ) from None
    # Quoted-printable line breaks arrive as CRLF (=0D=0A); we keep plain newlines.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_line(number: int, raw: bytes) -> _Property:
    # The name and parameters are ASCII; the value is decoded by its own rules.
    quoted = False
    colon = -1
    for index, byte in enumerate(raw):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            colon = index
            break
    if colon <= 0:
        raise _LineError(_("the line has no ':' between the property name and its value"))
    head = raw[:colon].decode("ascii", errors="replace")
    items = _split_outside_quotes(head, ";")
    name_part = items[0].strip()
    group, _dot, name = name_part.rpartition(".")
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise _LineError(_("“%(name)s” is not a property name") % {"name": name_part[:40]})
    params = _parse_params(items[1:])
    encoding = (params.get("ENCODING") or [""])[0].upper()
    # Photos and sounds are not kept, and not worth decoding.
    value = "" if encoding in ("BASE64", "B") else _decode_value(raw[colon + 1 :], params)
    return _Property(
        name=name.upper(), group=group.upper(), params=params, value=value, line=number
    )


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _split_escaped(text: str, sep: str) -> list[str]:
    """Split on `sep` not preceded by a backslash, then resolve escapes in each part."""
    parts, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append(_unescape("".join(buf)))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append(_unescape("".join(buf)))
    return parts


def _types(prop: _Property) -> set[str]:
    types: set[str] = set()
    for value in prop.params.get("TYPE", []):
        types.update(t.strip().lower() for t in value.split(",") if t.strip())
    if "PREF" in prop.params:  # vCard 4.0: PREF=1 (lower is more preferred)
        types.add("pref")
    return types


def _pref_rank(prop: _Property) -> int:
    if "PREF" in prop.params:
        try:
            return int(prop.params["PREF"][0])
        except (ValueError, IndexError):
            return 1
    return 1 if "pref" in _types(prop) else 100


def _parse_date(text: str) -> datetime.date:
    """ISO 8601 dates as vCards write them: 1975-04-12, 19750412, --0412, --04-12,
    1975-04-12T00:00:00Z. A date without a year gets NO_YEAR."""
    value = re.split(r"[T ]", text.strip(), maxsplit=1)[0]
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"--(\d{2})-?(\d{2})", value)
        if not match:
            raise ValueError(value)
        year = NO_YEAR
        month, day = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def _format_address(parts: list[str]) -> str:
    """ADR components (PO box; extended; street; locality; region; postal code; country) as
    the lines of a postal address: street, "code city", region, country."""
    parts = [*parts, *[""] * 7][:7]
    po_box, extended, street, city, region, code, country = (p.strip() for p in parts)
    lines = [line for line in (po_box, extended, street) if line]
    town = " ".join(p for p in (code, city) if p)
    lines.extend(line for line in (town, region, country) if line)
    return "\n".join(lines)


_email_ok = EmailValidator()
_url_ok = URLValidator(schemes=["http", "https"])


def _choose(props: list[_Property], prefer: tuple[str, ...] = ()) -> _Property | None:
    """The preferred one of several: PREF first, then one of the `prefer` types, then order."""
    if not props:
        return None

    def key(item: tuple[int, _Property]) -> tuple[int, int, int]:
        index, prop = item
        preferred = 0 if _types(prop) & set(prefer) else 1
        return (_pref_rank(prop), preferred, index)

    return min(enumerate(props), key=key)[1]


def _tel(prop: _Property) -> str:
    value = _unescape(prop.value).strip()
    return value[4:] if value.lower().startswith("tel:") else value


class _CardReader:
    """Turns one card's properties into a Contact, collecting errors on the card."""

    def __init__(self, props: list[_Property], card: ParsedCard) -> None:
        self.card = card
        self.contact = Contact()
        self.by_name: dict[str, list[_Property]] = {}
        for prop in props:
            self.by_name.setdefault(prop.name, []).append(prop)

    def error(self, line: int, reason: str) -> None:
        self.card.errors.append(CardError(card=self.card.number, line=line, reason=reason))

    def text(self, name: str) -> str:
        found = self.by_name.get(name)
        return _unescape(found[0].value).strip() if found else ""

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
            parts = [*_split_escaped(self.by_name["N"][0].value, ";"), "", "", ""]
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
            org = _split_escaped(self.by_name["ORG"][0].value, ";")
            self.contact.organisation = org[0].strip()
            self.contact.department = " / ".join(p.strip() for p in org[1:] if p.strip())

    def _email(self) -> None:
        emails = [p for p in self.by_name.get("EMAIL", []) if _unescape(p.value).strip()]
        chosen = _choose(emails, ("work", "internet"))
        if chosen is None:
            return
        address = _unescape(chosen.value).strip()
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
                value = _unescape(other.value).strip()
                self.contact.dropped.append(_("e-mail %(value)s") % {"value": value})

    def _phones(self) -> None:
        phones = [p for p in self.by_name.get("TEL", []) if _unescape(p.value).strip()]
        mobiles = [p for p in phones if _types(p) & {"cell", "mobile", "iphone"}]
        landlines = [
            p for p in phones if p not in mobiles and not _types(p) & {"fax", "pager", "textphone"}
        ]
        mobile = _choose(mobiles, ("work",))
        phone = _choose(landlines, ("work", "main", "voice"))
        for prop, attr in ((mobile, "mobile"), (phone, "phone")):
            if prop is None:
                continue
            if len(_tel(prop)) > 50:
                self.error(prop.line, _("the phone number is longer than 50 characters"))
            setattr(self.contact, attr, _tel(prop))
        for prop in phones:
            if prop is not mobile and prop is not phone:
                label = ", ".join(sorted(_types(prop) - {"pref", "voice"})) or _("phone")
                self.contact.dropped.append(
                    _("%(kind)s number %(value)s") % {"kind": label, "value": _tel(prop)}
                )

    def _address(self) -> None:
        addresses = self.by_name.get("ADR", [])
        adr = _choose(addresses, ("work",))
        if adr is None:
            return
        self.contact.address = _format_address(_split_escaped(adr.value, ";"))
        for other in addresses:
            if other is not adr:
                flat = _format_address(_split_escaped(other.value, ";")).replace("\n", ", ")
                if flat:
                    self.contact.dropped.append(_("address %(value)s") % {"value": flat})

    def _url(self) -> None:
        urls = [p for p in self.by_name.get("URL", []) if _unescape(p.value).strip()]
        social = [p for p in self.by_name.get("X-SOCIALPROFILE", []) if p.value.strip()]
        linkedin = [p for p in urls + social if "linkedin" in p.value.lower()]
        candidates = linkedin or urls
        if not candidates:
            return
        profile = candidates[0]
        url = _unescape(profile.value).strip()
        if url.lower().startswith("www."):
            url = "https://" + url
        try:
            _url_ok(url)
        except ValidationError:
            self.error(profile.line, _("“%(value)s” is not a web address") % {"value": url[:80]})
        self.contact.profile_url = url
        for other in urls:
            if other is not profile:
                value = _unescape(other.value).strip()
                self.contact.dropped.append(_("web address %(value)s") % {"value": value})

    def _birthday(self) -> None:
        if "BDAY" not in self.by_name:
            return
        prop = self.by_name["BDAY"][0]
        try:
            birthday = _parse_date(_unescape(prop.value))
        except ValueError:
            self.error(prop.line, _("“%(value)s” is not a date") % {"value": prop.value[:40]})
            return
        omit = prop.params.get("X-APPLE-OMIT-YEAR")
        if omit and str(birthday.year) == omit[0]:
            birthday = birthday.replace(year=NO_YEAR)
        self.contact.birthday = birthday

    def _extras(self) -> None:
        contact = self.contact
        notes = [_unescape(p.value).strip() for p in self.by_name.get("NOTE", [])]
        contact.notes = "\n\n".join(n for n in notes if n)
        for prop_name, attr in X_FIELDS.items():
            if prop_name not in self.by_name:
                continue
            prop = self.by_name[prop_name][0]
            value = _unescape(prop.value).strip()
            try:
                if attr == "influence":
                    contact.influence = int(value)
                elif attr == "last_verified_on":
                    contact.last_verified_on = _parse_date(value)
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
                contact.last_verified_on = _parse_date(self.by_name["REV"][0].value)


def parse_vcards(data: bytes) -> ParsedFile:
    """Every card of a .vcf file, each with its contact or the reasons it cannot be imported."""
    data = _to_utf8_bytes(data)
    cards: list[ParsedCard] = []
    outside: list[CardError] = []
    card: ParsedCard | None = None
    props: list[_Property] = []
    for number, raw in _logical_lines(_physical_lines(data)):
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
            props.append(_parse_line(number, raw))
        except _LineError as exc:
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


def _finish(card: ParsedCard, props: list[_Property]) -> None:
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


# --- Writing -------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + space, never splitting a character."""
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out)


def _date_value(value: datetime.date, version: str) -> tuple[str, str]:
    """(parameters, value) for a date; a birthday without a year as each version allows."""
    if value.year == NO_YEAR:
        if version == "4.0":
            return "", value.strftime("--%m%d")
        return f";X-APPLE-OMIT-YEAR={NO_YEAR}", value.strftime(f"{NO_YEAR}-%m-%d")
    return "", value.isoformat() if version == "3.0" else value.strftime("%Y%m%d")


def serialize_vcard(contact: Contact, *, version: str = "3.0", uid: str = "") -> str:
    """One card. The caller decides which personal fields the reader may receive (blank them
    otherwise): this function writes whatever the contact carries."""
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vCard version {version} cannot be written (3.0 and 4.0 can).")
    v4 = version == "4.0"
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"PRODID:{PRODID}"]
    if v4:
        lines.append("KIND:individual")
    if uid:
        lines.append(f"UID:{_escape(uid)}")
    lines.append(f"N:{_escape(contact.last_name)};{_escape(contact.first_name)};;;")
    lines.append(f"FN:{_escape(contact.full_name or contact.last_name)}")
    if contact.organisation or contact.department:
        org = _escape(contact.organisation)
        if contact.department:
            org += ";" + _escape(contact.department)
        lines.append(f"ORG:{org}")
    if contact.job_title:
        lines.append(f"TITLE:{_escape(contact.job_title)}")
    if contact.email:
        params = "TYPE=work;PREF=1" if v4 else "TYPE=INTERNET,WORK,PREF"
        lines.append(f"EMAIL;{params}:{contact.email}")
    if contact.phone:
        params = 'TYPE="work,voice"' if v4 else "TYPE=WORK,VOICE"
        lines.append(f"TEL;{params}:{_escape(contact.phone)}")
    if contact.mobile:
        params = 'TYPE="cell,work"' if v4 else "TYPE=CELL,WORK"
        lines.append(f"TEL;{params}:{_escape(contact.mobile)}")
    if contact.address:
        # Our address is free text: it goes whole into the street component, line breaks kept.
        params = "TYPE=work" if v4 else "TYPE=WORK"
        lines.append(f"ADR;{params}:;;{_escape(contact.address)};;;;")
    if contact.profile_url:
        lines.append(f"URL:{contact.profile_url}")
    if contact.birthday:
        params, value = _date_value(contact.birthday, version)
        lines.append(f"BDAY{params}:{value}")
    if contact.notes:
        lines.append(f"NOTE:{_escape(contact.notes)}")
    for prop_name, attr in (*X_FIELDS.items(), *X_PERSONAL.items()):
        value = getattr(contact, attr)
        if value in (None, ""):
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        lines.append(f"{prop_name}:{_escape(str(value))}")
    rev = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines.append(f"REV:{rev}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def serialize_vcards(contacts: list[tuple[Contact, str]], *, version: str = "3.0") -> str:
    """Several cards in one file: (contact, uid) pairs."""
    return "".join(serialize_vcard(c, version=version, uid=uid) for c, uid in contacts)
