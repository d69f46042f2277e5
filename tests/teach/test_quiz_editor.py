from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Attempt, Choice, Enrollment, Lesson, Question, QuestionVersion, Quiz
from courses.services.attempts import current_versions, save_answers, start_attempt, submit_attempt
from courses.services.enrollment import enroll
from courses.services.questions import (
    ChoiceSpec,
    QuestionInUseError,
    QuestionSpec,
    add_question,
    create_quiz,
    delete_question,
    move_question,
    update_quiz_settings,
)
from teach.forms.quizzes import (
    QuizSettingsForm,
    SingleChoiceFormSet,
    TrueFalseAnswers,
    answers_for,
)
from tests.factories import UserFactory, course_with_lessons, logged_in, quiz_for, teach

pytestmark = pytest.mark.django_db


def post(fields: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return data


def rows(prefix: str, *rows: dict, **extra: object) -> dict:
    data: dict = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0, **extra}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def choices_of(version: QuestionVersion) -> list[tuple]:
    return [
        (c.text, c.fraction, c.feedback, c.numeric_value, c.tolerance, c.match_prompt)
        for c in version.choices.order_by("position")
    ]


D = Decimal
ANSWERS = {
    "single": (
        rows(
            "answers",
            {"text": "Fascia", "feedback": "Yes, the film."},
            {"text": "Tendon", "feedback": "No."},
            {"text": "", "feedback": ""},
            **{"answers-right": "0"},
        ),
        [
            ("Fascia", D("1"), "Yes, the film.", None, None, ""),
            ("Tendon", D("0"), "No.", None, None, ""),
        ],
    ),
    "multiple": (
        rows(
            "answers",
            {"text": "Overuse", "weight": "62.5", "feedback": "Yes"},
            {"text": "Stillness", "weight": "37.5"},
            {"text": "Movement", "weight": "-100", "feedback": "It renews"},
        ),
        [
            ("Overuse", D("0.625"), "Yes", None, None, ""),
            ("Stillness", D("0.375"), "", None, None, ""),
            ("Movement", D("-1"), "It renews", None, None, ""),
        ],
    ),
    "true_false": (
        {"tf-right": "false", "tf-feedback_true": "It is a sign to stop.", "tf-feedback_false": ""},
        [
            ("True", D("0"), "It is a sign to stop.", None, None, ""),
            ("False", D("1"), "", None, None, ""),
        ],
    ),
    "short_answer": (
        rows(
            "answers",
            {"text": "piriformis", "weight": "100"},
            {"text": "the hip", "weight": "25", "feedback": "Which muscle?"},
            {"text": "", "weight": "100"},
        ),
        [
            ("piriformis", D("1"), "", None, None, ""),
            ("the hip", D("0.25"), "Which muscle?", None, None, ""),
        ],
    ),
    "numerical": (
        rows(
            "answers",
            {"value": "2", "tolerance": "0.5", "weight": "100"},
            {"low": "1", "high": "4", "weight": "50", "feedback": "Close"},
            {"any_number": "on", "weight": "0", "feedback": "Count the routes again."},
        ),
        [
            ("2", D("1"), "", D("2"), D("0.5"), ""),
            ("2.5", D("0.5"), "Close", D("2.5"), D("1.5"), ""),
            ("*", D("0"), "Count the routes again.", None, None, ""),
        ],
    ),
    "matching": (
        {
            **rows(
                "pairs",
                {"prompt": "Overuse", "answer": "fibres bound together"},
                {"prompt": "Stillness", "answer": "congestion"},
                {"prompt": "", "answer": ""},
            ),
            **rows("distractors", {"answer": "bone growth"}),
        },
        [
            ("fibres bound together", D("0"), "", None, None, "Overuse"),
            ("congestion", D("0"), "", None, None, "Stillness"),
            ("bone growth", D("0"), "", None, None, ""),
        ],
    ),
    "description": ({}, []),
}


def resubmitted(kind: str, version: QuestionVersion) -> QueryDict:
    """What the edit form posts back when the instructor changes nothing."""
    answers = answers_for(kind, choices=list(version.choices.all()))
    data: dict = {}
    forms = [answers.form] if isinstance(answers, TrueFalseAnswers) else []
    for section in answers.sections:
        formset = section.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        forms += formset.forms
        if isinstance(formset, SingleChoiceFormSet) and formset.right_key is not None:
            data[formset.right_name] = formset.right_key
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, False, ""):
                data[form.add_prefix(name)] = "on" if value is True else value
    return post(data)


