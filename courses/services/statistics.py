"""Item statistics of quizzes: computed by a task after submissions, read by the instructors' page.

Attempts counted: each practitioner's first submitted attempt (Moodle's default). Later attempts
are sat after the review page may have shown the answers and after practising the same
questions, so they measure memory of the key more than the item; and counting one attempt per
practitioner keeps a few repeaters from outweighing everyone else.
"""

import html
import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from courses.lib.item_statistics import (
    CHOICE_KINDS,
    NO_ANSWER,
    TEXT_KINDS,
    Flag,
    count_answers,
    flags,
    item_statistics,
)
from courses.lib.scoring import normalise, score
from courses.models import Attempt, Choice, QuestionStatistic, QuestionVersion, Quiz, Response
from courses.services.background import MAX_RETRIES, TRANSIENT

logger = logging.getLogger(__name__)

Kind = QuestionVersion.Kind

# Submissions queue at most one computation per quiz in this many seconds.
QUEUE_GUARD_SECONDS = 60
# The refresh sweep looks back this far before a quiz's last computation: a submission that
# committed while that computation was reading carries a time a moment before it.
REFRESH_OVERLAP = timedelta(minutes=2)

_UPDATED = ["responses", "facility", "discrimination", "choice_counts", "computed_at"]


def _queue_key(quiz_id: int) -> str:
    return f"stats-queued:{quiz_id}"


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
            cache.set(_queue_key(quiz_id), 1, QUEUE_GUARD_SECONDS)
        elif not cache.add(_queue_key(quiz_id), 1, QUEUE_GUARD_SECONDS):
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


# --- the page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagNote:
    code: Flag
    label: str | Promise
    explanation: str | Promise


FLAG_NOTES = {
    Flag.TOO_EASY: FlagNote(
        Flag.TOO_EASY,
        _("Too easy"),
        _(
            "More than 90% of the points were scored. The question shows little about who has "
            "learned the material; keep it as a warm-up or make it more demanding."
        ),
    ),
    Flag.TOO_HARD: FlagNote(
        Flag.TOO_HARD,
        _("Too hard"),
        _(
            "Fewer than 30% of the points were scored. Check the wording, the answer key and "
            "whether the lesson teaches this."
        ),
    ),
    Flag.WEAK_DISCRIMINATION: FlagNote(
        Flag.WEAK_DISCRIMINATION,
        _("Weak discrimination: check the answer key"),
        _(
            "Practitioners who did well on the rest of the quiz did hardly better on this "
            "question than those who did poorly. An unclear wording or key is the usual cause."
        ),
    ),
    Flag.NEGATIVE_DISCRIMINATION: FlagNote(
        Flag.NEGATIVE_DISCRIMINATION,
        _("Negative discrimination: the answer key may be wrong"),
        _(
            "Practitioners who did poorly on the rest of the quiz did better on this question "
            "than those who did well. Check which answer is marked right."
        ),
    ),
}


@dataclass(frozen=True)
class AnswerCount:
    """One row of an item's answer breakdown."""

    label: str
    count: int
    share: float  # of the item's responses, 0..1
    right: bool  # part of the answer key
    partial: bool = False  # earns some of the points, not all (short and numerical answers)
    weight: Decimal | None = None  # the share of the points the choice earns (choice kinds)

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def weight_percent(self) -> int | None:
        return None if self.weight is None else round(self.weight * 100)

    @property
    def bar_width(self) -> float:
        """The bar's width in a 0-100 SVG viewBox."""
        return round(self.share * 100, 1)


@dataclass(frozen=True)
class MatchedItem:
    """A matching question's item, with the answers it was paired with: the right one first."""

    prompt: str
    answers: list[AnswerCount]


@dataclass(frozen=True)
class ItemReport:
    number: int  # the question's place in the quiz, from 1
    version: QuestionVersion
    is_current: bool
    statistic: QuestionStatistic | None
    flags: list[FlagNote]
    answers: list[AnswerCount] = field(default_factory=list)  # choice, short and numerical
    matched: list[MatchedItem] = field(default_factory=list)  # matching
    other_answers: int = 0  # short and numerical answers outside the most frequent ones
    unanswered: AnswerCount | None = None
    accepted: list[Choice] = field(default_factory=list)  # short and numerical answer key

    @property
    def short_prompt(self) -> str:
        """The version's name, or the start of its prompt as plain text."""
        text = self.version.name or html.unescape(strip_tags(self.version.prompt_html))
        return Truncator(" ".join(text.split())).chars(70)

    @property
    def answer_kind(self) -> str:
        """How the answers are broken down: "choice", "matching" or "text"."""
        kind = self.version.kind
        return "choice" if kind in CHOICE_KINDS else "text" if kind in TEXT_KINDS else str(kind)

    @property
    def responses(self) -> int:
        return self.statistic.responses if self.statistic else 0

    @property
    def facility_percent(self) -> int | None:
        facility = self.statistic.facility if self.statistic else None
        return None if facility is None else round(facility * 100)

    @property
    def discrimination(self) -> float | None:
        return self.statistic.discrimination if self.statistic else None


