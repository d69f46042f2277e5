"""A populated site and the list of pages its people use, for checks that walk every page
(markup validation, accessibility). Built through the services, as real use would build it."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from academy.models import User
from courses.models import Attempt, Certificate, Course, GiftImport, Lesson, Quiz
from courses.services import certificates, signoffs
from courses.services.attempts import save_answers, start_attempt, submit_attempt
from courses.services.enrollment import enroll
from courses.services.gift_import import import_gift
from courses.services.progress import complete_lesson
from tests.factories import LessonFactory, UserFactory, course_with_lessons, teach

QUIZ = """::Fascia::What wraps each muscle fibre? {
=Fascia#Yes.
~Tendon#No.
~Cartilage#No.
}

::Stop::Sharp, shooting pain during a stretch means stop. {T}

::Causes::Which make fascia tighten? {
~%50%Overuse
~%50%Stillness
~%-100%Gentle movement
}

::Muscle::Which hip muscle is linked with sciatica? {=piriformis}

::Count::How many aims does treatment have? {#3:0}

::Match::Match each idea to its effect. {
=Overuse -> fibres bound together
=Stillness -> congestion
=Movement -> renewal
}
"""


@dataclass
class Tour:
    people: dict[str, User]
    pages: list[tuple[str, str | None, str]]  # (label, person or None for anonymous, path)


def _url(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page not built yet is simply not in the tour
        return None


def build_tour() -> Tour:
    instructor = UserFactory.create(full_name="Imogen Hart", is_instructor=True)
    priya = UserFactory.create(full_name="Priya Patel")
    omar = UserFactory.create(full_name="Omar Haddad")
    staff = UserFactory.create(full_name="Sam Staff", is_staff=True, is_superuser=True)

    course = course_with_lessons(
        1, modules=2, title="Fascia: what it is and why muscles tighten", slug="fascia"
    )
    course.ce_hours = Decimal("2.5")
    course.order_required = False
    course.save()
    reading = course.lessons.get()
    reading.body = "## The film around every fibre\n\nFascia wraps each **fibre**."
    reading.safety_notice = "Stop on sharp or shooting pain and see a doctor."
    reading.save()
    module = course.modules.order_by("position").last()
    quiz_lesson = LessonFactory.create(
        module=module, position=1, title="Check your understanding", slug="check", kind="quiz"
    )
    quiz = Quiz.objects.create(lesson=quiz_lesson, attempts_allowed=3, shuffle_questions=False)
    import_gift(quiz=quiz, text=QUIZ)
    running_import = GiftImport.objects.create(
        quiz=quiz, requested_by=instructor, text="", questions=80, started_at=timezone.now()
    )
    practical = LessonFactory.create(
        module=module,
        position=2,
        title="Teach a glute stretch",
        slug="practical",
        kind=Lesson.Kind.PRACTICAL,
    )
    teach(course, instructor)

    enroll(practitioner=priya, course=course)
    complete_lesson(practitioner=priya, lesson=reading)
    failed = start_attempt(practitioner=priya, quiz=quiz)
    save_answers(attempt=failed, answers={})
    submit_attempt(attempt=failed)
    open_attempt = start_attempt(practitioner=priya, quiz=quiz)
    signoffs.request_sign_off(practitioner=priya, lesson=practical, note="Any evening")

    short = course_with_lessons(1, title="Breathing and body awareness", slug="breathing")
    teach(short, instructor)
    enroll(practitioner=omar, course=short)
    complete_lesson(practitioner=omar, lesson=short.lessons.get())
    certificate = Certificate.objects.get(enrollment__practitioner=omar)
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    draft = course_with_lessons(1, title="Sciatica reasoning", slug="draft", status="draft")
    teach(draft, instructor)

    result = Attempt.objects.get(pk=failed.pk)
    lesson_args = (course.slug, quiz_lesson.slug)
    candidates: list[tuple[str, str | None, str | None]] = [
        ("home", None, "/"),
        ("catalog", None, reverse("courses:catalog")),
        ("course", None, course.get_absolute_url()),
        ("verify", None, reverse("courses:verify", args=[certificate.code])),
        ("login", None, reverse("account_login")),
        ("sign-up", None, reverse("account_signup")),
        ("password reset", None, reverse("account_reset_password")),
        ("catalog, logged in", "priya", reverse("courses:catalog")),
        ("course, enrolled", "priya", course.get_absolute_url()),
        ("lesson", "priya", reading.get_absolute_url()),
        ("quiz lesson", "priya", quiz_lesson.get_absolute_url()),
        ("practical lesson", "priya", practical.get_absolute_url()),
        ("open attempt", "priya", reverse("courses:attempt", args=[open_attempt.pk])),
        ("attempt result", "priya", reverse("courses:attempt", args=[result.pk])),
        ("my learning", "priya", reverse("courses:learning")),
        ("profile", "priya", reverse("profile")),
        ("e-mail addresses", "priya", reverse("account_email")),
        ("password change", "priya", reverse("account_change_password")),
        ("two-factor", "priya", reverse("mfa_index")),
        ("my certificates", "omar", reverse("courses:certificates")),
        ("GIFT import", "instructor", reverse("courses:quiz_import", args=lesson_args)),
        (
            "GIFT import in progress",
            "instructor",
            reverse("courses:quiz_import_status", args=[*lesson_args, running_import.pk]),
        ),
        (
            "certificate register",
            "instructor",
            reverse("courses:certificate_register", args=[course.slug]),
        ),
        ("sign-off queue", "instructor", reverse("courses:sign_off_queue")),
        ("course sign-offs", "instructor", reverse("courses:course_sign_offs", args=[course.slug])),
        ("teaching", "instructor", _url("courses:teaching")),
        ("course editor", "instructor", _url("courses:course_edit", course.slug)),
        ("lesson editor", "instructor", _url("courses:lesson_edit", *lesson_args)),
        ("lesson preview", "instructor", _url("courses:lesson_preview", course.slug, reading.slug)),
        ("quiz editor", "instructor", _url("courses:quiz_edit", *lesson_args)),
        ("quiz preview", "instructor", _url("courses:quiz_preview", *lesson_args)),
        ("insight", "instructor", _url("courses:course_insight", course.slug)),
        ("item statistics", "instructor", _url("courses:quiz_statistics", *lesson_args)),
        ("staff: instructors", "staff", _url("courses:staff_instructors")),
        ("staff: register", "staff", reverse("courses:certificate_register", args=[short.slug])),
    ]
    pages = [(label, who, path) for label, who, path in candidates if path is not None]
    people = {"priya": priya, "omar": omar, "instructor": instructor, "staff": staff}
    assert Course.objects.count() == 3
    return Tour(people=people, pages=pages)
