"""Certificates: requested on completion, issued once by a worker, revoked or re-issued by people.

The certificate row is the outbox. `issue_certificate` may run any number of times, at once on
several workers, or again after a crash: a lease on the row decides who renders, and the PDF goes
to a key derived from the code (and is deterministic, so a rerun writes the same bytes).

E-mails are a step of their own, after the commit that issued or revoked the certificate: that
transaction creates a `CertificateEmail` row, and `send_certificate_email` claims it with a lease
(committed) before it talks to the mail server and records the outcome (committed) after. So each
claim sends at most once, and nothing is lost: a worker that dies in between leaves the row
`sending`, and once the lease runs out the sweep sends it again with the same Message-ID, the one
duplicate a crash in that window can cost, recognisable as such by the mail system and the holder.

Issuing locks only the certificate's row (FOR UPDATE OF): the course and the holder are read in
the same transaction but not locked, so workers issuing certificates for one course do not
queue on the course's row, nor hold up its instructors' edits.
"""

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from celery import shared_task
from celery.app.task import Task
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from academy.fields import single_line
from academy.logs import about_certificate
from academy.models import User
from courses.lib import credentials
from courses.lib.pdf import render_certificate
from courses.lib.snapshot import AccreditationFacts, CertificateSnapshot, format_hours
from courses.models import (
    Accreditation,
    Certificate,
    CertificateEmail,
    CertificateEvent,
    Course,
    Enrollment,
)
from courses.services.background import MAX_RETRIES, TRANSIENT

logger = logging.getLogger(__name__)
Status = Certificate.Status
Event = CertificateEvent.Kind
Mail = CertificateEmail.Status
MailKind = CertificateEmail.Kind


class CertificateStateError(Exception):
    """The certificate is not in a state that allows this action."""


# --- keys ------------------------------------------------------------------------------------


@functools.cache
def signing_key() -> Ed25519PrivateKey:
    if settings.CREDENTIAL_SIGNING_KEY:
        return credentials.load_private_key(settings.CREDENTIAL_SIGNING_KEY)
    return credentials.load_or_create_key(Path(settings.CREDENTIAL_SIGNING_KEY_FILE))


