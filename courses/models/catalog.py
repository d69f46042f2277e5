from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BigIntegerField, Count, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.expressions import Star
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.fields import SingleLineCharField
from courses.lib.text import check_markdown_length, render_markdown
from courses.lib.video import VideoNotAllowed, parse_video_url


def count_of(queryset: models.QuerySet[Any], *, distinct: str | None = None) -> Coalesce:
    """COUNT(*) of a correlated subquery, or with `distinct` the number of different values of
    that field: unlike a join with GROUP BY, it multiplies no rows."""
    counter = (
        Count(distinct, distinct=True)
        if distinct
        else Func(Star(), function="COUNT", output_field=BigIntegerField())
    )
    counted = (
        queryset.order_by().annotate(group=Value(1)).values("group").annotate(n=counter).values("n")
    )[:1]
    return Coalesce(Subquery(counted), 0)


def validate_half_hour_steps(value: Decimal) -> None:
    if value is not None and (value * 2) % 1 != 0:
        raise ValidationError(_("CE hours go in half-hour steps (1, 1.5, 2 …)."))


def validate_video_url(value: str) -> None:
    try:
        parse_video_url(value)
    except VideoNotAllowed as exc:
        raise ValidationError(str(exc)) from exc


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> "CourseQuerySet":
        return self.filter(status=Course.Status.PUBLISHED)

    def taught_by(self, user: Any) -> "CourseQuerySet":
        """The courses the user has a role on, while they hold instructor status: withdrawing
        the status (staff) ends every role's access at once, though the roles stay recorded."""
        if not user.is_authenticated or not getattr(user, "is_instructor", False):
            return self.none()
        return self.filter(instructor_roles__instructor=user)

    def visible_to(self, user: Any) -> "CourseQuerySet":
        """Published courses for everyone; drafts and archived ones only for their instructors."""
        if not user.is_authenticated or not getattr(user, "is_instructor", False):
            return self.published()
        return self.filter(
            Q(status=Course.Status.PUBLISHED) | Q(instructor_roles__instructor=user)
        ).distinct()

    def mark_changed(self) -> int:
        """Move the courses' `updated_at` on: it is the version that cached views of a course
        (catalog cards, the lesson outline, lesson content) carry in their keys."""
        return self.update(updated_at=timezone.now())

    def with_outline_totals(self) -> "CourseQuerySet":
        lessons = Lesson.objects.filter(course=OuterRef("pk")).order_by().values("course")
        return self.annotate(
            total_minutes=Coalesce(Subquery(lessons.annotate(m=Sum("minutes")).values("m")[:1]), 0),
        )


