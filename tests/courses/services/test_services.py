import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import Course, Enrollment, LessonCompletion
from courses.services.enrollment import CourseNotOpenError, enroll
from courses.services.progress import LessonLockedError, NotEnrolledError, complete_lesson
from tests.factories import CourseFactory, LessonFactory, course_with_lessons

pytestmark = pytest.mark.django_db


def finish(practitioner, course) -> Enrollment:
    enrollment = enroll(practitioner=practitioner, course=course)
    for lesson in course.lessons.all():
        complete_lesson(practitioner=practitioner, lesson=lesson)
    enrollment.refresh_from_db()
    return enrollment


def test_enrolling_twice_keeps_one_enrollment(practitioner):
    course = course_with_lessons(2)

    first = enroll(practitioner=practitioner, course=course)
    second = enroll(practitioner=practitioner, course=course)

    assert first == second
    assert Enrollment.objects.filter(practitioner=practitioner).count() == 1


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_enrolling_on_an_unpublished_course_is_refused(practitioner, status):
    course = CourseFactory.create(status=status)

    with pytest.raises(CourseNotOpenError, match="not open for enrolment"):
        enroll(practitioner=practitioner, course=course)
    assert not Enrollment.objects.exists()


def test_enrolling_without_the_prerequisite_names_it(practitioner):
    basics = course_with_lessons(1, title="Fascia basics")
    advanced = course_with_lessons(1)
    advanced.prerequisites.add(basics)

    with pytest.raises(ValidationError, match="Complete “Fascia basics” before enrolling"):
        enroll(practitioner=practitioner, course=advanced)

    finish(practitioner, basics)
    assert enroll(practitioner=practitioner, course=advanced).course == advanced


def test_completing_every_required_lesson_completes_the_course(practitioner):
    course = course_with_lessons(3)
    LessonFactory.create(module=course.modules.first(), position=99, required=False)

    enrollment = enroll(practitioner=practitioner, course=course)
    lessons = list(course.lessons.filter(required=True))
    for lesson in lessons[:-1]:
        complete_lesson(practitioner=practitioner, lesson=lesson)
        enrollment.refresh_from_db()
        assert enrollment.completed_at is None
    complete_lesson(practitioner=practitioner, lesson=lessons[-1])

    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


def test_completing_a_lesson_twice_records_it_once_and_keeps_the_date(practitioner):
    course = course_with_lessons(2)
    enroll(practitioner=practitioner, course=course)
    lesson = course.lessons.first()

    first = complete_lesson(practitioner=practitioner, lesson=lesson)
    again = complete_lesson(practitioner=practitioner, lesson=lesson)

    assert first.pk == again.pk
    assert first.completed_at == again.completed_at
    assert LessonCompletion.objects.count() == 1


def test_completing_a_lesson_without_enrolling_is_refused(practitioner):
    course = course_with_lessons(1)

    with pytest.raises(NotEnrolledError):
        complete_lesson(practitioner=practitioner, lesson=course.lessons.get())
    assert not LessonCompletion.objects.exists()


def test_a_lesson_after_an_unfinished_one_is_locked_when_order_is_required(practitioner):
    course = course_with_lessons(3)
    enroll(practitioner=practitioner, course=course)
    third = course.lessons.last()

    with pytest.raises(LessonLockedError, match="Lesson 1"):
        complete_lesson(practitioner=practitioner, lesson=third)
    assert not LessonCompletion.objects.exists()


def test_lessons_can_be_taken_in_any_order_when_the_course_allows(practitioner):
    course = course_with_lessons(3, order_required=False)
    enroll(practitioner=practitioner, course=course)

    complete_lesson(practitioner=practitioner, lesson=course.lessons.last())

    assert LessonCompletion.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_last_lessons_completed_at_once_still_complete_the_course(
    practitioner, require_postgres
):
    """Without the enrollment lock, each transaction sees the other's lesson as unfinished."""
    for attempt in range(5):
        course = course_with_lessons(3, order_required=False, slug=f"race-{attempt}")
        enrollment = enroll(practitioner=practitioner, course=course)
        first, second, third = course.lessons.all()
        complete_lesson(practitioner=practitioner, lesson=first)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def finish_one(lesson, barrier=barrier, errors=errors) -> None:
            try:
                barrier.wait(timeout=10)
                complete_lesson(practitioner=practitioner, lesson=lesson)
            except BaseException as exc:  # reported below, in the test's own thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=finish_one, args=(lesson,)) for lesson in (second, third)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert errors == []
        enrollment.refresh_from_db()
        assert enrollment.completed_at is not None, f"attempt {attempt}"
        assert enrollment.completions.count() == 3
