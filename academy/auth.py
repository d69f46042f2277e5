"""The logged-in user of each request, read from the cache rather than the database.

Django loads the user named in the session on every request; here that row comes from the
default cache (Redis in production, shared by every process) and the database is read only on a
miss. Any save or deletion of the user drops the entry, at once and again after the commit, so a
deactivated account, a changed password (which also ends other sessions through the session's
auth hash) or a new role takes effect on the next request. An update that bypasses save() is
seen within USER_CACHE_SECONDS. Without REDIS_URL the cache is each process's own, which suits
only the one-process first-run server, as it does for the sessions.

With Redis, a logged-in request reads its session and its user in one round trip: the session
engine (`SessionStore` below, SESSION_ENGINE = "academy.auth") keeps beside each cached session
the id of its user, and loads the session, that id and the user's cached row with one Lua script.
The keys are those every process reads and invalidates, so nothing about invalidation changes:
the script reads at once what two GETs read one after the other.
"""

import logging
from contextvars import ContextVar
from functools import partial
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from academy.models import User

USER_CACHE_SECONDS = 300
logger = logging.getLogger("django.contrib.sessions")

# (user id, the user's cached row or None on a miss) read with the session, for the one
# `get_user` call of the request that loaded it; unset anywhere else.
_prefetched: ContextVar[tuple[str, Any] | None] = ContextVar("prefetched_user", default=None)


def _key(user_id: Any) -> str:
    return f"user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id: Any) -> Any:
        key = _key(user_id)
        prefetched = _prefetched.get()
        if prefetched is not None and prefetched[0] == str(user_id):
            user = prefetched[1]
        else:
            user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)  # type: ignore[misc]
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
        return user


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_user(sender: type, instance: User, **kwargs: Any) -> None:
    key = _key(instance.pk)
    cache.delete(key)
    # A request that read the old row before this transaction commits may store it again.
    transaction.on_commit(partial(cache.delete, key))


# KEYS: the cached session, the id of its user; ARGV: the user key without the id. Returns the
# session, the id and the user's row, each false when absent.
_SESSION_AND_USER = """
local session = redis.call('GET', KEYS[1])
if not session then return {false, false, false} end
local user_id = redis.call('GET', KEYS[2])
if not user_id then return {session, false, false} end
return {session, user_id, redis.call('GET', ARGV[1] .. user_id)}
"""


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions, with the user's id kept beside each cached session (under
    the session's key plus ":uid", for as long as the session) so that the session and the
    cached user are read together. Written only when the session is, so a request pays nothing
    more; a session cached without the id (or a cache other than Redis) is read as before."""

    prefetched_user: tuple[str, Any] | None = None
    # Set by cached_db's __init__ and SessionBase (annotations only: the stubs leave them out).
    _cache: Any
    _session: dict[str, Any]

    def _uid_key(self, session_key: str) -> str:
        return f"{self.cache_key_prefix}{session_key}:uid"

    def load(self) -> dict[str, Any]:
        if not isinstance(self._cache, RedisCache) or not self.session_key:
            return super().load()
        try:
            data, user_id, user = self._read_with_user()
        except Exception:
            logger.exception("Error reading the session from the cache (%s)", self._cache)
            return super().load()
        if data is None:
            data = super().load()  # from the database, and cached again
        if user_id is None:
            if SESSION_KEY in data:  # cached before the id was kept beside it
                self._remember_user(data, self.get_expiry_age(expiry=data.get("_session_expiry")))
        elif str(data.get(SESSION_KEY)) == user_id:
            self.prefetched_user = (user_id, user)
        return data

    def _read_with_user(self) -> tuple[Any, str | None, Any]:
        """(the cached session, its user's id, the user's cached row): one round trip."""
        backend = self._cache
        session_key = backend.make_and_validate_key(self.cache_key)
        uid_key = backend.make_and_validate_key(self._uid_key(self.session_key or ""))
        user_prefix = backend.make_and_validate_key(_key(""))
        client = backend._cache.get_client(session_key)
        # EVALSHA: Redis keeps the compiled script; it is sent again only after a restart.
        raw_session, raw_id, raw_user = client.register_script(_SESSION_AND_USER)(
            keys=[session_key, uid_key], args=[user_prefix]
        )
        loads = backend._cache._serializer.loads
        return (
            loads(raw_session) if raw_session is not None else None,
            raw_id.decode() if raw_id is not None else None,
            loads(raw_user) if raw_user is not None else None,
        )

    def _remember_user(self, data: dict[str, Any], expiry: int) -> None:
        user_id = data.get(SESSION_KEY)
        if not isinstance(self._cache, RedisCache) or not self.session_key:
            return
        try:
            if user_id is None:
                self._cache.delete(self._uid_key(self.session_key))
            else:
                self._cache.set(self._uid_key(self.session_key), int(user_id), expiry)
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        self._remember_user(self._session, self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        super().delete(session_key)
        if key:
            self._cache.delete(self._uid_key(key))


def _user_of(request: HttpRequest) -> Any:
    """Django's `get_user`, handed the user row the session store read with the session."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.keys()  # loaded now, with the user where the store could read both at once
        token = _prefetched.set(getattr(session, "prefetched_user", None))
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            _prefetched.reset(token)
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))  # type: ignore[assignment]
