"""vCard content lines: unfolding, parameters, value decodings and escapes (2.1, 3.0, 4.0)."""

from __future__ import annotations

import binascii
import codecs
import datetime
import quopri
import re

from django.utils.translation import gettext as _

from openkam.stakeholders.models import NO_YEAR
from openkam.stakeholders.vcard.model import LineError, Property


def to_utf8_bytes(data: bytes) -> bytes:
    """UTF-16 files (Outlook "Unicode" export) and a UTF-8 BOM become plain UTF-8 bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8")
    return data


def physical_lines(data: bytes) -> list[bytes]:
    return re.split(rb"\r\n|\n|\r", data)


_BASE64_HEAD = re.compile(rb"(?i)(ENCODING=(BASE64|B)\b|;BASE64\b)")
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_BAD_QP = re.compile(rb"=(?![0-9A-Fa-f]{2})")


def _is_qp(head: bytes) -> bool:
    upper = head.upper()
    return b"QUOTED-PRINTABLE" in upper


def logical_lines(lines: list[bytes]) -> list[tuple[int, bytes]]:
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
            raise LineError(
                _("the quoted-printable value has an “=” not followed by two hex digits")
            )
        try:
            raw = quopri.decodestring(raw)
        except (ValueError, binascii.Error) as exc:
            raise LineError(_("the quoted-printable value cannot be decoded")) from exc
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            raise LineError(_("unknown character set %(charset)s") % {"charset": charset}) from None
    try:
        text = raw.decode(charset or "utf-8")
    except UnicodeDecodeError:
        if charset:
            raise LineError(
                _("the value is not valid %(charset)s text") % {"charset": charset}
            ) from None
        raise LineError(
            _(
                "the value is not UTF-8 text and names no CHARSET; export the contacts as "
                "UTF-8 (Unicode) and try again"
            )
        ) from None
    # Quoted-printable line breaks arrive as CRLF (=0D=0A); we keep plain newlines.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_line(number: int, raw: bytes) -> Property:
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
        raise LineError(_("the line has no ':' between the property name and its value"))
    head = raw[:colon].decode("ascii", errors="replace")
    items = _split_outside_quotes(head, ";")
    name_part = items[0].strip()
    group, _dot, name = name_part.rpartition(".")
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise LineError(_("“%(name)s” is not a property name") % {"name": name_part[:40]})
    params = _parse_params(items[1:])
    encoding = (params.get("ENCODING") or [""])[0].upper()
    # Photos and sounds are not kept, and not worth decoding.
    value = "" if encoding in ("BASE64", "B") else _decode_value(raw[colon + 1 :], params)
    return Property(name=name.upper(), group=group.upper(), params=params, value=value, line=number)


def unescape(text: str) -> str:
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


def split_escaped(text: str, sep: str) -> list[str]:
    """Split on `sep` not preceded by a backslash, then resolve escapes in each part."""
    parts, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append(unescape("".join(buf)))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append(unescape("".join(buf)))
    return parts


def property_types(prop: Property) -> set[str]:
    types: set[str] = set()
    for value in prop.params.get("TYPE", []):
        types.update(t.strip().lower() for t in value.split(",") if t.strip())
    if "PREF" in prop.params:  # vCard 4.0: PREF=1 (lower is more preferred)
        types.add("pref")
    return types


def _pref_rank(prop: Property) -> int:
    if "PREF" in prop.params:
        try:
            return int(prop.params["PREF"][0])
        except (ValueError, IndexError):
            return 1
    return 1 if "pref" in property_types(prop) else 100


def parse_date(text: str) -> datetime.date:
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


def format_address(parts: list[str]) -> str:
    """ADR components (PO box; extended; street; locality; region; postal code; country) as
    the lines of a postal address: street, "code city", region, country."""
    parts = [*parts, *[""] * 7][:7]
    po_box, extended, street, city, region, code, country = (p.strip() for p in parts)
    lines = [line for line in (po_box, extended, street) if line]
    town = " ".join(p for p in (code, city) if p)
    lines.extend(line for line in (town, region, country) if line)
    return "\n".join(lines)


def choose(props: list[Property], prefer: tuple[str, ...] = ()) -> Property | None:
    """The preferred one of several: PREF first, then one of the `prefer` types, then order."""
    if not props:
        return None

    def key(item: tuple[int, Property]) -> tuple[int, int, int]:
        index, prop = item
        preferred = 0 if property_types(prop) & set(prefer) else 1
        return (_pref_rank(prop), preferred, index)

    return min(enumerate(props), key=key)[1]


def tel_value(prop: Property) -> str:
    value = unescape(prop.value).strip()
    return value[4:] if value.lower().startswith("tel:") else value
