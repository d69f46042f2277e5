import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Attempt,
    Choice,
    Enrollment,
    LessonCompletion,
    QuestionVersion,
    Response,
    ReviewWhen,
)
from courses.services.attempts import (
    AnswerRejectedError,
    AttemptsExhaustedError,
    save_answers,
    start_attempt,
    submit_attempt,
)
from courses.services.enrollment import enroll
from courses.services.progress import QuizRequiredError, complete_lesson
from courses.services.questions import ChoiceSpec, QuestionSpec, edit_question
from tests.factories import UserFactory, course_with_lessons, logged_in, quiz_for

pytestmark = pytest.mark.django_db

SECRETS = ["YES-FB", "NO-FB", "NO2-FB", "GENERAL-FEEDBACK", "fraction", "is_correct", "correct"]


@pytest.fixture
def quiz_course(practitioner):
    course = course_with_lessons(2, order_required=False)
    quiz = quiz_for(course.lessons.last(), questions=3, pass_mark=60, attempts_allowed=3)
    enroll(practitioner=practitioner, course=course)
    return course, quiz


def right_ids(attempt):
    return {
        item["version"]: Choice.objects.get(version_id=item["version"], text__startswith="right").pk
        for item in attempt.layout
    }


def wrong_ids(attempt):
    return {
        item["version"]: Choice.objects.get(version_id=item["version"], text__startswith="wrong").pk
        for item in attempt.layout
    }


def places(attempt, ids):
    """Choice ids as the page names them: their places in the attempt's frozen order."""
    layout = {item["version"]: [int(c) for c in item["choices"]] for item in attempt.layout}
    return {vid: layout[vid].index(cid) for vid, cid in ids.items()}


def answer_all(attempt, ids):
    save_answers(attempt=attempt, answers={vid: [cid] for vid, cid in ids.items()})


# --- the attempt -----------------------------------------------------------------------------


def test_start_freezes_the_drawn_questions_and_choice_order(practitioner, quiz_course):
    _course, quiz = quiz_course
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)

    assert len(attempt.layout) == 3
    assert all(len(item["choices"]) == 3 for item in attempt.layout)
    assert start_attempt(practitioner=practitioner, quiz=quiz) == attempt  # resumes


def test_draw_count_takes_that_many_questions_at_random(practitioner):
    course = course_with_lessons(1)
    quiz = quiz_for(course.lessons.get(), questions=6, draw_count=2)
    enroll(practitioner=practitioner, course=course)

    attempt = start_attempt(practitioner=practitioner, quiz=quiz)

    assert len(attempt.layout) == 2


def test_attempts_limit_holds(practitioner, quiz_course):
    _course, quiz = quiz_course
    quiz.attempts_allowed = 2
    quiz.save()
    for _ in range(2):
        submit_attempt(attempt=start_attempt(practitioner=practitioner, quiz=quiz))

    with pytest.raises(AttemptsExhaustedError):
        start_attempt(practitioner=practitioner, quiz=quiz)
    assert Attempt.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_make_one_attempt(practitioner, require_postgres):
    course = course_with_lessons(1, slug="race-quiz")
    quiz = quiz_for(course.lessons.get(), questions=2, attempts_allowed=1)
    enroll(practitioner=practitioner, course=course)
    barrier = threading.Barrier(4)
    results: list[object] = []

    def begin() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(start_attempt(practitioner=practitioner, quiz=quiz).pk)
        except BaseException as exc:  # reported by the assertion below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=begin) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert set(results) == {Attempt.objects.get(quiz=quiz).pk}


def test_passing_completes_the_lesson_and_failing_does_not(practitioner, quiz_course):
    course, quiz = quiz_course
    complete_lesson(practitioner=practitioner, lesson=course.lessons.first())
    failed = start_attempt(practitioner=practitioner, quiz=quiz)
    answer_all(failed, wrong_ids(failed))
    failed = submit_attempt(attempt=failed)
    assert (failed.score, failed.passed) == (0, False)
    assert not LessonCompletion.objects.filter(lesson=quiz.lesson).exists()

    passed = start_attempt(practitioner=practitioner, quiz=quiz)
    answer_all(passed, right_ids(passed))
    passed = submit_attempt(attempt=passed)

    assert (passed.score, passed.passed, passed.number) == (100, True, 2)
    assert LessonCompletion.objects.filter(lesson=quiz.lesson).exists()
    assert Enrollment.objects.get(practitioner=practitioner, course=course).completed_at


def test_submitting_twice_grades_once(practitioner, quiz_course):
    _course, quiz = quiz_course
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    answer_all(attempt, right_ids(attempt))
    first = submit_attempt(attempt=attempt)
    again = submit_attempt(attempt=attempt)

    assert first.submitted_at == again.submitted_at
    assert Response.objects.filter(attempt=attempt).count() == 3


