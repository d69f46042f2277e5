import base64
import contextlib
import hashlib
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses.lib import credentials
from courses.models import (
    Accreditation,
    AccreditingBody,
    Certificate,
    CertificateEmail,
    CertificateEvent,
    CourseInstructor,
    Enrollment,
)
from courses.services import certificates
from courses.services.background import MAX_RETRIES
from courses.services.certificates import issue_certificate_task, sweep_certificates
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.factories import UserFactory, course_with_lessons, teach

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
Status = Certificate.Status


def stored_pdfs() -> list[str]:
    if not default_storage.exists("certificates"):
        return []
    return default_storage.listdir("certificates")[1]


def accredit(course, **fields) -> Accreditation:
    body, _ = AccreditingBody.objects.get_or_create(
        name="National Certification Board for Therapeutic Massage & Bodywork",
        defaults={"abbreviation": "NCBTMB"},
    )
    values = {
        "course": course,
        "body": body,
        "provider_name": "Bodywork Academy Ltd",
        "provider_number": "451234",
        "provider_contact": "cpd@bodywork.example",
        "approved_title": course.title,
        "approved_hours": course.ce_hours,
        "delivery_type": Accreditation.Delivery.HOME_STUDY,
        "valid_from": date(2026, 1, 1),
        **fields,
    }
    return Accreditation.objects.create(**values)


def finish(practitioner, course) -> Enrollment:
    enrollment = enroll(practitioner=practitioner, course=course)
    for lesson in course.lessons.all():
        complete_lesson(practitioner=practitioner, lesson=lesson)
    enrollment.refresh_from_db()
    return enrollment


def completed(practitioner, **course_fields) -> Certificate:
    """A finished course whose certificate has been requested but not yet issued."""
    course = course_with_lessons(2, **course_fields)
    enrollment = enroll(practitioner=practitioner, course=course)
    lessons = list(course.lessons.all())
    complete_lesson(practitioner=practitioner, lesson=lessons[0])
    with transaction.atomic():
        # Issuing is left to the test: the task is sent on commit, captured here.
        from unittest import mock

        with mock.patch.object(issue_certificate_task, "delay"):
            complete_lesson(practitioner=practitioner, lesson=lessons[1])
    return Certificate.objects.get(enrollment=enrollment)


# --- requesting ------------------------------------------------------------------------------


def test_completing_the_course_creates_a_pending_certificate_and_sends_it_after_commit(
    practitioner, django_capture_on_commit_callbacks
):
    course = course_with_lessons(2)
    enroll(practitioner=practitioner, course=course)
    first, last = course.lessons.all()
    complete_lesson(practitioner=practitioner, lesson=first)
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complete_lesson(practitioner=practitioner, lesson=last)

    certificate = Certificate.objects.get()
    assert certificate.status == Status.PENDING
    assert len(callbacks) == 1
    callbacks[0]()
    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED


def test_a_rolled_back_completion_leaves_no_certificate_and_sends_nothing(
    practitioner, django_capture_on_commit_callbacks
):
    course = course_with_lessons(1)
    enroll(practitioner=practitioner, course=course)

    def fail_after_recording() -> None:
        with transaction.atomic():
            complete_lesson(practitioner=practitioner, lesson=course.lessons.get())
            raise RuntimeError("the request failed after the step was recorded")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        fail_after_recording()

    assert callbacks == []
    assert not Certificate.objects.exists()
    assert mail.outbox == []


# --- issuing ---------------------------------------------------------------------------------


def test_issuing_three_times_gives_one_certificate_one_pdf_one_email_and_the_same_code(
    practitioner,
):
    certificate = completed(practitioner)

    for _ in range(3):
        issue_certificate_task.delay(certificate.pk)
        certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert Certificate.objects.count() == 1
    assert certificate.status == Status.ISSUED
    assert stored_pdfs() == [f"{certificate.code}.pdf"]
    assert len(mail.outbox) == 1
    assert certificate.code in mail.outbox[0].body
    assert certificate.tries == 1
    with default_storage.open(certificate.pdf_key, "rb") as pdf:
        assert hashlib.sha256(pdf.read()).hexdigest() == certificate.pdf_sha256


