import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import (
    Accreditation,
    AccreditingBody,
    Certificate,
    Course,
    CourseInstructor,
    Enrollment,
    Lesson,
    LessonCompletion,
)
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.factories import UserFactory, course_with_lessons, teach
from tests.inert import executable_parts

pytestmark = pytest.mark.django_db

OWNER = CourseInstructor.Role.OWNER
EDITOR = CourseInstructor.Role.EDITOR
SCRIPT = '<script>alert("x")</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))'


@pytest.fixture
def course(instructor):
    course = course_with_lessons(2, modules=2, title="Fascia basics")
    teach(course, instructor, OWNER)
    return course


@pytest.fixture
def other_instructor(db):
    return UserFactory.create(full_name="Otto Other", is_instructor=True)


def page_urls(course: Course) -> dict[str, str]:
    lesson = course.lessons.order_by("module__position", "position").first()
    module = course.modules.order_by("position").first()
    return {
        "course_edit": reverse("courses:course_edit", args=[course.slug]),
        "lesson_edit": reverse("courses:lesson_edit", args=[course.slug, lesson.slug]),
        "lesson_preview": reverse("courses:lesson_preview", args=[course.slug, lesson.slug]),
        "lesson_delete": reverse("courses:lesson_delete", args=[course.slug, lesson.slug]),
        "module_delete": reverse("courses:module_delete", args=[course.slug, module.pk]),
        "accreditation_add": reverse("courses:accreditation_add", args=[course.slug]),
        "course_delete": reverse("courses:course_delete", args=[course.slug]),
    }


COURSE_PAGES = [
    "course_edit",
    "lesson_edit",
    "lesson_preview",
    "lesson_delete",
    "module_delete",
    "accreditation_add",
    "course_delete",
]


def edit_url(course: Course) -> str:
    return reverse("courses:course_edit", args=[course.slug])


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def titles_in_order(course: Course, module_title: str) -> list[str]:
    module = course.modules.get(title=module_title)
    return list(module.lessons.order_by("position").values_list("title", flat=True))


# --- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize("page", COURSE_PAGES)
def test_course_pages_render_for_the_owner(client, instructor, course, page):
    client.force_login(instructor)
    response = client.get(page_urls(course)[page])
    assert response.status_code == 200
    assert "Fascia basics" in response.content.decode()


@pytest.mark.parametrize("page", COURSE_PAGES)
def test_course_pages_are_404_to_an_instructor_of_another_course(
    client, course, other_instructor, page
):
    teach(course_with_lessons(1), other_instructor, OWNER)
    client.force_login(other_instructor)
    assert client.get(page_urls(course)[page]).status_code == 404


@pytest.mark.parametrize("page", COURSE_PAGES)
def test_course_pages_are_403_to_practitioners(client, practitioner, course, page):
    client.force_login(practitioner)
    assert client.get(page_urls(course)[page]).status_code == 403


@pytest.mark.parametrize("page", COURSE_PAGES)
def test_course_pages_send_anonymous_visitors_to_log_in(client, course, page):
    response = client.get(page_urls(course)[page])
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["teaching", "course_create"])
def test_instructor_pages_render_for_instructors_and_refuse_practitioners(
    client, instructor, practitioner, name
):
    url = reverse(f"courses:{name}")
    client.force_login(instructor)
    assert client.get(url).status_code == 200
    client.force_login(practitioner)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_staff_instructor_page_is_for_staff_only(client, staff_user, instructor):
    url = reverse("courses:staff_instructors")
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
    client.force_login(instructor)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_instructor_status_post_is_refused_to_non_staff(client, instructor, practitioner):
    client.force_login(instructor)

    response = client.post(
        reverse("courses:instructor_status", args=[practitioner.pk]), {"is_instructor": "1"}
    )

    assert response.status_code == 403
    practitioner.refresh_from_db()
    assert practitioner.is_instructor is False


