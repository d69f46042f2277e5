import secrets
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models.progress import Enrollment

# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 5
CODE_GROUP_SIZE = 4  # 20 symbols of 5 bits: 100 random bits
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_SIZE + CODE_GROUPS - 1
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_SIZE))
    return "-".join(
        symbols[i : i + CODE_GROUP_SIZE] for i in range(0, len(symbols), CODE_GROUP_SIZE)
    )


def normalize_code(text: str) -> str | None:
    """The canonical grouped form of a typed code, or None when it cannot be one."""
    symbols = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(symbols) != CODE_GROUPS * CODE_GROUP_SIZE or any(
        c not in CODE_ALPHABET for c in symbols
    ):
        return None
    return "-".join(
        symbols[i : i + CODE_GROUP_SIZE] for i in range(0, len(symbols), CODE_GROUP_SIZE)
    )


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def of(self, user: Any) -> "CertificateQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(enrollment__practitioner=user)

    def current(self) -> "CertificateQuerySet":
        return self.filter(status__in=Certificate.CURRENT)


class Certificate(models.Model):
    """One certificate for one enrollment. The row is the outbox: created `pending` in the
    transaction that completed the course, then claimed and issued by a worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be issued")
        RENDERING = "rendering", _("Being issued")
        BLOCKED = "blocked", _("Blocked: accreditation mismatch")
        FAILED = "failed", _("Failed")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded by a re-issue")

    # Statuses of the one live certificate an enrollment may have; the rest are history.
    CURRENT = (Status.PENDING, Status.RENDERING, Status.BLOCKED, Status.FAILED, Status.ISSUED)

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates"
    )
    # Copied from the enrollment on save: the register reads a course's certificates, newest
    # first, straight from an index instead of joining every enrollment of the course.
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        related_name="certificates",
        editable=False,
        db_index=False,
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    blocked_reason = models.TextField(blank=True)
    # Everything printed, frozen at the first claim (courses/lib/snapshot.py, as JSON).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    pdf_key = models.CharField(max_length=200, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    credential = models.JSONField(null=True, blank=True, editable=False)
    credential_jwt = models.TextField(blank=True, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )

    objects: ClassVar[CertificateQuerySet] = CertificateQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status__in=["pending", "rendering", "blocked", "failed", "issued"]),
                name="unique_current_certificate_per_enrollment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["course", "-created_at", "-id"],
                include=["status"],
                name="certificate_course_newest",
            ),
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["pending", "rendering", "blocked", "failed"]),
                name="certificate_unfinished",
            ),
            # The sweep looks every minute for issued certificates never e-mailed: a handful at
            # most, found without reading every issued one.
            models.Index(
                fields=["id"],
                condition=Q(status="issued", emailed_at__isnull=True),
                name="certificate_issued_unemailed",
            ),
        ]

    def __str__(self) -> str:
        return f"Certificate {self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.course_id is None:
            self.course_id = self.enrollment.course_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:verify", kwargs={"code": self.code})

    @property
    def verification_url(self) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED


class CertificateEvent(models.Model):
    """The certificate's history: what happened, when, by whom and why."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Requested on completion")
        BLOCKED = "blocked", _("Blocked")
        ISSUED = "issued", _("Issued")
        EMAIL_SENDING = "email_sending", _("E-mail being sent")
        EMAILED = "emailed", _("E-mailed to the practitioner")
        EMAIL_FAILED = "email_failed", _("E-mail not sent")
        FAILED = "failed", _("Failed")
        RETRIED = "retried", _("Retry requested")
        REVOKED = "revoked", _("Revoked")
        REISSUED = "reissued", _("Re-issued")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["certificate", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.certificate}"


def message_id_for(code: str, kind: str) -> str:
    """The Message-ID of a certificate's message of this kind: the same for every attempt, so a
    resend after a crash between the mail server's answer and its record is recognisable."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<certificate-{code}-{kind}@{domain}>"


class CertificateEmailQuerySet(models.QuerySet["CertificateEmail"]):
    def unfinished(self) -> "CertificateEmailQuerySet":
        return self.filter(status__in=CertificateEmail.UNFINISHED)


class CertificateEmail(models.Model):
    """The outbox of one message about a certificate: created in the transaction that issued or
    revoked it, claimed with a lease before the mail server is spoken to, and marked sent (or
    the error recorded) afterwards. One row per certificate and kind, so one message each."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Certificate issued")
        REVOKED = "revoked", _("Certificate revoked")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        ERROR = "error", _("Not sent yet: will retry")
        FAILED = "failed", _("Failed")

    UNFINISHED = (Status.PENDING, Status.SENDING, Status.ERROR)

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Fixed when the row is created (from the code, the kind and SITE_URL), so every attempt
    # sends the same one even if SITE_URL changes meanwhile.
    message_id = models.CharField(max_length=200, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[CertificateEmailQuerySet] = CertificateEmailQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["certificate", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind"], name="one_email_per_certificate_and_kind"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["pending", "sending", "error"]),
                name="certificate_email_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} e-mail for {self.certificate}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.message_id:
            self.message_id = message_id_for(self.certificate.code, self.kind)
        super().save(*args, **kwargs)