def test_the_email_has_text_and_html_with_links_to_the_pdf_credential_and_verification(
    practitioner,
):
    certificate = completed(practitioner)
    certificates.issue_certificate(certificate_id=certificate.pk)

    message = mail.outbox[0]
    html = str(message.alternatives[0][0])
    for part in (message.body, html):
        assert f"/verify/{certificate.code}/" in part
        assert f"/certificates/{certificate.code}.pdf" in part
        assert f"/certificates/{certificate.code}.json" in part
    assert message.to == [practitioner.email]


def test_the_pdf_states_holder_course_hours_and_code(practitioner):
    practitioner.full_name = "Zoë Łęcka-Παπαδοπούλου"
    practitioner.save()
    certificate = completed(practitioner, title="Fascia essentials", ce_hours=Decimal("2.5"))
    accredit(certificate.enrollment.course)

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    with default_storage.open(certificate.pdf_key, "rb") as pdf:
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    for expected in ("Zoë Łęcka-Παπαδοπούλου", "Fascia essentials", "2.5 CE hours", "451234"):
        assert expected in text
    assert certificate.code in text


def test_the_snapshot_names_the_instructors_in_their_order_skipping_nameless_ones(practitioner):
    certificate = completed(practitioner)
    course = certificate.enrollment.course
    for position, name in enumerate(["Second Teacher", "", "First Teacher"]):
        instructor = UserFactory.create(full_name=name)
        CourseInstructor.objects.create(
            course=course, instructor=instructor, role=CourseInstructor.Role.EDITOR
        )
        CourseInstructor.objects.filter(instructor=instructor).update(position=2 - position)

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.snapshot["instructor_names"] == ["First Teacher", "Second Teacher"]


def test_an_issued_certificate_is_frozen_against_later_edits(client, practitioner):
    certificate = completed(practitioner, title="Stretching for glutes")
    certificates.issue_certificate(certificate_id=certificate.pk)
    course = certificate.enrollment.course
    course.title = "Renamed course"
    course.ce_hours = Decimal("9")
    course.save()
    practitioner.full_name = "Someone Else"
    practitioner.save()

    page = client.get(reverse("courses:verify", args=[certificate.code])).content.decode()

    assert "Stretching for glutes" in page
    assert "Priya Patel" in page
    assert "Renamed course" not in page
    assert "Someone Else" not in page


def test_a_course_without_accreditation_issues_a_certificate_of_completion(practitioner):
    certificate = completed(practitioner)

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert certificate.snapshot["accreditation"] is None


def test_a_mismatch_with_the_accreditation_blocks_until_it_is_fixed(practitioner):
    certificate = completed(practitioner, title="Fascia essentials")
    course = certificate.enrollment.course
    approval = accredit(course, approved_title="Fascia essentials", approved_hours=Decimal("3"))

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.BLOCKED
    assert "2 CE hours differ from the 3 approved by NCBTMB" in certificate.blocked_reason
    assert mail.outbox == []
    assert stored_pdfs() == []

    approval.approved_hours = Decimal("2")
    approval.save()
    sweep_certificates.delay()

    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert certificate.snapshot["accreditation"]["provider_number"] == "451234"
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds == ["requested", "blocked", "issued", "email_sending", "emailed"]


def test_an_expired_accreditation_does_not_block_or_print(practitioner):
    certificate = completed(practitioner)
    accredit(
        certificate.enrollment.course,
        approved_title="Old title",
        valid_from=date(2020, 1, 1),
        valid_until=date(2021, 1, 1),
    )

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert certificate.snapshot["accreditation"] is None


