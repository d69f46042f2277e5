"""The learner's progress as pages read it: the practitioner's enrollments with what they have
completed, in one hand-written statement, and the per-process memo of each course's published
lessons, course row and people under its content version (courses/caching.py moves it on)."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from academy.models import User
from courses import rules
from courses.caching import PerVersion
from courses.lib.outline import Outline, build_outline
from courses.models import Course, CourseInstructor, Enrollment, Lesson, Quiz


def outline_lessons() -> QuerySet[Lesson]:
    """Published lessons as an outline needs them: in course order, with their modules (whose
    summaries the syllabus shows), their own text left in the database."""
    return (
        Lesson.objects.published().select_related("module").defer("body", "body_html", "transcript")
    )


def _load_lessons(course_ids: list[int]) -> dict[int, tuple[Lesson, ...]]:
    by_course: dict[int, list[Lesson]] = {course_id: [] for course_id in course_ids}
    for lesson in (
        outline_lessons()
        .filter(course_id__in=course_ids)
        .annotate(has_quiz=Exists(Quiz.objects.filter(lesson=OuterRef("pk"))))
    ):
        by_course[lesson.course_id].append(lesson)
    return {course_id: tuple(lessons) for course_id, lessons in by_course.items()}


def _load_courses(course_ids: list[int]) -> dict[int, Course]:
    courses = Course.objects.select_related("topic").defer("description", "description_html")
    return courses.in_bulk(course_ids)


@dataclass(frozen=True)
class Prerequisite:
    pk: int
    title: str
    url: str


@dataclass(frozen=True)
class CoursePeople:
    """What the course page shows beside the course's own fields: its instructors' names, in
    their order, and its prerequisite courses by title."""

    instructors: tuple[str, ...]
    prerequisites: tuple[Prerequisite, ...]


def _load_people(course_ids: list[int]) -> dict[int, CoursePeople]:
    names: dict[int, list[str]] = {course_id: [] for course_id in course_ids}
    for course_id, name in CourseInstructor.objects.filter(course_id__in=course_ids).values_list(
        "course_id", "instructor__full_name"
    ):
        names[course_id].append(name)
    required: dict[int, list[Prerequisite]] = {course_id: [] for course_id in course_ids}
    through = Course.prerequisites.through.objects.filter(from_course_id__in=course_ids)
    for course_id, pk, title, slug in through.order_by("to_course__title").values_list(
        "from_course_id", "to_course_id", "to_course__title", "to_course__slug"
    ):
        required[course_id].append(Prerequisite(pk, title, Course(slug=slug).get_absolute_url()))
    return {
        course_id: CoursePeople(tuple(names[course_id]), tuple(required[course_id]))
        for course_id in course_ids
    }


_lessons = PerVersion(_load_lessons)
_courses = PerVersion(_load_courses)
_people = PerVersion(_load_people)


def course_people(course: Course) -> CoursePeople:
    """The course's instructors and prerequisites, kept in each process under its content
    version: adding, removing or renaming an instructor, changing the prerequisites or renaming
    a prerequisite moves the version on (courses/caching.py)."""
    return _people.get(course)


def published_lessons(course: Course) -> tuple[Lesson, ...]:
    """The course's published lessons in order, with their modules, kept in each process.

    The key holds the course's `updated_at`, which every change to its lessons, modules, quizzes
    or topic moves on (courses/caching.py), so a changed course is simply a new key. The
    instances are shared between requests and only read: no relation beyond `module` is loaded
    on them, and the lessons' text is left in the database. Each carries `has_quiz`."""
    return _lessons.get(course)


_ENROLLMENT_FIELDS = Enrollment._meta.concrete_fields
_ENROLLMENT_COLUMNS = ", ".join(f"enrollment.{field.column}" for field in _ENROLLMENT_FIELDS)
_ENROLLMENT_NAMES = [field.attname for field in _ENROLLMENT_FIELDS]
_ENROLLMENTS_SQL = """
SELECT {columns}, course.updated_at, (
    SELECT {joined_ids} FROM courses_lessoncompletion WHERE enrollment_id = enrollment.id
)
FROM courses_enrollment enrollment
JOIN courses_course course ON course.id = enrollment.course_id
WHERE enrollment.practitioner_id = %s {and_where}
"""
_JOINED_IDS = {
    "postgresql": "STRING_AGG(lesson_id::text, ',')",
    "sqlite": "GROUP_CONCAT(lesson_id)",
}


