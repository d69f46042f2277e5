"""`python -m tests.integration.worker_main worker ...`: a Celery worker for fault tests.

With FAULT_RENDER_DELAY set, rendering a certificate first sleeps that many seconds, so a test
can kill the worker while it holds a certificate's lease. Nothing else differs from the real
worker: the same app, settings, tasks and services.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
django.setup()

from academy.celery import app  # noqa: E402
from courses.services import issuing  # noqa: E402
from courses.snapshot import CertificateSnapshot  # noqa: E402

delay = float(os.environ.get("FAULT_RENDER_DELAY", "0"))
if delay:
    real_render = issuing.render_certificate

    def slow_render(snapshot: CertificateSnapshot) -> bytes:
        time.sleep(delay)
        return real_render(snapshot)

    issuing.render_certificate = slow_render  # type: ignore[assignment]

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
