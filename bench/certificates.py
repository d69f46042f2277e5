"""The certificate pipeline: render time, worker throughput, backlog drain and latency.

    .venv/bin/python bench/certificates.py [--backlog 1000] [--rate 20] [--seconds 15]

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_certificates,
dropped and created afresh) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, flushed).
Starts real `celery worker` processes. Prints, each beside a floor measured in the same run:

- render: median ms of render_certificate, and of a one-line ReportLab page (the floor);
- throughput: certificates done per second for a backlog with 1 and with 2 worker processes,
  beside a no-op task drained by the same workers. A certificate is done when it is issued AND
  its e-mail sent (`emailed_at` set): two tasks each, `issue_certificate` (claim, render, store,
  sign, mark issued, owe the e-mail) and `send_certificate_email` (claim, send, record); the time
  by which every certificate was issued is shown too;
- latency: completion-to-issued and completion-to-e-mailed p50/p95 at a steady rate of
  completions.

Run by hand; it never fails a build.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import celery_worker, django_environment, fresh_database, setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_certificates"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0, help="completions per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    fresh_database(url)
    work = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    env = django_environment(
        url,
        DJANGO_SETTINGS_MODULE="academy.settings",
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(work / "media"),
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(work / "mail"),
        CREDENTIAL_SIGNING_KEY_FILE=str(work / "key.pem"),
        CELERY_QUEUE="bench-certificates",
    )
    setup_django(url, **env)
    import redis
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    redis.Redis.from_url(redis_url).flushdb()
    call_command("migrate", verbosity=0)

    # --- render --------------------------------------------------------------------------------
    from reportlab.pdfgen.canvas import Canvas

    from academy.models import User
    from academy.tasks import ping
    from courses.lib.pdf import render_certificate
    from courses.models import Certificate, CertificateEmail, CertificateEvent, Enrollment
    from courses.services.certificates import _freeze, issue_certificate_task
    from courses.services.enrollment import enroll
    from courses.services.progress import complete_lesson
    from tests.factories import course_with_lessons

    def floor_page() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        canvas.drawString(72, 720, "Certificate")
        canvas.save()
        return buffer.getvalue()

    course = course_with_lessons(1, title="Fascia essentials", slug="bench-fascia")
    lesson = course.lessons.get()
    person = User.objects.create_user("bench-render@example.org", full_name="Zoë Łęcka")
    enroll(practitioner=person, course=course)
    Enrollment.objects.update(completed_at=timezone.now())
    sample = Certificate.objects.create(enrollment=Enrollment.objects.get())
    snapshot = _freeze(sample, issued_on=timezone.localdate(), accreditation=None)
    render_certificate(snapshot)  # fonts registered once per process
    render_ms = [
        t * 1000 for t in timeit.repeat(lambda: render_certificate(snapshot), number=1, repeat=200)
    ]
    floor_ms = [t * 1000 for t in timeit.repeat(floor_page, number=1, repeat=200)]
    sample.delete()
    Enrollment.objects.all().delete()

    # --- throughput with 1 and 2 workers -------------------------------------------------------
    def start_workers(concurrency: int) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            celery_worker(
                sys.executable, concurrency=concurrency, hostname=f"bench{concurrency}@localhost"
            ),
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from academy.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"bench{concurrency}@localhost"], timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit("worker did not start")
        return process

    def backlog(n: int, tag: str) -> list[int]:
        users = User.objects.bulk_create(
            [
                User(email=f"{tag}-{i}@example.org", full_name=f"Practitioner {tag} {i}")
                for i in range(n)
            ]
        )
        enrollments = Enrollment.objects.bulk_create(
            [Enrollment(practitioner=u, course=course, completed_at=timezone.now()) for u in users]
        )
        certificates = Certificate.objects.bulk_create(
            [Certificate(enrollment=e, course_id=e.course_id) for e in enrollments]
        )
        return [c.pk for c in certificates]

    def drain(ids: list[int]) -> tuple[float, float]:
        """Seconds until every certificate was issued, and until every one was e-mailed too."""
        started = time.perf_counter()
        for certificate_id in ids:
            issue_certificate_task.apply_async(args=[certificate_id])
        # A range, not 1,000 ids: the poll shares the two cores with the workers it times.
        batch = Certificate.objects.filter(pk__gte=min(ids), pk__lte=max(ids))
        issued = batch.filter(status=Certificate.Status.ISSUED)
        done = batch.filter(emailed_at__isnull=False)
        all_issued = None
        while True:
            if all_issued is None and issued.count() == len(ids):
                all_issued = time.perf_counter() - started
            if done.count() == len(ids):
                finished = time.perf_counter() - started
                return (finished if all_issued is None else all_issued), finished
            time.sleep(0.1)

    def drain_noop(n: int) -> float:
        started = time.perf_counter()
        results = [ping.apply_async() for _ in range(n)]
        for result in results:
            result.get(timeout=120)
        return time.perf_counter() - started

    throughput = {}
    for concurrency in (1, 2):
        workers = start_workers(concurrency)
        try:
            noop = drain_noop(args.backlog)
            issued_after, seconds = drain(backlog(args.backlog, f"w{concurrency}"))
        finally:
            workers.terminate()
            workers.wait(timeout=60)
        throughput[concurrency] = (
            seconds,
            issued_after,
            args.backlog / seconds,
            args.backlog / noop,
        )
    files = len(list((work / "media" / "certificates").iterdir()))
    issued = Certificate.objects.filter(status=Certificate.Status.ISSUED).count()
    sent = CertificateEmail.objects.filter(
        kind=CertificateEmail.Kind.ISSUED, status=CertificateEmail.Status.SENT
    ).count()
    sends = CertificateEvent.objects.filter(kind=CertificateEvent.Kind.EMAILED).count()

    # --- latency at a steady rate --------------------------------------------------------------
    n = int(args.rate * args.seconds)
    people = User.objects.bulk_create(
        [User(email=f"steady-{i}@example.org", full_name=f"Steady {i}") for i in range(n)]
    )
    for p in people:
        enroll(practitioner=p, course=course)
    workers = start_workers(2)
    try:
        started = time.perf_counter()
        for i, p in enumerate(people):
            wait = started + i / args.rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            complete_lesson(practitioner=p, lesson=lesson)
        steady = Certificate.objects.filter(enrollment__practitioner__in=people)
        while steady.filter(emailed_at__isnull=False).count() < n:
            time.sleep(0.1)
    finally:
        workers.terminate()
        workers.wait(timeout=60)
    finished = list(steady.select_related("enrollment"))
    latencies = sorted(
        (c.issued_at - c.enrollment.completed_at).total_seconds() * 1000 for c in finished
    )
    mailed = sorted(
        (c.emailed_at - c.enrollment.completed_at).total_seconds() * 1000 for c in finished
    )
    connection.close()

    def q(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))]

    print(
        f"render (median of 200)       {statistics.median(render_ms):7.2f} ms   "
        f"floor (one-line page) {statistics.median(floor_ms):5.2f} ms   "
        f"ratio {statistics.median(render_ms) / statistics.median(floor_ms):5.1f}x"
    )
    for concurrency, (seconds, issued_after, rate, noop_rate) in throughput.items():
        print(
            f"{concurrency} worker process(es): backlog of {args.backlog} issued and e-mailed in "
            f"{seconds:6.1f} s = {rate:6.1f} certificates/s "
            f"(all issued after {issued_after:5.1f} s)   "
            f"(no-op task floor {noop_rate:6.0f}/s, ratio {rate / noop_rate:4.2f})"
        )
    print(
        f"files stored: {files}, certificates issued: {issued}, issue e-mails sent: {sent}, "
        f"sends recorded: {sends} (expected {2 * args.backlog} each)"
    )
    print(
        f"steady {args.rate:.0f} completions/s for {args.seconds:.0f} s, 2 processes: "
        f"completion -> issued p50 {q(latencies, 0.5):6.0f} ms, "
        f"p95 {q(latencies, 0.95):6.0f} ms, max {latencies[-1]:6.0f} ms; "
        f"-> e-mailed p50 {q(mailed, 0.5):6.0f} ms, p95 {q(mailed, 0.95):6.0f} ms, "
        f"max {mailed[-1]:6.0f} ms"
    )


if __name__ == "__main__":
    main()
