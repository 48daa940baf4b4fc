"""Small display helpers for people of the decision-making unit."""

from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from openkam.stakeholders.models import NO_YEAR

register = template.Library()


@register.filter
def influence_meter(value: int | None) -> SafeString:
    """Five dots, filled up to the influence, with the number for screen readers."""
    level = max(0, min(5, int(value or 0)))
    return format_html(
        '<span class="influence" title="{label}"><span class="influence__on" aria-hidden="true">'
        '{on}</span><span class="influence__off" aria-hidden="true">{off}</span>'
        '<span class="visually-hidden">{label}</span></span>',
        label=_("Influence %(n)s of 5") % {"n": level},
        on="●" * level,
        off="●" * (5 - level),
    )


@register.filter
def birthday(value: datetime.date | None) -> str:
    """A birthday in the reader's format; without the year when the year is not known."""
    if value is None:
        return ""
    if value.year == NO_YEAR:
        return date_format(value, "MONTH_DAY_FORMAT")
    return date_format(value, "DATE_FORMAT")
