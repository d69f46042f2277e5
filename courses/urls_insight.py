"""URL patterns for course insight and exports (included by courses/urls.py)."""

from django.urls import URLPattern, path

from courses.views import insight

urlpatterns: list[URLPattern] = [
    path("teach/courses/<slug:course>/insight/", insight.course_insight, name="course_insight"),
    path(
        "teach/courses/<slug:course>/export/progress.csv",
        insight.export_progress,
        name="export_progress",
    ),
    path(
        "teach/courses/<slug:course>/export/quiz-results.csv",
        insight.export_quiz_results,
        name="export_quiz_results",
    ),
    path(
        "teach/courses/<slug:course>/export/certificates.csv",
        insight.export_certificates,
        name="export_certificates",
    ),
]
