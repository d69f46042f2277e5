"""axe-core in Chromium on every page of the tour: what practitioners, instructors, staff and the
public use, account pages included. No serious or critical violations."""

import pytest
from django.test import Client

from tests.browser.conftest import serious_violations
from tests.site_tour import build_tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_of_the_tour_has_no_serious_accessibility_violations(
    browser, live_server, axe_source
):
    tour = build_tour()
    contexts = {}
    for who, user in [(None, None), *tour.people.items()]:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts[who] = context.new_page()

    findings = {}
    for label, who, path in tour.pages:
        page = contexts[who]
        response = page.goto(path)
        assert response is not None, (label, path)
        assert response.status == 200, (label, path)
        found = serious_violations(page, axe_source)
        if found:
            findings[label] = found

    assert findings == {}
    assert len(tour.pages) >= 30
