from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Certificate, Enrollment, Lesson, LessonCompletion, SignOff
from courses.services import signoffs
from courses.services.enrollment import enroll
from courses.services.progress import SignOffRequiredError, complete_lesson
from tests.factories import LessonFactory, UserFactory, course_with_lessons, logged_in, teach

pytestmark = pytest.mark.django_db


def practical_course(instructor, lessons_before: int = 1):
    """A course of reading lessons ending with a practical assessment the instructor teaches."""
    course = course_with_lessons(lessons_before, title="Glute stretching in practice")
    LessonFactory.create(
        module=course.modules.get(),
        position=99,
        title="Teach a glute stretch to a client",
        slug="teach-a-glute-stretch",
        kind=Lesson.Kind.PRACTICAL,
    )
    teach(course, instructor)
    return course


def ready_for_assessment(practitioner, course) -> Enrollment:
    enrollment = enroll(practitioner=practitioner, course=course)
    for lesson in course.lessons.exclude(kind=Lesson.Kind.PRACTICAL):
        complete_lesson(practitioner=practitioner, lesson=lesson)
    return enrollment


def test_a_practical_lesson_cannot_be_marked_complete_by_the_practitioner(
    practitioner, instructor, client
):
    course = practical_course(instructor)
    ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)

    with pytest.raises(SignOffRequiredError):
        complete_lesson(practitioner=practitioner, lesson=practical)
    client.force_login(practitioner)
    response = client.post(practical.get_absolute_url(), follow=True)

    assert "sign-off completes this practical lesson" in response.content.decode()
    assert not LessonCompletion.objects.filter(lesson=practical).exists()


def test_signing_off_the_last_practical_completes_the_course_and_issues_the_certificate(
    practitioner, instructor, django_capture_on_commit_callbacks
):
    course = practical_course(instructor)
    enrollment = ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    signoffs.request_sign_off(practitioner=practitioner, lesson=practical, note="Free on Fridays")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        record = signoffs.sign_off(
            instructor=instructor,
            enrollment=enrollment,
            lesson=practical,
            assessed_on=timezone.localdate(),
            note="Supine figure-four stretch, clear cues, checked for wrong pain.",
        )

    enrollment.refresh_from_db()
    assert record.signed_off_by == instructor
    assert enrollment.completed_at is not None
    assert Certificate.objects.get(enrollment=enrollment).status == Certificate.Status.ISSUED


def test_a_sign_off_needs_a_note_and_a_date_not_in_the_future(practitioner, instructor):
    course = practical_course(instructor)
    enrollment = ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError, match="cannot be in the future"):
        signoffs.sign_off(
            instructor=instructor,
            enrollment=enrollment,
            lesson=practical,
            assessed_on=tomorrow,
            note="Fine",
        )
    with pytest.raises(ValidationError, match="Add a note"):
        signoffs.sign_off(
            instructor=instructor,
            enrollment=enrollment,
            lesson=practical,
            assessed_on=timezone.localdate(),
            note="  ",
        )
    assert not LessonCompletion.objects.filter(lesson=practical).exists()


def test_only_an_instructor_of_the_course_can_sign_off(practitioner, instructor):
    course = practical_course(instructor)
    enrollment = ready_for_assessment(practitioner, course)
    outsider = UserFactory.create(is_instructor=True)

    with pytest.raises(signoffs.NotTeachingError):
        signoffs.sign_off(
            instructor=outsider,
            enrollment=enrollment,
            lesson=course.lessons.get(kind=Lesson.Kind.PRACTICAL),
            assessed_on=timezone.localdate(),
            note="Looks fine",
        )


def test_requesting_twice_keeps_one_request_with_the_latest_note(practitioner, instructor):
    course = practical_course(instructor)
    ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)

    signoffs.request_sign_off(practitioner=practitioner, lesson=practical, note="Mondays")
    signoffs.request_sign_off(practitioner=practitioner, lesson=practical, note="Tuesdays")

    assert SignOff.objects.get().request_note == "Tuesdays"


def test_the_practitioner_requests_from_the_lesson_and_sees_feedback_when_sent_back(
    client, practitioner, instructor
):
    course = practical_course(instructor)
    ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    client.force_login(practitioner)

    client.post(
        reverse("courses:sign_off_request", args=[course.slug, practical.slug]),
        {"note": "Available after 5pm"},
    )
    record = SignOff.objects.get()
    assert record.requested_at is not None
    signoffs.send_back(
        instructor=instructor, sign_off=record, note="Practise the set-up and try again"
    )

    page = client.get(practical.get_absolute_url()).content.decode()
    assert "Practise the set-up and try again" in page
    assert "Request sign-off" in page


def test_the_queue_lists_requests_and_the_instructor_signs_off_from_it(
    client, practitioner, instructor
):
    course = practical_course(instructor)
    enrollment = ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    signoffs.request_sign_off(practitioner=practitioner, lesson=practical, note="Any evening")
    client.force_login(instructor)

    queue = client.get(reverse("courses:sign_off_queue")).content.decode()
    assert "Priya Patel" in queue
    assert "Any evening" in queue
    response = client.post(
        reverse("courses:sign_off_give", args=[enrollment.pk, practical.pk]),
        {
            "assessed_on": timezone.localdate().isoformat(),
            "note": "Assessed on a live call",
            "next": "queue",
        },
    )

    assert response.status_code == 302
    assert SignOff.objects.get().is_signed_off
    assert "Nobody is waiting" in client.get(reverse("courses:sign_off_queue")).content.decode()


