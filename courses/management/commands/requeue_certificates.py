"""Send unfinished certificates to the workers again, e.g. after fixing a template or a fault.

Issued certificates are never touched: their PDF, credential and e-mail are frozen at issue. A
corrected certificate is a re-issue (a new code), done one by one with a reason.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.models import Certificate
from courses.services.certificates import issue_certificate_task, retry_certificate

REQUEUEABLE = (
    Certificate.Status.PENDING,
    Certificate.Status.FAILED,
    Certificate.Status.BLOCKED,
)


class Command(BaseCommand):
    help = "Re-send pending, failed or blocked certificates to the workers (never issued ones)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--status",
            action="append",
            choices=[str(s) for s in REQUEUEABLE],
            help="Only certificates in this status (repeatable); default: all three.",
        )
        parser.add_argument("--course", help="Only certificates of this course (slug).")
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        statuses = options["status"] or [str(s) for s in REQUEUEABLE]
        if any(s not in REQUEUEABLE for s in statuses):
            raise CommandError("Only pending, failed or blocked certificates can be re-sent.")
        certificates = Certificate.objects.filter(status__in=statuses).select_related(
            "enrollment__course"
        )
        if options["course"]:
            certificates = certificates.filter(course__slug=options["course"])
        sent = 0
        for certificate in certificates.order_by("pk").iterator(chunk_size=500):
            self.stdout.write(f"{certificate.code} {certificate.status}")
            if options["dry_run"]:
                continue
            if certificate.status == Certificate.Status.FAILED:
                with transaction.atomic():
                    retry_certificate(certificate=certificate, by=None)
            else:
                issue_certificate_task.delay(certificate.pk)
            sent += 1
        self.stdout.write(self.style.SUCCESS(f"{sent} certificate(s) sent to the workers."))