def test_a_crash_between_storing_the_pdf_and_marking_it_issued_then_a_rerun_sends_one_email(
    practitioner, monkeypatch
):
    certificate = completed(practitioner)
    real_mark = certificates._mark_issued
    calls = {"n": 0}

    def crash_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("worker lost its database connection")
        return real_mark(*args, **kwargs)

    monkeypatch.setattr(certificates, "_mark_issued", crash_once)
    with pytest.raises(OSError, match="lost its database connection"):
        certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING
    assert stored_pdfs() == [f"{certificate.code}.pdf"]

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert stored_pdfs() == [f"{certificate.code}.pdf"]
    assert len(mail.outbox) == 1


def test_a_mail_error_leaves_the_certificate_issued_and_the_sweep_sends_one_email(
    practitioner, monkeypatch, settings
):
    certificate = completed(practitioner)
    real_deliver = certificates._deliver

    def refused(message):
        raise ConnectionRefusedError("the mail server is away")

    monkeypatch.setattr(certificates, "_deliver", refused)
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert certificate.emailed_at is None
    assert mail.outbox == []
    email = certificate.emails.get()
    assert email.status == CertificateEmail.Status.ERROR
    assert "the mail server is away" in email.last_error

    monkeypatch.setattr(certificates, "_deliver", real_deliver)
    sweep_certificates.delay()
    assert mail.outbox == [], "the retry waits for its backoff"
    CertificateEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now())
    sweep_certificates.delay()
    sweep_certificates.delay()
    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    assert certificate.tries == 1
    assert len(mail.outbox) == 1
    assert list(certificate.events.values_list("kind", flat=True)) == [
        CertificateEvent.Kind.REQUESTED,
        CertificateEvent.Kind.ISSUED,
        CertificateEvent.Kind.EMAIL_SENDING,
        CertificateEvent.Kind.EMAIL_FAILED,
        CertificateEvent.Kind.EMAIL_SENDING,
        CertificateEvent.Kind.EMAILED,
    ]


