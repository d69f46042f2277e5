"""Authoring a course's structure: the teaching dashboard, the course and lesson editors, the
structure tree (htmx, with plain-form fallbacks), and staff granting instructor status.

Every course, module and lesson is fetched through the courses the user teaches (others: 404);
users who are not instructors get 403. Owners publish, archive, delete and manage instructors;
editors change content only.
"""

from copy import copy
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.http import HtmxHttpRequest
from academy.models import User
from courses.lib.text import preview_markdown
from courses.models import (
    Accreditation,
    AccreditingBody,
    Certificate,
    Course,
    CourseInstructor,
    Enrollment,
    Lesson,
    Module,
)
from courses.models.catalog import count_of
from courses.permissions import Action, policy
from courses.services import structure
from teach.access import course_for, course_permission_required, permitted_courses, user_for
from teach.forms.structure import (
    AccreditationForm,
    CourseCreateForm,
    CourseForm,
    InstructorAddForm,
    InstructorSearchForm,
    InstructorStatusForm,
    LessonAddForm,
    LessonForm,
    ModuleForm,
    MoveForm,
    PublishedForm,
    ReorderForm,
    RoleForm,
    StatusForm,
)

TEMPLATES = "teach/structure/"
OWNER = CourseInstructor.Role.OWNER
USERS_PER_PAGE = 25


# --- access ----------------------------------------------------------------------------------


def _may_accredit(request: HttpRequest, course: Course) -> bool:
    """Accreditations decide whether certificates issue and what they print as approved, so
    they are the owners' and staff's to change, not every editor's."""
    return policy.has_permission(request.user, Action.MANAGE_ACCREDITATIONS, course)


def _taught_module(request: HttpRequest, course: str, module: int) -> Module:
    return get_object_or_404(
        Module.objects.select_related("course"),
        course__in=permitted_courses(request, Action.EDIT),
        course__slug=course,
        pk=module,
    )


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: to its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _edit_url(course: Course, anchor: str = "") -> str:
    url = reverse("courses:course_edit", kwargs={"course": course.slug})
    return f"{url}#{anchor}" if anchor else url


# --- staff: instructor status ----------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    if not policy.may_grant_instructor_status(request.user):
        raise PermissionDenied


@require_GET
def instructors(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = InstructorSearchForm(request.GET or None)
    users = User.objects.annotate(
        courses=count_of(CourseInstructor.objects.filter(instructor=OuterRef("pk")))
    ).order_by("full_name", "email")
    if form.is_valid():
        for word in form.cleaned_data["q"].split()[:5]:
            users = users.filter(Q(email__icontains=word) | Q(full_name__icontains=word))
        show = form.cleaned_data["show"]
        if show:
            users = users.filter(is_instructor=show == "instructors")
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = {k: v for k, v in request.GET.items() if k in ("q", "show") and v}
    return render(
        request,
        TEMPLATES + "instructors.html",
        {"form": form, "page": page, "query": urlencode(query), "back": request.get_full_path()},
    )


@require_POST
def instructor_status(request: HttpRequest, user: int) -> HttpResponse:
    _staff(request)
    person = get_object_or_404(User, pk=user)
    form = InstructorStatusForm(request.POST)
    if form.is_valid():
        granted = form.cleaned_data["is_instructor"]
        try:
            structure.set_instructor_status(user=person, is_instructor=granted)
        except structure.LastOwnerError as exc:
            messages.error(request, str(exc))
        else:
            text = (
                _("%(name)s is now an instructor.")
                if granted
                else _("%(name)s is no longer an instructor.")
            )
            messages.success(request, text % {"name": person})
    back = request.POST.get("back", "")
    list_url = reverse("courses:staff_instructors")
    return redirect(back if back.startswith(list_url + "?") else list_url)


# --- dashboard and new courses ---------------------------------------------------------------


def _certificates(statuses: list[Certificate.Status]) -> Any:
    return count_of(Certificate.objects.filter(course=OuterRef("pk"), status__in=statuses))


@require_GET
def teaching(request: HttpRequest) -> HttpResponse:
    user = user_for(request)
    waiting = [Certificate.Status.PENDING, Certificate.Status.RENDERING]
    courses = (
        policy.reachable(user)
        .defer("description", "description_html")
        .annotate(
            lesson_count=count_of(Lesson.objects.filter(course=OuterRef("pk"))),
            enrolled=count_of(Enrollment.objects.filter(course=OuterRef("pk"))),
            completed=count_of(
                Enrollment.objects.filter(course=OuterRef("pk"), completed_at__isnull=False)
            ),
            certificates_pending=_certificates(waiting),
            certificates_failed=_certificates([Certificate.Status.FAILED]),
            certificates_blocked=_certificates([Certificate.Status.BLOCKED]),
        )
        .order_by("title", "pk")
    )
    return render(request, TEMPLATES + "dashboard.html", {"courses": list(courses)})


@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    user = user_for(request)
    form = CourseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = structure.create_course(owner=user, details=form.details())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Course created as a draft. Add its modules and lessons below.")
            )
            return redirect(_edit_url(course, "structure"))
    return render(request, TEMPLATES + "course_create.html", {"form": form})


