"""courses.rules: the completion rule and the progress percentage, and every page that shows a
percentage agreeing with them."""

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from courses import rules
from courses.models import Lesson
from courses.selectors.progress import enrollment_on, percent_done
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.factories import LessonFactory, course_with_lessons, teach


@dataclass(frozen=True)
class Stub:
    pk: int
    required: bool = True


# --- the rule over plain data ------------------------------------------------------------------


def test_required_progress_counts_only_required_lessons():
    lessons = [Stub(1), Stub(2, required=False), Stub(3), Stub(4)]

    assert rules.required_progress(lessons, {1, 2}) == (1, 3)
    assert rules.required_progress(lessons, set()) == (0, 3)
    assert rules.required_progress(lessons, {1, 3, 4}) == (3, 3)
    assert rules.required_progress([], {1}) == (0, 0)


@pytest.mark.parametrize(
    ("done", "total", "met"),
    [(0, 3, False), (2, 3, False), (3, 3, True), (0, 0, True)],
)
def test_requirements_met_once_every_required_lesson_is_done(done, total, met):
    assert rules.requirements_met(done, total) is met


@pytest.mark.parametrize(
    ("done", "total", "completed", "percent"),
    [
        (0, 3, False, 0),
        (1, 3, False, 33),
        (2, 3, False, 67),  # rounded, not truncated
        (3, 3, False, 100),
        (1, 8, False, 12),  # 12.5 rounds to even, as round() does
        (0, 0, False, 0),
        (3, 4, True, 100),  # a required lesson added after the course was completed
        (0, 0, True, 100),
    ],
)
def test_progress_percent(done, total, completed, percent):
    assert rules.progress_percent(done, total, completed=completed) == percent


# --- every caller agrees -----------------------------------------------------------------------


def _csv_percent(client, course, practitioner) -> int:
    response = client.get(reverse("courses:export_progress", args=[course.slug]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    (row,) = [row for row in rows if row["E-mail"] == practitioner.email]
    return int(row["Percent"])


def _card_percent(client, course) -> int:
    page = client.get(reverse("courses:catalog")).content.decode()
    return int(re.search(rf'id="progress-{course.pk}" max="100" value="(\d+)"', page)[1])


def _learning_percent(client, course) -> int:
    current = client.get(reverse("courses:learning")).context["current"]
    (percent,) = [
        percent for enrollment, percent, _ in current if enrollment.course_id == course.pk
    ]
    return percent


def _course_page_percent(client, course) -> int:
    response = client.get(course.get_absolute_url())
    percent = response.context["outline"].percent
    assert f'id="course-progress" max="100" value="{percent}"' in response.content.decode()
    return percent


def _lesson_outline_percent(client, lesson) -> int:
    response = client.get(reverse("courses:lesson", args=[lesson.course.slug, lesson.slug]))
    return response.context["outline"].percent


@pytest.fixture
def course(instructor):
    course = course_with_lessons(3, order_required=False, slug="fascia-basics")
    first = course.lessons.first()
    LessonFactory.create(module=first.module, position=9, title="Extra", required=False)
    teach(course, instructor)
    return course


@pytest.mark.django_db
@pytest.mark.parametrize(("done", "expected"), [(0, 0), (1, 33), (2, 67)])
def test_every_page_shows_the_rules_percentage_of_an_enrollment(
    client, course, practitioner, instructor, done, expected
):
    enroll(practitioner=practitioner, course=course)
    required = list(course.lessons.filter(required=True).order_by("position"))
    optional = course.lessons.get(required=False)
    complete_lesson(practitioner=practitioner, lesson=optional)  # counts for nothing
    for lesson in required[:done]:
        complete_lesson(practitioner=practitioner, lesson=lesson)
    enrollment = enrollment_on(practitioner=practitioner, course=course)
    assert enrollment is not None
    assert enrollment.completed_at is None

    client.force_login(instructor)
    from_csv = _csv_percent(client, course, practitioner)
    client.force_login(practitioner)
    shown = {
        "service": percent_done(enrollment),
        "CSV export": from_csv,
        "catalog card": _card_percent(client, course),
        "My learning": _learning_percent(client, course),
        "course page": _course_page_percent(client, course),
        "lesson outline": _lesson_outline_percent(client, required[0]),
    }

    assert (
        shown
        == dict.fromkeys(shown, rules.progress_percent(done, 3))
        == dict.fromkeys(shown, expected)
    )


@pytest.mark.django_db
def test_a_completed_enrollment_stays_at_100_when_a_required_lesson_is_added(
    client, course, practitioner, instructor
):
    enroll(practitioner=practitioner, course=course)
    for lesson in course.lessons.filter(required=True):
        complete_lesson(practitioner=practitioner, lesson=lesson)
    first = course.lessons.first()
    LessonFactory.create(module=first.module, position=10, title="Added later")
    assert Lesson.objects.published().filter(course=course, required=True).count() == 4
    enrollment = enrollment_on(practitioner=practitioner, course=course)
    assert enrollment is not None
    assert enrollment.completed_at is not None

    client.force_login(instructor)
    from_csv = _csv_percent(client, course, practitioner)
    client.force_login(practitioner)

    assert (percent_done(enrollment), from_csv, _card_percent(client, course)) == (100, 100, 100)
    assert rules.progress_percent(3, 4, completed=True) == 100
    # My learning lists it among the completed, the course page says when: no percentage.
    assert client.get(reverse("courses:learning")).context["current"] == []
    assert "Your progress" not in client.get(course.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_last_required_lesson_completes_the_enrollment_and_an_optional_one_does_not(
    course, practitioner
):
    enroll(practitioner=practitioner, course=course)
    required = list(course.lessons.filter(required=True))
    for lesson in required[:-1]:
        complete_lesson(practitioner=practitioner, lesson=lesson)
    complete_lesson(practitioner=practitioner, lesson=course.lessons.get(required=False))
    assert enrollment_on(practitioner=practitioner, course=course).completed_at is None

    complete_lesson(practitioner=practitioner, lesson=required[-1])

    assert enrollment_on(practitioner=practitioner, course=course).completed_at is not None
