import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from academy.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_totp(secret: str, steps_later: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps_later))


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def enable_totp(client, user) -> str:
    """Log in, confirm the password again as allauth asks, activate TOTP; returns the secret.

    Activates with the previous step's code (within the tolerance): the code that activates is
    used up, and the tests then log in with the current one.
    """
    log_in(client, user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp(secret, -1)})
    assert response.status_code == 302
    return secret


def test_sign_up_sends_verification_email_and_unverified_user_cannot_log_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Person@Example.org",
            "full_name": "  Aoife   Ní Bhriain ",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "new.person@example.org"
    assert user.full_name == "Aoife Ní Bhriain"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body

    client.logout()
    refused = log_in(client, "new.person@example.org", "a-long-and-unusual-passphrase")
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    client.post(link.group(0).split("testserver", 1)[-1])
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_requires_the_name_for_certificates(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "someone@example.org",
            "full_name": "",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.exists()


def test_emails_are_unique_whatever_their_case(practitioner):
    with pytest.raises(IntegrityError):
        User.objects.create_user(email=practitioner.email.upper(), full_name="Copy")


def test_wrong_passwords_are_rate_limited_even_before_the_right_one(client, practitioner):
    for _ in range(5):
        response = log_in(client, practitioner.email, "not-the-password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    response = log_in(client, practitioner.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_correct_password_logs_in(client, practitioner):
    response = log_in(client, practitioner.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(practitioner.pk)


def test_enabling_mfa_then_demands_a_code_at_login(client, practitioner):
    enable_totp(client, practitioner)

    assert Authenticator.objects.filter(user=practitioner, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))
    after_password = log_in(client, practitioner.email)
    assert after_password["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session


def test_mfa_code_logs_in_once_and_cannot_be_replayed(client, practitioner):
    secret = enable_totp(client, practitioner)
    client.post(reverse("account_logout"))
    code = current_totp(secret)

    log_in(client, practitioner.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(practitioner.pk)

    client.post(reverse("account_logout"))
    log_in(client, practitioner.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in client.session


def test_mfa_accepts_the_codes_one_step_either_side_and_nothing_older(client, practitioner):
    # Turned on directly, so that no code has been used yet.
    secret = generate_totp_secret()
    TOTP.activate(practitioner, secret)
    if time.time() % 30 > 27:  # let the step turn now rather than between here and the check
        time.sleep(30.1 - time.time() % 30)
    step = int(time.time()) // 30

    def logs_in_with(counter: int) -> bool:
        client.post(reverse("account_logout"))
        log_in(client, practitioner.email)
        client.post(
            reverse("mfa_authenticate"), {"code": format_hotp_value(hotp_value(secret, counter))}
        )
        return "_auth_user_id" in client.session

    assert not logs_in_with(step - 3)
    assert logs_in_with(step - 1)


def test_recovery_codes_are_offered_after_enabling_mfa(client, practitioner):
    enable_totp(client, practitioner)

    assert Authenticator.objects.filter(
        user=practitioner, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code == 200


def test_practitioner_cannot_reach_staff_pages(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("admin:academy_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_reach_the_user_administration(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:academy_user_changelist")).status_code == 200


@pytest.mark.parametrize("name", ["profile", "account_email", "mfa_index"])
def test_private_pages_send_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["home", "healthz", "account_login", "account_signup"])
def test_public_pages_open_without_logging_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code in {200, 503}


def test_profile_edits_certificate_name_and_memberships(client, practitioner):
    client.force_login(practitioner)
    data = {
        "full_name": "Priya  K. Patel",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "10",
        "memberships-0-body": "CNHC",
        "memberships-0-membership_number": "CN-00123",
    }
    response = client.post(reverse("profile"), data)

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.full_name == "Priya K. Patel"
    assert [(m.body, m.membership_number) for m in practitioner.memberships.all()] == [
        ("CNHC", "CN-00123")
    ]


def test_profile_refuses_a_blank_certificate_name(client, practitioner):
    client.force_login(practitioner)
    data = {
        "full_name": "   ",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "10",
    }
    response = client.post(reverse("profile"), data)
    assert response.status_code == 200
    practitioner.refresh_from_db()
    assert practitioner.full_name == "Priya Patel"


def test_navigation_differs_by_role(client, practitioner, instructor, staff_user):
    anonymous = client.get(reverse("home")).content.decode()
    assert reverse("account_signup") in anonymous
    assert reverse("profile") not in anonymous

    client.force_login(practitioner)
    page = client.get(reverse("home")).content.decode()
    assert reverse("profile") in page
    assert reverse("admin:index") not in page
    assert "Instructor</span>" not in page

    client.force_login(instructor)
    assert "Instructor</span>" in client.get(reverse("home")).content.decode()

    client.force_login(staff_user)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_unverified_factory_user_is_asked_to_verify(client):
    user = UserFactory.create(verified_email=False)
    response = log_in(client, user.email)
    assert response["Location"] == reverse("account_email_verification_sent")


def test_sign_ups_from_one_address_are_rate_limited(client):
    statuses = [
        client.post(
            reverse("account_signup"),
            {
                "email": f"flood{n}@example.org",
                "full_name": "Flood",
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        ).status_code
        for n in range(21)
    ]

    assert 429 not in statuses[:20]
    assert statuses[20] == 429


def test_password_reset_requests_for_one_address_are_rate_limited(client, practitioner):
    statuses = [
        client.post(reverse("account_reset_password"), {"email": practitioner.email}).status_code
        for _ in range(6)
    ]

    assert 429 not in statuses[:5]
    assert statuses[5] == 429
