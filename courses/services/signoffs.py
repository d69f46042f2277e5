"""Practical assessments: a practitioner asks for sign-off, an instructor of the course gives it
(or sends it back with a note). Signing off is what completes a practical lesson."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import User
from courses.models import Enrollment, Lesson, SignOff
from courses.permissions import Action, policy
from courses.services.progress import NotEnrolledError, record_sign_off


class NotPracticalError(Exception):
    """The lesson is not a practical assessment."""


class NotTeachingError(Exception):
    """The user does not teach the lesson's course."""


def _practical(lesson: Lesson) -> None:
    if lesson.kind != Lesson.Kind.PRACTICAL:
        raise NotPracticalError


@transaction.atomic
def request_sign_off(*, practitioner: User, lesson: Lesson, note: str = "") -> SignOff:
    """Ask the course's instructors to assess the practitioner. Safe to call repeatedly: a second
    request updates the note; a lesson already signed off stays signed off."""
    _practical(lesson)
    enrollment = Enrollment.objects.filter(
        practitioner=practitioner, course_id=lesson.course_id
    ).first()
    if enrollment is None:
        raise NotEnrolledError
    sign_off, _created = SignOff.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson=lesson
    )
    if sign_off.is_signed_off:
        return sign_off
    sign_off.requested_at = timezone.now()
    sign_off.request_note = note.strip()[:2000]
    sign_off.save(update_fields=["requested_at", "request_note"])
    return sign_off


def _check_teaches(instructor: User, lesson: Lesson) -> None:
    if not policy.courses(instructor, Action.SIGN_OFF).filter(pk=lesson.course_id).exists():
        raise NotTeachingError


def _check_may_assess(instructor: User, enrollment: Enrollment) -> None:
    if enrollment.practitioner_id == instructor.pk:
        raise ValidationError(_("You cannot sign off your own practical assessment."))
    if (
        not Enrollment.objects.filter(pk=enrollment.pk)
        .filter(policy.assessable(instructor))
        .exists()
    ):
        raise ValidationError(
            _(
                "%(name)s teaches this course: only staff can sign off a course instructor's "
                "practical assessment."
            )
            % {"name": enrollment.practitioner}
        )


@transaction.atomic
def sign_off(
    *, instructor: User, enrollment: Enrollment, lesson: Lesson, assessed_on: date, note: str
) -> SignOff:
    """Record that the practitioner passed the practical assessment on a date; completes the
    lesson (and the course, when it was the last step, which requests the certificate).
    Refused (ValidationError) for the instructor's own enrollment, and for a fellow instructor's
    of the course unless the assessor is staff."""
    _practical(lesson)
    _check_teaches(instructor, lesson)
    if enrollment.course_id != lesson.course_id:
        raise NotEnrolledError
    _check_may_assess(instructor, enrollment)
    if assessed_on > timezone.localdate():
        raise ValidationError("The assessment date cannot be in the future.")
    if not note.strip():
        raise ValidationError("Add a note on what was assessed.")
    record, _created = SignOff.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson=lesson
    )
    if record.is_signed_off:
        return record
    record.assessed_on = assessed_on
    record.note = note.strip()[:2000]
    record.signed_off_by = instructor
    record.signed_off_at = timezone.now()
    record.save()
    record_sign_off(practitioner=enrollment.practitioner, lesson=lesson)
    return record


@transaction.atomic
def send_back(*, instructor: User, sign_off: SignOff, note: str) -> SignOff:
    """Decline a request with a note for the practitioner (e.g. what to practise); they can ask
    again."""
    _check_teaches(instructor, sign_off.lesson)
    if not note.strip():
        raise ValidationError("Tell the practitioner what to work on.")
    record = SignOff.objects.select_for_update().get(pk=sign_off.pk)
    if record.is_signed_off:
        raise ValidationError("This assessment is already signed off.")
    record.requested_at = None
    record.note = note.strip()[:2000]
    record.save(update_fields=["requested_at", "note"])
    return record
