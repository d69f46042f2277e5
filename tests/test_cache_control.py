"""No shared cache, and no browser after logout, keeps a page that belongs to one visitor."""

import pytest
from django.urls import reverse

from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def assert_private_and_not_stored(response) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


@pytest.mark.parametrize("name", ["home", "courses:catalog", "profile", "courses:learning"])
def test_logged_in_pages_are_private_and_not_stored(client, practitioner, name):
    client.force_login(practitioner)
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_private_and_not_stored(response)


def test_a_course_page_of_a_logged_in_practitioner_is_private_and_not_stored(client, practitioner):
    course = CourseFactory.create()
    client.force_login(practitioner)
    response = client.get(course.get_absolute_url())
    assert_private_and_not_stored(response)


@pytest.mark.parametrize("name", ["home", "courses:catalog"])
def test_public_pages_for_anonymous_visitors_stay_cacheable(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_anonymous_pages_with_a_csrf_form_are_private_and_not_stored(client, name):
    response = client.get(reverse(name))

    assert "csrfmiddlewaretoken" in response.content.decode()
    assert_private_and_not_stored(response)


def test_a_page_the_view_marks_public_keeps_its_header_for_logged_in_users(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("courses:jwks"))
    assert response["Cache-Control"] == "public, max-age=3600"


def test_never_cache_responses_keep_their_own_header(client, practitioner):
    client.force_login(practitioner)
    control = client.get(reverse("healthz"))["Cache-Control"]
    assert "no-store" in control
    assert "private" in control


def test_static_files_keep_whitenoise_caching_for_logged_in_users(client, practitioner):
    client.force_login(practitioner)
    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


# --- The static manifest ----------------------------------------------------------------------


@pytest.mark.parametrize("autorefresh", [False, True])
def test_the_static_manifest_is_not_served_but_the_files_are(
    client, settings, tmp_path, autorefresh
):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "collected.css").write_text("body { margin: 0 }")
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/collected.css": "x"}}')
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_AUTOREFRESH = autorefresh

    assert client.get("/static/staticfiles.json").status_code == 404
    assert client.get("/static/css/collected.css").status_code == 200
