import pytest

from courses.models import LessonCompletion, ReviewWhen
from courses.services.enrollment import enroll
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.factories import UserFactory, course_with_lessons, quiz_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def learner_with_quiz():
    user = UserFactory.create()
    course = course_with_lessons(1, slug="fascia", title="Fascia basics")
    quiz = quiz_for(
        course.lessons.get(),
        questions=3,
        pass_mark=60,
        attempts_allowed=3,
        shuffle_questions=False,
        shuffle_choices=False,
        review_marks=ReviewWhen.IMMEDIATELY,
        review_answers=ReviewWhen.AFTER_PASS,
    )
    enroll(practitioner=user, course=course)
    return user, quiz


def test_practitioner_fails_reviews_retries_passes_and_the_lesson_completes(
    page, learner_with_quiz
):
    user, quiz = learner_with_quiz
    log_in(page, user)
    page.goto(f"/courses/fascia/{quiz.lesson.slug}/")
    page.get_by_role("button", name="Start the quiz").click()
    for n in range(3):
        page.get_by_label(f"wrong {n}", exact=True).check()
    page.get_by_text("Saved").first.wait_for()  # htmx autosave
    screenshot(page, "quiz-1-attempt")
    page.get_by_role("button", name="Submit answers").click()

    assert page.get_by_role("heading", name="Not passed yet").is_visible()
    assert "right answer" not in page.locator("main").inner_text()  # answers only after a pass
    screenshot(page, "quiz-2-failed")
    page.get_by_role("button", name="Try again").click()

    for n in range(3):
        page.get_by_label(f"right {n}", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    assert page.get_by_role("heading", name="Passed", exact=True).is_visible()
    assert "YES-FB-0" in page.locator("main").inner_text()
    screenshot(page, "quiz-3-passed")

    page.get_by_role("link", name="Back to the lesson").click()
    assert page.get_by_text("Passed: this lesson is complete.").is_visible()
    assert LessonCompletion.objects.filter(lesson=quiz.lesson).exists()


def test_quiz_can_be_answered_with_the_keyboard_alone(page, learner_with_quiz):
    user, quiz = learner_with_quiz
    log_in(page, user)
    page.goto(f"/courses/fascia/{quiz.lesson.slug}/")
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/attempts/*/")

    page.get_by_label("right 0", exact=True).focus()
    page.keyboard.press("Space")
    for n in (1, 2):
        page.keyboard.press("Tab")  # into the next question's radio group
        while page.evaluate("document.activeElement.type") != "radio":
            page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.labels[0].textContent.trim()") != (
            f"right {n}"
        ):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
    page.get_by_role("button", name="Submit answers").focus()
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Passed", exact=True).wait_for()
    assert "100%" in page.locator("main").inner_text()


def test_quiz_pages_have_no_serious_accessibility_violations(
    axe_page, axe_source, learner_with_quiz
):
    user, quiz = learner_with_quiz
    log_in(axe_page, user)
    axe_page.goto(f"/courses/fascia/{quiz.lesson.slug}/")
    findings = {"lesson with quiz": serious_violations(axe_page, axe_source)}
    axe_page.get_by_role("button", name="Start the quiz").click()
    findings["attempt"] = serious_violations(axe_page, axe_source)
    axe_page.get_by_role("button", name="Submit answers").click()
    findings["result"] = serious_violations(axe_page, axe_source)

    assert {k: v for k, v in findings.items() if v} == {}
