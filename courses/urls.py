from django.urls import path

from courses.views import authoring, learner, quizzes

app_name = "courses"

urlpatterns = [
    path("courses/", learner.catalog, name="catalog"),
    path("courses/<slug:course>/", learner.course_detail, name="course"),
    path("courses/<slug:course>/<slug:lesson>/", learner.lesson_detail, name="lesson"),
    path("courses/<slug:course>/<slug:lesson>/quiz/", quizzes.start, name="quiz_start"),
    path("attempts/<int:attempt>/", quizzes.attempt_page, name="attempt"),
    path("attempts/<int:attempt>/save/", quizzes.save, name="attempt_save"),
    path("attempts/<int:attempt>/submit/", quizzes.submit, name="attempt_submit"),
    path("learning/", learner.learning, name="learning"),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/import/",
        authoring.import_quiz,
        name="quiz_import",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz.gift",
        authoring.export_quiz,
        name="quiz_export",
    ),
]
