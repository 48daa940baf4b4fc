"""The knowledge base: account entries follow the account's access, the company library is read
by everyone with client access and written by the head and the KAMs; entries link each other
and any note with [[kb:<id>]] references."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.audit import audit_entries_for
from openkam.core.errors import ConflictError, ForbiddenError, NotFoundError
from openkam.knowledge import selectors, services
from openkam.knowledge.models import KnowledgeEntry
from openkam.search.models import SearchDocument
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_stakeholders import KnowledgeEntryFactory
from tests.pages import submit, text

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


@pytest.fixture
def library_entry(head):
    return services.knowledge_create(
        actor=head,
        kind="standard_answer",
        title="A delivery will be late",
        body="Call before the date, explain, apologise, give a new date.",
        tags="delay, commitment, Delay",
    )


def test_an_account_entry_is_audited_on_the_account_and_indexed(kam, account):
    entry = services.knowledge_create(
        actor=kam, account_id=account.pk, kind="pain", title="Downtime", tags=["spare parts"]
    )
    assert audit_entries_for(account).filter(target_id=entry.pk, action="create").exists()
    doc = SearchDocument.objects.get(kind="knowledge", object_id=entry.pk)
    assert (doc.account_id, doc.title) == (account.pk, "Downtime")
    assert "spare parts" in doc.body


def test_library_entries_have_no_account_and_normalised_tags(library_entry):
    assert library_entry.account is None
    assert library_entry.tag_list == ["delay", "commitment"]
    assert (
        SearchDocument.objects.get(kind="knowledge", object_id=library_entry.pk).account_id is None
    )


def test_the_library_is_written_by_the_head_and_kams_only(kam, specialist, admin_user):
    services.knowledge_create(actor=kam, kind="questionnaire", title="Needs discovery")
    for user in (specialist, admin_user):
        with pytest.raises(ForbiddenError):
            services.knowledge_create(actor=user, kind="questionnaire", title="X")


def test_kinds_are_checked_against_where_the_entry_lives(kam, account):
    with pytest.raises(Exception, match="library"):
        services.knowledge_create(actor=kam, kind="pain", title="Not a library kind")
    with pytest.raises(Exception, match="account"):
        services.knowledge_create(
            actor=kam, account_id=account.pk, kind="questionnaire", title="Library only"
        )


def test_everyone_with_client_access_reads_the_library_but_not_other_accounts(
    kam, other_kam, specialist, admin_user, account, library_entry
):
    private = KnowledgeEntryFactory(account=account, title="Their pain")
    assert set(selectors.knowledge_visible_to(user=kam)) == {library_entry, private}
    assert set(selectors.knowledge_visible_to(user=specialist)) == {library_entry, private}
    assert set(selectors.knowledge_visible_to(user=other_kam)) == {library_entry}
    assert list(selectors.knowledge_visible_to(user=admin_user)) == []
    with pytest.raises(NotFoundError):
        selectors.knowledge_get(user=other_kam, entry_id=private.pk)


def test_an_update_over_someone_elses_change_is_refused(kam, head, library_entry):
    services.knowledge_update(
        actor=kam, entry_id=library_entry.pk, expected_version=1, changes={"title": "Late"}
    )
    with pytest.raises(ConflictError) as exc:
        services.knowledge_update(
            actor=head, entry_id=library_entry.pk, expected_version=1, changes={"body": "x"}
        )
    assert "Kari Kam" in str(exc.value)


def test_deleting_removes_the_search_document(head, library_entry):
    services.knowledge_delete(actor=head, entry_id=library_entry.pk)
    assert not SearchDocument.objects.filter(kind="knowledge").exists()


def test_the_library_page_filters_by_words_kind_and_tag(kam, library_entry, client_for):
    services.knowledge_create(actor=kam, kind="questionnaire", title="Complaint intake")
    client = client_for(kam)
    url = reverse("knowledge:library")
    assert "Complaint intake" not in text(client.get(url + "?q=apologise"))
    assert "A delivery will be late" in text(client.get(url + "?q=apologise"))
    assert "A delivery will be late" not in text(client.get(url + "?kind=questionnaire"))
    tagged = text(client.get(url + "?tag=commitment"))
    assert "A delivery will be late" in tagged
    assert "Complaint intake" not in tagged


def test_the_library_list_runs_a_fixed_number_of_queries(
    kam, account, library_entry, client_for, django_assert_num_queries
):
    client = client_for(kam)
    url = reverse("knowledge:library") + "?scope=all"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(20):
        KnowledgeEntryFactory(account=account, title=f"Entry {i}", updated_by=kam)
    with django_assert_num_queries(len(before)):
        client.get(url)


def test_account_pages_create_and_show_entries(kam, specialist, account, client_for):
    response = submit(
        client_for(kam),
        reverse("knowledge:account_create", args=[account.pk]),
        {"kind": "decision_criterion", "title": "Total cost over five years", "tags": "price"},
    )
    entry = KnowledgeEntry.objects.get()
    assert response["Location"] == reverse("knowledge:detail", args=[entry.pk])
    panel = text(client_for(specialist).get(reverse("knowledge:account_panel", args=[account.pk])))
    assert "Total cost over five years" in panel
    assert "Decision criterion" in panel
    page = text(client_for(specialist).get(reverse("knowledge:detail", args=[entry.pk])))
    assert f"[[kb:{entry.pk}]]" in page  # its reference, to copy into notes
    assert reverse("knowledge:edit", args=[entry.pk]) not in page  # the specialist reads only


def _render(text_value: str, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load knowledge_tags %}{% kb_text value %}")
    return template.render(Context({"value": text_value, "request": request}))


def test_references_in_notes_become_links_for_readers_who_may_see_the_entry(
    kam, other_kam, account, library_entry
):
    private = KnowledgeEntryFactory(account=account, title="Their <pain>")
    note = f"See [[kb:{library_entry.pk}]] and [[kb:{private.pk}]] & [[kb:999999]]\nthen call."
    mine = _render(note, kam)
    assert f'href="{reverse("knowledge:detail", args=[library_entry.pk])}"' in mine
    assert "Their &lt;pain&gt;" in mine  # titles are escaped
    assert "&amp;" in mine
    assert "<br>" in mine
    assert 'kb-ref--missing" title="Knowledge entry not available">[[kb:999999]]' in mine
    theirs = _render(note, other_kam)
    assert "A delivery will be late" in theirs
    assert "Their" not in theirs  # not visible: stays a bare reference
    assert f"[[kb:{private.pk}]]" in theirs


def test_entries_link_each_other_on_their_page(kam, library_entry, client_for):
    entry = services.knowledge_create(
        actor=kam,
        kind="questionnaire",
        title="Complaint intake",
        body=f"Answer first with [[kb:{library_entry.pk}]].",
    )
    page = text(client_for(kam).get(reverse("knowledge:detail", args=[entry.pk])))
    assert f'href="{reverse("knowledge:detail", args=[library_entry.pk])}"' in page


def test_the_link_picker_finds_entries_and_offers_their_reference(kam, library_entry, client_for):
    response = client_for(kam).get(
        reverse("knowledge:lookup") + "?kb_search=late&target=id_summary"
    )
    page = text(response)
    assert f'data-kb-insert="[[kb:{library_entry.pk}]]"' in page
    assert 'data-kb-target="id_summary"' in page


def test_the_api_lists_creates_and_updates_with_versions(kam, account, library_entry, api_for):
    api = api_for(kam)
    created = api.post(
        f"{API}/knowledge",
        {"account_id": account.pk, "kind": "need", "title": "EDI ordering", "tags": ["edi"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["account_name"], body["tags"], body["reference"]) == (
        "Nordlys Energi",
        ["edi"],
        f"[[kb:{body['id']}]]",
    )
    library = api.get(f"{API}/knowledge?library=true").json()
    assert [e["title"] for e in library["items"]] == ["A delivery will be late"]
    by_account = api.get(f"{API}/knowledge?account_id={account.pk}").json()
    assert by_account["total"] == 1
    stale = api.patch(
        f"{API}/knowledge/{library_entry.pk}",
        {"version": 7, "title": "Late"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "A delivery will be late"
    fresh = api.patch(
        f"{API}/knowledge/{library_entry.pk}",
        {"version": 1, "tags": ["delay"]},
        content_type="application/json",
    )
    assert fresh.json()["tags"] == ["delay"]


def test_the_api_hides_other_accounts_knowledge(other_kam, account, api_for):
    entry = KnowledgeEntryFactory(account=account)
    api = api_for(other_kam)
    assert api.get(f"{API}/knowledge/{entry.pk}").status_code == 404
    assert api.get(f"{API}/knowledge").json()["total"] == 0
    assert api.get(f"{API}/knowledge?account_id={account.pk}").status_code == 404
