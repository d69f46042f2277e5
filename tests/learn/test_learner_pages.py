import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course, Enrollment, LessonCompletion
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from courses.services.structure import reorder_lessons
from tests.factories import (
    CourseFactory,
    TopicFactory,
    UserFactory,
    course_with_lessons,
    logged_in,
    quiz_for,
    teach,
)

pytestmark = pytest.mark.django_db


def lesson_url(lesson) -> str:
    return reverse("courses:lesson", args=[lesson.course.slug, lesson.slug])


# --- catalog ------------------------------------------------------------------------------


def test_catalog_lists_published_courses_only(client):
    CourseFactory.create(title="Fascia for therapists")
    CourseFactory.create(title="Secret draft", status=Course.Status.DRAFT)
    CourseFactory.create(title="Old course", status=Course.Status.ARCHIVED)

    page = client.get(reverse("courses:catalog")).content.decode()

    assert "Fascia for therapists" in page
    assert "Secret draft" not in page
    assert "Old course" not in page


def test_catalog_searches_words_in_title_and_summary(client):
    CourseFactory.create(title="Fascia basics", summary="Connective tissue explained.")
    CourseFactory.create(title="Breathing coaching", summary="Teach clients to breathe.")

    page = client.get(reverse("courses:catalog"), {"q": "connective"}).content.decode()

    assert "Fascia basics" in page
    assert "Breathing coaching" not in page


def test_catalog_filters_by_topic_level_and_hours(client):
    stretching = TopicFactory.create(slug="stretching", name="Stretching")
    CourseFactory.create(title="Long stretch", topic=stretching, level="advanced", ce_hours=3)
    CourseFactory.create(title="Short stretch", topic=stretching, level="advanced", ce_hours=1)
    CourseFactory.create(title="Fascia layers", level="advanced", ce_hours=3)

    page = client.get(
        reverse("courses:catalog"), {"topic": "stretching", "level": "advanced", "hours": "long"}
    ).content.decode()

    assert "Long stretch" in page
    assert "Short stretch" not in page
    assert "Fascia layers" not in page


def test_catalog_cards_show_hours_level_instructors_and_progress(client, practitioner, instructor):
    course = course_with_lessons(4, title="Fascia basics", ce_hours="2.5")
    teach(course, instructor)
    enroll(practitioner=practitioner, course=course)
    complete_lesson(practitioner=practitioner, lesson=course.lessons.first())
    client.force_login(practitioner)

    page = client.get(reverse("courses:catalog")).content.decode()

    assert "2.5 CE hours" in page
    assert "Introductory" in page
    assert "Imogen Hart" in page
    assert 'value="25"' in page


# --- course page --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_unpublished_course_is_404_to_practitioners(client, practitioner, status):
    course = CourseFactory.create(status=status)
    client.force_login(practitioner)
    assert client.get(course.get_absolute_url()).status_code == 404


def test_draft_course_is_visible_to_its_instructor(client, instructor):
    course = CourseFactory.create(status=Course.Status.DRAFT, title="Work in progress")
    teach(course, instructor)
    client.force_login(instructor)

    response = client.get(course.get_absolute_url())

    assert response.status_code == 200
    assert "not published" in response.content.decode()


def test_unknown_course_and_lesson_slugs_are_404(client, practitioner):
    course = course_with_lessons(1)
    client.force_login(practitioner)
    assert client.get(reverse("courses:course", args=["no-such-course"])).status_code == 404
    assert client.get(reverse("courses:lesson", args=[course.slug, "nope"])).status_code == 404


def test_course_page_shows_syllabus_prerequisites_and_enrol_button(client, practitioner):
    basics = course_with_lessons(1, title="Fascia basics")
    course = course_with_lessons(2, modules=2, title="Stretching")
    course.prerequisites.add(basics)
    client.force_login(practitioner)

    page = client.get(course.get_absolute_url()).content.decode()

    assert "Module 1" in page
    assert "Module 2" in page
    assert "Lesson 1" in page
    assert "10 min" in page
    assert "Fascia basics" in page
    assert "not completed yet" in page
    assert "Complete the prerequisite courses" in page
    assert "Enrol on this course" not in page


