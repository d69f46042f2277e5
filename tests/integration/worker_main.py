"""`python -m tests.integration.worker_main worker ...`: a Celery worker for fault tests.

With FAULT_RENDER_DELAY set, rendering a certificate first sleeps that many seconds, so a test
can kill the worker while it holds a certificate's lease. With FAULT_AFTER_SEND_DELAY set, the
worker sleeps that long after the mail backend has taken a certificate e-mail and before the
send is recorded: the send window, where a kill costs a duplicate. Nothing else differs from the
real worker: the same app, settings, tasks and services. These variables are read here only,
never by the site's settings.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
django.setup()

from django.core.mail import EmailMultiAlternatives  # noqa: E402

from academy.celery import app  # noqa: E402
from courses.lib.snapshot import CertificateSnapshot  # noqa: E402
from courses.services import certificates  # noqa: E402

delay = float(os.environ.get("FAULT_RENDER_DELAY", "0"))
if delay:
    real_render = certificates.render_certificate

    def slow_render(snapshot: CertificateSnapshot) -> bytes:
        time.sleep(delay)
        return real_render(snapshot)

    certificates.render_certificate = slow_render  # type: ignore[assignment]

after_send = float(os.environ.get("FAULT_AFTER_SEND_DELAY", "0"))
if after_send:
    real_deliver = certificates._deliver

    def stalled_deliver(message: EmailMultiAlternatives) -> None:
        real_deliver(message)
        time.sleep(after_send)

    certificates._deliver = stalled_deliver

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
