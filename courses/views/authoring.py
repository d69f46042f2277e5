from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from courses.forms import GiftImportForm
from courses.models import Lesson, Quiz
from courses.services.gift_import import export_gift, import_gift, preview_gift
from courses.views.access import taught_lesson


@require_http_methods(["GET", "POST"])
def import_quiz(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    lesson_obj = taught_lesson(request, course, lesson)
    form = GiftImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        preview = preview_gift(text)
        if request.POST.get("action") == "import" and preview.ok:
            target, _created = Quiz.objects.get_or_create(lesson=lesson_obj)
            if lesson_obj.kind != Lesson.Kind.QUIZ:
                lesson_obj.kind = Lesson.Kind.QUIZ
                lesson_obj.save(update_fields=["kind"])
            try:
                added = import_gift(quiz=target, text=text)
            except ValidationError as exc:  # the quiz changed between preview and import
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(n)d questions imported into the quiz.") % {"n": len(added)}
                )
                return redirect("courses:quiz_import", course=course, lesson=lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    context = {
        "course": lesson_obj.course,
        "lesson": lesson_obj,
        "quiz": quiz,
        "question_count": quiz.questions.count() if quiz else 0,
        "form": form,
        "preview": preview,
    }
    return render(request, "courses/teach/quiz_import.html", context)


@require_GET
def export_quiz(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    lesson_obj = taught_lesson(request, course, lesson)
    quiz = get_object_or_404(Quiz, lesson=lesson_obj)
    response = HttpResponse(export_gift(quiz), content_type="text/plain; charset=utf-8")
    filename = f"{slugify(lesson_obj.course.slug)}__{slugify(lesson_obj.slug)}.gift"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