@pytest.fixture
def quiz() -> Quiz:
    return Quiz.objects.create(lesson=course_with_lessons(1, order_required=False).lessons.get())


# --- forms and services --------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_every_question_type_round_trips_through_its_form(quiz, kind):
    data, expected = ANSWERS[kind]
    answers = answers_for(kind, data=post(data))
    assert answers.is_valid(), answers.problems()

    version = add_question(
        quiz=quiz, spec=QuestionSpec(kind=kind, prompt="Which?", choices=answers.specs())
    )

    assert version.kind == kind
    assert choices_of(version) == expected
    again = answers_for(kind, data=resubmitted(kind, version))
    assert again.is_valid(), again.problems()
    assert again.specs() == answers.specs()


@pytest.mark.parametrize(
    ("right", "message"),
    [([], "exactly one"), (["0", "1"], "exactly one"), (["2"], "empty")],
)
def test_single_choice_needs_exactly_one_right_answer(right, message):
    data = rows("answers", {"text": "A"}, {"text": "B"}, {"text": ""})
    data["answers-right"] = right

    answers = answers_for("single", data=post(data))

    assert not answers.is_valid()
    assert any(message in p.message for p in answers.problems())


@pytest.mark.parametrize("weight", ["150", "-100.5"])
def test_weights_outside_minus_100_to_100_are_refused_next_to_the_field(weight):
    data = rows("answers", {"text": "A", "weight": weight}, {"text": "B", "weight": "100"})

    answers = answers_for("multiple", data=post(data))

    assert not answers.is_valid()
    assert [p.target for p in answers.problems()] == ["id_answers-0-weight"]


def test_right_weights_of_a_multiple_response_must_add_to_100():
    data = rows("answers", {"text": "A", "weight": "50"}, {"text": "B", "weight": "30"})

    answers = answers_for("multiple", data=post(data))

    assert not answers.is_valid()
    assert "add up to 100% (now 80%)" in answers.problems()[0].message


def test_negative_tolerance_is_refused():
    data = rows("answers", {"value": "2", "tolerance": "-1", "weight": "100"})

    answers = answers_for("numerical", data=post(data))

    assert not answers.is_valid()
    assert "cannot be negative" in answers.problems()[0].message


def test_a_numerical_range_must_not_run_backwards():
    data = rows("answers", {"low": "5", "high": "3", "weight": "100"})

    answers = answers_for("numerical", data=post(data))

    assert not answers.is_valid()
    assert [p.target for p in answers.problems()] == ["id_answers-0-high"]


def test_matching_needs_two_pairs():
    data = {
        **rows("pairs", {"prompt": "Overuse", "answer": "bound"}, {"prompt": "", "answer": ""}),
        **rows("distractors", {"answer": "bone"}),
    }

    answers = answers_for("matching", data=post(data))

    assert not answers.is_valid()
    assert any("at least two pairs" in p.message for p in answers.problems())


def test_removed_rows_are_left_out():
    data = rows(
        "answers",
        {"text": "A", "weight": "100"},
        {"text": "B", "weight": "50", "DELETE": "on"},
    )

    answers = answers_for("short_answer", data=post(data))

    assert answers.is_valid()
    assert [s.text for s in answers.specs()] == ["A"]


def settings_data(**changes: object) -> dict:
    return {
        "pass_mark": 70,
        "attempts_allowed": "",
        "time_limit_minutes": "",
        "draw_count": "",
        "shuffle_questions": "on",
        "review_marks": "immediately",
        "review_answers": "after_last",
        **changes,
    }


def test_draw_count_cannot_exceed_the_questions_in_form_and_service(quiz):
    quiz_for_lesson = quiz_for(course_with_lessons(1).lessons.get(), questions=3)

    form = QuizSettingsForm(settings_data(draw_count=4), question_count=3)
    assert not form.is_valid()
    assert "cannot draw 4" in form.errors["draw_count"][0]
    with pytest.raises(ValidationError) as error:
        update_quiz_settings(
            quiz=quiz_for_lesson,
            pass_mark=70,
            attempts_allowed=None,
            time_limit_minutes=None,
            shuffle_questions=True,
            shuffle_choices=True,
            draw_count=4,
            review_marks="immediately",
            review_answers="after_last",
        )
    assert "draw_count" in error.value.message_dict
    quiz_for_lesson.refresh_from_db()
    assert quiz_for_lesson.draw_count is None


