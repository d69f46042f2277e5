from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from academy import auth  # noqa: F401 - connects the receivers that forget a cached user
