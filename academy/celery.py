"""The Celery application. Settings live in Django settings under the CELERY_ prefix."""

import os

# Set before the app is built, so Django's integration (and Task.delay_on_commit) is in place.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

from celery import Celery

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
