"""Certificate e-mails: an outbox row per (certificate, kind), claimed with a lease before the
mail server is spoken to and recorded after, under a Message-ID fixed by the code and the kind."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import User
from courses.models import Certificate, CertificateEmail, CertificateEvent
from courses.models.certificates import message_id_for
from courses.services import certificates
from courses.services.certificates import send_certificate_email_task, sweep_certificates
from tests.courses.services.test_certificates import completed
from tests.factories import teach

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
Status = Certificate.Status
Mail = CertificateEmail.Status
Event = CertificateEvent.Kind


class Killed(BaseException):
    """What SIGKILL does to a worker, in-process: nothing after it runs, no handler catches it."""


def issued(practitioner, **course_fields) -> Certificate:
    certificate = completed(practitioner, **course_fields)
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


def kinds(certificate: Certificate) -> list[str]:
    return list(certificate.events.values_list("kind", flat=True))


def expire_lease(email: CertificateEmail) -> None:
    CertificateEmail.objects.filter(pk=email.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )


def make_due(email: CertificateEmail) -> None:
    CertificateEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now())


@pytest.fixture
def refusing_mail_server(monkeypatch):
    def refused(message):
        raise ConnectionRefusedError("the mail server is away")

    monkeypatch.setattr(certificates, "_deliver", refused)
    return monkeypatch


# --- Message-ID ------------------------------------------------------------------------------


def test_the_message_id_is_derived_from_the_code_the_kind_and_the_sites_domain(settings):
    settings.SITE_URL = "https://academy.example.com:8443"

    issued_id = message_id_for("ABCD-EFGH-JKMN-PQRS-TVWX", "issued")

    assert issued_id == "<certificate-ABCD-EFGH-JKMN-PQRS-TVWX-issued@academy.example.com>"
    assert message_id_for("ABCD-EFGH-JKMN-PQRS-TVWX", "issued") == issued_id
    assert message_id_for("ABCD-EFGH-JKMN-PQRS-TVWX", "revoked") != issued_id
    assert message_id_for("ABCD-EFGH-JKMN-PQRS-TVWY", "issued") != issued_id


def test_the_issued_email_carries_the_rows_message_id_and_is_recorded_sent(practitioner):
    certificate = issued(practitioner)

    email = certificate.emails.get()
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == email.message_id
    assert email.message_id == message_id_for(certificate.code, "issued")
    assert email.status == Mail.SENT
    assert email.tries == 1
    assert certificate.emailed_at == email.sent_at
    assert kinds(certificate) == ["requested", "issued", "email_sending", "emailed"]
    notes = list(certificate.events.filter(kind=Event.EMAILED).values_list("note", flat=True))
    assert notes == [f"Certificate issued, attempt 1, Message-ID {email.message_id}"]


# --- the state machine -----------------------------------------------------------------------


def test_issuing_commits_the_owed_email_before_anything_is_sent(practitioner, monkeypatch):
    """The send is not in the issuing transaction: a crash before the e-mail step leaves the
    certificate issued with its e-mail pending, for the task or the sweep."""
    certificate = completed(practitioner)
    monkeypatch.setattr(certificates, "queue_email", lambda email_id: None)  # the message was lost

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    email = certificate.emails.get()
    assert certificate.status == Status.ISSUED
    assert email.status == Mail.PENDING
    assert mail.outbox == []
    monkeypatch.undo()
    sweep_certificates.delay()
    assert mail.outbox == [], "a pending e-mail is left to its own task for a while"
    CertificateEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    assert sweep_certificates.delay().get() == 1
    assert len(mail.outbox) == 1
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_running_the_email_task_again_sends_nothing_more(practitioner):
    certificate = issued(practitioner)
    email = certificate.emails.get()

    for _ in range(3):
        send_certificate_email_task.delay(email.pk)
        certificates.issue_certificate(certificate_id=certificate.pk)
    sweep_certificates.delay()

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.tries == 1


def test_a_claim_under_a_live_lease_is_left_alone(practitioner, monkeypatch):
    certificate = completed(practitioner)
    monkeypatch.setattr(certificates, "queue_email", lambda email_id: None)
    certificates.issue_certificate(certificate_id=certificate.pk)
    email = certificate.emails.get()
    CertificateEmail.objects.filter(pk=email.pk).update(
        status=Mail.SENDING, tries=1, lease_until=timezone.now() + timedelta(minutes=1)
    )

    send_certificate_email_task.delay(email.pk)
    sweep_certificates.delay()

    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.tries) == (Mail.SENDING, 1)


def test_a_worker_killed_after_the_send_costs_one_duplicate_with_the_same_message_id(
    practitioner, monkeypatch
):
    """The send window: the mail server took the message, the record of it never committed.
    Today's code sent the second copy under a new Message-ID, and its history showed one send."""
    certificate = completed(practitioner)
    real_deliver = certificates._deliver

    def send_then_die(message):
        real_deliver(message)
        raise Killed

    monkeypatch.setattr(certificates, "_deliver", send_then_die)
    with pytest.raises(Killed):
        certificates.issue_certificate(certificate_id=certificate.pk)
    email = certificate.emails.get()
    assert email.status == Mail.SENDING
    monkeypatch.undo()

    sweep_certificates.delay()
    assert len(mail.outbox) == 1, "nothing is re-sent while the lease may still be live"
    expire_lease(email)
    sweep_certificates.delay()
    sweep_certificates.delay()

    first, second = (message.message()["Message-ID"] for message in mail.outbox)
    assert first == second == message_id_for(certificate.code, "issued")
    email.refresh_from_db()
    assert (email.status, email.tries) == (Mail.SENT, 2)
    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert certificate.emailed_at is not None
    assert kinds(certificate) == [
        "requested",
        "issued",
        "email_sending",
        "email_sending",
        "emailed",
    ]


