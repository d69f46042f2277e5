from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import Quiz
from courses.permissions import Action
from courses.selectors.statistics import quiz_statistics_report
from courses.services.statistics import queue_quiz_statistics
from teach.access import course_permission_required


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.VIEW_QUIZ_STATISTICS, quiz=True)
def quiz_statistics(request: HttpRequest, course: str, lesson: str, *, quiz: Quiz) -> HttpResponse:
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
    return render(request, "teach/statistics/quiz_statistics.html", context)
