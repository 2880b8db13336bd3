"""The reminder pipeline end to end: a real Celery worker, with its embedded beat running the
sweeper every second, on a real Redis broker and the test database.

The workers are subprocesses (``celery worker --pool=solo --beat``) using
``tests.support.worker_settings``, whose e-mail backend is slow and writes what it sends to files
the tests read (``tests/support/slow_email.py``). Rows are committed (``transactional_db``) so
that the workers see them. Each test keeps its broker keys under a prefix of its own in a Redis
database set aside for these tests, and deletes them afterwards.
"""

import contextlib
import os
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from activity import services, tasks
from activity.models import Notification, Reminder
from bench.worker import worker_command
from tests.factories import ReminderFactory, UserFactory

# In a parallel run (pytest-xdist) these tests run one after another in the same process, so that
# no two of them start Celery workers at the same time.
pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("celery-workers")]

BROKER_DB = 13
SWEEP_SECONDS = 1
EMAIL_DELAY = 0.1
# A worker starts in about 3 s on a quiet machine; these bounds leave room for a loaded one
# (load average 20 on two cores) before the test fails with the workers' logs.
STARTUP_TIMEOUT = 120
DELIVERY_TIMEOUT = 180

_MESSAGE_ID = re.compile(r"<reminder-(\d+)\.")


class Recovery(NamedTuple):
    """How a delivery cut short by a dead worker is retried. A test pins one of the two ways, so
    that which one comes first is never a race."""

    lease_seconds: int
    visibility_timeout: int
    attempts: int  # of the interrupted reminder, once delivered


# The row's lease lapses and the sweeper claims it again; the broker holds on to the task.
LEASE_LAPSES = Recovery(lease_seconds=3, visibility_timeout=600, attempts=2)
# The broker hands the unacknowledged task out again while the row is still leased.
BROKER_REDELIVERS = Recovery(lease_seconds=600, visibility_timeout=3, attempts=1)


class Trace(NamedTuple):
    pid: int
    reminder_id: int


class Outbox:
    """What the slow e-mail backend of the workers wrote: sends begun, and e-mails gone out."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _read(self, name: str) -> list[Trace]:
        path = self.directory / name
        if not path.exists():
            return []
        traces = []
        for line in path.read_text().splitlines():
            pid, message_id = line.split(" ", 1)
            match = _MESSAGE_ID.match(message_id)
            assert match, f"unexpected Message-ID {message_id!r}"
            traces.append(Trace(int(pid), int(match[1])))
        return traces

    def begun(self) -> list[Trace]:
        return self._read("sending.log")

    def sent(self) -> list[Trace]:
        return self._read("outbox.log")


class Broker(NamedTuple):
    url: str
    prefix: str
    client: redis.Redis

    def own_keys(self) -> list[bytes]:
        return list(self.client.scan_iter(match=f"{self.prefix}*"))


class Workers:
    """Starts Celery workers, each in a session of its own so that the embedded beat process
    dies with it; the ones still running are killed at teardown."""

    def __init__(self, directory: Path, broker: Broker, outbox: Outbox) -> None:
        self.directory = directory
        self.broker = broker
        self.outbox = outbox
        self.running: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []
        self.logs: list[Path] = []

    def start(self, name: str, *, recovery: Recovery, stall_at: int = 0) -> subprocess.Popen[bytes]:
        var_dir = self.directory / name
        var_dir.mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_VAR_DIR": str(var_dir),
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": self.broker.url,
            "CELERY_BROKER_URL": self.broker.url,
            "BROKER_KEY_PREFIX": self.broker.prefix,
            "CELERY_VISIBILITY_TIMEOUT": str(recovery.visibility_timeout),
            "REMINDER_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "REMINDER_LEASE_SECONDS": str(recovery.lease_seconds),
            "SLOW_EMAIL_DIR": str(self.outbox.directory),
            "SLOW_EMAIL_DELAY": str(EMAIL_DELAY),
            "SLOW_EMAIL_STALL_AT": str(stall_at),
        }
        log_path = var_dir / "worker.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            worker_command(loglevel="INFO", hostname=f"{name}@%h"),
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((process, log))
        self.logs.append(log_path)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """Kill the worker and what it started (the embedded beat), as when a machine is lost."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        for started, log in list(self.running):
            if started is process:
                log.close()
                self.running.remove((started, log))

    def kill_all(self) -> None:
        for process, _log in list(self.running):
            self.kill(process)

    def wait_until(self, condition: Callable[[], bool], *, what: str, timeout: float) -> None:
        """Poll until the condition holds; fail with the workers' logs if a worker exits or the
        time runs out."""
        deadline = time.monotonic() + timeout
        while not condition():
            exited = [p.pid for p, _log in self.running if p.poll() is not None]
            if exited or time.monotonic() > deadline:
                problem = f"worker {exited} exited" if exited else f"timed out after {timeout} s"
                pytest.fail(f"{problem} waiting for {what}\n{self._log_tails()}")
            time.sleep(0.05)

    def _log_tails(self) -> str:
        return "\n".join(
            f"--- {path} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-40:])
            for path in self.logs
        )


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def broker() -> Iterator[Broker]:
    """The test's own part of a Redis database set aside for these tests."""
    base = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    url = urlunsplit(base._replace(path=f"/{BROKER_DB}"))
    client = redis.Redis.from_url(url)
    broker = Broker(url, f"test-delivery-worker:{uuid.uuid4().hex}:", client)
    yield broker
    for key in broker.own_keys():
        client.delete(key)
    client.close()


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    directory = tmp_path / "mail"
    directory.mkdir()
    return Outbox(directory)