def test_a_failed_send_is_recorded_retried_after_a_backoff_then_failed_for_staff(
    practitioner, refusing_mail_server, settings
):
    settings.CERTIFICATE_EMAIL_MAX_TRIES = 3
    certificate = issued(practitioner)
    email = certificate.emails.get()
    assert email.status == Mail.ERROR
    assert "ConnectionRefusedError: the mail server is away" in email.last_error
    assert email.retry_at is not None
    first_retry = email.retry_at - timezone.now()
    assert timedelta(seconds=55) < first_retry <= timedelta(seconds=60)

    sweep_certificates.delay()
    email.refresh_from_db()
    assert email.tries == 1, "not before its retry is due"
    make_due(email)
    sweep_certificates.delay()
    email.refresh_from_db()
    assert (email.status, email.tries) == (Mail.ERROR, 2)
    assert email.retry_at is not None
    assert email.retry_at - timezone.now() > timedelta(seconds=115), "the backoff doubles"
    make_due(email)
    sweep_certificates.delay()

    email.refresh_from_db()
    assert email.status == Mail.FAILED
    assert email.tries == 3
    assert "Gave up after 3 tries" in email.last_error
    assert mail.outbox == []
    assert kinds(certificate).count("email_sending") == 3
    failures = list(
        certificate.events.filter(kind=Event.EMAIL_FAILED).values_list("note", flat=True)
    )
    assert len(failures) == 3  # one per attempt, the last one saying it gave up
    assert "tried again in 60 s" in failures[0]
    assert "tried again in 120 s" in failures[1]
    assert failures[2].startswith("Gave up after 3 tries. ConnectionRefusedError")
    make_due(email)
    sweep_certificates.delay()
    email.refresh_from_db()
    assert email.tries == 3, "a failed e-mail waits for a person"


def test_staff_retry_a_failed_email_from_the_register_and_it_is_sent(
    client, practitioner, staff_user, refusing_mail_server, settings
):
    settings.CERTIFICATE_EMAIL_MAX_TRIES = 1
    certificate = issued(practitioner, title="Fascia essentials")
    email = certificate.emails.get()
    assert email.status == Mail.FAILED
    refusing_mail_server.undo()
    client.force_login(staff_user)
    register = reverse("courses:certificate_register", args=[certificate.course.slug])

    page = client.get(register).content.decode()
    assert "E-mail not sent (Certificate issued)" in page
    assert "the mail server is away" in page
    assert "Retry the e-mail" in page

    client.post(reverse("courses:certificate_action", args=[certificate.code, "retry"]))
    email.refresh_from_db()
    assert (email.status, email.tries) == (Mail.PENDING, 0)
    send_certificate_email_task.delay(email.pk)  # what the retry's on-commit message does

    email.refresh_from_db()
    assert email.status == Mail.SENT
    assert len(mail.outbox) == 1
    assert "Retry the e-mail" not in client.get(register).content.decode()
    assert CertificateEvent.objects.filter(
        certificate=certificate, kind=Event.RETRIED, actor=staff_user
    ).exists()


def test_staff_see_failed_emails_in_the_admin_and_retry_them(
    client,
    practitioner,
    admin_user,
    refusing_mail_server,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CERTIFICATE_EMAIL_MAX_TRIES = 1
    certificate = issued(practitioner)
    email = certificate.emails.get()
    refusing_mail_server.undo()
    client.force_login(admin_user)

    listing = client.get(
        reverse("admin:courses_certificateemail_changelist"), {"status__exact": "failed"}
    ).content.decode()
    detail = client.get(
        reverse("admin:courses_certificate_change", args=[certificate.pk])
    ).content.decode()
    assert "the mail server is away" in listing
    assert email.message_id in detail.replace("&lt;", "<").replace("&gt;", ">")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:courses_certificateemail_changelist"),
            {"action": "retry", "_selected_action": [email.pk]},
        )

    email.refresh_from_db()
    assert email.status == Mail.SENT
    assert len(mail.outbox) == 1


# --- header errors ---------------------------------------------------------------------------


