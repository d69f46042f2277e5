"""The Celery application. Settings live in Django settings under the CELERY_ prefix."""

import os
from typing import Any

# Set before the app is built, so Django's integration (and Task.delay_on_commit) is in place.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections, transaction

from academy.logs import request_id


class Task(DjangoTask):
    # celery-types declares an AsyncResult return; Celery's own returns None, as this does.
    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Send the task once the transaction commits. Unlike Celery's own, a broker that refuses
        the message is logged, not raised: the committed row is the outbox and the sweep sends it
        again, so a Redis outage must not turn a saved completion into an error page."""

        # A plain function, not a partial: Django names the callback when it logs a failure.
        def send() -> None:
            self.delay(*args, **kwargs)

        transaction.on_commit(send, robust=True)


app = Celery("academy", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _log_with_the_task_id(task_id: str, **kwargs: Any) -> None:
    request_id.set(task_id)


@task_postrun.connect
def _forget_the_task_id(**kwargs: Any) -> None:
    request_id.set("-")


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender: Any = None, **kwargs: Any) -> None:
    """Around each task, what Django does around each request: close a connection that is
    broken, in a transaction left open, or older than CONN_MAX_AGE, and health-check the rest on
    first use. Celery's fixup would close every connection instead (see CELERY_DB_REUSE_MAX).
    Not for eager tasks, which run inside the caller's connection and transaction."""
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        close_old_connections()
