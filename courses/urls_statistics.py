"""URL patterns for quiz item statistics (included by courses/urls.py)."""

from django.urls import URLPattern, path

from courses.views import statistics

urlpatterns: list[URLPattern] = [
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/statistics/",
        statistics.quiz_statistics,
        name="quiz_statistics",
    ),
]
