"""The hand-written progress reader (courses/selectors/progress.py) gives what the equivalent ORM
query gives, on whichever database the suite runs on: SQLite by default, PostgreSQL under CI
(`DATABASE_URL`). Its SQL differs per database (GROUP_CONCAT / STRING_AGG) and it applies the
ORM's column converters itself (SQLite's dates arrive as text), so both are checked here."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from academy.models import User
from courses.caching import PerVersion
from courses.models import Course, Enrollment, LessonCompletion
from courses.selectors.progress import (
    enrollment_on,
    enrollment_on_published,
    enrollments_with_progress,
)
from tests.factories import UserFactory, course_with_lessons

pytestmark = pytest.mark.django_db

FIELDS = [field.attname for field in Enrollment._meta.concrete_fields]
COURSE_FIELDS = ["pk", "slug", "title", "status", "order_required", "updated_at", "topic_id"]


def _orm(practitioner: User, **filters: Any) -> dict[int, dict[str, Any]]:
    """The same read written with the ORM: each enrollment's fields, its course's and its
    topic's, and the ids of its completed lessons."""
    enrollments = (
        Enrollment.objects.filter(practitioner=practitioner, **filters)
        .select_related("course__topic")
        .prefetch_related("completions")
    )
    return {e.pk: _shape(e, sorted(c.lesson_id for c in e.completions.all())) for e in enrollments}


def _shape(enrollment: Enrollment, completed: list[int]) -> dict[str, Any]:
    course = enrollment.course
    return {
        "fields": {name: getattr(enrollment, name) for name in FIELDS},
        "types": {name: type(getattr(enrollment, name)) for name in FIELDS},
        "course": {name: getattr(course, name) for name in COURSE_FIELDS},
        "topic": (course.topic.pk, course.topic.name),
        "completed": completed,
    }


def _read(enrollments: list[Enrollment]) -> dict[int, dict[str, Any]]:
    return {e.pk: _shape(e, sorted(e.completed_lesson_ids)) for e in enrollments}  # type: ignore[attr-defined]


@pytest.fixture
def practitioner() -> User:
    """Enrolled on four courses: one completed (every lesson done), one half done, one not
    started and one still a draft; another practitioner's progress on the same courses must not
    show."""
    practitioner = UserFactory.create()
    other = UserFactory.create()
    done = course_with_lessons(3, title="Done", slug="done")
    half = course_with_lessons(4, modules=2, title="Half", slug="half")
    untouched = course_with_lessons(2, title="Untouched", slug="untouched")
    draft = course_with_lessons(2, title="Draft", slug="draft", status=Course.Status.DRAFT)
    for course in (done, half, untouched, draft):
        Enrollment.objects.create(practitioner=other, course=course)
    for enrollment in Enrollment.objects.filter(practitioner=other, course=half):
        for lesson in half.lessons.all():
            LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    finished = Enrollment.objects.create(practitioner=practitioner, course=done)
    for lesson in done.lessons.all():
        LessonCompletion.objects.create(enrollment=finished, lesson=lesson)
    finished.completed_at = timezone.now() - timedelta(days=2, microseconds=123)
    finished.save(update_fields=["completed_at"])
    started = Enrollment.objects.create(practitioner=practitioner, course=half)
    for lesson in half.lessons.order_by("position")[:2]:
        LessonCompletion.objects.create(enrollment=started, lesson=lesson)
    Enrollment.objects.create(practitioner=practitioner, course=untouched)
    Enrollment.objects.create(practitioner=practitioner, course=draft)
    return practitioner


def test_it_runs_on_a_database_the_reader_is_written_for():
    assert connection.vendor in ("sqlite", "postgresql")


def test_every_enrollment_reads_as_the_orm_query_gives_it(practitioner):
    read = _read(enrollments_with_progress(practitioner=practitioner))
    assert read == _orm(practitioner)
    assert len(read) == 4
    completed = sorted(len(shape["completed"]) for shape in read.values())
    assert completed == [0, 0, 2, 3]
    assert sum(shape["fields"]["completed_at"] is not None for shape in read.values()) == 1


def test_after_a_course_changes_the_reader_gives_its_new_version(practitioner):
    before = _read(enrollments_with_progress(practitioner=practitioner))  # fills the memo
    half = Course.objects.get(slug="half")
    lesson = half.lessons.order_by("position").last()
    assert lesson is not None
    lesson.title = "Renamed"
    lesson.save()  # moves the course's content version on (courses/caching.py)
    LessonCompletion.objects.create(
        enrollment=Enrollment.objects.get(practitioner=practitioner, course=half), lesson=lesson
    )
    Course.objects.filter(slug="untouched").update(title="Retitled", updated_at=timezone.now())

    after = _read(enrollments_with_progress(practitioner=practitioner))
    assert after == _orm(practitioner)
    versions = {shape["course"]["slug"]: shape["course"]["updated_at"] for shape in after.values()}
    old = {shape["course"]["slug"]: shape["course"]["updated_at"] for shape in before.values()}
    assert versions["half"] > old["half"]
    assert versions["untouched"] > old["untouched"]
    assert versions["done"] == old["done"]
    titles = {shape["course"]["slug"]: shape["course"]["title"] for shape in after.values()}
    assert titles["untouched"] == "Retitled"


def test_one_enrollment_reads_as_the_orm_query_gives_it(practitioner):
    other = UserFactory.create()
    for course in Course.objects.all():
        found = enrollment_on(practitioner=practitioner, course=course)
        assert found is not None
        assert _read([found]) == _orm(practitioner, course=course)
        assert enrollment_on(practitioner=other, course=course) is None
        published = enrollment_on_published(practitioner=practitioner, course_slug=course.slug)
        if course.status == Course.Status.PUBLISHED:
            assert published is not None
            assert _read([published]) == _orm(practitioner, course=course)
        else:
            assert published is None
    assert enrollment_on_published(practitioner=practitioner, course_slug="nothing") is None


def test_per_version_memo_reads_what_it_lacks_in_one_call_and_forgets_the_oldest():
    calls: list[list[int]] = []

    def load(course_ids: list[int]) -> dict[int, str]:
        calls.append(course_ids)
        return {course_id: f"course {course_id}" for course_id in course_ids}

    memo = PerVersion(load, size=3)
    assert memo.get_many([(1, "a"), (2, "a")]) == ["course 1", "course 2"]
    assert memo.get_many([(1, "a"), (3, "a")]) == ["course 1", "course 3"]
    assert calls == [[1, 2], [3]]

    memo.get_many([(2, "b")])  # a new version is a new key; a fourth key drops the oldest
    memo.get_many([(3, "a")])
    memo.get_many([(1, "a")])
    assert calls == [[1, 2], [3], [2], [1]]
