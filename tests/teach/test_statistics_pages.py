import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Attempt, Choice, QuestionStatistic, QuestionVersion
from courses.services.attempts import save_answers, start_attempt, submit_attempt
from courses.services.enrollment import enroll
from courses.services.questions import ChoiceSpec, QuestionSpec, add_question, edit_question
from courses.services.statistics import (
    compute_quiz_statistics,
    quizzes_to_refresh,
    refresh_quiz_statistics,
)
from courses.services.statistics import compute_quiz_statistics_task as compute_task
from tests.factories import UserFactory, course_with_lessons, logged_in, quiz_for, teach

pytestmark = pytest.mark.django_db

# Four practitioners at a four-question quiz ("right" or "wrong" per question 0-3):
#   A: right right right wrong   (3 points)
#   B: right right wrong wrong   (2)
#   C: right wrong wrong right   (2)
#   D: right wrong wrong right   (2)
# Question 0: everyone right → facility 1, "too easy", no discrimination (no variance).
# Question 3: right only for C and D, the weakest on the rest of the quiz (rest 3, 2, 1, 1):
#   item deviations -.5 -.5 .5 .5, rest 1.25 .25 -.75 -.75 → r = -1.5 / sqrt(1 * 2.75) ≈ -0.90
PATTERN = {
    "A": ["right", "right", "right", "wrong"],
    "B": ["right", "right", "wrong", "wrong"],
    "C": ["right", "wrong", "wrong", "right"],
    "D": ["right", "wrong", "wrong", "right"],
}


def make_quiz(questions=4, slug=None):
    course = course_with_lessons(2, order_required=False, **({"slug": slug} if slug else {}))
    return course, quiz_for(course.lessons.last(), questions=questions, pass_mark=100)


def version_of(quiz, n):
    return QuestionVersion.objects.get(question__quiz=quiz, question__position=n)


def choice(version, answer):
    n = version.question.position
    return Choice.objects.get(version=version, text=f"{answer} {n}")


def sit(practitioner, quiz, answers):
    """One attempt through the grading services, answering question n with answers[n]."""
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    versions = QuestionVersion.objects.select_related("question").in_bulk(attempt.version_ids)
    picks = {
        vid: [choice(version, answers[version.question.position]).pk]
        for vid, version in versions.items()
    }
    save_answers(attempt=attempt, answers=picks)
    return submit_attempt(attempt=attempt)


def cohort(quiz, course, pattern=PATTERN):
    people = {}
    for name, answers in pattern.items():
        people[name] = UserFactory.create(full_name=name)
        enroll(practitioner=people[name], course=course)
        sit(people[name], quiz, answers)
    return people


@pytest.fixture
def taught_quiz(instructor):
    course, quiz = make_quiz()
    teach(course, instructor)
    return course, quiz


def statistics_url(quiz):
    return reverse("courses:quiz_statistics", args=[quiz.lesson.course.slug, quiz.lesson.slug])


# --- the service -----------------------------------------------------------------------------


def test_an_item_everyone_gets_right_is_too_easy_and_has_no_discrimination(taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course)

    compute_quiz_statistics(quiz=quiz)

    easy = QuestionStatistic.objects.get(version=version_of(quiz, 0))
    assert (easy.responses, easy.facility, easy.discrimination) == (4, 1.0, None)


def test_an_item_right_only_for_the_weakest_scorers_has_negative_discrimination(taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course)

    compute_quiz_statistics(quiz=quiz)

    odd = QuestionStatistic.objects.get(version=version_of(quiz, 3))
    assert odd.facility == pytest.approx(0.5)
    assert odd.discrimination == pytest.approx(-1.5 / math.sqrt(2.75))


def test_choice_counts_match_the_answers_given(taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course)

    compute_quiz_statistics(quiz=quiz)

    version = version_of(quiz, 3)
    counts = QuestionStatistic.objects.get(version=version).choice_counts
    assert counts == {
        str(choice(version, "right").pk): 2,
        str(choice(version, "wrong").pk): 2,
    }


