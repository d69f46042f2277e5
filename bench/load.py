"""A realistic, bounded load test on loopback: practitioners, instructors and the public at once.

    .venv/bin/python bench/load.py [--seconds 60] [--users 40] [--spawn-rate 10]

1. Drops and creates a fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/bench_load), migrates, loads the demo (seed_demo, with
   DJANGO_DEBUG=true for that command only), and adds --practitioners (300) practitioners with a
   known password and a verified e-mail address, enrolled on the demo courses; --graduates (60) of
   them already finished the fascia course through the real services (quizzes passed, certificate
   issued), so the public has codes to verify. Settings: bench/load_settings.py (the site's, with
   a fast password hasher and X-Forwarded-For trusted from one proxy, see there).
2. Serves it with gunicorn (the Dockerfile's flags, but 2 workers) and one Celery worker
   (concurrency 2, no beat) on Redis database 12 (BENCH_REDIS_URL, default
   redis://127.0.0.1:6379/12, flushed), with DJANGO_DEBUG=false and DJANGO_HTTPS=false, and a
   temporary folder for media, mail, static files and the signing key.
3. Runs locust headless for --seconds against http://127.0.0.1:<port> only, with the user classes
   of bench/load_users.py (practitioners 8 : public 3 : instructors 1). Locust is not a project
   dependency: it is installed into its own virtualenv, var/loadenv, which this script creates
   (python -m venv, pip install locust) when it is missing.
4. Prints requests, throughput and p50/p95/p99 per endpoint, the errors (a deliberate 4xx is not
   one), what the simulated people did, and the errors the site and the worker logged; then waits
   (at most --drain seconds) for the Celery queue to drain, and checks in the database that every
   enrollment completed during the run has exactly one certificate, issued (and that no enrollment
   has two current certificates).
5. Stops locust, gunicorn and the worker (each in its own process group) however it ends.

Run by hand; it never fails a build. Takes about two minutes with the defaults.
"""

import argparse
import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    celery_worker,
    free_port,
    fresh_database,
    gunicorn,
    wait_for_http,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
LOADENV = ROOT / "var" / "loadenv"
QUEUE = "bench-load"
PASSWORD = "bench-load-pass"  # a throwaway database on loopback
# As the Dockerfile's CMD, with 2 workers instead of 3. The keep-alive matters: with gunicorn's
# default of 2 s, a simulated person thinking longer than that now and then reuses a connection
# just as the server closes it, and gets a reset (a browser would silently retry the request).
GUNICORN_FLAGS = [
    "--worker-class=gthread",
    "--threads=4",
    "--timeout=30",
    "--graceful-timeout=30",
    "--keep-alive=5",
    "--max-requests=1000",
    "--max-requests-jitter=100",
]
FASCIA, STRETCHING, TEACHING = (
    "fascia-essentials",
    "stretching-glutes-hips-back",
    "teaching-self-management",
)


