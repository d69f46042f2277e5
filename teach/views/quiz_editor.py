"""The instructors' quiz editor: settings, the question list, question forms, a learner's-eye
preview. Every page is reached through a lesson of a course the user teaches."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Choice, Lesson, Question, QuestionVersion, Quiz, Response
from courses.permissions import Action
from courses.selectors.attempts import ShownQuestion, questions_in_layout
from courses.services.attempts import current_versions, draw_layout
from courses.services.questions import (
    MAX_CHOICES,
    MAX_QUESTIONS_PER_QUIZ,
    QuestionInUseError,
    QuestionSpec,
    add_question,
    create_quiz,
    delete_question,
    edit_question,
    move_question,
    question_in_use,
    update_quiz_settings,
    version_is_frozen,
)
from teach.access import course_permission_required
from teach.forms.quizzes import (
    Problem,
    QuestionForm,
    QuizSettingsForm,
    answers_for,
    form_problems,
)

Kind = QuestionVersion.Kind


@dataclass(frozen=True)
class QuestionRow:
    """A line of the editor's question list."""

    number: int
    version: QuestionVersion
    attempts: int
    first: bool
    last: bool

    @property
    def question_id(self) -> int:
        return self.version.question_id


def _quiz_of(lesson: Lesson) -> Quiz:
    quiz = getattr(lesson, "quiz", None)
    if quiz is None:
        raise Http404
    return quiz


def _question_of(quiz: Quiz, question_id: int) -> Question:
    return get_object_or_404(Question.objects.select_related("quiz"), pk=question_id, quiz=quiz)


def _editor_url(lesson: Lesson, question_id: int | None = None, *, saved: bool = False) -> str:
    url = reverse("courses:quiz_edit", args=[lesson.course.slug, lesson.slug])
    if saved:
        url = f"{url}?saved={question_id}"
    return f"{url}#question-{question_id}" if question_id else url


