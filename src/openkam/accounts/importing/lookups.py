"""Reading the values of an account or people import: countries, choices, users, web addresses.

Files from another CRM or a spreadsheet name things as people write them: "UK", "Norge",
"Deutschland", a tier as "Nøkkelkunde" or "key", an owner by login or e-mail. Each lookup
accepts the stored value and every label in every shipped language, compared without case,
accents or punctuation (as header words are), and refuses anything else with a reason that
says what would be accepted. Nothing is guessed: a near miss is refused with a suggestion.
"""

from __future__ import annotations

import difflib
import gettext as gettext_module
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import django_countries
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.data import COUNTRIES as COUNTRY_SOURCE_NAMES

from openkam.imports.mapping import compact
from openkam.imports.values import ValueProblem
from openkam.users.models import Role, User

# Names exports use that are neither ISO names nor codes. Values are ISO 3166 alpha-2 codes.
COUNTRY_ALIASES = {
    "uk": "GB",
    "greatbritain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northernireland": "GB",
    "unitedkingdom": "GB",
    "usa": "US",
    "us": "US",
    "unitedstates": "US",
    "america": "US",
    "holland": "NL",
    "thenetherlands": "NL",
    "czechrepublic": "CZ",
    "russianfederation": "RU",
    "republicofkorea": "KR",
    "turkey": "TR",
    "ivorycoast": "CI",
    "swaziland": "SZ",
    "macedonia": "MK",
    "burma": "MM",
    "uae": "AE",
    "vatican": "VA",
}
_AMBIGUOUS_COUNTRIES = {"korea": ("KR", "KP"), "congo": ("CG", "CD"), "guinea": ("GN", "GQ", "GW")}


def shipped_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# Exports from other countries write names in their own language ("Deutschland", "Polska"):
# besides the shipped languages, the names in these are accepted, read straight from
# django-countries' catalogues (activating a Django language per name would be slow).
ENDONYM_LANGUAGES = (
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "pl",
    "pt_PT",
    "da",
    "fi",
    "et",
    "lv",
    "lt",
    "cs",
    "sk",
    "sl",
    "hr",
    "sr",
    "sr_Latn",
    "ro",
    "el",
    "tr_TR",
    "uk",
)


@cache
def _country_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for language in shipped_languages():
        with translation.override(language):
            for code, name in countries:
                keys.setdefault(compact(str(name)), code)
    localedir = Path(django_countries.__file__).parent / "locale"
    for language in ENDONYM_LANGUAGES:
        try:
            catalogue = gettext_module.translation("django", localedir, languages=[language])
        except OSError:
            continue
        with translation.override("en"):
            for code, _name in countries:
                source = COUNTRY_SOURCE_NAMES.get(code)
                if source:
                    keys.setdefault(compact(catalogue.gettext(str(source))), code)
    for code, _name in countries:
        keys[compact(code)] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            keys.setdefault(compact(alpha3), code)
    keys.update(COUNTRY_ALIASES)
    return keys


def country_code(value: str) -> str:
    """The ISO code of a country written as a code (NO, NOR) or a name in a shipped language."""
    text = value.strip()
    if not text:
        return ""
    key = compact(text)
    code = _country_keys().get(key)
    if code is not None:
        return code
    if key in _AMBIGUOUS_COUNTRIES:
        names = _(" or ").join(str(countries.name(c)) for c in _AMBIGUOUS_COUNTRIES[key])
        raise ValueProblem(
            _("could be %(names)s; write the country's full name or ISO code") % {"names": names}
        )
    close = difflib.get_close_matches(key, list(_country_keys()), n=1, cutoff=0.85)
    if close:
        raise ValueProblem(
            _("is not a country OpenKAM knows; did you mean %(name)s?")
            % {"name": countries.name(_country_keys()[close[0]])}
        )
    raise ValueProblem(
        _("is not a country OpenKAM knows (write its name or ISO code, e.g. NO or Norway)")
    )


