"""`{% kb_text value %}`: text with its `[[kb:<id>]]` references turned into links.

Any app may use it for free text (interaction summaries, notes): load `knowledge_tags` and write
`{% kb_text interaction.summary %}` instead of `{{ interaction.summary|linebreaksbr }}`.
References to entries the reader may not see (or that were deleted) stay as plain text.
Entries already resolved during a request are reused, so a page costs one query per text that
holds a new reference and none for texts without references.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from openkam.knowledge.models import KnowledgeEntry
from openkam.knowledge.selectors import REFERENCE, referenced_entries

register = template.Library()


def _resolve(request: Any, text: str) -> dict[int, KnowledgeEntry | None]:
    cache: dict[int, KnowledgeEntry | None] = getattr(request, "_kb_references", {})
    wanted = {int(m) for m in REFERENCE.findall(text)} - set(cache)
    if wanted:
        user = getattr(request, "user", None)
        found = referenced_entries(user=user, texts=[text])
        for entry_id in wanted:
            cache[entry_id] = found.get(entry_id)
        if request is not None:
            request._kb_references = cache
    return cache


def render_references(text: str, entries: dict[int, KnowledgeEntry | None]) -> SafeString:
    """Escape `text`, keep its line breaks, and link the references found in `entries`."""

    def link(match: Any) -> str:
        entry = entries.get(int(match.group(1)))
        if entry is None:
            return str(
                format_html(
                    '<span class="kb-ref kb-ref--missing" title="{}">{}</span>',
                    _("Knowledge entry not available"),
                    match.group(0),
                )
            )
        return str(
            format_html(
                '<a class="kb-ref" href="{}" title="{}">{}</a>',
                reverse("knowledge:detail", args=[entry.pk]),
                entry.get_kind_display(),
                entry.title,
            )
        )

    escaped = str(escape(text or ""))  # "[[kb:1]]" has nothing to escape
    linked = REFERENCE.sub(link, escaped)
    return mark_safe(linked.replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def kb_text(context: template.Context, value: str | None) -> SafeString:
    text = value or ""
    if not REFERENCE.search(text):
        return mark_safe(str(escape(text)).replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308
    return render_references(text, _resolve(context.get("request"), text))
