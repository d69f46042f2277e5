import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from academy.http import HtmxHttpRequest
from academy.models import User
from courses.caching import (
    catalog_listing_key,
    catalog_page_key,
    catalog_version,
    course_card_key,
    lesson_content_key,
)
from courses.lib.outline import State
from courses.models import (
    Attempt,
    Course,
    CourseInstructor,
    Enrollment,
    Lesson,
    Quiz,
    SignOff,
)
from courses.permissions import policy
from courses.selectors.progress import (
    course_people,
    enrollment_on,
    enrollment_on_published,
    enrollments_with_progress,
    outline_of,
    percent_done,
    published_lessons,
)
from courses.services.enrollment import CourseNotOpenError, enroll
from courses.services.progress import (
    LessonLockedError,
    NotEnrolledError,
    QuizRequiredError,
    SignOffRequiredError,
    complete_lesson,
)
from learn.forms import CatalogFilterForm

INSTRUCTORS = Prefetch(
    "instructor_roles", queryset=CourseInstructor.objects.select_related("instructor")
)


def _render_cards(courses: list[Course]) -> dict[int, SafeString]:
    """Each card's HTML, from the cache when the data it shows is unchanged.

    The key is a digest of everything the card displays, so an edit to the course, its lessons'
    minutes or its instructors makes a new key: nothing has to be invalidated.
    """
    language = get_language()
    keys = {course.pk: course_card_key(course, language) for course in courses}
    found = cache.get_many(list(keys.values()))
    # Our own template's output, escaped when it was rendered.
    html = {pk: mark_safe(found[key]) for pk, key in keys.items() if key in found}  # noqa: S308
    rendered = {
        keys[course.pk]: render_to_string("learn/_course_card.html", {"course": course})
        for course in courses
        if course.pk not in html
    }
    if rendered:
        cache.set_many(rendered, timeout=24 * 3600)
    return html | {pk: rendered[key] for pk, key in keys.items() if key in rendered}


ANONYMOUS_CATALOG_SECONDS = 60
PUBLIC_LIST_SECONDS = 60
PROGRESS_MARKER = re.compile(r"<!--progress:(\d+)-->")
CATALOG_FILTERS = ("topic", "level", "hours")


def _filter_key(request: HttpRequest) -> str | None:
    """The catalog's filters as part of a cache key, or None when the query is not filters alone
    (a search, another parameter, a repeated one): those pages are rendered each time. A page is
    kept only once its form accepted the values (learn/forms.py), so no query string a visitor
    makes up adds an entry to the page cache."""
    query = request.GET
    if query.get("q", "") or any(
        name not in ("q", *CATALOG_FILTERS) or len(query.getlist(name)) > 1 for name in query
    ):
        return None
    return "|".join(query.get(name, "") for name in CATALOG_FILTERS)


@login_not_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """The published courses. Visitors who are not logged in share one rendering per filter for a
    minute: their page shows no personal data and carries no CSRF token."""
    pages = caches["pages"]
    shared = not request.user.is_authenticated and not len(messages.get_messages(request))
    filters = _filter_key(request)
    key = catalog_page_key(get_language(), filters)
    if shared and filters is not None and (html := pages.get(key)) is not None:
        return HttpResponse(html)
    response, known = _render_catalog(request, filters)
    if shared and known:
        pages.set(key, response.content.decode(), ANONYMOUS_CATALOG_SECONDS)
    return response


def _public_listing(request: HttpRequest, filters: str | None, version: str) -> tuple[str, bool]:
    """The filter form and the cards a filter shows, rendered once and shared by everyone: they
    hold nothing personal, so a practitioner's page only adds their progress at each card's
    marker. The key carries the published courses' latest change; the minute's expiry covers
    edits to lessons and instructors. Also answers whether the filters were ones the form knows,
    and so whether the page may be kept."""
    pages = caches["pages"]
    key = catalog_listing_key(get_language(), filters, version)
    listing = pages.get(key) if filters is not None else None
    if listing is not None:
        return str(listing), True
    form = CatalogFilterForm(request.GET or None)
    course_list = list(
        form.filter(
            Course.objects.published()
            .select_related("topic")
            .defer("description", "description_html")
            .with_outline_totals()
        ).prefetch_related(INSTRUCTORS)
    )
    card_html = _render_cards(course_list)
    topics = form.fields["topic"].queryset  # type: ignore[attr-defined]
    chosen = {key: request.GET.get(key, "") for key in CATALOG_FILTERS}
    listing = render_to_string(
        "learn/_catalog_listing.html",
        {
            "form": form,
            "cards": [{"course_id": c.pk, "html": card_html[c.pk]} for c in course_list],
            "topics": [{"slug": t.slug, "name": t.name} for t in topics],
            "level_choices": form.fields["level"].choices,  # type: ignore[attr-defined]
            "hours_choices": form.fields["hours"].choices,  # type: ignore[attr-defined]
            "chosen": chosen,
            "filtered": any(chosen.values()) or bool(request.GET.get("q")),
        },
    )
    known = filters is not None and (not form.is_bound or form.is_valid())
    if known:
        pages.set(key, listing, PUBLIC_LIST_SECONDS)
    return listing, known


