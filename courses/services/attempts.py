import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from academy.models import User
from courses.lib.outline import State, build_outline
from courses.lib.scoring import (
    ANSWER_MAX_LENGTH,
    NUMBER_EXPONENT_LIMIT,
    number_out_of_range,
    score,
)
from courses.models import Attempt, Choice, Enrollment, QuestionVersion, Quiz, Response
from courses.selectors.progress import published_lessons
from courses.services.progress import LessonLockedError, NotEnrolledError, record_quiz_pass
from courses.services.statistics import queue_quiz_statistics

_shuffler = random.SystemRandom()


class AttemptsExhaustedError(Exception):
    """Every attempt the quiz allows has been used."""


class AttemptClosedError(Exception):
    """The attempt was submitted, or its time is up: answers can no longer change."""


class AnswerRejectedError(Exception):
    """The answer names a question or an option that is not part of this attempt."""


class AnswerInvalidError(AnswerRejectedError):
    """A typed answer the practitioner can correct: too long, or a number too large to grade."""


def current_versions(quiz: Quiz) -> list[QuestionVersion]:
    """The newest version of each of the quiz's questions, in quiz order."""
    newest: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question__quiz=quiz).order_by(
        "question__position", "question_id", "-number"
    ):
        newest.setdefault(version.question_id, version)
    return list(newest.values())


def draw_layout(quiz: Quiz) -> list[dict[str, Any]]:
    versions = current_versions(quiz)
    if quiz.shuffle_questions:
        _shuffler.shuffle(versions)
    if quiz.draw_count:
        versions = versions[: quiz.draw_count]
    choices: dict[int, list[int]] = {}
    prompts: dict[int, list[int]] = {}
    for choice in Choice.objects.filter(version__in=versions).order_by("position", "id"):
        choices.setdefault(choice.version_id, []).append(choice.pk)
        if choice.match_prompt:
            prompts.setdefault(choice.version_id, []).append(choice.pk)
    layout = []
    for version in versions:
        ids = choices.get(version.pk, [])
        if quiz.shuffle_choices and version.kind != QuestionVersion.Kind.TRUE_FALSE:
            _shuffler.shuffle(ids)
        item: dict[str, Any] = {"version": version.pk, "choices": ids}
        if version.kind == QuestionVersion.Kind.MATCHING:
            item["prompts"] = prompts.get(version.pk, [])
        layout.append(item)
    return layout


@transaction.atomic
def start_attempt(*, practitioner: User, quiz: Quiz) -> Attempt:
    """Start an attempt, or resume the open one. The practitioner's enrollment row is locked, so
    two starts at once cannot exceed the attempts allowed."""
    lesson = quiz.lesson
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(practitioner=practitioner, course_id=lesson.course_id)
        .first()
    )
    if enrollment is None:
        raise NotEnrolledError
    open_attempt = Attempt.objects.open().filter(practitioner=practitioner, quiz=quiz).first()
    if open_attempt is not None:
        if not _expired(open_attempt):
            return open_attempt
        _grade(open_attempt)
    if lesson.course.order_required:
        outline = build_outline(
            lessons=published_lessons(lesson.course),
            completed_ids=enrollment.completions.values_list("lesson_id", flat=True),
            order_required=True,
        )
        entry = outline.entry(lesson)
        if entry.state is State.LOCKED:
            raise LessonLockedError(entry.locked_reason)
    used = Attempt.objects.filter(practitioner=practitioner, quiz=quiz).count()
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise AttemptsExhaustedError
    now = timezone.now()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                practitioner=practitioner,
                quiz=quiz,
                number=used + 1,
                started_at=now,
                deadline_at=deadline,
                layout=draw_layout(quiz),
            )
    except IntegrityError:  # another start won the race
        return Attempt.objects.open().get(practitioner=practitioner, quiz=quiz)


def _expired(attempt: Attempt, now: datetime | None = None) -> bool:
    return attempt.deadline_at is not None and (now or timezone.now()) > attempt.deadline_at


