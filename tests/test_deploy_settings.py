import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a" * 20 + "-production-like-secret-key-with-enough-entropy-9f3k2",
    "ALLOWED_HOSTS": "academy.example.com",
    "SITE_URL": "https://academy.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("ALLOWED_HOSTS", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_https_is_switched_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "DJANGO_HTTPS": "false"},
    )

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_demo_accounts_are_refused_when_debug_is_off():
    result = manage("seed_demo", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "DEBUG only" in result.stderr


def test_first_run_email_goes_to_files_under_var_mail():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)",
        env={"DJANGO_DEBUG": "true"},
    )

    assert result.returncode == 0, result.stderr
    backend, path = result.stdout.strip().splitlines()[-1].split()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(ROOT / "var" / "mail")
