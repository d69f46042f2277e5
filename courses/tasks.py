"""Celery tasks: each loads by id and calls one service."""

import logging

from celery import shared_task
from celery.app.task import Task
from django.db import DatabaseError

from courses.services import issuing

logger = logging.getLogger(__name__)

# Errors a later try can get past: the database or the mail server away for a moment, a storage
# hiccup. Anything else is a fault no retry fixes, so the certificate is marked failed at once.
TRANSIENT = (DatabaseError, OSError, TimeoutError)
MAX_RETRIES = 4


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def issue_certificate(self: Task, certificate_id: int) -> None:
    try:
        issuing.issue_certificate(certificate_id=certificate_id)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            issuing.mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=min(5 * 2**self.request.retries, 300)) from exc
    except Exception as exc:
        logger.exception("issuing certificate %s failed", certificate_id)
        issuing.mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="courses.tasks.send_certificate_email", acks_late=True)
def send_certificate_email(email_id: int) -> None:
    """Send one certificate e-mail if it is still owed. Failures are recorded on the row and
    retried by the sweep; an error here means the database could not even record that, and the
    row's lease runs out for the sweep."""
    issuing.send_certificate_email(email_id=email_id)


@shared_task(acks_late=True, expires=55)
def sweep_certificates() -> int:
    """Every minute (beat): re-send what was lost, request what was never requested, and the
    same for the certificates' e-mails. Returns how many messages it sent."""
    ids = issuing.certificates_to_resend() + issuing.request_missing_certificates()
    for certificate_id in ids:
        issue_certificate.delay(certificate_id)
    email_ids = issuing.emails_to_resend() + issuing.request_missing_emails()
    for email_id in email_ids:
        send_certificate_email.delay(email_id)
    return len(ids) + len(email_ids)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=5,
    retry_backoff_max=300,
)
def compute_quiz_statistics(quiz_id: int) -> None:
    """Recompute a quiz's item statistics; a quiz deleted meanwhile is skipped."""
    from courses.models import Quiz
    from courses.services import statistics

    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is not None:
        statistics.compute_quiz_statistics(quiz=quiz)


@shared_task(acks_late=True, expires=290)
def refresh_quiz_statistics() -> int:
    """Every five minutes (beat): recompute quizzes submitted to since their last computation,
    whose queued computation was skipped or lost."""
    from courses.services import statistics

    ids = statistics.quizzes_to_refresh()
    for quiz_id in ids:
        compute_quiz_statistics.delay(quiz_id)
    return len(ids)


@shared_task(acks_late=True, expires=600)
def refresh_course_insight(course_id: int) -> None:
    """Compute a course's insight figures for its dashboard; a course deleted meanwhile is
    skipped. A lost run costs nothing: the next view of the dashboard queues another."""
    from courses.models import Course
    from courses.services import insight

    course = Course.objects.filter(pk=course_id).first()
    if course is not None:
        insight.refresh_figures(course)


@shared_task(
    name="courses.tasks.import_gift_file", acks_late=True, autoretry_for=TRANSIENT, max_retries=2
)
def import_gift_file(job_id: int) -> None:
    """Run a large GIFT import (courses/services/gift_import.py), all or nothing; a redelivery
    after it finished does nothing. An error no retry fixes closes the import with its reason;
    a transient one is retried, and a lost run is sent again by `sweep_gift_imports`."""
    from courses.services import gift_import

    try:
        gift_import.run_import(job_id=job_id)
    except TRANSIENT:
        raise
    except Exception as exc:
        logger.exception("GIFT import %s failed", job_id)
        gift_import.fail_import(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="courses.tasks.sweep_gift_imports", acks_late=True, expires=55)
def sweep_gift_imports() -> int:
    """Every minute (beat): send again the imports whose task was lost, and close the ones that
    never ran within the hour. Returns how many it sent."""
    from courses.services import gift_import

    gift_import.close_abandoned_imports()
    ids = gift_import.imports_to_resend()
    for job_id in ids:
        import_gift_file.delay(job_id)
    return len(ids)


@shared_task(name="courses.tasks.close_expired_attempts", acks_late=True, expires=55)
def close_expired_attempts() -> int:
    """Every minute (beat): grade the timed attempts whose time ran out without a submit, so
    that no page has to grade on a GET. Returns how many it graded."""
    from courses.services import grading

    return grading.close_expired_attempts()
