"""Quiz grading throughput, as a ratio of a bare Django view measured in the same run.

    .venv/bin/python bench/quizzes.py [--attempts 200]

Uses PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_quizzes,
dropped and created afresh). Through Django's test client in one process (so both sides pay the same
client overhead), it times: a bare view; the submit of a 20-question attempt (save the posted
answers, grade, record the result); and the grading service alone on a 50-question attempt.
Prints per-request milliseconds, throughput and ratios. Run by hand; it never fails a build.
"""

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import start_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_quizzes"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200)
    args = parser.parse_args()
    # Tasks a submit sends (item statistics) run on a worker in production, not inside the
    # request; here they go to the in-memory broker and stay out of the timings.
    start_django(DEFAULT_DB, queue_tasks=True)
    from django.test import Client
    from django.urls import reverse

    from courses.models import Attempt, Choice
    from courses.services.attempts import save_answers, start_attempt, submit_attempt
    from courses.services.enrollment import enroll
    from tests.factories import UserFactory, course_with_lessons, quiz_for

    def attempt_for(size: int, user: object) -> tuple[Attempt, dict[int, int]]:
        course = course_with_lessons(1, slug=f"bench-{size}-{time.monotonic_ns()}")
        quiz = quiz_for(course.lessons.get(), questions=size, pass_mark=100)
        enroll(practitioner=user, course=course)  # type: ignore[arg-type]
        attempt = start_attempt(practitioner=user, quiz=quiz)  # type: ignore[arg-type]
        right = {
            int(item["version"]): Choice.objects.get(
                version_id=item["version"], text__startswith="right"
            ).pk
            for item in attempt.layout
        }
        return attempt, right

    def place(attempt: Attempt, version: int, choice: int) -> int:
        """The page names options by their place in the attempt's frozen order."""
        item = next(i for i in attempt.layout if int(i["version"]) == version)
        return [int(c) for c in item["choices"]].index(choice)

    client = Client()
    user = UserFactory.create()
    client.force_login(user)
    prepared = [attempt_for(20, user) for _ in range(args.attempts)]
    big_right = [attempt_for(50, user) for _ in range(20)]
    big_wrong = [attempt_for(50, user) for _ in range(20)]
    for attempt, right in big_right:
        save_answers(attempt=attempt, answers={v: [c] for v, c in right.items()})
    for attempt, right in big_wrong:
        save_answers(attempt=attempt, answers={v: [] for v in right})
    # Planner statistics, as a database in service has them: without them the plans of the
    # fresh tables change when autovacuum first analyzes them, in the middle of a run.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def timed(calls: list) -> list[float]:  # type: ignore[type-arg]
        out = []
        for call in calls:
            started = time.perf_counter()
            call()
            out.append((time.perf_counter() - started) * 1000)
        return out

    # Served, the site freezes what it loaded at start-up (academy/wsgi.py), so a full pass of
    # the garbage collector scans only what requests made since; do the same with what this
    # process loaded and prepared, or one submit in twenty pays a 55-60 ms pass over it.
    gc.collect()
    gc.freeze()
    bare = timed([lambda: client.get("/bench/bare/")] * args.attempts)
    submits = timed(
        [
            (
                lambda a=a, r=r: client.post(
                    reverse("courses:attempt_submit", args=[a.pk]),
                    {"v": list(r), **{f"q{v}": place(a, v, c) for v, c in r.items()}},
                )
            )
            for a, r in prepared
        ]
    )
    assert all(Attempt.objects.get(pk=a.pk).passed for a, _ in prepared)

    grading = timed([(lambda a=a: submit_attempt(attempt=a)) for a, _ in big_right])
    # The same, answered all wrong: graded and stored, but no lesson or course to complete.
    grading_only = timed([(lambda a=a: submit_attempt(attempt=a)) for a, _ in big_wrong])

    def line(label: str, ms: list[float], floor: float) -> str:
        p50 = statistics.median(ms)
        p95 = statistics.quantiles(ms, n=20)[18]
        ratio = statistics.median(bare) / p50
        return f"{label:<34}{p50:>8.2f}{p95:>8.2f}{1000 / p50:>9.0f}{ratio:>8.2f}"

    print(f"{'':<34}{'p50 ms':>8}{'p95 ms':>8}{'per s':>9}{'ratio':>8}")
    print(line("bare view (floor)", bare, 0))
    print(line("submit + grade, 20 questions", submits, 0))
    print(line("submit_attempt, 50 q., passing", grading, 0))
    print(line("submit_attempt, 50 q., failing", grading_only, 0))
    worst = max(grading_only)
    print(
        f"grading 50 questions: max {worst:.1f} ms (budget 20 ms): {'ok' if worst < 20 else 'OVER'}"
        f"; a passing submit also completes the lesson and course and requests the certificate"
        f" (p50 {statistics.median(grading):.1f} ms)"
    )


if __name__ == "__main__":
    main()
