"""URL patterns for the quiz editor (included by courses/urls.py)."""

from django.urls import URLPattern, path

from courses.views import quiz_editor

QUIZ = "teach/courses/<slug:course>/<slug:lesson>/quiz/"

urlpatterns: list[URLPattern] = [
    path(QUIZ, quiz_editor.edit_quiz, name="quiz_edit"),
    path(f"{QUIZ}create/", quiz_editor.create, name="quiz_create"),
    path(f"{QUIZ}preview/", quiz_editor.preview, name="quiz_preview"),
    path(f"{QUIZ}questions/new/<slug:kind>/", quiz_editor.add, name="question_add"),
    path(f"{QUIZ}questions/<int:question>/", quiz_editor.edit, name="question_edit"),
    path(f"{QUIZ}questions/<int:question>/delete/", quiz_editor.delete, name="question_delete"),
    path(f"{QUIZ}questions/<int:question>/move/", quiz_editor.move, name="question_move"),
]