def test_update_quiz_settings_stores_every_setting():
    quiz = quiz_for(course_with_lessons(1).lessons.get(), questions=3)

    update_quiz_settings(
        quiz=quiz,
        pass_mark=80,
        attempts_allowed=2,
        time_limit_minutes=15,
        shuffle_questions=False,
        shuffle_choices=False,
        draw_count=3,
        review_marks="after_pass",
        review_answers="never",
    )

    quiz.refresh_from_db()
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.time_limit_minutes, quiz.draw_count) == (
        80,
        2,
        15,
        3,
    )
    assert (quiz.shuffle_questions, quiz.shuffle_choices) == (False, False)
    assert (quiz.review_marks, quiz.review_answers) == ("after_pass", "never")


def test_create_quiz_makes_the_lesson_a_quiz_lesson_once():
    lesson = course_with_lessons(1).lessons.get()

    first = create_quiz(lesson=lesson)
    second = create_quiz(lesson=lesson)

    assert first == second
    assert Quiz.objects.count() == 1
    lesson.refresh_from_db()
    assert lesson.kind == Lesson.Kind.QUIZ


def prompts_in_order(quiz: Quiz) -> list[str]:
    return [v.prompt for v in current_versions(quiz)]


def test_move_question_swaps_neighbours_and_stops_at_the_ends():
    quiz = quiz_for(course_with_lessons(1).lessons.get(), questions=3)
    first, _second, third = quiz.questions.order_by("position")

    move_question(question=third, offset=-1)
    assert prompts_in_order(quiz) == ["Question text 0", "Question text 2", "Question text 1"]
    move_question(question=first, offset=-1)
    assert prompts_in_order(quiz) == ["Question text 0", "Question text 2", "Question text 1"]
    move_question(question=first, offset=1)
    assert prompts_in_order(quiz) == ["Question text 2", "Question text 0", "Question text 1"]
    assert sorted(quiz.questions.values_list("position", flat=True)) == [0, 1, 2]


def test_deleting_an_unused_question_closes_the_gap():
    quiz = quiz_for(course_with_lessons(1).lessons.get(), questions=3)
    middle = quiz.questions.order_by("position")[1]

    delete_question(question=middle)

    assert prompts_in_order(quiz) == ["Question text 0", "Question text 2"]
    assert sorted(quiz.questions.values_list("position", flat=True)) == [0, 1]


@pytest.fixture
def taken(practitioner):
    """A quiz of three questions, and a practitioner's submitted attempt at it."""
    course = course_with_lessons(1, order_required=False)
    quiz = quiz_for(course.lessons.get(), questions=3)
    enroll(practitioner=practitioner, course=course)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    first = attempt.layout[0]
    save_answers(attempt=attempt, answers={first["version"]: [first["choices"][0]]})
    return quiz, submit_attempt(attempt=attempt)


def test_a_question_an_attempt_answered_cannot_be_deleted(taken):
    quiz, _attempt = taken

    for question in quiz.questions.all():
        with pytest.raises(QuestionInUseError):
            delete_question(question=question)

    assert quiz.questions.count() == 3


def test_a_description_drawn_by_an_attempt_cannot_be_deleted(practitioner):
    course = course_with_lessons(1, order_required=False)
    quiz = Quiz.objects.create(lesson=course.lessons.get())
    note = add_question(quiz=quiz, spec=QuestionSpec(kind="description", prompt="Read this."))
    enroll(practitioner=practitioner, course=course)
    start_attempt(practitioner=practitioner, quiz=quiz)

    with pytest.raises(QuestionInUseError):
        delete_question(question=note.question)
    assert Question.objects.filter(pk=note.question_id).exists()


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def owned(instructor):
    course = course_with_lessons(1, order_required=False)
    teach(course, instructor)
    lesson = course.lessons.get()
    return lesson, quiz_for(lesson, questions=3)


def url(name: str, lesson: Lesson, *args: object) -> str:
    return reverse(f"courses:{name}", args=[lesson.course.slug, lesson.slug, *args])


def page_urls(lesson: Lesson, question: Question) -> list[str]:
    return [
        url("quiz_edit", lesson),
        url("quiz_preview", lesson),
        url("question_add", lesson, "matching"),
        url("question_edit", lesson, question.pk),
        url("question_delete", lesson, question.pk),
    ]