def test_a_line_break_in_the_frozen_course_title_still_sends_a_one_line_subject(practitioner):
    """Today Django refused the header, the certificate stayed issued with emailed_at empty and
    nothing recorded the error, so nothing retried it."""
    certificate = completed(practitioner, title="Fascia\nessentials")

    certificates.issue_certificate(certificate_id=certificate.pk)

    (message,) = mail.outbox
    assert message.subject == "Your certificate: Fascia essentials"
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_a_header_the_mail_library_refuses_is_recorded_not_silent(practitioner):
    certificate = completed(practitioner)
    User.objects.filter(pk=practitioner.pk).update(email="priya@example.com\nBcc: x@example.com")

    certificates.issue_certificate(certificate_id=certificate.pk)

    email = certificate.emails.get()
    assert email.status == Mail.ERROR
    assert email.last_error.startswith("BadHeaderError: Header values can't contain newlines")
    assert mail.outbox == []
    failure = certificate.events.get(kind=Event.EMAIL_FAILED)
    assert "BadHeaderError" in failure.note
    assert email.retry_at is not None
    assert email.pk in certificates.emails_to_resend(now=email.retry_at)


def test_the_sweep_owes_an_email_to_an_issued_certificate_that_never_had_one(practitioner):
    """A certificate issued before the outbox existed (or whose e-mail silently failed then)."""
    certificate = issued(practitioner)
    certificate.emails.all().delete()
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
    mail.outbox.clear()

    assert sweep_certificates.delay().get() == 1

    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    assert certificate.emails.get().status == Mail.SENT
    assert len(mail.outbox) == 1


# --- revocation and re-issue -----------------------------------------------------------------


def test_revoking_owes_the_revocation_email_in_the_same_transaction(practitioner, instructor):
    certificate = issued(practitioner)
    teach(certificate.course, instructor)
    mail.outbox.clear()

    def revoke_then_fail() -> None:
        with transaction.atomic():
            certificates.revoke_certificate(
                certificate=certificate, by=instructor, reason="Wrong person"
            )
            raise RuntimeError("the request failed after the revocation")

    with pytest.raises(RuntimeError):
        revoke_then_fail()
    assert not certificate.emails.filter(kind="revoked").exists()

    certificates.revoke_certificate(certificate=certificate, by=instructor, reason="Wrong person")
    email = certificate.emails.get(kind="revoked")
    assert email.status == Mail.PENDING
    assert email.message_id == message_id_for(certificate.code, "revoked")


def test_the_revocation_email_is_sent_by_the_task_and_retried_when_it_fails(
    practitioner, instructor, monkeypatch, django_capture_on_commit_callbacks
):
    certificate = issued(practitioner, title="Fascia\nessentials")
    mail.outbox.clear()
    real_deliver = certificates._deliver

    def refused(message):
        raise TimeoutError("the mail server did not answer")

    monkeypatch.setattr(certificates, "_deliver", refused)
    with django_capture_on_commit_callbacks(execute=True):
        certificates.revoke_certificate(
            certificate=certificate, by=instructor, reason="Wrong person"
        )
    email = certificate.emails.get(kind="revoked")
    assert email.status == Mail.ERROR
    assert "did not answer" in email.last_error

    monkeypatch.setattr(certificates, "_deliver", real_deliver)
    make_due(email)
    sweep_certificates.delay()

    (message,) = mail.outbox
    assert message.subject == "Your certificate for Fascia essentials has been revoked"
    assert "Wrong person" in message.body
    assert message.message()["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert email.status == Mail.SENT
    assert kinds(certificate)[-5:] == [
        "revoked",
        "email_sending",
        "email_failed",
        "email_sending",
        "emailed",
    ]


def test_a_reissue_emails_the_new_certificate_through_its_outbox(
    practitioner, staff_user, django_capture_on_commit_callbacks
):
    old = issued(practitioner)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new = certificates.reissue_certificate(
            certificate=old, by=staff_user, reason="Name corrected"
        )

    new.refresh_from_db()
    email = new.emails.get()
    assert email.status == Mail.SENT
    assert email.message_id == message_id_for(new.code, "issued")
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == email.message_id
    assert list(old.emails.values_list("kind", flat=True)) == ["issued"]


# --- cost ------------------------------------------------------------------------------------


def test_issuing_and_emailing_take_a_fixed_number_of_statements(practitioner, monkeypatch):
    """Issuing: claim (lock, approvals, instructors, update), mark (lock, update, event, outbox
    row). E-mailing: claim (lock, update, event), record (lock, update, event, emailed_at).
    Savepoints are the test's own transaction; a worker runs each step as a transaction."""
    certificate = completed(practitioner)
    queued: list[int] = []
    monkeypatch.setattr(certificates, "queue_email", queued.append)

    with CaptureQueriesContext(connection) as issuing_queries:
        certificates.issue_certificate(certificate_id=certificate.pk)
    with CaptureQueriesContext(connection) as email_queries:
        certificates.send_certificate_email(email_id=queued[0])

    def statements(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]

    assert len(mail.outbox) == 1
    assert len(statements(issuing_queries)) == 8
    assert len(statements(email_queries)) == 7
