"""The second factor holds on every way in: the admin's login, and a TOTP code used twice."""

import re
import threading
import time

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.urls import reverse

from academy.mfa import claim_totp_step
from academy.models import TotpLastStep
from tests.factories import PASSWORD, UserFactory
from tests.test_accounts import current_totp, enable_totp, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mid_step() -> None:
    """Keeps the test clear of a step boundary, so 'this step' and 'the next' stay what they say."""
    if time.time() % 30 > 20:
        time.sleep(30.1 - time.time() % 30)


def code_logs_in(client, user, code: str) -> bool:
    client.post(reverse("account_logout"))
    after_password = log_in(client, user.email)
    assert after_password["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": code})
    return client.session.get("_auth_user_id") == str(user.pk)


# --- The admin's login ------------------------------------------------------------------------


def test_admin_login_with_the_password_alone_does_not_log_in_staff_with_totp(client, staff_user):
    enable_totp(client, staff_user)
    client.post(reverse("account_logout"))

    response = client.post(
        reverse("admin:login"),
        {"username": staff_user.email, "password": PASSWORD, "next": reverse("admin:index")},
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("admin:academy_user_changelist")).status_code == 302


def test_staff_reach_the_admin_through_the_site_login_and_their_code(client, staff_user, mid_step):
    secret = enable_totp(client, staff_user)
    client.post(reverse("account_logout"))

    to_admin_login = client.get(reverse("admin:index"))
    to_site_login = client.get(to_admin_login["Location"])
    assert to_site_login["Location"].startswith(reverse("account_login"))
    after_password = client.post(
        to_site_login["Location"],
        {"login": staff_user.email, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert after_password["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    after_code = client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})

    assert after_code["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:academy_user_changelist")).status_code == 200


def test_wrong_passwords_at_the_admin_login_meet_the_site_login_limit(client, staff_user):
    for _ in range(15):
        response = client.post(
            reverse("admin:login"), {"username": staff_user.email, "password": "not-it"}
        )
        # No form of its own that checks a password: every attempt is sent to the site's login.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    for _ in range(5):
        log_in(client, staff_user.email, "not-it")

    response = log_in(client, staff_user.email)

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_logged_in_non_staff_are_refused_by_the_admin_login(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("admin:login")).status_code == 403


# --- A TOTP code works once -------------------------------------------------------------------


def test_a_code_replayed_in_its_own_step_is_refused(client, practitioner, mid_step):
    secret = enable_totp(client, practitioner)

    assert code_logs_in(client, practitioner, current_totp(secret))
    assert not code_logs_in(client, practitioner, current_totp(secret))


def test_an_earlier_steps_code_within_the_tolerance_is_refused_after_a_later_one(
    client, practitioner, mid_step
):
    secret = enable_totp(client, practitioner)

    assert code_logs_in(client, practitioner, current_totp(secret, 1))
    # Both still inside MFA_TOTP_TOLERANCE, and never used, but older than the one accepted.
    assert not code_logs_in(client, practitioner, current_totp(secret))
    assert not code_logs_in(client, practitioner, current_totp(secret, -1))


def test_a_replay_reaching_another_process_is_refused(client, practitioner, settings, mid_step):
    secret = enable_totp(client, practitioner)
    code = current_totp(secret)
    assert code_logs_in(client, practitioner, code)

    # A second process without Redis: its own, empty local-memory cache (sessions included).
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p2"},
    }
    assert isinstance(caches["default"], LocMemCache)
    assert not code_logs_in(client, practitioner, code)


def test_the_next_steps_code_is_accepted_after_one_was_used(client, practitioner, mid_step):
    secret = enable_totp(client, practitioner)

    assert code_logs_in(client, practitioner, current_totp(secret))
    assert code_logs_in(client, practitioner, current_totp(secret, 1))


def test_the_code_that_turned_totp_on_does_not_also_log_in(client, practitioner, mid_step):
    secret = enable_totp(client, practitioner)  # activated with the previous step's code

    assert not code_logs_in(client, practitioner, current_totp(secret, -1))
    assert TotpLastStep.objects.get(user=practitioner).step == int(time.time()) // 30 - 1


def test_a_step_is_claimed_once_by_sequential_callers():
    user = UserFactory.create()

    assert claim_totp_step(user_id=user.pk, step=100)
    assert not claim_totp_step(user_id=user.pk, step=100)
    assert not claim_totp_step(user_id=user.pk, step=99)
    assert claim_totp_step(user_id=user.pk, step=101)


@pytest.mark.django_db(transaction=True)
def test_two_processes_racing_on_one_code_accept_it_once(require_postgres):
    user = UserFactory.create()
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def claim() -> None:
        try:
            barrier.wait()
            results.append(claim_totp_step(user_id=user.pk, step=11))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 7 + [True]


def test_a_password_reset_does_not_log_in_past_the_second_factor(client, practitioner):
    enable_totp(client, practitioner)
    client.post(reverse("account_logout"))
    mail.outbox.clear()

    client.post(reverse("account_reset_password"), {"email": practitioner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    new_password = "another-long-unusual-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )

    assert done.status_code == 302
    assert "_auth_user_id" not in client.session
    after_password = log_in(client, practitioner.email, new_password)
    assert after_password["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_code_used_to_log_in_does_not_also_re_authenticate(client, practitioner, mid_step):
    secret = enable_totp(client, practitioner)
    code = current_totp(secret)
    assert code_logs_in(client, practitioner, code)

    refused = client.post(reverse("mfa_reauthenticate"), {"code": code})
    accepted = client.post(reverse("mfa_reauthenticate"), {"code": current_totp(secret, 1)})

    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert accepted.status_code == 302
