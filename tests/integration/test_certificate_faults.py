"""Certificates under faults, with real worker processes, real Redis and PostgreSQL.

Each test gets its own Redis server (a child process on a free port, so it can be killed and
restarted without touching anyone else's), its own storage and mail folders, and workers that
read the test database. The claim in every test is the same: N completions give exactly N
certificates, N PDFs and N e-mails, told apart by Message-ID. A worker killed inside the send
window (after the mail server took a message, before that was recorded) may cost one more copy
of a message, under the same Message-ID, and the certificate's history shows both attempts.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from academy.celery import app as celery_app
from courses.models import Certificate, CertificateEmail, CertificateEvent, Course, Enrollment
from courses.services.certificates import (
    issue_certificate_task,
    send_certificate_email_task,
    sweep_certificates,
)
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.conftest import ROOT
from tests.factories import UserFactory, course_with_lessons
from tests.integration.conftest import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]
Status = Certificate.Status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=15, what=f"redis on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Gone at once, like a crashed server; it keeps nothing on disk, so its queue is lost."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class Site:
    """What the workers share with the test: the database, a broker, storage and mail."""

    redis: RedisServer
    media: Path
    mail: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.media),
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(self.mail),
            "CERTIFICATE_LEASE_SECONDS": "3",
            "CERTIFICATE_RESEND_AFTER_SECONDS": "2",
            "CERTIFICATE_EMAIL_RETRY_SECONDS": "1",
            **extra,
        }

    def start_worker(
        self, *, answers: bool = True, pool: str = "solo", **extra_env: str
    ) -> subprocess.Popen[bytes]:
        """A worker process; waits for it to answer a ping unless told it will be busy at once
        (a solo worker stalled inside a task answers nothing)."""
        name = f"faults-{uuid.uuid4().hex[:8]}@localhost"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.worker_main",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--hostname",
                name,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=self.env(**extra_env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(process)
        if not answers:
            return process
        wait_until(
            lambda: celery_app.control.ping(destination=[name], timeout=0.5),
            timeout=60,
            what=f"worker {name}",
        )
        return process

    def pdfs(self) -> list[str]:
        folder = self.media / "certificates"
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def emails(self) -> list[str]:
        """Subjects of every message sent, one per message even if a file holds several."""
        return [
            line
            for path in self.mail.glob("*")
            for line in path.read_text(errors="replace").splitlines()
            if line.startswith("Subject: ")
        ]

    def message_ids(self) -> list[str]:
        """The Message-ID of every message sent, a copy sent twice counted twice."""
        return [
            line.removeprefix("Message-ID: ")
            for path in self.mail.glob("*")
            for line in path.read_text(errors="replace").splitlines()
            if line.startswith("Message-ID: ")
        ]

    def sweep_until_done(self, expected: int, *, timeout: float) -> None:
        """What beat does every minute, faster: send the sweep until every certificate is out."""

        last_sweep = [0.0]

        def done() -> bool:
            issued = Certificate.objects.filter(
                status=Status.ISSUED, emailed_at__isnull=False
            ).count()
            if issued >= expected:
                return True
            if time.monotonic() - last_sweep[0] > 2:
                last_sweep[0] = time.monotonic()
                with contextlib.suppress(Exception):  # the broker may still be coming back
                    sweep_certificates.apply_async(expires=10)
            return False

        wait_until(done, timeout=timeout, what=f"{expected} issued certificates")


@pytest.fixture
def site(redis_url, require_postgres, celery_conf, tmp_path) -> Iterator[Site]:
    redis = RedisServer(port=free_port(), directory=tmp_path)
    redis.start()
    celery_conf(
        task_always_eager=False,
        broker_url=redis.url,
        task_default_queue="academy",
        broker_connection_retry_on_startup=True,
    )
    result = Site(redis=redis, media=tmp_path / "media", mail=tmp_path / "mail")
    result.mail.mkdir()
    yield result
    for worker in result.workers:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    redis.kill()


def one_lesson_course() -> Course:
    return course_with_lessons(1, title="Breathing and body awareness")


def learners(course: Course, n: int) -> list:
    people = UserFactory.create_batch(n)
    for person in people:
        enroll(practitioner=person, course=course)
    return people


def assert_exactly_once(site: Site, n: int, *, send_window_kills: int = 0) -> None:
    """N certificates, N PDFs, N distinct e-mails by Message-ID, each sent attempt in history.
    Only a kill inside the send window may add a copy, one per kill, under the same Message-ID."""
    certificates = list(Certificate.objects.all())
    assert len(certificates) == n
    assert {c.status for c in certificates} == {Status.ISSUED}
    assert len({c.code for c in certificates}) == n
    assert site.pdfs() == sorted(f"{c.code}.pdf" for c in certificates)
    assert Enrollment.objects.filter(completed_at__isnull=False).count() == n
    assert all(c.emailed_at is not None for c in certificates)

    emails = list(CertificateEmail.objects.select_related("certificate"))
    assert {e.status for e in emails} == {CertificateEmail.Status.SENT}
    assert sorted(e.certificate.code for e in emails) == sorted(c.code for c in certificates)
    sent = site.message_ids()
    assert sorted(set(sent)) == sorted(e.message_id for e in emails)
    assert n <= len(sent) <= n + send_window_kills
    assert len(site.emails()) == len(sent)
    for email in emails:
        history = CertificateEvent.objects.filter(certificate=email.certificate)
        attempts = history.filter(kind=CertificateEvent.Kind.EMAIL_SENDING).count()
        assert attempts == email.tries
        # Every copy that reached the mail folder was an attempt the history shows.
        assert sent.count(email.message_id) <= attempts
        assert history.filter(kind=CertificateEvent.Kind.EMAILED).count() >= 1


def kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)


def in_the_send_window(site: Site) -> bool:
    """A message is in the mail folder and its row still says `sending`: the worker is between
    the mail server's answer and the record of it."""
    return bool(site.message_ids()) and (
        CertificateEmail.objects.filter(status=CertificateEmail.Status.SENDING).exists()
    )


