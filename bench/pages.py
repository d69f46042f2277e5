"""Page throughput under gunicorn on loopback, as a ratio of a bare Django view served the same way.

    .venv/bin/python bench/pages.py [--seconds 5] [--connections 8] [--rounds 3] [--redis URL]

Fills a PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
bench_pages, created if missing) with 30 courses, 600 lessons and 2,000 practitioners, serves the
site with gunicorn (2 workers with --redis; without it 1, as gunicorn.conf.py refuses more
without a shared cache) using bench.settings (the site plus /bench/bare/), measures every
page with wrk in the same run as the bare view, and prints requests/s, p50/p99 latency and the
ratio to that floor. Run by hand; it never fails a build. Needs wrk (apt-get install wrk).
"""

import argparse
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    django_environment,
    existing_database,
    free_port,
    gunicorn,
    logged_in_session,
    wait_for_http,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_pages"
COURSES, LESSONS_PER_COURSE, PRACTITIONERS = 30, 20, 2000


def fill() -> tuple[str, str, str]:
    """Realistic data, once; returns (the cookies of a logged-in practitioner's browser, a course
    slug, one of its lesson slugs)."""
    import django

    django.setup()
    from django.utils.crypto import get_random_string

    from academy.models import User
    from courses.models import (
        Course,
        CourseInstructor,
        Enrollment,
        Lesson,
        LessonCompletion,
        Module,
        Topic,
    )

    if not Course.objects.exists():
        topics = [Topic.objects.create(slug=f"topic-{i}", name=f"Topic {i}") for i in range(4)]
        instructors = User.objects.bulk_create(
            User(
                email=f"instructor{i}@bench.example",
                full_name=f"Instructor {i}",
                is_instructor=True,
            )
            for i in range(10)
        )
        courses = Course.objects.bulk_create(
            Course(
                slug=f"course-{i}",
                title=f"Course {i} on fascia and stretching",
                summary="A practical course for massage therapists.",
                description="## About\n\nText.",
                description_html="<h2>About</h2><p>Text.</p>",
                topic=topics[i % 4],
                ce_hours=2,
                status="published",
                order_required=True,
            )
            for i in range(COURSES)
        )
        CourseInstructor.objects.bulk_create(
            CourseInstructor(course=c, instructor=instructors[i % 10], role="owner")
            for i, c in enumerate(courses)
        )
        modules = Module.objects.bulk_create(
            Module(course=c, position=m, title=f"Module {m + 1}") for c in courses for m in range(4)
        )
        body = "\n\n".join(["Fascia wraps every **fibre**, and grows as it wears."] * 12)
        from courses.lib.text import render_markdown

        html = render_markdown(body)
        Lesson.objects.bulk_create(
            Lesson(
                module=m,
                course_id=m.course_id,
                position=m.position * 5 + j,
                title=f"Lesson {m.position * 5 + j + 1}",
                slug=f"lesson-{m.position * 5 + j + 1}",
                body=body,
                body_html=html,
                minutes=12,
            )
            for m in modules
            for j in range(LESSONS_PER_COURSE // 4)
        )
        practitioners = User.objects.bulk_create(
            User(email=f"p{i}@bench.example", full_name=f"Practitioner {i}")
            for i in range(PRACTITIONERS)
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(practitioner=p, course=courses[(i + k) % COURSES])
            for i, p in enumerate(practitioners)
            for k in range(3)
        )
        first_lessons = {
            c.pk: list(Lesson.objects.filter(course=c).order_by("position")[:5]) for c in courses
        }
        LessonCompletion.objects.bulk_create(
            LessonCompletion(enrollment=e, lesson=lesson)
            for e in enrollments
            for lesson in first_lessons[e.course_id][: e.pk % 5]
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.get(email="p0@bench.example")
    session_key = logged_in_session(user, "django.contrib.sessions.backends.db")
    enrollment = Enrollment.objects.filter(practitioner=user).select_related("course").first()
    assert enrollment is not None
    lesson = Lesson.objects.filter(course=enrollment.course).order_by("position").first()
    assert lesson is not None
    # A browser that has logged in also holds the CSRF cookie, so pages only mask its secret.
    csrf_secret = get_random_string(32, string.ascii_letters + string.digits)
    cookies = f"sessionid={session_key}; csrftoken={csrf_secret}"
    return cookies, enrollment.course.slug, lesson.slug


def wrk(url: str, seconds: int, connections: int, cookie: str | None) -> tuple[float, float, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{out}")

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rate, percentile("50"), percentile("99")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="serve with this Redis database as the cache (emptied first), as production does; "
        "by default each worker keeps its own cache in memory",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    existing_database(database_url)
    env = {**os.environ, **django_environment(database_url, ALLOWED_HOSTS="127.0.0.1")}
    env.pop("REDIS_URL", None)
    if args.redis:
        # As in production: cache, sessions and the logged-in user in Redis, shared by the workers.
        env["REDIS_URL"] = args.redis
        subprocess.run(["redis-cli", "-u", args.redis, "FLUSHDB"], check=True, capture_output=True)
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    cookie, course, lesson = fill()

    workers = 2 if args.redis else 1
    port = free_port()
    server = subprocess.Popen(
        gunicorn(sys.executable, port=port, workers=workers),
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    pages: list[tuple[str, str, str | None]] = [
        ("bare view (floor)", "/bench/bare/", None),
        ("bare view, logged in", "/bench/bare-logged-in/", cookie),
        ("site frame, logged in", "/bench/base-template/", cookie),
        ("home", "/", None),
        ("catalog (anonymous)", "/courses/", None),
        ("catalog (logged in)", "/courses/", cookie),
        ("course", f"/courses/{course}/", cookie),
        ("lesson", f"/courses/{course}/{lesson}/", cookie),
        ("my learning", "/learning/", cookie),
        ("login", "/accounts/login/", None),
    ]
    try:
        wait_for_http(base + "/bench/bare/", server, seconds=30)
        # Each round measures the floor and then every page, and each page's ratio is taken to
        # that round's floor: this machine's speed drifts by 10-20 % over minutes, so a single
        # round's ratios move with it. The median round is reported, with the range.
        rounds = []
        for _ in range(args.rounds):
            rounds.append(
                [wrk(base + path, args.seconds, args.connections, c) for _, path, c in pages]
            )
    finally:
        server.terminate()
        server.wait(timeout=20)

    print(
        f"{COURSES} courses, {COURSES * LESSONS_PER_COURSE} lessons, {PRACTITIONERS} practitioners;"
        f" gunicorn {workers} worker(s); wrk -t2 -c{args.connections} -d{args.seconds}s;"
        f" {args.rounds} rounds, the median shown;"
        f" cache: {'Redis' if args.redis else 'in each worker'}"
    )
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}  range of ratios")
    for i, (name, _, _) in enumerate(pages):
        ratios = sorted((measured[i][0] / measured[0][0], measured[i]) for measured in rounds)
        ratio, (rate, p50, p99) = ratios[len(ratios) // 2]
        spread = f"{ratios[0][0]:.2f}-{ratios[-1][0]:.2f}" if len(ratios) > 1 else ""
        print(f"{name:<22}{rate:>9.0f}{p50:>9.2f}{p99:>9.2f}{ratio:>8.2f}  {spread}")


if __name__ == "__main__":
    main()
