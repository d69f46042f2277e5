"""The logged-in user comes from the cache (academy/auth.py); every change to the account still
takes effect on the next request."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LEARNING = reverse("courses:learning")


def user_reads(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum('FROM "academy_user"' in q["sql"] for q in queries)


def test_a_logged_in_page_reads_the_user_row_once_then_from_the_cache(client, practitioner):
    client.force_login(practitioner)
    assert user_reads(client, LEARNING) == 1
    assert user_reads(client, LEARNING) == 0
    assert client.session[BACKEND_SESSION_KEY] == "academy.auth.ModelBackend"


def test_logging_in_through_the_form_uses_the_caching_backend(client, practitioner):
    client.post(reverse("account_login"), {"login": practitioner.email, "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY].startswith("academy.auth.")
    client.get(LEARNING)
    assert user_reads(client, LEARNING) == 0


def test_a_deactivated_account_is_logged_out_on_its_next_request(client, practitioner):
    client.force_login(practitioner)
    client.get(LEARNING)  # the user is now cached

    practitioner.is_active = False
    practitioner.save()

    response = client.get(LEARNING)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_changed_password_ends_the_accounts_other_sessions(practitioner):
    elsewhere = Client()
    elsewhere.force_login(practitioner)
    assert elsewhere.get(LEARNING).status_code == 200

    practitioner.set_password("a-new-long-passphrase-42")
    practitioner.save()

    assert elsewhere.get(LEARNING).status_code == 302


def test_a_new_role_shows_on_the_next_request(client, practitioner):
    teaching = reverse("courses:teaching")
    client.force_login(practitioner)
    assert f'href="{teaching}"' not in client.get(LEARNING).content.decode()

    practitioner.is_instructor = True
    practitioner.save()

    assert f'href="{teaching}"' in client.get(LEARNING).content.decode()


def test_an_entry_stored_from_the_old_row_during_the_save_is_dropped_at_commit(
    client, practitioner, django_capture_on_commit_callbacks
):
    client.force_login(practitioner)
    client.get(LEARNING)
    stale = cache.get(f"user:{practitioner.pk}")
    assert stale is not None

    with django_capture_on_commit_callbacks(execute=True):
        User.objects.get(pk=practitioner.pk).save()
        cache.set(f"user:{practitioner.pk}", stale)  # a concurrent request that read the old row

    assert cache.get(f"user:{practitioner.pk}") is None
