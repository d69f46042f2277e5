import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Choice, Question, QuestionVersion, Quiz
from courses.services.gift_import import export_gift, import_gift, preview_gift
from tests.factories import UserFactory, course_with_lessons, teach

pytestmark = pytest.mark.django_db

GOOD = """// demo
::Fascia film::What wraps each muscle fibre? {
=Fascia#Yes, the connective film.
~Tendon#No, tendons join muscle to bone.
~Cartilage
####Fascia wraps the muscle and every fibre in it.}

::Right pain::A sharp, shooting pain during a stretch is a sign to carry on. {F
#It is a sign to stop.#Right, stop and see a doctor.}

::Which cause stiffness::Which of these make fascia tighten? {
~%50%Overuse with small tears
~%50%Long periods of stillness
~%-100%Gentle regular movement
}

::Muscle name::Which hip muscle is most linked with sciatica? {=piriformis =the piriformis}

::Count::How many main routes to tightness does the course describe? {#2:0}

::Match::Match the idea to its effect. {
=Overuse -> fibres bound together
=Stillness -> build-up and congestion
=Movement -> fascia worn and renewed
}
"""

BROKEN = """::One::Fine question {=yes ~no}

::Two::Missing its closing brace {=yes ~no

::Three::Essay question {}
"""


@pytest.fixture
def quiz():
    course = course_with_lessons(1)
    return Quiz.objects.create(lesson=course.lessons.get())


def test_gift_import_adds_every_question_with_its_type_answers_and_feedback(quiz):
    versions = import_gift(quiz=quiz, text=GOOD)

    assert [v.kind for v in versions] == [
        "single",
        "true_false",
        "multiple",
        "short_answer",
        "numerical",
        "matching",
    ]
    single = versions[0]
    assert single.name == "Fascia film"
    assert "Fascia wraps the muscle" in single.general_feedback
    right = Choice.objects.get(version=single, fraction=1)
    assert (right.text, right.feedback) == ("Fascia", "Yes, the connective film.")
    assert Choice.objects.filter(version=versions[2], fraction__lt=0).count() == 1
    assert Choice.objects.filter(version=versions[5]).exclude(match_prompt="").count() == 3


def test_malformed_gift_names_the_lines_and_imports_nothing(quiz):
    preview = preview_gift(BROKEN)

    assert not preview.ok
    lines = {p.line for p in preview.problems}
    assert 3 in lines or 5 in lines
    with pytest.raises(ValidationError) as error:
        import_gift(quiz=quiz, text=BROKEN)
    assert "line" in str(error.value)
    assert not Question.objects.exists()


def test_essay_questions_are_reported_by_line_not_dropped(quiz):
    text = "::Fine::Fine question {=yes ~no}\n\n::Essay::Describe your approach. {}\n"

    preview = preview_gift(text)

    assert [(p.line, "essay" in p.message) for p in preview.problems] == [(3, True)]
    with pytest.raises(ValidationError):
        import_gift(quiz=quiz, text=text)
    assert not QuestionVersion.objects.exists()


def test_export_then_import_gives_the_same_questions(quiz):
    import_gift(quiz=quiz, text=GOOD)
    other = Quiz.objects.create(lesson=course_with_lessons(1).lessons.get())

    import_gift(quiz=other, text=export_gift(quiz))

    def shape(q):
        return [
            (
                v.kind,
                v.prompt,
                v.general_feedback,
                sorted((c.text, c.fraction, c.feedback, c.match_prompt) for c in v.choices.all()),
            )
            for v in QuestionVersion.objects.filter(question__quiz=q).order_by("question__position")
        ]

    assert shape(other) == shape(quiz)


# --- the instructor page ---------------------------------------------------------------------


def import_url(lesson):
    return reverse("courses:quiz_import", args=[lesson.course.slug, lesson.slug])


def test_instructor_previews_then_imports_gift_into_their_lesson(client, instructor):
    course = course_with_lessons(1)
    teach(course, instructor)
    lesson = course.lessons.get()
    client.force_login(instructor)

    preview = client.post(import_url(lesson), {"text": GOOD, "action": "preview"})
    assert "Import 6 questions" in preview.content.decode()
    assert not Quiz.objects.exists()

    done = client.post(import_url(lesson), {"text": GOOD, "action": "import"})
    assert done.status_code == 302
    assert Quiz.objects.get(lesson=lesson).questions.count() == 6
    exported = client.get(reverse("courses:quiz_export", args=[course.slug, lesson.slug]))
    assert exported["Content-Type"].startswith("text/plain")
    assert "::Fascia film::" in exported.content.decode()


def test_upload_with_errors_shows_line_numbers_and_imports_nothing(client, instructor):
    course = course_with_lessons(1)
    teach(course, instructor)
    client.force_login(instructor)
    upload = SimpleUploadedFile("quiz.gift", BROKEN.encode(), content_type="text/plain")

    page = client.post(import_url(course.lessons.get()), {"file": upload, "action": "import"})

    assert "Nothing can be imported" in page.content.decode()
    assert "Line 5" in page.content.decode() or "Line 3" in page.content.decode()
    assert not Question.objects.exists()


def test_uploads_of_the_wrong_type_or_size_are_refused(client, instructor):
    course = course_with_lessons(1)
    teach(course, instructor)
    client.force_login(instructor)
    url = import_url(course.lessons.get())

    wrong_type = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    too_big = client.post(url, {"file": SimpleUploadedFile("x.gift", b"a" * (600 * 1024))})

    assert "Upload a .gift or .txt file" in wrong_type.content.decode()
    assert "larger than 512 KB" in too_big.content.decode()
    assert not Quiz.objects.exists()


def test_gift_pages_are_closed_to_practitioners_and_other_instructors(client, practitioner):
    course = course_with_lessons(1)
    teach(course, UserFactory.create(is_instructor=True))
    lesson = course.lessons.get()

    client.force_login(practitioner)
    assert client.get(import_url(lesson)).status_code == 403
    client.force_login(UserFactory.create(is_instructor=True))
    assert client.get(import_url(lesson)).status_code == 404
    assert client.post(import_url(lesson), {"text": GOOD, "action": "import"}).status_code == 404
    assert not Quiz.objects.exists()