def test_a_submit_after_the_time_limit_is_recorded_at_the_limit(practitioner, quiz_course):
    _course, quiz = quiz_course
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)

    late = submit_attempt(attempt=attempt, now=attempt.started_at + timedelta(minutes=25))

    assert late.submitted_at == attempt.deadline_at


def test_an_answer_from_another_question_is_rejected_and_nothing_is_saved(
    practitioner, quiz_course
):
    _course, quiz = quiz_course
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    first, second = attempt.version_ids[:2]
    foreign = right_ids(attempt)[second]

    with pytest.raises(AnswerRejectedError):
        save_answers(
            attempt=attempt, answers={first: [right_ids(attempt)[first]], second: [999999]}
        )
    with pytest.raises(AnswerRejectedError):
        save_answers(attempt=attempt, answers={first: [foreign]})
    assert not Response.objects.filter(attempt=attempt).exists()


def test_mark_as_complete_is_refused_for_a_lesson_with_a_quiz(practitioner, quiz_course):
    _course, quiz = quiz_course
    with pytest.raises(QuizRequiredError):
        complete_lesson(practitioner=practitioner, lesson=quiz.lesson)


def test_editing_an_answered_question_makes_a_new_version_and_old_attempts_keep_theirs(
    practitioner, quiz_course
):
    _course, quiz = quiz_course
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    question = quiz.questions.first()
    old = question.versions.get()

    version, is_new = edit_question(
        question=question,
        spec=QuestionSpec(
            kind="true_false",
            prompt="Fascia wraps each fibre.",
            choices=[ChoiceSpec("True", fraction=1), ChoiceSpec("False")],
        ),
    )

    assert is_new
    assert version.number == 2
    assert old.pk in Attempt.objects.get(pk=attempt.pk).version_ids
    assert QuestionVersion.objects.filter(pk=old.pk).exists()


# --- pages -----------------------------------------------------------------------------------


def test_nothing_sent_during_an_open_attempt_reveals_the_answers(client, practitioner, quiz_course):
    _course, quiz = quiz_course
    client.force_login(practitioner)
    lesson_url = reverse("courses:lesson", args=[quiz.lesson.course.slug, quiz.lesson.slug])
    pages = [client.get(lesson_url)]
    start = client.post(
        reverse("courses:quiz_start", args=[quiz.lesson.course.slug, quiz.lesson.slug])
    )
    attempt = Attempt.objects.get()
    pages.append(client.get(start["Location"]))
    vid = attempt.version_ids[0]
    pages.append(
        client.post(
            reverse("courses:attempt_save", args=[attempt.pk]),
            {"v": vid, f"q{vid}": places(attempt, right_ids(attempt))[vid]},
            headers={"HX-Request": "true"},
        )
    )
    pages.append(client.get(start["Location"]))

    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        for secret in SECRETS:
            assert secret not in body, secret
    assert "Question text 0" in pages[1].content.decode()


def test_autosave_keeps_answers_across_a_reload(client, practitioner, quiz_course):
    _course, quiz = quiz_course
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    vid = attempt.version_ids[0]
    chosen = places(attempt, right_ids(attempt))[vid]

    saved = client.post(
        reverse("courses:attempt_save", args=[attempt.pk]), {"v": vid, f"q{vid}": chosen}
    )
    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()

    assert saved.content.decode() == "Saved"
    assert f'value="{chosen}" checked' in page


def test_forged_answer_ids_get_a_clear_400_and_the_attempt_is_unchanged(
    client, practitioner, quiz_course
):
    _course, quiz = quiz_course
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    other_course = course_with_lessons(1)
    other_quiz = quiz_for(other_course.lessons.get(), questions=1)
    foreign_choice = Choice.objects.filter(version__question__quiz=other_quiz).first()
    vid = attempt.version_ids[0]

    for data in [
        {"v": vid, f"q{vid}": foreign_choice.pk},  # an id, not a place on the page
        {"v": vid, f"q{vid}": "3"},  # one past the last option
        {"v": vid, f"q{vid}": "-1"},
        {"v": foreign_choice.version_id, f"q{foreign_choice.version_id}": "0"},
        {"v": "x"},
    ]:
        response = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), data)
        assert response.status_code == 400
        assert "not" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not attempt.responses.exists()


