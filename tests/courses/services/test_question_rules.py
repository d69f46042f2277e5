"""The editor's answer forms and the GIFT import apply the same rules (one function,
`courses.services.questions.answer_problems`), so no import creates a question the editor then
refuses to save, and the editor refuses nothing an import would store."""

import pytest
from django.core.exceptions import ValidationError

from courses.lib.gift import parse_gift
from courses.services.gift_import import KINDS, import_gift, preview_gift
from teach.forms.quizzes import answers_for
from tests.factories import course_with_lessons, quiz_for
from tests.teach.test_quiz_editor import post, rows

pytestmark = pytest.mark.django_db

LONG = "x" * 600  # longer than a typed answer (500), shorter than an answer's text (1,000)

# (what, the editor's post for the kind, the same question in GIFT, accepted)
CASES = [
    (
        "multiple, right weights add to 99%",
        "multiple",
        rows("answers", {"text": "A", "weight": "50"}, {"text": "B", "weight": "49"}),
        "::Q:: Pick. {~%50%A ~%49%B}",
        False,
    ),
    (
        "multiple, right weights add to 200%",
        "multiple",
        rows("answers", {"text": "A", "weight": "100"}, {"text": "B", "weight": "100"}),
        "::Q:: Pick. {~%100%A ~%100%B}",
        False,
    ),
    (
        "multiple, thirds",
        "multiple",
        rows(
            "answers",
            {"text": "A", "weight": "33.333"},
            {"text": "B", "weight": "33.333"},
            {"text": "C", "weight": "33.334"},
            {"text": "D", "weight": "-100"},
        ),
        "::Q:: Pick. {~%33.333%A ~%33.333%B ~%33.334%C ~%-100%D}",
        True,
    ),
    (
        "short answer longer than any typed answer",
        "short_answer",
        rows("answers", {"text": LONG, "weight": "100"}),
        "::Q:: Name it. {=" + LONG + "}",
        False,
    ),
    (
        "short answer with a negative weight",
        "short_answer",
        rows("answers", {"text": "fascia", "weight": "100"}, {"text": "bone", "weight": "-50"}),
        "::Q:: Name it. {=fascia =%-50%bone}",
        False,
    ),
    (
        "matching answer longer than a typed answer",
        "matching",
        {
            **rows("pairs", {"prompt": "A", "answer": LONG}, {"prompt": "B", "answer": "b"}),
            **rows("distractors"),
        },
        "::Q:: Match. {=A -> " + LONG + " =B -> b}",
        False,
    ),
]


@pytest.mark.parametrize(
    ("kind", "data", "gift", "accepted"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_editor_and_the_import_accept_and_refuse_the_same_questions(kind, data, gift, accepted):
    [parsed] = parse_gift(gift)
    assert KINDS[parsed.kind] == kind, "the GIFT text reads as the editor's question type"

    editor_accepts = answers_for(kind, data=post(data)).is_valid()
    preview = preview_gift(gift)

    assert editor_accepts is accepted
    assert (not preview.problems) is accepted, preview.problems


def test_a_gift_multiple_response_whose_right_answers_add_to_99_is_not_imported():
    quiz = quiz_for(course_with_lessons(1).lessons.get(), questions=0)

    with pytest.raises(ValidationError, match="add up to 100% \\(now 99%\\)"):
        import_gift(quiz=quiz, text="::Q:: Pick. {~%50%A ~%49%B ~%0%C}")

    assert quiz.questions.count() == 0


def test_a_gift_single_choice_with_partial_credit_is_refused_as_the_editor_cannot_keep_it():
    """The editor's single-choice rows are right or wrong: saving such an import there would
    silently drop the 50%."""
    preview = preview_gift("::Q:: Pick. {=right ~%50%half ~wrong}")

    assert [p.message for p in preview.problems] == [
        "A single-choice answer is right (100%) or wrong (0%): for partial credit, "
        "make it a multiple-response question."
    ]
