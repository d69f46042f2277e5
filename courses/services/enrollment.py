from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from academy.models import User
from courses.models import Course, Enrollment


class CourseNotOpenError(Exception):
    """The course is not published, so nobody can enrol."""


def missing_prerequisites(*, practitioner: User, course: Course) -> list[Course]:
    completed = Enrollment.objects.of(practitioner).completed().values("course_id")
    return list(course.prerequisites.exclude(pk__in=completed).order_by("title"))


def enroll(*, practitioner: User, course: Course) -> Enrollment:
    """Enrol a practitioner. Safe to call repeatedly: returns an existing enrollment as it is."""
    existing = Enrollment.objects.filter(practitioner=practitioner, course=course).first()
    if existing is not None:
        return existing
    if not course.is_published:
        raise CourseNotOpenError(_("This course is not open for enrolment."))
    missing = missing_prerequisites(practitioner=practitioner, course=course)
    if missing:
        titles = ", ".join(f"“{c.title}”" for c in missing)
        raise ValidationError(
            format_lazy(_("Complete {titles} before enrolling on this course."), titles=titles),
            code="prerequisites",
        )
    try:
        with transaction.atomic():
            return Enrollment.objects.create(practitioner=practitioner, course=course)
    except IntegrityError:  # a concurrent request enrolled first
        return Enrollment.objects.get(practitioner=practitioner, course=course)
