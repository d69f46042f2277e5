"""What the services' Celery tasks share: which errors a later try can get past.

Each service module ends with its own tasks (pretix keeps `generate()` beside `generate_order()`);
every task keeps the explicit name it was first registered under (`courses.tasks.<name>`), which
the beat schedule and the messages already queued refer to."""

from django.db import DatabaseError

# Errors a later try can get past: the database or the mail server away for a moment, a storage
# hiccup. Anything else is a fault no retry fixes, so the work is marked failed at once.
TRANSIENT = (DatabaseError, OSError, TimeoutError)
MAX_RETRIES = 4
