"""Who may reach the instructors' pages: `courses.permissions.policy` decides, this module turns
its answers into responses. A user the policy keeps off the teaching side for the action gets 403
(practitioners; staff without instructor status, except where staff reach every course); a course
the page may not show them is 404; a course they reach but may not do the action to is 403 (an
editor on an owner's page)."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from academy.models import User
from courses.models import Course, Lesson
from courses.models.catalog import CourseQuerySet
from courses.permissions import Action, policy

Response = TypeVar("Response", bound=HttpResponseBase)


def user_for(request: HttpRequest, action: Action | str = Action.EDIT) -> User:
    """The user, when the policy lets them onto the teaching pages for `action` (else 403)."""
    user = request.user
    if not isinstance(user, User) or not policy.may_teach(user, action):
        raise PermissionDenied
    return user


def permitted_courses(request: HttpRequest, action: Action | str) -> CourseQuerySet:
    """The courses the user may `action` (403 first for a user kept off the teaching pages)."""
    return policy.courses(user_for(request, action), action)


def course_for(
    request: HttpRequest, action: Action | str, slug: str, *, select_related: tuple[str, ...] = ()
) -> Course:
    """The course the URL names: 404 outside what the page shows the user, 403 where they may
    not `action` it."""
    user = user_for(request, action)
    courses = policy.reachable(user, action)
    if select_related:
        courses = courses.select_related(*select_related)
    course = get_object_or_404(courses, slug=slug)
    if not policy.has_permission(user, action, course):
        raise PermissionDenied
    return course


def lesson_for(request: HttpRequest, action: Action | str, course: str, lesson: str) -> Lesson:
    """A lesson of a course the user may `action` (any other: 404)."""
    return get_object_or_404(
        Lesson.objects.select_related("course", "module", "quiz"),
        course__in=permitted_courses(request, action),
        course__slug=course,
        slug=lesson,
    )


def course_permission_required(
    action: Action | str,
    *,
    lesson: bool = False,
    quiz: bool = False,
    select_related: tuple[str, ...] = (),
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Resolve the course (or, with `lesson`, the lesson) from the URL's `course` (and `lesson`)
    slugs through the policy and hand it to the view as `course_obj` (`lesson_obj`; with `quiz`,
    the lesson's quiz as `quiz`, 404 when it has none), beside the URL's own arguments."""

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
            if lesson or quiz:
                lesson_obj = lesson_for(request, action, kwargs["course"], kwargs["lesson"])
                if quiz:
                    found = getattr(lesson_obj, "quiz", None)
                    if found is None:
                        raise Http404
                    return view(request, *args, quiz=found, **kwargs)
                return view(request, *args, lesson_obj=lesson_obj, **kwargs)
            course_obj = course_for(
                request, action, kwargs["course"], select_related=select_related
            )
            return view(request, *args, course_obj=course_obj, **kwargs)

        return wrapped

    return decorator
