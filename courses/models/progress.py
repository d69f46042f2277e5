from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from courses.models.catalog import Course, Lesson


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def of(self, user: Any) -> "EnrollmentQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(practitioner=user)

    def completed(self) -> "EnrollmentQuerySet":
        return self.filter(completed_at__isnull=False)


class Enrollment(models.Model):
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[EnrollmentQuerySet] = EnrollmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "course"], name="unique_enrollment_per_practitioner"
            ),
        ]
        indexes = [models.Index(fields=["course", "completed_at"], name="enrollment_course_done")]

    def __str__(self) -> str:
        return f"{self.practitioner} in {self.course}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class LessonCompletion(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="completions")
    # Indexed with the date below, which serves lookups by lesson alone too.
    lesson = models.ForeignKey(
        Lesson, on_delete=models.PROTECT, related_name="completions", db_index=False
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="unique_completion_per_enrollment"
            ),
        ]
        indexes = [
            models.Index(fields=["lesson", "completed_at"], name="completion_lesson_done"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} done by {self.enrollment.practitioner}"


class SignOff(models.Model):
    """A practical assessment: requested by the practitioner, signed off by an instructor of the
    course. Signing off is what completes the practical lesson."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="sign_offs")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="sign_offs")
    requested_at = models.DateTimeField(null=True, blank=True)
    request_note = models.TextField(blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="unique_sign_off_per_enrollment"
            ),
        ]
        indexes = [
            models.Index(
                fields=["lesson", "requested_at"],
                condition=models.Q(signed_off_at__isnull=True),
                name="sign_off_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.lesson} for {self.enrollment.practitioner}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None