def test_the_owner_opens_every_page(client, instructor, owned):
    lesson, quiz = owned
    client.force_login(instructor)

    statuses = [client.get(u).status_code for u in page_urls(lesson, quiz.questions.first())]

    assert statuses == [200] * 5


def test_pages_are_404_to_other_instructors_403_to_practitioners(client, owned, practitioner):
    lesson, quiz = owned
    urls = page_urls(lesson, quiz.questions.first())

    client.force_login(UserFactory.create(is_instructor=True))
    assert [client.get(u).status_code for u in urls] == [404] * 5
    client.force_login(practitioner)
    assert [client.get(u).status_code for u in urls] == [403] * 5
    client.logout()
    assert all(client.get(u).url.startswith(reverse("account_login")) for u in urls)


def test_other_instructors_cannot_change_the_quiz(client, owned):
    lesson, quiz = owned
    question = quiz.questions.order_by("position").last()
    client.force_login(UserFactory.create(is_instructor=True))

    responses = [
        client.post(url("quiz_edit", lesson), settings_data(pass_mark=10)),
        client.post(url("question_move", lesson, question.pk), {"direction": "up"}),
        client.post(url("question_delete", lesson, question.pk)),
        client.post(url("question_edit", lesson, question.pk), {"prompt": "Hijacked"}),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70
    assert prompts_in_order(quiz) == ["Question text 0", "Question text 1", "Question text 2"]


def test_a_question_of_another_quiz_is_404(client, instructor, owned):
    lesson, _quiz = owned
    other = quiz_for(course_with_lessons(1).lessons.get(), questions=1).questions.get()
    client.force_login(instructor)

    assert client.get(url("question_edit", lesson, other.pk)).status_code == 404
    assert client.post(url("question_delete", lesson, other.pk)).status_code == 404
    assert Question.objects.filter(pk=other.pk).exists()


def test_posts_without_a_csrf_token_are_refused(instructor, owned):
    lesson, quiz = owned
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)

    response = client.post(url("quiz_edit", lesson), settings_data(pass_mark=10))

    assert response.status_code == 403
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70


def test_a_lesson_without_a_quiz_offers_to_create_one(client, instructor):
    course = course_with_lessons(1)
    teach(course, instructor)
    lesson = course.lessons.get()
    client.force_login(instructor)

    page = client.get(url("quiz_edit", lesson)).content.decode()
    created = client.post(url("quiz_create", lesson))

    assert url("quiz_create", lesson) in page
    assert created.status_code == 302
    lesson.refresh_from_db()
    assert lesson.kind == Lesson.Kind.QUIZ
    assert Quiz.objects.filter(lesson=lesson).exists()


def test_editor_lists_questions_with_type_version_and_links(client, instructor, owned):
    lesson, _quiz = owned
    client.force_login(instructor)

    page = client.get(url("quiz_edit", lesson)).content.decode()

    assert page.count("Single choice") >= 3
    assert "Question text 2" in page
    assert "version 1" in page
    assert url("quiz_import", lesson) in page
    assert reverse("courses:quiz_export", args=[lesson.course.slug, lesson.slug]) in page


def test_settings_are_saved_from_the_editor_and_errors_shown(client, instructor, owned):
    lesson, quiz = owned
    client.force_login(instructor)

    refused = client.post(url("quiz_edit", lesson), settings_data(draw_count=9))
    saved = client.post(url("quiz_edit", lesson), settings_data(pass_mark=85, draw_count=2))

    assert 'role="alert"' in refused.content.decode()
    assert "cannot draw 9" in refused.content.decode()
    assert saved.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.pass_mark, quiz.draw_count, quiz.shuffle_choices) == (85, 2, False)


def test_moving_a_question_from_the_editor(client, instructor, owned):
    lesson, quiz = owned
    last = quiz.questions.order_by("position").last()
    client.force_login(instructor)

    response = client.post(url("question_move", lesson, last.pk), {"direction": "up"})

    assert response.status_code == 302
    assert response.url.endswith(f"#question-{last.pk}")
    assert prompts_in_order(quiz) == ["Question text 0", "Question text 2", "Question text 1"]


def test_adding_a_question_through_the_page(client, instructor, owned):
    lesson, quiz = owned
    client.force_login(instructor)
    data, expected = ANSWERS["multiple"]

    response = client.post(
        url("question_add", lesson, "multiple"),
        {"prompt": "Which make fascia *tighten*?", "points": "2", **data},
    )

    assert response.status_code == 302
    version = current_versions(quiz)[-1]
    assert (version.kind, version.points) == ("multiple", Decimal("2.00"))
    assert "<em>tighten</em>" in version.prompt_html
    assert choices_of(version) == expected