def clean_answer(attempt: Attempt, version: QuestionVersion, raw: Any) -> Any:
    """The answer in stored form, or AnswerRejectedError when it names anything outside the
    attempt's own options for that question."""
    item = next((i for i in attempt.layout if int(i["version"]) == version.pk), None)
    if item is None:
        raise AnswerRejectedError("That question is not part of this attempt.")
    allowed = {int(c) for c in item["choices"]}
    kind = version.kind

    def ids(values: list[Any]) -> list[int]:
        try:
            picked = [int(v) for v in values if str(v) != ""]
        except (TypeError, ValueError) as exc:
            raise AnswerRejectedError("An answer is not one of the options.") from exc
        if not set(picked) <= allowed:
            raise AnswerRejectedError("An answer is not one of this question's options.")
        return picked

    if kind in {QuestionVersion.Kind.SINGLE, QuestionVersion.Kind.TRUE_FALSE}:
        picked = ids(raw if isinstance(raw, list) else [raw])
        if len(picked) > 1:
            raise AnswerRejectedError("Choose one answer.")
        return picked
    if kind == QuestionVersion.Kind.MULTIPLE:
        return ids(raw if isinstance(raw, list) else [raw])
    if kind in {QuestionVersion.Kind.SHORT_ANSWER, QuestionVersion.Kind.NUMERICAL}:
        return _typed_answer(kind, raw[0] if isinstance(raw, list) and raw else raw)
    if kind == QuestionVersion.Kind.MATCHING:
        if not isinstance(raw, dict):
            raise AnswerRejectedError("Match each item.")
        prompts = {int(p) for p in item.get("prompts", [])}
        cleaned: dict[str, int] = {}
        for prompt, picked_id in raw.items():
            if _as_id(prompt) not in prompts:
                raise AnswerRejectedError("That item is not part of this question.")
            chosen = ids([picked_id])
            if chosen:
                cleaned[str(_as_id(prompt))] = chosen[0]
        return cleaned
    raise AnswerRejectedError("This question takes no answer.")


