"""Who may reach the instructors' pages, in one place: practitioners are refused (403), an
instructor reaches only the courses they teach (any other is 404), staff every course where a
page allows them."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from academy.models import User
from courses.models import Course, Lesson, Quiz
from courses.models.catalog import CourseQuerySet


def instructor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_instructor:
        raise PermissionDenied
    return user


def taught_courses(request: HttpRequest, *, staff: bool = False) -> CourseQuerySet:
    """The courses the user teaches; with `staff`, every course for staff."""
    if staff and getattr(request.user, "is_staff", False):
        return Course.objects.all()
    return Course.objects.taught_by(instructor(request))


def taught_course(request: HttpRequest, slug: str, *, staff: bool = False) -> Course:
    """A course the user teaches (with `staff`, any course for staff)."""
    return get_object_or_404(taught_courses(request, staff=staff), slug=slug)


def taught_lesson(request: HttpRequest, course: str, lesson: str) -> Lesson:
    """A lesson of a course the user teaches."""
    return get_object_or_404(
        Lesson.objects.select_related("course", "module", "quiz"),
        course__in=taught_courses(request),
        course__slug=course,
        slug=lesson,
    )


def taught_quiz(request: HttpRequest, course: str, lesson: str) -> Quiz:
    """The quiz of a lesson of a course the user teaches; 404 when the lesson has none."""
    quiz = getattr(taught_lesson(request, course, lesson), "quiz", None)
    if quiz is None:
        raise Http404
    return quiz