def _context(lesson: Lesson, **extra: Any) -> dict[str, Any]:
    return {"course": lesson.course, "lesson": lesson, **extra}


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def edit_quiz(
    request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    quiz = getattr(lesson_obj, "quiz", None)
    if quiz is None:
        if request.method == "POST":
            raise Http404
        return render(request, "teach/quiz/no_quiz.html", _context(lesson_obj))
    versions = current_versions(quiz)
    form = QuizSettingsForm(
        request.POST or None,
        initial=QuizSettingsForm.initial_for(quiz),
        question_count=len(versions),
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_quiz_settings(quiz=quiz, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Quiz settings saved."))
            return redirect(_editor_url(lesson_obj))
    answered = dict(
        Response.objects.filter(version__question__quiz=quiz)
        .order_by()
        .values_list("version__question")
        .annotate(n=Count("attempt", distinct=True))
        .values_list("version__question", "n")
    )
    rows = [
        QuestionRow(
            number=number,
            version=version,
            attempts=answered.get(version.question_id, 0),
            first=number == 1,
            last=number == len(versions),
        )
        for number, version in enumerate(versions, start=1)
    ]
    context = _context(
        lesson_obj,
        quiz=quiz,
        form=form,
        problems=form_problems(form, anchor="settings") if form.is_bound else [],
        rows=rows,
        saved_id=_int_or_none(request.GET.get("saved")),
        kinds=Kind.choices,
        max_questions=MAX_QUESTIONS_PER_QUIZ,
        max_choices=MAX_CHOICES,
        scored_points=sum((v.points for v in versions if v.is_scored), Decimal("0")),
    )
    return render(request, "teach/quiz/edit.html", context)


_ID = re.compile(r"[0-9]{1,18}")


def _int_or_none(value: str | None) -> int | None:
    """A question id from the address, or None for anything else ("²" passes `isdigit()`)."""
    return int(value) if value and _ID.fullmatch(value) else None


@require_POST
@course_permission_required(Action.EDIT, lesson=True)
def create(request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson) -> HttpResponse:
    create_quiz(lesson=lesson_obj)
    messages.success(request, _("Quiz created: add its questions below."))
    return redirect(_editor_url(lesson_obj))


def _question_page(
    request: HttpRequest,
    lesson: Lesson,
    quiz: Quiz,
    kind: str,
    question: Question | None = None,
) -> HttpResponse:
    current = question.versions.order_by("-number").first() if question else None
    choices: list[Choice] = list(current.choices.all()) if current else []
    data = request.POST if request.method == "POST" else None
    form = QuestionForm(
        data, kind=kind, initial=QuestionForm.initial_for(current) if current else None
    )
    answers = answers_for(kind, data=data, choices=choices)
    if data is not None:
        form_ok, answers_ok = form.is_valid(), answers.is_valid()  # both, to show every error
        if form_ok and answers_ok:
            spec = QuestionSpec(
                kind=kind,
                prompt=form.cleaned_data["prompt"],
                name=form.cleaned_data["name"],
                points=form.cleaned_data.get("points") or Decimal("1"),
                general_feedback=form.cleaned_data.get("general_feedback", ""),
                choices=answers.specs(),
            )
            try:
                if question is None:
                    version = add_question(quiz=quiz, spec=spec)
                    messages.success(request, _("Question added."))
                else:
                    version, is_new = edit_question(question=question, spec=spec)
                    messages.success(
                        request,
                        _("Saved as version %(n)d: past attempts keep version %(old)d.")
                        % {"n": version.number, "old": version.number - 1}
                        if is_new
                        else _("Question saved."),
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(_editor_url(lesson, version.question_id, saved=True))
    frozen = current is not None and version_is_frozen(current)
    problems: list[Problem] = []
    if data is not None:
        problems = form_problems(form, anchor="question-fields") + answers.problems()
    context = _context(
        lesson,
        quiz=quiz,
        question=question,
        current=current,
        frozen=frozen,
        answered=frozen and current is not None and current.responses.exists(),
        kind=kind,
        kind_label=Kind(kind).label,
        form=form,
        answers=answers,
        problems=problems,
    )
    return render(request, "teach/quiz/question_form.html", context)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def add(
    request: HttpRequest, course: str, lesson: str, kind: str, *, lesson_obj: Lesson
) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    return _question_page(request, lesson_obj, _quiz_of(lesson_obj), kind)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def edit(
    request: HttpRequest, course: str, lesson: str, question: int, *, lesson_obj: Lesson
) -> HttpResponse:
    question_obj = _question_of(_quiz_of(lesson_obj), question)
    current = question_obj.versions.order_by("-number").first()
    if current is None:
        raise Http404
    return _question_page(request, lesson_obj, question_obj.quiz, current.kind, question_obj)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def delete(
    request: HttpRequest, course: str, lesson: str, question: int, *, lesson_obj: Lesson
) -> HttpResponse:
    question_obj = _question_of(_quiz_of(lesson_obj), question)
    if request.method == "POST":
        try:
            delete_question(question=question_obj)
        except QuestionInUseError:
            messages.error(
                request, _("This question has been used in attempts, so it cannot be deleted.")
            )
            return redirect(_editor_url(lesson_obj, question_obj.pk))
        messages.success(request, _("Question deleted."))
        return redirect(_editor_url(lesson_obj))
    current = question_obj.versions.order_by("-number").first()
    context = _context(
        lesson_obj,
        quiz=question_obj.quiz,
        question=question_obj,
        current=current,
        in_use=question_in_use(question_obj),
    )
    return render(request, "teach/quiz/delete.html", context)


@require_POST
@course_permission_required(Action.EDIT, lesson=True)
def move(
    request: HttpRequest, course: str, lesson: str, question: int, *, lesson_obj: Lesson
) -> HttpResponse:
    question_obj = _question_of(_quiz_of(lesson_obj), question)
    offsets = {"up": -1, "down": 1}
    direction = request.POST.get("direction", "")
    if direction not in offsets:
        return HttpResponseBadRequest(_("Move a question up or down."))
    move_question(question=question_obj, offset=offsets[direction])
    return redirect(_editor_url(lesson_obj, question_obj.pk))


def preview_questions(quiz: Quiz) -> list[ShownQuestion]:
    """The quiz as an attempt would draw it now (shuffled and drawn as the settings say); nothing
    is stored."""
    return questions_in_layout(draw_layout(quiz))


@require_GET
@course_permission_required(Action.EDIT, lesson=True)
def preview(request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson) -> HttpResponse:
    quiz = _quiz_of(lesson_obj)
    context = _context(lesson_obj, quiz=quiz, questions=preview_questions(quiz))
    return render(request, "teach/quiz/preview.html", context)
