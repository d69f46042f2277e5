import re

import pytest
from django.core import mail

from courses.models import Course, Enrollment, LessonCompletion
from courses.services.enrollment import enroll
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.factories import PASSWORD, UserFactory, course_with_lessons, teach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_course():
    instructor = UserFactory.create(full_name="Imogen Hart", is_instructor=True)
    course = course_with_lessons(
        3, modules=2, title="Fascia: what it is and why muscles tighten", slug="fascia"
    )
    lesson = course.lessons.first()
    lesson.body = "## The film around every fibre\n\nFascia wraps each **fibre** and the muscle."
    lesson.safety_notice = "Stop on sharp or shooting pain and see a doctor."
    lesson.save()
    teach(course, instructor)
    return course


def test_new_practitioner_signs_up_verifies_enrols_and_completes_lessons(page, demo_course):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("new.learner@example.org")
    page.get_by_label("Full name").fill("Niamh O'Connor")
    page.get_by_label(re.compile(r"^Password\W*$")).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/confirm-email/")
    screenshot(page, "journey-1-verify-sent")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="Courses").first.click()
    page.get_by_role("link", name=demo_course.title).click()
    screenshot(page, "journey-2-course")
    page.get_by_role("button", name="Enrol on this course").click()
    page.wait_for_url(f"**/courses/fascia/{demo_course.lessons.first().slug}/")
    assert page.get_by_text("Stop on sharp or shooting pain").is_visible()
    screenshot(page, "journey-3-lesson")

    url_before = page.url
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You have completed this lesson").wait_for()
    assert page.url == url_before  # htmx swapped the fragment, no navigation
    assert "1 of 3 required lessons done" in page.locator("#outline").inner_text()
    screenshot(page, "journey-4-completed")

    for _ in range(2):
        page.get_by_role("link", name=re.compile("^Next lesson")).click()
        page.get_by_role("button", name="Mark as complete").click()
        page.get_by_text("You have completed this lesson").wait_for()
    assert page.get_by_text("Course complete").is_visible()

    page.get_by_role("link", name="My learning").click()
    assert "Completed on" in page.locator("main").inner_text()
    screenshot(page, "journey-5-dashboard")
    enrollment = Enrollment.objects.get(practitioner__email="new.learner@example.org")
    assert enrollment.completed_at is not None
    assert LessonCompletion.objects.filter(enrollment=enrollment).count() == 3


def test_mark_as_complete_works_without_javascript(browser, live_server, demo_course):
    user = UserFactory.create()
    enroll(practitioner=user, course=demo_course)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    first, second, _third = demo_course.lessons.all()

    page.goto(f"/courses/fascia/{first.slug}/")
    page.get_by_role("button", name="Mark as complete").click()

    page.wait_for_url(f"**/courses/fascia/{second.slug}/")
    assert LessonCompletion.objects.filter(lesson=first).exists()
    context.close()


def test_key_learner_pages_have_no_serious_accessibility_violations(
    axe_page, axe_source, demo_course
):
    draft = course_with_lessons(1, title="Draft", status=Course.Status.DRAFT, slug="draft")
    assert draft.status == "draft"
    user = UserFactory.create()
    enroll(practitioner=user, course=demo_course)
    anonymous_pages = ["/", "/courses/", "/accounts/login/", "/accounts/signup/"]
    findings = {}
    for path in anonymous_pages:
        axe_page.goto(path)
        findings[path] = serious_violations(axe_page, axe_source)
    log_in(axe_page, user)
    lesson = demo_course.lessons.first()
    for path in [
        "/courses/",
        "/courses/fascia/",
        f"/courses/fascia/{lesson.slug}/",
        f"/courses/fascia/{demo_course.lessons.last().slug}/",  # locked
        "/learning/",
        "/profile/",
        "/accounts/2fa/",
        "/accounts/email/",
    ]:
        axe_page.goto(path)
        findings[f"{path} (logged in)"] = serious_violations(axe_page, axe_source)

    assert {path: found for path, found in findings.items() if found} == {}


def test_axe_check_itself_finds_a_serious_violation(axe_page, axe_source, live_server):
    axe_page.goto("/")
    axe_page.evaluate(
        "() => document.querySelector('main').append(document.createElement('input'))"
    )
    assert any("label" in finding for finding in serious_violations(axe_page, axe_source))
