import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy.http import HtmxHttpRequest
from academy.models import User
from courses.models import Attempt, Choice, Course, Lesson, QuestionVersion
from courses.selectors.attempts import matching_answers, review_visible, shown_questions
from courses.services.attempts import (
    AnswerInvalidError,
    AnswerRejectedError,
    AttemptClosedError,
    AttemptsExhaustedError,
    is_time_up,
    save_answers,
    start_attempt,
    submit_attempt,
)
from courses.services.progress import LessonLockedError, NotEnrolledError

_PLACE = re.compile(r"[0-9]{1,6}")


def answers_from_post(attempt: Attempt, data: QueryDict) -> dict[int, Any]:
    """The answers a form posted, keyed by question version, with options turned from their
    places on the page back into choice ids. `v` lists the questions posted, so that clearing
    every box of a question is saved too. A place outside the question's options is rejected."""
    layout = {int(item["version"]): item for item in attempt.layout}
    posted: list[int] = []
    for raw_id in data.getlist("v"):
        try:
            posted.append(int(raw_id))
        except ValueError as exc:
            raise AnswerRejectedError("That question is not part of this attempt.") from exc
    if not set(posted) <= set(layout):
        raise AnswerRejectedError("That question is not part of this attempt.")
    kinds = dict(QuestionVersion.objects.filter(pk__in=posted).values_list("pk", "kind"))
    matching = [v for v in posted if kinds.get(v) == QuestionVersion.Kind.MATCHING]
    texts = dict(
        Choice.objects.filter(version_id__in=matching).values_list("pk", "text") if matching else []
    )

    answers: dict[int, Any] = {}
    for version_id in posted:
        item, kind = layout[version_id], kinds.get(version_id)
        if kind == QuestionVersion.Kind.MATCHING:
            prefix = f"q{version_id}_"
            options = matching_answers(texts[int(c)] for c in item["choices"])
            pairs: dict[str, int] = {}
            for key, value in data.items():
                if key.startswith(prefix) and value != "":
                    prompt = int(_at(item.get("prompts", []), key[len(prefix) :]))
                    text = _at(options, str(value))
                    pairs[str(prompt)] = next(
                        int(c) for c in item["choices"] if texts[int(c)] == text
                    )
            answers[version_id] = pairs
        elif kind in (QuestionVersion.Kind.SHORT_ANSWER, QuestionVersion.Kind.NUMERICAL):
            answers[version_id] = data.getlist(f"q{version_id}")
        else:
            places = [p for p in data.getlist(f"q{version_id}") if p != ""]
            answers[version_id] = [int(_at(item["choices"], p)) for p in places]
    return answers


def _at(items: list[Any], place: str) -> Any:
    """The item at a place the page posted; anything else is a forged answer. Places are ASCII
    digits only: "²" and "٣" pass `str.isdigit()`, and `int()` refuses the first."""
    if not _PLACE.fullmatch(place) or int(place) >= len(items):
        raise AnswerRejectedError("An answer is not one of this question's options.")
    return items[int(place)]


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.of(request.user).select_related("quiz__lesson__course"), pk=attempt_id
    )


@require_POST
def start(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    lesson_obj = get_object_or_404(
        Lesson.objects.published().select_related("course", "quiz"),
        course__slug=course,
        slug=lesson,
        course__status=Course.Status.PUBLISHED,
    )
    quiz = getattr(lesson_obj, "quiz", None)
    if quiz is None:
        raise Http404
    try:
        attempt = start_attempt(practitioner=user, quiz=quiz)
    except NotEnrolledError as exc:
        raise Http404 from exc
    except LessonLockedError as exc:
        messages.error(request, str(exc))
        return redirect(lesson_obj)
    except AttemptsExhaustedError:
        messages.error(request, _("You have used every attempt this quiz allows."))
        return redirect(lesson_obj)
    return redirect("courses:attempt", attempt=attempt.pk)


@require_GET
def attempt_page(request: HttpRequest, attempt: int) -> HttpResponse:
    attempt_obj = _own_attempt(request, attempt)
    lesson = attempt_obj.quiz.lesson
    context: dict[str, Any] = {
        "attempt": attempt_obj,
        "quiz": attempt_obj.quiz,
        "lesson": lesson,
        "course": lesson.course,
    }
    if is_time_up(attempt_obj):
        # A GET never grades: the page offers the submit (a POST), or the sweep grades it.
        return render(request, "learn/attempt_time_up.html", context)
    context["questions"] = shown_questions(attempt_obj)
    if attempt_obj.is_open:
        return render(request, "learn/attempt.html", context)
    history = list(
        Attempt.objects.filter(practitioner=attempt_obj.practitioner, quiz=attempt_obj.quiz)
        .exclude(submitted_at=None)
        .values_list("passed", flat=True)
    )
    quiz = attempt_obj.quiz
    passed_ever, used = any(history), len(history)
    context["show_marks"] = review_visible(
        quiz.review_marks, quiz=quiz, passed_ever=passed_ever, attempts_used=used
    )
    context["show_answers"] = review_visible(
        quiz.review_answers, quiz=quiz, passed_ever=passed_ever, attempts_used=used
    )
    allowed = attempt_obj.quiz.attempts_allowed
    context["can_retry"] = not any(history) and (allowed is None or len(history) < allowed)
    return render(request, "learn/attempt_result.html", context)


@require_POST
def save(request: HtmxHttpRequest, attempt: int) -> HttpResponse:
    """Autosave (htmx): answers of the questions posted, as the practitioner goes."""
    attempt_obj = _own_attempt(request, attempt)
    try:
        save_answers(attempt=attempt_obj, answers=answers_from_post(attempt_obj, request.POST))
    except AnswerInvalidError as exc:
        # A 200, so that htmx shows the reason in the question's status line (it swaps no 4xx).
        return HttpResponse(_("Not saved: %(reason)s") % {"reason": exc})
    except AnswerRejectedError as exc:
        return HttpResponseBadRequest(str(exc))
    except AttemptClosedError:
        return HttpResponse(_("This attempt is closed."), status=409)
    return HttpResponse(_("Saved"))


@require_POST
def submit(request: HttpRequest, attempt: int) -> HttpResponse:
    attempt_obj = _own_attempt(request, attempt)
    if attempt_obj.is_open:
        try:
            save_answers(attempt=attempt_obj, answers=answers_from_post(attempt_obj, request.POST))
        except AnswerInvalidError as exc:
            # Nothing of this post is saved and the attempt stays open, to be corrected.
            messages.error(request, _("Not submitted: %(reason)s") % {"reason": exc})
            return redirect("courses:attempt", attempt=attempt_obj.pk)
        except AnswerRejectedError as exc:
            return HttpResponseBadRequest(str(exc))
        except AttemptClosedError:
            pass  # time is up: what was saved before the limit is graded
        attempt_obj = submit_attempt(attempt=attempt_obj)
    return redirect("courses:attempt", attempt=attempt_obj.pk)