# --- the course editor -----------------------------------------------------------------------


def _tree_context(course: Course) -> dict[str, Any]:
    lessons = Lesson.objects.order_by("position", "id")
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position", "id")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )
    return {"course": course, "modules": modules, "lesson_kinds": Lesson.Kind.choices}


def _render_editor(
    request: HttpRequest,
    course: Course,
    *,
    form: CourseForm | None = None,
    instructor_form: InstructorAddForm | None = None,
    preview_html: str | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    accreditations = [
        (
            accreditation,
            accreditation.mismatch_with(course),
            accreditation.valid_from <= today
            and (accreditation.valid_until is None or accreditation.valid_until >= today),
        )
        for accreditation in course.accreditations.select_related("body").order_by(
            "-valid_from", "id"
        )
    ]
    roles = list(
        CourseInstructor.objects.filter(course=course)
        .select_related("instructor")
        .order_by("position", "id")
    )
    is_owner = policy.has_permission(request.user, Action.MANAGE_INSTRUCTORS, course)
    context = _tree_context(course) | {
        "form": form or CourseForm(instance=course),
        "preview_html": preview_html,
        "accreditations": accreditations,
        "roles": roles,
        "owner_count": sum(1 for role in roles if role.role == OWNER),
        "role_choices": CourseInstructor.Role.choices,
        "instructor_form": instructor_form or InstructorAddForm(),
        "is_owner": is_owner,
        "may_accredit": _may_accredit(request, course),
        "missing": structure.missing_for_publishing(course),
    }
    return render(request, TEMPLATES + "course_edit.html", context)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, select_related=("topic",))