@cache
def _converters(vendor: str) -> list[tuple[Any, list[Any]]]:
    """What the ORM would apply to each enrollment column read from this database (SQLite's
    dates arrive as text, for one)."""
    columns = [field.get_col(Enrollment._meta.db_table) for field in _ENROLLMENT_FIELDS]
    return [
        (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        for column in columns
    ]


def _enrollments(practitioner: User, and_where: str = "", *params: Any) -> list[Enrollment]:
    sql = _ENROLLMENTS_SQL.format(
        columns=_ENROLLMENT_COLUMNS,
        joined_ids=_JOINED_IDS[connection.vendor],
        and_where=and_where,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [practitioner.pk, *params])
        rows = cursor.fetchall()
    converters = _converters(connection.vendor)
    enrollments, course_keys, completed = [], [], []
    for *values, version, joined in rows:
        for i, (column, column_converters) in enumerate(converters):
            for convert in column_converters:
                values[i] = convert(values[i], column, connection)
        enrollment = Enrollment.from_db(connection.alias, _ENROLLMENT_NAMES, values)
        enrollments.append(enrollment)
        course_keys.append((enrollment.course_id, version))
        completed.append([int(i) for i in joined.split(",")] if joined else [])
    courses = _courses.get_many(course_keys)
    _lessons.get_many([(course.pk, course.updated_at) for course in courses])
    for enrollment, course, lesson_ids in zip(enrollments, courses, completed, strict=True):
        enrollment.course = course
        enrollment.completed_lesson_ids = lesson_ids  # type: ignore[attr-defined]
    return enrollments


def enrollments_with_progress(*, practitioner: User) -> list[Enrollment]:
    """Every enrollment of the practitioner, in one statement, each carrying
    `completed_lesson_ids` and a `course` (with its topic) that is a per-process instance for the
    course's current content version, shared between requests and only read.

    Written in SQL and read from a plain cursor: the ORM spent three times as long building and
    compiling the equivalent query as the database spent running it, and a raw queryset still
    spent a third of a lesson page's time on the columns' descriptions (bench/pages.py)."""
    return _enrollments(practitioner)


def enrollment_on_published(*, practitioner: User, course_slug: str) -> Enrollment | None:
    """The practitioner's enrollment on the published course with this slug, or None, as
    enrollments_with_progress gives it: the lesson page's common case."""
    found = _enrollments(
        practitioner,
        "AND course.slug = %s AND course.status = %s",
        course_slug,
        Course.Status.PUBLISHED,
    )
    return found[0] if found else None


def enrollment_on(*, practitioner: User, course: Course) -> Enrollment | None:
    """The practitioner's enrollment on this course, or None, as enrollments_with_progress gives
    it."""
    if not practitioner.is_authenticated:
        return None
    found = _enrollments(practitioner, "AND enrollment.course_id = %s", course.pk)
    return found[0] if found else None


def outline_of(
    course: Course, enrollment: Enrollment | None, current: Lesson | None = None
) -> Outline:
    """The course's outline as the practitioner of an enrollment read above sees it (None:
    nothing done yet, as for an instructor's preview)."""
    return build_outline(
        lessons=published_lessons(course),
        completed_ids=enrollment.completed_lesson_ids if enrollment else (),  # type: ignore[attr-defined]
        order_required=course.order_required,
        current=current,
    )


def percent_done(enrollment: Enrollment) -> int:
    """Required published lessons completed, as a whole percentage (100 once the course is)."""
    if enrollment.completed_at is not None:  # 100 whatever the lessons: none is loaded
        return rules.progress_percent(0, 0, completed=True)
    done = set(enrollment.completed_lesson_ids)  # type: ignore[attr-defined]
    return rules.progress_percent(
        *rules.required_progress(published_lessons(enrollment.course), done)
    )