def _render_catalog(request: HttpRequest, filters: str | None) -> tuple[HttpResponse, bool]:
    # Any change to a published course (or to which courses are published) makes a new key.
    listing, known = _public_listing(request, filters, catalog_version())
    progress: dict[int, str] = {}
    if request.user.is_authenticated:
        progress = {
            e.course_id: render_to_string(
                "learn/_card_progress.html",
                {"course_id": e.course_id, "enrollment": e, "percent": percent_done(e)},
            )
            for e in enrollments_with_progress(practitioner=request.user)
        }
    listing = PROGRESS_MARKER.sub(lambda marker: progress.get(int(marker[1]), ""), listing)
    # Our own templates' output, escaped when they were rendered.
    page = render(request, "learn/catalog.html", {"listing": mark_safe(listing)})  # noqa: S308
    return page, known


@login_not_required
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    user = request.user
    course_obj = get_object_or_404(Course.objects.select_related("topic"), slug=course)
    if not course_obj.is_published and not (policy.teaches(user, course_obj.pk)):
        raise Http404
    if request.method == "POST":
        return _enrol(request, course_obj)
    enrollment = enrollment_on(practitioner=user, course=course_obj)  # type: ignore[arg-type]
    outline = outline_of(course_obj, enrollment)
    people = course_people(course_obj)
    prerequisites = people.prerequisites
    completed_courses: set[int] = set()
    if prerequisites and user.is_authenticated:
        completed_courses = set(
            Enrollment.objects.of(user).completed().values_list("course_id", flat=True)
        )
    return render(
        request,
        "learn/course_detail.html",
        {
            "course": course_obj,
            "enrollment": enrollment,
            "outline": outline,
            "instructors": people.instructors,
            "prerequisites": [(p, p.pk in completed_courses) for p in prerequisites],
            "prerequisites_met": all(p.pk in completed_courses for p in prerequisites),
        },
    )


def _enrol(request: HttpRequest, course: Course) -> HttpResponse:
    if not isinstance(request.user, User):
        return redirect_to_login(course.get_absolute_url())
    try:
        enroll(practitioner=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(course)
    except CourseNotOpenError as exc:
        messages.error(request, str(exc))
        return redirect(course)
    outline = outline_of(course, None)
    messages.success(request, _("You are enrolled. Welcome to the course!"))
    first = outline.first_unfinished
    return redirect(first if first else course)


@require_http_methods(["GET", "POST"])
def lesson_detail(request: HtmxHttpRequest, course: str, lesson: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        return _complete(request, user, _lesson_for_completion(user, course, lesson))
    # The common case, a practitioner on a published course they are enrolled in, takes one
    # statement: the enrollment, its course and the ids of the lessons they have completed.
    enrollment = enrollment_on_published(practitioner=user, course_slug=course)
    previewing = False
    if enrollment is not None:
        course_obj = enrollment.course
    else:
        course_obj = get_object_or_404(
            Course.objects.defer("description", "description_html"), slug=course
        )
        teaches = policy.teaches(user, course_obj.pk)
        if not course_obj.is_published:
            if not teaches:
                raise Http404
            enrollment = enrollment_on(practitioner=user, course=course_obj)
        previewing = enrollment is None and teaches
    lesson_obj = next((item for item in published_lessons(course_obj) if item.slug == lesson), None)
    if lesson_obj is None:
        raise Http404
    if enrollment is None and not previewing:
        messages.info(request, _("Enrol on the course to start its lessons."))
        return redirect(course_obj)
    outline = outline_of(course_obj, enrollment, current=lesson_obj)
    entry = outline.entry(lesson_obj)
    locked = entry.state is State.LOCKED and not previewing
    previous, following = outline.neighbours(lesson_obj)
    context = {
        "course": course_obj,
        "lesson": lesson_obj,
        "content": "" if locked else _lesson_content(lesson_obj, course_obj),
        "entry": entry,
        "outline": outline,
        "enrollment": enrollment,
        "previewing": previewing,
        "previous": previous,
        "next": following,
    }
    if lesson_obj.has_quiz and (quiz := Quiz.objects.filter(lesson_id=lesson_obj.pk).first()):  # type: ignore[attr-defined]
        attempts = list(Attempt.objects.filter(practitioner=user, quiz=quiz).order_by("number"))
        allowed = quiz.attempts_allowed
        context |= {
            "quiz": quiz,
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if a.is_open), None),
            "attempts_left": allowed is None or len(attempts) < allowed,
        }
    if lesson_obj.kind == Lesson.Kind.PRACTICAL and enrollment is not None:
        context["sign_off"] = (
            SignOff.objects.filter(enrollment=enrollment, lesson=lesson_obj)
            .select_related("signed_off_by")
            .first()
        )
    return render(request, "learn/lesson.html", context, status=403 if locked else 200)