def _typed_answer(kind: str, raw: Any) -> str:
    """A short or numerical answer as stored: refused rather than cut when it is too long, and
    a number refused when it is too large or too small to grade (1e1000000 would otherwise be
    kept and counted as a plain wrong answer, which the practitioner never sees coming)."""
    text = str(raw or "")
    if len(text) > ANSWER_MAX_LENGTH:
        raise AnswerInvalidError(
            f"An answer can be at most {ANSWER_MAX_LENGTH} characters; shorten it and try again."
        )
    if kind == QuestionVersion.Kind.NUMERICAL and number_out_of_range(text):
        raise AnswerInvalidError(
            f"The number {text.strip()[:40]} is too large or too small to grade: answers must "
            f"lie between 10^-{NUMBER_EXPONENT_LIMIT} and 10^{NUMBER_EXPONENT_LIMIT}. Write it "
            "in plain form (e.g. 2.5) and try again."
        )
    return text


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def save_answers(*, attempt: Attempt, answers: dict[int, Any]) -> None:
    """Store answers while the attempt is open: all of them, or (if any is rejected) none."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open or _expired(attempt):
        raise AttemptClosedError
    versions = QuestionVersion.objects.in_bulk(list(answers))
    if set(answers) - set(versions) or not set(answers) <= set(attempt.version_ids):
        raise AnswerRejectedError("That question is not part of this attempt.")
    cleaned = {vid: clean_answer(attempt, versions[vid], raw) for vid, raw in answers.items()}
    existing = {r.version_id: r for r in attempt.responses.filter(version_id__in=cleaned)}
    now = timezone.now()
    for version_id, response in existing.items():
        response.answer, response.saved_at = cleaned[version_id], now
    if existing:
        Response.objects.bulk_update(existing.values(), ["answer", "saved_at"])
    Response.objects.bulk_create(
        Response(attempt=attempt, version_id=version_id, answer=answer)
        for version_id, answer in cleaned.items()
        if version_id not in existing
    )


@transaction.atomic
def submit_attempt(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade the attempt on the server. Safe to call repeatedly: it is graded once."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz__lesson__course", "practitioner")
        .get(pk=attempt.pk)
    )
    if not attempt.is_open:
        return attempt
    return _grade(attempt, now)


def is_time_up(attempt: Attempt, now: datetime | None = None) -> bool:
    """An open attempt whose time limit has passed: it takes no more answers and waits to be
    graded, by its submit or by the sweep, never by a page that only shows it."""
    return attempt.is_open and _expired(attempt, now)


def expired_attempts(now: datetime) -> "QuerySet[Attempt]":
    """Open attempts whose time is up, the earliest deadline first (read through the partial
    index attempt_open_deadline, which holds only open timed attempts)."""
    return Attempt.objects.open().filter(deadline_at__lt=now).order_by("deadline_at")


def close_expired_attempts(*, now: datetime | None = None, limit: int = 500) -> int:
    """Grade open attempts whose time is up (the beat sweep): what was saved before the limit
    counts, submitted at the deadline. Each is graded under its own lock, so a submit arriving
    at the same moment grades it once. Returns how many were graded here."""
    now = now or timezone.now()
    ids = list(expired_attempts(now).values_list("pk", flat=True)[:limit])
    graded = 0
    for attempt_id in ids:
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("quiz__lesson__course", "practitioner")
                .filter(pk=attempt_id, submitted_at__isnull=True)
                .first()
            )
            if attempt is not None:
                _grade(attempt, now)
                graded += 1
    return graded


def _grade(attempt: Attempt, now: datetime | None = None) -> Attempt:
    now = now or timezone.now()
    # Plain rows, not model instances: grading reads these fields only.
    versions = {
        row.pk: row
        for row in QuestionVersion.objects.filter(pk__in=attempt.version_ids).values_list(
            "pk", "kind", "points", named=True
        )
    }
    choices: dict[int, list[Any]] = {}
    for choice in Choice.objects.filter(version_id__in=attempt.version_ids).values_list(
        "pk",
        "version_id",
        "text",
        "fraction",
        "numeric_value",
        "tolerance",
        "match_prompt",
        named=True,
    ):
        choices.setdefault(choice.version_id, []).append(choice)
    answers = dict(attempt.responses.values_list("version_id", "answer"))
    graded: list[Response] = []
    total = earned = Decimal("0")
    for version_id in attempt.version_ids:
        version = versions[version_id]
        if version.kind == QuestionVersion.Kind.DESCRIPTION:
            continue
        total += version.points
        answer = answers.get(version_id)
        result = score(version.kind, choices.get(version_id, []), answer)
        points = (version.points * result.fraction).quantize(Decimal("0.01"))
        earned += points
        graded.append(
            Response(
                attempt=attempt,
                version_id=version_id,
                answer=answer,
                points=points,
                correct=result.fraction >= 1,
            )
        )
    # One statement whatever the number of questions: insert, or update what autosave stored.
    Response.objects.bulk_create(
        graded,
        update_conflicts=True,
        unique_fields=["attempt", "version"],
        update_fields=["points", "correct"],
    )
    attempt.points, attempt.max_points = earned, total
    percent = (earned * 100 / total) if total else Decimal("100")
    attempt.score = percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.submitted_at = min(now, attempt.deadline_at) if attempt.deadline_at else now
    attempt.save(update_fields=["points", "max_points", "score", "passed", "submitted_at"])
    queue_quiz_statistics(quiz_id=attempt.quiz_id)
    if attempt.passed:
        record_quiz_pass(practitioner=attempt.practitioner, lesson=attempt.quiz.lesson)
    return attempt


# --- tasks -----------------------------------------------------------------------------------


@shared_task(name="courses.tasks.close_expired_attempts", acks_late=True, expires=55)
def close_expired_attempts_task() -> int:
    """Every minute (beat): grade the timed attempts whose time ran out without a submit, so
    that no page has to grade on a GET. Returns how many it graded."""
    return close_expired_attempts()