def test_enrolling_through_the_course_page_leads_to_the_first_lesson(client, practitioner):
    course = course_with_lessons(2)
    client.force_login(practitioner)

    response = client.post(course.get_absolute_url())
    again = client.post(course.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == lesson_url(course.lessons.first())
    assert again.status_code == 302
    assert Enrollment.objects.filter(practitioner=practitioner, course=course).count() == 1


def test_anonymous_enrol_goes_to_login(client):
    course = course_with_lessons(1)
    response = client.post(course.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Enrollment.objects.exists()


def test_enrolling_without_prerequisite_shows_the_reason(client, practitioner):
    basics = course_with_lessons(1, title="Fascia basics")
    course = course_with_lessons(1)
    course.prerequisites.add(basics)
    client.force_login(practitioner)

    response = client.post(course.get_absolute_url(), follow=True)

    assert "Complete “Fascia basics” before enrolling" in response.content.decode()
    assert not Enrollment.objects.exists()


# --- lessons ------------------------------------------------------------------------------


def test_lesson_page_renders_content_safety_notice_video_and_outline(client, practitioner):
    course = course_with_lessons(2)
    lesson = course.lessons.first()
    lesson.body = "## Why it matters\n\nFascia **wraps** every fibre."
    lesson.safety_notice = "Stop on sharp pain and see a doctor."
    lesson.video_url = "https://vimeo.com/76979871"
    lesson.transcript = "What the video says."
    lesson.save()
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)

    page = client.get(lesson_url(lesson)).content.decode()

    assert "<h2>Why it matters</h2>" in page
    assert "<strong>wraps</strong>" in page
    assert "Stop on sharp pain and see a doctor." in page
    assert "https://player.vimeo.com/video/76979871" in page
    assert "Transcript" in page
    assert 'id="outline"' in page
    assert "Mark as complete" in page


def test_lesson_page_shows_any_edit_at_once_though_its_fragments_are_cached(client, practitioner):
    """Lesson content and the outline are cached under the course's content version, which every
    saved lesson or module (and a reorder, which saves none) moves on."""
    course = course_with_lessons(3)
    first, second, third = course.lessons.all()
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    assert "Lesson 2" in client.get(lesson_url(first)).content.decode()

    first.body = "Fresh words about fascia."
    first.save()  # as the admin or any other path would
    second.title = "Renamed lesson"
    second.save()
    module = first.module
    module.title = "Renamed module"
    module.save()
    page = client.get(lesson_url(first)).content.decode()
    assert "Fresh words about fascia." in page
    assert "Renamed lesson" in page
    assert "Renamed module" in page

    reorder_lessons(module=module, lesson_ids=[first.pk, third.pk, second.pk])
    page = client.get(lesson_url(first)).content.decode()
    assert page.index("Lesson 3") < page.index("Renamed lesson")


def test_a_quiz_added_to_or_removed_from_a_lesson_shows_at_once(client, practitioner):
    course = course_with_lessons(2)
    first = course.lessons.first()
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    assert "Mark as complete" in client.get(lesson_url(first)).content.decode()

    quiz = quiz_for(first)
    page = client.get(lesson_url(first)).content.decode()
    assert "Start the quiz" in page
    assert "Mark as complete" not in page

    quiz.delete()
    assert "Start the quiz" not in client.get(lesson_url(first)).content.decode()


def test_content_version_moves_on_a_deleted_lesson_but_not_while_deleting_the_course():
    course = course_with_lessons(3)
    before = course.updated_at
    course.lessons.last().delete()
    course.refresh_from_db()
    assert course.updated_at > before

    with CaptureQueriesContext(connection) as queries:
        course.delete()
    assert not [q for q in queries if q["sql"].startswith('UPDATE "courses_course"')]


def test_practitioners_at_the_same_point_share_the_outline_but_each_sees_their_own(client):
    course = course_with_lessons(3)
    first = course.lessons.first()
    ahead, behind = UserFactory.create(), UserFactory.create()
    for practitioner in (ahead, behind):
        enroll(practitioner=practitioner, course=course)

    def outline_of(practitioner) -> str:
        client.force_login(practitioner)
        page = client.get(lesson_url(first)).content.decode()
        return page[page.index('id="outline"') :]

    assert outline_of(ahead) == outline_of(behind)
    complete_lesson(practitioner=ahead, lesson=first)
    assert "1 of 3 required lessons done" in outline_of(ahead)
    assert "0 of 3 required lessons done" in outline_of(behind)


def test_navigation_follows_the_viewers_role_though_it_is_cached(client, practitioner, instructor):
    teaching = reverse("courses:teaching")
    client.force_login(instructor)
    assert f'href="{teaching}"' in client.get(reverse("courses:catalog")).content.decode()
    client.force_login(practitioner)
    page = client.get(reverse("courses:catalog")).content.decode()
    assert f'href="{teaching}"' not in page
    assert 'aria-current="page"' in page
    client.logout()
    assert "Log in" in client.get(reverse("courses:catalog")).content.decode()


@pytest.mark.parametrize("status", [Course.Status.DRAFT, Course.Status.ARCHIVED])
def test_lessons_of_a_course_taken_out_of_the_catalog_are_404_even_to_its_learners(
    client, practitioner, status
):
    course = course_with_lessons(2)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    assert client.get(lesson_url(course.lessons.first())).status_code == 200

    Course.objects.filter(pk=course.pk).update(status=status)

    assert client.get(lesson_url(course.lessons.first())).status_code == 404


def test_lesson_of_a_course_you_are_not_enrolled_on_sends_you_to_enrol(client, practitioner):
    course = course_with_lessons(1)
    client.force_login(practitioner)
    response = client.get(lesson_url(course.lessons.get()))
    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()


def test_completing_a_lesson_of_a_course_you_are_not_enrolled_on_is_404(client, practitioner):
    course = course_with_lessons(1)
    client.force_login(practitioner)
    assert client.post(lesson_url(course.lessons.get())).status_code == 404
    assert not LessonCompletion.objects.exists()


def test_locked_lesson_explains_why(client, practitioner):
    course = course_with_lessons(3)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)

    response = client.get(lesson_url(course.lessons.last()))

    assert response.status_code == 403
    page = response.content.decode()
    assert "This lesson is locked" in page
    assert "Complete “Lesson 1” first" in page
    assert "Mark as complete" not in page


