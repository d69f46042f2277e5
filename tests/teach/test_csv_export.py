import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.lib.csv_export import safe_cell, write_rows
from courses.models import Attempt, Certificate, Enrollment
from courses.services import certificates
from courses.services.attempts import start_attempt
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from tests.factories import UserFactory, course_with_lessons, quiz_for, take_quiz, teach

LONDON = ZoneInfo("Europe/London")
EXPORTS = ["export_progress", "export_quiz_results", "export_certificates"]


# --- cells and lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Zoë O'Brien-Smith", "Zoë O'Brien-Smith"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (-3, "-3"),
        (Decimal("87.50"), "87.50"),
        (date(2025, 3, 4), "2025-03-04"),
        (datetime(2025, 7, 1, 9, 5, tzinfo=ZoneInfo("UTC")), "2025-07-01 10:05"),  # BST
    ],
)
def test_safe_cell_quotes_what_a_spreadsheet_would_run_and_formats_the_rest(value, cell):
    assert safe_cell(value) == cell


def test_write_rows_starts_with_the_byte_order_mark_and_quotes_csv_specials():
    lines = list(write_rows(["Name", "Note"], [["Ann, B", 'says "hi"\nthen'], ["=1+1", 2]]))

    assert lines[0] == "\ufeffName,Note\r\n"
    assert list(csv.reader(io.StringIO("".join(lines).removeprefix("\ufeff")))) == [
        ["Name", "Note"],
        ["Ann, B", 'says "hi"\nthen'],
        ["'=1+1", "2"],
    ]


def test_write_rows_is_lazy():
    def endless():
        n = 0
        while True:
            n += 1
            yield [n]

    lines = write_rows(["n"], endless())

    assert [next(lines) for _ in range(3)] == ["\ufeffn\r\n", "1\r\n", "2\r\n"]


# --- the exports -------------------------------------------------------------------------------


def export(client, name, course) -> StreamingHttpResponse:
    return client.get(reverse(f"courses:{name}", args=[course.slug]))


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def course(instructor):
    course = course_with_lessons(2, order_required=False, slug="fascia-basics")
    teach(course, instructor)
    return course


@pytest.mark.django_db
def test_progress_export_has_a_row_per_enrolled_practitioner(client, instructor, course):
    first, second = course.lessons.all()
    attacker = UserFactory.create(full_name='=HYPERLINK("http://evil")', email="evil@example.org")
    finisher = UserFactory.create(full_name="Zoë Ó Briain", email="zoe@example.org")
    enroll(practitioner=attacker, course=course)
    enroll(practitioner=finisher, course=course)
    complete_lesson(practitioner=attacker, lesson=first)
    complete_lesson(practitioner=finisher, lesson=first)
    complete_lesson(practitioner=finisher, lesson=second)
    Enrollment.objects.filter(practitioner=attacker).update(
        enrolled_at=datetime(2025, 3, 4, 10, 30, tzinfo=LONDON)
    )
    Enrollment.objects.filter(practitioner=finisher).update(
        enrolled_at=datetime(2025, 3, 5, 9, 0, tzinfo=LONDON),
        completed_at=datetime(2025, 3, 9, 18, 45, tzinfo=LONDON),
    )
    code = Certificate.objects.get(enrollment__practitioner=finisher).code
    client.force_login(instructor)

    response = export(client, "export_progress", course)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="fascia-basics-progress.csv"'
    assert read_csv(response) == [
        [
            "Practitioner",
            "E-mail",
            "Enrolled",
            "Required lessons done",
            "Percent",
            "Completed",
            "Certificate",
            "Certificate status",
        ],
        [
            '\'=HYPERLINK("http://evil")',
            "evil@example.org",
            "2025-03-04 10:30",
            "1 / 2",
            "50",
            "",
            "",
            "",
        ],
        [
            "Zoë Ó Briain",
            "zoe@example.org",
            "2025-03-05 09:00",
            "2 / 2",
            "100",
            "2025-03-09 18:45",
            code,
            "Waiting to be issued",
        ],
    ]


