"""The authorization matrix, generated from the URL configuration.

Every URL pattern of the site is listed below. Each one that names an object is requested as an
anonymous visitor, as another practitioner, as an instructor of another course and as its rightful
user, with GET and with POST: only the rightful user gets anything but a refusal. Every POST the
rightful user may make is refused without a CSRF token. A new URL pattern without an entry here
fails the suite, so nobody can add a page and forget to decide who may see it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from courses.models import (
    Accreditation,
    AccreditingBody,
    Certificate,
    CourseInstructor,
    Enrollment,
    GiftImport,
    Lesson,
    Quiz,
    SignOff,
)
from courses.services import certificates, signoffs
from courses.services.attempts import start_attempt
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.factories import LessonFactory, UserFactory, course_with_lessons, quiz_for, teach

pytestmark = pytest.mark.django_db

PUBLIC, PRACTITIONER, INSTRUCTOR, OWNER, STAFF, ANY_USER = (
    "public",
    "practitioner",
    "instructor",
    "owner",  # the course's owners only: its editors are refused too
    "staff",
    "any user",
)


@dataclass
class World:
    owner: Any  # teaches the course
    learner: Any  # enrolled, with an attempt, a sign-off request and a certificate
    other_learner: Any
    other_instructor: Any
    staff: Any
    course: Any
    module: Any
    reading: Lesson
    quiz_lesson: Lesson
    practical: Lesson
    quiz: Quiz
    attempt: Any
    enrollment: Enrollment
    sign_off: SignOff
    certificate: Certificate
    accreditation: Accreditation
    editor_role: CourseInstructor
    withdrawn: Any  # still holds an editor role on the course, but no longer instructor status
    gift_import: GiftImport


def build_world() -> World:
    owner = UserFactory.create(is_instructor=True)
    learner = UserFactory.create()
    course = course_with_lessons(1, order_required=False, slug="fascia")
    module = course.modules.get()
    reading = course.lessons.get()
    quiz_lesson = LessonFactory.create(module=module, position=5, slug="check", kind="quiz")
    quiz = quiz_for(quiz_lesson, questions=2)
    practical = LessonFactory.create(module=module, position=6, slug="practical", kind="practical")
    teach(course, owner)
    editor = UserFactory.create(is_instructor=True)
    teach(course, editor, role=CourseInstructor.Role.EDITOR)
    body = AccreditingBody.objects.create(name="Demo Board", abbreviation="DB")
    accreditation = Accreditation.objects.create(
        course=course,
        body=body,
        provider_name="Academy",
        provider_number="1",
        provider_contact="a@example.org",
        approved_title=course.title,
        approved_hours=course.ce_hours,
        valid_from=date(2026, 1, 1),
    )
    enrollment = enroll(practitioner=learner, course=course)
    attempt = start_attempt(practitioner=learner, quiz=quiz)
    sign_off = signoffs.request_sign_off(practitioner=learner, lesson=practical)
    finished = course_with_lessons(1, slug="finished")
    teach(finished, owner)
    enroll(practitioner=learner, course=finished)
    complete_lesson(practitioner=learner, lesson=finished.lessons.get())
    certificate = Certificate.objects.get(enrollment__course=finished)
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    other_instructor = UserFactory.create(is_instructor=True)
    teach(course_with_lessons(1, slug="elsewhere"), other_instructor)
    withdrawn = UserFactory.create(is_instructor=False)
    teach(course, withdrawn, role=CourseInstructor.Role.EDITOR)
    return World(
        owner=owner,
        learner=learner,
        other_learner=UserFactory.create(),
        other_instructor=other_instructor,
        staff=UserFactory.create(is_staff=True, is_superuser=True),
        course=course,
        module=module,
        reading=reading,
        quiz_lesson=quiz_lesson,
        practical=practical,
        quiz=quiz,
        attempt=attempt,
        enrollment=enrollment,
        sign_off=sign_off,
        certificate=certificate,
        accreditation=accreditation,
        editor_role=CourseInstructor.objects.get(course=course, instructor=editor),
        withdrawn=withdrawn,
        gift_import=GiftImport.objects.create(quiz=quiz, requested_by=owner, text="", questions=1),
    )


def _lesson(w: World, lesson: Lesson) -> dict[str, Any]:
    return {"course": w.course.slug, "lesson": lesson.slug}


def _question(w: World) -> dict[str, Any]:
    return {**_lesson(w, w.quiz_lesson), "question": w.quiz.questions.first().pk}


Kwargs = Callable[[World], dict[str, Any]]

# Every named pattern: who may use it, and (for patterns that name an object) its arguments.
MATRIX: dict[str, tuple[str, Kwargs | None]] = {
    "home": (PUBLIC, None),
    "healthz": (PUBLIC, None),
    "profile": (ANY_USER, None),
    "courses:catalog": (PUBLIC, None),
    "courses:learning": (ANY_USER, None),
    "courses:certificates": (ANY_USER, None),
    "courses:jwks": (PUBLIC, None),
    "courses:issuer": (PUBLIC, None),
    "courses:teaching": (INSTRUCTOR, None),
    "courses:sign_off_queue": (INSTRUCTOR, None),
    "courses:course_create": (INSTRUCTOR, None),
    "courses:markdown_preview": (INSTRUCTOR, None),
    "courses:staff_instructors": (STAFF, None),
    # objects seen by anyone
    "courses:course": (PUBLIC, lambda w: {"course": w.course.slug}),
    "courses:verify": (PUBLIC, lambda w: {"code": w.certificate.code}),
    "courses:verify_json": (PUBLIC, lambda w: {"code": w.certificate.code}),
    # the practitioner's own
    "courses:lesson": (PRACTITIONER, lambda w: _lesson(w, w.reading)),
    "courses:quiz_start": (PRACTITIONER, lambda w: _lesson(w, w.quiz_lesson)),
    "courses:sign_off_request": (PRACTITIONER, lambda w: _lesson(w, w.practical)),
    "courses:attempt": (PRACTITIONER, lambda w: {"attempt": w.attempt.pk}),
    "courses:attempt_save": (PRACTITIONER, lambda w: {"attempt": w.attempt.pk}),
    "courses:attempt_submit": (PRACTITIONER, lambda w: {"attempt": w.attempt.pk}),
    "courses:certificate_pdf": (PRACTITIONER, lambda w: {"code": w.certificate.code}),
    "courses:certificate_json": (PRACTITIONER, lambda w: {"code": w.certificate.code}),
    # the course's instructors
    "courses:course_sign_offs": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:sign_off_give": (
        INSTRUCTOR,
        lambda w: {"enrollment": w.enrollment.pk, "lesson": w.practical.pk},
    ),
    "courses:sign_off_send_back": (INSTRUCTOR, lambda w: {"sign_off": w.sign_off.pk}),
    "courses:certificate_register": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:certificate_action": (
        INSTRUCTOR,
        lambda w: {"code": w.certificate.code, "action": "revoke"},
    ),
    "courses:quiz_import": (INSTRUCTOR, lambda w: _lesson(w, w.quiz_lesson)),
    "courses:quiz_export": (INSTRUCTOR, lambda w: _lesson(w, w.quiz_lesson)),
    "courses:quiz_import_status": (
        INSTRUCTOR,
        lambda w: {**_lesson(w, w.quiz_lesson), "job": w.gift_import.pk},
    ),
    "courses:course_edit": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:course_status": (OWNER, lambda w: {"course": w.course.slug}),
    "courses:course_delete": (OWNER, lambda w: {"course": w.course.slug}),
    "courses:structure_reorder": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:accreditation_add": (OWNER, lambda w: {"course": w.course.slug}),
    "courses:accreditation_edit": (
        OWNER,
        lambda w: {"course": w.course.slug, "accreditation": w.accreditation.pk},
    ),
    "courses:accreditation_delete": (
        OWNER,
        lambda w: {"course": w.course.slug, "accreditation": w.accreditation.pk},
    ),
    "courses:course_instructor_add": (OWNER, lambda w: {"course": w.course.slug}),
    "courses:course_instructor_role": (
        OWNER,
        lambda w: {"course": w.course.slug, "instructor": w.editor_role.pk},
    ),
    "courses:course_instructor_remove": (
        OWNER,
        lambda w: {"course": w.course.slug, "instructor": w.editor_role.pk},
    ),
    "courses:module_add": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:module_rename": (
        INSTRUCTOR,
        lambda w: {"course": w.course.slug, "module": w.module.pk},
    ),
    "courses:module_move": (INSTRUCTOR, lambda w: {"course": w.course.slug, "module": w.module.pk}),
    "courses:module_delete": (
        INSTRUCTOR,
        lambda w: {"course": w.course.slug, "module": w.module.pk},
    ),
    "courses:lesson_add": (INSTRUCTOR, lambda w: {"course": w.course.slug, "module": w.module.pk}),
    "courses:lesson_edit": (INSTRUCTOR, lambda w: _lesson(w, w.reading)),
    "courses:lesson_preview": (INSTRUCTOR, lambda w: _lesson(w, w.reading)),
    "courses:lesson_move": (INSTRUCTOR, lambda w: _lesson(w, w.reading)),
    "courses:lesson_publish": (INSTRUCTOR, lambda w: _lesson(w, w.reading)),
    "courses:lesson_delete": (INSTRUCTOR, lambda w: _lesson(w, w.reading)),
    "courses:quiz_edit": (INSTRUCTOR, lambda w: _lesson(w, w.quiz_lesson)),
    "courses:quiz_create": (INSTRUCTOR, lambda w: _lesson(w, w.quiz_lesson)),
    "courses:quiz_preview": (INSTRUCTOR, lambda w: _lesson(w, w.quiz_lesson)),
    "courses:question_add": (INSTRUCTOR, lambda w: {**_lesson(w, w.quiz_lesson), "kind": "single"}),
    "courses:question_edit": (INSTRUCTOR, _question),
    "courses:question_delete": (INSTRUCTOR, _question),
    "courses:question_move": (INSTRUCTOR, _question),
    "courses:course_insight": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:export_progress": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:export_quiz_results": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:export_certificates": (INSTRUCTOR, lambda w: {"course": w.course.slug}),
    "courses:quiz_statistics": (INSTRUCTOR, lambda w: _lesson(w, w.quiz_lesson)),
    # staff
    "courses:instructor_status": (STAFF, lambda w: {"user": w.other_instructor.pk}),
}

# Third-party apps with their own tested access rules (allauth, the admin).
EXTERNAL_PREFIXES = ("accounts/", "admin/")


def site_patterns() -> Iterator[tuple[str, str]]:
    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(EXTERNAL_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name or f"<unnamed {route}>", route

    yield from walk(get_resolver().url_patterns, "", None)


def test_every_url_pattern_has_an_entry_in_the_matrix():
    names = {name for name, _route in site_patterns()}

    assert names - set(MATRIX) == set(), "decide who may use these pages"
    assert set(MATRIX) - names == set(), "these entries name no pattern any more"


def test_every_pattern_that_names_an_object_has_its_arguments():
    for name, route in site_patterns():
        if "<" in route:
            assert MATRIX[name][1] is not None, name


OBJECT_PATTERNS = sorted(name for name, (_who, kwargs) in MATRIX.items() if kwargs is not None)
REFUSED = {403, 404, 405}


def _as(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def _refused(response: Any, url: str) -> bool:
    """A refusal, a login redirect, or a redirect away from the object (never its data)."""
    if response.status_code in REFUSED:
        return True
    if response.status_code == 302:
        location = response["Location"]
        return "/accounts/login/" in location or not location.startswith(url)
    return False


@pytest.mark.parametrize("name", OBJECT_PATTERNS)
def test_only_the_rightful_user_gets_the_object(name):
    world = build_world()
    audience, kwargs = MATRIX[name]
    assert kwargs is not None
    url = reverse(name, kwargs=kwargs(world))
    rightful = {
        PRACTITIONER: world.learner,
        INSTRUCTOR: world.owner,
        OWNER: world.owner,
        STAFF: world.staff,
    }.get(audience)
    outsiders = {
        "another practitioner": world.other_learner,
        "an instructor of another course": world.other_instructor,
        "an instructor whose status was withdrawn": world.withdrawn,
    }
    if audience == OWNER:
        outsiders["an editor of the course"] = world.editor_role.instructor

    for method in ("get", "post"):
        anonymous = getattr(_as(None), method)(url)
        if audience == PUBLIC:
            assert anonymous.status_code in {200, 302, 405}, (method, anonymous.status_code)
        else:
            assert anonymous.status_code == 302, (method, anonymous.status_code)
            assert "/accounts/login/" in anonymous["Location"]
        if audience != PUBLIC:
            for who, user in outsiders.items():
                response = getattr(_as(user), method)(url)
                assert _refused(response, url), (who, method, response.status_code)

    if rightful is not None:
        responses = {m: getattr(_as(rightful), m)(url) for m in ("get", "post")}
        assert any(r.status_code in {200, 302, 400} for r in responses.values()), {
            m: r.status_code for m, r in responses.items()
        }
        for method, response in responses.items():
            assert response.status_code not in {403, 404}, (method, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_state_changing_request_needs_a_csrf_token(name):
    world = build_world()
    audience, kwargs = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    user = {
        PRACTITIONER: world.learner,
        INSTRUCTOR: world.owner,
        OWNER: world.owner,
        STAFF: world.staff,
        ANY_USER: world.learner,
    }.get(audience)

    response = _as(user, csrf=True).post(url, {"reason": "a reason", "title": "x"})

    assert response.status_code in {403, 405}, response.status_code
    if response.status_code == 403:
        assert b"CSRF" in response.content


def test_the_course_editor_offers_accreditation_changes_to_owners_and_staff_only():
    world = build_world()
    url = reverse("courses:course_edit", kwargs={"course": world.course.slug})
    add = reverse("courses:accreditation_add", kwargs={"course": world.course.slug})
    edit = reverse(
        "courses:accreditation_edit",
        kwargs={"course": world.course.slug, "accreditation": world.accreditation.pk},
    )
    editor = world.editor_role.instructor
    staff_editor = UserFactory.create(is_instructor=True, is_staff=True)
    teach(world.course, staff_editor, role=CourseInstructor.Role.EDITOR)

    as_editor = _as(editor).get(url).content.decode()
    assert add not in as_editor
    assert edit not in as_editor
    assert "owners and staff" in as_editor
    for user in (world.owner, staff_editor):
        page = _as(user).get(url).content.decode()
        assert add in page
        assert edit in page
    assert _as(editor).post(edit, {"provider_name": "Changed"}).status_code == 403
    assert _as(staff_editor).get(add).status_code == 200
    world.accreditation.refresh_from_db()
    assert world.accreditation.provider_name == "Academy"


def test_an_instructor_whose_status_was_withdrawn_no_longer_reads_draft_courses():
    world = build_world()
    world.course.status = "draft"
    world.course.save()
    client = _as(world.withdrawn)
    urls = [
        reverse("courses:course", kwargs={"course": world.course.slug}),
        reverse("courses:lesson", kwargs=_lesson(world, world.reading)),
        reverse("courses:lesson_preview", kwargs=_lesson(world, world.reading)),
        reverse("courses:course_edit", kwargs={"course": world.course.slug}),
    ]

    assert all(client.get(url).status_code in {403, 404} for url in urls)
    assert client.post(urls[1]).status_code == 404  # completing the draft's lesson
    # Restored, the same role opens the draft again: the role itself was never removed.
    world.withdrawn.is_instructor = True
    world.withdrawn.save()
    assert _as(world.withdrawn).get(urls[0]).status_code == 200


def test_a_withdrawn_instructor_cannot_sign_off_through_the_service():
    world = build_world()
    signoffs.request_sign_off(practitioner=world.learner, lesson=world.practical)

    with pytest.raises(signoffs.NotTeachingError):
        signoffs.sign_off(
            instructor=world.withdrawn,
            enrollment=world.enrollment,
            lesson=world.practical,
            assessed_on=date(2026, 1, 2),
            note="Assessed",
        )
