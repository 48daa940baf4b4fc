"""Every shipped language has every message, and no page text escapes translation.

The catalogues live per app in src/openkam/<app>/locale/<lang>/LC_MESSAGES/django.po with the
compiled .mo committed beside them (see CONTRIBUTING.md, "Translations"). These tests fail when

- an app with translatable messages lacks a catalogue for a shipped language;
- a catalogue is stale: a message in the code is missing from it, or it holds a message the code
  no longer has (the messages are extracted afresh with Django's makemessages into a copy);
- a message is untranslated or fuzzy, loses or changes a placeholder or an HTML tag, or lacks a
  plural form of its language (the plural rule must be Django's for that language);
- a compiled .mo is out of date with its .po;
- the same message is translated differently by two apps (Django would silently use one);
- a template shows text that is not marked for translation.

Run `kam translations <app>` to refresh an app's catalogues (then translate and run it again).
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from contextlib import chdir
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType

APPS_ROOT = Path(__file__).resolve().parents[1] / "src" / "openkam"
APPS = sorted(p.parent.name for p in APPS_ROOT.glob("*/apps.py"))
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]

Key = tuple[str | None, str, str]  # (msgctxt, msgid, msgid_plural)


def _key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or "")


def _po_path(app: str, language: str) -> Path:
    return APPS_ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"


def _catalogue(app: str, language: str) -> polib.POFile:
    return polib.pofile(str(_po_path(app, language)), wrapwidth=0)


def _apps_with_catalogues() -> list[str]:
    return [app for app in APPS if (APPS_ROOT / app / "locale").is_dir()]


CATALOGUES = [(app, lang) for app in _apps_with_catalogues() for lang in LANGUAGES]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[Key]]:
    """The messages each app's code holds today, extracted as makemessages would."""
    root = tmp_path_factory.mktemp("extract")
    found: dict[str, set[Key]] = {}
    for app in APPS:
        copy = root / app
        shutil.copytree(
            APPS_ROOT / app,
            copy,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "static", "migrations"),
        )
        (copy / "locale").mkdir()
        with chdir(copy):
            call_command("makemessages", locale=["nb"], verbosity=0, no_obsolete=True)
        po = copy / "locale" / "nb" / "LC_MESSAGES" / "django.po"
        found[app] = {_key(e) for e in polib.pofile(str(po))} if po.exists() else set()
    return found


# --- Catalogues exist and are current -------------------------------------------------------


def test_every_app_with_messages_ships_a_catalogue_for_every_language(extracted):
    missing = [
        f"{app}/{language}"
        for app, keys in extracted.items()
        if keys
        for language in LANGUAGES
        if not _po_path(app, language).is_file()
    ]
    assert not missing, f"No catalogue (run `kam translations <app>`): {missing}"


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_catalogue_holds_exactly_the_messages_of_the_code(extracted, app, language):
    in_catalogue = {_key(e) for e in _catalogue(app, language) if not e.obsolete}
    missing = sorted(extracted[app] - in_catalogue, key=str)
    gone = sorted(in_catalogue - extracted[app], key=str)
    assert not missing, f"{app}/{language} lacks (run `kam translations {app}`): {missing[:20]}"
    assert not gone, f"{app}/{language} holds messages no longer in the code: {gone[:20]}"


def test_messages_live_in_apps_whose_catalogues_django_loads():
    # Django loads catalogues of installed apps only: a message in a package that is not an app
    # (openkam.api, the top-level modules) would never be translated.
    app_dirs = {APPS_ROOT / app for app in APPS}
    outside = [
        path.relative_to(APPS_ROOT)
        for path in APPS_ROOT.rglob("*.py")
        if not any(parent in app_dirs for parent in path.parents)
        and path.name != "settings.py"  # its language names are Django's own messages
        and "django.utils.translation" in path.read_text(encoding="utf-8")
    ]
    assert not outside, f"Move these messages into an app (e.g. openkam.core): {outside}"