@functools.cache
def public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key and every retired one: credentials signed before a rotation still verify.
    Read once per process; rotating the key restarts web and workers (README, Operating it)."""
    keys = [signing_key().public_key()]
    retired = Path(settings.CREDENTIAL_RETIRED_PUBLIC_KEYS_FILE)
    if settings.CREDENTIAL_RETIRED_PUBLIC_KEYS_FILE and retired.is_file():
        keys += credentials.load_public_keys(retired.read_text(encoding="ascii"))
    return {credentials.key_id(key): key for key in keys}


def issuer() -> credentials.Issuer:
    return credentials.Issuer(
        id=f"{settings.SITE_URL}{reverse('courses:issuer')}",
        name=settings.SITE_NAME,
        url=f"{settings.SITE_URL}/",
        email=settings.CERTIFICATE_ISSUER_EMAIL,
    )


# --- requesting ------------------------------------------------------------------------------


def request_certificate(*, enrollment: Enrollment) -> Certificate:
    """Create the pending certificate for a completed enrollment, in the caller's transaction
    (which holds the enrollment row locked); returns the current one if there already is one."""
    current = Certificate.objects.current().filter(enrollment=enrollment).first()
    if current is not None:
        return current
    certificate = Certificate.objects.create(enrollment=enrollment)
    CertificateEvent.objects.create(certificate=certificate, kind=Event.REQUESTED)
    return certificate


def active_accreditations(course: Course, day: date) -> list[Accreditation]:
    """The approvals in force on the day, the most recent first."""
    # An explicit order: the model's default starts with the course's own ordering, which only
    # adds a join to courses_course when every row belongs to one course anyway.
    return list(
        course.accreditations.active_on(day).select_related("body").order_by("-valid_from", "id")
    )


def blocking_reason(course: Course, accreditations: list[Accreditation]) -> str:
    """Why no certificate may be issued for the course under these approvals; empty when it may."""
    reasons = [
        reason
        for accreditation in accreditations
        if (reason := accreditation.mismatch_with(course))
    ]
    if not reasons:
        return ""
    return "Not issued because " + "; ".join(reasons) + ". Correct the course or the approval."


# --- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    certificate_id: int
    code: str
    tries: int
    snapshot: CertificateSnapshot


def issue_certificate(*, certificate_id: int) -> Certificate:
    """Issue the certificate, once, then queue its e-mail. Safe to call repeatedly, concurrently
    and after a crash at any point: one PDF and one credential. The e-mail is owed from the
    commit that issues and is sent by `send_certificate_email` (see the module's docstring for
    what that guarantees)."""
    claim = _claim(certificate_id)
    if claim is not None:
        with about_certificate(claim.code):
            issued = _render_sign_and_mark(claim)
        if issued is not None:
            certificate, email_id = issued
            queue_email(email_id)
            return certificate
    return Certificate.objects.get(pk=certificate_id)


def _locked(certificate_id: int) -> Certificate:
    """The certificate with its holder, its row (only) locked until the transaction ends."""
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrollment__practitioner")
        .get(pk=certificate_id)
    )


def _render_sign_and_mark(claim: "_Claim") -> tuple[Certificate, int] | None:
    """Render, store, sign and mark issued: the certificate and its e-mail's id, or None when
    the lease was lost to another claim. On any error hand the claim back and re-raise."""
    try:
        pdf = render_certificate(claim.snapshot)
        pdf_key, pdf_sha256 = _store_pdf(claim.code, pdf)
        credential = credentials.build_credential(
            claim.snapshot,
            issuer=issuer(),
            credential_id=settings.SITE_URL + reverse("courses:verify_json", args=[claim.code]),
            achievement_id=claim.snapshot.course_url,
            valid_from=datetime.combine(claim.snapshot.issued_on, time.min, tzinfo=UTC),
        )
        key = signing_key()
        token = credentials.sign_credential(
            credential, private_key=key, kid=credentials.key_id(key.public_key())
        )
        return _mark_issued(
            claim, pdf_key=pdf_key, pdf_sha256=pdf_sha256, credential=credential, jwt=token
        )
    except Exception as exc:
        # If even this fails (the database is away), the lease runs out and the sweep
        # hands the certificate on.
        _release(claim, error=f"{type(exc).__name__}: {exc}")
        raise


@transaction.atomic
def _claim(certificate_id: int) -> _Claim | None:
    """Take the certificate for rendering, or None when there is nothing to render now."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrollment__course", "enrollment__practitioner")
        .get(pk=certificate_id)
    )
    now = timezone.now()
    leased = certificate.lease_until is not None and certificate.lease_until > now
    if certificate.status == Status.RENDERING and leased:
        return None  # another worker holds it
    if certificate.status not in (Status.PENDING, Status.BLOCKED, Status.RENDERING):
        return None
    if certificate.tries >= settings.CERTIFICATE_MAX_TRIES:
        _fail(certificate, f"Gave up after {certificate.tries} tries. {certificate.last_error}")
        return None
    course = certificate.enrollment.course
    today = timezone.localdate(now)
    accreditations = active_accreditations(course, today)
    reason = blocking_reason(course, accreditations)
    if reason:
        if certificate.status != Status.BLOCKED or certificate.blocked_reason != reason:
            certificate.status = Status.BLOCKED
            certificate.blocked_reason = reason
            certificate.lease_until = None
            certificate.save(update_fields=["status", "blocked_reason", "lease_until"])
            CertificateEvent.objects.create(
                certificate=certificate, kind=Event.BLOCKED, note=reason
            )
        return None
    if certificate.snapshot is None:
        certificate.snapshot = _freeze(
            certificate, issued_on=today, accreditation=next(iter(accreditations), None)
        ).to_json()
    certificate.status = Status.RENDERING
    certificate.lease_until = now + timedelta(seconds=settings.CERTIFICATE_LEASE_SECONDS)
    certificate.tries += 1
    certificate.blocked_reason = ""
    certificate.save(update_fields=["status", "lease_until", "tries", "blocked_reason", "snapshot"])
    return _Claim(
        certificate_id=certificate.pk,
        code=certificate.code,
        tries=certificate.tries,
        snapshot=CertificateSnapshot.from_json(certificate.snapshot),
    )