def test_completions_on_a_real_worker_issue_each_certificate_once(site):
    site.start_worker()
    course = one_lesson_course()
    lesson = course.lessons.get()

    for person in learners(course, 5):
        complete_lesson(practitioner=person, lesson=lesson)

    wait_until(
        lambda: (
            Certificate.objects.filter(status=Status.ISSUED, emailed_at__isnull=False).count() == 5
        ),
        timeout=60,
        what="five certificates",
    )
    assert_exactly_once(site, 5)


def test_a_broker_refusing_connections_at_commit_leaves_the_row_pending_and_the_sweep_issues_it(
    site, client, celery_conf
):
    course = one_lesson_course()
    lesson = course.lessons.get()
    (person,) = learners(course, 1)
    client.force_login(person)
    site.redis.kill()

    started = time.monotonic()
    response = client.post(reverse("courses:lesson", args=[course.slug, lesson.slug]))
    elapsed = time.monotonic() - started

    assert response.status_code in (200, 302)
    assert elapsed < 10, "a dead broker must fail fast, not hang the request"
    certificate = Certificate.objects.get()
    assert certificate.status == Status.PENDING

    site.redis.start()
    celery_conf(broker_url=site.redis.url)
    site.start_worker()
    site.sweep_until_done(1, timeout=60)
    assert_exactly_once(site, 1)


def test_a_worker_killed_mid_render_and_restarted_issues_exactly_once(site):
    doomed = site.start_worker(FAULT_RENDER_DELAY="30")
    course = one_lesson_course()
    (person,) = learners(course, 1)

    complete_lesson(practitioner=person, lesson=course.lessons.get())
    wait_until(
        lambda: Certificate.objects.filter(status=Status.RENDERING).exists(),
        timeout=30,
        what="the worker to claim the certificate",
    )
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert site.pdfs() == []

    site.start_worker()
    site.sweep_until_done(1, timeout=60)

    assert_exactly_once(site, 1)
    assert Certificate.objects.get().tries == 2


