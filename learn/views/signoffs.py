"""Practical assessments: the practitioner asks for a sign-off of a practical lesson."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.models import User
from courses.models import Course, Lesson
from courses.services import signoffs
from courses.services.progress import NotEnrolledError


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_POST
def request_sign_off(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    lesson_obj = get_object_or_404(
        Lesson.objects.published().select_related("course"),
        course__slug=course,
        course__status=Course.Status.PUBLISHED,
        slug=lesson,
        kind=Lesson.Kind.PRACTICAL,
    )
    try:
        signoffs.request_sign_off(
            practitioner=_user(request), lesson=lesson_obj, note=request.POST.get("note", "")
        )
    except NotEnrolledError as exc:
        raise Http404 from exc
    messages.success(request, _("Your request is with the course's instructors."))
    return redirect(lesson_obj)
