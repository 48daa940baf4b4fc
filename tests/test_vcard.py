"""vCard import and export: real address-book exports (Outlook 2.1, Google and Apple 3.0,
vCard 4.0), malformed cards reported one by one, the preview-and-confirm import, round trips,
and personal notes never leaving for readers who may not see them."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openkam.stakeholders import services
from openkam.stakeholders.models import NO_YEAR, PersonalNote, Stakeholder
from openkam.stakeholders.vcard import Contact, parse_vcards, serialize_vcard
from openkam.stakeholders.vcard_io import vcard_import, vcard_preview
from tests.factories import AccountFactory, TeamMemberFactory
from tests.pages import csrf_token, text

SAMPLES = Path(__file__).parent / "data" / "vcards"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def contacts(name: str) -> list[Contact]:
    parsed = parse_vcards(sample(name))
    return [card.contact for card in parsed.good if card.contact is not None]


# --- Reading real exports --------------------------------------------------------------------


def test_outlook_quoted_printable_with_soft_line_breaks_and_charsets_is_decoded():
    ingrid, olga = contacts("outlook_2.1.vcf")
    assert (ingrid.first_name, ingrid.last_name) == ("Ingrid Marie", "Sæther")
    assert ingrid.job_title == "Innkjøpsdirektør"
    assert (ingrid.organisation, ingrid.department) == ("Nordlys Energi AS", "Innkjøp og logistikk")
    assert (
        ingrid.notes == "Møtt på Nor-Shipping 2024.\nVil ha kvartalsvis gjennomgang av leveransene."
    )
    assert ingrid.address == "Dronning Eufemias gate 16\n0191 Oslo\nNorge"
    assert ingrid.birthday == datetime.date(1978, 3, 14)
    # windows-1251, as Russian Outlook writes it
    assert (olga.first_name, olga.last_name) == ("Ольга Андреевна", "Смирнова")
    assert olga.organisation == "АО «Уральский трубный завод»"
    assert olga.job_title == "Начальник отдела закупок"


def test_outlook_phones_and_emails_by_type_keep_work_and_mobile_and_report_the_rest():
    ingrid = contacts("outlook_2.1.vcf")[0]
    assert ingrid.email == "ingrid.saether@nordlys-energi.no"  # the PREF one
    assert ingrid.phone == "+47 22 12 34 56"  # WORK;VOICE, not HOME and not the fax
    assert ingrid.mobile == "+47 912 34 567"
    assert "e-mail ingrid.m.saether@gmail.com" in ingrid.dropped
    assert any("+47 22 12 34 99" in item for item in ingrid.dropped)  # the fax
    assert ingrid.profile_url == "https://www.linkedin.com/in/ingrid-saether"
    assert ingrid.last_verified_on == datetime.date(2025, 1, 14)  # REV


def test_google_contacts_bulgarian_card_with_escapes_and_folded_note():
    maria, henrik = contacts("google_3.0.vcf")
    assert (maria.first_name, maria.last_name) == ("Мария", "Георгиева")
    assert maria.job_title == "Ръководител „Снабдяване“"
    assert maria.email == "m.georgieva@balkanpharma.bg"
    assert maria.address == "бул. „Витоша“ 89, ет. 4\n1463 София\nБългария"
    assert maria.profile_url == "https://www.linkedin.com/in/maria-georgieva"  # https\://
    assert maria.notes == (
        "Предпочита срещи сутрин, преди 10 ч.\n"
        "Интересува се от устойчиви опаковки и от обратна логистика."
    )
    assert henrik.phone == "+46 8 555 123 40"
    assert henrik.mobile == "+46 70 123 45 67"


def test_apple_contacts_russian_card_with_a_fold_inside_a_character_and_no_birth_year():
    parsed = parse_vcards(sample("apple_3.0.vcf"))
    alexey = parsed.cards[0].contact
    assert alexey is not None
    assert parsed.cards[0].ok
    assert (alexey.first_name, alexey.last_name) == ("Алексей Викторович", "Лебедев")
    assert alexey.notes.endswith("Решения принимает только после расчёта окупаемости.")
    assert alexey.email == "a.lebedev@severstal-log.ru"  # type=pref wins over order
    assert alexey.phone == "+7 495 123-45-67"
    assert alexey.birthday == datetime.date(NO_YEAR, 11, 2)
    assert alexey.profile_url == "https://www.linkedin.com/in/alexey-lebedev"


def test_apple_company_cards_are_reported_as_not_a_person():
    company = parse_vcards(sample("apple_3.0.vcf")).cards[1]
    assert not company.ok
    assert [e.reason for e in company.errors] == [
        "the card describes a company or a group, not a person"
    ]


def test_vcard_4_with_tel_uris_pref_parameters_and_reduced_dates():
    peter, sofia = contacts("vcard_4.0.vcf")
    assert (peter.first_name, peter.last_name) == ("Péter", "Kovács")
    assert peter.email == "kovacs.peter@dunamenti.hu"  # PREF=1 although listed second
    assert (peter.phone, peter.mobile) == ("+36-1-234-5678", "+36-30-123-4567")
    assert peter.birthday == datetime.date(NO_YEAR, 5, 21)
    assert peter.address == "Váci út 45\n1134 Budapest\nMagyarország"
    assert sofia.mobile == "+46 70 987 65 43"
    assert sofia.birthday == datetime.date(1985, 1, 30)


def test_malformed_cards_are_reported_one_by_one_with_card_line_and_reason():
    parsed = parse_vcards(sample("malformed.vcf"))
    assert [c.number for c in parsed.good] == [1, 7]
    errors = [(e.card, e.line, e.reason) for e in parsed.all_errors]
    assert errors == [
        (2, 14, "the line has no ':' between the property name and its value"),
        (3, 21, "“farkas.judit(at)dunamenti.hu” is not a valid e-mail address"),
        (4, 27, "“31.02.1980” is not a date"),
        (5, 29, "the card has no name (neither N nor FN is filled in)"),
        (6, 38, "the quoted-printable value has an “=” not followed by two hex digits"),
        (8, 47, "the card ends without END:VCARD (the file may be cut off)"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file contains no vCard"),
        (b"hello\r\n", "text outside a card (between END:VCARD and BEGIN:VCARD)"),
        (
            b"BEGIN:VCARD\r\nVERSION:5.0\r\nFN:X\r\nEND:VCARD\r\n",
            "vCard version 5.0 is not supported (2.1, 3.0 and 4.0 are)",
        ),
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Åse\r\nEND:VCARD\r\n".encode("latin-1"),
            "the value is not UTF-8 text and names no CHARSET",
        ),
        (
            b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=klingon:X\r\nEND:VCARD\r\n",
            "unknown character set klingon",
        ),
    ],
)
def test_broken_files_say_what_is_wrong(data, reason):
    assert any(reason in e.reason for e in parse_vcards(data).all_errors)


def test_utf16_files_with_a_byte_order_mark_are_read():
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Иванов;Иван;;;\r\nEND:VCARD\r\n"
    parsed = parse_vcards(card.encode("utf-16"))
    assert parsed.cards[0].contact.last_name == "Иванов"


# --- Writing ---------------------------------------------------------------------------------


FULL = Contact(
    first_name="Ольга Андреевна",
    last_name="Смирнова",
    job_title="Начальник отдела закупок, снабжение; логистика",
    department="Служба снабжения",
    organisation="АО «Уральский трубный завод»",
    email="o.smirnova@utz.ru",
    phone="+7 (343) 210-45-67",
    mobile="+7 912 600-11-22",
    address="ул. Ленина, д. 1\n620014 Екатеринбург\nРоссия",
    profile_url="https://www.linkedin.com/in/olga-smirnova",
    level="director",
    buying_role="economic_buyer",
    attitude="supporter",
    influence=4,
    preferred_channel="phone",
    persona="numbers_oriented",
    last_verified_on=datetime.date(2026, 3, 1),
    birthday=datetime.date(1979, 2, 28),
    notes="Любит хоккей.\nСлужебный автомобиль: нет.",
    family="Двое детей",
    hobbies="Хоккей, рыбалка",
    values="Надёжность",
)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_written_card_reads_back_identically(version):
    text_out = serialize_vcard(FULL, version=version, uid="openkam-stakeholder-1")
    lines = text_out.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)  # folded
    assert f"VERSION:{version}" in lines
    back = parse_vcards(text_out.encode("utf-8")).cards[0]
    assert back.ok, back.errors
    assert back.contact is not None
    back.contact.dropped = []
    assert back.contact == FULL


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_birthday_without_a_year_survives_both_versions(version):
    contact = Contact(last_name="Kovács", birthday=datetime.date(NO_YEAR, 5, 21))
    written = serialize_vcard(contact, version=version)
    assert ("BDAY:--0521" in written) if version == "4.0" else ("X-APPLE-OMIT-YEAR" in written)
    back = parse_vcards(written.encode()).cards[0].contact
    assert back is not None
    assert back.birthday == contact.birthday


def test_every_sample_survives_import_export_and_reimport(kam, db):
    """Import each sample, export the account, import that export into a second account: the
    people come out the same."""
    first = AccountFactory(owner=kam, name="First")
    second = AccountFactory(owner=kam, name="Second")
    for name in ("outlook_2.1.vcf", "google_3.0.vcf", "apple_3.0.vcf", "vcard_4.0.vcf"):
        vcard_import(actor=kam, account_id=first.pk, data=sample(name), skip_malformed=True)
    for version in ("3.0", "4.0"):
        from openkam.stakeholders.vcard_io import vcard_export_account

        _account, exported = vcard_export_account(user=kam, account_id=first.pk, version=version)
        Stakeholder.objects.filter(account=second).delete()
        vcard_import(actor=kam, account_id=second.pk, data=exported.encode())
        assert _people(second) == _people(first)


def _people(account):
    fields = (
        "first_name",
        "last_name",
        "job_title",
        "department",
        "email",
        "phone",
        "mobile",
        "address",
        "profile_url",
        "last_verified_on",
        "personal__birthday",
        "personal__notes",
    )
    return sorted(Stakeholder.objects.filter(account=account).values_list(*fields))


# --- Importing -------------------------------------------------------------------------------


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Dunamenti Élelmiszer Zrt.", owner=kam, country="HU")
    TeamMemberFactory(account=account, user=specialist)
    return account


def test_a_file_with_malformed_cards_imports_nothing_unless_the_user_confirms(kam, account):
    with pytest.raises(ValidationError) as exc:
        vcard_import(actor=kam, account_id=account.pk, data=sample("malformed.vcf"))
    assert "Card 3, line 21" in " ".join(exc.value.messages)
    assert not Stakeholder.objects.exists()
    result = vcard_import(
        actor=kam, account_id=account.pk, data=sample("malformed.vcf"), skip_malformed=True
    )
    assert sorted(p.last_name for p in result.created) == ["Kiss", "Nagy"]
    assert len(result.skipped) == 6


def test_the_preview_matches_people_already_recorded_by_email_or_name(kam, account):
    services.stakeholder_create(
        actor=kam,
        account_id=account.pk,
        first_name="Eszter",
        last_name="Nagy",
        email="NAGY.ESZTER@dunamenti.hu",
        job_title="Quality lead",
    )
    services.stakeholder_create(
        actor=kam, account_id=account.pk, first_name="Balázs", last_name="Kiss"
    )
    preview = vcard_preview(actor=kam, account_id=account.pk, data=sample("malformed.vcf"))
    actions = {row.contact.last_name: (row.action, row.changed) for row in preview.rows}
    assert actions["Nagy"][0] == "update"
    assert "job title" in actions["Nagy"][1]
    assert actions["Kiss"][0] == "update"
    assert Stakeholder.objects.get(last_name="Nagy").job_title == "Quality lead"  # nothing written


def test_an_import_keeps_values_a_card_leaves_empty_and_adds_to_personal_notes(kam, account):
    person = services.stakeholder_create(
        actor=kam,
        account_id=account.pk,
        first_name="Péter",
        last_name="Kovács",
        mobile="+36 30 000 0000",
        personal={"notes": "Met at the Budapest fair."},
    )
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kovács;Péter;;;\r\nTITLE:Beszerzési igazgató\r\n"
        "NOTE:Horgászik.\r\nEND:VCARD\r\n"
    )
    result = vcard_import(actor=kam, account_id=account.pk, data=card.encode())
    assert [p.pk for p in result.updated] == [person.pk]
    person.refresh_from_db()
    assert (person.job_title, person.mobile) == ("Beszerzési igazgató", "+36 30 000 0000")
    assert person.personal.notes == "Met at the Budapest fair.\n\nHorgászik."


def test_a_card_too_long_for_a_field_is_reported_in_the_preview_and_blocks_a_silent_import(
    kam, account
):
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{'X' * 120};Anna;;;\r\nEND:VCARD\r\n"
    preview = vcard_preview(actor=kam, account_id=account.pk, data=card.encode())
    assert preview.rows == []
    assert "last name" in preview.errors[0].reason


def test_the_same_person_twice_in_one_file_is_reported(kam, account):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Tóth;Gábor;;;\r\nEMAIL:g@x.hu\r\nEND:VCARD\r\n"
    preview = vcard_preview(actor=kam, account_id=account.pk, data=(card * 2).encode())
    assert [row.card.number for row in preview.rows] == [1]
    assert preview.errors[0].reason == "the same person as card 1"


def test_the_import_page_previews_then_imports_only_after_confirmation(kam, account, client_for):
    client = client_for(kam)
    url = reverse("stakeholders:import", args=[account.pk])
    token = csrf_token(client)
    upload = SimpleUploadedFile("contacts.vcf", sample("malformed.vcf"), content_type="text/vcard")
    preview = client.post(url, {"file": upload, "csrfmiddlewaretoken": token})
    page = text(preview)
    assert preview.status_code == 200
    assert "farkas.judit(at)dunamenti.hu" in page
    assert "Nagy" in page
    assert not Stakeholder.objects.exists()
    ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
    refused = client.post(url, {"ticket": ticket, "csrfmiddlewaretoken": token})
    assert refused.status_code == 302
    assert not Stakeholder.objects.exists()
    done = client.post(
        url, {"ticket": ticket, "skip_malformed": "on", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 200
    assert "2 added, 0 updated, 0 already up to date." in text(done)
    assert Stakeholder.objects.count() == 2
    # The ticket is spent: the file is gone.
    again = client.post(
        url, {"ticket": ticket, "skip_malformed": "on", "csrfmiddlewaretoken": token}
    )
    assert again.status_code == 404


def test_a_ticket_cannot_be_redeemed_by_another_user(kam, head, account, client_for):
    client = client_for(kam)
    url = reverse("stakeholders:import", args=[account.pk])
    upload = SimpleUploadedFile("c.vcf", sample("vcard_4.0.vcf"), content_type="text/vcard")
    page = text(client.post(url, {"file": upload, "csrfmiddlewaretoken": csrf_token(client)}))
    ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
    other = client_for(head)
    response = other.post(url, {"ticket": ticket, "csrfmiddlewaretoken": csrf_token(other)})
    assert response.status_code == 404
    assert not Stakeholder.objects.exists()


def test_the_api_imports_with_a_dry_run_a_refusal_and_a_confirmation(kam, account, api_for):
    api = api_for(kam)
    url = f"/api/v1/accounts/{account.pk}/stakeholders/vcard"

    def post(**form):
        upload = SimpleUploadedFile("c.vcf", sample("malformed.vcf"), content_type="text/vcard")
        return api.post(url, {"file": upload, **form})

    dry = post(dry_run="true")
    assert dry.status_code == 200
    assert dry.json()["dry_run"]
    assert dry.json()["errors"][0] == {
        "card": 2,
        "line": 14,
        "reason": "the line has no ':' between the property name and its value",
    }
    refused = post()
    assert refused.status_code == 422
    assert not Stakeholder.objects.exists()
    done = post(skip_malformed="true")
    body = done.json()
    assert done.status_code == 200
    assert body["created"] == 2
    assert all(row["stakeholder_id"] for row in body["rows"])


# --- Exporting: personal notes only for those who may see them ---------------------------------


@pytest.fixture
def shared(kam, other_kam, account):
    """A person of `account` who also sits in a site that `other_kam` serves."""
    site = AccountFactory(owner=other_kam, parent=account, name="Dunamenti Győr")
    TeamMemberFactory(account=site, user=kam)
    person = services.stakeholder_create(
        actor=kam,
        account_id=account.pk,
        first_name="Péter",
        last_name="Kovács",
        other_accounts=[site.pk],
        personal={
            "birthday": datetime.date(1975, 5, 21),
            "hobbies": "Horgászat",
            "notes": "Titkos megjegyzés",
        },
    )
    return site, person


def test_the_team_exports_personal_notes_and_the_birthday(kam, specialist, shared, client_for):
    _site, person = shared
    for user in (kam, specialist):
        body = text(client_for(user).get(reverse("stakeholders:vcard", args=[person.pk])))
        assert "BDAY:1975-05-21" in body
        assert "Horgászat" in body
        assert "Titkos" in body


def test_readers_outside_the_team_export_no_personal_notes_anywhere(
    other_kam, shared, client_for, api_for
):
    site, person = shared
    client, api = client_for(other_kam), api_for(other_kam)
    outputs = [
        client.get(reverse("stakeholders:vcard", args=[person.pk])),
        client.get(reverse("stakeholders:account_vcard", args=[site.pk])),
        api.get(f"/api/v1/stakeholders/{person.pk}/vcard?version=4.0"),
        api.get(f"/api/v1/accounts/{site.pk}/stakeholders/vcard"),
    ]
    for response in outputs:
        body = text(response)
        assert response.status_code == 200
        assert "Kovács" in body
        assert response["Content-Disposition"].startswith("attachment;")
        for secret in ("BDAY", "1975", "Horgászat", "Titkos", "NOTE", "X-OPENKAM-HOBBIES"):
            assert secret not in body


def test_export_leaves_out_people_who_left_unless_asked(kam, account, client_for):
    person = services.stakeholder_create(actor=kam, account_id=account.pk, last_name="Gone")
    services.stakeholder_mark_left(actor=kam, stakeholder_id=person.pk)
    url = reverse("stakeholders:account_vcard", args=[account.pk])
    assert "Gone" not in text(client_for(kam).get(url))
    assert "Gone" in text(client_for(kam).get(url + "?include_left=1"))


def test_an_import_writes_no_personal_notes_it_does_not_have(kam, account):
    vcard_import(actor=kam, account_id=account.pk, data=sample("google_3.0.vcf"))
    henrik = Stakeholder.objects.get(last_name="Lindqvist")
    assert not PersonalNote.objects.filter(stakeholder=henrik).exists()
    maria = Stakeholder.objects.get(last_name="Георгиева")
    assert maria.personal.birthday == datetime.date(1982, 9, 23)
    assert maria.last_verified_on is None  # the card says nothing about when it was checked
