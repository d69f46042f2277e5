from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from academy.models import User
from courses.models import Course, Enrollment, Lesson, LessonCompletion, Quiz
from courses.outline import State, build_outline
from courses.services.issuing import request_certificate
from courses.tasks import issue_certificate


class NotEnrolledError(Exception):
    """The practitioner has no enrollment on the lesson's course."""


class LessonLockedError(Exception):
    """The course is taken in order and an earlier required lesson is not done."""


class QuizRequiredError(Exception):
    """The lesson has a quiz: passing it is what completes the lesson."""


class SignOffRequiredError(Exception):
    """The lesson is a practical assessment: an instructor's sign-off completes it."""


def outline_lessons() -> QuerySet[Lesson]:
    """Published lessons as an outline needs them: in course order, with their modules (whose
    summaries the syllabus shows), their own text left in the database."""
    return (
        Lesson.objects.published().select_related("module").defer("body", "body_html", "transcript")
    )


@lru_cache(maxsize=256)
def _published_lessons(course_id: int, version: datetime) -> tuple[Lesson, ...]:
    return tuple(
        outline_lessons()
        .filter(course_id=course_id)
        .annotate(has_quiz=Exists(Quiz.objects.filter(lesson=OuterRef("pk"))))
    )


def published_lessons(course: Course) -> tuple[Lesson, ...]:
    """The course's published lessons in order, with their modules, kept in each process.

    The key holds the course's `updated_at`, which every saved or deleted lesson or module moves
    on (courses/signals.py), so a changed course is simply a new key. The instances are shared
    between requests and only read: no relation beyond `module` is loaded on them, and the
    lessons' text is left in the database. Each carries `has_quiz`."""
    return _published_lessons(course.pk, course.updated_at)


@lru_cache(maxsize=256)
def _course_version(course_id: int, version: Any) -> Course:
    return Course.objects.defer("description", "description_html").get(pk=course_id)


_ENROLLMENT_SQL = """
SELECT enrollment.*, course.updated_at AS course_version, (
    SELECT {joined_ids} FROM courses_lessoncompletion WHERE enrollment_id = enrollment.id
) AS completed_ids
FROM courses_enrollment enrollment
JOIN courses_course course ON course.id = enrollment.course_id
WHERE enrollment.practitioner_id = %s AND course.slug = %s AND course.status = %s
"""
_JOINED_IDS = {
    "postgresql": "STRING_AGG(lesson_id::text, ',')",
    "sqlite": "GROUP_CONCAT(lesson_id)",
}


def enrollment_in(*, practitioner: User, course_slug: str) -> Enrollment | None:
    """The practitioner's enrollment on the published course with this slug, or None, in one
    statement: the lesson page's common case. It carries `completed_lesson_ids`, and its
    `course` is a per-process instance for the course's current content version, shared
    between requests and only read.

    Written in SQL because the ORM spent three times as long building and compiling the
    equivalent query as the database spent running it (bench/pages.py)."""
    sql = _ENROLLMENT_SQL.format(joined_ids=_JOINED_IDS[connection.vendor])
    found = list(
        Enrollment.objects.raw(sql, [practitioner.pk, course_slug, Course.Status.PUBLISHED])
    )
    if not found:
        return None
    enrollment = found[0]
    enrollment.course = _course_version(enrollment.course_id, enrollment.course_version)  # type: ignore[attr-defined]
    joined = enrollment.completed_ids  # type: ignore[attr-defined]
    enrollment.completed_lesson_ids = [int(i) for i in joined.split(",")] if joined else []  # type: ignore[attr-defined]
    return enrollment


def requirements_met(enrollment: Enrollment) -> bool:
    """The course completion rule, in one place: every required published lesson is complete (a
    lesson with a quiz only once its quiz is passed, a practical one only once an instructor has
    signed it off)."""
    return not (
        Lesson.objects.published()
        .filter(course_id=enrollment.course_id, required=True)
        .exclude(completions__enrollment=enrollment)
        .exists()
    )


def complete_lesson(*, practitioner: User, lesson: Lesson) -> LessonCompletion:
    """Record that a practitioner finished a lesson without a quiz; completes the course when that
    was the last step. Safe to call repeatedly and concurrently: the enrollment row is locked, so
    two last lessons finished at once still complete the course exactly once."""
    if lesson.kind == Lesson.Kind.PRACTICAL:
        raise SignOffRequiredError
    if Quiz.objects.filter(lesson=lesson).exists():
        raise QuizRequiredError
    return _record_completion(practitioner=practitioner, lesson=lesson)


def record_quiz_pass(*, practitioner: User, lesson: Lesson) -> LessonCompletion:
    """Called by grading, in the transaction that graded a passing attempt."""
    return _record_completion(practitioner=practitioner, lesson=lesson)


def record_sign_off(*, practitioner: User, lesson: Lesson) -> LessonCompletion:
    """Called by the sign-off service, in the transaction that recorded the sign-off."""
    return _record_completion(practitioner=practitioner, lesson=lesson)


@transaction.atomic
def _record_completion(*, practitioner: User, lesson: Lesson) -> LessonCompletion:
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(practitioner=practitioner, course_id=lesson.course_id)
        .first()
    )
    if enrollment is None:
        raise NotEnrolledError
    completed_ids = set(enrollment.completions.values_list("lesson_id", flat=True))
    if lesson.pk in completed_ids:
        return LessonCompletion.objects.get(enrollment=enrollment, lesson=lesson)
    if lesson.course.order_required:
        outline = build_outline(
            lessons=published_lessons(lesson.course),
            completed_ids=completed_ids,
            order_required=True,
        )
        entry = outline.entry(lesson)
        if entry.state is State.LOCKED:
            raise LessonLockedError(entry.locked_reason)
    completion = LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    _complete_enrollment_if_done(enrollment)
    return completion


def _complete_enrollment_if_done(enrollment: Enrollment) -> None:
    """Called with the enrollment row locked, inside the transaction that recorded the step.
    The pending certificate is created in this same transaction, so a rolled-back completion
    leaves no certificate and sends nothing."""
    if enrollment.completed_at is None and requirements_met(enrollment):
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["completed_at"])
        certificate = request_certificate(enrollment=enrollment)
        issue_certificate.delay_on_commit(certificate.pk)  # type: ignore[attr-defined]


def complete_enrollments_now_met(*, course_id: int) -> int:
    """After the course's rule got easier (a required lesson unpublished or made optional),
    complete every enrollment that now meets it, each as its own last step would. Returns how
    many were completed."""
    remaining = (
        Lesson.objects.published()
        .filter(course_id=course_id, required=True)
        .exclude(completions__enrollment=OuterRef("pk"))
    )
    candidates = Enrollment.objects.filter(course_id=course_id, completed_at__isnull=True).filter(
        ~Exists(remaining)
    )
    completed = 0
    for enrollment_id in candidates.values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
            was_open = enrollment.completed_at is None
            _complete_enrollment_if_done(enrollment)
            completed += was_open and enrollment.completed_at is not None
    return completed
