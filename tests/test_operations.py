"""Operations: structured logs, key rotation, and bulk re-sending that never touches issued
certificates."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from academy.logs import ContextFilter, JsonFormatter, about_certificate, redact
from courses.lib import credentials
from courses.models import Certificate
from courses.services import certificates
from tests.courses.services.test_certificates import completed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_responses_carry_a_request_id_and_reuse_a_sane_incoming_one(client):
    fresh = client.get(reverse("healthz"))
    reused = client.get(reverse("healthz"), headers={"X-Request-ID": "proxy-abc-123"})
    hostile = client.get(reverse("healthz"), headers={"X-Request-ID": "x\nInjected: yes"})

    assert len(fresh["X-Request-ID"]) == 32
    assert reused["X-Request-ID"] == "proxy-abc-123"
    assert hostile["X-Request-ID"] != "x\nInjected: yes"


def test_json_log_lines_carry_the_certificate_and_never_a_secret(settings):
    settings.SECRET_KEY = "super-secret-value-123"
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.operations")
    logger.addHandler(handler)
    try:
        with about_certificate("ABCD-EFGH-JKMN-PQRS-TVWX"):
            try:
                raise RuntimeError(
                    "failed with super-secret-value-123 and redis://user:hunter2@host:6379/0"
                )
            except RuntimeError:
                logger.exception("issuing failed")
    finally:
        logger.removeHandler(handler)

    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["certificate"] == "ABCD-EFGH-JKMN-PQRS-TVWX"
    assert entry["level"] == "ERROR"
    assert "RuntimeError" in entry["exception"]
    assert "super-secret-value-123" not in stream.getvalue()
    assert "hunter2" not in stream.getvalue()


def test_private_keys_are_removed_from_log_text():
    pem = credentials.generate_private_key_pem()

    assert "PRIVATE KEY" not in redact(f"loaded {pem} ok").replace("[private key removed]", "")


def test_after_a_key_rotation_old_credentials_still_verify_with_the_published_keys(
    client, practitioner, settings, tmp_path
):
    old = completed(practitioner)
    certificates.issue_certificate(certificate_id=old.pk)
    old.refresh_from_db()
    retired = tmp_path / "retired.pem"
    retired.write_text(credentials.public_key_pem(certificates.signing_key().public_key()))
    settings.CREDENTIAL_SIGNING_KEY = credentials.generate_private_key_pem()
    settings.CREDENTIAL_RETIRED_PUBLIC_KEYS_FILE = str(retired)
    certificates.signing_key.cache_clear()
    certificates.public_keys.cache_clear()
    try:
        new = completed(practitioner)
        certificates.issue_certificate(certificate_id=new.pk)
        new.refresh_from_db()
        keys = client.get(reverse("courses:jwks")).json()["keys"]
        published = {
            key["kid"]: credentials.Ed25519PublicKey.from_public_bytes(
                credentials._b64url_decode(key["x"])
            )
            for key in keys
        }
        assert len(published) == 2
        for certificate in (old, new):
            assert credentials.verify_credential(certificate.credential_jwt, public_keys=published)
    finally:
        certificates.signing_key.cache_clear()
        certificates.public_keys.cache_clear()


def test_requeueing_sends_unfinished_certificates_and_never_touches_issued_ones(
    practitioner, django_capture_on_commit_callbacks
):
    issued = completed(practitioner)
    certificates.issue_certificate(certificate_id=issued.pk)
    issued.refresh_from_db()
    frozen = (issued.pdf_sha256, issued.credential_jwt, issued.issued_at, issued.emailed_at)
    failed = completed(practitioner)
    Certificate.objects.filter(pk=failed.pk).update(status=Certificate.Status.FAILED, tries=5)
    pending = completed(practitioner)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_certificates", stdout=out)

    issued.refresh_from_db()
    assert (issued.pdf_sha256, issued.credential_jwt, issued.issued_at, issued.emailed_at) == (
        frozen
    )
    assert issued.code not in out.getvalue()
    statuses = dict(Certificate.objects.values_list("pk", "status"))
    assert statuses[failed.pk] == Certificate.Status.ISSUED
    assert statuses[pending.pk] == Certificate.Status.ISSUED
    assert "2 certificate(s) sent" in out.getvalue()


def test_requeueing_refuses_issued_as_a_status():
    with pytest.raises(CommandError, match="invalid choice: 'issued'"):
        call_command("requeue_certificates", "--status", "issued")


def test_the_key_command_prints_the_public_key_only():
    out = StringIO()

    call_command("credential_key", stdout=out)

    assert "BEGIN PUBLIC KEY" in out.getvalue()
    assert "PRIVATE" not in out.getvalue()
