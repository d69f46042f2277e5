"""Practical assessments: the instructors' queue and sign-off (the practitioner's request is in
learn/views/signoffs.py)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy.models import User
from courses.models import Course, Enrollment, Lesson, SignOff
from courses.permissions import Action, policy
from courses.services import signoffs
from courses.services.progress import LessonLockedError
from teach.access import course_permission_required, permitted_courses
from teach.forms.signoffs import SignOffForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Requests waiting for an instructor, oldest first, across the courses the user teaches."""
    waiting = (
        SignOff.objects.filter(
            policy.assessable(_user(request), via="enrollment__"),
            lesson__course__in=permitted_courses(request, Action.SIGN_OFF),
            requested_at__isnull=False,
            signed_off_at__isnull=True,
        )
        .select_related("enrollment__practitioner", "lesson__course")
        .order_by("requested_at")[:200]
    )
    context = {"waiting": list(waiting), "form": SignOffForm(initial=_today())}
    return render(request, "teach/signoffs/queue.html", context)


def _today() -> dict[str, Any]:
    return {"assessed_on": timezone.localdate()}


@require_GET
@course_permission_required(Action.SIGN_OFF)
def course_sign_offs(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    """Every enrolled practitioner against every practical lesson of the course."""
    lessons = list(
        Lesson.objects.published()
        .filter(course=course_obj, kind=Lesson.Kind.PRACTICAL)
        .select_related("module")
    )
    enrollments = list(
        Enrollment.objects.filter(course=course_obj)
        .annotate(
            assessable=ExpressionWrapper(
                policy.assessable(_user(request)), output_field=BooleanField()
            )
        )
        .select_related("practitioner")
        .prefetch_related(
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.filter(lesson__in=lessons).select_related("signed_off_by"),
            )
        )
        .order_by("practitioner__full_name", "pk")[:500]
    )
    rows = []
    for enrollment in enrollments:
        by_lesson = {s.lesson_id: s for s in enrollment.sign_offs.all()}
        rows.append((enrollment, [(lesson, by_lesson.get(lesson.pk)) for lesson in lessons]))
    context = {
        "course": course_obj,
        "lessons": lessons,
        "rows": rows,
        "form": SignOffForm(initial=_today()),
    }
    return render(request, "teach/signoffs/course.html", context)


@require_POST
def give(request: HttpRequest, enrollment: int, lesson: int) -> HttpResponse:
    taught = permitted_courses(request, Action.SIGN_OFF)
    enrollment_obj = get_object_or_404(
        Enrollment.objects.filter(course__in=taught).select_related("practitioner", "course"),
        pk=enrollment,
    )
    lesson_obj = get_object_or_404(
        Lesson.objects.filter(course_id=enrollment_obj.course_id, kind=Lesson.Kind.PRACTICAL),
        pk=lesson,
    )
    form = SignOffForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    else:
        try:
            signoffs.sign_off(
                instructor=_user(request),
                enrollment=enrollment_obj,
                lesson=lesson_obj,
                assessed_on=form.cleaned_data["assessed_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except LessonLockedError as exc:
            messages.error(
                request,
                _("Not signed off: %(reason)s The practitioner must finish earlier lessons first.")
                % {"reason": exc},
            )
        else:
            messages.success(
                request,
                _("%(lesson)s signed off for %(name)s.")
                % {"lesson": lesson_obj.title, "name": enrollment_obj.practitioner},
            )
    if request.POST.get("next") == "queue":
        return redirect("courses:sign_off_queue")
    return redirect("courses:course_sign_offs", course=enrollment_obj.course.slug)


@require_POST
def send_back(request: HttpRequest, sign_off: int) -> HttpResponse:
    record = get_object_or_404(
        SignOff.objects.filter(
            lesson__course__in=permitted_courses(request, Action.SIGN_OFF)
        ).select_related("lesson"),
        pk=sign_off,
    )
    try:
        signoffs.send_back(
            instructor=_user(request), sign_off=record, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Sent back with your note."))
    return redirect("courses:sign_off_queue")
