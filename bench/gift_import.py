"""How long each request of the GIFT import pages takes with files at the caps.

    .venv/bin/python bench/gift_import.py [--runs 3]

Uses PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_gift,
dropped and created afresh). Through Django's test client, as an instructor, it times the preview
and the import of: a file at every cap (512 KB, 200 questions of 40 answers each), which queues a
task; the largest import done in the request (50 questions of 40 answers); and files that are
refused (512 KB of small questions, one question of 170,000 answers, 512 KB of unclosed "<"). It
times the task's run apart (a worker's work, not a request's), and one poll of the status page.
Prints the slowest of the runs, in milliseconds. Run by hand; it never fails a build.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import start_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_gift"
KB = 1024


def at_the_caps(questions: int, answers: int, size: int) -> str:
    """`questions` questions of `answers` answers each, their prompts padded to `size` bytes."""
    choices = " ".join(f"~%0%wrong answer {a}#not this one" for a in range(answers - 1))
    blocks = [
        f"::Q{q}::Question {q} PAD {{=right answer#yes {choices}}}\n\n" for q in range(questions)
    ]
    pad = (size - len("".join(blocks).encode()) - 64) // questions
    return "".join(b.replace("PAD", "fascia " * (pad // 7)) for b in blocks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # The import task goes to the in-memory broker: a worker runs it, not the request.
    start_django(DEFAULT_DB, queue_tasks=True, plain_static=True)
    from django.test import Client
    from django.urls import reverse

    from courses.models import GiftImport, Quiz
    from courses.services.gift_import import MAX_GIFT_BYTES, run_import
    from tests.factories import UserFactory, course_with_lessons, teach

    instructor = UserFactory.create(is_instructor=True)
    client = Client()
    client.force_login(instructor)
    files = {
        "at every cap (queued)": at_the_caps(200, 40, MAX_GIFT_BYTES - KB),
        "50 x 40 (in the request)": at_the_caps(50, 40, 128 * KB),
        "512 KB of small questions": "::Q::Which? {=a ~b}\n\n" * (MAX_GIFT_BYTES // 21),
        "170,000 answers": "::Q::pick {=a " + "~b " * 170_000 + "}",
        "512 KB of '<'": "<" * (MAX_GIFT_BYTES - 16) + " {=a ~b}",
    }
    print(f"{'file':<28}{'KB':>6}{'preview':>10}{'import':>10}{'task':>10}{'poll':>8}")
    for label, text in files.items():
        worst = {"preview": 0.0, "import": 0.0, "task": 0.0, "poll": 0.0}
        added = 0
        for run in range(args.runs):
            course = course_with_lessons(1, slug=f"bench-{len(text)}-{run}-{time.monotonic_ns()}")
            teach(course, instructor)
            lesson = course.lessons.get()
            page = reverse("courses:quiz_import", args=[course.slug, lesson.slug])
            started = time.perf_counter()
            client.post(page, {"text": text, "action": "preview"})
            worst["preview"] = max(worst["preview"], time.perf_counter() - started)
            started = time.perf_counter()
            done = client.post(page, {"text": text, "action": "import"})
            worst["import"] = max(worst["import"], time.perf_counter() - started)
            assert done.status_code in {200, 302}, done.status_code
            job = GiftImport.objects.filter(quiz__lesson=lesson).first()
            if job is not None:
                started = time.perf_counter()
                run_import(job_id=job.pk)
                worst["task"] = max(worst["task"], time.perf_counter() - started)
                started = time.perf_counter()
                client.get(done["Location"], headers={"HX-Request": "1"})
                worst["poll"] = max(worst["poll"], time.perf_counter() - started)
            quiz = Quiz.objects.filter(lesson=lesson).first()
            added = quiz.questions.count() if quiz else 0
        kb = len(text.encode()) / KB
        ms = {key: value * 1000 for key, value in worst.items()}
        print(
            f"{label:<28}{kb:>6.0f}{ms['preview']:>10.0f}{ms['import']:>10.0f}"
            f"{ms['task']:>10.0f}{ms['poll']:>8.0f}   ({added} questions added)"
        )


if __name__ == "__main__":
    main()