def test_short_answers_and_matching_pairs_are_counted_as_given(taught_quiz):
    course, quiz = taught_quiz
    short = add_question(
        quiz=quiz,
        spec=QuestionSpec(
            kind="short_answer",
            prompt="What wraps each fibre?",
            choices=[ChoiceSpec("fascia", fraction=Decimal(1))],
        ),
    )
    pairs = add_question(
        quiz=quiz,
        spec=QuestionSpec(
            kind="matching",
            prompt="Match them.",
            choices=[
                ChoiceSpec("worn down", match_prompt="Movement"),
                ChoiceSpec("replaced", match_prompt="Growth"),
            ],
        ),
    )
    movement, growth = pairs.choices.order_by("position")
    given = [
        ("Fascia", {movement.pk: movement.pk, growth.pk: growth.pk}),
        (" fascia ", {movement.pk: growth.pk, growth.pk: growth.pk}),
        ("muscle", None),
    ]
    for typed, matched in given:
        person = UserFactory.create()
        enroll(practitioner=person, course=course)
        attempt = start_attempt(practitioner=person, quiz=quiz)
        answers = {short.pk: typed} | ({pairs.pk: matched} if matched else {})
        save_answers(attempt=attempt, answers=answers)
        submit_attempt(attempt=attempt)

    compute_quiz_statistics(quiz=quiz)

    assert QuestionStatistic.objects.get(version=short).choice_counts == {"fascia": 2, "muscle": 1}
    assert QuestionStatistic.objects.get(version=pairs).choice_counts == {
        f"{movement.pk}:{movement.pk}": 1,
        f"{movement.pk}:{growth.pk}": 1,
        f"{growth.pk}:{growth.pk}": 2,
        "": 1,
    }


def test_only_each_practitioners_first_submitted_attempt_counts(taught_quiz):
    course, quiz = taught_quiz
    people = cohort(quiz, course)
    sit(people["C"], quiz, ["right"] * 4)  # a second attempt, all right
    late = UserFactory.create()
    enroll(practitioner=late, course=course)
    start_attempt(practitioner=late, quiz=quiz)  # open, never submitted

    compute_quiz_statistics(quiz=quiz)

    second = QuestionStatistic.objects.get(version=version_of(quiz, 1))
    assert (second.responses, second.facility) == (4, 0.5)


def test_statistics_stay_with_the_version_the_practitioner_saw(taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course)
    old = version_of(quiz, 1)
    new, is_new = edit_question(
        question=old.question,
        spec=QuestionSpec(
            kind="true_false",
            prompt="Fascia wraps each fibre.",
            choices=[ChoiceSpec("True", fraction=1), ChoiceSpec("False")],
        ),
    )

    compute_quiz_statistics(quiz=quiz)

    assert is_new
    assert QuestionStatistic.objects.get(version=old).responses == 4
    fresh = QuestionStatistic.objects.get(version=new)
    assert (fresh.responses, fresh.facility, fresh.choice_counts) == (0, None, {})


def test_recomputing_updates_the_stored_rows_in_place(taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course, {"A": PATTERN["A"]})
    compute_quiz_statistics(quiz=quiz)
    first_ids = set(QuestionStatistic.objects.values_list("pk", flat=True))
    cohort(quiz, course, {"B": PATTERN["B"]})

    compute_quiz_statistics(quiz=quiz)

    assert set(QuestionStatistic.objects.values_list("pk", flat=True)) == first_ids
    assert QuestionStatistic.objects.get(version=version_of(quiz, 2)).facility == 0.5


# --- tasks and queueing ----------------------------------------------------------------------


def test_the_task_computes_and_skips_a_quiz_deleted_meanwhile(taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course)

    compute_task.delay(quiz.pk)
    compute_task.delay(999999)

    assert QuestionStatistic.objects.filter(version__question__quiz=quiz).count() == 4


def test_submitting_queues_at_most_one_computation_per_minute_per_quiz(
    taught_quiz, django_capture_on_commit_callbacks
):
    course, quiz = taught_quiz
    other_course, other_quiz = make_quiz()
    people = [UserFactory.create() for _ in range(3)]
    for person in people:
        enroll(practitioner=person, course=course)
        enroll(practitioner=person, course=other_course)
    q0 = version_of(quiz, 0)

    with django_capture_on_commit_callbacks(execute=True) as first:
        sit(people[0], quiz, ["right"] * 4)
    with django_capture_on_commit_callbacks(execute=True) as second:
        sit(people[1], quiz, ["right"] * 4)
    responses_after_second = QuestionStatistic.objects.get(version=q0).responses
    with django_capture_on_commit_callbacks(execute=True) as elsewhere:
        sit(people[1], other_quiz, ["right"] * 4)
    cache.delete(f"stats-queued:{quiz.pk}")  # the minute has passed
    with django_capture_on_commit_callbacks(execute=True):
        sit(people[2], quiz, ["right"] * 4)

    assert (len(first), len(second), len(elsewhere)) == (1, 0, 1)
    assert responses_after_second == 1
    assert QuestionStatistic.objects.get(version=version_of(other_quiz, 0)).responses == 1
    assert QuestionStatistic.objects.get(version=q0).responses == 3


