"""The instructors' and staff's pages, all under /teach/ (names in the site-wide "courses"
namespace: see academy/urls.py). In the order they were first matched in: sign-offs,
certificates and quiz files, then structure, the quiz editor, insight and statistics."""

from django.urls import URLPattern, path

from teach.views import (
    certificates,
    insight,
    quiz_editor,
    quiz_files,
    signoffs,
    statistics,
    structure,
)

COURSE = "teach/courses/<slug:course>/"
LESSON = COURSE + "<slug:lesson>/"
MODULE = COURSE + "modules/<int:module>/"
QUIZ = "teach/courses/<slug:course>/<slug:lesson>/quiz/"

urlpatterns: list[URLPattern] = [
    path("teach/sign-offs/", signoffs.queue, name="sign_off_queue"),
    path(
        "teach/courses/<slug:course>/sign-offs/",
        signoffs.course_sign_offs,
        name="course_sign_offs",
    ),
    path(
        "teach/sign-offs/<int:enrollment>/<int:lesson>/",
        signoffs.give,
        name="sign_off_give",
    ),
    path(
        "teach/sign-offs/<int:sign_off>/send-back/",
        signoffs.send_back,
        name="sign_off_send_back",
    ),
    path(
        "teach/courses/<slug:course>/certificates/",
        certificates.register,
        name="certificate_register",
    ),
    path(
        "teach/certificates/<str:code>/<str:action>/",
        certificates.certificate_action,
        name="certificate_action",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/import/",
        quiz_files.import_quiz,
        name="quiz_import",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/import/<int:job>/",
        quiz_files.import_status,
        name="quiz_import_status",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz.gift",
        quiz_files.export_quiz,
        name="quiz_export",
    ),
    # Structure
    path("teach/", structure.teaching, name="teaching"),
    path("teach/instructors/", structure.instructors, name="staff_instructors"),
    path("teach/instructors/<int:user>/", structure.instructor_status, name="instructor_status"),
    path("teach/markdown-preview/", structure.markdown_preview, name="markdown_preview"),
    # Before the course patterns: "new" is never a course slug (see RESERVED_COURSE_SLUGS).
    path("teach/courses/new/", structure.course_create, name="course_create"),
    path(COURSE, structure.course_edit, name="course_edit"),
    path(COURSE + "status/", structure.course_status, name="course_status"),
    path(COURSE + "delete/", structure.course_delete, name="course_delete"),
    path(COURSE + "reorder/", structure.structure_reorder, name="structure_reorder"),
    path(COURSE + "accreditations/new/", structure.accreditation_add, name="accreditation_add"),
    path(
        COURSE + "accreditations/<int:accreditation>/",
        structure.accreditation_edit,
        name="accreditation_edit",
    ),
    path(
        COURSE + "accreditations/<int:accreditation>/delete/",
        structure.accreditation_delete,
        name="accreditation_delete",
    ),
    path(COURSE + "instructors/", structure.course_instructor_add, name="course_instructor_add"),
    path(
        COURSE + "instructors/<int:instructor>/role/",
        structure.course_instructor_role,
        name="course_instructor_role",
    ),
    path(
        COURSE + "instructors/<int:instructor>/remove/",
        structure.course_instructor_remove,
        name="course_instructor_remove",
    ),
    path(COURSE + "modules/", structure.module_add, name="module_add"),
    path(MODULE + "rename/", structure.module_rename, name="module_rename"),
    path(MODULE + "move/", structure.module_move, name="module_move"),
    path(MODULE + "delete/", structure.module_delete, name="module_delete"),
    path(MODULE + "lessons/", structure.lesson_add, name="lesson_add"),
    path(LESSON + "edit/", structure.lesson_edit, name="lesson_edit"),
    path(LESSON + "preview/", structure.lesson_preview, name="lesson_preview"),
    path(LESSON + "move/", structure.lesson_move, name="lesson_move"),
    path(LESSON + "publish/", structure.lesson_publish, name="lesson_publish"),
    path(LESSON + "delete/", structure.lesson_delete, name="lesson_delete"),
    # The quiz editor
    path(QUIZ, quiz_editor.edit_quiz, name="quiz_edit"),
    path(f"{QUIZ}create/", quiz_editor.create, name="quiz_create"),
    path(f"{QUIZ}preview/", quiz_editor.preview, name="quiz_preview"),
    path(f"{QUIZ}questions/new/<slug:kind>/", quiz_editor.add, name="question_add"),
    path(f"{QUIZ}questions/<int:question>/", quiz_editor.edit, name="question_edit"),
    path(f"{QUIZ}questions/<int:question>/delete/", quiz_editor.delete, name="question_delete"),
    path(f"{QUIZ}questions/<int:question>/move/", quiz_editor.move, name="question_move"),
    # Insight and exports
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
    # Item statistics
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/statistics/",
        statistics.quiz_statistics,
        name="quiz_statistics",
    ),
]