def _lesson_content(lesson: Lesson, course: Course) -> str:
    """The lesson's safety notice, video and text, rendered once per process for each version of
    the course. `lesson` is a shared outline instance without its text, so a miss reads the
    lesson afresh rather than loading the text into it."""
    fragments = caches["fragments"]
    key = lesson_content_key(get_language(), lesson.pk, course)
    html = fragments.get(key)
    if html is None:
        html = render_to_string(
            "learn/_lesson_content.html", {"lesson": Lesson.objects.get(pk=lesson.pk)}
        )
        fragments.set(key, html)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered


def _lesson_for_completion(user: User, course: str, lesson: str) -> Lesson:
    lesson_obj = get_object_or_404(
        Lesson.objects.published().select_related("module", "course"),
        course__slug=course,
        slug=lesson,
    )
    if not lesson_obj.course.is_published and not (policy.teaches(user, lesson_obj.course_id)):
        raise Http404
    return lesson_obj


def _complete(request: HtmxHttpRequest, user: User, lesson: Lesson) -> HttpResponse:
    try:
        complete_lesson(practitioner=user, lesson=lesson)
    except NotEnrolledError as exc:
        raise Http404 from exc
    except QuizRequiredError:
        messages.error(request, _("Pass the lesson's quiz to complete it."))
        return redirect(lesson)
    except SignOffRequiredError:
        messages.error(request, _("An instructor's sign-off completes this practical lesson."))
        return redirect(lesson)
    except LessonLockedError as exc:
        if request.htmx:
            return HttpResponse(str(exc), status=409)
        messages.error(request, str(exc))
        return redirect(lesson)
    enrollment = enrollment_on(practitioner=user, course=lesson.course)
    if enrollment is None:  # deleted since complete_lesson found it
        raise Http404
    outline = outline_of(lesson.course, enrollment, current=lesson)
    following = outline.neighbours(lesson)[1]
    if request.htmx:
        context = {
            "course": lesson.course,
            "lesson": lesson,
            "entry": outline.entry(lesson),
            "outline": outline,
            "enrollment": enrollment,
            "next": following,
            "oob": True,
        }
        return render(request, "learn/_completion_response.html", context)
    if enrollment.completed_at:
        messages.success(request, _("Course complete. Well done!"))
        return redirect("courses:learning")
    messages.success(request, _("Lesson marked as complete."))
    return redirect(following or lesson)


@require_GET
def learning(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    enrollments = enrollments_with_progress(practitioner=user)
    in_progress = [e for e in enrollments if not e.completed_at]
    in_progress.sort(key=lambda e: e.enrolled_at, reverse=True)
    current = []
    for enrollment in in_progress:
        outline = outline_of(enrollment.course, enrollment)
        current.append((enrollment, outline.percent, outline.first_unfinished))
    completed = [e for e in enrollments if e.completed_at]
    completed.sort(key=lambda e: e.completed_at, reverse=True)  # type: ignore[arg-type, return-value]
    return render(request, "learn/learning.html", {"current": current, "completed": completed})
