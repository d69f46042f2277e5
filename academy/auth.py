"""The logged-in user of each request, read from the cache rather than the database.

Django loads the user named in the session on every request; here that row comes from the
default cache (Redis in production, shared by every process) and the database is read only on a
miss. Any save or deletion of the user drops the entry, at once and again after the commit, so a
deactivated account, a changed password (which also ends other sessions through the session's
auth hash) or a new role takes effect on the next request. An update that bypasses save() is
seen within USER_CACHE_SECONDS. Without REDIS_URL the cache is each process's own, which suits
only the one-process first-run server, as it does for the sessions.
"""

from functools import partial
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from academy.models import User

USER_CACHE_SECONDS = 300


def _key(user_id: Any) -> str:
    return f"user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id: Any) -> Any:
        key = _key(user_id)
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