def test_someone_elses_attempt_is_404(client, practitioner, quiz_course):
    _course, quiz = quiz_course
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    client.force_login(UserFactory.create())
    assert client.get(reverse("courses:attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("courses:attempt_save", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("courses:attempt_submit", args=[attempt.pk])).status_code == 404


def test_result_page_follows_the_review_policy(client, practitioner, quiz_course):
    _course, quiz = quiz_course
    quiz.review_marks = ReviewWhen.IMMEDIATELY
    quiz.review_answers = ReviewWhen.AFTER_PASS
    quiz.save()
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    answer_all(attempt, wrong_ids(attempt))
    client.post(reverse("courses:attempt_submit", args=[attempt.pk]), {"v": []})

    failed_page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert "Not passed yet" in failed_page
    assert "not right" in failed_page
    assert "right answer" not in failed_page
    assert "NO-FB" not in failed_page
    assert "Try again" in failed_page

    second = start_attempt(practitioner=practitioner, quiz=quiz)
    answer_all(second, right_ids(second))
    submit_attempt(attempt=second)
    passed_page = client.get(reverse("courses:attempt", args=[second.pk])).content.decode()
    assert "Passed" in passed_page
    assert "right answer" in passed_page
    assert "YES-FB" in passed_page
    assert "GENERAL-FEEDBACK" in passed_page


def test_lesson_with_a_quiz_offers_the_quiz_not_mark_as_complete(client, practitioner, quiz_course):
    _course, quiz = quiz_course
    client.force_login(practitioner)
    url = reverse("courses:lesson", args=[quiz.lesson.course.slug, quiz.lesson.slug])

    page = client.get(url).content.decode()
    refused = client.post(url)

    assert "Start the quiz" in page
    assert "Mark as complete" not in page
    assert refused.status_code == 302
    assert not LessonCompletion.objects.exists()


@pytest.mark.parametrize("view", ["attempt", "submit"])
def test_attempt_query_counts_do_not_grow_with_the_number_of_questions(
    client, practitioner, view, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    logged_in(client, practitioner)
    counts = []
    for size in (5, 50):
        course = course_with_lessons(1, slug=f"q{size}")
        quiz = quiz_for(course.lessons.get(), questions=size)
        enroll(practitioner=practitioner, course=course)
        attempt = start_attempt(practitioner=practitioner, quiz=quiz)
        right = places(attempt, right_ids(attempt))
        data = {"v": attempt.version_ids, **{f"q{v}": c for v, c in right.items()}}
        with CaptureQueriesContext(connection) as queries:
            if view == "attempt":
                response = client.get(reverse("courses:attempt", args=[attempt.pk]))
            else:
                response = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), data)
        assert response.status_code in {200, 302}
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_open_attempt_past_its_deadline_is_shown_as_time_up_and_graded_at_the_limit_on_submit(
    client, practitioner, quiz_course
):
    """Opening the page grades nothing (no GET changes state); its button submits."""
    _course, quiz = quiz_course
    quiz.time_limit_minutes = 5
    quiz.save()
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=30),
        deadline_at=timezone.now() - timedelta(minutes=25),
    )

    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()

    attempt.refresh_from_db()
    assert attempt.is_open
    assert "Time is up" in page
    assert reverse("courses:attempt_submit", args=[attempt.pk]) in page
    result = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), follow=True)
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert attempt.submitted_at == attempt.deadline_at
    assert "Your score" in result.content.decode()


def test_the_attempt_page_names_options_by_place_never_by_database_id(client, practitioner):
    """Ids follow the order the instructor wrote the answers in, and a matching question's prompt
    is the same row as its right answer: either would give the key away."""
    import re

    from courses.services.gift_import import import_gift

    course = course_with_lessons(1)
    quiz = quiz_for(course.lessons.get(), questions=0, shuffle_choices=False)
    import_gift(
        quiz=quiz,
        text="::M::Match them. {\n=Overuse -> binding\n=Stillness -> congestion\n"
        "=Movement -> renewal\n}\n\n::S::Pick one. {=right ~wrong ~also wrong}\n",
    )
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()

    choice_ids = set(
        Choice.objects.filter(version__question__quiz=quiz).values_list("pk", flat=True)
    )
    values = {int(v) for v in re.findall(r'<input[^>]* name="q\d+"[^>]* value="(\d+)"', page)}
    values |= {int(v) for v in re.findall(r'<option value="(\d+)"', page)}
    names = {int(n) for n in re.findall(r'name="q\d+_(\d+)"', page)}
    assert values <= {0, 1, 2}
    assert names == {0, 1, 2}
    assert not {f'id="c{pk}"' for pk in choice_ids} & set(re.findall(r'id="c\d+"', page))
    matching = next(i for i in attempt.layout if i.get("prompts"))
    options = sorted(["binding", "congestion", "renewal"])
    prompts = [Choice.objects.get(pk=p) for p in matching["prompts"]]
    data = {"v": matching["version"]}
    for place, prompt in enumerate(prompts):
        data[f"q{matching['version']}_{place}"] = str(options.index(prompt.text))

    saved = client.post(reverse("courses:attempt_save", args=[attempt.pk]), data)

    assert saved.status_code == 200
    response = Response.objects.get(attempt=attempt, version_id=matching["version"])
    assert response.answer == {str(p.pk): p.pk for p in prompts}
