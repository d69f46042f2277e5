from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, Lesson, LessonCompletion
from courses.services import insight
from courses.services.attempts import start_attempt
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.conftest import clear_test_cache
from tests.factories import UserFactory, course_with_lessons, quiz_for, take_quiz, teach

pytestmark = pytest.mark.django_db


def insight_url(course) -> str:
    return reverse("courses:course_insight", args=[course.slug])


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def local_noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def owned_course(instructor):
    course = course_with_lessons(3, order_required=False, title="Fascia basics")
    teach(course, instructor)
    return course


# --- the numbers -------------------------------------------------------------------------------


def test_dashboard_counts_enrolled_active_completed_rate_and_median(
    client, instructor, owned_course
):
    first, second, third = owned_course.lessons.all()
    quiz = quiz_for(third, questions=2, pass_mark=60)
    finisher_a, finisher_b, trier, lapsed, reader = UserFactory.create_batch(5)
    for person in (finisher_a, finisher_b, trier, lapsed, reader):
        enroll(practitioner=person, course=owned_course)
    for person in (finisher_a, finisher_b):
        complete_lesson(practitioner=person, lesson=first)
        complete_lesson(practitioner=person, lesson=second)
    take_quiz(finisher_a, quiz, right=False)
    take_quiz(finisher_a, quiz, right=True)
    take_quiz(finisher_b, quiz, right=True)
    take_quiz(trier, quiz, right=False)
    take_quiz(trier, quiz, right=False)
    complete_lesson(practitioner=lapsed, lesson=first)
    LessonCompletion.objects.filter(enrollment__practitioner=lapsed).update(
        completed_at=days_ago(40)
    )
    complete_lesson(practitioner=reader, lesson=first)
    Enrollment.objects.filter(practitioner=finisher_a).update(
        enrolled_at=days_ago(10), completed_at=days_ago(7)
    )
    Enrollment.objects.filter(practitioner=finisher_b).update(
        enrolled_at=days_ago(20), completed_at=days_ago(15)
    )
    client.force_login(instructor)

    response = client.get(insight_url(owned_course))

    summary = response.context["summary"]
    assert summary.enrolled == 5
    assert summary.completed == 2
    assert summary.active == 2  # the trier (attempts) and the reader (a lesson), not the lapsed
    assert summary.completion_rate == pytest.approx(40.0)
    assert summary.median_days == pytest.approx(4.0)  # median of 3 and 5 days
    [results] = response.context["quizzes"]
    assert (results.attempts, results.attempted, results.passed) == (5, 3, 2)
    assert results.pass_rate == pytest.approx(200 / 3)
    assert results.average_attempts == pytest.approx(5 / 3)
    page = response.content.decode()
    assert "66.7%" in page
    assert "1.67" in page
    assert "40%" in page


def test_open_attempts_are_not_counted_in_quiz_results(client, instructor, owned_course):
    quiz = quiz_for(owned_course.lessons.last(), questions=1)
    practitioner = UserFactory.create()
    enroll(practitioner=practitioner, course=owned_course)
    take_quiz(practitioner, quiz, right=False)
    start_attempt(practitioner=practitioner, quiz=quiz)
    client.force_login(instructor)

    [results] = client.get(insight_url(owned_course)).context["quizzes"]

    assert (results.attempts, results.attempted, results.passed) == (1, 1, 0)
    assert results.pass_rate == 0


def test_drop_off_counts_completions_of_each_published_lesson_in_course_order(client, instructor):
    course = course_with_lessons(4, order_required=False)
    teach(course, instructor)
    one, two, hidden, four = course.lessons.all()
    a, b, c, d = UserFactory.create_batch(4)
    for person in (a, b, c, d):
        enroll(practitioner=person, course=course)
    for person, lessons in [(a, [one, two, four]), (b, [one, two]), (c, [one])]:
        for lesson in lessons:
            complete_lesson(practitioner=person, lesson=lesson)
    complete_lesson(practitioner=a, lesson=hidden)
    Lesson.objects.filter(pk=hidden.pk).update(published=False)
    client.force_login(instructor)

    response = client.get(insight_url(course))

    rows = [(row.lesson.title, row.completed, row.percent) for row in response.context["lessons"]]
    assert rows == [("Lesson 1", 3, 75.0), ("Lesson 2", 2, 50.0), ("Lesson 4", 1, 25.0)]
    chart = str(response.context["lessons_chart"])
    assert "3 (75%)" in chart
    assert "Lesson 3" not in chart