def _freeze(
    certificate: Certificate, *, issued_on: date, accreditation: Accreditation | None
) -> CertificateSnapshot:
    """Copy everything the certificate prints out of the models, once."""
    enrollment = certificate.enrollment
    course = enrollment.course
    holder: User = enrollment.practitioner
    facts = None
    delivery = str(Accreditation.Delivery.HOME_STUDY.label)
    if accreditation is not None:
        delivery = accreditation.get_delivery_type_display()
        facts = AccreditationFacts(
            body_name=accreditation.body.name,
            body_abbreviation=accreditation.body.abbreviation,
            provider_name=accreditation.provider_name,
            provider_number=accreditation.provider_number,
            provider_contact=accreditation.provider_contact,
            approved_title=accreditation.approved_title,
            approved_hours=accreditation.approved_hours,
        )
    instructors = tuple(
        name
        for name in course.instructor_roles.order_by("position", "id").values_list(
            "instructor__full_name", flat=True
        )
        if name
    )
    salt = secrets.token_hex(16)
    completed_at = enrollment.completed_at or timezone.now()
    return CertificateSnapshot(
        code=certificate.code,
        verification_url=certificate.verification_url,
        platform_name=settings.SITE_NAME,
        platform_url=f"{settings.SITE_URL}/",
        holder_name=holder.full_name or holder.email,
        course_title=facts.approved_title if facts else course.title,
        course_url=f"{settings.SITE_URL}{course.get_absolute_url()}",
        course_summary=course.summary,
        ce_hours=course.ce_hours,
        delivery_type=str(delivery),
        completed_on=timezone.localdate(completed_at),
        issued_on=issued_on,
        instructor_names=instructors,
        administrator_name=settings.CERTIFICATE_ADMINISTRATOR,
        accreditation=facts,
        recipient_hash=credentials.recipient_identity_hash(holder.email, salt),
        recipient_salt=salt,
    )


def pdf_key_for(code: str) -> str:
    return f"certificates/{code}.pdf"


def _store_pdf(code: str, pdf: bytes) -> tuple[str, str]:
    """Write the PDF to its one key. A rerun renders the same bytes, so an existing file with the
    same digest is kept; storage never gets a second file for a certificate."""
    key = pdf_key_for(code)
    digest = hashlib.sha256(pdf).hexdigest()
    if default_storage.exists(key):
        with default_storage.open(key, "rb") as existing:
            if hashlib.sha256(existing.read()).hexdigest() == digest:
                return key, digest
        default_storage.delete(key)
    saved = default_storage.save(key, ContentFile(pdf))
    if saved != key:  # another worker wrote it between our check and our save
        default_storage.delete(saved)
    return key, digest


def _mark_issued(
    claim: _Claim, *, pdf_key: str, pdf_sha256: str, credential: dict[str, object], jwt: str
) -> tuple[Certificate, int] | None:
    """Mark the certificate issued and create its e-mail's outbox row, in one transaction under
    the row lock; None when our lease ran out and another claim took over (that claim writes the
    same result). No mail server is spoken to here: a crash before the commit then loses
    nothing and sends nothing."""
    with transaction.atomic():
        certificate = _locked(claim.certificate_id)
        if certificate.status != Status.RENDERING or certificate.tries != claim.tries:
            return None
        certificate.status = Status.ISSUED
        certificate.issued_at = timezone.now()
        certificate.lease_until = None
        certificate.pdf_key = pdf_key
        certificate.pdf_sha256 = pdf_sha256
        certificate.credential = credential
        certificate.credential_jwt = jwt
        certificate.last_error = ""
        certificate.save(
            update_fields=[
                "status",
                "issued_at",
                "lease_until",
                "pdf_key",
                "pdf_sha256",
                "credential",
                "credential_jwt",
                "last_error",
            ]
        )
        CertificateEvent.objects.create(certificate=certificate, kind=Event.ISSUED)
        email = _owe_email(certificate, MailKind.ISSUED)
    return certificate, email.pk