def test_an_editor_cannot_publish_delete_or_manage_instructors(client, other_instructor):
    course = course_with_lessons(1, status=Course.Status.DRAFT)
    teach(course, other_instructor, EDITOR)
    client.force_login(other_instructor)

    page = client.get(edit_url(course)).content.decode()
    publish = client.post(
        reverse("courses:course_status", args=[course.slug]), {"status": "published"}
    )
    delete = client.post(reverse("courses:course_delete", args=[course.slug]))
    add = client.post(
        reverse("courses:course_instructor_add", args=[course.slug]),
        {"email": other_instructor.email, "role": OWNER},
    )

    assert (publish.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert 'value="published"' not in page
    assert "Add a co-instructor" not in page
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert course.instructor_roles.get().role == EDITOR


def test_an_editor_can_change_content(client, other_instructor):
    course = course_with_lessons(1, status=Course.Status.DRAFT)
    teach(course, other_instructor, EDITOR)
    client.force_login(other_instructor)

    response = client.post(
        reverse("courses:module_add", args=[course.slug]), {"title": "Editor's module"}
    )

    assert response.status_code == 302
    assert course.modules.filter(title="Editor's module").exists()


def test_posts_without_a_csrf_token_are_refused(instructor, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)

    response = client.post(reverse("courses:module_add", args=[course.slug]), {"title": "Sneaky"})

    assert response.status_code == 403
    assert not course.modules.filter(title="Sneaky").exists()


def test_every_form_on_the_course_editor_carries_a_csrf_token(client, instructor, course):
    client.force_login(instructor)

    page = client.get(edit_url(course)).content.decode()

    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S)
    assert len(forms) > 10
    assert all("csrfmiddlewaretoken" in form for form in forms)


# --- the staff page ---------------------------------------------------------------------------


def test_staff_search_finds_people_by_name_or_email(client, staff_user):
    UserFactory.create(full_name="Dana Deep", email="dana@example.org")
    UserFactory.create(full_name="Eve Else", email="eve@clinic.example")
    client.force_login(staff_user)

    by_name = client.get(reverse("courses:staff_instructors"), {"q": "deep"}).content.decode()
    by_email = client.get(reverse("courses:staff_instructors"), {"q": "clinic"}).content.decode()

    assert "Dana Deep" in by_name
    assert "Eve Else" not in by_name
    assert "Eve Else" in by_email
    assert "Dana Deep" not in by_email