def test_enrolments_per_week_start_at_the_first_enrolment(client, instructor, owned_course):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    people = UserFactory.create_batch(4)
    for person in people:
        enroll(practitioner=person, course=owned_course)
    weeks_back = [0, 1, 1, 3]
    for person, back in zip(people, weeks_back, strict=True):
        Enrollment.objects.filter(practitioner=person).update(
            enrolled_at=local_noon(monday - timedelta(weeks=back))
        )
    client.force_login(instructor)

    weeks = client.get(insight_url(owned_course)).context["weeks"]

    assert [(week.start, week.enrolments) for week in weeks] == [
        (monday - timedelta(weeks=3), 1),
        (monday - timedelta(weeks=2), 0),
        (monday - timedelta(weeks=1), 2),
        (monday, 1),
    ]


def test_enrolments_per_week_show_the_last_26_weeks_at_most(client, instructor, owned_course):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    old, recent = UserFactory.create_batch(2)
    for person, back in [(old, 40), (recent, 25)]:
        enroll(practitioner=person, course=owned_course)
        Enrollment.objects.filter(practitioner=person).update(
            enrolled_at=local_noon(monday - timedelta(weeks=back))
        )
    client.force_login(instructor)

    weeks = client.get(insight_url(owned_course)).context["weeks"]

    assert len(weeks) == 26
    assert weeks[0].start == monday - timedelta(weeks=25)
    assert weeks[0].enrolments == 1
    assert sum(week.enrolments for week in weeks) == 1


def test_course_nobody_enrolled_on_shows_dashes_and_no_charts(client, instructor, owned_course):
    client.force_login(instructor)

    response = client.get(insight_url(owned_course))

    page = response.content.decode()
    assert response.context["weeks"] == []
    assert "Nobody has enrolled yet." in page
    assert 'id="enrolments-chart-title"' not in page
    assert response.context["summary"].completion_rate is None
    assert response.context["summary"].median_days is None


# --- the page --------------------------------------------------------------------------------


def test_dashboard_draws_charts_with_tables_and_links_to_the_records(
    client, instructor, owned_course
):
    practitioner = UserFactory.create()
    enroll(practitioner=practitioner, course=owned_course)
    complete_lesson(practitioner=practitioner, lesson=owned_course.lessons.first())
    client.force_login(instructor)

    page = client.get(insight_url(owned_course)).content.decode()

    assert page.count('role="img"') == 2
    assert 'aria-labelledby="enrolments-chart-title enrolments-chart-desc"' in page
    assert 'aria-labelledby="lessons-chart-title lessons-chart-desc"' in page
    assert page.count("<details") == 2
    assert page.count("<table") == 2  # weeks and lessons; no quizzes yet
    assert "The course has no quizzes." in page
    assert "style=" not in page
    assert "<script>" not in page
    assert "css/teach-insight.css" in page
    slug = owned_course.slug
    for name in (
        "certificate_register",
        "export_progress",
        "export_quiz_results",
        "export_certificates",
    ):
        assert f'href="{reverse(f"courses:{name}", args=[slug])}"' in page


def test_lesson_titles_are_escaped_in_chart_and_table(client, instructor, owned_course):
    Lesson.objects.filter(pk=owned_course.lessons.first().pk).update(
        title='<script>alert("x")</script>'
    )
    enroll(practitioner=UserFactory.create(), course=owned_course)
    client.force_login(instructor)

    page = client.get(insight_url(owned_course)).content.decode()

    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("staff", 200), ("other_instructor", 404), ("practitioner", 403)],
)
def test_dashboard_is_for_the_course_instructors_and_staff(
    client, owned_course, instructor, staff_user, practitioner, who, status
):
    other = UserFactory.create(is_instructor=True)
    teach(course_with_lessons(1), other)
    user = {
        "owner": instructor,
        "staff": staff_user,
        "other_instructor": other,
        "practitioner": practitioner,
    }[who]
    client.force_login(user)

    assert client.get(insight_url(owned_course)).status_code == status