def course_edit(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    if request.method != "POST":
        return _render_editor(request, course_obj)
    # The form works on a copy, so the page keeps showing the saved course when input is wrong.
    form = CourseForm(request.POST, instance=copy(course_obj))
    if request.POST.get("action") == "preview":
        preview = preview_markdown(request.POST.get("description", ""))
        return _render_editor(request, course_obj, form=form, preview_html=preview)
    if form.is_valid():
        try:
            structure.update_course(
                course=course_obj,
                details=form.details(),
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Course details saved."))
            return redirect(_edit_url(course_obj, "details"))
    fresh = course_for(request, Action.EDIT, course, select_related=("topic",))
    return _render_editor(request, fresh, form=form)


@require_POST
@course_permission_required(Action.PUBLISH, select_related=("topic",))
def course_status(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    form = StatusForm(request.POST)
    if not form.is_valid():
        return redirect(_edit_url(course_obj, "status"))
    status = form.cleaned_data["status"]
    if status == Course.Status.PUBLISHED:
        try:
            structure.publish_course(course=course_obj)
        except ValidationError as exc:
            messages.error(
                request, _("Not published yet: %(missing)s") % {"missing": " ".join(exc.messages)}
            )
        else:
            messages.success(request, _("The course is published: practitioners can enrol."))
    elif status == Course.Status.ARCHIVED:
        structure.archive_course(course=course_obj)
        messages.success(request, _("The course is archived: it is closed to new enrolments."))
    else:
        structure.return_course_to_draft(course=course_obj)
        messages.success(request, _("The course is a draft again: only its instructors see it."))
    return redirect(_edit_url(course_obj, "status"))


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.DELETE, select_related=("topic",))
def course_delete(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    refusal = ""
    if request.method == "POST":
        try:
            structure.delete_course(course=course_obj)
        except structure.CourseInUseError as exc:
            refusal = str(exc)
        else:
            messages.success(request, _("“%(title)s” is deleted.") % {"title": course_obj.title})
            return redirect("courses:teaching")
    context = {
        "course": course_obj,
        "what": _("the course “%(title)s”") % {"title": course_obj.title},
        "consequence": _("Its modules, lessons, quizzes and accreditations are deleted with it."),
        "refusal": refusal,
    }
    return render(
        request, TEMPLATES + "confirm_delete.html", context, status=409 if refusal else 200
    )


# --- accreditations --------------------------------------------------------------------------


def _accreditation_page(
    request: HttpRequest, course: Course, accreditation: Accreditation | None
) -> HttpResponse:
    initial = {
        "approved_title": course.title,
        "approved_hours": course.ce_hours,
        "valid_from": timezone.localdate(),
    }
    form = AccreditationForm(
        request.POST or None,
        instance=copy(accreditation) if accreditation else None,
        initial=None if accreditation else initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if accreditation is None:
                structure.add_accreditation(course=course, details=form.details())
            else:
                structure.update_accreditation(accreditation=accreditation, details=form.details())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Accreditation saved."))
            return redirect(_edit_url(course, "accreditations"))
    context = {
        "course": course,
        "form": form,
        "accreditation": accreditation,
        "no_bodies": not AccreditingBody.objects.exists(),
    }
    return render(request, TEMPLATES + "accreditation_form.html", context)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.MANAGE_ACCREDITATIONS, select_related=("topic",))
def accreditation_add(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    return _accreditation_page(request, course_obj, None)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.MANAGE_ACCREDITATIONS, select_related=("topic",))
def accreditation_edit(
    request: HttpRequest, course: str, accreditation: int, *, course_obj: Course
) -> HttpResponse:
    found = get_object_or_404(
        Accreditation.objects.select_related("body"), course=course_obj, pk=accreditation
    )
    return _accreditation_page(request, course_obj, found)


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.MANAGE_ACCREDITATIONS, select_related=("topic",))
def accreditation_delete(
    request: HttpRequest, course: str, accreditation: int, *, course_obj: Course
) -> HttpResponse:
    found = get_object_or_404(
        Accreditation.objects.select_related("body"), course=course_obj, pk=accreditation
    )
    if request.method == "POST":
        structure.delete_accreditation(accreditation=found)
        messages.success(request, _("Accreditation deleted."))
        return redirect(_edit_url(course_obj, "accreditations"))
    context = {
        "course": course_obj,
        "what": _("the %(body)s approval “%(title)s”")
        % {"body": found.body, "title": found.approved_title},
        "consequence": _("Certificates already issued keep it; new ones will not print it."),
    }
    return render(request, TEMPLATES + "confirm_delete.html", context)


# --- instructors of a course -----------------------------------------------------------------


@require_POST
@course_permission_required(Action.MANAGE_INSTRUCTORS, select_related=("topic",))
def course_instructor_add(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    form = InstructorAddForm(request.POST)
    if form.is_valid():
        try:
            added = structure.add_instructor(
                course=course_obj, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now teaches this course as %(role)s.")
                % {"name": added.instructor, "role": added.get_role_display().lower()},
            )
            return redirect(_edit_url(course_obj, "instructors"))
    return _render_editor(request, course_obj, instructor_form=form)


def _course_instructor(course: Course, pk: int) -> CourseInstructor:
    return get_object_or_404(
        CourseInstructor.objects.select_related("instructor"), course=course, pk=pk
    )


@require_POST
@course_permission_required(Action.MANAGE_INSTRUCTORS, select_related=("topic",))
def course_instructor_role(
    request: HttpRequest, course: str, instructor: int, *, course_obj: Course
) -> HttpResponse:
    course_instructor = _course_instructor(course_obj, instructor)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            structure.change_instructor_role(
                course_instructor=course_instructor, role=form.cleaned_data["role"]
            )
        except (ValidationError, structure.LastOwnerError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {
                    "name": course_instructor.instructor,
                    "role": course_instructor.get_role_display().lower(),
                },
            )
    return redirect(_edit_url(course_obj, "instructors"))


@require_POST
@course_permission_required(Action.MANAGE_INSTRUCTORS, select_related=("topic",))
def course_instructor_remove(
    request: HttpRequest, course: str, instructor: int, *, course_obj: Course
) -> HttpResponse:
    course_instructor = _course_instructor(course_obj, instructor)
    try:
        structure.remove_instructor(course_instructor=course_instructor)
    except structure.LastOwnerError as exc:
        messages.error(request, str(exc))
        return redirect(_edit_url(course_obj, "instructors"))
    messages.success(
        request,
        _("%(name)s no longer teaches this course.") % {"name": course_instructor.instructor},
    )
    if course_instructor.instructor_id == request.user.pk:
        return redirect("courses:teaching")
    return redirect(_edit_url(course_obj, "instructors"))


# --- the structure tree ----------------------------------------------------------------------


def _structure_changed(
    request: HtmxHttpRequest,
    course: Course,
    *,
    message: str = "",
    error: str = "",
    anchor: str = "structure",
) -> HttpResponse:
    """htmx gets the re-rendered tree (and a status line for screen readers); a plain form post
    is redirected back to the editor, to the item it changed."""
    if request.htmx:
        context = _tree_context(course) | {"message": message, "error": error, "focus": anchor}
        return render(request, TEMPLATES + "_tree_response.html", context)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return HttpResponseRedirect(_edit_url(course, anchor))


@require_POST
@course_permission_required(Action.EDIT, select_related=("topic",))
def module_add(request: HtmxHttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    form = ModuleForm(request.POST)
    if not form.is_valid():
        return _structure_changed(request, course_obj, error=_("Give the new module a title."))
    module = structure.add_module(course=course_obj, title=form.cleaned_data["title"])
    return _structure_changed(
        request,
        course_obj,
        message=_("Module “%(title)s” added.") % {"title": module.title},
        anchor=f"module-{module.pk}",
    )


@require_POST
def module_rename(request: HtmxHttpRequest, course: str, module: int) -> HttpResponse:
    module_obj = _taught_module(request, course, module)
    form = ModuleForm(request.POST)
    if not form.is_valid():
        return _structure_changed(
            request,
            module_obj.course,
            error=_("A module needs a title."),
            anchor=f"module-{module}",
        )
    structure.rename_module(module=module_obj, title=form.cleaned_data["title"])
    return _structure_changed(
        request,
        module_obj.course,
        message=_("Module renamed to “%(title)s”.") % {"title": module_obj.title},
        anchor=f"module-{module}",
    )


@require_POST
def module_move(request: HtmxHttpRequest, course: str, module: int) -> HttpResponse:
    module_obj = _taught_module(request, course, module)
    form = MoveForm(request.POST)
    moved = form.is_valid() and structure.move_module(
        module=module_obj, direction=form.cleaned_data["direction"]
    )
    text = (
        _("Module “%(title)s” moved %(direction)s.")
        if moved
        else _("Module “%(title)s” cannot move further.")
    )
    direction = _("up") if form.cleaned_data.get("direction") == "up" else _("down")
    return _structure_changed(
        request,
        module_obj.course,
        message=text % {"title": module_obj.title, "direction": direction},
        anchor=f"module-{module}",
    )


@require_http_methods(["GET", "POST"])
def module_delete(request: HttpRequest, course: str, module: int) -> HttpResponse:
    module_obj = _taught_module(request, course, module)
    refusal = ""
    if request.method == "POST":
        try:
            structure.delete_module(module=module_obj)
        except structure.LessonInUseError as exc:
            refusal = str(exc)
        else:
            messages.success(request, _("Module “%(title)s” deleted.") % {"title": module_obj})
            return redirect(_edit_url(module_obj.course, "structure"))
    lesson_count = module_obj.lessons.count()
    context = {
        "course": module_obj.course,
        "what": _("the module “%(title)s”") % {"title": module_obj.title},
        "consequence": ngettext(
            "Its lesson (and its quiz, if any) is deleted with it.",
            "Its %(n)d lessons (and their quizzes) are deleted with it.",
            lesson_count,
        )
        % {"n": lesson_count}
        if lesson_count
        else _("It has no lessons."),
        "refusal": refusal,
    }
    return render(
        request, TEMPLATES + "confirm_delete.html", context, status=409 if refusal else 200
    )


@require_POST
def lesson_add(request: HtmxHttpRequest, course: str, module: int) -> HttpResponse:
    module_obj = _taught_module(request, course, module)
    form = LessonAddForm(request.POST)
    if not form.is_valid():
        return _structure_changed(
            request,
            module_obj.course,
            error=_("The new lesson needs a title and a kind."),
            anchor=f"module-{module}",
        )
    lesson = structure.add_lesson(
        module=module_obj, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"]
    )
    text = _("Lesson “%(title)s” added.")
    if not lesson.published:
        text = _("Lesson “%(title)s” added, unpublished: publish it when it is ready.")
    return _structure_changed(
        request, module_obj.course, message=text % {"title": lesson}, anchor=f"lesson-{lesson.pk}"
    )


@require_POST
@course_permission_required(Action.EDIT, lesson=True)
def lesson_move(
    request: HtmxHttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    form = MoveForm(request.POST)
    moved = form.is_valid() and structure.move_lesson(
        lesson=lesson_obj, direction=form.cleaned_data["direction"]
    )
    if moved:
        text = _("Lesson “%(title)s” moved to position %(n)d of module “%(module)s”.") % {
            "title": lesson_obj,
            "n": lesson_obj.position + 1,
            "module": lesson_obj.module,
        }
    else:
        text = _("Lesson “%(title)s” cannot move further.") % {"title": lesson_obj}
    return _structure_changed(
        request, lesson_obj.course, message=text, anchor=f"lesson-{lesson_obj.pk}"
    )


@require_POST
@course_permission_required(Action.EDIT, lesson=True)
def lesson_publish(
    request: HtmxHttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    form = PublishedForm(request.POST)
    if form.is_valid():
        structure.set_lesson_published(lesson=lesson_obj, published=form.cleaned_data["published"])
    text = (
        _("Lesson “%(title)s” is published.")
        if lesson_obj.published
        else _("Lesson “%(title)s” is unpublished: learners no longer see it.")
    )
    return _structure_changed(
        request,
        lesson_obj.course,
        message=text % {"title": lesson_obj},
        anchor=f"lesson-{lesson_obj.pk}",
    )


@require_POST
@course_permission_required(Action.EDIT, select_related=("topic",))
def structure_reorder(request: HtmxHttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    form = ReorderForm(request.POST)
    if not form.is_valid():
        return _structure_changed(request, course_obj, error=_("That order could not be read."))
    try:
        if form.cleaned_data["module"] is None:
            structure.reorder_modules(course=course_obj, module_ids=form.cleaned_data["order"])
        else:
            module = get_object_or_404(Module, course=course_obj, pk=form.cleaned_data["module"])
            structure.reorder_lessons(module=module, lesson_ids=form.cleaned_data["order"])
    except ValidationError as exc:
        return _structure_changed(request, course_obj, error=" ".join(exc.messages))
    return _structure_changed(request, course_obj, message=_("New order saved."))


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def lesson_delete(
    request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    refusal = ""
    if request.method == "POST":
        try:
            structure.delete_lesson(lesson=lesson_obj)
        except structure.LessonInUseError as exc:
            refusal = str(exc)
        else:
            messages.success(request, _("Lesson “%(title)s” deleted.") % {"title": lesson_obj})
            return redirect(_edit_url(lesson_obj.course, "structure"))
    context = {
        "course": lesson_obj.course,
        "lesson": lesson_obj,
        "what": _("the lesson “%(title)s”") % {"title": lesson_obj.title},
        "consequence": _("Its quiz, if it has one, is deleted with it."),
        "refusal": refusal,
    }
    return render(
        request, TEMPLATES + "confirm_delete.html", context, status=409 if refusal else 200
    )


# --- the lesson editor -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@course_permission_required(Action.EDIT, lesson=True)
def lesson_edit(
    request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    form = LessonForm(request.POST or None, instance=copy(lesson_obj))
    preview_html = None
    if request.method == "POST":
        if request.POST.get("action") == "preview":
            preview_html = preview_markdown(request.POST.get("body", ""))
        elif form.is_valid():
            try:
                structure.update_lesson(lesson=lesson_obj, details=form.details())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Lesson saved."))
                return redirect(
                    "courses:lesson_edit", course=lesson_obj.course.slug, lesson=lesson_obj.slug
                )
    context = {
        "course": lesson_obj.course,
        "lesson": lesson_obj,
        "form": form,
        "preview_html": preview_html,
    }
    return render(request, TEMPLATES + "lesson_edit.html", context)


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The sanitised HTML of the Markdown in the field named by `source`, for the live preview."""
    user_for(request)
    source = request.POST.get("source", "body")
    text = request.POST.get(source if source in ("body", "description") else "body", "")
    return HttpResponse(preview_markdown(text))


@require_GET
@course_permission_required(Action.EDIT, lesson=True)
def lesson_preview(
    request: HttpRequest, course: str, lesson: str, *, lesson_obj: Lesson
) -> HttpResponse:
    """The lesson as a practitioner sees it; nothing is recorded."""
    context = {"course": lesson_obj.course, "lesson": lesson_obj}
    return render(request, TEMPLATES + "lesson_preview.html", context)
