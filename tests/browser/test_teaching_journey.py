"""The instructor's side end to end, in the browser: author and publish a course with a GIFT quiz
and a practical assessment, a practitioner completes it (sign-off included), the certificate is
issued, the instructor sees the completion and the item statistics and revokes the certificate,
and the public verification page says so."""

import pytest
from django.utils.text import slugify

from courses.models import Certificate, Course, Lesson
from tests.browser.conftest import log_in, screenshot
from tests.factories import TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = """::Breath::Slow breathing out helps a client relax into a stretch. {T}

::Pain::A sharp, shooting pain during a stretch means:{
=stop and see a doctor
~push a little further
~hold it for longer
}
"""


def test_instructor_builds_a_course_a_practitioner_completes_it_and_the_certificate_is_revoked(
    browser, live_server
):
    TopicFactory.create(slug="teaching", name="Teaching methods")
    instructor = UserFactory.create(full_name="Imogen Hart", is_instructor=True)
    learner = UserFactory.create(full_name="Priya Patel")

    def new_page():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        return context.new_page()

    teacher = new_page()
    log_in(teacher, instructor)
    teacher.get_by_role("link", name="Teaching").click()
    teacher.get_by_role("link", name="New course").first.click()
    teacher.get_by_label("Title").fill("Breathing into a stretch")
    teacher.get_by_label("Summary").fill("Coach breathing so stretching feels relevant.")
    teacher.get_by_label("Topic").select_option(label="Teaching methods")
    teacher.get_by_label("CE hours").fill("1.5")
    teacher.get_by_label("Description").fill("Why the **breath** matters.")
    teacher.get_by_role("button", name="Create draft course").click()
    course = Course.objects.get(title="Breathing into a stretch")

    teacher.get_by_label("New module title").fill("Breath and stretch")
    teacher.get_by_role("button", name="Add module").click()
    lessons = [
        ("Why the breath helps", "reading"),
        ("Check your understanding", "quiz"),
        ("Coach a breath with a stretch", "practical"),
    ]
    for title, kind in lessons:
        if not teacher.get_by_label("Lesson title").is_visible():
            teacher.locator("summary", has_text="Add a lesson").first.click()
        teacher.get_by_label("Lesson title").fill(title)
        teacher.get_by_label("Kind").select_option(kind)
        teacher.get_by_role("button", name="Add lesson").click()
        teacher.get_by_text(title).first.wait_for()
    assert course.lessons.count() == 3

    quiz_lesson = Lesson.objects.get(course=course, kind="quiz")
    teacher.goto(f"/teach/courses/{course.slug}/{quiz_lesson.slug}/quiz/import/")
    teacher.get_by_label("Paste GIFT text").fill(QUIZ)
    teacher.get_by_role("button", name="Preview").click()
    teacher.get_by_role("button", name="Import 2 questions").click()
    teacher.goto(f"/teach/courses/{course.slug}/")
    teacher.get_by_role("button", name="Publish", exact=True).click()
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED, teacher.locator("main").inner_text()
    screenshot(teacher, "teaching-1-published")

    student = new_page()
    log_in(student, learner)
    student.goto(f"/courses/{course.slug}/")
    student.get_by_role("button", name="Enrol").click()
    student.goto(f"/courses/{course.slug}/{slugify('Why the breath helps')}/")
    student.get_by_role("button", name="Mark as complete").click()
    student.get_by_text("You have completed this lesson.").wait_for()
    student.goto(f"/courses/{course.slug}/{quiz_lesson.slug}/")
    student.get_by_role("button", name="Start the quiz").click()
    student.get_by_label("True", exact=True).check()
    student.get_by_label("stop and see a doctor").check()
    student.get_by_role("button", name="Submit answers").click()
    student.get_by_role("heading", name="Passed", exact=True).wait_for()
    practical = Lesson.objects.get(course=course, kind="practical")
    student.goto(f"/courses/{course.slug}/{practical.slug}/")
    student.get_by_label("Note for the instructor").fill("Free on Thursday evenings")
    student.get_by_role("button", name="Request sign-off").click()
    student.get_by_text("You asked for sign-off").wait_for()

    teacher.goto("/teach/sign-offs/")
    teacher.get_by_label("What you assessed").fill("Coached exhale into a figure-four stretch.")
    teacher.get_by_role("button", name="Sign off").click()
    teacher.get_by_text("Nobody is waiting").wait_for()

    certificate = Certificate.objects.get(enrollment__course=course)
    assert certificate.status == Certificate.Status.ISSUED
    student.goto("/certificates/")
    assert certificate.code in student.locator("main").inner_text()

    teacher.goto(f"/teach/courses/{course.slug}/insight/")
    assert "100%" in teacher.locator("main").inner_text()  # one enrolled, one completed
    teacher.goto(f"/teach/courses/{course.slug}/{quiz_lesson.slug}/quiz/statistics/")
    statistics = teacher.locator("main").inner_text()
    assert "Slow breathing out" in statistics
    screenshot(teacher, "teaching-2-statistics")

    teacher.goto(f"/teach/courses/{course.slug}/certificates/")
    teacher.get_by_label("Reason to revoke").fill("Assessment recorded against the wrong person")
    teacher.get_by_role("button", name="Revoke").click()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED

    public = new_page()
    public.goto(f"/verify/{certificate.code}/")
    verdict = public.locator("main").inner_text()
    assert "Revoked." in verdict
    assert "Assessment recorded against the wrong person" in verdict
    screenshot(public, "teaching-3-revoked")
