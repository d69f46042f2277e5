import re

import pytest
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_home_page_for_anonymous_visitors_makes_no_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Continuing education" in response.content.decode()


def test_home_page_for_a_practitioner_has_a_fixed_query_count(
    client, practitioner, django_assert_num_queries
):
    client.force_login(practitioner)
    with django_assert_num_queries(1):  # user (the session is read from the cache)
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_profile_page_query_count_does_not_grow_with_memberships(
    client, practitioner, django_assert_num_queries
):
    client.force_login(practitioner)
    for n in range(6):
        practitioner.memberships.create(body=f"Body {n}", membership_number=str(n))
    with django_assert_num_queries(2):  # user, memberships (the session comes from the cache)
        response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert response.content.decode().count('name="memberships-') > 6 * 2


def test_every_page_carries_the_safety_disclaimer_and_landmarks(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "not medical advice" in page
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in page


def test_responses_carry_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_state_changing_forms_carry_a_csrf_token(client, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("profile")).content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page, re.S)
    assert forms
    assert all("csrfmiddlewaretoken" in form for form in forms)


def test_csrf_is_enforced_on_profile_updates(practitioner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    response = client.post(reverse("profile"), {"full_name": "Changed"})
    assert response.status_code == 403
    practitioner.refresh_from_db()
    assert practitioner.full_name == "Priya Patel"


# --- colour contrast of the stylesheet's palette -------------------------------------------


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def palette() -> dict[str, str]:
    css = (ROOT / "static" / "css" / "site.css").read_text()
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))


def test_contrast_helper_knows_black_on_white():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        ("text", "bg"),
        ("text", "surface"),
        ("muted", "bg"),
        ("muted", "surface"),
        ("primary", "bg"),
        ("primary", "surface"),
        ("on-primary", "primary"),
        ("on-primary", "primary-dark"),
        ("accent", "surface"),
        ("error-text", "error-bg"),
        ("success-text", "success-bg"),
    ],
)
def test_palette_text_pairs_meet_wcag_aa(foreground, background):
    colours = palette()
    assert contrast(colours[foreground], colours[background]) >= 4.5


def test_focus_ring_stands_out_from_the_background():
    colours = palette()
    assert contrast(colours["focus"], colours["bg"]) >= 3.0
    assert contrast(colours["focus"], colours["surface"]) >= 3.0