@transaction.atomic
def _release(claim: _Claim, *, error: str) -> None:
    """Hand a claim back after an error, so a retry or the sweep can take it at once."""
    certificate = Certificate.objects.select_for_update().get(pk=claim.certificate_id)
    if certificate.status == Status.RENDERING and certificate.tries == claim.tries:
        certificate.status = Status.PENDING
        certificate.lease_until = None
        certificate.last_error = error[:2000]
        certificate.save(update_fields=["status", "lease_until", "last_error"])


# --- e-mail ----------------------------------------------------------------------------------
#
# pending --claim--> sending --sent--> sent
#                       |  \--error--> error --(sweep, after retry_at)--> sending ...
#                       |                 \--(tries used up)--> failed --(staff retry)--> pending
#                       \--(worker died, lease expired; sweep)--> sending (same Message-ID)


def _owe_email(certificate: Certificate, kind: str) -> CertificateEmail:
    """The outbox row of the certificate's message of this kind, created in the caller's
    transaction (the one that issues or revokes), so the message is owed exactly when that
    commits."""
    # Issuing and revoking each happen once per certificate (a status change under its row
    # lock), so the row is new; the unique constraint stands guard.
    return CertificateEmail.objects.create(certificate=certificate, kind=kind)


def queue_email(email_id: int) -> None:
    """Send the e-mail task now; the row is committed already. A broker that refuses is
    logged, not raised: the row is the outbox and the sweep sends it."""
    try:
        send_certificate_email_task.delay(email_id)
    except Exception:
        logger.exception("could not queue certificate e-mail %s; the sweep will", email_id)


def _queue_email_on_commit(email_id: int) -> None:
    send_certificate_email_task.delay_on_commit(email_id)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _MailClaim:
    email: CertificateEmail  # as claimed, with its certificate and holder
    tries: int

    @property
    def email_id(self) -> int:
        return self.email.pk


def send_certificate_email(*, email_id: int) -> None:
    """Send one certificate e-mail, if it is still owed. Safe to call repeatedly and
    concurrently: the claim (committed before the mail server is spoken to) lets one caller
    send per lease, and the outcome is committed after. A failure is recorded on the row and in
    the certificate's history, never raised: the sweep retries it. A crash between the mail
    server accepting the message and the record of it leaves the row `sending`; once its lease
    runs out the sweep sends it again with the same Message-ID."""
    claim = _claim_email(email_id)
    if claim is None:
        return
    try:
        _deliver(_message(claim.email))
    except Exception as exc:
        _record_error(claim, error=f"{type(exc).__name__}: {exc}")
    else:
        _record_sent(claim)


@transaction.atomic
def _claim_email(email_id: int) -> _MailClaim | None:
    """Take the e-mail for sending, or None when there is nothing to send now: sent, failed,
    held by a live lease, or an error whose retry is not due yet."""
    email = (
        CertificateEmail.objects.select_for_update(of=("self",))
        .select_related("certificate__enrollment__practitioner")
        .get(pk=email_id)
    )
    now = timezone.now()
    if email.status in (Mail.SENT, Mail.FAILED):
        return None
    if email.status == Mail.SENDING and email.lease_until and email.lease_until > now:
        return None
    if email.status == Mail.ERROR and email.retry_at and email.retry_at > now:
        return None
    if email.tries >= settings.CERTIFICATE_EMAIL_MAX_TRIES:
        _give_up(email, f"Gave up after {email.tries} tries. {email.last_error}")
        return None
    email.status = Mail.SENDING
    email.tries += 1
    email.lease_until = now + timedelta(seconds=settings.CERTIFICATE_LEASE_SECONDS)
    email.retry_at = None
    email.save(update_fields=["status", "tries", "lease_until", "retry_at"])
    CertificateEvent.objects.create(
        certificate=email.certificate,
        kind=Event.EMAIL_SENDING,
        note=f"{email.get_kind_display()}, attempt {email.tries}, Message-ID {email.message_id}",
    )
    return _MailClaim(email=email, tries=email.tries)


def _deliver(message: EmailMultiAlternatives) -> None:
    """Hand the message to the mail server: the send window, between two commits. (The fault
    tests' worker wraps this to stop a worker here.)"""
    message.send()


