"""`kam worker` for real: separate processes against one database (SQLite in a data
directory, or a fresh PostgreSQL database when DATABASE_URL names PostgreSQL), sending to a
real SMTP server on loopback (aiosmtpd) that counts what it receives.

- Several workers running the schedule at the same moment send each reminder, alert and
  digest exactly once.
- A worker killed with SIGKILL while it waits on the mail server leaves its claim behind;
  a new worker takes it over when the lease runs out, and every message still arrives once.
- The honest limit: a worker killed after the server accepted a message but before marking
  it sent causes a second delivery, with the same Message-ID (at least once, never zero).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.worker_scenario import EXPECTED

ROOT = Path(__file__).resolve().parents[1]
KAM = Path(sys.executable).parent / "kam"
LEASE_SECONDS = 3
TOTAL = sum(EXPECTED.values())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- A real SMTP server on loopback --------------------------------------------------------


@dataclass
class Received:
    rcpt: str
    subject: str
    message_id: str


@dataclass
class MailServer:
    """Counts delivered messages. It can hold the first client that gets to a given stage
    (before RCPT is answered, or after DATA was received) until released."""

    port: int
    received: list[Received] = field(default_factory=list)
    stall_at: str = ""  # "", "rcpt" or "data"
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def _hold(self, stage: str) -> None:
        if self.stall_at != stage or self.stalled.is_set():
            return
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        await self._hold("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append(
                    Received(rcpt, str(message["Subject"]), str(message["Message-ID"]))
                )
        # Received in full: a real server delivers it even if its answer never arrives.
        await self._hold("data")
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def per_recipient(self) -> dict[str, int]:
        with self.lock:
            return dict(Counter(item.rcpt for item in self.received))


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    server = MailServer(port=_free_port())
    controller = controller_module.Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()


# --- The workers' own database -------------------------------------------------------------


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "KAM_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    return env


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg(url: str, sql: str) -> None:
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One migrated database per module, copied for each test (a file copy for SQLite, a
    template for PostgreSQL), so that each test starts from a clean, migrated schema."""
    data_dir = tmp_path_factory.mktemp("worker-template")
    env = _base_env(data_dir)
    url = _postgres_url()
    template = None
    if url:
        template = f"openkam_worker_tpl_{secrets.token_hex(4)}"
        _pg(url, f'CREATE DATABASE "{template}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{template}"))
    subprocess.run([str(KAM), "migrate", "--noinput", "-v0"], env=env, check=True, timeout=600)
    try:
        yield {"data_dir": data_dir, "template": template, "url": url}
    finally:
        if url and template:
            _pg(url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@dataclass
class Scene:
    env: dict[str, str]
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def shell(self, code: str) -> str:
        done = subprocess.run(
            [str(KAM), "shell", "-c", code],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        return done.stdout.decode().strip().splitlines()[-1]

    def report(self) -> dict[str, Any]:
        return json.loads(self.shell("from tests.worker_scenario import report; report()"))

    def start_worker(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [str(KAM), "worker", "--no-startup-delay", "--worker-id", name, *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


@pytest.fixture
def fresh(migrated: dict[str, Any], mail_server: MailServer, tmp_path: Path) -> Iterator[Scene]:
    """The workers' own empty, migrated database and their environment."""
    data_dir = tmp_path / "data"
    shutil.copytree(migrated["data_dir"], data_dir)
    env = _base_env(data_dir)
    database = None
    if migrated["url"]:
        database = f"openkam_worker_{secrets.token_hex(4)}"
        _pg(migrated["url"], f'CREATE DATABASE "{database}" TEMPLATE "{migrated["template"]}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(migrated["url"])._replace(path=f"/{database}"))
    env.update(
        {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mail_server.port),
            "EMAIL_TIMEOUT": "20",
            "KAM_SCHEDULE_HOUR": "0",  # the daily jobs and the digest are due at any hour
            "KAM_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
            "KAM_WORKER_SCHEDULE_SECONDS": "1",
            "KAM_JOB_RETRY_SECONDS": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    current = Scene(env=env, logs=logs)
    try:
        yield current
    finally:
        for process in current.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if database:
            _pg(migrated["url"], f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def scene(fresh: Scene) -> Scene:
    fresh.shell("from tests.worker_scenario import setup; setup()")
    return fresh


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def _assert_each_message_once(server: MailServer) -> None:
    assert server.per_recipient() == EXPECTED
    ids = [item.message_id for item in server.received]
    assert len(ids) == len(set(ids)) == TOTAL


# --- The tests -----------------------------------------------------------------------------


def test_three_workers_running_the_schedule_at_once_send_every_message_exactly_once(
    scene: Scene, mail_server: MailServer
):
    workers = [scene.start_worker(f"w{n}", "--once") for n in range(3)]
    for n, process in enumerate(workers):
        assert process.wait(timeout=180) == 0, scene.log(f"w{n}")
    _assert_each_message_once(mail_server)
    subjects = [item.subject for item in mail_server.received]
    assert sum("digest" in subject.lower() for subject in subjects) == 2
    state = scene.report()
    assert state["emails"] == {"sent": TOTAL}
    assert state["notifications"] == state["notification_keys_unique"]
    assert state["digests"] == ["department", "kam"]
    assert state["runs"], "no job ran"
    assert all(run == {"finished": True, "attempts": 1} for run in state["runs"].values())
    # Every job ran in exactly one of the workers.
    logs = "".join(scene.log(f"w{n}") for n in range(3))
    for job in state["runs"]:
        name = job.split(":")[0]
        assert logs.count(f"Job {name} for ") == 1, job

    # Running the schedule again the same day sends nothing more.
    assert scene.start_worker("again", "--once").wait(timeout=120) == 0
    assert mail_server.count() == TOTAL


def test_a_worker_killed_while_sending_leaves_its_claim_to_the_next_and_each_message_arrives_once(
    scene: Scene, mail_server: MailServer
):
    mail_server.stall_at = "rcpt"  # the first message hangs before its recipient is accepted
    first = scene.start_worker("doomed")
    assert mail_server.stalled.wait(timeout=120), scene.log("doomed")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    mail_server.release.set()  # the dead client's session ends without DATA: nothing delivered
    assert mail_server.count() == 0

    second = scene.start_worker("successor")
    _wait_for(lambda: mail_server.count() >= TOTAL, 120, "the successor to send everything")
    time.sleep(LEASE_SECONDS + 2)  # room for any duplicate to show up
    _stop(second)
    _assert_each_message_once(mail_server)
    state = scene.report()
    assert state["emails"] == {"sent": TOTAL}
    # The message the dead worker had claimed was attempted twice, all others once.
    assert state["email_attempts"] == [1] * (TOTAL - 1) + [2]
    assert all(run["finished"] for run in state["runs"].values())


def test_a_worker_killed_after_the_server_took_a_message_sends_it_again_with_the_same_id(
    scene: Scene, mail_server: MailServer
):
    mail_server.stall_at = "data"  # received in full, the answer is held back
    first = scene.start_worker("doomed")
    assert mail_server.stalled.wait(timeout=120), scene.log("doomed")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    mail_server.release.set()

    second = scene.start_worker("successor")
    _wait_for(lambda: mail_server.count() >= TOTAL + 1, 120, "the successor to send everything")
    time.sleep(LEASE_SECONDS + 2)
    _stop(second)
    ids = Counter(item.message_id for item in mail_server.received)
    # At least once, never lost: the one message in flight arrived twice, with one Message-ID
    # (which mail systems use to drop the duplicate); every other message arrived once.
    assert sorted(ids.values()) == [1] * (TOTAL - 1) + [2]
    assert scene.report()["emails"] == {"sent": TOTAL}


def test_with_the_demo_data_the_head_receives_the_weekly_digest_by_smtp_from_kam_worker(
    fresh: Scene, mail_server: MailServer
):
    subprocess.run([str(KAM), "demo"], env=fresh.env, check=True, timeout=600, capture_output=True)
    assert fresh.start_worker("demo-worker", "--once").wait(timeout=300) == 0, fresh.log(
        "demo-worker"
    )
    to_head = [item for item in mail_server.received if item.rcpt == "head@openkam.example"]
    digests = [item for item in to_head if item.subject.startswith("Department digest")]
    assert len(digests) == 1, [item.subject for item in to_head]
    assert "overdue promise" in digests[0].subject
    assert "without contact" in digests[0].subject
    # Every KAM with accounts got their own digest (in their own language), each received once.
    sent = json.loads(
        fresh.shell(
            "import json; from openkam.notifications.models import OutgoingEmail; "
            "print(json.dumps(list(OutgoingEmail.objects.filter(notification__kind='digest')"
            ".values_list('to', 'message_id', 'status'))))"
        )
    )
    received = Counter((item.rcpt, item.message_id) for item in mail_server.received)
    assert {"kam1@openkam.example", "kam2@openkam.example"} <= {to for to, _id, _s in sent}
    assert all(status == "sent" and received[(to, mid)] == 1 for to, mid, status in sent)
    assert any(item.subject.startswith("Overdue by") for item in mail_server.received)
    ids = [item.message_id for item in mail_server.received]
    assert len(ids) == len(set(ids))
