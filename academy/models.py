from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.fields import SingleLineCharField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: every user is a practitioner; some are also instructors."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = SingleLineCharField(
        _("name on certificates"),
        max_length=150,
        help_text=_("Exactly as it should be printed on your certificates."),
    )
    is_instructor = models.BooleanField(
        _("instructor"),
        default=False,
        help_text=_("Granted by staff: may author courses and sign off practical assessments."),
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_email_per_user_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        self.full_name = " ".join(self.full_name.split())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("profile")

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ProfessionalMembership(models.Model):
    """A practitioner's membership of a professional body, e.g. a CE board or association."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    body = SingleLineCharField(_("professional body"), max_length=120)
    membership_number = SingleLineCharField(_("membership number"), max_length=60)

    class Meta:
        ordering = ["body"]
        constraints = [
            models.UniqueConstraint(fields=["user", "body"], name="unique_body_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.membership_number}"


class TotpLastStep(models.Model):
    """The latest 30-second TOTP step whose code this user has had accepted (academy/mfa.py).

    A row of its own, not a column on User: a user saved from a stale copy (the per-request cached
    user) would write an old step back and let a used code work again.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    step = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.user_id}: {self.step}"