def test_dashboard_sends_anonymous_visitors_to_log_in(client, owned_course):
    response = client.get(insight_url(owned_course))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_editor_of_the_course_sees_the_dashboard(client, owned_course):
    editor = UserFactory.create(is_instructor=True)
    teach(owned_course, editor, role="editor")
    client.force_login(editor)

    assert client.get(insight_url(owned_course)).status_code == 200


# --- queries -----------------------------------------------------------------------------------


def course_with_learners(instructor, *, learners: int, lessons: int):
    course = course_with_lessons(lessons + 1, order_required=False)
    teach(course, instructor)
    *readings, quiz_lesson = course.lessons.all()
    quiz = quiz_for(quiz_lesson, questions=1)
    for n in range(learners):
        person = UserFactory.create()
        enroll(practitioner=person, course=course)
        complete_lesson(practitioner=person, lesson=readings[n % len(readings)])
        take_quiz(person, quiz, right=n % 2 == 0)
    return course


def dashboard_queries(client, course) -> int:
    """Queries of a view that computes the figures (none stored)."""
    clear_test_cache()
    client.force_login(client.session_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(insight_url(course))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_learners(client, instructor):
    few = course_with_learners(instructor, learners=2, lessons=2)
    many = course_with_learners(instructor, learners=40, lessons=2)
    client.session_user = instructor

    assert dashboard_queries(client, few) == dashboard_queries(client, many)


def test_dashboard_queries_do_not_grow_with_lessons_or_quizzes(client, instructor):
    small = course_with_learners(instructor, learners=3, lessons=1)
    large = course_with_learners(instructor, learners=3, lessons=20)
    for lesson in list(large.lessons.all())[:5]:
        if not hasattr(lesson, "quiz"):
            quiz_for(lesson, questions=1)
    client.session_user = instructor
    client.force_login(instructor)

    assert len(client.get(insight_url(large)).context["quizzes"]) == 6
    assert dashboard_queries(client, small) == dashboard_queries(client, large)


def test_stored_figures_are_served_without_recomputing(client, instructor):
    course = course_with_learners(instructor, learners=3, lessons=2)
    client.session_user = instructor
    computing = dashboard_queries(client, course)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(insight_url(course))
    assert response.status_code == 200
    assert len(queries) < computing - 3  # the session, the user and the course only
    assert not response.context["refreshing"]


# --- stored figures ----------------------------------------------------------------------------


def test_figures_are_dated_and_fresh_ones_are_shown_as_they_are(client, instructor, owned_course):
    enroll(practitioner=UserFactory.create(), course=owned_course)
    client.force_login(instructor)
    first = client.get(insight_url(owned_course))
    assert "Figures as of" in first.content.decode()
    enroll(practitioner=UserFactory.create(), course=owned_course)

    again = client.get(insight_url(owned_course))

    assert again.context["summary"].enrolled == 1  # computed under two minutes ago
    assert "being computed" not in again.content.decode()


def test_stale_figures_are_shown_while_one_refresh_is_queued(
    client, instructor, owned_course, settings, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(insight.refresh_course_insight, "delay", queued.append)
    enroll(practitioner=UserFactory.create(), course=owned_course)
    client.force_login(instructor)
    client.get(insight_url(owned_course))
    enroll(practitioner=UserFactory.create(), course=owned_course)
    settings.COURSE_INSIGHT_FRESH_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=True):
        stale = client.get(insight_url(owned_course))
        client.get(insight_url(owned_course))

    assert stale.context["summary"].enrolled == 1
    assert stale.context["refreshing"]
    assert "Newer figures are being computed" in stale.content.decode()
    assert queued == [owned_course.pk]  # once, however many views

    insight.refresh_course_insight(owned_course.pk)  # the worker's run
    settings.COURSE_INSIGHT_FRESH_SECONDS = 120
    fresh = client.get(insight_url(owned_course))
    assert fresh.context["summary"].enrolled == 2
    assert not fresh.context["refreshing"]


def test_a_changed_lesson_shows_at_once(client, instructor, owned_course):
    client.force_login(instructor)
    client.get(insight_url(owned_course))
    lesson = owned_course.lessons.first()
    lesson.title = "Renamed after the figures were computed"
    lesson.save()

    page = client.get(insight_url(owned_course)).content.decode()

    assert "Renamed after the figures were computed" in page