def test_refresh_recomputes_quizzes_submitted_to_since_their_last_computation(taught_quiz):
    course, quiz = taught_quiz
    _idle_course, idle_quiz = make_quiz()
    cohort(quiz, course)
    assert quizzes_to_refresh() == [quiz.pk]

    assert refresh_quiz_statistics.delay().get() == 1
    assert QuestionStatistic.objects.filter(version__question__quiz=quiz).count() == 4

    Attempt.objects.update(submitted_at=timezone.now() - timedelta(minutes=10))
    assert quizzes_to_refresh() == []
    assert idle_quiz.pk not in quizzes_to_refresh()


# --- the page --------------------------------------------------------------------------------


def test_instructor_sees_the_stored_figures_flags_and_answer_key(client, instructor, taught_quiz):
    course, quiz = taught_quiz
    cohort(quiz, course)
    compute_quiz_statistics(quiz=quiz)
    client.force_login(instructor)

    page = client.get(statistics_url(quiz))

    body = page.content.decode()
    assert page.status_code == 200
    assert "<caption>" in body
    assert 'scope="col"' in body
    assert "100%" in body  # question 0's facility
    assert "-0.90" in body  # question 3's discrimination
    assert "Too easy" in body
    assert "Negative discrimination: the answer key may be wrong" in body
    assert "right answer" in body
    assert "Question text 3" in body
    assert "css/teach-statistics.css" in body
    assert 'style="' not in body


def test_summary_shows_an_unnamed_prompt_as_plain_text(client, instructor, taught_quiz):
    _course, quiz = taught_quiz
    add_question(
        quiz=quiz,
        spec=QuestionSpec(
            kind="true_false",
            prompt='Skin & **"fascia"** are the same.',
            choices=[ChoiceSpec("True"), ChoiceSpec("False", fraction=Decimal(1))],
        ),
    )
    client.force_login(instructor)

    body = client.get(statistics_url(quiz)).content.decode()

    assert ">Skin &amp; &quot;fascia&quot; are the same.</a>" in body


def test_page_before_any_computation_says_so(client, instructor, taught_quiz):
    _course, quiz = taught_quiz
    client.force_login(instructor)

    body = client.get(statistics_url(quiz)).content.decode()

    assert "Not computed yet" in body


def test_instructor_of_another_course_gets_404(client, taught_quiz):
    _course, quiz = taught_quiz
    stranger = UserFactory.create(is_instructor=True)
    teach(course_with_lessons(1), stranger)
    client.force_login(stranger)

    assert client.get(statistics_url(quiz)).status_code == 404
    assert client.post(statistics_url(quiz)).status_code == 404


def test_practitioner_gets_403_and_anonymous_is_sent_to_log_in(client, practitioner, taught_quiz):
    _course, quiz = taught_quiz

    anonymous = client.get(statistics_url(quiz))
    client.force_login(practitioner)
    refused = client.get(statistics_url(quiz))

    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous["Location"]
    assert refused.status_code == 403


def test_a_lesson_without_a_quiz_is_404(client, instructor, taught_quiz):
    course, _quiz = taught_quiz
    client.force_login(instructor)
    plain = course.lessons.first()

    url = reverse("courses:quiz_statistics", args=[course.slug, plain.slug])

    assert client.get(url).status_code == 404


def test_page_query_count_does_not_grow_with_the_number_of_attempts(
    client, instructor, django_assert_num_queries
):
    logged_in(client, instructor)
    counts = []
    for size in (5, 50):
        course, quiz = make_quiz(slug=f"stats-{size}")
        teach(course, instructor)
        cohort(quiz, course, {f"p{i}": PATTERN["ABCD"[i % 4]] for i in range(size)})
        compute_quiz_statistics(quiz=quiz)
        assert QuestionStatistic.objects.get(version=version_of(quiz, 0)).responses == size
        with CaptureQueriesContext(connection) as queries:
            assert client.get(statistics_url(quiz)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    # the lesson with its course and quiz, versions with their question and statistic, their
    # choices (the session and the user are cached)
    with django_assert_num_queries(3):
        client.get(statistics_url(quiz))


def test_recompute_now_needs_the_csrf_token_and_computes(
    instructor, taught_quiz, django_capture_on_commit_callbacks
):
    course, quiz = taught_quiz
    cohort(quiz, course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    url = statistics_url(quiz)

    forged = client.post(url)
    client.get(url)
    token = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert done.status_code == 302
    assert done["Location"] == url
    assert QuestionStatistic.objects.get(version=version_of(quiz, 0)).responses == 4
    assert "being recomputed" in client.get(url).content.decode()
