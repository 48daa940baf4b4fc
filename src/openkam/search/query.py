"""What a user types into the search box, read the way web search engines read it, and the
snippets we show back.

PostgreSQL parses the text itself with `websearch_to_tsquery`; for SQLite's FTS5 the same
syntax is translated here: words are all required, `"quoted phrases"` match in order,
`or` between two words accepts either, and `-word` excludes. Every word is quoted for FTS5,
so no input can be read as FTS5 syntax (column filters, NEAR, stars) or fail to parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Private-use characters mark the matches in snippets: they never occur in business text, so
# the text can be escaped as a whole and the marks turned into <mark> afterwards.
MARK_START = "\ue000"
MARK_END = "\ue001"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class ParsedQuery:
    # AND of groups; each group is an OR of alternatives; each alternative is a phrase (words).
    groups: list[list[list[str]]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def parse(text: str) -> ParsedQuery:
    """Parse web-search syntax. Punctuation inside words splits them, as the indexers do."""
    parsed = ParsedQuery()
    pending_or = False
    for match in _TOKEN.finditer(text or ""):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words = _words(phrase)
        else:
            assert bare is not None
            if bare.lower() == "or":
                pending_or = bool(parsed.groups)
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            words = _words(bare[1:] if negated else bare)
        if not words:
            continue
        if negated:
            parsed.excluded.append(words)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(words)
            pending_or = False
        else:
            parsed.groups.append([words])
    return parsed


def _fts_phrase(words: list[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def to_fts5(text: str) -> str:
    """The FTS5 MATCH expression for the user's text ('' when nothing can be searched)."""
    parsed = parse(text)
    if parsed.empty:
        return ""
    groups = []
    for alternatives in parsed.groups:
        phrases = [_fts_phrase(words) for words in alternatives]
        groups.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    expression = " AND ".join(groups)
    if parsed.excluded:
        excluded = " OR ".join(_fts_phrase(words) for words in parsed.excluded)
        expression = f"({expression}) NOT ({excluded})"
    return expression


def snippet_html(text: str) -> SafeString:
    """Escape a snippet from the database and turn its match marks into <mark> elements."""
    cleaned = " ".join((text or "").split())
    html = escape(cleaned).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # A fragment can end inside a mark; close it so the page's markup stays balanced.
    if html.count("<mark>") > html.count("</mark>"):
        html += "</mark>"
    return mark_safe(html)  # noqa: S308 (escaped above; only our own <mark> tags are added)
