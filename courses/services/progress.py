from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from academy.models import User
from courses import rules
from courses.lib.outline import State, build_outline
from courses.models import Enrollment, Lesson, LessonCompletion, Quiz
from courses.selectors.progress import published_lessons
from courses.services.certificates import issue_certificate_task, request_certificate


class NotEnrolledError(Exception):
    """The practitioner has no enrollment on the lesson's course."""


class LessonLockedError(Exception):
    """The course is taken in order and an earlier required lesson is not done."""


class QuizRequiredError(Exception):
    """The lesson has a quiz: passing it is what completes the lesson."""


class SignOffRequiredError(Exception):
    """The lesson is a practical assessment: an instructor's sign-off completes it."""


def requirements_met(enrollment: Enrollment) -> bool:
    """Whether the enrollment meets courses.rules' completion rule: one query, a flag per
    required published lesson of the course."""
    done = list(
        Lesson.objects.published()
        .filter(course_id=enrollment.course_id, required=True)
        .annotate(
            done=Exists(
                LessonCompletion.objects.filter(enrollment=enrollment, lesson=OuterRef("pk"))
            )
        )
        .values_list("done", flat=True)
    )
    return rules.requirements_met(sum(done), len(done))


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
        issue_certificate_task.delay_on_commit(certificate.pk)  # type: ignore[attr-defined]


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
