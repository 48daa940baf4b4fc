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

from openkam.stakeholders.vcard.model import (
    PRODID,
    SUPPORTED_VERSIONS,
    X_FIELDS,
    X_PERSONAL,
    CardError,
    Contact,
    ParsedCard,
    ParsedFile,
)
from openkam.stakeholders.vcard.reader import parse_vcards
from openkam.stakeholders.vcard.writer import serialize_vcard, serialize_vcards

__all__ = [
    "PRODID",
    "SUPPORTED_VERSIONS",
    "X_FIELDS",
    "X_PERSONAL",
    "CardError",
    "Contact",
    "ParsedCard",
    "ParsedFile",
    "parse_vcards",
    "serialize_vcard",
    "serialize_vcards",
]