def test_the_language_names_are_translated_by_django():
    from django.utils import translation

    for language in LANGUAGES:
        with translation.override(language):
            names = [str(name) for code, name in settings.LANGUAGES if code != language]
        english = [str(name) for code, name in settings.LANGUAGES if code != language]
        assert names != english, f"{language}: Django does not translate the language names"


# --- Every message translated, faithfully ---------------------------------------------------

PERCENT = re.compile(r"%(?:\((\w+)\))?[#0\- +]?\d*(?:\.\d+)?([sdifrx])")
BRACES = re.compile(r"\{(\w*)(?:[:!][^}]*)?\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _placeholders(text: str, entry: polib.POEntry) -> list[str]:
    found = ["%" + (m.group(1) or "") + m.group(2) for m in PERCENT.finditer(text)]
    if "python-brace-format" in entry.flags:
        found += ["{" + m.group(1) + "}" for m in BRACES.finditer(text)]
    return sorted(found)


def _tags(text: str) -> list[str]:
    return sorted(m.group(0) for m in TAG.finditer(text))


def _django_plural_forms(language: str) -> str:
    path = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)).metadata["Plural-Forms"]


def _nplurals(plural_forms: str) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", plural_forms)
    assert match, plural_forms
    return int(match.group(1))


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_catalogue_header_names_the_language_and_its_plural_rule(app, language):
    po = _catalogue(app, language)
    assert "fuzzy" not in po.metadata_is_fuzzy, f"{app}/{language}: the header is marked fuzzy"
    assert po.metadata.get("Language") == language, f"{app}/{language}: Language header"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert _normalised(po.metadata.get("Plural-Forms", "")) == _normalised(
        _django_plural_forms(language)
    ), f"{app}/{language}: Plural-Forms must be Django's rule for {language}"


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_every_message_is_translated(app, language):
    po = _catalogue(app, language)
    nplurals = _nplurals(po.metadata.get("Plural-Forms", ""))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            forms = entry.msgstr_plural
            if sorted(forms) != list(range(nplurals)) or not all(forms.values()):
                problems.append(f"needs {nplurals} plural forms: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, f"{app}/{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_translations_keep_every_placeholder_and_tag(app, language):
    problems = []
    for entry in _catalogue(app, language).translated_entries():
        if entry.msgid_plural:
            sources = [entry.msgid_plural]
            # Forms other than "one" often cover 21, 31...: they need the number too.
            expected = sorted(
                set(_placeholders(entry.msgid, entry))
                | set(_placeholders(entry.msgid_plural, entry))
            )
            translations = list(entry.msgstr_plural.values())
            for text in translations:
                if sorted(set(_placeholders(text, entry))) != expected:
                    problems.append(f"placeholders {expected} in {text!r}")
        else:
            sources, translations = [entry.msgid], [entry.msgstr]
            for text in translations:
                if _placeholders(text, entry) != _placeholders(entry.msgid, entry):
                    problems.append(f"placeholders of {entry.msgid!r} differ in {text!r}")
        for text in translations:
            if _tags(text) != _tags(sources[0]):
                problems.append(f"HTML tags of {sources[0]!r} differ in {text!r}")
    assert not problems, f"{app}/{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_compiled_catalogue_matches_its_source(app, language):
    po = _catalogue(app, language)
    mo_path = _po_path(app, language).with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run `kam translations {app}`"
    mo = polib.mofile(str(mo_path))

    def content(entries) -> dict[Key, object]:
        return {
            _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
            for e in entries
            if e.msgid
        }

    assert content(mo) == content(po.translated_entries()), (
        f"{mo_path} is out of date: run `kam translations {app}` (or `kam compilemessages` "
        "in the app directory)"
    )
    assert _normalised(mo.metadata.get("Plural-Forms", "")) == _normalised(
        po.metadata.get("Plural-Forms", "")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_is_translated_the_same_way_in_every_app(language):
    # Django merges the apps' catalogues; a message translated twice would show one of them.
    seen: dict[Key, dict[str, str]] = defaultdict(dict)
    for app in _apps_with_catalogues():
        for entry in _catalogue(app, language).translated_entries():
            text = str(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            seen[_key(entry)][app] = text
    clashes = {key: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert not clashes, (
        f"{language}: translate these the same way everywhere (or give them a context with "
        f"pgettext): {clashes}"
    )


# --- Templates mark every text ---------------------------------------------------------------

# The short allow-list: the brand, which is never translated.
BRAND = "OpenKAM"
ALLOWED_WORDS = re.compile(rf"\b{BRAND}\b")
# Technical content is exempt where the markup says so: <code>, <kbd>, <samp>, <pre>, and any
# element with the HTML attribute translate="no" (e.g. <span translate="no">ISO 4217</span>).
TECHNICAL_ELEMENTS = {"code", "kbd", "samp", "pre", "script", "style"}
# Attributes a person reads or hears (hx-confirm/data-confirm are confirmation dialogs).
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-confirm", "hx-confirm"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}  # fmt: skip
MARK = "\ue000"  # stands for a template tag or variable: neither counts as text


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in ALLOWED_WORDS.sub("", text.replace(MARK, " ")))


def _template_markup(source: str) -> str:
    """The template's literal markup, with tags/variables as MARK and marked blocks removed."""
    source = source.replace("Open<span>KAM</span>", BRAND)  # the logotype
    out: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0]
            if skip_until:
                if name == skip_until:
                    skip_until = None
                    out.append(MARK)
                continue
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                skip_until = "end" + name
            out.append(MARK)
        elif skip_until:
            continue
        elif token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(MARK)
    return "".join(out)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, exempt)

    def _exempt(self) -> bool:
        return any(exempt for _tag, exempt in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        exempt = tag in TECHNICAL_ELEMENTS or values.get("translate") == "no"
        if not self._exempt() and not exempt:
            for name, value in attrs:
                if value and name in VISIBLE_ATTRIBUTES and _has_letters(value):
                    self.found.append(f'<{tag} {name}="{value.strip()}">')
            if (
                tag == "input"
                and values.get("type") in ("submit", "button", "reset")
                and _has_letters(values.get("value") or "")
            ):
                self.found.append(f'<input value="{values["value"]}">')
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, exempt))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._exempt() and _has_letters(data):
            self.found.append(" ".join(re.sub(f"{MARK}+", "…", data).split()))


def untranslated_text(source: str) -> list[str]:
    finder = _TextFinder()
    finder.feed(_template_markup(source))
    finder.close()
    return finder.found


TEMPLATES = sorted(APPS_ROOT.glob("*/templates/**/*.html")) + sorted(
    APPS_ROOT.glob("*/templates/**/*.txt")
)


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=[str(t.relative_to(APPS_ROOT)) for t in TEMPLATES]
)
def test_the_template_marks_every_text_for_translation(template):
    found = untranslated_text(template.read_text(encoding="utf-8"))
    assert not found, f"{template.relative_to(APPS_ROOT)} shows untranslated text: {found}"


