"""The head's digest: its periods, what it reports per KAM and for the department, how it is
archived, sent and shown, and how later apps add their sections."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from openkam.digest import periods, services
from openkam.digest.models import Digest
from openkam.digest.periods import Period, Rhythm
from openkam.digest.sections import _SECTIONS, DigestSection, SectionResult, register
from openkam.notifications.models import Notification
from openkam.notifications.services import outbox_deliver
from tests.factories import AccountFactory
from tests.factories_activity import InteractionFactory
from tests.factories_commitments import CommitmentFactory, days
from tests.pages import submit, text

API = "/api/v1"
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def last_period() -> Period:
    return periods.due_period(timezone.now())


@pytest.fixture
def portfolio(kam, other_kam):
    """Two KAMs' key accounts: one with an overdue promise, one out of contact, one fine."""
    late = AccountFactory(name="Late Promises AS", owner=kam, tier="key")
    quiet = AccountFactory(name="Quiet Kunde AS", owner=other_kam, tier="key")
    fine = AccountFactory(name="Fine Partner AS", owner=kam, tier="key")
    type(quiet).objects.filter(pk=quiet.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )
    CommitmentFactory(account=late, title="Send the lab report", due_date=days(-5))
    CommitmentFactory(account=late, title="Plan the QBR", due_date=days(2))
    InteractionFactory(account=late, occurred_at=timezone.now() - datetime.timedelta(days=2))
    InteractionFactory(account=fine, occurred_at=timezone.now() - datetime.timedelta(days=1))
    return {"late": late, "quiet": quiet, "fine": fine}


# --- Periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        # A Wednesday: the week before, Monday to Sunday.
        (datetime.datetime(2026, 5, 6, 12, 0, tzinfo=OSLO), "2026-04-27", "2026-05-03"),
        # Monday after the hour: the week that just ended.
        (datetime.datetime(2026, 5, 4, 9, 0, tzinfo=OSLO), "2026-04-27", "2026-05-03"),
        # Monday before the hour: not yet; still the week before.
        (datetime.datetime(2026, 5, 4, 6, 0, tzinfo=OSLO), "2026-04-20", "2026-04-26"),
    ],
)
def test_the_weekly_digest_covers_the_week_that_ended_and_goes_out_from_the_hour(
    db, now, start, end
):
    period = periods.due_period(now, Rhythm(7, "monday"))
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_a_fortnightly_digest_on_fridays_keeps_its_rhythm(db):
    rhythm = Rhythm(14, "friday")
    sends = periods.next_send_days(3, today=datetime.date(2026, 5, 6), r=rhythm)
    assert all(day.weekday() == 4 for day in sends)
    assert [(b - a).days for a, b in itertools.pairwise(sends)] == [14, 14]
    period = periods.due_period(
        datetime.datetime.combine(sends[0], datetime.time(12), tzinfo=OSLO), rhythm
    )
    assert period.send_on == sends[0]
    assert (period.end - period.start).days == 13


def test_the_head_sets_the_rhythm_and_the_setting_wins_over_the_environment(
    client_for, head, kam, settings
):
    settings.KAM_DIGEST_INTERVAL_DAYS = 7
    response = submit(
        client_for(head), reverse("digest:schedule"), {"interval_days": 14, "weekday": "friday"}
    )
    assert response.status_code == 302
    assert periods.rhythm() == Rhythm(14, "friday")
    refused = submit(
        client_for(kam), reverse("digest:schedule"), {"interval_days": 1, "weekday": "monday"}
    )
    assert refused.status_code == 403


# --- Content -------------------------------------------------------------------------------


def test_the_department_digest_reports_each_kams_accounts_with_their_problems(
    head, kam, other_kam, portfolio
):
    data = services.digest_data(kam=None, period=last_period())
    groups = {group["kam"]["id"]: group for group in data["groups"]}
    late = groups[kam.pk]["accounts"][0]
    assert late["name"] == "Late Promises AS"
    assert late["has_problem"]
    promises = late["items"]["commitments"]
    assert [(i["type"], i["title"]) for i in promises] == [
        ("overdue", "Send the lab report"),
        ("due_soon", "Plan the QBR"),
    ]
    assert groups[kam.pk]["in_order"] == [
        {
            "id": portfolio["fine"].pk,
            "name": "Fine Partner AS",
            "tier": "key",
            "last_contact": days(-1).isoformat(),
        }
    ]
    quiet = groups[other_kam.pk]["accounts"][0]
    assert quiet["items"]["cadence"][0]["type"] == "account"
    assert quiet["last_contact"] is None
    totals = data["totals"]
    assert (totals["overdue"], totals["due_soon"], totals["neglected_accounts"]) == (1, 1, 1)
    assert totals["with_problems"] == 2
    assert totals["accounts"] == 3


def test_a_kams_digest_covers_their_own_accounts_only(kam, portfolio):
    data = services.digest_data(kam=kam, period=last_period())
    names = {a["name"] for g in data["groups"] for a in g["accounts"] + g["in_order"]}
    assert names == {"Late Promises AS", "Fine Partner AS"}