def test_a_worker_killed_inside_the_send_window_costs_at_most_a_copy_with_the_same_message_id(
    site,
):
    """The issue's window: the mail backend has taken the message and the worker dies before
    recording it. The sweep sends it again once the lease runs out; the copy carries the same
    Message-ID, and the history shows both attempts and the one recorded send."""
    doomed = site.start_worker(FAULT_AFTER_SEND_DELAY="60")
    course = one_lesson_course()
    (person,) = learners(course, 1)

    complete_lesson(practitioner=person, lesson=course.lessons.get())
    wait_until(lambda: in_the_send_window(site), timeout=30, what="the worker to send and stall")
    kill(doomed)
    certificate = Certificate.objects.get()
    assert certificate.status == Status.ISSUED
    assert certificate.emailed_at is None

    site.start_worker()
    site.sweep_until_done(1, timeout=60)

    assert_exactly_once(site, 1, send_window_kills=1)
    email = CertificateEmail.objects.get()
    assert site.message_ids() == [email.message_id, email.message_id]
    assert email.message_id == f"<certificate-{certificate.code}-issued@127.0.0.1>"
    assert email.tries == 2
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds == ["requested", "issued", "email_sending", "email_sending", "emailed"]


def test_a_redis_blip_inside_the_send_window_lets_the_send_finish_and_be_recorded(site):
    """Celery could terminate running tasks when the broker connection drops
    (CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS): a prefork child killed after
    the mail server took the message, a second way to send it twice. Off, the task finishes."""
    site.start_worker(pool="prefork", FAULT_AFTER_SEND_DELAY="4")
    course = one_lesson_course()
    (person,) = learners(course, 1)

    complete_lesson(practitioner=person, lesson=course.lessons.get())
    wait_until(lambda: in_the_send_window(site), timeout=30, what="the worker to send and stall")
    site.redis.kill()
    time.sleep(1)
    site.redis.start()
    site.sweep_until_done(1, timeout=60)
    time.sleep(4)  # past the lease: an e-mail whose task was cut short is now sent again
    sweep_certificates.apply_async(expires=10)
    time.sleep(3)

    assert_exactly_once(site, 1)
    email = CertificateEmail.objects.get()
    assert email.tries == 1
    assert len(site.message_ids()) == 1


def test_n_completions_under_worker_kills_and_a_redis_restart_give_n_certificates(site):
    """The summary: a worker killed with SIGKILL mid-render, another killed inside the send
    window, then Redis killed (losing its queue) and restarted while completions keep arriving,
    and every task delivered twice more; nothing is lost, nothing doubled but the one copy the
    send-window kill may cost, and every e-mail is distinct by Message-ID."""
    n = 12
    course = one_lesson_course()
    lesson = course.lessons.get()
    people = learners(course, n)
    first = site.start_worker(FAULT_RENDER_DELAY="0.5")

    for person in people[:4]:
        complete_lesson(practitioner=person, lesson=lesson)
    wait_until(
        lambda: Certificate.objects.filter(status=Status.RENDERING).exists(),
        timeout=30,
        what="a certificate being rendered",
    )
    kill(first)
    # It takes the queued certificates at once and stalls in the first send, answering no ping.
    stalling = site.start_worker(answers=False, FAULT_AFTER_SEND_DELAY="60")
    wait_until(lambda: in_the_send_window(site), timeout=60, what="a worker in the send window")
    kill(stalling)
    site.start_worker(FAULT_RENDER_DELAY="0.2")

    for person in people[4:8]:
        complete_lesson(practitioner=person, lesson=lesson)
    site.redis.kill()
    for person in people[8:10]:
        complete_lesson(practitioner=person, lesson=lesson)  # the broker is down
    site.redis.start()
    for person in people[10:]:
        complete_lesson(practitioner=person, lesson=lesson)
    for _ in range(2):  # duplicate delivery of every message there has been
        for certificate_id in Certificate.objects.values_list("pk", flat=True):
            issue_certificate_task.delay(certificate_id)
        for email_id in CertificateEmail.objects.values_list("pk", flat=True):
            send_certificate_email_task.delay(email_id)

    site.sweep_until_done(n, timeout=120)
    assert_exactly_once(site, n, send_window_kills=1)
