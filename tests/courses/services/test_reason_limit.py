"""A revocation or re-issue reason is shown on the public verification page and kept in the
certificate's history: it is refused past a sentence or two, not stored unbounded."""

import pytest
from django.urls import reverse

from courses.models import Certificate
from courses.services import certificates
from tests.courses.services.test_certificates import completed
from tests.factories import teach

pytestmark = pytest.mark.django_db


def test_a_revocation_reason_is_bounded(client, instructor, practitioner, private_storage):
    certificate = completed(practitioner)
    certificates.issue_certificate(certificate_id=certificate.pk)
    teach(certificate.enrollment.course, instructor)
    client.force_login(instructor)
    url = reverse("courses:certificate_action", args=[certificate.code, "revoke"])

    page = client.post(url, {"reason": "x" * 1001}, follow=True).content.decode()

    assert "at most 1000 characters" in page
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_the_service_itself_refuses_a_reason_past_the_limit(
    practitioner, instructor, private_storage
):
    """The rule lives in the service, so any caller (a view, the admin, a script) meets it."""
    from django.core.exceptions import ValidationError

    certificate = completed(practitioner)
    certificates.issue_certificate(certificate_id=certificate.pk)

    with pytest.raises(ValidationError, match="at most 1000 characters"):
        certificates.revoke_certificate(certificate=certificate, by=instructor, reason="x" * 1001)
    with pytest.raises(ValidationError, match="at most 1000 characters"):
        certificates.reissue_certificate(certificate=certificate, by=instructor, reason="y" * 1001)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
