"""Files on interactions: any type, stored under a random name in the data directory's media
storage, the original name kept but cleaned, the size limited by a setting, and served only to
readers of the account, always as a download."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openkam.activity import services
from openkam.activity.files import content_type_for, sanitise_filename
from openkam.activity.models import Attachment
from openkam.core.errors import ForbiddenError
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_activity import upload
from tests.pages import submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    return account


def _log(actor, account, files):
    return services.interaction_create(
        actor=actor,
        account_id=account.pk,
        kind="meeting",
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        subject="Offer review",
        files=files,
    )


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("minutes.txt", "minutes.txt"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\kari\\Desktop\\Tilbud 2026.pdf", "Tilbud 2026.pdf"),
        ("Договор поставки №5.docx", "Договор поставки №5.docx"),
        (".htaccess", "htaccess"),
        ("report\u202egnp.exe", "reportgnp.exe"),
        ('what?<script>"x".html', "what__script__x_.html"),
        ("bad\x00name\n.txt", "badname.txt"),
        ("CON.txt", "_CON.txt"),
        ("   ", "attachment"),
        ("a" * 300 + ".xlsx", "a" * 195 + ".xlsx"),
    ],
)
def test_file_names_are_kept_readable_but_cleaned(given, kept):
    assert sanitise_filename(given) == kept


def test_the_served_type_comes_from_the_name_not_from_the_client():
    assert content_type_for("offer.pdf") == "application/pdf"
    assert content_type_for("no-extension") == "application/octet-stream"
    assert content_type_for("archive.tar.gz") == "application/octet-stream"


def test_a_file_of_any_type_is_stored_under_a_random_name_in_the_media_storage(account, kam):
    interaction = _log(kam, account, [upload("../Tilbud.PDF", b"%PDF-1.7 data")])
    attachment = interaction.attachments.get()
    assert attachment.original_name == "Tilbud.PDF"
    assert attachment.size == len(b"%PDF-1.7 data")
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith("attachments/")
    assert "Tilbud" not in attachment.file.name
    path = default_storage.path(attachment.file.name)
    assert os.path.commonpath([path, str(default_storage.location)]) == str(
        default_storage.location
    )
    with open(path, "rb") as handle:
        assert handle.read() == b"%PDF-1.7 data"


def test_a_file_over_the_size_limit_is_refused_naming_it_and_nothing_is_saved(
    account, kam, settings
):
    settings.KAM_ATTACHMENT_MAX_MB = 1
    big = upload("huge.bin", b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as caught:
        _log(kam, account, [upload("small.txt"), big])
    message = caught.value.message_dict["files"][0]
    assert "huge.bin" in message
    assert "1 MB" in message
    assert not Attachment.objects.exists()
    assert not default_storage.exists("attachments") or not any(
        files for _root, _dirs, files in os.walk(default_storage.path("attachments"))
    )


def test_an_empty_file_is_refused(account, kam):
    with pytest.raises(ValidationError):
        _log(kam, account, [upload("empty.txt", b"")])


def test_the_download_is_always_an_attachment_with_nosniff(account, kam, client_for):
    interaction = _log(kam, account, [upload("page.html", b"<script>alert(1)</script>")])
    attachment = interaction.attachments.get()
    response = client_for(kam).get(reverse("activity:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="page.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # A page or script is sent as bytes, whatever the browser might make of it.
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_a_non_latin_file_name_is_sent_encoded(account, kam, client_for):
    interaction = _log(kam, account, [upload("Протокол встречи.txt", "Протокол".encode())])
    attachment = interaction.attachments.get()
    response = client_for(kam).get(reverse("activity:attachment_download", args=[attachment.pk]))
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("who", ["other_kam", "admin_user"])
def test_someone_who_cannot_see_the_account_gets_not_found_for_the_file(
    who, request, account, kam, client_for, api_for
):
    interaction = _log(kam, account, [upload()])
    attachment = interaction.attachments.get()
    user = request.getfixturevalue(who)
    page = client_for(user).get(reverse("activity:attachment_download", args=[attachment.pk]))
    assert page.status_code == 404
    assert api_for(user).get(f"/api/v1/attachments/{attachment.pk}").status_code == 404


def test_there_is_no_public_url_for_uploaded_files(account, kam, client_for):
    interaction = _log(kam, account, [upload()])
    name = interaction.attachments.get().file.name
    client = client_for(kam)
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + name).status_code == 404


def test_a_specialist_adds_files_but_removes_only_their_own(account, kam, specialist):
    interaction = _log(kam, account, [upload("agenda.txt")])
    theirs = interaction.attachments.get()
    mine = services.attachments_add(
        actor=specialist, interaction_id=interaction.pk, files=[upload("drawing.dwg", b"DWG")]
    )[0]
    assert mine.content_type
    with pytest.raises(ForbiddenError):
        services.attachment_delete(actor=specialist, attachment_id=theirs.pk)
    services.attachment_delete(actor=specialist, attachment_id=mine.pk)
    assert list(interaction.attachments.all()) == [theirs]


def test_deleting_a_file_removes_it_from_the_disk_once_committed(account, kam):
    interaction = _log(kam, account, [upload()])
    attachment = interaction.attachments.get()
    name = attachment.file.name
    assert default_storage.exists(name)
    services.attachment_delete(actor=kam, attachment_id=attachment.pk)
    assert not default_storage.exists(name)


def test_a_rolled_back_deletion_keeps_the_file(account, kam):
    interaction = _log(kam, account, [upload()])
    name = interaction.attachments.get().file.name

    def delete_then_fail() -> None:
        with transaction.atomic():
            services.interaction_delete(actor=kam, interaction_id=interaction.pk)
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert default_storage.exists(name)


def test_deleting_the_account_removes_its_files(account, kam, head):
    from openkam.accounts.services import account_delete

    interaction = _log(kam, account, [upload()])
    name = interaction.attachments.get().file.name
    account_delete(actor=head, account_id=account.pk)
    assert not default_storage.exists(name)


def test_file_writes_are_audited_on_the_account(account, kam):
    from openkam.core.audit import audit_entries_for

    interaction = _log(kam, account, [upload("offer.pdf", b"%PDF")])
    attachment = interaction.attachments.get()
    services.attachment_delete(actor=kam, attachment_id=attachment.pk)
    entries = list(audit_entries_for(account).filter(target_repr="offer.pdf"))
    assert [e.action for e in entries] == ["delete", "create"]


def test_uploading_through_the_interaction_page(account, specialist, client_for):
    interaction = _log(specialist, account, [])
    client = client_for(specialist)
    response = submit(
        client,
        reverse("activity:attachment_add", args=[interaction.pk]),
        {"files": [upload("a.txt", b"A"), upload("b.csv", b"x;y")]},
    )
    assert response.status_code == 302
    assert sorted(a.original_name for a in interaction.attachments.all()) == ["a.txt", "b.csv"]