@pytest.mark.django_db
def test_quiz_results_export_has_a_row_per_submitted_attempt(client, instructor, course):
    quiz = quiz_for(course.lessons.last(), questions=2, pass_mark=50)
    practitioner = UserFactory.create(full_name="@SUM(1)", email="sum@example.org")
    enroll(practitioner=practitioner, course=course)
    failed = take_quiz(practitioner, quiz, right=False)
    passed = take_quiz(practitioner, quiz, right=True)
    Attempt.objects.filter(pk=failed.pk).update(
        started_at=datetime(2025, 1, 10, 9, 0, tzinfo=LONDON),
        submitted_at=datetime(2025, 1, 10, 9, 12, tzinfo=LONDON),
    )
    Attempt.objects.filter(pk=passed.pk).update(
        started_at=datetime(2025, 1, 11, 14, 0, tzinfo=LONDON),
        submitted_at=datetime(2025, 1, 11, 14, 20, tzinfo=LONDON),
    )
    other = UserFactory.create()
    enroll(practitioner=other, course=course)
    start_attempt(practitioner=other, quiz=quiz)  # open: not a result yet
    client.force_login(instructor)

    response = export(client, "export_quiz_results", course)

    lesson = course.lessons.last().title
    who = ["'@SUM(1)", "sum@example.org"]
    assert response["Content-Disposition"] == (
        'attachment; filename="fascia-basics-quiz-results.csv"'
    )
    assert read_csv(response) == [
        [
            "Practitioner",
            "E-mail",
            "Lesson",
            "Attempt",
            "Started",
            "Submitted",
            "Score (%)",
            "Passed",
        ],
        [*who, lesson, "1", "2025-01-10 09:00", "2025-01-10 09:12", "0.00", "no"],
        [*who, lesson, "2", "2025-01-11 14:00", "2025-01-11 14:20", "100.00", "yes"],
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")
def test_certificates_export_is_the_register(client, instructor, course):
    people = [
        UserFactory.create(full_name="Ann Issued", email="ann@example.org"),
        UserFactory.create(full_name="Ben Revoked", email="ben@example.org"),
        UserFactory.create(full_name="Cat Failed", email="cat@example.org"),
    ]
    for person in people:
        enroll(practitioner=person, course=course)
        for lesson in course.lessons.all():
            complete_lesson(practitioner=person, lesson=lesson)
    ann, ben, cat = (Certificate.objects.get(enrollment__practitioner=p) for p in people)
    certificates.issue_certificate(certificate_id=ann.pk)
    certificates.issue_certificate(certificate_id=ben.pk)
    ann_new = certificates.reissue_certificate(
        certificate=ann, by=instructor, reason="Name corrected"
    )
    certificates.revoke_certificate(
        certificate=ben, by=instructor, reason="-Issued to the wrong person"
    )
    certificates.mark_failed(certificate_id=cat.pk, error="=cmd|' /C calc'!A0")
    Certificate.objects.filter(pk=cat.pk).update(created_at=datetime(2025, 1, 1, tzinfo=LONDON))
    Certificate.objects.filter(pk=ben.pk).update(created_at=datetime(2025, 1, 2, tzinfo=LONDON))
    Certificate.objects.filter(pk=ann.pk).update(created_at=datetime(2025, 1, 3, tzinfo=LONDON))
    Certificate.objects.filter(pk=ann_new.pk).update(created_at=datetime(2025, 1, 4, tzinfo=LONDON))
    ben.refresh_from_db()
    ann.refresh_from_db()
    client.force_login(instructor)

    rows = read_csv(export(client, "export_certificates", course))

    assert rows[0] == [
        "Code",
        "Practitioner",
        "E-mail",
        "Status",
        "Created",
        "Issued",
        "Revoked",
        "Revocation reason",
        "Superseded by",
        "Blocked reason",
        "Last error",
    ]
    assert ann.issued_at is not None
    assert ben.revoked_at is not None

    def minute(moment):
        return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")

    ann_who = ["Ann Issued", "ann@example.org"]
    assert rows[1:] == [
        [
            ann_new.code,
            *ann_who,
            "Waiting to be issued",
            "2025-01-04 00:00",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            ann.code,
            *ann_who,
            "Superseded by a re-issue",
            "2025-01-03 00:00",
            minute(ann.issued_at),
            "",
            "",
            ann_new.code,
            "",
            "",
        ],
        [
            ben.code,
            "Ben Revoked",
            "ben@example.org",
            "Revoked",
            "2025-01-02 00:00",
            minute(ben.issued_at),
            minute(ben.revoked_at),
            "'-Issued to the wrong person",
            "",
            "",
            "",
        ],
        [
            cat.code,
            "Cat Failed",
            "cat@example.org",
            "Failed",
            "2025-01-01 00:00",
            "",
            "",
            "",
            "",
            "",
            "'=cmd|' /C calc'!A0",
        ],
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPORTS)
def test_exports_of_a_course_nobody_took_have_the_header_only(client, instructor, course, name):
    client.force_login(instructor)

    response = export(client, name, course)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert len(read_csv(response)) == 1


# --- who may download --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("staff", 200), ("other_instructor", 404), ("practitioner", 403)],
)
def test_exports_are_for_the_course_instructors_and_staff(
    client, course, instructor, staff_user, practitioner, name, who, status
):
    other = UserFactory.create(is_instructor=True)
    teach(course_with_lessons(1), other)
    user = {
        "owner": instructor,
        "staff": staff_user,
        "other_instructor": other,
        "practitioner": practitioner,
    }[who]
    client.force_login(user)

    assert export(client, name, course).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPORTS)
def test_exports_send_anonymous_visitors_to_log_in(client, course, name):
    response = export(client, name, course)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- queries -----------------------------------------------------------------------------------


def course_with_learners(instructor, learners: int):
    course = course_with_lessons(2, order_required=False)
    teach(course, instructor)
    first, last = course.lessons.all()
    quiz = quiz_for(last, questions=1)
    for n in range(learners):
        person = UserFactory.create()
        enroll(practitioner=person, course=course)
        complete_lesson(practitioner=person, lesson=first)
        take_quiz(person, quiz, right=n % 2 == 0)
    return course


def export_queries(client, name, course) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(export(client, name, course))
    return len(queries), len(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPORTS)
def test_export_queries_do_not_grow_with_learners(client, instructor, name):
    few = course_with_learners(instructor, 2)
    many = course_with_learners(instructor, 40)
    client.force_login(instructor)
    export_queries(client, name, few)  # the session is read once per test

    few_queries, few_rows = export_queries(client, name, few)
    many_queries, many_rows = export_queries(client, name, many)

    assert few_queries == many_queries
    assert many_rows > few_rows > 1
