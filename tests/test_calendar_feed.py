"""The calendar feed: a secret, revocable iCalendar address with a person's promises, next
steps, birthdays they may see and digest days, parsed back with the icalendar package."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from openkam.calendarfeed.models import CalendarToken
from openkam.calendarfeed.services import calendar_token_create, calendar_token_revoke
from openkam.stakeholders.models import PersonalNote
from tests.factories import AccountFactory
from tests.factories_activity import InteractionFactory, PersonFactory
from tests.factories_commitments import CommitmentFactory, days
from tests.pages import submit, text

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def feed_path(clear: str) -> str:
    return reverse("calendarfeed:feed", args=[clear])


def events(response) -> dict[str, dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "rrule": event.get("RRULE"),
        }
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def scene(kam, other_kam):
    account = AccountFactory(name="Nordlys Energi", owner=kam, tier="key")
    elsewhere = AccountFactory(name="Fjord Logistics", owner=other_kam, tier="key")
    promise = CommitmentFactory(account=account, title="Send the price list", due_date=days(4))
    CommitmentFactory(account=elsewhere, title="Not mine", due_date=days(4), owner=other_kam)
    step = InteractionFactory(
        account=account, next_step="Book the plant visit", next_step_due=days(6)
    )
    person = PersonFactory(account=account, first_name="Ola", last_name="Nordmann")
    PersonalNote.objects.create(stakeholder=person, birthday=datetime.date(1980, 3, 14))
    stranger = PersonFactory(account=elsewhere, first_name="Kari", last_name="Hidden")
    PersonalNote.objects.create(stakeholder=stranger, birthday=datetime.date(1975, 7, 1))
    return {"promise": promise, "step": step, "person": person}


def test_the_feed_carries_promises_next_steps_birthdays_and_digest_days_without_a_session(
    kam, scene
):
    _token, clear = calendar_token_create(user=kam)
    found = events(Client().get(feed_path(clear)))  # no session: the address is the key
    promise = found[f"commitment-{scene['promise'].pk}@localhost"]
    assert promise["summary"] == "Promise: Send the price list (Nordlys Energi)"
    assert promise["start"] == days(4)
    step = found[f"next-step-{scene['step'].pk}@localhost"]
    assert step["summary"].startswith("Next step: Book the plant visit")
    birthday = found[f"birthday-{scene['person'].pk}@localhost"]
    assert birthday["summary"] == "Birthday: Ola Nordmann (Nordlys Energi)"
    assert birthday["rrule"]["FREQ"] == ["YEARLY"]
    digest = found[f"digest-kam-{kam.pk}@localhost"]
    assert digest["rrule"]["INTERVAL"] == [7]
    summaries = " ".join(e["summary"] for e in found.values())
    assert "Not mine" not in summaries
    assert "Hidden" not in summaries


def test_uids_stay_the_same_when_a_promise_is_rescheduled_so_clients_update_the_event(kam, scene):
    from openkam.commitments.services import commitment_reschedule

    _token, clear = calendar_token_create(user=kam)
    uid = f"commitment-{scene['promise'].pk}@localhost"
    before = events(Client().get(feed_path(clear)))
    commitment_reschedule(
        actor=kam,
        commitment_id=scene["promise"].pk,
        new_due_date=days(11),
        reason="Late input.",
        client_message="Told Ola by phone.",
        informed_via="phone",
        informed_on=days(0),
    )
    after = events(Client().get(feed_path(clear)))
    assert set(before) == set(after)
    assert (before[uid]["start"], after[uid]["start"]) == (days(4), days(11))


def test_a_birthday_on_29_february_falls_on_the_last_day_of_february(kam, scene):
    PersonalNote.objects.filter(stakeholder=scene["person"]).update(
        birthday=datetime.date(1988, 2, 29)
    )
    _token, clear = calendar_token_create(user=kam)
    birthday = events(Client().get(feed_path(clear)))[f"birthday-{scene['person'].pk}@localhost"]
    assert birthday["rrule"]["BYMONTHDAY"] == [-1]
    assert birthday["rrule"]["BYMONTH"] == [2]


def test_a_wrong_revoked_or_replaced_address_answers_not_found(kam, scene):
    _token, first = calendar_token_create(user=kam)
    assert Client().get(feed_path(first)).status_code == 200
    _token, second = calendar_token_create(user=kam)  # replaces the first
    assert Client().get(feed_path(first)).status_code == 404
    assert Client().get(feed_path(second)).status_code == 200
    assert Client().get(feed_path(second[:-2] + "xx")).status_code == 404
    assert Client().get(feed_path("cal_nonsense")).status_code == 404
    calendar_token_revoke(user=kam)
    assert Client().get(feed_path(second)).status_code == 404


def test_the_address_of_someone_who_left_stops_working(kam, scene):
    _token, clear = calendar_token_create(user=kam)
    kam.is_active = False
    kam.save(update_fields=["is_active"])
    assert Client().get(feed_path(clear)).status_code == 404


def test_only_a_hash_of_the_secret_is_stored(kam):
    token, clear = calendar_token_create(user=kam)
    assert clear not in token.token_hash
    assert len(token.token_hash) == 64
    assert not CalendarToken.objects.filter(token_hash=clear).exists()


def test_the_calendar_page_shows_the_address_once_and_lists_what_is_coming(client_for, kam, scene):
    client = client_for(kam)
    page = client.get(reverse("calendarfeed:page"))
    assert "Make my calendar address" in text(page)
    assert any(
        e.summary.startswith("Promise: Send the price list") for e in page.context["upcoming"]
    )
    made = submit(client, reverse("calendarfeed:create"))
    match = re.search(r'value="(http[^"]+\.ics)"', text(made))
    assert match, "the new address is shown"
    url = match.group(1)
    assert url.startswith("http://testserver/calendar/feed/cal_")
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200
    again = client.get(reverse("calendarfeed:page"))
    assert url not in text(again)  # shown once
    submit(client, reverse("calendarfeed:revoke"))
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404


def test_the_api_makes_and_revokes_the_address(api_for, kam, admin_user):
    client = api_for(kam)
    assert client.get(f"{API}/calendar-feed").json()["active"] is False
    made = client.post(f"{API}/calendar-feed")
    assert made.status_code == 201
    path = made.json()["url"].removeprefix("http://testserver")
    assert Client().get(path).status_code == 200
    assert client.get(f"{API}/calendar-feed").json()["active"] is True
    assert client.delete(f"{API}/calendar-feed").status_code == 204
    assert Client().get(path).status_code == 404
    assert api_for(admin_user).post(f"{API}/calendar-feed").status_code == 403


def test_the_feed_is_valid_icalendar_with_the_required_properties(kam, scene):
    _token, clear = calendar_token_create(user=kam)
    body = Client().get(feed_path(clear)).content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.rstrip().endswith("END:VCALENDAR")
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert "OpenKAM" in str(calendar["PRODID"])
    for event in calendar.walk("VEVENT"):
        assert event.get("UID")
        assert event.get("DTSTAMP")
        assert event.get("DTSTART")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
