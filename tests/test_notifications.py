"""Reminders before a due date, alerts on overdue promises, the notification centre, e-mail
preferences, and the schedule's claims that make each message go out once."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openkam.commitments.jobs import remind_and_alert
from openkam.notifications import scheduler, services
from openkam.notifications.models import (
    EmailStatus,
    JobRun,
    Notification,
    OutgoingEmail,
    WorkerHeartbeat,
)
from openkam.notifications.scheduler import Job, JobContext
from openkam.notifications.tasks import deliver_outbox
from tests.factories import AccountFactory, TeamMemberFactory
from tests.factories_commitments import CommitmentFactory, days
from tests.pages import submit, text

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def account(kam, specialist):
    account = AccountFactory(name="Nordlys Energi", owner=kam, tier="key")
    TeamMemberFactory(account=account, user=specialist)
    return account


def _context(now: datetime.datetime | None = None) -> JobContext:
    return JobContext(
        job="commitments.reminders", period="p", now=now or timezone.now(), worker_id="t", attempt=1
    )


def _deliver() -> int:
    return services.outbox_deliver(worker_id="test")


# --- Reminders and alerts ------------------------------------------------------------------


def test_owners_are_reminded_within_their_lead_time_and_once_per_due_date(kam, account):
    soon = CommitmentFactory(account=account, title="Price list", due_date=days(2))
    CommitmentFactory(account=account, title="Far away", due_date=days(20))
    remind_and_alert(_context())
    remind_and_alert(_context())
    notes = Notification.objects.filter(recipient=kam, kind="commitment_due_soon")
    assert [n.title for n in notes] == ["Due in 2 days: “Price list” for Nordlys Energi"]
    assert _deliver() == 1
    assert mail.outbox[0].to == [kam.email]
    assert "tell the client now" in mail.outbox[0].body
    # A reschedule gives the promise a new due date, and a new reminder for it.
    type(soon).objects.filter(pk=soon.pk).update(due_date=days(1))
    remind_and_alert(_context())
    assert Notification.objects.filter(recipient=kam, kind="commitment_due_soon").count() == 2


def test_a_personal_lead_time_changes_when_the_reminder_comes(kam, account):
    CommitmentFactory(account=account, due_date=days(6))
    remind_and_alert(_context())
    assert not Notification.objects.exists()  # default: 3 days ahead
    services.preference_update(user=kam, reminder_lead_days=7, email_kinds=[])
    remind_and_alert(_context())
    assert Notification.objects.filter(recipient=kam).count() == 1


def test_an_overdue_promise_alerts_its_owner_and_the_accounts_kam_lead(kam, specialist, account):
    CommitmentFactory(account=account, title="Test report", owner=specialist, due_date=days(-3))
    remind_and_alert(_context())
    to_owner = Notification.objects.get(recipient=specialist)
    to_kam = Notification.objects.get(recipient=kam)
    assert to_owner.kind == "commitment_overdue"
    assert to_owner.title.startswith("Overdue by 3 days")
    assert to_kam.kind == "commitment_overdue_account"
    assert str(specialist) in to_kam.body
    assert _deliver() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([kam.email, specialist.email])


def test_done_and_cancelled_promises_are_left_in_peace(kam, account):
    CommitmentFactory(account=account, due_date=days(-3), status="done", completed_on=days(-1))
    CommitmentFactory(account=account, due_date=days(1), status="cancelled")
    remind_and_alert(_context())
    assert not Notification.objects.exists()


def test_reminders_arrive_in_the_owners_language(kam, account):
    kam.language = "nb"
    kam.save(update_fields=["language"])
    CommitmentFactory(account=account, due_date=days(-2))
    remind_and_alert(_context())
    title = Notification.objects.get(recipient=kam).title
    assert not title.startswith("Overdue"), title


# --- Preferences ---------------------------------------------------------------------------


def test_a_person_chooses_which_kinds_also_come_by_email(kam, account):
    services.preference_update(user=kam, reminder_lead_days=None, email_kinds=["digest"])
    CommitmentFactory(account=account, due_date=days(-2))
    remind_and_alert(_context())
    assert Notification.objects.filter(recipient=kam).exists()
    assert not OutgoingEmail.objects.exists()


def test_unknown_kinds_and_silly_lead_times_are_refused_by_name(kam):
    with pytest.raises(ValidationError) as error:
        services.preference_update(user=kam, reminder_lead_days=99, email_kinds=["gossip"])
    assert "email_kinds" in error.value.message_dict


def test_the_preferences_page_saves_choices(client_for, kam):
    response = submit(
        client_for(kam),
        reverse("notifications:preferences"),
        {"reminder_lead_days": "5", "email_kinds": ["digest", "commitment_overdue"]},
    )
    assert response.status_code == 302
    preference = kam.notification_preference
    assert preference.reminder_lead_days == 5
    assert preference.email_choices == {
        "commitment_due_soon": False,
        "commitment_overdue_account": False,
    }


# --- The notification centre ---------------------------------------------------------------


def _note(user, n: int = 0, **kwargs):
    return Notification.objects.create(
        recipient=user,
        kind="digest",
        key=f"k{n}",
        title=f"Notice {n}",
        url="/commitments/",
        **kwargs,
    )


def test_the_centre_lists_marks_read_and_marks_all_read(client_for, kam, head):
    first, second = _note(kam, 1), _note(kam, 2)
    _note(head, 3)
    client = client_for(kam)
    page = client.get(reverse("notifications:list"))
    assert [n.title for n in page.context["notifications"]] == ["Notice 2", "Notice 1"]
    assert "Notice 3" not in text(page)
    badge = client.get(reverse("notifications:badge"))
    assert ">2<" in text(badge)

    opened = submit(client, reverse("notifications:read", args=[first.pk]), {"open": "1"})
    assert opened["Location"] == "/commitments/"
    first.refresh_from_db()
    assert first.is_read
    unread = client.get(reverse("notifications:list") + "?show=unread")
    assert [n.title for n in unread.context["notifications"]] == ["Notice 2"]

    submit(client, reverse("notifications:read_all"))
    second.refresh_from_db()
    assert second.is_read
    assert text(client.get(reverse("notifications:badge"))).strip() == ""


def test_someone_elses_notification_answers_not_found(client_for, kam, head):
    theirs = _note(head)
    response = submit(client_for(kam), reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_the_badge_is_loaded_after_the_page_so_pages_pay_no_query_for_it(client_for, kam):
    page = text(client_for(kam).get(reverse("commitments:list")))
    assert f'hx-get="{reverse("notifications:badge")}"' in page


def test_the_centre_runs_fixed_queries(client_for, kam, django_assert_num_queries):
    client = client_for(kam)
    for n in range(3):
        _note(kam, n)
    client.get(reverse("notifications:list"))
    with django_assert_num_queries(5) as few:
        client.get(reverse("notifications:list"))
    for n in range(3, 30):
        _note(kam, n)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:list"))


def test_the_api_lists_counts_and_marks_notifications(api_for, kam):
    first = _note(kam, 1)
    _note(kam, 2)
    client = api_for(kam)
    assert client.get(f"{API}/notifications/unread-count").json() == {"unread": 2}
    client.post(
        f"{API}/notifications/{first.pk}/read", {"read": True}, content_type="application/json"
    )
    listing = client.get(f"{API}/notifications?unread=true").json()
    assert (listing["total"], listing["unread"]) == (1, 1)
    assert client.post(f"{API}/notifications/read-all").json() == {"marked": 1}
    prefs = client.put(
        f"{API}/notification-preferences",
        {"reminder_lead_days": 1, "email_kinds": ["digest"]},
        content_type="application/json",
    ).json()
    assert prefs["email_kinds"] == ["digest"]
    assert prefs["reminder_lead_days"] == 1


# --- Sending once --------------------------------------------------------------------------


def test_sending_the_same_key_twice_makes_one_notification_and_one_email(kam):
    for _ in range(2):
        services.notification_send(
            recipient=kam, kind="commitment_overdue", key="same", title="Late", deliver_soon=False
        )
    assert Notification.objects.count() == OutgoingEmail.objects.count() == 1


def test_a_notification_asks_a_worker_to_send_its_email_right_after_the_commit(
    kam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(
            recipient=kam, kind="commitment_overdue", key="soon", title="Late"
        )
    task = DBTaskResult.objects.get()
    assert task.task_path == "openkam.notifications.tasks.deliver_outbox"
    assert deliver_outbox.call() == 1
    assert len(mail.outbox) == 1


def test_every_attempt_carries_the_same_message_id(kam, settings):
    services.notification_send(
        recipient=kam, kind="digest", key="d", title="Digest", deliver_soon=False
    )
    email = OutgoingEmail.objects.get()
    _deliver()
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert email.message_id.startswith("<openkam.n")
    assert email.message_id.endswith("@localhost>")


def test_a_failing_mail_server_is_retried_later_and_given_up_after_the_last_attempt(
    kam, monkeypatch, settings
):
    settings.KAM_EMAIL_MAX_ATTEMPTS = 2
    services.notification_send(
        recipient=kam, kind="digest", key="d", title="Digest", deliver_soon=False
    )

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert _deliver() == 0
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert _deliver() == 0  # not due again yet
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    _deliver()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 2)


def test_a_claimed_email_is_left_alone_until_its_lease_runs_out(kam):
    services.notification_send(
        recipient=kam, kind="digest", key="d", title="Digest", deliver_soon=False
    )
    OutgoingEmail.objects.update(
        claimed_by="other", claimed_until=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert _deliver() == 0
    OutgoingEmail.objects.update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert _deliver() == 1


# --- The schedule's claims -----------------------------------------------------------------


def test_a_job_runs_once_per_period_and_a_dead_workers_claim_is_taken_over(db):
    now = timezone.now()
    first = scheduler.job_claim(job="j", period="2026-05-04", worker_id="a", now=now)
    assert first is not None
    assert scheduler.job_claim(job="j", period="2026-05-04", worker_id="b", now=now) is None
    later = now + datetime.timedelta(seconds=scheduler.lease().total_seconds() + 1)
    taken = scheduler.job_claim(job="j", period="2026-05-04", worker_id="b", now=later)
    assert taken is not None
    assert (taken.claimed_by, taken.attempts) == ("b", 2)
    JobRun.objects.update(finished_at=later)
    much_later = later + datetime.timedelta(days=1)
    assert scheduler.job_claim(job="j", period="2026-05-04", worker_id="c", now=much_later) is None


def test_a_failed_job_is_retried_on_a_later_tick(db, settings):
    settings.KAM_JOB_RETRY_SECONDS = 60
    calls: list[str] = []

    def flaky(context: JobContext) -> str:
        calls.append(context.worker_id)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return "ok"

    scheduler.register(Job(name="test.flaky", due=lambda now: "p1", run=flaky))
    try:
        now = timezone.now()
        assert scheduler.tick(worker_id="a", now=now).failed == ["test.flaky"]
        assert scheduler.tick(worker_id="b", now=now).ran == []  # retry not due yet
        result = scheduler.tick(worker_id="b", now=now + datetime.timedelta(seconds=61))
        assert "test.flaky" in result.ran
        run = JobRun.objects.get(job="test.flaky")
        assert run.finished_at
        assert run.attempts == 2
        assert run.last_error == ""
    finally:
        scheduler._JOBS.pop("test.flaky", None)


def test_a_live_workers_heartbeat_keeps_its_claims(db):
    now = timezone.now()
    scheduler.heartbeat_start(worker_id="w", pid=1)
    run = scheduler.job_claim(job="j", period="p", worker_id="w", now=now)
    assert run is not None
    before = run.claimed_until
    scheduler.heartbeat_beat(worker_id="w")
    run.refresh_from_db()
    assert run.claimed_until >= before


def test_tasks_left_running_by_a_dead_worker_go_back_to_the_queue(db):
    result = deliver_outbox.enqueue()
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim("dead-worker")
    WorkerHeartbeat.objects.create(
        worker_id="dead-worker", last_seen=timezone.now() - datetime.timedelta(hours=1)
    )
    other = DBTaskResult.objects.get(pk=deliver_outbox.enqueue().id)
    other.claim("plain-db-worker")  # no heartbeat: never touched
    assert scheduler.recover_orphaned_tasks(now=timezone.now()) == 1
    task.refresh_from_db()
    other.refresh_from_db()
    assert (task.status, other.status) == ("READY", "RUNNING")
    assert WorkerHeartbeat.objects.get().stopped_at is not None


def test_a_lead_time_of_zero_reminds_on_the_day_itself(kam, account):
    services.preference_update(user=kam, reminder_lead_days=0, email_kinds=[])
    CommitmentFactory(account=account, title="Tomorrow", due_date=days(1))
    CommitmentFactory(account=account, title="Today", due_date=days(0))
    remind_and_alert(_context())
    assert [n.title for n in Notification.objects.filter(recipient=kam)] == [
        "Due today: “Today” for Nordlys Energi"
    ]


def test_the_badge_answers_empty_once_the_session_has_run_out(client):
    response = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert text(response).strip() == ""
