"""URL patterns for course structure authoring (included by courses/urls.py)."""

from django.urls import URLPattern, path

from courses.views import structure

COURSE = "teach/courses/<slug:course>/"
LESSON = COURSE + "<slug:lesson>/"
MODULE = COURSE + "modules/<int:module>/"

urlpatterns: list[URLPattern] = [
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
]
