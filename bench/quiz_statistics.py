"""Quiz item statistics: computing them for a big quiz, and serving the page that shows them.

    .venv/bin/python bench/quiz_statistics.py [--attempts 10000] [--retakes 1000] [--runs 5]

Uses PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_statistics,
dropped and created afresh). Builds a 20-question quiz with `--attempts` practitioners' first
submitted attempts plus `--retakes` second attempts (not counted, but filtered out by the query),
all with their responses, by bulk inserts. Then times, as medians of `--runs` runs:

- `compute_quiz_statistics` (read, compute, upsert), beside two floors measured in the same run:
  a bare `count(*)` of the quiz's responses, and a bare read of the columns the computation needs;
- the pure computation alone, on rows already in memory;
- the statistics page through Django's test client, beside a bare view.

The goal is a computation under 1 s. Run by hand; it prints figures and never fails a build.
"""

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this folder would lead the import path and this file would stand in for the
# standard library's `statistics` module wherever a library imports it.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from bench.common import start_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_statistics"
QUESTIONS = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--retakes", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start_django(DEFAULT_DB, plain_static=True)
    from django.db import connection
    from django.test import Client

    from courses.services.statistics import compute_quiz_statistics

    started = time.perf_counter()
    quiz, instructor = build(args.attempts, args.retakes)
    print(
        f"data: {QUESTIONS} questions, {args.attempts} first attempts + {args.retakes} retakes, "
        f"{(args.attempts + args.retakes) * QUESTIONS} responses "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    from collections import Counter

    from django.db.models import FloatField, TextField
    from django.db.models.functions import Cast

    from courses.lib.item_statistics import count_answers, item_statistics
    from courses.models import Response
    from courses.services.statistics import first_attempts

    needed = Response.objects.filter(attempt__in=first_attempts(quiz), points__isnull=False)

    def count_rows() -> None:
        needed.count()

    def read_rows() -> list[tuple[int, int, float, str]]:
        return list(
            needed.values_list(
                "attempt_id",
                "version_id",
                Cast("points", FloatField()),
                Cast("answer", TextField()),
            )
        )

    def read_totals() -> dict[int, tuple[float, float]]:
        return {
            pk: (p, m)
            for pk, p, m in first_attempts(quiz).values_list(
                "pk", Cast("points", FloatField()), Cast("max_points", FloatField())
            )
        }

    def bare_read() -> None:
        read_rows()
        read_totals()

    def compute() -> None:
        compute_quiz_statistics(quiz=quiz)

    rows, totals = read_rows(), read_totals()
    max_points = dict.fromkeys({row[1] for row in rows}, 1.0)

    def pure() -> None:
        item_statistics(((a, v, p) for a, v, p, _ in rows), max_points, totals)
        given: dict[int, list[tuple[object, int]]] = {v: [] for v in max_points}
        for (v, text), n in Counter((row[1], row[3]) for row in rows).items():
            given[v].append((json.loads(text), n))
        for answers in given.values():
            count_answers("single", answers)

    client = Client()
    client.force_login(instructor)
    page_url = f"/teach/courses/{quiz.lesson.course.slug}/{quiz.lesson.slug}/quiz/statistics/"
    assert client.get(page_url).status_code == 200

    def page() -> None:
        client.get(page_url)

    def bare_view() -> None:
        client.get("/bench/bare/")

    compute()  # warm: first-run costs (imports, plans) are not the steady state
    timings = {
        "count": timed(count_rows, args.runs),
        "read": timed(bare_read, args.runs),
        "compute": timed(compute, args.runs),
        "pure": timed(pure, args.runs),
        "bare view": timed(bare_view, 50),
        "page": timed(page, 50),
    }
    floor = timings["read"]
    print(f"{'':<46}{'median ms':>10}{'/ read':>8}")
    for label, key in [
        ("SELECT count(*) of the responses (floor)", "count"),
        ("bare read of the rows it needs (floor)", "read"),
        ("compute_quiz_statistics (read+compute+upsert)", "compute"),
        ("  of which pure computation, in memory", "pure"),
    ]:
        print(f"{label:<46}{timings[key]:>10.1f}{timings[key] / floor:>8.2f}")
    print(f"{'bare view (floor)':<46}{timings['bare view']:>10.2f}")
    ratio = timings["page"] / timings["bare view"]
    print(f"{'statistics page, 20 versions':<46}{timings['page']:>10.2f}{ratio:>8.1f} / bare")
    verdict = "ok" if timings["compute"] < 1000 else "OVER"
    print(f"compute_quiz_statistics: {timings['compute']:.0f} ms (goal under 1 s): {verdict}")


def timed(call: Callable[[], None], runs: int) -> float:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    out.sort()
    middle = len(out) // 2
    return out[middle] if len(out) % 2 else (out[middle - 1] + out[middle]) / 2


def build(attempts: int, retakes: int) -> tuple[object, object]:
    """The quiz, its attempts and responses by bulk inserts; graded as the service would."""
    from django.utils import timezone

    from academy.models import User
    from courses.models import Attempt, Choice, Response
    from courses.services.attempts import current_versions
    from tests.factories import UserFactory, course_with_lessons, quiz_for, teach

    rng = random.Random(20250101)
    course = course_with_lessons(1, slug="bench-statistics")
    quiz = quiz_for(course.lessons.get(), questions=QUESTIONS, pass_mark=70)
    instructor = UserFactory.create(is_instructor=True)
    teach(course, instructor)
    versions = [v.pk for v in current_versions(quiz)]
    options: dict[int, list[tuple[int, bool]]] = {}
    for choice in Choice.objects.filter(version_id__in=versions).order_by("position"):
        options.setdefault(choice.version_id, []).append((choice.pk, choice.fraction == 1))
    difficulty = {v: rng.uniform(-1.5, 1.5) for v in versions}
    # One question with its key on a distractor, as the page should flag.
    miskeyed = versions[-1]

    people = User.objects.bulk_create(
        (
            User(email=f"p{i}@bench.example", full_name=f"P {i}", password="!")
            for i in range(attempts)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    max_points = Decimal(QUESTIONS)
    attempt_rows: list[Attempt] = []
    answers: list[list[tuple[int, int, bool]]] = []
    sittings = [(p, 1) for p in people] + [(p, 2) for p in rng.sample(people, retakes)]
    for person, number in sittings:
        ability = rng.gauss(0, 1) + (0.5 if number == 2 else 0)
        picked = []
        for v in versions:
            right_p = 1 / (1 + pow(2.718281828, -1.7 * (ability - difficulty[v])))
            knows = rng.random() < right_p
            if v == miskeyed:
                knows = not knows
            right = [c for c, ok in options[v] if ok]
            wrong = [c for c, ok in options[v] if not ok]
            choice_id = right[0] if knows else rng.choice(wrong)
            picked.append((v, choice_id, choice_id in right))
        earned = Decimal(sum(ok for _v, _c, ok in picked))
        score = earned * 100 / max_points
        attempt_rows.append(
            Attempt(
                practitioner=person,
                quiz=quiz,
                number=number,
                started_at=now - timedelta(days=3 - number, minutes=30),
                submitted_at=now - timedelta(days=3 - number),
                layout=[{"version": v, "choices": [c for c, _ok in options[v]]} for v in versions],
                points=earned,
                max_points=max_points,
                score=score,
                passed=score >= quiz.pass_mark,  # type: ignore[attr-defined]
            )
        )
        answers.append(picked)
    created = Attempt.objects.bulk_create(attempt_rows, batch_size=2000)
    Response.objects.bulk_create(
        (
            Response(
                attempt=attempt,
                version_id=v,
                answer=[c],
                points=Decimal(1 if ok else 0),
                correct=ok,
            )
            for attempt, picked in zip(created, answers, strict=True)
            for v, c, ok in picked
        ),
        batch_size=5000,
    )
    return quiz, instructor


if __name__ == "__main__":
    main()