@transaction.atomic
def _record_sent(claim: _MailClaim) -> None:
    """Record that the mail server took the message. Recorded whatever the row says now: if
    our lease ran out and another claim sent it too, both sends are history."""
    now = timezone.now()
    if claim.email.kind == MailKind.ISSUED:
        # The certificate's row before its e-mail's, the order in which issuing, revoking and a
        # staff retry lock them, so two of these never wait for each other.
        Certificate.objects.filter(pk=claim.email.certificate_id, emailed_at__isnull=True).update(
            emailed_at=now
        )
    email = (
        CertificateEmail.objects.select_for_update(of=("self",))
        .select_related("certificate")
        .get(pk=claim.email_id)
    )
    if email.status != Mail.SENT:
        email.status = Mail.SENT
        email.sent_at = now
        email.lease_until = None
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "lease_until", "last_error"])
    CertificateEvent.objects.create(
        certificate=email.certificate,
        kind=Event.EMAILED,
        note=f"{email.get_kind_display()}, attempt {claim.tries}, Message-ID {email.message_id}",
    )


@transaction.atomic
def _record_error(claim: _MailClaim, *, error: str) -> None:
    """Record a failed attempt: retried by the sweep after a backoff, or failed for staff once
    the tries are used up."""
    email = (
        CertificateEmail.objects.select_for_update(of=("self",))
        .select_related("certificate")
        .get(pk=claim.email_id)
    )
    with about_certificate(email.certificate.code):
        logger.warning("certificate e-mail %s not sent: %s", email.message_id, error)
    if email.status == Mail.SENT or email.tries != claim.tries:
        # Another claim took over (our lease ran out) and decides the row; the attempt is history.
        CertificateEvent.objects.create(
            certificate=email.certificate, kind=Event.EMAIL_FAILED, note=error[:2000]
        )
        return
    email.last_error = error[:2000]
    email.lease_until = None
    if email.tries >= settings.CERTIFICATE_EMAIL_MAX_TRIES:
        email.save(update_fields=["last_error", "lease_until"])
        _give_up(email, f"Gave up after {email.tries} tries. {error}")
        return
    delay = min(settings.CERTIFICATE_EMAIL_RETRY_SECONDS * 2 ** (email.tries - 1), 3600)
    email.status = Mail.ERROR
    email.retry_at = timezone.now() + timedelta(seconds=delay)
    email.save(update_fields=["status", "last_error", "lease_until", "retry_at"])
    CertificateEvent.objects.create(
        certificate=email.certificate,
        kind=Event.EMAIL_FAILED,
        note=f"{error[:2000]} (attempt {email.tries}; tried again in {delay} s)",
    )


def _give_up(email: CertificateEmail, error: str) -> None:
    with about_certificate(email.certificate.code):
        logger.error("certificate e-mail %s failed: %s", email.message_id, error)
    email.status = Mail.FAILED
    email.lease_until = None
    email.retry_at = None
    email.last_error = error[:2000]
    email.save(update_fields=["status", "lease_until", "retry_at", "last_error"])
    CertificateEvent.objects.create(
        certificate=email.certificate, kind=Event.EMAIL_FAILED, note=error[:2000]
    )


def _message(email: CertificateEmail) -> EmailMultiAlternatives:
    """The message of an outbox row, built from the certificate's frozen snapshot."""
    certificate = email.certificate
    snapshot = CertificateSnapshot.from_json(certificate.snapshot or {})
    # The subject is one line whatever the frozen title holds: the mail library refuses a
    # header with a line break, and a snapshot cannot be corrected.
    title = single_line(snapshot.course_title)
    if email.kind == MailKind.REVOKED:
        return _compose(
            "revoked",
            email,
            subject=f"Your certificate for {title} has been revoked",
            context={"snapshot": snapshot, "reason": certificate.revocation_reason},
        )
    return _compose(
        "issued",
        email,
        subject=f"Your certificate: {title}",
        context={"snapshot": snapshot, "hours": format_hours(snapshot.ce_hours)},
    )