def ensure_loadenv() -> Path:
    """var/loadenv/bin/locust, installing it into its own virtualenv the first time."""
    locust = LOADENV / "bin" / "locust"
    if not locust.exists():
        print(f"installing locust into {LOADENV} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LOADENV)], check=True)
        subprocess.run([str(LOADENV / "bin" / "pip"), "install", "--quiet", "locust"], check=True)
    return locust


# --- data ------------------------------------------------------------------------------------


def right_answers(attempt: Any) -> dict[int, Any]:
    """The right answer to every question of an attempt, in the form save_answers takes."""
    from courses.models import Choice, QuestionVersion

    kinds = dict(
        QuestionVersion.objects.filter(pk__in=attempt.version_ids).values_list("pk", "kind")
    )
    answers: dict[int, Any] = {}
    for item in attempt.layout:
        vid = int(item["version"])
        choices = list(Choice.objects.filter(version_id=vid))
        kind = kinds[vid]
        if kind == QuestionVersion.Kind.MATCHING:
            answers[vid] = {str(p): int(p) for p in item.get("prompts", [])}
        elif kind == QuestionVersion.Kind.MULTIPLE:
            answers[vid] = [c.pk for c in choices if c.fraction > 0]
        elif kind in (QuestionVersion.Kind.SINGLE, QuestionVersion.Kind.TRUE_FALSE):
            answers[vid] = [max(choices, key=lambda c: c.fraction).pk]
        elif kind == QuestionVersion.Kind.SHORT_ANSWER:
            answers[vid] = [max(choices, key=lambda c: c.fraction).text]
        elif kind == QuestionVersion.Kind.NUMERICAL:
            best = max(choices, key=lambda c: c.fraction)
            answers[vid] = [f"{best.numeric_value.normalize():f}"]
    return answers


def answer_key() -> dict[str, dict[str, Any]]:
    """For the simulated practitioners: each question version's right answers by their text
    (the page names options by place, so the text is how a person recognises them)."""
    from courses.models import Choice, QuestionVersion

    key: dict[str, dict[str, Any]] = {}
    for version in QuestionVersion.objects.prefetch_related("choices"):
        choices: list[Choice] = list(version.choices.all())
        entry: dict[str, Any] = {"kind": version.kind}
        if version.kind == QuestionVersion.Kind.MATCHING:
            entry["pairs"] = {c.match_prompt: c.text for c in choices if c.match_prompt}
        elif version.kind == QuestionVersion.Kind.MULTIPLE:
            entry["right"] = [c.text for c in choices if c.fraction > 0]
        elif version.kind == QuestionVersion.Kind.NUMERICAL:
            best = max(choices, key=lambda c: c.fraction)
            entry["right"] = [f"{best.numeric_value.normalize():f}"]
        elif choices:
            entry["right"] = [max(choices, key=lambda c: c.fraction).text]
        key[str(version.pk)] = entry
    return key


def finish_course(user: Any, course: Any) -> None:
    """Through the real services: every lesson in order, each quiz passed on its first try."""
    from courses.models import Lesson
    from courses.services.attempts import save_answers, start_attempt, submit_attempt
    from courses.services.enrollment import enroll
    from courses.services.progress import complete_lesson

    enroll(practitioner=user, course=course)
    for lesson in Lesson.objects.published().filter(course=course).select_related("course"):
        quiz = getattr(lesson, "quiz", None)
        if quiz is None:
            complete_lesson(practitioner=user, lesson=lesson)
        else:
            attempt = start_attempt(practitioner=user, quiz=quiz)
            save_answers(attempt=attempt, answers=right_answers(attempt))
            submit_attempt(attempt=attempt)


def seed(*, practitioners: int, graduates: int) -> dict[str, Any]:
    """Practitioners and their progress (the demo is already loaded); returns the plan that the
    locust users read. Tasks run in this process (no REDIS_URL here), so certificates of the
    graduates are issued before the load starts."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from academy.management.commands.seed_demo import DEMO_ACCOUNTS
    from academy.models import User
    from courses.models import Certificate, Course, Lesson, Quiz
    from courses.services.enrollment import enroll
    from courses.services.progress import complete_lesson

    courses = {c.slug: c for c in Course.objects.all()}
    hashed = make_password(PASSWORD)
    people = User.objects.bulk_create(
        User(email=f"p{i:03d}@load.example", full_name=f"Practitioner {i:03d}", password=hashed)
        for i in range(practitioners)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people
    )
    fascia_lessons = list(Lesson.objects.published().filter(course=courses[FASCIA]))
    plan_people = []
    for i, person in enumerate(people):
        if i < graduates:
            finish_course(person, courses[FASCIA])
            if i < graduates // 3:
                finish_course(person, courses[TEACHING])
                todo = [STRETCHING]
            else:
                enroll(practitioner=person, course=courses[TEACHING])
                todo = [STRETCHING, TEACHING]
        else:
            enroll(practitioner=person, course=courses[FASCIA])
            enroll(practitioner=person, course=courses[TEACHING])
            for lesson in fascia_lessons[: i % 3]:  # the first lessons have no quiz
                if not hasattr(lesson, "quiz"):
                    complete_lesson(practitioner=person, lesson=lesson)
            todo = [FASCIA, STRETCHING, TEACHING]
        plan_people.append({"email": person.email, "courses": todo})
    random.Random(1).shuffle(plan_people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    instructor = next(a for a in DEMO_ACCOUNTS if a["email"] == "instructor@example.com")
    return {
        "password": PASSWORD,
        "practitioners": plan_people,
        "instructor": {"email": instructor["email"], "password": instructor["password"]},
        "codes": list(
            Certificate.objects.filter(status=Certificate.Status.ISSUED).values_list(
                "code", flat=True
            )
        ),
        "taught": sorted(courses),
        "published": sorted(c.slug for c in courses.values() if c.is_published),
        "lessons": {
            slug: list(
                Lesson.objects.published().filter(course=course).values_list("slug", flat=True)
            )
            for slug, course in courses.items()
        },
        "quizzes": [
            [q.lesson.course.slug, q.lesson.slug]
            for q in Quiz.objects.select_related("lesson__course")
        ],
        "answers": answer_key(),
    }


# --- processes -------------------------------------------------------------------------------


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A child in its own process group (so it, and whatever it forks, can be stopped whole),
    writing to its own log."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes] | None, grace: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def wait_for_worker(redis_url: str, hostname: str, process: subprocess.Popen[bytes]) -> None:
    from celery import Celery

    app = Celery("bench-load-ping", broker=redis_url)
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[hostname], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")


# --- report ----------------------------------------------------------------------------------


def report_locust(prefix: Path, notes_file: Path) -> int:
    """Print the per-endpoint table and the failures; returns the number of errors."""
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"\n{'endpoint':<58}{'reqs':>7}{'err':>5}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    for r in sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"]):
        name = f"{r['Type']} {r['Name']}"
        print(
            f"{name:<58}{r['Request Count']:>7}{r['Failure Count']:>5}"
            f"{r['50%']:>7}{r['95%']:>7}{r['99%']:>7}"
        )
    errors = int(total["Failure Count"])
    print(
        f"{'all':<58}{total['Request Count']:>7}{errors:>5}"
        f"{total['50%']:>7}{total['95%']:>7}{total['99%']:>7}"
    )
    print(
        f"\ntotal requests {total['Request Count']}, throughput "
        f"{float(total['Requests/s']):.1f} req/s, errors {errors}"
    )
    failures = list(csv.DictReader((prefix.parent / f"{prefix.name}_failures.csv").open()))
    for f in failures:
        print(f"  error x{f['Occurrences']}: {f['Method']} {f['Name']}: {f['Error']}")
    exceptions = prefix.parent / f"{prefix.name}_exceptions.csv"
    if exceptions.exists():
        for e in csv.DictReader(exceptions.open()):
            print(f"  exception in the load script x{e['Count']}: {e['Message']}")
            print("    " + e["Traceback"].strip().replace("\n", "\n    "))
    if notes_file.exists():
        notes = json.loads(notes_file.read_text())
        done = ", ".join(f"{k} {v}" for k, v in sorted(notes.items()))
        print(f"what the simulated people did: {done}")
    return errors


RECORD_START = re.compile(r"^(\d{4}-\d\d-\d\d[ T]|\[\d{4}-\d\d-\d\d )")
SERIOUS = re.compile(r"\b(ERROR|CRITICAL)\b|\[(ERROR|CRITICAL)\]|Traceback")


def report_log(label: str, log: Path) -> int:
    """The error records of a log (each with its traceback), and a count of its warnings."""
    records: list[list[str]] = []
    for line in log.read_text(errors="replace").splitlines():
        if RECORD_START.match(line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    serious = [r for r in records if SERIOUS.search("\n".join(r[:1])) or r[0].startswith("Trace")]
    warnings: dict[str, int] = {}
    for r in records:
        if " WARNING " in r[0]:
            message = re.sub(r"^.*? WARNING ", "", r[0])
            message = re.sub(r"/(verify|certificates)/[^/ ]+", r"/\1/[code]", message)
            message = re.sub(r"\b\d+\b", "N", message)[:110]
            warnings[message] = warnings.get(message, 0) + 1
    print(f"{label}: {len(serious)} error record(s), {sum(warnings.values())} warning(s)")
    for message, count in sorted(warnings.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  warning x{count}: {message}")
    for r in serious[:5]:
        print("  " + "\n  ".join(r[:60]))
    return len(serious)


def drain(redis_url: str, seconds: float) -> tuple[float, int, int, int]:
    """Wait until no certificate is pending or being rendered and the queue is empty; returns
    (seconds waited, certificates unfinished, messages queued, messages unacknowledged)."""
    import redis

    from courses.models import Certificate

    broker = redis.Redis.from_url(redis_url)
    unfinished = Certificate.objects.filter(
        status__in=[Certificate.Status.PENDING, Certificate.Status.RENDERING]
    )
    started = time.monotonic()
    time.sleep(1)  # requests cut off at the stop commit, and send their tasks, just after
    while True:
        state = (unfinished.count(), int(broker.llen(QUEUE)), int(broker.hlen("unacked")))
        waited = time.monotonic() - started
        if state == (0, 0, 0) or waited > seconds:
            return (waited, *state)
        time.sleep(0.5)


def check_certificates(since: Any) -> bool:
    from django.db.models import Count, Q

    from courses.models import Certificate, Enrollment

    completed = Enrollment.objects.filter(completed_at__gte=since).annotate(
        all_certificates=Count("certificates"),
        issued=Count("certificates", filter=Q(certificates__status=Certificate.Status.ISSUED)),
        emailed=Count("certificates", filter=Q(certificates__emailed_at__isnull=False)),
    )
    rows = list(completed.values("pk", "all_certificates", "issued", "emailed"))
    wrong = [r for r in rows if r["all_certificates"] != 1 or r["issued"] != 1]
    doubles = (
        Enrollment.objects.annotate(
            current=Count("certificates", filter=Q(certificates__status__in=Certificate.CURRENT))
        )
        .filter(current__gt=1)
        .count()
    )
    missing = (
        Enrollment.objects.filter(completed_at__isnull=False)
        .annotate(n=Count("certificates"))
        .filter(n=0)
        .count()
    )
    by_status = dict(
        Certificate.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    ok = not wrong and not doubles and not missing
    print(
        f"\nCERTIFICATE CHECK: {'PASS' if ok else 'FAIL'}: {len(rows)} enrollment(s) completed "
        f"during the run; {len(rows) - len(wrong)} with exactly one certificate, issued; "
        f"{sum(1 for r in rows if r['emailed'] == 1)} e-mailed; {len(wrong)} wrong; "
        f"{doubles} enrollment(s) with two current certificates; {missing} completed "
        f"enrollment(s) without any certificate. All certificates by status: {by_status}"
    )
    for r in wrong[:20]:
        detail = Certificate.objects.filter(enrollment_id=r["pk"]).values_list(
            "code", "status", "tries", "last_error"
        )
        print(f"  enrollment {r['pk']}: {list(detail)}")
    return ok


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the load")
    parser.add_argument("--users", type=int, default=40, help="simulated people at once")
    parser.add_argument("--spawn-rate", type=float, default=10, help="people started per second")
    parser.add_argument("--practitioners", type=int, default=300)
    parser.add_argument("--graduates", type=int, default=60)
    parser.add_argument("--drain", type=float, default=120, help="max seconds to wait for Celery")
    args = parser.parse_args()

    def terminated(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # Explicitly, also for SIGINT: a shell starts a background job with SIGINT ignored.
    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGINT, terminated)
    locust = ensure_loadenv()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": "bench-load-only-secret-key-" + "x" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": QUEUE,
        "VERIFY_RATE_PER_MINUTE": "100000",
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(work / "mail"),
        "CREDENTIAL_SIGNING_KEY_FILE": str(work / "signing-key.pem"),
        "BENCH_STATIC_ROOT": str(work / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CREDENTIAL_SIGNING_KEY", None)
    # This process prepares the data and checks it afterwards: tasks in-process, no Redis.
    local = {k: v for k, v in env.items() if k != "REDIS_URL"}
    print(f"work folder {work}; database {database_url}; redis {redis_url}", flush=True)

    processes: list[subprocess.Popen[bytes]] = []
    try:
        t0 = time.monotonic()
        fresh_database(database_url)
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=local, check=True)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=local, check=True
        )
        seeded = subprocess.run(
            [*manage, "seed_demo"],
            cwd=ROOT,
            env={**local, "DJANGO_DEBUG": "true"},
            check=True,
            capture_output=True,
            text=True,
        )
        os.environ.clear()
        os.environ.update(local)
        import django

        django.setup()
        import logging

        from django.utils import timezone

        logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # in-process tasks

        plan = seed(practitioners=args.practitioners, graduates=args.graduates)
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        print(
            f"prepared in {time.monotonic() - t0:.0f} s: demo ({seeded.stdout.count('course:')} "
            f"courses), {args.practitioners} practitioners ({args.graduates} graduates, "
            f"{len(plan['codes'])} certificates issued), {len(plan['answers'])} question versions",
            flush=True,
        )

        worker_name = "load@localhost"
        worker = start(
            celery_worker(sys.executable, concurrency=2, hostname=worker_name),
            env,
            work / "worker.log",
        )
        processes.append(worker)
        server = start(
            gunicorn(sys.executable, port=port, workers=2, flags=GUNICORN_FLAGS),
            env,
            work / "gunicorn.log",
        )
        processes.append(server)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/", server)
        wait_for_worker(redis_url, worker_name, worker)

        prefix = work / "locust"
        notes = work / "notes.json"
        started_at = timezone.now()
        print(
            f"load: {args.users} users (spawn {args.spawn_rate:g}/s) for {args.seconds} s on {base}"
            f"; gunicorn 2 workers {' '.join(GUNICORN_FLAGS)}; 1 Celery worker, concurrency 2",
            flush=True,
        )
        runner = start(
            [
                str(locust),
                "-f",
                str(ROOT / "bench" / "load_users.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
                "--exit-code-on-error",
                "0",
            ],
            {**os.environ, "LOAD_PLAN": str(plan_file), "LOAD_NOTES": str(notes)},
            work / "locust.log",
        )
        processes.append(runner)
        try:
            runner.wait(timeout=args.seconds + 90)
        except subprocess.TimeoutExpired:
            print("locust overran its time: stopped")
        stop(runner)
        if runner.returncode not in (0, -signal.SIGTERM):
            print((work / "locust.log").read_text()[-3000:])
        errors = report_locust(prefix, notes)

        waited, unfinished, queued, unacked = drain(redis_url, args.drain)
        print(
            f"\nCelery drain: {waited:.1f} s; {unfinished} certificate(s) still pending or "
            f"rendering, {queued} message(s) queued, {unacked} unacknowledged"
            + ("" if (unfinished, queued, unacked) == (0, 0, 0) else " (gave up waiting)")
        )
        ok = check_certificates(started_at)
        stop(server)
        stop(worker)
        print()
        logged = report_log("gunicorn log", work / "gunicorn.log")
        logged += report_log("worker log", work / "worker.log")
        print(
            f"\nsummary: {errors} request error(s), {logged} error record(s) logged, "
            f"certificate check {'PASS' if ok else 'FAIL'}; logs and CSVs in {work}"
        )
    except KeyboardInterrupt:
        print("\ninterrupted: stopping locust, gunicorn and the worker", flush=True)
        raise SystemExit(130) from None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in reversed(processes):
            stop(process)


if __name__ == "__main__":
    main()