def test_the_report_renders_as_html_and_text_with_what_the_client_was_told(kam, portfolio):
    from openkam.commitments.services import commitment_reschedule

    moved = CommitmentFactory(account=portfolio["late"], title="Certificates", due_date=days(1))
    commitment_reschedule(
        actor=kam,
        commitment_id=moved.pk,
        new_due_date=days(9),
        reason="Auditor ill.",
        client_message="Apologised to Kari; certificates next week.",
        informed_via="email",
        informed_on=days(0),
    )
    period = periods.running_period()
    html, text_version = services.render(services.digest_data(kam=kam, period=period), "en")
    assert "Apologised to Kari; certificates next week." in html
    assert "Send the lab report" in text_version
    assert "Overdue 5 days" in text_version
    assert "<" not in text_version.replace("<-", "")


def test_a_later_app_adds_its_section_through_the_registry(kam, portfolio):
    def complaints(scope):
        return SectionResult(
            items={portfolio["fine"].pk: [{"severity": "danger", "type": "complaint"}]},
            summary={"open_complaints": 1},
        )

    register(
        DigestSection(
            key="test_complaints",
            title="Open complaints",
            order=40,
            collect=complaints,
            template="commitments/digest_section.html",
            text_template="commitments/digest_section.txt",
        )
    )
    try:
        data = services.digest_data(kam=kam, period=last_period())
    finally:
        _SECTIONS.pop("test_complaints")
    fine = next(a for g in data["groups"] for a in g["accounts"] if a["name"] == "Fine Partner AS")
    assert fine["has_problem"]
    assert "test_complaints" in fine["items"]
    assert data["totals"]["open_complaints"] == 1


# --- Archive and sending -------------------------------------------------------------------


def test_a_run_archives_and_sends_each_digest_once_as_html_and_text(
    head, kam, other_kam, portfolio, settings
):
    settings.KAM_BASE_URL = "https://kam.example.com"
    period = last_period()
    first = services.digests_run(period=period)
    again = services.digests_run(period=period)
    assert (first.generated, first.notified) == (3, 3)  # the department, and two KAMs
    assert (again.generated, again.notified) == (0, 0)
    assert Digest.objects.count() == 3
    assert outbox_deliver(worker_id="t") == 3
    to_head = next(m for m in mail.outbox if m.to == [head.email])
    assert to_head.subject.startswith("Department digest")
    assert "1 overdue promise" in to_head.subject
    html = to_head.alternatives[0].content
    assert "<style>" in html
    assert "Late Promises AS" in html
    assert f"https://kam.example.com/accounts/{portfolio['late'].pk}/" in html
    assert "Quiet Kunde AS" in to_head.body
    digest = Digest.objects.get(scope="department")
    assert f'href="/accounts/{portfolio["late"].pk}/"' in digest.content_html  # page: relative
    assert Notification.objects.filter(kind="digest").count() == 3


def test_the_archive_shows_the_head_everything_and_a_kam_their_own(
    client_for, head, kam, other_kam, specialist, portfolio
):
    services.digests_run(period=last_period())
    department = Digest.objects.get(scope="department")
    own = Digest.objects.get(kam=kam)
    theirs = Digest.objects.get(kam=other_kam)
    assert len(client_for(head).get(reverse("digest:list")).context["digests"]) == 3
    kam_list = client_for(kam).get(reverse("digest:list")).context["digests"]
    assert [d.pk for d in kam_list] == [own.pk]
    assert client_for(specialist).get(reverse("digest:list")).context["digests"].__len__() == 0
    page = client_for(kam).get(reverse("digest:detail", args=[own.pk]))
    assert "Late Promises AS" in text(page)
    for hidden in (department, theirs):
        assert client_for(kam).get(reverse("digest:detail", args=[hidden.pk])).status_code == 404
    assert "Quiet Kunde AS" in text(
        client_for(head).get(reverse("digest:detail", args=[department.pk]))
    )


def test_a_reader_sees_the_archived_digest_in_their_own_language(client_for, kam, portfolio):
    services.digests_run(period=last_period())
    own = Digest.objects.get(kam=kam)
    kam.language = "sv"
    kam.save(update_fields=["language"])
    page = text(client_for(kam).get(reverse("digest:detail", args=[own.pk])))
    assert own.language == "en"  # archived in English, the KAM's language when it was made
    assert "Late Promises AS" in page
    # Shown in Swedish:
    assert "Löften" in page
    assert "Promises</h4>" not in page


def test_the_preview_shows_the_running_period_without_archiving(client_for, head, kam, portfolio):
    page = client_for(head).get(reverse("digest:preview"))
    assert page.status_code == 200
    assert "Late Promises AS" in text(page)
    one = client_for(head).get(reverse("digest:preview") + f"?kam={kam.pk}")
    assert "Quiet Kunde AS" not in text(one)
    assert not Digest.objects.exists()


def test_the_api_lists_and_reads_digests_and_sets_the_rhythm(api_for, head, kam, portfolio):
    services.digests_run(period=last_period())
    client = api_for(head)
    listing = client.get(f"{API}/digests").json()
    assert listing["total"] == 3
    department = next(d for d in listing["items"] if d["scope"] == "department")
    full = client.get(f"{API}/digests/{department['id']}").json()
    assert full["totals"]["overdue"] == 1
    assert "Late Promises AS" in full["content_text"]
    schedule = client.put(
        f"{API}/digest-schedule",
        {"interval_days": 7, "weekday": "tuesday"},
        content_type="application/json",
    ).json()
    assert all(day_of(d).weekday() == 1 for d in schedule["next_send_days"])
    assert api_for(kam).get(f"{API}/digests").json()["total"] == 1


def day_of(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)
