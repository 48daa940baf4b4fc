"""Background tasks of the notifications app (run by `kam worker`)."""

from __future__ import annotations

from django.tasks import task
from django.utils.crypto import get_random_string


@task()
def deliver_outbox() -> int:
    """Send the e-mails waiting in the outbox. Safe to run any number of times at once: each
    e-mail is claimed before it is sent. Returns how many this run sent."""
    from openkam.notifications.services import outbox_deliver

    return outbox_deliver(worker_id=f"task-{get_random_string(16)}")
