from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import GiftImport, Lesson, Quiz
from courses.permissions import Action
from courses.services.gift_import import (
    MAX_GIFT_BYTES,
    MAX_QUESTIONS_IN_REQUEST,
    export_gift,
    import_gift,
    preview_gift,
    queue_import,
    written_so_far,
)
from courses.services.questions import MAX_CHOICES, MAX_QUESTIONS_PER_QUIZ, create_quiz
from teach.access import course_permission_required
from teach.forms.imports import GiftImportForm


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def import_quiz(
    request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    form = GiftImportForm(request.POST or None, request.FILES or None)
    quiz = getattr(lesson_obj, "quiz", None)
    preview = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if form.cleaned_data.get("file") is not None:
            # The file is read once: its text goes back in the text box, so that Import posts it.
            form = GiftImportForm({"text": text})
            form.is_valid()
        preview = preview_gift(text, quiz=quiz)
        if request.POST.get("action") == "import" and preview.ok:
            target = create_quiz(lesson=lesson_obj)
            if preview.runs_in_background:
                job = queue_import(
                    quiz=target,
                    text=text,
                    questions=len(preview.questions),
                    requested_by=request.user,
                )
                return redirect(
                    "courses:quiz_import_status", course=course, lesson=lesson, job=job.pk
                )
            try:
                added = import_gift(quiz=target, text=text)
            except ValidationError as exc:  # the quiz changed between preview and import
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(n)d questions imported into the quiz.") % {"n": len(added)}
                )
                return redirect("courses:quiz_import", course=course, lesson=lesson)
    context = {
        "course": lesson_obj.course,
        "lesson": lesson_obj,
        "quiz": quiz,
        "question_count": quiz.questions.count() if quiz else 0,
        "form": form,
        "preview": preview,
        "max_kb": MAX_GIFT_BYTES // 1024,
        "max_questions": MAX_QUESTIONS_PER_QUIZ,
        "max_choices": MAX_CHOICES,
        "in_request": MAX_QUESTIONS_IN_REQUEST,
    }
    return render(request, "teach/quiz_import.html", context)


@require_GET
@course_permission_required(Action.EDIT, lesson=True)
def import_status(
    request: HttpRequest, course: str, lesson: str, job: int, *, lesson_obj: Lesson
) -> HttpResponse:
    """Where a background import stands; htmx polls the status part until it is finished."""
    job_obj = get_object_or_404(GiftImport.objects.defer("text"), pk=job, quiz__lesson=lesson_obj)
    context = {
        "course": lesson_obj.course,
        "lesson": lesson_obj,
        "job": job_obj,
        "written": written_so_far(job_obj),
    }
    if request.headers.get("HX-Request"):
        return render(request, "teach/_quiz_import_status.html", context)
    return render(request, "teach/quiz_import_status.html", context)


@require_GET
@course_permission_required(Action.EDIT, lesson=True)
def export_quiz(
    request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    quiz = get_object_or_404(Quiz, lesson=lesson_obj)
    response = HttpResponse(export_gift(quiz), content_type="text/plain; charset=utf-8")
    filename = f"{slugify(lesson_obj.course.slug)}__{slugify(lesson_obj.slug)}.gift"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