class ChoiceLookup:
    """A TextChoices field read from its stored value or its label in any shipped language."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.choices = choices
        self._keys: dict[str, str] | None = None

    @property
    def keys(self) -> dict[str, str]:
        if self._keys is None:
            keys: dict[str, str] = {}
            for language in shipped_languages():
                with translation.override(language):
                    for value, label in self.choices.choices:
                        keys.setdefault(compact(str(label)), value)
            for value in self.choices.values:
                keys[compact(value)] = value
            self._keys = keys
        return self._keys

    def __call__(self, value: str) -> str:
        text = value.strip()
        if not text:
            return ""
        found = self.keys.get(compact(text))
        if found is None:
            labels = ", ".join(str(label) for label in self.choices.labels)
            raise ValueProblem(_("is not one of: %(labels)s") % {"labels": labels})
        return found


class OwnerLookup:
    """Users named by login or e-mail (any case), for an account owner: an active key account
    manager or the head. Users are read once per import."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[User]] = {}
        for user in User.objects.filter(is_active=True).only(
            "id", "username", "email", "role", "first_name", "last_name"
        ):
            self.by_key.setdefault(user.username.casefold(), []).append(user)
            if user.email:
                self.by_key.setdefault(user.email.strip().casefold(), []).append(user)

    def __call__(self, value: str) -> User | None:
        text = value.strip()
        if not text:
            return None
        users = {u.pk: u for u in self.by_key.get(text.casefold(), [])}
        if not users:
            raise ValueProblem(_("is no active user's login or e-mail address"))
        if len(users) > 1:
            raise ValueProblem(_("is the e-mail address of several users; use the login"))
        (user,) = users.values()
        if user.role not in (Role.KAM, Role.HEAD):
            raise ValueProblem(
                _("%(user)s is not a key account manager or the head, who own accounts")
                % {"user": user}
            )
        return user


_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


# The common shape of a company's address (ASCII host name, optional port and path), which
# Django's URLValidator always accepts: checked first because that validator is slow and
# every row of an account file has its own address. Anything else goes to the validator.
_PLAIN_URL = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?(?::\d{1,5})?"
    r"(?:[/?#][^\s]*)?",
    re.IGNORECASE,
)


def web_address(value: str, *, max_length: int) -> str:
    """A web address as a link: "www.example.no" becomes "https://www.example.no"."""
    text = value.strip()
    if not text:
        return ""
    if not _SCHEME.match(text):
        text = "https://" + text
    if not _PLAIN_URL.fullmatch(text):
        try:
            _url_validator(text)
        except ValidationError:
            raise ValueProblem(_("is not a web address")) from None
    if len(text) > max_length:
        raise ValueProblem(
            _("is longer than %(limit)s characters (%(length)s)")
            % {"limit": max_length, "length": len(text)}
        )
    return text


def email_address(value: str, *, max_length: int = 254) -> str:
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not text:
        return ""
    try:
        _email_validator(text)
    except ValidationError:
        raise ValueProblem(_("is not an e-mail address")) from None
    if len(text) > max_length:
        raise ValueProblem(
            _("is longer than %(limit)s characters (%(length)s)")
            % {"limit": max_length, "length": len(text)}
        )
    return text


def currency_code(value: str) -> str:
    text = value.strip().upper()
    if not text:
        return ""
    if len(text) != 3 or not text.isalpha() or not text.isascii():
        raise ValueProblem(_("is not a three-letter currency code (e.g. EUR, NOK)"))
    return text


_ID_SEPARATORS = re.compile(r"[,;\n]")


def split_ids(value: Any, *, max_length: int = 100) -> list[str]:
    """ERP customer ids written in one cell, separated by commas or semicolons."""
    text = "" if value is None else str(value)
    ids = list(dict.fromkeys(part.strip() for part in _ID_SEPARATORS.split(text)))
    ids = [part for part in ids if part]
    for part in ids:
        if len(part) > max_length:
            raise ValueProblem(
                _("has a customer id longer than %(limit)s characters") % {"limit": max_length}
            )
    return ids


def text_value(value: Any, *, max_length: int | None) -> str:
    text = "" if value is None else str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise ValueProblem(
            _("is longer than %(limit)s characters (%(length)s)")
            % {"limit": max_length, "length": len(text)}
        )
    return text


def key(value: str) -> str:
    """How names and numbers are compared when a file refers to a record: case and runs of
    spaces do not matter."""
    if "  " in value or "\t" in value or "\n" in value or "\u00a0" in value:
        value = " ".join(value.split())
    return value.casefold()


_NUMBER_NOISE = str.maketrans("", "", " \t\n\r\u00a0\u202f.-/")


def number_key(value: str) -> str:
    """Registration numbers compared without spaces, dots and dashes ("912 345 678" is
    912345678)."""
    if value.isalnum():  # the usual case, and far quicker than translate()
        return value.casefold()
    return value.translate(_NUMBER_NOISE).casefold()


def join_names(values: Iterable[str]) -> str:
    return ", ".join(values)


def field_label(model: type[models.Model], name: str) -> str:
    """A field's verbose name as the audit log records it."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))