def _compose(
    template: str, email: CertificateEmail, *, subject: str, context: dict
) -> EmailMultiAlternatives:
    """One message, HTML and text, to the certificate's holder, under the row's Message-ID."""
    certificate = email.certificate
    site = settings.SITE_URL
    context = {
        **context,
        "certificate": certificate,
        "site_name": settings.SITE_NAME,
        "holder": certificate.enrollment.practitioner,
        "verify_url": certificate.verification_url,
        "pdf_url": f"{site}{reverse('courses:certificate_pdf', args=[certificate.code])}",
        "credential_url": f"{site}{reverse('courses:certificate_json', args=[certificate.code])}",
        "certificates_url": f"{site}{reverse('courses:certificates')}",
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/certificate_{template}.txt", context),
        to=[certificate.enrollment.practitioner.email],
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(
        render_to_string(f"emails/certificate_{template}.html", context), "text/html"
    )
    return message


def _fail(certificate: Certificate, error: str) -> None:
    with about_certificate(certificate.code):
        logger.error("certificate %s failed: %s", certificate.code, error)
    certificate.status = Status.FAILED
    certificate.lease_until = None
    certificate.last_error = error[:2000]
    certificate.save(update_fields=["status", "lease_until", "last_error"])
    CertificateEvent.objects.create(certificate=certificate, kind=Event.FAILED, note=error[:2000])


@transaction.atomic
def mark_failed(*, certificate_id: int, error: str) -> None:
    """Record that issuing gave up (retries used up, or an error no retry can fix)."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    if certificate.status in (Status.PENDING, Status.RENDERING):
        _fail(certificate, error)


# --- the sweep -------------------------------------------------------------------------------


def certificates_to_resend(*, now: datetime | None = None) -> list[int]:
    """Ids of certificates whose message was probably lost: pending for a while, rendering with
    an expired lease, or blocked (re-checked, since the course or approval may have been fixed)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.CERTIFICATE_RESEND_AFTER_SECONDS)
    pending = Certificate.objects.filter(status=Status.PENDING, created_at__lt=stale)
    expired = Certificate.objects.filter(status=Status.RENDERING, lease_until__lt=now)
    blocked = Certificate.objects.filter(status=Status.BLOCKED)
    return list((pending | expired | blocked).values_list("pk", flat=True)[:1000])


@transaction.atomic
def request_missing_certificates() -> list[int]:
    """Completed enrollments that never got a certificate row (one was revoked or superseded
    counts as having had one). Returns the new certificates' ids."""
    missing = (
        Enrollment.objects.completed()
        .filter(~Exists(Certificate.objects.filter(enrollment=OuterRef("pk"))))
        .select_for_update(skip_locked=True)[:1000]
    )
    return [request_certificate(enrollment=enrollment).pk for enrollment in missing]


def emails_to_resend(*, now: datetime | None = None) -> list[int]:
    """Ids of certificate e-mails still owed whose task was probably lost: pending for a while,
    sending with an expired lease (the worker died, perhaps after the mail server took the
    message), or an error whose retry is due."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.CERTIFICATE_RESEND_AFTER_SECONDS)
    owed = CertificateEmail.objects.unfinished()
    pending = owed.filter(status=Mail.PENDING, created_at__lt=stale)
    expired = owed.filter(status=Mail.SENDING, lease_until__lt=now)
    due = owed.filter(status=Mail.ERROR, retry_at__lte=now)
    return list((pending | expired | due).values_list("pk", flat=True)[:1000])


@transaction.atomic
def request_missing_emails() -> list[int]:
    """Issued certificates that were never e-mailed and have no outbox row (issued before the
    outbox existed): their e-mail is owed. Returns the new rows' ids."""
    missing = (
        Certificate.objects.filter(status=Status.ISSUED, emailed_at__isnull=True)
        .filter(
            ~Exists(
                CertificateEmail.objects.filter(certificate=OuterRef("pk"), kind=MailKind.ISSUED)
            )
        )
        .select_for_update(skip_locked=True)[:1000]
    )
    return [_owe_email(certificate, MailKind.ISSUED).pk for certificate in missing]


# --- people's actions ------------------------------------------------------------------------