@pytest.fixture
def workers(transactional_db, broker: Broker, outbox: Outbox, tmp_path: Path) -> Iterator[Workers]:
    # Requests transactional_db and broker so that the workers are dead before the tables are
    # emptied and the broker keys deleted.
    started = Workers(tmp_path, broker, outbox)
    try:
        yield started
    finally:
        started.kill_all()


def _all_sent(ids: list[int]) -> Callable[[], bool]:
    return lambda: (
        Reminder.objects.filter(pk__in=ids, state=Reminder.State.SENT).count() == len(ids)
    )


def _assert_delivered_exactly_once(ids: list[int], outbox: Outbox) -> None:
    states = Reminder.objects.filter(pk__in=ids).values_list("state", flat=True)
    assert set(states) == {Reminder.State.SENT}
    notified = Notification.objects.filter(emailed_at__isnull=False).values_list(
        "reminder_id", flat=True
    )
    assert sorted(notified) == sorted(ids)
    assert Notification.objects.count() == len(ids)
    assert Counter(t.reminder_id for t in outbox.sent()) == dict.fromkeys(ids, 1)


@pytest.mark.parametrize(
    "recovery", [LEASE_LAPSES, BROKER_REDELIVERS], ids=["lease-lapses", "broker-redelivers"]
)
def test_worker_killed_mid_batch_delivers_each_reminder_exactly_once(
    workers: Workers, outbox: Outbox, recovery: Recovery
):
    users = UserFactory.create_batch(5)
    due = timezone.now() - timedelta(minutes=1)
    ids = [ReminderFactory.create(recipient=users[n % 5], due_at=due).pk for n in range(20)]
    stall_at = 8

    first = workers.start("first", recovery=recovery, stall_at=stall_at)
    workers.wait_until(
        lambda: len(outbox.begun()) >= stall_at,
        what=f"the first worker to begin e-mail {stall_at}",
        timeout=STARTUP_TIMEOUT,
    )
    # The worker now hangs inside the send of e-mail number `stall_at`; the ones before are out.
    assert len(outbox.begun()) == stall_at
    assert len(outbox.sent()) == stall_at - 1
    interrupted = outbox.begun()[-1].reminder_id
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    workers.kill(first)  # its embedded beat, orphaned by the kill

    reminder = Reminder.objects.get(pk=interrupted)
    assert reminder.state == Reminder.State.QUEUED
    assert reminder.attempts == 1
    assert not Notification.objects.filter(reminder_id=interrupted).exists()

    second = workers.start("second", recovery=recovery)
    workers.wait_until(_all_sent(ids), what="every reminder to be sent", timeout=DELIVERY_TIMEOUT)
    workers.kill_all()

    _assert_delivered_exactly_once(ids, outbox)
    # The first worker began the interrupted e-mail and never finished it; the second sent it.
    assert [t.pid for t in outbox.begun() if t.reminder_id == interrupted] == [
        first.pid,
        second.pid,
    ]
    assert [t.pid for t in outbox.sent() if t.reminder_id == interrupted] == [second.pid]
    assert Reminder.objects.get(pk=interrupted).attempts == recovery.attempts


def test_claim_whose_enqueue_was_lost_is_delivered_by_the_sweeper(
    workers: Workers, outbox: Outbox, broker: Broker, monkeypatch: pytest.MonkeyPatch
):
    lease = timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    claimed_at = timezone.now() - lease - timedelta(minutes=1)
    reminder: Reminder = ReminderFactory.create(due_at=claimed_at - timedelta(minutes=1))
    # The claim commits, then the process dies before the task reaches the broker.
    lost: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_delivery", lost.extend)
    assert services.reminders_claim_due(now=claimed_at) == [reminder.pk]
    assert lost == [reminder.pk]
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.QUEUED
    assert reminder.lease_until is not None
    assert reminder.lease_until < timezone.now()
    assert broker.own_keys() == []

    workers.start("sweeper", recovery=LEASE_LAPSES)
    workers.wait_until(
        _all_sent([reminder.pk]), what="the reminder to be sent", timeout=DELIVERY_TIMEOUT
    )
    workers.kill_all()

    _assert_delivered_exactly_once([reminder.pk], outbox)
    reminder.refresh_from_db()
    assert reminder.attempts == 2
