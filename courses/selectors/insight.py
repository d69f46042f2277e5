"""Course insight figures as the dashboard shows them: who enrols, how far practitioners get, how
quizzes go. Computed here, kept and refreshed by courses/services/insight.py. Each computation
runs a fixed number of queries, however many practitioners, lessons or quizzes."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    F,
    Min,
    OuterRef,
    Q,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from courses.models import Attempt, Course, Enrollment, Lesson, LessonCompletion, Quiz
from courses.models.catalog import count_of

WEEKS_SHOWN = 26
ACTIVE_DAYS = 30
LESSON_ORDER = ("module__position", "module_id", "position", "id")


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


class Median(Aggregate):
    """PostgreSQL's median of a column; NULLs (enrollments not completed) are left out."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def course_summary(course: Course, *, now: datetime) -> Summary:
    """One query on PostgreSQL, which computes the median itself; SQLite, the first-run database,
    has no percentile function, so there a second query loads the completed enrollments' dates
    (bench/scale.py: 137 ms -> 60 ms p95 on a course of 10,700 enrollments)."""
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
    in_database = connection.vendor == "postgresql"
    figures: dict[str, Any] = {
        "enrolled": Count("pk"),
        "completed": Count("pk", filter=Q(completed_at__isnull=False)),
        "active": Count(
            "pk",
            filter=Q(completed_at__isnull=True)
            & (Q(pk__in=recent_lessons) | Q(practitioner__in=recent_attempts)),
        ),
        "first": Min("enrolled_at"),
    }
    if in_database:
        figures["median"] = Median(
            F("completed_at") - F("enrolled_at"), output_field=DurationField()
        )
    counts = enrollments.aggregate(**figures)
    if in_database:
        median = counts["median"]
        median_days = median.total_seconds() / 86400 if median is not None else None
    else:
        days = [
            (completed_at - enrolled_at).total_seconds() / 86400
            for enrolled_at, completed_at in enrollments.completed().values_list(
                "enrolled_at", "completed_at"
            )
            if completed_at is not None
        ]
        median_days = statistics.median(days) if days else None
    return Summary(
        enrolled=counts["enrolled"],
        active=counts["active"],
        completed=counts["completed"],
        first_enrolled_at=counts["first"],
        median_days=median_days,
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
        return count_of(
            Attempt.objects.filter(quiz=OuterRef("pk"), **filters), distinct="practitioner"
        )

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


@dataclass(frozen=True)
class Figures:
    computed_at: datetime
    summary: Summary
    weeks: list[Week]
    lessons: list[LessonProgress]
    quizzes: list[QuizResults]


def compute_figures(course: Course, *, now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    summary = course_summary(course, now=now)
    return Figures(
        computed_at=now,
        summary=summary,
        weeks=enrolments_by_week(
            course, since=summary.first_enrolled_at, today=timezone.localdate(now)
        ),
        lessons=lesson_progress(course, enrolled=summary.enrolled),
        quizzes=quiz_results(course),
    )