def test_invalid_question_shows_a_summary_and_saves_nothing(client, instructor, owned):
    lesson, quiz = owned
    client.force_login(instructor)
    data = rows("answers", {"text": "A"}, {"text": "B"})

    response = client.post(url("question_add", lesson, "single"), {"prompt": "", **data})

    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Mark exactly one answer as the right one." in page
    assert 'href="#id_prompt"' in page
    assert quiz.questions.count() == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [("99999999999999", "cannot be kept exactly"), ("0.0000001", "no more than 6 decimal places")],
)
def test_a_number_the_column_cannot_keep_is_refused_on_the_page(
    client, instructor, owned, value, message
):
    lesson, quiz = owned
    client.force_login(instructor)
    data = rows("answers", {"value": value, "tolerance": "0", "weight": "100"})

    response = client.post(
        url("question_add", lesson, "numerical"), {"prompt": "How many?", "points": "1", **data}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert quiz.questions.count() == 3


def test_unknown_question_type_is_404(client, instructor, owned):
    lesson, _quiz = owned
    client.force_login(instructor)

    assert client.get(url("question_add", lesson, "essay")).status_code == 404


def test_editing_an_unanswered_question_changes_it_in_place(client, instructor, owned):
    lesson, quiz = owned
    question = quiz.questions.order_by("position").first()
    client.force_login(instructor)
    version = question.versions.get()

    client.post(
        url("question_edit", lesson, question.pk),
        {"prompt": "Reworded", "points": "1", **resubmitted("single", version).dict()},
    )

    assert list(question.versions.values_list("number", "prompt")) == [(1, "Reworded")]


def test_editing_an_answered_question_makes_version_2_and_the_attempt_keeps_1(
    client, instructor, taken
):
    quiz, attempt = taken
    teach(quiz.lesson.course, instructor)
    lesson = quiz.lesson
    question = quiz.questions.order_by("position").first()
    old = question.versions.get()
    client.force_login(instructor)
    edit_url = url("question_edit", lesson, question.pk)

    before = client.get(edit_url).content.decode()
    data = resubmitted("single", old)
    data.setlist("prompt", ["Reworded after the attempt"])
    data.setlist("points", ["1"])
    saved = client.post(edit_url, data, follow=True)

    assert "saving creates version 2; past attempts keep version 1" in before
    assert "Saved as version 2" in saved.content.decode()
    assert list(question.versions.values_list("number", flat=True)) == [2, 1]
    attempt.refresh_from_db()
    assert old.pk in attempt.version_ids
    assert attempt.responses.filter(version=old).exists()
    assert choices_of(question.versions.get(number=2)) == choices_of(old)


def test_delete_page_explains_why_an_answered_question_stays(client, instructor, taken):
    quiz, _attempt = taken
    teach(quiz.lesson.course, instructor)
    question = quiz.questions.first()
    client.force_login(instructor)
    delete_url = url("question_delete", quiz.lesson, question.pk)

    page = client.get(delete_url).content.decode()
    refused = client.post(delete_url)

    assert "cannot be deleted" in page
    assert "Delete the question" not in page
    assert refused.status_code == 302
    assert Question.objects.filter(pk=question.pk).exists()


def test_deleting_an_unused_question_through_the_page(client, instructor, owned):
    lesson, quiz = owned
    question = quiz.questions.first()
    client.force_login(instructor)

    confirm = client.get(url("question_delete", lesson, question.pk)).content.decode()
    response = client.post(url("question_delete", lesson, question.pk))

    assert "Delete the question" in confirm
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


SECRETS = [
    "FEEDBACK-SECRET",
    "GENERAL-SECRET",
    "piriformis-secret",
    "4217.5",
    "62.5",
    "37.5",
    "0.62500",
    "0.37500",
    "-100",
    "1.00000",
    "fraction",
    "is_correct",
]


def test_preview_shows_the_quiz_as_a_learner_without_saving_or_leaking(client, instructor):
    course = course_with_lessons(1, order_required=False)
    teach(course, instructor)
    lesson = course.lessons.get()
    quiz = Quiz.objects.create(lesson=lesson)
    feedback = {"feedback": "FEEDBACK-SECRET"}
    specs = [
        QuestionSpec(
            kind="multiple",
            prompt="Which make fascia tighten?",
            general_feedback="GENERAL-SECRET",
            choices=[
                ChoiceSpec(text="Overuse", fraction=D("0.625"), **feedback),
                ChoiceSpec(text="Stillness", fraction=D("0.375"), **feedback),
                ChoiceSpec(text="Movement", fraction=D("-1"), **feedback),
            ],
        ),
        QuestionSpec(
            kind="short_answer",
            prompt="Which muscle?",
            choices=[ChoiceSpec(text="piriformis-secret", fraction=D("1"), **feedback)],
        ),
        QuestionSpec(
            kind="numerical",
            prompt="How far?",
            choices=[
                ChoiceSpec(
                    text="4217.5",
                    fraction=D("1"),
                    numeric_value=D("4217.5"),
                    tolerance=D("0"),
                    **feedback,
                )
            ],
        ),
        QuestionSpec(
            kind="true_false",
            prompt="Sharp pain means carry on.",
            choices=[
                ChoiceSpec(text="True", **feedback),
                ChoiceSpec(text="False", fraction=D("1"), **feedback),
            ],
        ),
    ]
    for spec in specs:
        add_question(quiz=quiz, spec=spec)
    client.force_login(instructor)

    response = client.get(url("quiz_preview", lesson))

    page = response.content.decode()
    assert "Preview: answers are not saved" in page
    assert page.count("<fieldset") == 4
    assert page.count("<legend>") == 4
    assert '<label for="a' in page
    assert "Overuse" in page
    assert "Which muscle?" in page
    assert [secret for secret in SECRETS if secret in page] == []
    assert not Attempt.objects.exists()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("name", ["quiz_edit", "quiz_preview"])
def test_query_counts_do_not_grow_with_the_number_of_questions(client, instructor, name):
    logged_in(client, instructor)
    counts = []
    for size in (5, 30):
        course = course_with_lessons(1, slug=f"q{size}")
        teach(course, instructor)
        lesson = course.lessons.get()
        quiz_for(lesson, questions=size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name, lesson))
        assert response.status_code == 200
        assert response.content.decode().count("Question text") == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_changing_choice_rows_writes_the_new_set(client, instructor, owned):
    lesson, quiz = owned
    question = quiz.questions.order_by("position").first()
    client.force_login(instructor)
    data = rows(
        "answers",
        {"text": "right 0", "feedback": "Yes"},
        {"text": "wrong 0", "DELETE": "on"},
        {"text": "new one"},
        **{"answers-right": "2"},
    )

    client.post(url("question_edit", lesson, question.pk), {"prompt": "Q", "points": "1", **data})

    version = question.versions.get()
    assert [(c.text, c.fraction) for c in version.choices.order_by("position")] == [
        ("right 0", D("0")),
        ("new one", D("1")),
    ]
    assert Choice.objects.filter(version=version).count() == 2


