"""Answers typed or posted by a practitioner never break grading, statistics or a page: a number
too large to grade is refused with a reason (the attempt stays open), a forged place is a 400,
and an answer stored before these limits existed still grades and closes."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.lib.item_statistics import canonical_answer, count_answers
from courses.lib.scoring import parse_number, score
from courses.models import Attempt, QuestionStatistic, Response
from courses.services.attempts import (
    AnswerInvalidError,
    close_expired_attempts,
    save_answers,
    start_attempt,
    submit_attempt,
)
from courses.services.enrollment import enroll
from courses.services.questions import ChoiceSpec, QuestionSpec, add_question
from courses.services.statistics import compute_quiz_statistics
from tests.factories import course_with_lessons, quiz_for

pytestmark = pytest.mark.django_db

HUGE = ["1e1000000", "9e999999", "-1E+999999", "1e99999999999999999999999", "1e-1000000"]


@pytest.fixture
def numerical_quiz(practitioner):
    course = course_with_lessons(1)
    quiz = quiz_for(course.lessons.get(), questions=0, pass_mark=50, time_limit_minutes=10)
    add_question(
        quiz=quiz,
        spec=QuestionSpec(
            kind="numerical",
            prompt="How many minutes?",
            choices=[ChoiceSpec(fraction=Decimal("1"), numeric_value=Decimal("10"))],
        ),
    )
    enroll(practitioner=practitioner, course=course)
    return quiz


def _version_id(attempt: Attempt) -> int:
    return attempt.version_ids[0]


@pytest.mark.parametrize("typed", HUGE)
def test_a_huge_number_is_refused_on_autosave_with_a_reason_and_nothing_saved(
    client, practitioner, numerical_quiz, typed
):
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=numerical_quiz)
    vid = _version_id(attempt)

    response = client.post(
        reverse("courses:attempt_save", args=[attempt.pk]), {"v": vid, f"q{vid}": typed}
    )

    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    assert "too large or too small" in response.content.decode()
    assert not Response.objects.filter(attempt=attempt).exists()


def test_a_huge_number_on_submit_is_refused_and_the_attempt_stays_open(
    client, practitioner, numerical_quiz
):
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=numerical_quiz)
    vid = _version_id(attempt)
    url = reverse("courses:attempt_submit", args=[attempt.pk])

    refused = client.post(url, {"v": vid, f"q{vid}": "1e1000000"}, follow=True)

    assert refused.status_code == 200
    assert "Not submitted" in refused.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open
    corrected = client.post(url, {"v": vid, f"q{vid}": "10"})
    assert corrected.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_the_service_refuses_over_long_typed_answers_instead_of_cutting_them(
    practitioner, numerical_quiz
):
    attempt = start_attempt(practitioner=practitioner, quiz=numerical_quiz)

    with pytest.raises(AnswerInvalidError):
        save_answers(attempt=attempt, answers={_version_id(attempt): ["1" * 501]})
    assert not attempt.responses.exists()


@pytest.mark.parametrize("stored", HUGE)
def test_an_attempt_holding_a_huge_number_from_before_the_limit_still_grades(
    practitioner, numerical_quiz, stored
):
    attempt = start_attempt(practitioner=practitioner, quiz=numerical_quiz)
    Response.objects.create(attempt=attempt, version_id=_version_id(attempt), answer=stored)

    graded = submit_attempt(attempt=attempt)

    assert not graded.is_open
    assert graded.passed is False
    assert graded.points == 0


def test_a_timed_attempt_holding_a_huge_number_closes_when_its_time_is_up(
    client, practitioner, numerical_quiz
):
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=numerical_quiz)
    Response.objects.create(attempt=attempt, version_id=_version_id(attempt), answer="1e1000000")
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))

    page = client.get(reverse("courses:attempt", args=[attempt.pk]))

    assert page.status_code == 200
    assert close_expired_attempts() == 1  # the sweep grades it, never the GET
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_statistics_keys_of_huge_numbers_stay_short(practitioner, numerical_quiz):
    attempt = start_attempt(practitioner=practitioner, quiz=numerical_quiz)
    Response.objects.create(attempt=attempt, version_id=_version_id(attempt), answer="9e999999")
    submit_attempt(attempt=attempt)

    compute_quiz_statistics(quiz=numerical_quiz)

    counts = QuestionStatistic.objects.get(version_id=_version_id(attempt)).choice_counts
    assert counts  # the answer is counted
    assert max(len(key) for key in counts) <= 500


def test_canonical_answers_are_bounded_whatever_is_stored():
    assert len(canonical_answer("numerical", "9e999999")) < 20
    assert len(canonical_answer("numerical", "9e50")) == 51  # in range: written out
    assert len(canonical_answer("short_answer", "x" * 5000)) == 500
    counts = count_answers("numerical", [("9e999999", 2), ("1e-1000000", 1)])
    assert max(len(key) for key in counts) < 20


def test_scoring_never_raises_on_a_number_beyond_decimal_arithmetic():
    key = SimpleNamespace(
        pk=1,
        text="",
        fraction=Decimal("1"),
        numeric_value=Decimal("10"),
        tolerance=None,
        match_prompt="",
    )

    for typed in HUGE:
        assert parse_number(typed) is None
        assert score("numerical", [key], typed).fraction == 0
    assert parse_number("1e50") == Decimal("1e50")
    assert parse_number("0e999999") == 0


@pytest.mark.parametrize("place", ["²", "٣", "1" * 5000, " 1", "+1", "1.0"])
def test_a_place_that_is_not_plain_ascii_digits_is_a_400_not_a_500(client, practitioner, place):
    course = course_with_lessons(1)
    quiz = quiz_for(course.lessons.get(), questions=1)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    vid = _version_id(attempt)

    for name in ("attempt_save", "attempt_submit"):
        response = client.post(
            reverse(f"courses:{name}", args=[attempt.pk]), {"v": vid, f"q{vid}": place}
        )
        assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.is_open


@pytest.mark.parametrize("version", ["²", "1" * 5000, "x"])
def test_a_question_id_that_is_not_a_number_is_a_400(client, practitioner, version):
    course = course_with_lessons(1)
    quiz = quiz_for(course.lessons.get(), questions=1)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)

    response = client.post(reverse("courses:attempt_save", args=[attempt.pk]), {"v": version})

    assert response.status_code == 400


@pytest.mark.parametrize("saved", ["²", "1" * 5000, "x", ""])
def test_the_quiz_editor_reads_any_saved_marker_without_a_500(client, instructor, saved):
    from tests.factories import teach

    course = course_with_lessons(1)
    teach(course, instructor)
    lesson = course.lessons.get()
    quiz_for(lesson, questions=1)
    client.force_login(instructor)

    url = reverse("courses:quiz_edit", args=[course.slug, lesson.slug])
    response = client.get(url, {"saved": saved})

    assert response.status_code == 200