class Course(models.Model):
    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(unique=True)
    title = SingleLineCharField(max_length=200)
    summary = SingleLineCharField(max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="courses")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.INTRODUCTORY)
    ce_hours = models.DecimalField(
        _("CE hours"),
        max_digits=4,
        decimal_places=1,
        validators=[validate_half_hour_steps, MinValueValidator(Decimal("0.5"))],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    order_required = models.BooleanField(_("lessons must be taken in order"), default=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[CourseQuerySet] = CourseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "title"], name="course_status_title")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ce_hours__gte=Decimal("0.5")), name="ce_hours_at_least_half_hour"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:course", kwargs={"course": self.slug})

    def clean(self) -> None:
        check_markdown_length(self.description, "description")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CourseInstructor(models.Model):
    """An instructor's role on one course: owners publish and manage, editors edit content."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="instructor_roles")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teaching_roles"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "instructor"], name="unique_instructor_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instructor} ({self.get_role_display()}) on {self.course}"


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField(default=0)
    title = SingleLineCharField(max_length=200)
    summary = SingleLineCharField(max_length=300, blank=True)

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet["Lesson"]):
    def published(self) -> "LessonQuerySet":
        return self.filter(published=True)


class Lesson(models.Model):
    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        QUIZ = "quiz", _("Quiz")
        PRACTICAL = "practical", _("Practical assessment (signed off by an instructor)")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    # Copied from the module on save: lesson slugs are unique within a course, and progress
    # queries filter lessons by course without a join.
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lessons", editable=False
    )
    position = models.PositiveIntegerField(default=0)
    title = SingleLineCharField(max_length=200)
    slug = models.SlugField()
    body = models.TextField(_("content (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    video_url = models.URLField(
        _("video"),
        blank=True,
        validators=[validate_video_url],
        help_text=_("A YouTube or Vimeo address."),
    )
    transcript = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=10, validators=[MaxValueValidator(600)]
    )
    required = models.BooleanField(
        default=True, help_text=_("Required lessons count towards completing the course.")
    )
    safety_notice = models.TextField(
        blank=True, help_text=_("Shown above the lesson, e.g. when to stop and see a doctor.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.READING)
    # A lesson someone has completed cannot be deleted (their record points at it); it is
    # unpublished instead: hidden from learners and no longer part of the completion rule.
    published = models.BooleanField(default=True)

    objects: ClassVar[LessonQuerySet] = LessonQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["module__position", "module_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "slug"], name="unique_lesson_slug_per_course"
            ),
        ]
        indexes = [models.Index(fields=["course", "required"], name="lesson_course_required")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.course_id = self.module.course_id
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", kwargs={"course": self.course.slug, "lesson": self.slug})

    def clean(self) -> None:
        check_markdown_length(self.body, "body")

    @property
    def embed(self) -> Any:
        return parse_video_url(self.video_url) if self.video_url else None


class AccreditingBody(models.Model):
    """A board that approves CE/CPD courses, e.g. NCBTMB, CNHC, the Sports Massage Association."""

    name = SingleLineCharField(max_length=200, unique=True)
    abbreviation = SingleLineCharField(max_length=30, blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "accrediting bodies"

    def __str__(self) -> str:
        return self.abbreviation or self.name


class AccreditationQuerySet(models.QuerySet["Accreditation"]):
    def active_on(self, day: Any) -> "AccreditationQuerySet":
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day
        )


class Accreditation(models.Model):
    """A board's approval of a course: what it approved is what certificates must print."""

    class Delivery(models.TextChoices):
        HOME_STUDY = "home_study", _("Home study")
        LIVE = "live", _("Live, in person")
        WEBINAR = "webinar", _("Live webinar")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="accreditations")
    body = models.ForeignKey(AccreditingBody, on_delete=models.PROTECT, related_name="approvals")
    provider_name = SingleLineCharField(max_length=200)
    provider_number = SingleLineCharField(max_length=60)
    provider_contact = SingleLineCharField(
        max_length=300, help_text=_("Postal address or e-mail, as registered with the body.")
    )
    approved_title = SingleLineCharField(
        _("course title as approved"),
        max_length=200,
        help_text=_("Certificates are issued only while the course title matches this exactly."),
    )
    approved_hours = models.DecimalField(
        _("CE hours as approved"),
        max_digits=4,
        decimal_places=1,
        validators=[validate_half_hour_steps, MinValueValidator(Decimal("0.5"))],
    )
    delivery_type = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.HOME_STUDY
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    objects: ClassVar[AccreditationQuerySet] = AccreditationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["course", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="accreditation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} approval of {self.approved_title}"

    def mismatch_with(self, course: Course) -> str:
        """Why a certificate for the course cannot carry this approval; empty when it can."""
        problems = []
        if course.title != self.approved_title:
            problems.append(
                f"the course title “{course.title}” differs from the title approved by "
                f"{self.body}, “{self.approved_title}”"
            )
        if course.ce_hours != self.approved_hours:
            problems.append(
                f"the course's {course.ce_hours.normalize():f} CE hours differ from the "
                f"{self.approved_hours.normalize():f} approved by {self.body}"
            )
        return "; ".join(problems)
