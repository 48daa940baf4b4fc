"""`kam worker`: runs queued background tasks and the schedule, in one process.

The task half is django-tasks' database worker (`django_tasks_db`): the same claiming of
ready tasks (`SELECT ... FOR UPDATE SKIP LOCKED`, an exclusive transaction on SQLite) and the
same way of running and recording them as `kam db_worker`. Between tasks the worker looks at
the schedule (`openkam.notifications.scheduler`) every KAM_WORKER_SCHEDULE_SECONDS.

Several workers may run at once, on one machine or several: tasks, scheduled runs and e-mails
are each claimed by one of them. A thread keeps this worker's heartbeat (and with it the
leases on what it holds) fresh; when a worker dies, the others take over its unfinished
scheduled runs and e-mails once the lease has run out, and put its running tasks back in
the queue.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import (
    Worker,
    valid_backend_name,
    valid_interval,
    validate_worker_id,
)
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from openkam.notifications import scheduler

logger = logging.getLogger("openkam.worker")


class KamWorker(Worker):
    """django-tasks' database worker, with the schedule run between tasks."""

    def __init__(
        self, *, schedule: bool, schedule_interval: float, once: bool, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.schedule = schedule
        self.schedule_interval = schedule_interval
        self.once = once
        self._next_tick = 0.0
        self._beating = threading.Event()

    # The claim is the same as in Worker.run; it is a method here so that the loop below can
    # interleave the schedule.
    def claim_next_task(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None, False  # busy: try again on the next round
                raise
        return task_result, True

    def run_schedule(self) -> None:
        # Marked as "running a task", so that SIGTERM lets the run finish before exiting.
        self.running_task = True
        try:
            result = scheduler.tick(worker_id=self.worker_id)
            if result.failed:
                logger.warning("Jobs failed (they will be retried): %s", ", ".join(result.failed))
        except Exception:
            logger.exception("The schedule could not run; trying again later.")
        finally:
            self.running_task = False
        self._next_tick = time.monotonic() + self.schedule_interval

    def run(self) -> None:
        logger.info(
            "Starting kam worker %s (queues %s, schedule %s)",
            self.worker_id,
            ",".join(self.queue_names),
            "on" if self.schedule else "off",
        )
        scheduler.heartbeat_start(worker_id=self.worker_id, pid=os.getpid())
        beat = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        beat.start()
        try:
            self._loop()
        finally:
            self._beating.set()
            beat.join(timeout=5)
            close_old_connections()
            scheduler.heartbeat_stop(worker_id=self.worker_id)

    def _loop(self) -> None:
        if self.startup_delay and self.interval and not self.once:
            time.sleep(random.random())
        while self.running:
            close_old_connections()
            if self.schedule and time.monotonic() >= self._next_tick:
                self.run_schedule()
            task_result, retrieved = self.claim_next_task()
            if task_result is not None:
                self.run_task(task_result)
            idle = retrieved and task_result is None
            if (self.batch or self.once) and idle:
                logger.info("Nothing left to do for worker %s; exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %s tasks on worker %s; exiting.", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and task_result is None:
                wait = self.interval
                if self.schedule:
                    wait = max(0.0, min(wait, self._next_tick - time.monotonic()))
                time.sleep(wait)

    def _heartbeat_loop(self) -> None:
        """Every quarter of the lease, refresh this worker's heartbeat and leases."""
        period = max(0.5, settings.KAM_WORKER_LEASE_SECONDS / 4)
        try:
            while not self._beating.wait(period):
                try:
                    scheduler.heartbeat_beat(worker_id=self.worker_id)
                except Exception:
                    logger.exception("Heartbeat failed; retrying.")
        finally:
            connection.close()  # this thread's own database connection


class Command(BaseCommand):
    help = (
        "Run background tasks and the schedule (reminders, alerts, digests, e-mail). "
        "Run one or more of these next to `kam serve`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="default",
            help="Queues to process, separated by commas; '*' for all (default: %(default)s).",
        )
        parser.add_argument(
            "--exclude-queues", default="", help="Queues to skip (with --queue-name=*)."
        )
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds to wait when no task is ready (default: %(default)s).",
        )
        parser.add_argument(
            "--schedule-interval",
            type=valid_interval,
            default=None,
            help="Seconds between looks at the schedule (default: KAM_WORKER_SCHEDULE_SECONDS).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Only run tasks; leave the schedule to other workers.",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the schedule once and every ready task, then exit (for cron or checks).",
        )
        parser.add_argument(
            "--backend",
            type=valid_backend_name,
            dest="backend_name",
            default="default",
            help="Task backend (default: %(default)s).",
        )
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            default=None,
            help="Unique id of this worker (default: host, process and a random part).",
        )
        parser.add_argument("--no-startup-delay", action="store_false", dest="startup_delay")

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = [q for q in options["exclude_queues"].split(",") if q]
        worker_id = (
            options["worker_id"]
            or (f"{os.uname().nodename[:30]}-{os.getpid()}-{get_random_string(8)}")[:64]
        )
        schedule_interval = options["schedule_interval"]
        if schedule_interval is None:
            schedule_interval = float(settings.KAM_WORKER_SCHEDULE_SECONDS)
        worker = KamWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=False,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=excluded,
            schedule=options["schedule"],
            schedule_interval=schedule_interval,
            once=options["once"],
        )
        worker.configure_signals()
        worker.run()

    def _configure_logging(self, verbosity: int) -> None:
        level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("openkam.worker", "django_tasks_db", "django.tasks"):
            named = logging.getLogger(name)
            named.setLevel(level)
