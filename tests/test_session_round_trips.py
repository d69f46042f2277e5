"""With Redis, a logged-in request reads its session and its user in one round trip
(academy/auth.py), and every change to the account still shows on the next request, whichever
process made it: the entries read are the shared ones that `forget_user` deletes."""

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from academy.auth import SessionStore
from academy.models import User

pytestmark = pytest.mark.django_db

LEARNING = reverse("courses:learning")


@pytest.fixture
def redis_cache(redis_url: str) -> RedisCache:
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.fail("REDIS_URL is set but the default cache is not Redis")
    return backend


def _text(arg: object) -> str:
    return arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The Redis commands sent, in order, with their arguments (each one a round trip)."""
    sent: list[tuple[str, ...]] = []
    real = redis.Redis.execute_command

    def counting(self: redis.Redis, *args: object, **options: object) -> object:
        sent.append(tuple(_text(a) for a in args))
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


def test_a_logged_in_page_reads_session_and_user_in_one_round_trip(
    redis_cache, commands, client, practitioner
):
    client.force_login(practitioner)
    client.get(LEARNING)  # the user is now cached
    commands.clear()

    response = client.get(reverse("profile"))

    assert response.status_code == 200
    session_key = redis_cache.make_and_validate_key(
        SessionStore().cache_key_prefix + client.cookies["sessionid"].value
    )
    user_key = redis_cache.make_and_validate_key(f"user:{practitioner.pk}")
    reading_them = [c for c in commands if session_key in c or user_key in c or "EVAL" in c[0]]
    assert [c[0] for c in reading_them] == ["EVALSHA"], commands
    assert session_key in reading_them[0]


def test_the_user_read_with_the_session_is_the_shared_cached_row(redis_cache, client, practitioner):
    client.force_login(practitioner)
    client.get(LEARNING)

    store = SessionStore(client.cookies["sessionid"].value)
    store.load()

    assert store.prefetched_user is not None
    user_id, user = store.prefetched_user
    assert user_id == str(practitioner.pk)
    assert user == practitioner
    redis_cache.delete(f"user:{practitioner.pk}")  # what forget_user does on every save
    store = SessionStore(client.cookies["sessionid"].value)
    store.load()
    assert store.prefetched_user == (str(practitioner.pk), None)


def test_a_session_cached_without_its_users_id_gets_it_on_the_next_read(
    redis_cache, client, practitioner
):
    client.force_login(practitioner)
    key = client.cookies["sessionid"].value
    redis_cache.delete(SessionStore(key)._uid_key(key))
    client.get(LEARNING)  # read as before, and the id written beside the session

    store = SessionStore(key)
    store.load()
    assert store.prefetched_user is not None
    assert store.prefetched_user[0] == str(practitioner.pk)


def test_the_id_beside_a_session_goes_with_it(redis_cache, client, practitioner):
    client.force_login(practitioner)
    key = client.cookies["sessionid"].value
    assert redis_cache.get(SessionStore(key)._uid_key(key)) == practitioner.pk

    client.post(reverse("account_logout"))

    assert redis_cache.get(SessionStore(key)._uid_key(key)) is None


def test_account_changes_show_on_the_next_request_with_the_user_read_with_the_session(
    redis_cache, client, practitioner
):
    teaching = reverse("courses:teaching")
    client.force_login(practitioner)
    assert f'href="{teaching}"' not in client.get(LEARNING).content.decode()

    # Another process changes the row: the shared entry is dropped, as every save drops it.
    User.objects.filter(pk=practitioner.pk).update(is_instructor=True)
    redis_cache.delete(f"user:{practitioner.pk}")
    assert f'href="{teaching}"' in client.get(LEARNING).content.decode()

    practitioner.refresh_from_db()
    practitioner.set_password("a-new-long-passphrase-42")
    practitioner.save()
    assert client.get(LEARNING).status_code == 302
    assert SESSION_KEY not in client.session