@transaction.atomic
def retry_certificate(*, certificate: Certificate, by: User | None) -> Certificate:
    """Put a failed certificate, or its failed e-mails, back in the queue with a fresh count of
    tries."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    failed_emails = list(
        CertificateEmail.objects.select_for_update().filter(
            certificate=certificate, status=Mail.FAILED
        )
    )
    if certificate.status != Status.FAILED and not failed_emails:
        raise CertificateStateError("Only a failed certificate or e-mail can be retried.")
    if certificate.status == Status.FAILED:
        certificate.status = Status.PENDING
        certificate.tries = 0
        certificate.save(update_fields=["status", "tries"])
        issue_certificate_task.delay_on_commit(certificate.pk)  # type: ignore[attr-defined]
    for email in failed_emails:
        email.status = Mail.PENDING
        email.tries = 0
        email.save(update_fields=["status", "tries"])
        _queue_email_on_commit(email.pk)
    note = ", ".join(f"{email.get_kind_display()} e-mail" for email in failed_emails)
    CertificateEvent.objects.create(
        certificate=certificate, kind=Event.RETRIED, actor=by, note=note
    )
    return certificate


# A revocation or re-issue reason is kept in the history and shown on the public verification
# page: a sentence or two.
REASON_MAX_LENGTH = 1000


def _require_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise ValidationError("Give a reason (it is shown on the verification page).")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(f"Keep the reason to at most {REASON_MAX_LENGTH} characters.")
    return reason


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Withdraw an issued certificate: verification shows it revoked, with the date and reason,
    and the holder is told by e-mail."""
    reason = _require_reason(reason)
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("enrollment__practitioner")
        .get(pk=certificate.pk)
    )
    if certificate.status != Status.ISSUED:
        raise CertificateStateError("Only an issued certificate can be revoked.")
    certificate.status = Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    CertificateEvent.objects.create(
        certificate=certificate, kind=Event.REVOKED, actor=by, note=reason
    )
    # The message is owed from this commit: created here, sent and retried like the issue's.
    _queue_email_on_commit(_owe_email(certificate, MailKind.REVOKED).pk)
    return certificate


@transaction.atomic
def reissue_certificate(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Replace an issued certificate (e.g. to correct the holder's name): a new code and a fresh
    snapshot; the old code verifies as superseded, pointing to the new one."""
    reason = _require_reason(reason)
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.status != Status.ISSUED:
        raise CertificateStateError("Only an issued certificate can be re-issued.")
    old.status = Status.SUPERSEDED
    old.save(update_fields=["status"])
    new = Certificate.objects.create(enrollment_id=old.enrollment_id)
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    CertificateEvent.objects.create(certificate=old, kind=Event.REISSUED, actor=by, note=reason)
    CertificateEvent.objects.create(
        certificate=new, kind=Event.REQUESTED, actor=by, note=f"Re-issue of {old.code}: {reason}"
    )
    issue_certificate_task.delay_on_commit(new.pk)  # type: ignore[attr-defined]
    return new


# --- tasks: each loads by id and calls the service above -------------------------------------


@shared_task(
    name="courses.tasks.issue_certificate", bind=True, acks_late=True, max_retries=MAX_RETRIES
)
def issue_certificate_task(self: Task, certificate_id: int) -> None:
    try:
        issue_certificate(certificate_id=certificate_id)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=min(5 * 2**self.request.retries, 300)) from exc
    except Exception as exc:
        logger.exception("issuing certificate %s failed", certificate_id)
        mark_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="courses.tasks.send_certificate_email", acks_late=True)
def send_certificate_email_task(email_id: int) -> None:
    """Send one certificate e-mail if it is still owed. Failures are recorded on the row and
    retried by the sweep; an error here means the database could not even record that, and the
    row's lease runs out for the sweep."""
    send_certificate_email(email_id=email_id)


@shared_task(name="courses.tasks.sweep_certificates", acks_late=True, expires=55)
def sweep_certificates() -> int:
    """Every minute (beat): re-send what was lost, request what was never requested, and the
    same for the certificates' e-mails. Returns how many messages it sent."""
    ids = certificates_to_resend() + request_missing_certificates()
    for certificate_id in ids:
        issue_certificate_task.delay(certificate_id)
    email_ids = emails_to_resend() + request_missing_emails()
    for email_id in email_ids:
        send_certificate_email_task.delay(email_id)
    return len(ids) + len(email_ids)