@dataclass(frozen=True)
class StatisticsReport:
    items: list[ItemReport]
    computed_at: datetime | None


def quiz_statistics_report(*, quiz: Quiz) -> StatisticsReport:
    """The stored statistics of the quiz's scored versions, in quiz order, newest version first.
    Two queries, whatever the number of attempts."""
    versions = list(
        QuestionVersion.objects.filter(question__quiz=quiz)
        .exclude(kind=Kind.DESCRIPTION)
        .select_related("question", "statistic")
        .prefetch_related("choices")
        .order_by("question__position", "question_id", "-number")
    )
    items: list[ItemReport] = []
    question_ids: list[int] = []
    for version in versions:
        is_current = not question_ids or question_ids[-1] != version.question_id
        if is_current:
            question_ids.append(version.question_id)
        statistic = getattr(version, "statistic", None)
        items.append(_item_report(len(question_ids), version, is_current, statistic))
    stamps = [item.statistic.computed_at for item in items if item.statistic]
    return StatisticsReport(items=items, computed_at=max(stamps) if stamps else None)


def _item_report(
    number: int, version: QuestionVersion, is_current: bool, statistic: QuestionStatistic | None
) -> ItemReport:
    choices = list(version.choices.all())
    counts: dict[str, int] = statistic.choice_counts if statistic else {}
    responses = statistic.responses if statistic else 0

    def row(label: str, count: int, **marks: Any) -> AnswerCount:
        return AnswerCount(label, count, count / responses if responses else 0.0, **marks)

    report = ItemReport(
        number=number,
        version=version,
        is_current=is_current,
        statistic=statistic,
        flags=[FLAG_NOTES[code] for code in flags(statistic.facility, statistic.discrimination)]
        if statistic
        else [],
        unanswered=row(str(_("No answer")), counts[NO_ANSWER], right=False)
        if counts.get(NO_ANSWER)
        else None,
    )
    if version.kind in CHOICE_KINDS:
        answers = [
            row(c.text, counts.get(str(c.pk), 0), right=c.fraction > 0, weight=c.fraction)
            for c in choices
        ]
        return replace(report, answers=answers)
    if version.kind == Kind.MATCHING:
        return replace(report, matched=_matched_items(choices, counts, row))
    if version.kind in TEXT_KINDS:
        given = sorted(
            ((text, n) for text, n in counts.items() if text != NO_ANSWER),
            key=lambda pair: (-pair[1], pair[0]),
        )
        answers = []
        for text, n in given:
            credit = score(version.kind, choices, text).fraction
            answers.append(row(text, n, right=credit >= 1, partial=0 < credit < 1))
        shown = counts.get(NO_ANSWER, 0) + sum(n for _text, n in given)
        return replace(
            report,
            answers=answers,
            other_answers=max(responses - shown, 0),
            accepted=[c for c in choices if c.fraction > 0],
        )
    return report


def _matched_items(
    choices: list[Choice], counts: dict[str, int], row: Callable[..., AnswerCount]
) -> list[MatchedItem]:
    by_id = {str(c.pk): c for c in choices}
    matched = []
    for prompt in (c for c in choices if c.match_prompt):
        prefix = f"{prompt.pk}:"
        picked: dict[str, int] = {prompt.text: 0}
        for key, n in counts.items():
            answer = by_id.get(key[len(prefix) :]) if key.startswith(prefix) else None
            if answer is not None:
                picked[answer.text] = picked.get(answer.text, 0) + n
        right = normalise(prompt.text)
        ordered = sorted(
            picked.items(), key=lambda pair: (normalise(pair[0]) != right, -pair[1], pair[0])
        )
        answers = [row(text, n, right=normalise(text) == right) for text, n in ordered]
        matched.append(MatchedItem(prompt.match_prompt, answers))
    return matched


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