def test_the_template_check_finds_unmarked_text_and_attributes():
    source = """{% load i18n %}<h1>Accounts</h1>
    <input placeholder="Search accounts" title="{{ hint }}">
    <button aria-label='Close'>×</button>
    <form data-confirm="Delete it?"><input type="submit" value="Go"></form>
    <p>{% blocktranslate %}Fine {{ n }} text{% endblocktranslate %} and not fine</p>"""
    assert untranslated_text(source) == [
        "Accounts",
        '<input placeholder="Search accounts">',
        '<button aria-label="Close">',
        '<form data-confirm="Delete it?">',
        '<input value="Go">',
        "… and not fine",
    ]


def test_the_template_check_accepts_marked_text_the_brand_and_technical_content():
    source = """{% load i18n %}<title>{% block title %}{% endblock %} · OpenKAM</title>
    <div class="brand">Open<span>KAM</span></div>
    <p title="{% translate 'Hint' %}">{% translate "Accounts" %}: {{ count }}</p>
    <code>Authorization: Bearer</code><span translate="no">ISO 4217</span>
    {# a comment #}{% comment %}Notes for developers{% endcomment %}<!-- markup note -->
    {% blocktranslate count n=n %}One{% plural %}{{ n }} many{% endblocktranslate %}"""
    assert untranslated_text(source) == []
