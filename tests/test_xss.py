"""Stored XSS: a corpus of vectors put into every author- or user-controlled field, and every page,
e-mail, CSV and PDF that shows them checked: nothing executable comes out, no CSV cell can start a
formula.

The site's own pages carry no inline script, no event handler, no style attribute and no
javascript: URL (the Content-Security-Policy forbids them), so any of those in a page means an
injected value got through.
"""

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from academy.models import ProfessionalMembership
from courses.models import Attempt, Certificate, Lesson
from courses.services import certificates, signoffs
from courses.services.attempts import save_answers, start_attempt, submit_attempt
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from courses.services.questions import ChoiceSpec, QuestionSpec, add_question, create_quiz
from tests.factories import LessonFactory, UserFactory, course_with_lessons, teach

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

VECTORS = [
    '<script>alert("xss-1")</script>',
    '<img src=x onerror=alert("xss-2")>',
    "<a href=\"javascript:alert('xss-3')\">xss-3</a>",
    "<a href=\"jav&#x09;ascript:alert('xss-4')\">xss-4</a>",
    '<a href="&#106;avascript:alert(5)">xss-5</a>',
    '<svg onload=alert("xss-6")><script>alert(6)</script></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-7")>',
    "<iframe srcdoc=\"<script>alert('xss-8')</script>\"></iframe>",
    "<div style=\"background:url(javascript:alert('xss-9'))\">xss-9</div>",
    "<style>body{background:url('javascript:alert(10)')}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(11)">',
    '[xss-12](javascript:alert("xss-12"))',
    '"><script>alert("xss-13")</script>',
    '=HYPERLINK("http://evil.example","xss-14")',
    '<form action="javascript:alert(15)"><button>xss-15</button></form>',
    '<object data="javascript:alert(16)"></object><embed src="javascript:alert(17)">',
]
CORPUS = "\n\n".join(VECTORS)
SAFE_SCHEMES = {"", "http", "https", "mailto"}
LINK_RELS = {"stylesheet", "icon", "prev", "next"}


