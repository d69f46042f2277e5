"""Item statistics of quizzes: computed by a task after submissions, read by the instructors' page
(courses/selectors/statistics.py).

Attempts counted: each practitioner's first submitted attempt (Moodle's default). Later attempts
are sat after the review page may have shown the answers and after practising the same
questions, so they measure memory of the key more than the item; and counting one attempt per
practitioner keeps a few repeaters from outweighing everyone else.
"""

import json
import logging
from collections import Counter
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from courses.caching import statistics_queued_key
from courses.lib.item_statistics import count_answers, item_statistics
from courses.models import Attempt, QuestionStatistic, QuestionVersion, Quiz, Response
from courses.services.background import MAX_RETRIES, TRANSIENT

logger = logging.getLogger(__name__)

Kind = QuestionVersion.Kind

# Submissions queue at most one computation per quiz in this many seconds.
QUEUE_GUARD_SECONDS = 60
# The refresh sweep looks back this far before a quiz's last computation: a submission that
# committed while that computation was reading carries a time a moment before it.
REFRESH_OVERLAP = timedelta(minutes=2)

_UPDATED = ["responses", "facility", "discrimination", "choice_counts", "computed_at"]


def first_attempts(quiz: Quiz) -> QuerySet[Attempt]:
    """Each practitioner's first submitted attempt at the quiz."""
    submitted = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
    earlier = submitted.filter(practitioner=OuterRef("practitioner"), number__lt=OuterRef("number"))
    return submitted.filter(~Exists(earlier))


def compute_quiz_statistics(*, quiz: Quiz) -> list[QuestionStatistic]:
    """Recompute and store the statistics of every scored version of the quiz, in quiz order.
    Safe to call repeatedly and at once: computations of one quiz take turns."""
    with transaction.atomic():
        # Not a key lock, so attempts can still be inserted against the quiz meanwhile.
        Quiz.objects.select_for_update(no_key=True).filter(pk=quiz.pk).exists()
        computed_at = timezone.now()
        versions = list(
            QuestionVersion.objects.filter(question__quiz=quiz)
            .exclude(kind=Kind.DESCRIPTION)
            .order_by("question__position", "question_id", "-number")
            .values_list("pk", "kind", "points")
        )
        # Floats from the database and answers as their JSON text: converting 200,000 Decimals
        # and decoding as many JSON values would cost more than the statistics themselves.
        rows = list(
            Response.objects.filter(
                attempt__in=first_attempts(quiz), points__isnull=False
            ).values_list(
                "attempt_id",
                "version_id",
                Cast("points", FloatField()),
                Cast("answer", TextField()),
            )
        )
        # Read after the responses: an attempt submitted in between adds a total no row needs,
        # rather than rows without a total.
        totals = {
            pk: (points or 0.0, max_points or 0.0)
            for pk, points, max_points in first_attempts(quiz).values_list(
                "pk", Cast("points", FloatField()), Cast("max_points", FloatField())
            )
        }
        computed = item_statistics(
            ((attempt_id, version_id, points) for attempt_id, version_id, points, _ in rows),
            {pk: float(points) for pk, _kind, points in versions},
            totals,
        )
        given: dict[int, list[tuple[object, int]]] = {pk: [] for pk, _kind, _points in versions}
        for (version_id, text), n in Counter((row[1], row[3]) for row in rows).items():
            if version_id in given:
                given[version_id].append((None if text is None else json.loads(text), n))
        statistics = []
        for pk, kind, _points in versions:
            item = computed.get(pk)
            statistics.append(
                QuestionStatistic(
                    version_id=pk,
                    responses=item.responses if item else 0,
                    facility=item.facility if item else None,
                    discrimination=item.discrimination if item else None,
                    choice_counts=count_answers(kind, given[pk]),
                    computed_at=computed_at,
                )
            )
        QuestionStatistic.objects.bulk_create(
            statistics, update_conflicts=True, unique_fields=["version"], update_fields=_UPDATED
        )
    return statistics


def queue_quiz_statistics(*, quiz_id: int, now: bool = False) -> bool:
    """Have the quiz's statistics recomputed once the transaction commits: at most once a minute
    per quiz, or at once with `now`. Never raises for a cache that is away (the sweep catches
    up). Returns whether a computation was queued."""
    try:
        if now:
            cache.set(statistics_queued_key(quiz_id), 1, QUEUE_GUARD_SECONDS)
        elif not cache.add(statistics_queued_key(quiz_id), 1, QUEUE_GUARD_SECONDS):
            return False
    except Exception:
        # A submission must not fail for a cache outage; the refresh sweep recomputes later.
        logger.warning(
            "cache unavailable: statistics of quiz %s not queued", quiz_id, exc_info=True
        )
        if not now:
            return False
    compute_quiz_statistics_task.delay_on_commit(quiz_id)  # type: ignore[attr-defined]
    return True


def quizzes_to_refresh() -> list[int]:
    """Ids of quizzes with submissions since (or shortly before) their last computation."""
    latest_submission = (
        Attempt.objects.filter(quiz=OuterRef("pk"), submitted_at__isnull=False)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    latest_computation = (
        QuestionStatistic.objects.filter(version__question__quiz=OuterRef("pk"))
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    return list(
        Quiz.objects.annotate(
            submitted=Subquery(latest_submission), computed=Subquery(latest_computation)
        )
        .filter(submitted__isnull=False)
        .filter(Q(computed__isnull=True) | Q(submitted__gt=F("computed") - REFRESH_OVERLAP))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- tasks -------------------------------------------------------------------------------------


@shared_task(
    name="courses.tasks.compute_quiz_statistics",
    acks_late=True,
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=5,
    retry_backoff_max=300,
)
def compute_quiz_statistics_task(quiz_id: int) -> None:
    """Recompute a quiz's item statistics; a quiz deleted meanwhile is skipped."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is not None:
        compute_quiz_statistics(quiz=quiz)


@shared_task(name="courses.tasks.refresh_quiz_statistics", acks_late=True, expires=290)
def refresh_quiz_statistics() -> int:
    """Every five minutes (beat): recompute quizzes submitted to since their last computation,
    whose queued computation was skipped or lost."""
    ids = quizzes_to_refresh()
    for quiz_id in ids:
        compute_quiz_statistics_task.delay(quiz_id)
    return len(ids)
