"""Course insight for the course's instructors and staff: who enrols, how far practitioners get,
how quizzes go; and the same records as CSV files for a spreadsheet.

Every page runs a fixed number of queries, however many practitioners, lessons or quizzes."""

from collections.abc import Iterator
from datetime import date

from django.db.models import (
    OuterRef,
    QuerySet,
    Subquery,
)
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from courses import rules
from courses.lib.charts import Bar, bar_chart, column_chart
from courses.lib.csv_export import write_rows
from courses.models import (
    Attempt,
    Certificate,
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
)
from courses.models.catalog import count_of
from courses.permissions import Action
from courses.selectors.insight import ACTIVE_DAYS, LESSON_ORDER, LessonProgress, Week
from courses.services.insight import course_figures
from teach.access import course_permission_required

CSV_CHUNK = 500


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
@course_permission_required(Action.VIEW_INSIGHT)
def course_insight(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    figures, refreshing = course_figures(course_obj)
    summary = figures.summary
    context = {
        "course": course_obj,
        "computed_at": figures.computed_at,
        "refreshing": refreshing,
        "summary": summary,
        "active_days": ACTIVE_DAYS,
        "weeks": figures.weeks,
        "weeks_chart": _weeks_chart(figures.weeks) if figures.weeks else "",
        "lessons": figures.lessons,
        "lessons_chart": (
            _lessons_chart(figures.lessons, summary.enrolled) if figures.lessons else ""
        ),
        "quizzes": figures.quizzes,
    }
    return render(request, "teach/insight/dashboard.html", context)


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
        # added after they finished; the export agrees with what they see (courses.rules).
        completed = completed_at is not None
        percent = rules.progress_percent(done, required_total, completed=completed)  # type: ignore[arg-type]
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
@course_permission_required(Action.VIEW_INSIGHT)
def export_progress(
    request: HttpRequest, course: str, *, course_obj: Course
) -> StreamingHttpResponse:
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
@course_permission_required(Action.VIEW_INSIGHT)
def export_quiz_results(
    request: HttpRequest, course: str, *, course_obj: Course
) -> StreamingHttpResponse:
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
@course_permission_required(Action.VIEW_INSIGHT)
def export_certificates(
    request: HttpRequest, course: str, *, course_obj: Course
) -> StreamingHttpResponse:
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
