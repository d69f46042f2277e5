from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.selectors.statistics import quiz_statistics_report
from courses.services.statistics import queue_quiz_statistics
from teach.access import taught_quiz


@require_http_methods(["GET", "POST"])
def quiz_statistics(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    quiz = taught_quiz(request, course, lesson)
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
