"""Markdown fields are capped (rendering is linear but costly on hostile input: 200,000
characters of "![" took 4.5 s): forms say so and refuse more, the preview renders nothing over
the cap, and the services that save Markdown refuse it too."""

import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.lib.text import MARKDOWN_MAX_LENGTH, preview_markdown
from courses.models import Course
from courses.services import structure
from courses.services.questions import ChoiceSpec, QuestionSpec, add_question
from courses.services.structure import CourseDetails, LessonDetails
from teach.forms.quizzes import QuestionForm
from teach.forms.structure import CourseCreateForm, LessonForm
from tests.factories import TopicFactory, course_with_lessons, quiz_for, teach
from tests.teach.test_structure_pages import lesson_form

pytestmark = pytest.mark.django_db

OVER = "![" * (MARKDOWN_MAX_LENGTH // 2 + 1)  # just over the cap, the costliest text known


@pytest.fixture
def course(instructor):
    course = course_with_lessons(1, title="Fascia basics")
    teach(course, instructor)
    return course


def test_the_forms_state_the_cap_and_refuse_more():
    for form_class, name in ((CourseCreateForm, "description"), (LessonForm, "body")):
        form = form_class()
        assert "100,000 characters" in str(form.fields[name].help_text)
        assert getattr(form.fields[name], "max_length", None) == MARKDOWN_MAX_LENGTH
        assert f'maxlength="{MARKDOWN_MAX_LENGTH}"' in str(form[name])


def test_the_preview_endpoint_renders_nothing_over_the_cap_and_says_why(client, instructor):
    client.force_login(instructor)

    started = time.perf_counter()
    response = client.post(reverse("courses:markdown_preview"), {"source": "body", "body": OVER})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert "at most 100,000 characters" in response.content.decode()
    assert "![" not in response.content.decode()
    assert elapsed < 1.0  # nothing was rendered (rendering this takes about 2 s)


def test_the_preview_still_renders_text_within_the_cap():
    assert preview_markdown("**bold**") == "<p><strong>bold</strong></p>\n"


def test_saving_an_over_long_lesson_shows_the_error_and_changes_nothing(client, instructor, course):
    lesson = course.lessons.get()
    client.force_login(instructor)

    response = client.post(
        reverse("courses:lesson_edit", args=[course.slug, lesson.slug]),
        lesson_form(lesson, body=OVER),
    )
    no_js_preview = client.post(
        reverse("courses:lesson_edit", args=[course.slug, lesson.slug]),
        lesson_form(lesson, body=OVER, action="preview"),
    )

    assert response.status_code == 200
    assert "at most 100,000 characters" in response.content.decode()
    assert "at most 100,000 characters" in no_js_preview.content.decode()
    lesson.refresh_from_db()
    assert lesson.body == "Some **text**."


def test_the_course_editor_preview_button_obeys_the_cap(client, instructor, course):
    client.force_login(instructor)

    response = client.post(
        reverse("courses:course_edit", args=[course.slug]),
        {"action": "preview", "description": OVER},
    )

    assert response.status_code == 200
    assert "at most 100,000 characters" in response.content.decode()


def test_the_services_refuse_over_long_markdown(instructor, course):
    details = CourseDetails(
        title="Long",
        summary="Long",
        topic=TopicFactory.create(),
        ce_hours=Decimal("1"),
        description=OVER,
    )
    with pytest.raises(ValidationError) as created:
        structure.create_course(owner=instructor, details=details)
    assert "description" in created.value.message_dict
    assert not Course.objects.filter(title="Long").exists()

    lesson = course.lessons.get()
    with pytest.raises(ValidationError) as updated:
        structure.update_lesson(
            lesson=lesson, details=LessonDetails(title=lesson.title, slug=lesson.slug, body=OVER)
        )
    assert "body" in updated.value.message_dict

    quiz = quiz_for(lesson, questions=0)
    spec = QuestionSpec(
        kind="single",
        prompt=OVER,
        choices=[ChoiceSpec(text="a", fraction=Decimal("1")), ChoiceSpec(text="b")],
    )
    with pytest.raises(ValidationError, match="take at most 20,000 characters"):
        add_question(quiz=quiz, spec=spec)
    assert not quiz.questions.exists()


def test_a_text_at_the_cap_is_accepted(instructor, course):
    lesson = course.lessons.get()
    body = "a" * MARKDOWN_MAX_LENGTH

    structure.update_lesson(
        lesson=lesson, details=LessonDetails(title=lesson.title, slug=lesson.slug, body=body)
    )

    lesson.refresh_from_db()
    assert len(lesson.body) == MARKDOWN_MAX_LENGTH


def test_the_question_form_caps_its_markdown_below_the_site_cap():
    form = QuestionForm(kind="single")
    for name in ("prompt", "general_feedback"):
        assert 0 < getattr(form.fields[name], "max_length", 0) <= MARKDOWN_MAX_LENGTH
