from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from allauth.mfa.totp.internal.auth import TOTP

        # auth connects the receivers that forget a cached user.
        from academy import auth, mfa  # noqa: F401

        # Every TOTP check (login, re-authentication) goes through this one method.
        TOTP.validate_code = mfa.validate_code