def test_staff_list_is_paginated(client, staff_user):
    for n in range(30):
        UserFactory.create(full_name=f"Person {n:02d}")
    client.force_login(staff_user)

    first = client.get(reverse("courses:staff_instructors")).content.decode()
    second = client.get(reverse("courses:staff_instructors"), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert "Person 00" in first
    assert "Person 29" not in first
    assert "Person 29" in second


def test_staff_grant_and_withdraw_instructor_status(client, staff_user, practitioner):
    client.force_login(staff_user)
    url = reverse("courses:instructor_status", args=[practitioner.pk])
    back = reverse("courses:staff_instructors") + "?q=priya"

    granted = client.post(url, {"is_instructor": "1", "back": back})
    practitioner.refresh_from_db()
    was_granted = practitioner.is_instructor
    client.post(url, {"is_instructor": "0", "back": back})
    practitioner.refresh_from_db()

    assert granted["Location"] == back
    assert was_granted is True
    assert practitioner.is_instructor is False


def test_staff_cannot_withdraw_the_only_owner_of_a_course(client, staff_user, instructor, course):
    client.force_login(staff_user)

    response = client.post(
        reverse("courses:instructor_status", args=[instructor.pk]),
        {"is_instructor": "0"},
        follow=True,
    )

    instructor.refresh_from_db()
    assert instructor.is_instructor is True
    assert "only owner of “Fascia basics”" in response.content.decode()


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_shows_each_course_with_role_and_counts(client, instructor, practitioner):
    course = course_with_lessons(1, title="Stretching")
    teach(course, instructor, EDITOR)
    enroll(practitioner=practitioner, course=course)
    complete_lesson(practitioner=practitioner, lesson=course.lessons.get())
    Certificate.objects.filter(enrollment__course=course).update(status=Certificate.Status.BLOCKED)
    enroll(practitioner=UserFactory.create(), course=course)
    course_with_lessons(1, title="Not mine")
    client.force_login(instructor)

    page = client.get(reverse("courses:teaching")).content.decode()

    assert "Stretching" in page
    assert "Not mine" not in page
    assert "Editor" in page
    assert re.search(r"Enrolled</dt><dd>2</dd>", page)
    assert re.search(r"Completed</dt><dd>1</dd>", page)
    assert "1 blocked" in page
    assert "0 failed" in page
    assert reverse("courses:certificate_register", args=[course.slug]) in page
    assert reverse("courses:course_create") in page


def test_dashboard_query_count_does_not_grow_with_courses(client, instructor, practitioner):
    client.force_login(instructor)
    url = reverse("courses:teaching")
    first = course_with_lessons(1)
    teach(first, instructor)
    client.get(url)  # warm caches (content types, the session, the user)
    one = count_queries(client, url)
    for _ in range(9):
        more = course_with_lessons(2)
        teach(more, instructor)
        enroll(practitioner=practitioner, course=more)

    ten = count_queries(client, url)

    assert one == ten == 1  # courses with their counts (the user is cached)


# --- creating and editing a course ------------------------------------------------------------


def test_creating_a_course_makes_a_draft_owned_by_the_creator(client, instructor):
    client.force_login(instructor)
    topic = course_with_lessons(0).topic

    response = client.post(
        reverse("courses:course_create"),
        {
            "title": "Sciatica reasoning",
            "summary": "When to refer.",
            "topic": topic.pk,
            "level": "advanced",
            "ce_hours": "1.5",
            "order_required": "on",
            "description": "",
        },
    )

    course = Course.objects.get(title="Sciatica reasoning")
    assert response.status_code == 302
    assert response["Location"] == edit_url(course) + "#structure"
    assert course.status == Course.Status.DRAFT
    assert course.instructor_roles.get().instructor == instructor


def test_create_course_shows_errors_for_wrong_hours(client, instructor):
    client.force_login(instructor)
    topic = course_with_lessons(0).topic

    response = client.post(
        reverse("courses:course_create"),
        {"title": "T", "summary": "S", "topic": topic.pk, "level": "advanced", "ce_hours": "1.2"},
    )

    assert response.status_code == 200
    assert "half-hour steps" in response.content.decode()
    assert not Course.objects.filter(title="T").exists()


def test_saving_course_details_updates_the_course(client, instructor, course):
    client.force_login(instructor)
    basics = course_with_lessons(1, title="Basics first")

    response = client.post(
        edit_url(course),
        {
            "title": "Fascia basics, second edition",
            "summary": "New summary.",
            "topic": course.topic_id,
            "level": "intermediate",
            "ce_hours": "2.5",
            "description": "Some *text*.",
            "prerequisites": [basics.pk],
        },
    )

    course.refresh_from_db()
    assert response.status_code == 302
    assert course.title == "Fascia basics, second edition"
    assert course.ce_hours == Decimal("2.5")
    assert course.order_required is False
    assert list(course.prerequisites.all()) == [basics]


def test_course_editor_preview_renders_a_script_in_the_description_inert(
    client, instructor, course
):
    client.force_login(instructor)

    response = client.post(
        edit_url(course),
        {"action": "preview", "title": course.title, "description": SCRIPT},
    )

    page = response.content.decode()
    preview = page.split('id="id_description_preview"', 1)[1].split("</div>", 1)[0]
    assert response.status_code == 200
    assert "&lt;script&gt;" in preview
    assert executable_parts(preview) == []
    course.refresh_from_db()
    assert course.description == "What the course covers."


def test_markdown_preview_endpoint_returns_sanitised_html(client, instructor, practitioner):
    client.force_login(instructor)

    response = client.post(
        reverse("courses:markdown_preview"), {"source": "body", "body": "**Hi** " + SCRIPT}
    )

    html = response.content.decode()
    assert "<strong>Hi</strong>" in html
    assert executable_parts(html) == []
    client.force_login(practitioner)
    assert client.post(reverse("courses:markdown_preview"), {"body": "x"}).status_code == 403


def test_course_editor_shows_structure_accreditation_warning_and_instructors(
    client, instructor, course
):
    body = AccreditingBody.objects.create(name="NCBTMB")
    Accreditation.objects.create(
        course=course,
        body=body,
        provider_name="Academy",
        provider_number="42",
        provider_contact="a@example.org",
        approved_title="Fascia for beginners",
        approved_hours=course.ce_hours,
        valid_from=date(2020, 1, 1),
    )
    client.force_login(instructor)

    page = client.get(edit_url(course)).content.decode()

    assert "Module 1" in page
    assert "Lesson 2" in page
    assert "Certificates are blocked" in page
    assert "Fascia for beginners" in page
    assert "Imogen Hart" in page
    assert 'data-hx-trigger="keyup changed delay:400ms"' in page
    assert 'aria-live="polite"' in page


def test_course_editor_query_count_does_not_grow_with_lessons(client, instructor):
    small = course_with_lessons(1, modules=1)
    large = course_with_lessons(30, modules=5)
    for course in (small, large):
        teach(course, instructor)
        Accreditation.objects.create(
            course=course,
            body=AccreditingBody.objects.get_or_create(name="NCBTMB")[0],
            provider_name="Academy",
            provider_number="42",
            provider_contact="a@example.org",
            approved_title=course.title,
            approved_hours=course.ce_hours,
            valid_from=date(2020, 1, 1),
        )
    client.force_login(instructor)
    client.get(edit_url(small))

    one = count_queries(client, edit_url(small))
    thirty = count_queries(client, edit_url(large))

    # course, topics, prerequisite choices, chosen prerequisites, modules, lessons,
    # accreditations, instructors, and the two publishing checks (the user is cached)
    assert one == thirty == 10


# --- publishing -------------------------------------------------------------------------------


def test_owner_publishes_a_ready_course(client, instructor):
    course = course_with_lessons(1, status=Course.Status.DRAFT)
    teach(course, instructor)
    client.force_login(instructor)

    response = client.post(
        reverse("courses:course_status", args=[course.slug]), {"status": "published"}
    )

    course.refresh_from_db()
    assert response.status_code == 302
    assert course.status == Course.Status.PUBLISHED


def test_publishing_lists_exactly_what_is_missing(client, instructor):
    course = course_with_lessons(1, status=Course.Status.DRAFT)
    Lesson.objects.filter(course=course).update(kind=Lesson.Kind.QUIZ, title="Check-up")
    teach(course, instructor)
    client.force_login(instructor)

    response = client.post(
        reverse("courses:course_status", args=[course.slug]), {"status": "published"}, follow=True
    )

    page = response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert "Before the course can be published:" in page
    assert "The quiz lesson “Check-up” has no quiz yet" in page


def test_owner_archives_and_returns_a_course_to_draft(client, instructor, course):
    client.force_login(instructor)
    url = reverse("courses:course_status", args=[course.slug])

    client.post(url, {"status": "archived"})
    archived = Course.objects.get(pk=course.pk).status
    client.post(url, {"status": "draft"})

    assert archived == Course.Status.ARCHIVED
    assert Course.objects.get(pk=course.pk).status == Course.Status.DRAFT


# --- the structure tree -----------------------------------------------------------------------


def test_moving_a_lesson_without_javascript_redirects_to_it(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 2")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:lesson_move", args=[course.slug, lesson.slug]), {"direction": "up"}
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(course) + f"#lesson-{lesson.pk}"
    assert titles_in_order(course, "Module 1") == ["Lesson 1", "Lesson 2"]


def test_moving_a_module_with_htmx_returns_the_new_tree(client, instructor, course):
    first = course.modules.get(title="Module 1")
    second = course.modules.get(title="Module 2")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:module_move", args=[course.slug, second.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="structure"')
    assert page.index(f'id="module-{second.pk}"') < page.index(f'id="module-{first.pk}"')
    assert 'data-hx-swap-oob="true"' in page
    assert "Module “Module 2” moved up." in page
    assert "<html" not in page


def test_drag_and_drop_order_is_saved(client, instructor):
    course = course_with_lessons(3)
    teach(course, instructor)
    module = course.modules.get()
    one, two, three = module.lessons.order_by("position")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:structure_reorder", args=[course.slug]),
        {"module": module.pk, "order": [three.pk, one.pk, two.pk]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert titles_in_order(course, "Module 1") == ["Lesson 3", "Lesson 1", "Lesson 2"]


def test_adding_a_module_and_a_lesson(client, instructor, course):
    client.force_login(instructor)

    client.post(reverse("courses:module_add", args=[course.slug]), {"title": "Practice"})
    module = course.modules.get(title="Practice")
    response = client.post(
        reverse("courses:lesson_add", args=[course.slug, module.pk]),
        {"title": "Partner drill", "kind": "practical"},
        headers={"HX-Request": "true"},
    )

    lesson = module.lessons.get()
    assert (lesson.title, lesson.kind, lesson.position) == ("Partner drill", "practical", 0)
    assert f'data-focus="lesson-{lesson.pk}"' in response.content.decode()


def test_renaming_a_module(client, instructor, course):
    module = course.modules.get(title="Module 1")
    client.force_login(instructor)

    client.post(
        reverse("courses:module_rename", args=[course.slug, module.pk]), {"title": "Anatomy"}
    )

    module.refresh_from_db()
    assert module.title == "Anatomy"


def test_a_module_of_another_course_cannot_be_moved_through_this_course(client, instructor, course):
    foreign = course_with_lessons(1, modules=1).modules.get()
    client.force_login(instructor)

    response = client.post(
        reverse("courses:module_move", args=[course.slug, foreign.pk]), {"direction": "down"}
    )

    assert response.status_code == 404


def test_deleting_an_unused_lesson_after_confirmation(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 1")
    client.force_login(instructor)
    url = reverse("courses:lesson_delete", args=[course.slug, lesson.slug])

    confirm = client.get(url).content.decode()
    response = client.post(url)

    assert "Delete the lesson “Lesson 1”?" in confirm
    assert response.status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


def test_deleting_a_completed_lesson_is_refused_and_offers_unpublishing(
    client, instructor, practitioner, course
):
    lesson = course.lessons.get(title="Lesson 1")
    enroll(practitioner=practitioner, course=course)
    complete_lesson(practitioner=practitioner, lesson=lesson)
    client.force_login(instructor)

    response = client.post(reverse("courses:lesson_delete", args=[course.slug, lesson.slug]))
    page = response.content.decode()
    client.post(
        reverse("courses:lesson_publish", args=[course.slug, lesson.slug]), {"published": "0"}
    )

    assert response.status_code == 409
    assert "cannot be deleted" in page
    assert "Unpublish “Lesson 1”" in page
    lesson.refresh_from_db()
    assert lesson.published is False
    assert LessonCompletion.objects.filter(lesson=lesson).exists()


def test_deleting_a_module_after_confirmation(client, instructor, course):
    module = course.modules.get(title="Module 2")
    client.force_login(instructor)

    response = client.post(reverse("courses:module_delete", args=[course.slug, module.pk]))

    assert response.status_code == 302
    assert list(course.modules.values_list("title", "position")) == [("Module 1", 0)]


# --- instructors of a course ------------------------------------------------------------------


def test_adding_a_co_instructor_by_email(client, instructor, other_instructor, course):
    client.force_login(instructor)

    client.post(
        reverse("courses:course_instructor_add", args=[course.slug]),
        {"email": other_instructor.email, "role": EDITOR},
    )

    assert course.instructor_roles.get(instructor=other_instructor).role == EDITOR


def test_adding_a_non_instructor_shows_a_clear_error(client, instructor, practitioner, course):
    client.force_login(instructor)

    response = client.post(
        reverse("courses:course_instructor_add", args=[course.slug]),
        {"email": practitioner.email, "role": EDITOR},
    )

    assert response.status_code == 200
    assert "No instructor uses that e-mail address" in response.content.decode()
    assert course.instructor_roles.count() == 1


def test_the_last_owner_cannot_be_removed(client, instructor, course):
    role = course.instructor_roles.get()
    client.force_login(instructor)

    response = client.post(
        reverse("courses:course_instructor_remove", args=[course.slug, role.pk]), follow=True
    )

    assert "The course needs an owner" in response.content.decode()
    assert CourseInstructor.objects.filter(pk=role.pk).exists()


def test_an_owner_removes_a_co_instructor(client, instructor, other_instructor, course):
    teach(course, other_instructor, EDITOR)
    role = course.instructor_roles.get(instructor=other_instructor)
    client.force_login(instructor)

    client.post(reverse("courses:course_instructor_remove", args=[course.slug, role.pk]))

    assert not course.instructor_roles.filter(instructor=other_instructor).exists()


# --- accreditations ---------------------------------------------------------------------------


def test_adding_editing_and_deleting_an_accreditation(client, instructor, course):
    body = AccreditingBody.objects.create(name="CNHC")
    client.force_login(instructor)
    form = {
        "body": body.pk,
        "provider_name": "Academy",
        "provider_number": "77",
        "provider_contact": "a@example.org",
        "approved_title": course.title,
        "approved_hours": "2",
        "delivery_type": "home_study",
        "valid_from": "2025-01-01",
        "valid_until": "",
    }

    client.post(reverse("courses:accreditation_add", args=[course.slug]), form)
    accreditation = Accreditation.objects.get(course=course)
    client.post(
        reverse("courses:accreditation_edit", args=[course.slug, accreditation.pk]),
        form | {"approved_hours": "3"},
    )
    accreditation.refresh_from_db()
    edited_hours = accreditation.approved_hours
    client.post(reverse("courses:accreditation_delete", args=[course.slug, accreditation.pk]))

    assert edited_hours == Decimal("3")
    assert not Accreditation.objects.exists()


def test_an_accreditation_ending_before_it_starts_is_refused(client, instructor, course):
    body = AccreditingBody.objects.create(name="CNHC")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:accreditation_add", args=[course.slug]),
        {
            "body": body.pk,
            "provider_name": "Academy",
            "provider_number": "77",
            "provider_contact": "a@example.org",
            "approved_title": course.title,
            "approved_hours": "2",
            "delivery_type": "home_study",
            "valid_from": "2025-01-01",
            "valid_until": "2024-01-01",
        },
    )

    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert not Accreditation.objects.exists()


# --- the lesson editor and preview ------------------------------------------------------------


def lesson_form(lesson: Lesson, **overrides: str) -> dict[str, str]:
    values = {
        "title": lesson.title,
        "slug": lesson.slug,
        "kind": lesson.kind,
        "body": lesson.body,
        "video_url": "",
        "transcript": "",
        "safety_notice": "",
        "minutes": "10",
        "required": "on",
    }
    return values | overrides


def test_saving_a_lesson(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 1")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:lesson_edit", args=[course.slug, lesson.slug]),
        lesson_form(lesson, title="Layers", slug="layers", body="## Layers", minutes="15"),
    )

    lesson.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:lesson_edit", args=[course.slug, "layers"])
    assert (lesson.title, lesson.minutes, lesson.body_html) == ("Layers", 15, "<h2>Layers</h2>\n")


def test_lesson_editor_shows_the_video_allow_list_error(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 1")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:lesson_edit", args=[course.slug, lesson.slug]),
        lesson_form(lesson, video_url="https://videos.example.com/watch/1"),
    )

    assert response.status_code == 200
    assert "Videos can only come from YouTube or Vimeo" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.video_url == ""


