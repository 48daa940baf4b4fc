"""Global search over accounts, people, interactions (transcripts too) and knowledge, on
whichever database runs the suite: FTS5 on SQLite, full-text search on PostgreSQL, one
interface and the same answers. Results respect access exactly like every list."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.accounts import services as account_services
from openkam.activity import services
from openkam.search.models import SearchDocument
from openkam.search.query import parse, snippet_html, to_fts5
from openkam.search.selectors import search
from openkam.search.services import search_document_delete, search_document_upsert
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import PersonFactory, upload
from tests.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(kam, specialist):
    result = account_services.account_create(
        actor=kam, name="Nordlys Energi", industry="Hydropower", notes="Runs 14 power plants."
    )
    TeamMemberFactory(account=result.account, user=specialist)
    return result.account


def _log(actor, account, **extra):
    data = {
        "kind": "meeting",
        "occurred_at": timezone.now() - datetime.timedelta(days=1),
        "subject": "Quarterly review",
    }
    data.update(extra)
    return services.interaction_create(actor=actor, account_id=account.pk, **data)


def _titles(user, query, **kwargs):
    return [hit.title for hit in search(user=user, query=query, **kwargs).items]


def test_the_database_in_use_has_its_full_text_index():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_fts'")
            assert cursor.fetchone() is not None
        else:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_document_vector'")
            assert cursor.fetchone() is not None


def test_the_sqlite_access_table_follows_the_documents(account, kam):
    if connection.vendor != "sqlite":
        pytest.skip("search_scope exists on SQLite only")
    interaction = _log(kam, account)

    def scope_rows() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_scope")
            return cursor.fetchone()[0]

    assert scope_rows() == SearchDocument.objects.count() == 2
    services.interaction_delete(actor=kam, interaction_id=interaction.pk)
    assert scope_rows() == 1


def test_an_account_is_found_by_its_name_and_its_details(account, kam):
    assert _titles(kam, "nordlys") == ["Nordlys Energi"]
    assert _titles(kam, "hydropower") == ["Nordlys Energi"]
    assert _titles(kam, "power plants") == ["Nordlys Energi"]


def test_an_interaction_is_found_by_words_of_its_transcript(account, kam):
    _log(
        kam,
        account,
        subject="Steering committee",
        transcript="Anna: the turbine upgrade slips to spring.\n" + "Filler words. " * 500,
    )
    hits = search(user=kam, query="turbine upgrade").items
    assert [h.title for h in hits] == ["Steering committee"]
    assert hits[0].kind == "interaction"
    assert hits[0].account_name == "Nordlys Energi"
    assert hits[0].date == timezone.localdate() - datetime.timedelta(days=1)
    assert "<mark>turbine</mark>" in hits[0].snippet


def test_people_of_the_interaction_and_file_names_find_it(account, kam):
    anna = PersonFactory(account=account, first_name="Anna", last_name="Berglund")
    _log(kam, account, their_participants=[anna.pk], files=[upload("Rammeavtale.pdf", b"%PDF")])
    assert _titles(kam, "berglund", kind="interaction") == ["Quarterly review"]
    assert _titles(kam, "rammeavtale") == ["Quarterly review"]


def test_a_title_match_ranks_above_a_match_in_the_text(account, kam):
    _log(kam, account, subject="Weekly call", summary="We talked about the pricing model.")
    _log(kam, account, subject="Pricing workshop", summary="Whiteboard session.")
    assert _titles(kam, "pricing") == ["Pricing workshop", "Weekly call"]


def test_web_search_syntax_phrases_alternatives_and_exclusions(account, kam):
    _log(kam, account, subject="Gear unit offer", summary="new gear units for the mill")
    _log(kam, account, subject="Pump complaint", summary="the pump is noisy")
    _log(kam, account, subject="Gear complaint", summary="gear noise again")
    assert sorted(_titles(kam, '"gear units"')) == ["Gear unit offer"]
    assert sorted(_titles(kam, "pump or offer")) == ["Gear unit offer", "Pump complaint"]
    assert sorted(_titles(kam, "complaint -pump")) == ["Gear complaint"]
    assert _titles(kam, "gear complaint") == ["Gear complaint"]


def test_a_phrase_of_common_words_is_looked_for_among_the_first_candidates_on_postgresql(
    account, kam, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("FTS5 keeps word positions in its index; only PostgreSQL caps phrases")
    from openkam.search import selectors

    monkeypatch.setattr(selectors, "PHRASE_CANDIDATES", 3)
    for n in range(4):
        _log(kam, account, subject=f"Review {n}", summary="increase of the price list")
    _log(kam, account, subject="The one", summary="a price increase for pumps")
    results = search(user=kam, query='"price increase"')
    assert results.phrase_capped
    assert all(hit.title == "The one" for hit in results.items)  # never a non-phrase match
    monkeypatch.setattr(selectors, "PHRASE_CANDIDATES", 5000)
    results = search(user=kam, query='"price increase"')
    assert not results.phrase_capped
    assert [hit.title for hit in results.items] == ["The one"]


@pytest.mark.parametrize(
    "query",
    ['"', "*", "NEAR(", "title:x", "a AND", "-", "'; DROP TABLE x; --", "((", "^", "\\"],
)
def test_odd_input_never_fails(account, kam, query):
    results = search(user=kam, query=query)
    assert results.items == [] or all(hit.title for hit in results.items)


def test_cyrillic_and_accented_text_is_found(account, kam):
    _log(kam, account, subject="Переговоры о цене", summary="Обсудили скидку для завода")
    _log(kam, account, subject="Årsmøte", summary="Møte på Sørlandet")
    assert _titles(kam, "скидку") == ["Переговоры о цене"]
    assert _titles(kam, "Sørlandet") == ["Årsmøte"]


def test_snippets_never_carry_markup_from_the_text(account, kam):
    _log(kam, account, summary="warranty <script>alert(1)</script> <b>terms</b>")
    snippet = search(user=kam, query="warranty").items[0].snippet
    assert "<script" not in snippet
    assert "<b>" not in snippet
    assert "<mark>warranty</mark>" in snippet


def test_a_snippet_is_escaped_before_matches_are_marked():
    html = str(snippet_html("a <b>\ue000bold\ue001</b> & more"))
    assert html == "a &lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; more"


def test_a_kam_finds_nothing_of_an_account_they_are_not_on(account, kam, other_kam, admin_user):
    _log(kam, account, summary="confidential rebate")
    for user in (other_kam, admin_user):
        assert search(user=user, query="nordlys").items == []
        assert search(user=user, query="rebate").items == []
    assert search(user=kam, query="rebate").total == 1


def test_the_specialist_on_the_team_finds_the_accounts_history(account, kam, specialist):
    _log(kam, account, summary="confidential rebate")
    assert _titles(specialist, "rebate") == ["Quarterly review"]


def test_a_person_shared_into_a_visible_account_is_found_there(kam, other_kam):
    group = AccountFactory(owner=other_kam, name="Group")
    site = AccountFactory(owner=kam, name="Site")
    person = PersonFactory(account=group, first_name="Ingrid", last_name="Solheim")
    person.other_accounts.add(site)
    search_document_upsert(
        kind="stakeholder",
        object_id=person.pk,
        account_id=group.pk,
        title=person.full_name,
        body="Head of procurement",
        url=f"/stakeholders/{person.pk}/",
    )
    assert _titles(kam, "solheim") == ["Ingrid Solheim"]


def test_company_wide_documents_are_found_by_everyone_with_client_access(
    kam, specialist, admin_user
):
    search_document_upsert(
        kind="knowledge",
        object_id=1,
        account_id=None,
        title="Standard answer: delivery guarantees",
        body="How we answer questions about guarantees",
        url="/knowledge/1/",
    )
    assert _titles(kam, "guarantees") == ["Standard answer: delivery guarantees"]
    assert _titles(specialist, "guarantees") == ["Standard answer: delivery guarantees"]
    assert _titles(admin_user, "guarantees") == []


def test_deleted_and_changed_records_leave_the_index(account, kam, head):
    interaction = _log(kam, account, summary="obsolete wording")
    services.interaction_update(
        actor=kam,
        interaction_id=interaction.pk,
        expected_version=1,
        changes={"summary": "fresh wording"},
    )
    assert _titles(kam, "obsolete") == []
    assert _titles(kam, "fresh") == ["Quarterly review"]
    services.interaction_delete(actor=kam, interaction_id=interaction.pk)
    assert _titles(kam, "fresh") == []
    account_services.account_delete(actor=head, account_id=account.pk)
    assert not SearchDocument.objects.exists()


def test_search_document_delete_removes_one_document(account, kam):
    search_document_delete(kind="account", object_id=account.pk)
    assert _titles(kam, "nordlys") == []


def test_reindex_rebuilds_the_index_from_the_records(account, kam):
    _log(kam, account, summary="inspection of the dam")
    SearchDocument.objects.all().delete()
    assert _titles(kam, "dam") == []
    out = StringIO()
    call_command("search", "reindex", stdout=out)
    assert "interaction: 1 document" in out.getvalue()
    assert _titles(kam, "dam") == ["Quarterly review"]
    assert _titles(kam, "nordlys") == ["Nordlys Energi"]


def test_results_are_paged_and_counted(account, kam):
    for n in range(7):
        _log(kam, account, subject=f"Review {n}", summary="delivery figures")
    first = search(user=kam, query="delivery", limit=5)
    second = search(user=kam, query="delivery", limit=5, offset=5)
    assert first.total == 7
    assert len(first.items) == 5
    assert len(second.items) == 2
    assert not {h.object_id for h in first.items} & {h.object_id for h in second.items}


@pytest.mark.parametrize("who", ["head", "kam"])
def test_the_search_page_runs_the_same_number_of_queries_for_few_and_many_results(
    who, request, account, kam, client_for, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    url = reverse("search:search") + "?q=delivery"
    for n in range(2):
        _log(kam, account, subject=f"Review {n}", summary="delivery figures")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        _log(kam, account, subject=f"Later review {n}", summary="delivery figures")
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert "Later review" in text(response)


def test_the_search_page_and_the_top_bar_box(account, kam, client_for):
    _log(kam, account, summary="the warranty claim")
    client = client_for(kam)
    home = text(client.get(reverse("accounts:list")))
    assert 'class="topbar-search"' in home
    page = text(client.get(reverse("search:search") + "?q=warranty"))
    assert "<mark>warranty</mark>" in page
    live = client.get(
        reverse("search:search") + "?q=warranty",
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )
    assert "<html" not in text(live)


def test_the_search_api_answers_the_same_way(account, kam, other_kam, api_for):
    _log(kam, account, summary="the warranty claim")
    body = api_for(kam).get("/api/v1/search?q=warranty").json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["kind"] == "interaction"
    assert item["account_name"] == "Nordlys Energi"
    assert "<mark>warranty</mark>" in item["snippet"]
    assert api_for(other_kam).get("/api/v1/search?q=warranty").json()["total"] == 0
    assert api_for(kam).get("/api/v1/search?q=").json()["items"] == []


def test_the_query_translation_for_fts5_quotes_every_word():
    assert to_fts5("gear units") == '"gear" AND "units"'
    assert to_fts5('"gear units" or pumps -noise') == '(("gear units" OR "pumps")) NOT ("noise")'
    assert to_fts5("-only") == ""
    assert parse('a "b c').groups == [[["a"]], [["b", "c"]]]


def test_a_snippet_left_inside_a_mark_is_closed():
    assert str(snippet_html("\ue000open")) == "<mark>open</mark>"
