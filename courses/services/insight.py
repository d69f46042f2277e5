"""Course insight figures kept for the dashboard (courses/selectors/insight.py computes them).

Computing them reads every enrollment, completion and attempt of the course (about 60 ms for a
course of 10,700 enrollments, bench/scale.py), so the dashboard shows figures computed at most
`COURSE_INSIGHT_FRESH_SECONDS` ago, kept in the cache: an older set is shown, dated, while a worker
computes the next (stale-while-revalidate, as the quiz item statistics are). Only a course nobody
looked at for a day, or whose lessons changed since, is computed during the request."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from courses.caching import insight_figures_key, insight_queued_key
from courses.models import Course
from courses.selectors.insight import Figures, compute_figures

KEPT_SECONDS = 24 * 3600
# One refresh queued at a time; a lost one is queued again by the first view after this.
QUEUED_SECONDS = 300


def refresh_figures(course: Course) -> Figures:
    """Compute the figures and keep them for the dashboard (the worker's side)."""
    figures = compute_figures(course)
    cache.set(insight_figures_key(course), figures, KEPT_SECONDS)
    cache.delete(insight_queued_key(course))
    return figures


def forget_figures(course: Course) -> None:
    cache.delete_many([insight_figures_key(course), insight_queued_key(course)])


def course_figures(course: Course) -> tuple[Figures, bool]:
    """The figures to show and whether newer ones are being computed. Fresh ones are shown as
    they are; older ones are shown while one refresh is queued (once, however many views)."""
    figures: Figures | None = cache.get(insight_figures_key(course))
    if figures is None:
        return refresh_figures(course), False
    age = timezone.now() - figures.computed_at
    if age.total_seconds() <= settings.COURSE_INSIGHT_FRESH_SECONDS:
        return figures, False
    if cache.add(insight_queued_key(course), True, QUEUED_SECONDS):
        refresh_course_insight.delay_on_commit(course.pk)  # type: ignore[attr-defined]
    return figures, True


# --- tasks -------------------------------------------------------------------------------------


@shared_task(name="courses.tasks.refresh_course_insight", acks_late=True, expires=600)
def refresh_course_insight(course_id: int) -> None:
    """Compute a course's insight figures for its dashboard; a course deleted meanwhile is
    skipped. A lost run costs nothing: the next view of the dashboard queues another."""
    course = Course.objects.filter(pk=course_id).first()
    if course is not None:
        refresh_figures(course)
