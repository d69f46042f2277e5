"""Timed attempts whose time ran out are graded by the beat sweep (or their submit), never by the
page that shows them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from courses.models import Attempt, Response
from courses.services.attempts import (
    close_expired_attempts,
    close_expired_attempts_task,
    expired_attempts,
    start_attempt,
    submit_attempt,
)
from courses.services.enrollment import enroll
from tests.factories import UserFactory, course_with_lessons, quiz_for

pytestmark = pytest.mark.django_db


def _timed_attempt(minutes_ago: int | None):
    course = course_with_lessons(1, order_required=False)
    quiz = quiz_for(course.lessons.get(), questions=2, pass_mark=50, time_limit_minutes=10)
    practitioner = UserFactory.create()
    enroll(practitioner=practitioner, course=course)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    if minutes_ago is not None:
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=timezone.now() - timedelta(minutes=minutes_ago + 10),
            deadline_at=timezone.now() - timedelta(minutes=minutes_ago),
        )
    attempt.refresh_from_db()
    return attempt


def test_the_sweep_grades_expired_attempts_at_their_deadline_and_leaves_the_rest():
    expired = _timed_attempt(minutes_ago=3)
    running = _timed_attempt(minutes_ago=None)
    finished = _timed_attempt(minutes_ago=5)
    submit_attempt(attempt=finished)
    finished.refresh_from_db()
    first = expired.layout[0]
    Response.objects.create(
        attempt=expired, version_id=first["version"], answer=[first["choices"][0]]
    )

    assert close_expired_attempts() == 1

    expired.refresh_from_db()
    running.refresh_from_db()
    assert not expired.is_open
    assert expired.submitted_at == expired.deadline_at
    assert expired.responses.get(version_id=first["version"]).points is not None
    assert running.is_open
    assert Attempt.objects.get(pk=finished.pk).submitted_at == finished.submitted_at
    assert close_expired_attempts() == 0  # graded once


def test_the_sweep_is_a_named_task_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["close-expired-attempts"]

    assert entry["task"] == "courses.tasks.close_expired_attempts"
    assert close_expired_attempts_task.name == entry["task"]
    expired = _timed_attempt(minutes_ago=1)
    assert close_expired_attempts_task.apply().get() == 1
    expired.refresh_from_db()
    assert not expired.is_open


def test_the_sweep_reads_only_open_timed_attempts_through_its_partial_index(require_postgres):
    """Every minute on every attempt ever made would be a full scan: the sweep's query must be
    one the partial index attempt_open_deadline can answer (its condition implied by the query).
    Sequential scans are switched off so the plan shows whether the index can be used at all."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = expired_attempts(timezone.now()).explain()

    assert "attempt_open_deadline" in plan
