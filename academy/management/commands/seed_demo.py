from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from academy.models import User
from courses.services.demo import (
    load_demo_accreditation,
    load_demo_courses,
    load_demo_quizzes,
)

# Known passwords are acceptable only because the command refuses to run unless DEBUG is on.
DEMO_ACCOUNTS = [
    {
        "email": "staff@example.com",
        "full_name": "Sam Staff",
        "password": "demo-staff-pass",
        "is_staff": True,
        "is_superuser": True,
        "is_instructor": True,
    },
    {
        "email": "instructor@example.com",
        "full_name": "Imogen Hart",
        "password": "demo-instructor-pass",
        "is_staff": False,
        "is_superuser": False,
        "is_instructor": True,
    },
    {
        "email": "practitioner@example.com",
        "full_name": "Priya Patel",
        "password": "demo-practitioner-pass",
        "is_staff": False,
        "is_superuser": False,
        "is_instructor": False,
    },
]


class Command(BaseCommand):
    help = "Create the demo accounts and demo courses. Safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with known passwords: DEBUG only.")
        with transaction.atomic():
            for account in DEMO_ACCOUNTS:
                self._ensure_account(dict(account))
            courses = load_demo_courses()
            quizzes = load_demo_quizzes()
            accreditation = load_demo_accreditation()
        for course in courses:
            self.stdout.write(f"  course: {course.title} ({course.get_status_display()})")
        self.stdout.write(f"  quizzes: {len(quizzes)} (imported from courses/demo/*.gift)")
        self.stdout.write(f"  accreditation: {accreditation}")
        self.stdout.write(self.style.SUCCESS("Demo accounts (log in with e-mail and password):"))
        for account in DEMO_ACCOUNTS:
            role = (
                "staff"
                if account["is_staff"]
                else ("instructor" if account["is_instructor"] else "practitioner")
            )
            self.stdout.write(f"  {role:<13} {account['email']:<26} {account['password']}")

    def _ensure_account(self, account: dict[str, Any]) -> None:
        password = account.pop("password")
        email = account.pop("email")
        user, created = User.objects.get_or_create(email=email, defaults=account)
        if created:
            user.set_password(password)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