def test_sign_off_pages_are_closed_to_practitioners_and_other_instructors(
    client, practitioner, instructor
):
    course = practical_course(instructor)
    enrollment = ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    give = reverse("courses:sign_off_give", args=[enrollment.pk, practical.pk])
    data = {"assessed_on": timezone.localdate().isoformat(), "note": "Sure"}

    client.force_login(practitioner)
    assert client.get(reverse("courses:sign_off_queue")).status_code == 403
    assert client.post(give, data).status_code == 403
    other = UserFactory.create(is_instructor=True)
    teach(course_with_lessons(1), other)
    client.force_login(other)
    assert client.get(reverse("courses:course_sign_offs", args=[course.slug])).status_code == 404
    assert client.post(give, data).status_code == 404
    assert not SignOff.objects.filter(signed_off_at__isnull=False).exists()


def test_sign_off_pages_keep_a_fixed_query_count(client, instructor):
    course = practical_course(instructor)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    logged_in(client, instructor)

    def counts() -> tuple[int, int]:
        result = []
        for url in (
            reverse("courses:sign_off_queue"),
            reverse("courses:course_sign_offs", args=[course.slug]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result[0], result[1]

    def add_learners(n: int) -> None:
        for person in UserFactory.create_batch(n):
            ready_for_assessment(person, course)
            signoffs.request_sign_off(practitioner=person, lesson=practical)

    add_learners(1)
    one = counts()
    add_learners(9)
    assert counts() == one


def test_unpublishing_the_last_missing_lesson_completes_the_enrollments_that_now_qualify(
    practitioner, instructor, django_capture_on_commit_callbacks
):
    from courses.services.structure import set_lesson_published

    course = practical_course(instructor)
    enrollment = ready_for_assessment(practitioner, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)

    with django_capture_on_commit_callbacks(execute=True):
        set_lesson_published(lesson=practical, published=False)

    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert Certificate.objects.get(enrollment=enrollment).status == Certificate.Status.ISSUED


# --- nobody certifies themselves -----------------------------------------------------------


def _give(client, enrollment, practical, **extra):
    return client.post(
        reverse("courses:sign_off_give", args=[enrollment.pk, practical.pk]),
        {"assessed_on": timezone.localdate().isoformat(), "note": "Assessed", **extra},
        follow=True,
    )


def test_an_instructor_cannot_sign_off_their_own_practical(client, instructor):
    course = practical_course(instructor)
    enrollment = ready_for_assessment(instructor, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    signoffs.request_sign_off(practitioner=instructor, lesson=practical)

    with pytest.raises(ValidationError, match="your own"):
        signoffs.sign_off(
            instructor=instructor,
            enrollment=enrollment,
            lesson=practical,
            assessed_on=timezone.localdate(),
            note="Assessed",
        )
    client.force_login(instructor)
    page = _give(client, enrollment, practical).content.decode()

    assert "your own practical assessment" in page
    assert not SignOff.objects.filter(signed_off_at__isnull=False).exists()
    assert not Certificate.objects.exists()


def test_a_co_instructor_signs_off_another_instructor_only_when_staff(client, instructor):
    course = practical_course(instructor)
    colleague = UserFactory.create(is_instructor=True, full_name="Chris Colleague")
    teach(course, colleague, role="editor")
    enrollment = ready_for_assessment(colleague, course)
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    signoffs.request_sign_off(practitioner=colleague, lesson=practical)
    client.force_login(instructor)

    page = _give(client, enrollment, practical).content.decode()

    assert "only staff can sign off" in page
    assert not SignOff.objects.get().is_signed_off
    staff = UserFactory.create(is_instructor=True, is_staff=True)
    teach(course, staff, role="editor")
    record = signoffs.sign_off(
        instructor=staff,
        enrollment=enrollment,
        lesson=practical,
        assessed_on=timezone.localdate(),
        note="Assessed by staff",
    )
    assert record.is_signed_off


def test_the_queue_and_grid_offer_no_sign_off_the_viewer_may_not_give(client, instructor):
    course = practical_course(instructor)
    colleague = UserFactory.create(is_instructor=True, full_name="Chris Colleague")
    teach(course, colleague, role="editor")
    learner = UserFactory.create(full_name="Lena Learner")
    practical = course.lessons.get(kind=Lesson.Kind.PRACTICAL)
    for person in (instructor, colleague, learner):
        ready_for_assessment(person, course)
        signoffs.request_sign_off(practitioner=person, lesson=practical)
    give_own = reverse(
        "courses:sign_off_give",
        args=[Enrollment.objects.get(practitioner=instructor).pk, practical.pk],
    )
    give_colleague = reverse(
        "courses:sign_off_give",
        args=[Enrollment.objects.get(practitioner=colleague).pk, practical.pk],
    )
    give_learner = reverse(
        "courses:sign_off_give",
        args=[Enrollment.objects.get(practitioner=learner).pk, practical.pk],
    )
    client.force_login(instructor)

    queue = client.get(reverse("courses:sign_off_queue")).content.decode()
    grid = client.get(reverse("courses:course_sign_offs", args=[course.slug])).content.decode()

    assert "Lena Learner" in queue
    assert "Chris Colleague" not in queue
    assert give_own not in queue
    for page in (queue, grid):
        assert give_learner in page
        assert give_own not in page
        assert give_colleague not in page
    assert "Your own assessment" in grid
    assert "staff sign this off" in grid