def test_preview_draws_as_many_questions_as_the_settings_say(client, instructor):
    course = course_with_lessons(1)
    teach(course, instructor)
    lesson = course.lessons.get()
    quiz_for(lesson, questions=5, draw_count=2)
    client.force_login(instructor)

    page = client.get(url("quiz_preview", lesson)).content.decode()

    assert page.count('<fieldset class="question"') == 2


def test_an_attempt_in_progress_is_named_before_saving(client, instructor, practitioner):
    course = course_with_lessons(1, order_required=False)
    teach(course, instructor)
    lesson = course.lessons.get()
    quiz = quiz_for(lesson, questions=1)
    enroll(practitioner=practitioner, course=course)
    start_attempt(practitioner=practitioner, quiz=quiz)
    client.force_login(instructor)

    page = client.get(url("question_edit", lesson, quiz.questions.get().pk)).content.decode()

    assert "An attempt in progress includes this question: saving creates version 2" in page


def test_a_description_has_no_points_or_answers(client, instructor, owned):
    lesson, quiz = owned
    client.force_login(instructor)

    form = client.get(url("question_add", lesson, "description")).content.decode()
    client.post(url("question_add", lesson, "description"), {"prompt": "Read *this* first."})

    assert 'name="points"' not in form
    assert "TOTAL_FORMS" not in form
    version = current_versions(quiz)[-1]
    assert (version.kind, version.points, version.choices.count()) == ("description", 0, 0)