def test_lesson_editor_refuses_a_slug_taken_in_the_course(client, instructor, course):
    first, second = course.lessons.order_by("module__position", "position")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:lesson_edit", args=[course.slug, second.slug]),
        lesson_form(second, slug=first.slug),
    )

    assert response.status_code == 200
    assert "already uses this slug" in response.content.decode()


def test_lesson_editor_preview_renders_a_script_in_the_body_inert(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 1")
    client.force_login(instructor)

    response = client.post(
        reverse("courses:lesson_edit", args=[course.slug, lesson.slug]),
        lesson_form(lesson, body=SCRIPT, action="preview"),
    )

    page = response.content.decode()
    preview = page.split('id="id_body_preview"', 1)[1].split("</div>", 1)[0]
    assert "&lt;script&gt;" in preview
    assert executable_parts(preview) == []
    lesson.refresh_from_db()
    assert lesson.body == "Some **text**."


def test_lesson_editor_notes_where_quiz_questions_are_edited(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 1")
    Lesson.objects.filter(pk=lesson.pk).update(kind=Lesson.Kind.QUIZ)
    client.force_login(instructor)

    page = client.get(reverse("courses:lesson_edit", args=[course.slug, lesson.slug]))

    assert "Quiz questions are edited in the quiz editor" in page.content.decode()


def test_lesson_editor_query_count_does_not_grow_with_lessons(client, instructor):
    small = course_with_lessons(1)
    large = course_with_lessons(30, modules=3)
    for course in (small, large):
        teach(course, instructor)
    client.force_login(instructor)
    small_url = reverse("courses:lesson_edit", args=[small.slug, small.lessons.first().slug])
    large_url = reverse("courses:lesson_edit", args=[large.slug, large.lessons.last().slug])
    client.get(small_url)

    one = count_queries(client, small_url)
    thirty = count_queries(client, large_url)

    assert one == thirty == 1  # the lesson with its course and module (the user is cached)


def test_preview_as_learner_shows_the_lesson_and_records_nothing(client, instructor, course):
    lesson = course.lessons.get(title="Lesson 1")
    Lesson.objects.filter(pk=lesson.pk).update(
        safety_notice="Stop if it hurts.",
        video_url="https://youtu.be/dQw4w9WgXcQ",
        body_html="<p>Body text</p>",
        published=False,
    )
    client.force_login(instructor)

    response = client.get(reverse("courses:lesson_preview", args=[course.slug, lesson.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview" in page
    assert "Stop if it hurts." in page
    assert "<p>Body text</p>" in page
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in page
    assert "unpublished" in page
    assert not Enrollment.objects.exists()
    assert not LessonCompletion.objects.exists()