def test_mark_complete_with_htmx_returns_the_fragment_and_updated_outline(client, practitioner):
    course = course_with_lessons(2)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    first = course.lessons.first()

    response = client.post(lesson_url(first), headers={"HX-Request": "true"})

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "You have completed this lesson" in fragment
    assert 'data-hx-swap-oob="true"' in fragment
    assert "1 of 2 required lessons done" in fragment
    assert LessonCompletion.objects.filter(lesson=first).exists()


def test_mark_complete_without_javascript_redirects_to_the_next_lesson(client, practitioner):
    course = course_with_lessons(2)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    first, second = course.lessons.all()

    response = client.post(lesson_url(first))

    assert response.status_code == 302
    assert response["Location"] == lesson_url(second)


def test_finishing_the_last_lesson_completes_the_course_and_shows_it_on_the_dashboard(
    client, practitioner
):
    course = course_with_lessons(1, title="Fascia basics")
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)

    response = client.post(lesson_url(course.lessons.get()), follow=True)

    assert "Course complete" in response.content.decode()
    dashboard = client.get(reverse("courses:learning")).content.decode()
    assert "Completed on" in dashboard
    assert "Fascia basics" in dashboard


def test_instructor_previews_lessons_of_their_draft_without_enrolling(client, instructor):
    course = course_with_lessons(2, status=Course.Status.DRAFT)
    teach(course, instructor)
    client.force_login(instructor)

    response = client.get(lesson_url(course.lessons.last()))

    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_lesson_of_another_instructors_draft_is_404(client, instructor):
    course = course_with_lessons(1, status=Course.Status.DRAFT)
    teach(course, UserFactory.create(is_instructor=True))
    client.force_login(instructor)
    assert client.get(lesson_url(course.lessons.get())).status_code == 404


def test_instructor_text_is_inert_on_the_lesson_page(client, practitioner):
    course = course_with_lessons(1)
    lesson = course.lessons.get()
    lesson.body = (
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    lesson.save()
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)

    page = client.get(lesson_url(lesson)).content.decode()

    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page


# --- dashboard ----------------------------------------------------------------------------


def test_dashboard_shows_progress_and_continue_link(client, practitioner):
    course = course_with_lessons(4, title="Stretching")
    enroll(practitioner=practitioner, course=course)
    first, second, *_ = course.lessons.all()
    complete_lesson(practitioner=practitioner, lesson=first)
    client.force_login(practitioner)

    page = client.get(reverse("courses:learning")).content.decode()

    assert "Stretching" in page
    assert 'value="25"' in page
    assert lesson_url(second) in page


def test_progress_counts_required_published_lessons_only(client, practitioner):
    course = course_with_lessons(4, title="Hip mobility")
    first, _second, third, fourth = course.lessons.all()
    third.required = False
    third.save()
    fourth.published = False
    fourth.save()
    enroll(practitioner=practitioner, course=course)
    complete_lesson(practitioner=practitioner, lesson=first)
    client.force_login(practitioner)

    assert 'value="50"' in client.get(reverse("courses:learning")).content.decode()
    assert 'value="50"' in client.get(reverse("courses:catalog")).content.decode()


