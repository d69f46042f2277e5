"""seed_demo writes the demo files' content: the database holds what snapshot.json (taken from the
old courses/demo_content.py) describes, course by course and lesson by lesson."""

import hashlib
import json

import pytest
from django.core.management import call_command

from courses.models import Course, Lesson, Quiz
from tests.courses.demo.test_loader import SNAPSHOT

pytestmark = pytest.mark.django_db


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_seed_demo_writes_the_snapshots_courses_lessons_and_quizzes(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))

    courses = list(Course.objects.order_by("pk").select_related("topic"))
    assert [
        (c.slug, c.title, c.summary, sha256(c.description), c.topic.slug, c.level, str(c.ce_hours))
        for c in courses
    ] == [
        (c["slug"], c["title"], c["summary"], c["description_sha256"], c["topic"], c["level"],
         c["ce_hours"])
        for c in snapshot["courses"]
    ]  # fmt: skip
    for course, expected in zip(courses, snapshot["courses"], strict=True):
        assert [s.slug for s in course.prerequisites.all()] == expected["prerequisite_slugs"]
        lessons = Lesson.objects.filter(course=course).order_by("position").select_related("module")
        assert [
            (lesson.module.title, lesson.slug, lesson.title, lesson.minutes, sha256(lesson.body),
             lesson.required, lesson.safety_notice)
            for lesson in lessons
        ] == [
            (module["title"], lesson["slug"], lesson["title"], lesson["minutes"],
             lesson["body_sha256"], lesson["required"], lesson["safety_notice"])
            for module in expected["modules"]
            for lesson in module["lessons"]
        ]  # fmt: skip
    assert Quiz.objects.count() == 7