def test_a_certificate_that_always_crashes_ends_failed_and_staff_can_retry_it(
    practitioner, staff_user, monkeypatch, client, django_capture_on_commit_callbacks
):
    certificate = completed(practitioner)

    def broken(snapshot):
        raise ValueError("template bug")

    monkeypatch.setattr(certificates, "render_certificate", broken)
    issue_certificate_task.delay(certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.FAILED
    assert "template bug" in certificate.last_error
    assert mail.outbox == []

    monkeypatch.undo()
    client.force_login(staff_user)
    url = reverse("courses:certificate_action", args=[certificate.code, "retry"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert len(mail.outbox) == 1


def test_transient_errors_are_retried_a_capped_number_of_times_then_fail(practitioner, monkeypatch):
    certificate = completed(practitioner)
    calls = {"n": 0}

    def flaky(snapshot):
        calls["n"] += 1
        raise TimeoutError("storage did not answer")

    monkeypatch.setattr(certificates, "render_certificate", flaky)
    # Each delivery as the broker would make it, with the task's own retry count.
    for retries in range(MAX_RETRIES + 1):
        certificate.refresh_from_db()
        assert certificate.status == Status.PENDING
        with contextlib.suppress(Retry):
            issue_certificate_task.apply(args=[certificate.pk], retries=retries, throw=True)

    certificate.refresh_from_db()
    assert certificate.status == Status.FAILED
    assert "storage did not answer" in certificate.last_error
    assert calls["n"] == MAX_RETRIES + 1


def test_a_claim_that_keeps_dying_is_failed_after_the_cap_not_looped(practitioner, settings):
    """A worker killed mid-render leaves the row rendering; each reclaim counts as a try."""
    certificate = completed(practitioner)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Status.RENDERING,
        tries=settings.CERTIFICATE_MAX_TRIES,
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.FAILED
    assert "Gave up after 5 tries" in certificate.last_error


def test_a_lease_held_by_another_worker_is_left_alone(practitioner):
    certificate = completed(practitioner)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Status.RENDERING, tries=1, lease_until=timezone.now() + timedelta(minutes=1)
    )

    certificates.issue_certificate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == Status.RENDERING
    assert stored_pdfs() == []


def test_the_sweep_resends_stale_pending_and_expired_leases_and_requests_missing_ones(
    practitioner,
):
    stale = completed(practitioner)
    Certificate.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    expired = completed(practitioner)
    Certificate.objects.filter(pk=expired.pk).update(
        status=Status.RENDERING, tries=1, lease_until=timezone.now() - timedelta(seconds=5)
    )
    fresh = completed(practitioner)
    missing = completed(practitioner)
    missing_enrollment = missing.enrollment
    missing.events.all().delete()
    missing.delete()

    sent = sweep_certificates.delay().get()

    assert sent == 3
    statuses = dict(Certificate.objects.values_list("enrollment_id", "status"))
    assert statuses[stale.enrollment_id] == Status.ISSUED
    assert statuses[expired.enrollment_id] == Status.ISSUED
    assert statuses[fresh.enrollment_id] == Status.PENDING  # its own message is on its way
    assert statuses[missing_enrollment.pk] == Status.ISSUED
    assert len(mail.outbox) == 3


def test_one_current_certificate_per_enrollment_is_enforced_by_the_database(practitioner):
    from django.db import IntegrityError

    certificate = completed(practitioner)

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(enrollment=certificate.enrollment)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_at_once_make_one_pdf_and_one_email(practitioner, require_postgres):
    for round_ in range(3):
        certificate = completed(practitioner, slug=f"race-{round_}")
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(barrier=barrier, errors=errors, pk=certificate.pk) -> None:
            try:
                barrier.wait(timeout=10)
                certificates.issue_certificate(certificate_id=pk)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        certificate.refresh_from_db()
        assert certificate.status in (Status.ISSUED, Status.RENDERING)
        certificates.issue_certificate(certificate_id=certificate.pk)
        certificate.refresh_from_db()
        assert certificate.status == Status.ISSUED
    assert len(stored_pdfs()) == 3
    assert len(mail.outbox) == 3


# --- the credential --------------------------------------------------------------------------


def test_the_credential_is_signed_with_the_published_key_and_matches_the_certificate(
    client, practitioner
):
    certificate = completed(practitioner, ce_hours=Decimal("1.5"))
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()

    keys = client.get(reverse("courses:jwks")).json()["keys"]
    public = {
        key["kid"]: Ed25519PublicKey.from_public_bytes(
            base64.urlsafe_b64decode(key["x"] + "=" * (-len(key["x"]) % 4))
        )
        for key in keys
    }
    verified = credentials.verify_credential(certificate.credential_jwt, public_keys=public)

    assert verified == certificate.credential
    subject = verified["credentialSubject"]
    assert subject["achievement"]["achievementType"] == "CertificateOfCompletion"
    assert subject["achievement"]["creditsAvailable"] == 1.5
    assert practitioner.email not in str(verified)
    salt = subject["identifier"][0]["salt"]
    expected = "sha256$" + hashlib.sha256((practitioner.email + salt).encode()).hexdigest()
    assert subject["identifier"][0]["identityHash"] == expected


def test_every_issued_credential_validates_against_the_open_badges_schema(practitioner, shared_dir):
    import json

    from jsonschema import Draft201909Validator  # type: ignore[import-untyped]

    certificate = completed(practitioner)
    accredit(certificate.enrollment.course)
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    schema = json.loads(
        (shared_dir / "conformance/ob3/schema/achievementcredential.json").read_text()
    )

    errors = [e.message for e in Draft201909Validator(schema).iter_errors(certificate.credential)]

    assert errors == []


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def issued(practitioner) -> Certificate:
    certificate = completed(practitioner, title="Fascia essentials")
    certificates.issue_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    mail.outbox.clear()
    return certificate


def test_verification_shows_a_valid_certificate_to_anyone(client, issued):
    response = client.get(reverse("courses:verify", args=[issued.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid." in page
    assert "Fascia essentials" in page
    assert issued.pdf_sha256 in page


def test_a_typed_code_in_lower_case_without_dashes_still_verifies(client, issued):
    typed = issued.code.replace("-", "").lower()

    assert client.get(f"/verify/{typed}/").status_code == 200


def test_unknown_and_malformed_codes_get_the_same_404(client, issued):
    unknown = client.get("/verify/AAAA-AAAA-AAAA-AAAA-AAAA/")
    malformed = client.get("/verify/not-a-code/")

    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content


def test_a_pending_certificate_is_not_verifiable_yet(client, practitioner):
    certificate = completed(practitioner)

    assert client.get(reverse("courses:verify", args=[certificate.code])).status_code == 404


def test_verification_lookups_are_rate_limited(client, issued, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify_certificate": "3/m/ip"}
    url = reverse("courses:verify", args=[issued.code])

    codes = [client.get(url).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_dropping_the_issued_pdf_on_the_page_confirms_it_and_an_altered_one_fails(client, issued):
    url = reverse("courses:verify", args=[issued.code])
    with default_storage.open(issued.pdf_key, "rb") as pdf:
        original = pdf.read()

    same = client.post(url, {"file": SimpleUploadedFile("c.pdf", original)})
    altered = client.post(url, {"file": SimpleUploadedFile("c.pdf", original + b"%")})
    not_pdf = client.post(url, {"file": SimpleUploadedFile("c.pdf", b"GIF89a")})

    assert "its SHA-256 digest matches" in same.content.decode()
    assert "is not the file that was issued" in altered.content.decode()
    assert "That file is not a PDF" in not_pdf.content.decode()


def test_the_json_form_gives_machines_the_same_answer(client, issued):
    body = client.get(reverse("courses:verify_json", args=[issued.code])).json()

    assert body["status"] == "valid"
    assert body["certificate"]["course_title"] == "Fascia essentials"
    assert body["pdf_sha256"] == issued.pdf_sha256
    assert "recipient_salt" not in body["certificate"]


def test_revoking_needs_a_reason_shows_on_verification_and_tells_the_holder(
    client, issued, instructor, django_capture_on_commit_callbacks
):
    teach(issued.enrollment.course, instructor)
    client.force_login(instructor)
    url = reverse("courses:certificate_action", args=[issued.code, "revoke"])

    client.post(url, {"reason": ""})
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Completed under another person's account"})
    issued.refresh_from_db()
    assert issued.status == Status.REVOKED
    page = client.get(reverse("courses:verify", args=[issued.code])).content.decode()
    assert "Revoked." in page
    assert "Completed under another person&#x27;s account" in page
    assert len(mail.outbox) == 1
    assert "revoked" in mail.outbox[0].subject
    assert client.get(reverse("courses:verify_json", args=[issued.code])).json()["status"] == (
        "revoked"
    )


def test_reissuing_gives_a_new_code_and_the_old_one_points_to_it(
    client, issued, practitioner, staff_user, django_capture_on_commit_callbacks
):
    practitioner.full_name = "Priya Patel-Shah"
    practitioner.save()
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("courses:certificate_action", args=[issued.code, "reissue"]),
            {"reason": "Name corrected after marriage"},
        )

    issued.refresh_from_db()
    new = issued.superseded_by
    assert issued.status == Status.SUPERSEDED
    assert new.status == Status.ISSUED
    assert new.code != issued.code
    assert new.snapshot["holder_name"] == "Priya Patel-Shah"
    old_page = client.get(reverse("courses:verify", args=[issued.code])).content.decode()
    assert "Superseded." in old_page
    assert new.get_absolute_url() in old_page
    assert CertificateEvent.objects.filter(certificate=issued, kind="reissued").exists()
    assert len(mail.outbox) == 1  # the new certificate's e-mail


def test_only_the_courses_instructors_and_staff_can_revoke(client, issued, practitioner):
    other_instructor = UserFactory.create(is_instructor=True)
    teach(course_with_lessons(1), other_instructor)
    url = reverse("courses:certificate_action", args=[issued.code, "revoke"])

    client.force_login(practitioner)
    assert client.post(url, {"reason": "I do not like it"}).status_code == 403
    client.force_login(other_instructor)
    assert client.post(url, {"reason": "I do not like it"}).status_code == 404
    register = reverse("courses:certificate_register", args=[issued.enrollment.course.slug])
    assert client.get(register).status_code == 404
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED


def test_the_holder_downloads_the_stored_pdf_and_nobody_else_can(client, issued, practitioner):
    pdf_url = reverse("courses:certificate_pdf", args=[issued.code])
    json_url = reverse("courses:certificate_json", args=[issued.code])

    anonymous = client.get(pdf_url)
    client.force_login(UserFactory.create())
    stranger = (client.get(pdf_url).status_code, client.get(json_url).status_code)
    client.force_login(practitioner)
    own = client.get(pdf_url)

    assert anonymous.status_code == 302
    assert stranger == (404, 404)
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    body = b"".join(own.streaming_content)
    assert hashlib.sha256(body).hexdigest() == issued.pdf_sha256
    assert client.get(json_url).json()["jwt"] == issued.credential_jwt


def test_my_certificates_lists_issued_and_pending_ones(client, issued, practitioner):
    pending = completed(practitioner, title="Breathing and awareness")
    client.force_login(practitioner)

    page = client.get(reverse("courses:certificates")).content.decode()

    assert issued.code in page
    assert "Breathing and awareness" in page
    assert pending.code not in page  # not verifiable yet, so not shown
    assert "being issued" in page


def test_the_register_shows_blocked_reasons_to_the_courses_instructor(
    client, practitioner, instructor
):
    certificate = completed(practitioner, title="Fascia essentials")
    accredit(certificate.enrollment.course, approved_title="Fascia: the essentials")
    certificates.issue_certificate(certificate_id=certificate.pk)
    teach(certificate.enrollment.course, instructor)
    client.force_login(instructor)

    page = client.get(
        reverse("courses:certificate_register", args=[certificate.enrollment.course.slug])
    ).content.decode()

    assert "differs from the title approved by NCBTMB" in page


def test_jwks_publishes_the_signing_key_publicly(client):
    body = client.get(reverse("courses:jwks")).json()

    assert body["keys"][0]["kty"] == "OKP"
    assert body["keys"][0]["crv"] == "Ed25519"
    assert "d" not in body["keys"][0]


# --- query counts ----------------------------------------------------------------------------


def test_certificate_pages_query_counts_do_not_grow_with_the_number_of_certificates(
    client, practitioner, instructor
):
    from django.test.utils import CaptureQueriesContext

    def count(user, url) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def counts(course) -> tuple[int, int, int]:
        certificate = Certificate.objects.filter(status=Status.ISSUED).first()
        return (
            count(practitioner, reverse("courses:certificates")),
            count(instructor, reverse("courses:certificate_register", args=[course.slug])),
            count(practitioner, reverse("courses:verify", args=[certificate.code])),
        )

    first = completed(practitioner)
    course = first.enrollment.course
    certificates.issue_certificate(certificate_id=first.pk)
    teach(course, instructor)
    one = counts(course)
    for _ in range(4):
        more = completed(practitioner)
        certificates.issue_certificate(certificate_id=more.pk)
    for other in UserFactory.create_batch(3):
        enrollment = enroll(practitioner=other, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=timezone.now())
    for certificate_id in certificates.request_missing_certificates():
        certificates.issue_certificate(certificate_id=certificate_id)
    many = counts(course)

    assert one == many


def test_a_pdf_check_upload_over_the_size_limit_is_refused_unread(client, issued):
    url = reverse("courses:verify", args=[issued.code])
    big = SimpleUploadedFile("huge.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))

    page = client.post(url, {"file": big}).content.decode()

    assert "larger than 5 MB" in page
    assert "digest matches" not in page
