"""Course insight for the course's instructors and staff: who enrols, how far practitioners get,
how quizzes go; and the same records as CSV files for a spreadsheet.

Every page runs a fixed number of queries, however many practitioners, lessons or quizzes."""

import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from courses.charts import Bar, bar_chart, column_chart
from courses.csv_export import write_rows
from courses.models import (
    Attempt,
    Certificate,
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
    Quiz,
)
from courses.models.catalog import count_of
from courses.views.access import taught_courses

WEEKS_SHOWN = 26
ACTIVE_DAYS = 30
CSV_CHUNK = 500
LESSON_ORDER = ("module__position", "module_id", "position", "id")


def _taught_course(request: HttpRequest, slug: str) -> Course:
    return get_object_or_404(taught_courses(request, staff=True), slug=slug)


# --- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    enrolled: int
    # Enrolled, not completed, and completed a lesson or attempted a quiz in the last 30 days.
    active: int
    completed: int
    first_enrolled_at: datetime | None
    # Median of completed_at - enrolled_at over completed enrollments, in days.
    median_days: float | None

    @property
    def completion_rate(self) -> float | None:
        """Completed as a percentage of everyone who enrolled."""
        return 100 * self.completed / self.enrolled if self.enrolled else None


@dataclass(frozen=True)
class Week:
    start: date
    enrolments: int


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    completed: int
    percent: float | None


@dataclass(frozen=True)
class QuizResults:
    quiz: Quiz
    attempts: int
    attempted: int
    passed: int

    @property
    def pass_rate(self) -> float | None:
        """Practitioners who passed as a percentage of those who submitted an attempt."""
        return 100 * self.passed / self.attempted if self.attempted else None

    @property
    def average_attempts(self) -> float | None:
        return self.attempts / self.attempted if self.attempted else None


