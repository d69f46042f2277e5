import pytest

from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    screenshot(page, "home-desktop")


def test_practitioner_logs_in_with_the_keyboard_alone(page):
    user = UserFactory.create(full_name="Keyboard Kim")
    page.goto("/accounts/login/")

    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.name") != "login":
        page.keyboard.press("Tab")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url("**/")
    assert "Keyboard Kim" in page.locator("header").inner_text()


def test_home_page_reads_well_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/")

    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
    assert page.locator("h1").is_visible()
    screenshot(page, "home-phone")
    context.close()


def test_no_content_security_policy_violations_on_account_pages(page):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    for path in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    screenshot(page, "password-reset")
    assert violations == []
