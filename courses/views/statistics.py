from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import Course, Lesson, Quiz
from courses.services.statistics import queue_quiz_statistics, quiz_statistics_report


def _taught_quiz(request: HttpRequest, course: str, lesson: str) -> Quiz:
    """The quiz of a lesson in a course the user teaches; other instructors get 404."""
    if not getattr(request.user, "is_instructor", False):
        raise PermissionDenied
    lesson_obj = get_object_or_404(
        Lesson.objects.select_related("course", "quiz"),
        course__in=Course.objects.taught_by(request.user),
        course__slug=course,
        slug=lesson,
    )
    quiz = getattr(lesson_obj, "quiz", None)
    if quiz is None:
        raise Http404
    return quiz


@require_http_methods(["GET", "POST"])
def quiz_statistics(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    quiz = _taught_quiz(request, course, lesson)
    if request.method == "POST":
        queue_quiz_statistics(quiz_id=quiz.pk, now=True)
        messages.success(
            request, _("The statistics are being recomputed. Reload the page in a moment.")
        )
        return redirect("courses:quiz_statistics", course=course, lesson=lesson)
    context = {
        "course": quiz.lesson.course,
        "lesson": quiz.lesson,
        "quiz": quiz,
        "report": quiz_statistics_report(quiz=quiz),
    }
    return render(request, "courses/teach/statistics/quiz_statistics.html", context)