class _Executable(HTMLParser):
    """Anything a browser could run that the site's own templates never produce."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"object", "embed", "base", "style", "applet"}:
            self.found.append(f"<{tag}>")
        if tag == "script":
            if not values.get("src"):
                self.found.append("inline <script>")
            elif not str(values["src"]).startswith("/static/"):
                self.found.append(f"<script src={values['src']}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta refresh>")
        if tag == "link" and (values.get("rel") or "") not in LINK_RELS:
            self.found.append(f"<link rel={values.get('rel')}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.found.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "data", "xlink:href", "poster"} and value:
                scheme = urlsplit("".join(value.split()).lower()).scheme
                if scheme not in SAFE_SCHEMES:
                    self.found.append(f"{tag} {name}={value!r}")


def executable(html: str) -> list[str]:
    parser = _Executable()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_each_kind_of_vector_in_raw_html():
    for vector in VECTORS[:11] + VECTORS[14:]:
        assert executable(vector) != [], vector


@pytest.fixture
def poisoned(django_capture_on_commit_callbacks):
    """A course, quiz, learner and certificate with a vector in every field people can write."""
    instructor = UserFactory.create(full_name=VECTORS[1][:150], is_instructor=True)
    learner = UserFactory.create(full_name=VECTORS[0][:150])
    ProfessionalMembership.objects.create(
        user=learner, body=VECTORS[4][:120], membership_number=VECTORS[13][:60]
    )
    course = course_with_lessons(
        1,
        title=VECTORS[2][:200],
        summary=VECTORS[5][:300],
        description=CORPUS,
        order_required=False,
        slug="poisoned",
        ce_hours=Decimal("1.5"),
    )
    module = course.modules.get()
    module.title = VECTORS[6][:200]
    module.save()
    lesson = course.lessons.get()
    lesson.title = VECTORS[8][:200]
    lesson.body = CORPUS
    lesson.safety_notice = CORPUS
    lesson.transcript = CORPUS
    lesson.save()
    teach(course, instructor)
    quiz_lesson = LessonFactory.create(module=module, position=2, slug="quiz", title=VECTORS[12])
    quiz = create_quiz(lesson=quiz_lesson)
    add_question(
        quiz=quiz,
        spec=QuestionSpec(
            kind="single",
            prompt=CORPUS,
            general_feedback=CORPUS,
            choices=[
                ChoiceSpec(text=VECTORS[0], fraction=Decimal("1"), feedback=VECTORS[1]),
                ChoiceSpec(text=VECTORS[13], feedback=VECTORS[5]),
            ],
        ),
    )
    practical = LessonFactory.create(
        module=module, position=3, slug="practical", kind=Lesson.Kind.PRACTICAL
    )
    enroll(practitioner=learner, course=course)
    complete_lesson(practitioner=learner, lesson=lesson)
    attempt = start_attempt(practitioner=learner, quiz=quiz)
    save_answers(attempt=attempt, answers={attempt.version_ids[0]: []})
    submit_attempt(attempt=attempt)
    open_attempt = start_attempt(practitioner=learner, quiz=quiz)
    signoffs.request_sign_off(practitioner=learner, lesson=practical, note=CORPUS)
    record = signoffs.request_sign_off(practitioner=learner, lesson=practical, note=CORPUS)
    signoffs.send_back(instructor=instructor, sign_off=record, note=CORPUS)
    short = course_with_lessons(1, title=VECTORS[9][:200], slug="short")
    teach(short, instructor)
    enroll(practitioner=learner, course=short)
    with django_capture_on_commit_callbacks(execute=True):
        complete_lesson(practitioner=learner, lesson=short.lessons.get())
    certificate = Certificate.objects.get(enrollment__course=short)
    return {
        "instructor": instructor,
        "learner": learner,
        "course": course,
        "lesson": lesson,
        "quiz_lesson": quiz_lesson,
        "practical": practical,
        "attempt": Attempt.objects.get(pk=attempt.pk),
        "open_attempt": open_attempt,
        "certificate": certificate,
        "short": short,
    }


def test_no_page_that_shows_the_poisoned_fields_carries_anything_executable(poisoned):
    p = poisoned
    course, quiz_lesson = p["course"], p["quiz_lesson"]
    lesson_args = [course.slug, quiz_lesson.slug]
    pages = {
        "learner": [
            reverse("courses:catalog"),
            course.get_absolute_url(),
            p["lesson"].get_absolute_url(),
            quiz_lesson.get_absolute_url(),
            p["practical"].get_absolute_url(),
            reverse("courses:attempt", args=[p["attempt"].pk]),
            reverse("courses:attempt", args=[p["open_attempt"].pk]),
            reverse("courses:learning"),
            reverse("courses:certificates"),
            reverse("profile"),
        ],
        "instructor": [
            reverse("courses:teaching"),
            reverse("courses:course_edit", args=[course.slug]),
            reverse("courses:lesson_edit", args=[course.slug, p["lesson"].slug]),
            reverse("courses:lesson_preview", args=[course.slug, p["lesson"].slug]),
            reverse("courses:quiz_edit", args=lesson_args),
            reverse("courses:quiz_preview", args=lesson_args),
            reverse("courses:quiz_statistics", args=lesson_args),
            reverse("courses:quiz_import", args=lesson_args),
            reverse("courses:course_insight", args=[course.slug]),
            reverse("courses:course_sign_offs", args=[course.slug]),
            reverse("courses:certificate_register", args=[p["short"].slug]),
            reverse("courses:sign_off_queue"),
        ],
        None: [
            reverse("courses:catalog"),
            course.get_absolute_url(),
            reverse("courses:verify", args=[p["certificate"].code]),
        ],
    }
    findings = {}
    for who, urls in pages.items():
        client = Client()
        if who:
            client.force_login(p[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            found = executable(response.content.decode())
            if found:
                findings[f"{who} {url}"] = found

    assert findings == {}


def test_the_json_forms_escape_nothing_into_markup(client, poisoned):
    body = client.get(reverse("courses:verify_json", args=[poisoned["certificate"].code]))

    assert body["Content-Type"] == "application/json"
    assert body["X-Content-Type-Options"] == "nosniff"


def test_certificate_email_pdf_and_credential_carry_the_name_as_text_only(poisoned):
    certificate = poisoned["certificate"]
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    message = mail.outbox[-1]

    # E-mail clients need inline CSS, so our own style attributes are expected there.
    found = executable(str(message.alternatives[0][0]))
    assert [f for f in found if not f.endswith(" style=")] == []
    assert "<script" not in str(message.alternatives[0][0])
    with default_storage.open(certificate.pdf_key, "rb") as pdf:
        data = pdf.read()
    for action in (b"/JavaScript", b"/JS ", b"/OpenAction", b"/Launch", b"/AA "):
        assert action not in data
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "alert(" in text  # shown as the literal characters of the name, nothing more
    assert certificate.credential["credentialSubject"]["achievement"]["name"] == VECTORS[9][:200]


def test_no_csv_cell_can_start_a_formula(client, poisoned):
    course, short = poisoned["course"], poisoned["short"]
    client.force_login(poisoned["instructor"])
    exports = [
        reverse("courses:export_progress", args=[course.slug]),
        reverse("courses:export_quiz_results", args=[course.slug]),
        reverse("courses:export_certificates", args=[short.slug]),
    ]
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for url in exports:
        response = client.get(url)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 2, url
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(dangerous), (url, cell)


def test_the_gift_importer_keeps_html_questions_inert(client, poisoned):
    course, quiz_lesson = poisoned["course"], poisoned["quiz_lesson"]
    client.force_login(poisoned["instructor"])
    gift = (
        "[html]<img src=x onerror=alert(1)>What wraps a fibre? "
        "{=<script>alert(2)</script>fascia ~tendon}\n"
    )
    url = reverse("courses:quiz_import", args=[course.slug, quiz_lesson.slug])

    client.post(url, {"text": gift, "action": "import"})
    page = client.get(reverse("courses:quiz_preview", args=[course.slug, quiz_lesson.slug]))

    assert executable(page.content.decode()) == []
    certificates.issue_certificate(
        certificate_id=poisoned["certificate"].pk
    )  # idempotent: no change