def test_dashboard_shows_a_renamed_topic_at_once(client, practitioner):
    course = course_with_lessons(2)
    enroll(practitioner=practitioner, course=course)
    client.force_login(practitioner)
    client.get(reverse("courses:learning"))

    topic = course.topic
    topic.name = "Myofascial release"
    topic.save()

    assert "Myofascial release" in client.get(reverse("courses:learning")).content.decode()


# --- query counts: fixed whatever the size -------------------------------------------------


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["course", "lesson", "learning"])
def test_page_query_count_is_the_same_for_1_and_50_lessons(client, practitioner, page):
    counts = []
    for size in (1, 50):
        course = course_with_lessons(size, modules=min(size, 5), slug=f"size-{size}")
        enroll(practitioner=practitioner, course=course)
        if size > 1:  # a one-lesson course would be complete, and leave "in progress"
            complete_lesson(practitioner=practitioner, lesson=course.lessons.first())
        teach(course, UserFactory.create(is_instructor=True))
        client.force_login(practitioner)
        url = {
            "course": course.get_absolute_url(),
            "lesson": lesson_url(course.lessons.first()),
            "learning": reverse("courses:learning"),
        }[page]
        counts.append(count_queries(client, url))
        Enrollment.objects.filter(course=course).delete()
    assert counts[0] == counts[1], counts


def test_catalog_query_count_is_the_same_for_1_and_30_courses(client, practitioner):
    logged_in(client, practitioner)
    counts = []
    for size in (1, 30):
        for i in range(size):
            course = course_with_lessons(2, slug=f"c{size}-{i}")
            teach(course, UserFactory.create(is_instructor=True))
            enroll(practitioner=practitioner, course=course)
        counts.append(count_queries(client, reverse("courses:catalog")))
    assert counts[0] == counts[1], counts


def test_dashboard_query_count_is_the_same_for_1_and_10_courses_even_on_first_sight(
    client, practitioner
):
    """Courses and lessons a process has not seen yet are read for all the courses at once."""
    logged_in(client, practitioner)
    counts = []
    for size in (1, 10):
        for i in range(size):
            course = course_with_lessons(3, slug=f"d{size}-{i}")
            enroll(practitioner=practitioner, course=course)
            complete_lesson(practitioner=practitioner, lesson=course.lessons.first())
        counts.append(count_queries(client, reverse("courses:learning")))
    assert counts[0] == counts[1], counts
    # the enrollments with their completed lessons; then courses and lessons not seen before
    assert count_queries(client, reverse("courses:learning")) == 1


def test_catalog_for_anonymous_visitors_makes_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    for i in range(5):
        teach(course_with_lessons(2, slug=f"a{i}"), UserFactory.create(is_instructor=True))
    # the catalog's version, topics for the filter, courses, instructors
    with django_assert_num_queries(4):
        client.get(reverse("courses:catalog"), {"q": "course"})
    with django_assert_num_queries(4):
        client.get(reverse("courses:catalog"))


def test_anonymous_catalog_is_shared_for_a_minute_but_never_for_logged_in_users(
    client, practitioner, django_assert_num_queries
):
    CourseFactory.create(title="First course")
    client.get(reverse("courses:catalog"))
    CourseFactory.create(title="Added later")

    with django_assert_num_queries(0):
        cached = client.get(reverse("courses:catalog")).content.decode()
    client.force_login(practitioner)
    fresh = client.get(reverse("courses:catalog")).content.decode()

    assert "First course" in cached
    assert "Added later" not in cached
    assert "Added later" in fresh
    assert "csrfmiddlewaretoken" not in cached
    assert "X-CSRFToken" not in cached


def test_logged_in_visitors_share_the_course_list_but_see_their_own_progress_and_new_courses(
    client, practitioner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = course_with_lessons(2, title="Fascia basics")
    enroll(practitioner=practitioner, course=first)
    complete_lesson(practitioner=practitioner, lesson=first.lessons.first())
    client.force_login(practitioner)
    client.get(reverse("courses:catalog"))

    with CaptureQueriesContext(connection) as warm:
        page = client.get(reverse("courses:catalog")).content.decode()
    assert "Your progress: 50%" in page
    assert not any("courses_courseinstructor" in q["sql"] for q in warm.captured_queries)

    course_with_lessons(1, title="Breathing and awareness")
    assert "Breathing and awareness" in client.get(reverse("courses:catalog")).content.decode()
