"""Contacts out as vCard 3.0 or 4.0 text: escaping, folding, OpenKAM's own X- properties."""

from __future__ import annotations

import datetime

from openkam.stakeholders.models import NO_YEAR
from openkam.stakeholders.vcard.model import PRODID, X_FIELDS, X_PERSONAL, Contact


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
