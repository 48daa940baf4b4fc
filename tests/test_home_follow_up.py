"""The overview puts the reader's own follow-up first: their promises that are overdue or due
within a week, and their accounts beyond the contact interval, with links to the full lists."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openkam.commitments.models import CommitmentStatus, Direction
from tests.factories import AccountFactory
from tests.factories_activity import InteractionFactory
from tests.factories_commitments import CommitmentFactory, days
from tests.pages import text


def old_account(**kwargs):
    """An account we have served for a year (contact tracking starts when it was created)."""
    account = AccountFactory(**kwargs)
    type(account).objects.filter(pk=account.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=365)
    )
    return account


def met(account, days_ago: int) -> None:
    InteractionFactory(
        account=account,
        kind="meeting",
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_a_kam_sees_their_overdue_and_due_promises_and_their_neglected_accounts(
    kam, other_kam, client_for
):
    mine = old_account(name="Fjord Shipping", owner=kam, tier="key")
    met(mine, 20)  # key: every 14 days, so 6 days past
    CommitmentFactory(account=mine, owner=kam, title="Send the revised offer", due_date=days(-3))
    CommitmentFactory(
        account=mine,
        owner=kam,
        title="Call back about the audit",
        due_date=days(2),
        direction=Direction.THEIRS,
    )
    CommitmentFactory(account=mine, owner=kam, title="Plan next year", due_date=days(30))
    CommitmentFactory(
        account=mine,
        owner=kam,
        title="Already sent",
        due_date=days(-10),
        status=CommitmentStatus.DONE,
        completed_on=days(-11),
    )
    theirs = old_account(name="Other KAM's account", owner=other_kam, tier="key")
    CommitmentFactory(account=theirs, owner=other_kam, title="Not yours", due_date=days(-1))

    response = client_for(kam).get(reverse("web:home"))
    follow_up = response.context["follow_up"]
    assert (follow_up.overdue, follow_up.due_soon, follow_up.neglected) == (1, 1, 1)
    page = text(response)
    assert "Send the revised offer" in page  # overdue, first
    assert page.index("Send the revised offer") < page.index("Call back about the audit")
    assert "Plan next year" not in page  # due in a month
    assert "Already sent" not in page
    assert "Not yours" not in page
    assert "Fjord Shipping" in page
    assert "6 days past the interval" in page
    assert "?state=overdue&amp;owner=me" in page


def test_a_kam_with_nothing_due_is_told_so(kam, client_for):
    account = old_account(owner=kam, tier="key")
    met(account, 3)
    CommitmentFactory(account=account, owner=kam, due_date=days(30))
    page = text(client_for(kam).get(reverse("web:home")))
    assert "Nothing is due" in page


def test_the_overview_costs_the_same_queries_for_few_or_many_promises_and_accounts(
    kam, client_for, django_assert_num_queries
):
    client = client_for(kam)

    def grow(n: int) -> None:
        for i in range(n):
            account = old_account(owner=kam, tier="key")
            met(account, 20 + i)
            CommitmentFactory(account=account, owner=kam, due_date=days(-1 - i))

    grow(2)
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:home"))
    grow(10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("web:home"))
    assert response.context["follow_up"].overdue == 12
    assert len(response.context["follow_up"].promises) == 5