def course_summary(course: Course, *, now: datetime) -> Summary:
    """Two queries: the counts, then the completed enrollments' dates for the median (kept in
    Python so SQLite, the first-run database, computes it too)."""
    since = now - timedelta(days=ACTIVE_DAYS)
    # Read once each through an index, rather than probed once per enrollment (bench/scale.py:
    # 192 ms -> 18 ms on a course of 10,700 enrollments). A completion of one of the course's
    # lessons can only belong to an enrollment on the course.
    recent_lessons = LessonCompletion.objects.filter(
        lesson__course=course, completed_at__gte=since
    ).values("enrollment")
    recent_attempts = Attempt.objects.filter(
        Q(started_at__gte=since) | Q(submitted_at__gte=since), quiz__lesson__course=course
    ).values("practitioner")
    enrollments = Enrollment.objects.filter(course=course)
    counts = enrollments.aggregate(
        enrolled=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        active=Count(
            "pk",
            filter=Q(completed_at__isnull=True)
            & (Q(pk__in=recent_lessons) | Q(practitioner__in=recent_attempts)),
        ),
        first=Min("enrolled_at"),
    )
    days = [
        (completed_at - enrolled_at).total_seconds() / 86400
        for enrolled_at, completed_at in enrollments.completed().values_list(
            "enrolled_at", "completed_at"
        )
        if completed_at is not None
    ]
    return Summary(
        enrolled=counts["enrolled"],
        active=counts["active"],
        completed=counts["completed"],
        first_enrolled_at=counts["first"],
        median_days=statistics.median(days) if days else None,
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def enrolments_by_week(course: Course, *, since: datetime | None, today: date) -> list[Week]:
    """Enrolments per calendar week (Monday to Sunday, local time), the last 26 weeks or fewer
    when the first enrolment is more recent; empty before anyone enrolled. One query."""
    if since is None:
        return []
    this_week = _monday(today)
    first_week = max(
        _monday(timezone.localdate(since)), this_week - timedelta(weeks=WEEKS_SHOWN - 1)
    )
    counted = dict(
        Enrollment.objects.filter(
            course=course,
            enrolled_at__gte=timezone.make_aware(datetime.combine(first_week, time.min)),
        )
        .annotate(week=TruncWeek("enrolled_at", output_field=DateField()))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    weeks = (this_week - first_week).days // 7 + 1
    starts = [first_week + timedelta(weeks=i) for i in range(weeks)]
    return [Week(start=start, enrolments=counted.get(start, 0)) for start in starts]


def lesson_progress(course: Course, *, enrolled: int) -> list[LessonProgress]:
    """Each published lesson in course order with how many practitioners completed it. One
    query."""
    lessons = (
        Lesson.objects.published()
        .filter(course=course)
        .annotate(done=count_of(LessonCompletion.objects.filter(lesson=OuterRef("pk"))))
        .only("title", "slug", "required", "kind")
    )
    return [
        LessonProgress(
            lesson=lesson,
            completed=lesson.done,  # type: ignore[attr-defined]
            percent=100 * lesson.done / enrolled if enrolled else None,  # type: ignore[attr-defined]
        )
        for lesson in lessons
    ]


def quiz_results(course: Course) -> list[QuizResults]:
    """The quizzes of the published lessons, in course order, with their submitted attempts
    counted. One query; each count is a correlated subquery over that quiz's attempts (an
    index-only scan), not a GROUP BY sorting every attempt of the course with its lesson."""

    def practitioners(**filters: Any) -> Coalesce:
        counted = (
            Attempt.objects.filter(quiz=OuterRef("pk"), **filters)
            .order_by()
            .annotate(group=Value(1))
            .values("group")
            .annotate(n=Count("practitioner", distinct=True))
            .values("n")[:1]
        )
        return Coalesce(Subquery(counted), 0)

    quizzes = (
        Quiz.objects.filter(lesson__course=course, lesson__published=True)
        .select_related("lesson")
        .annotate(
            attempt_count=count_of(
                Attempt.objects.filter(quiz=OuterRef("pk"), submitted_at__isnull=False)
            ),
            attempted=practitioners(submitted_at__isnull=False),
            passed=practitioners(passed=True),
        )
        .order_by(*(f"lesson__{field}" for field in LESSON_ORDER))
    )
    return [
        QuizResults(
            quiz=quiz,
            attempts=quiz.attempt_count,
            attempted=quiz.attempted,
            passed=quiz.passed,
        )
        for quiz in quizzes
    ]


# --- the dashboard -----------------------------------------------------------------------------


def _short_date(day: date) -> str:
    return formats.date_format(day, "j M")


def _long_date(day: date) -> str:
    return formats.date_format(day, "j M Y")


def _weeks_chart(weeks: list[Week]) -> SafeString:
    total = sum(week.enrolments for week in weeks)
    busiest = max(weeks, key=lambda week: week.enrolments)
    description = _(
        "Enrolments per week from the week of %(first)s to the week of %(last)s: %(total)d in "
        "total, the most (%(most)d) in the week of %(busiest)s."
    ) % {
        "first": _long_date(weeks[0].start),
        "last": _long_date(weeks[-1].start),
        "total": total,
        "most": busiest.enrolments,
        "busiest": _long_date(busiest.start),
    }
    bars = []
    for week in weeks:
        detail = ngettext(
            "Week of %(day)s: %(n)d enrolment", "Week of %(day)s: %(n)d enrolments", week.enrolments
        ) % {"day": _long_date(week.start), "n": week.enrolments}
        bars.append(Bar(label=_short_date(week.start), value=week.enrolments, detail=detail))
    return column_chart(
        chart_id="enrolments-chart",
        title=_("Enrolments per week"),
        description=description,
        bars=bars,
        label_every=4 if len(bars) > 8 else 1,
    )


def _lessons_chart(lessons: list[LessonProgress], enrolled: int) -> SafeString:
    description = _(
        "For each lesson in course order, how many of the %(enrolled)d practitioners enrolled "
        "have completed it: from %(first)d on the first lesson to %(last)d on the last."
    ) % {"enrolled": enrolled, "first": lessons[0].completed, "last": lessons[-1].completed}
    bars = []
    for number, row in enumerate(lessons, start=1):
        shown = (
            f"{row.completed} ({row.percent:.0f}%)"
            if row.percent is not None
            else f"{row.completed}"
        )
        label = f"{number}. {row.lesson.title}"
        bars.append(
            Bar(label=label, value=row.completed, value_text=shown, detail=f"{label}: {shown}")
        )
    return bar_chart(
        chart_id="lessons-chart",
        title=_("Practitioners who completed each lesson"),
        description=description,
        bars=bars,
        maximum=enrolled,
    )


@require_GET
def course_insight(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = _taught_course(request, course)
    now = timezone.now()
    summary = course_summary(course_obj, now=now)
    weeks = enrolments_by_week(
        course_obj, since=summary.first_enrolled_at, today=timezone.localdate(now)
    )
    lessons = lesson_progress(course_obj, enrolled=summary.enrolled)
    context = {
        "course": course_obj,
        "summary": summary,
        "active_days": ACTIVE_DAYS,
        "weeks": weeks,
        "weeks_chart": _weeks_chart(weeks) if weeks else "",
        "lessons": lessons,
        "lessons_chart": _lessons_chart(lessons, summary.enrolled) if lessons else "",
        "quizzes": quiz_results(course_obj),
    }
    return render(request, "courses/teach/insight/dashboard.html", context)


# --- CSV exports -------------------------------------------------------------------------------


def _csv_response(filename: str, lines: Iterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Names and e-mail addresses: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _newest_certificate(field: str) -> Subquery:
    return Subquery(
        Certificate.objects.filter(enrollment=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def _status_label(status: str | None) -> str:
    return str(Certificate.Status(status).label) if status else ""


def _progress_rows(course: Course, required_total: int) -> Iterator[list[object]]:
    rows: QuerySet[Enrollment, tuple[object, ...]] = (
        Enrollment.objects.filter(course=course)
        .annotate(
            required_done=count_of(
                LessonCompletion.objects.filter(
                    enrollment=OuterRef("pk"), lesson__required=True, lesson__published=True
                )
            ),
            certificate_code=_newest_certificate("code"),
            certificate_status=_newest_certificate("status"),
        )
        .order_by("enrolled_at", "pk")
        .values_list(
            "practitioner__full_name",
            "practitioner__email",
            "enrolled_at",
            "required_done",
            "completed_at",
            "certificate_code",
            "certificate_status",
        )
    )
    for name, email, enrolled_at, done, completed_at, code, status in rows.iterator(
        chunk_size=CSV_CHUNK
    ):
        # The learner's own pages count a completed course as 100% even when a lesson was
        # added after they finished; the export agrees with what they see.
        if completed_at is not None:
            percent = 100
        else:
            percent = round(100 * done / required_total) if required_total else 0  # type: ignore[operator]
        yield [
            name,
            email,
            enrolled_at,
            f"{done} / {required_total}",
            percent,
            completed_at,
            code,
            _status_label(status),  # type: ignore[arg-type]
        ]


@require_GET
def export_progress(request: HttpRequest, course: str) -> StreamingHttpResponse:
    course_obj = _taught_course(request, course)
    required_total = Lesson.objects.published().filter(course=course_obj, required=True).count()
    header = [
        _("Practitioner"),
        _("E-mail"),
        _("Enrolled"),
        _("Required lessons done"),
        _("Percent"),
        _("Completed"),
        _("Certificate"),
        _("Certificate status"),
    ]
    return _csv_response(
        f"{course_obj.slug}-progress.csv",
        write_rows(header, _progress_rows(course_obj, required_total)),
    )


def _quiz_result_rows(course: Course) -> Iterator[list[object]]:
    rows = (
        Attempt.objects.filter(quiz__lesson__course=course, submitted_at__isnull=False)
        .order_by(
            *(f"quiz__lesson__{field}" for field in LESSON_ORDER),
            "practitioner__full_name",
            "practitioner_id",
            "number",
        )
        .values_list(
            "practitioner__full_name",
            "practitioner__email",
            "quiz__lesson__title",
            "number",
            "started_at",
            "submitted_at",
            "score",
            "passed",
        )
    )
    for row in rows.iterator(chunk_size=CSV_CHUNK):
        yield list(row)


@require_GET
def export_quiz_results(request: HttpRequest, course: str) -> StreamingHttpResponse:
    course_obj = _taught_course(request, course)
    header = [
        _("Practitioner"),
        _("E-mail"),
        _("Lesson"),
        _("Attempt"),
        _("Started"),
        _("Submitted"),
        _("Score (%)"),
        _("Passed"),
    ]
    return _csv_response(
        f"{course_obj.slug}-quiz-results.csv", write_rows(header, _quiz_result_rows(course_obj))
    )


def _certificate_rows(course: Course) -> Iterator[list[object]]:
    rows = (
        Certificate.objects.filter(course=course)
        .order_by("-created_at", "-id")
        .values_list(
            "code",
            "enrollment__practitioner__full_name",
            "enrollment__practitioner__email",
            "status",
            "created_at",
            "issued_at",
            "revoked_at",
            "revocation_reason",
            "superseded_by__code",
            "blocked_reason",
            "last_error",
        )
    )
    for code, name, email, status, *rest in rows.iterator(chunk_size=CSV_CHUNK):
        yield [code, name, email, _status_label(status), *rest]


@require_GET
def export_certificates(request: HttpRequest, course: str) -> StreamingHttpResponse:
    course_obj = _taught_course(request, course)
    header = [
        _("Code"),
        _("Practitioner"),
        _("E-mail"),
        _("Status"),
        _("Created"),
        _("Issued"),
        _("Revoked"),
        _("Revocation reason"),
        _("Superseded by"),
        _("Blocked reason"),
        _("Last error"),
    ]
    return _csv_response(
        f"{course_obj.slug}-certificates.csv", write_rows(header, _certificate_rows(course_obj))
    )
