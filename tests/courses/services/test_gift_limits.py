"""What the database would refuse or change is refused with its line before anything is written;
imports are capped and the large ones run as a task. Every test runs on the database in use
(PostgreSQL under CI, where the unchecked cases answered 500)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.lib.gift import parse_gift
from courses.models import Choice, GiftImport, Question, QuestionVersion, Quiz
from courses.services import gift_import
from courses.services.attempts import start_attempt
from courses.services.enrollment import enroll
from courses.services.gift_import import (
    MAX_QUESTIONS_IN_REQUEST,
    export_gift,
    import_gift,
    preview_gift,
    run_import,
)
from courses.services.questions import (
    MAX_CHOICES,
    MAX_QUESTIONS_PER_QUIZ,
    ChoiceSpec,
    QuestionSpec,
    QuizFullError,
    add_question,
)
from tests.factories import course_with_lessons, teach

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz() -> Quiz:
    return Quiz.objects.create(lesson=course_with_lessons(1).lessons.get())


@pytest.fixture
def lesson(instructor):
    course = course_with_lessons(1)
    teach(course, instructor)
    return course.lessons.get()


def problems(text: str, quiz: Quiz | None = None) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in preview_gift(text, quiz=quiz).problems]


def import_url(lesson) -> str:
    return reverse("courses:quiz_import", args=[lesson.course.slug, lesson.slug])


def upload(client, lesson, data: bytes, action: str = "preview"):
    file = SimpleUploadedFile("quiz.gift", data, content_type="text/plain")
    return client.post(import_url(lesson), {"file": file, "action": action})


def questions(n: int, start: int = 0) -> str:
    return "".join(f"::Q{i}::Question {i}? {{=yes ~no}}\n\n" for i in range(start, start + n))


# --- encodings and NUL characters -------------------------------------------------------------


def test_uploaded_nul_bytes_are_refused_with_their_line_not_stored(client, instructor, lesson):
    client.force_login(instructor)

    page = upload(client, lesson, b"::A::Fine {=yes ~no}\n\n::B::Bad\x00 {=yes ~no}\n", "import")

    assert page.status_code == 200
    assert "Line 3: this line holds a NUL character" in page.content.decode()
    assert not Question.objects.exists()


def test_a_lone_surrogate_is_refused_with_its_line(quiz):
    assert [line for line, _m in problems("::A::Fine {=a ~b}\n\n::B::Half \ud83d {=a ~b}")] == [3]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ("::A::Q {=yes ~no}\n".encode("utf-16-le"), "UTF-16 LE"),
        ("::A::Q {=yes ~no}\n".encode("utf-16"), "UTF-16 LE"),  # with its BOM
        ("::A::Q {=yes ~no}\n".encode("utf-16-be"), "UTF-16 BE"),
        ("::A::Q {=yes ~no}\n".encode("utf-32-le"), "UTF-32 LE"),
        (
            "::A::Q {=oui}\n\n::B::Qu'est-ce qu'un muscle lésé? {=ça}\n".encode("cp1252"),
            "Windows-1252",
        ),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_naming_its_encoding(
    client, instructor, lesson, data: bytes, named: str
):
    client.force_login(instructor)

    page = upload(client, lesson, data, "import").content.decode()

    assert f"The file is not UTF-8 text: it looks like {named}" in page
    assert not Question.objects.exists()


def test_a_latin1_file_names_the_line_of_its_first_foreign_byte() -> None:
    with pytest.raises(ValidationError) as caught:
        gift_import.decode_gift("::A::Q {=yes}\n\n::B::Lésé {=oui}\n".encode("cp1252"))

    assert "Windows-1252" in caught.value.messages[0]
    assert "line 3" in caught.value.messages[0]


def test_utf8_with_or_without_bom_is_read(client, instructor, lesson):
    client.force_login(instructor)
    text = "::A::Lésé? {=oui ~non}\n"

    for data in (text.encode("utf-8"), text.encode("utf-8-sig")):
        page = upload(client, lesson, data).content.decode()
        assert "Import 1 question" in page


def test_an_uploaded_file_can_be_imported_after_its_preview(client, instructor, lesson):
    client.force_login(instructor)
    preview = upload(client, lesson, questions(2).encode())
    text = preview.context["form"]["text"].value()

    done = client.post(import_url(lesson), {"text": text, "action": "import"})

    assert done.status_code == 302
    assert Quiz.objects.get(lesson=lesson).questions.count() == 2


# --- numbers the numeric column keeps exactly --------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "{#1e30}",
        "{#1e999:1e999}",
        "{#100000000000000}",
        "{#-1e14}",
        "{#1000000000}",
        "{#5:1e20}",
        "{#0.0000001}",
        "{#1..1.0000001}",
    ],
)
def test_numbers_the_column_cannot_keep_exactly_are_refused_with_their_line(quiz, answer: str):
    text = f"::Fine::Fine? {{=a ~b}}\n\n::N::How many? {answer}\n"

    found = problems(text)

    assert {line for line, _message in found} == {3}
    assert all("cannot be kept exactly" in message for _line, message in found)
    with pytest.raises(ValidationError):
        import_gift(quiz=quiz, text=text)
    assert not Question.objects.exists()


def test_numbers_at_the_column_limits_are_stored_exactly(quiz):
    import_gift(
        quiz=quiz,
        text="::N::Big? {#-999999999.999999:0.000001}\n\n::S::Small? {#0.000001}\n",
    )

    stored = list(Choice.objects.order_by("version__question__position"))
    assert [(c.numeric_value, c.tolerance) for c in stored] == [
        (Decimal("-999999999.999999"), Decimal("0.000001")),
        (Decimal("0.000001"), Decimal("0")),
    ]
    assert export_gift(quiz)  # every stored number reads back


def test_a_range_whose_middle_needs_more_places_is_refused(quiz):
    assert {line for line, _m in problems("::R::Range? {#0..0.000001}")} == {1}


def test_numeric_answer_text_is_written_plainly(quiz):
    [version] = import_gift(quiz=quiz, text="::N::Ten? {#1e1}")

    assert version.choices.get().text == "10"


# --- what the writer writes, the reader reads back ---------------------------------------------


def test_arrows_in_short_answers_and_feedback_survive_export_and_import(quiz):
    text = "::Capital::Capital of France? {=Paris#right -> well done =%50%a->b}\n"
    import_gift(quiz=quiz, text=text.replace("->", "-\\>"))
    other = Quiz.objects.create(lesson=course_with_lessons(1).lessons.get())

    import_gift(quiz=other, text=export_gift(quiz))

    version = QuestionVersion.objects.get(question__quiz=other)
    assert version.kind == QuestionVersion.Kind.SHORT_ANSWER
    assert sorted((c.text, c.feedback) for c in version.choices.all()) == [
        ("Paris", "right -> well done"),
        ("a->b", ""),
    ]


def test_matching_prompts_with_arrows_survive_export_and_import(quiz):
    import_gift(quiz=quiz, text="::M::Match {=a -\\> b -> c =d -> e}")
    other = Quiz.objects.create(lesson=course_with_lessons(1).lessons.get())

    import_gift(quiz=other, text=export_gift(quiz))

    pairs = Choice.objects.filter(version__question__quiz=other).order_by("position")
    assert [(c.match_prompt, c.text) for c in pairs] == [("a -> b", "c"), ("d", "e")]


def test_html_entities_become_the_characters_they_stand_for(quiz):
    [version] = import_gift(quiz=quiz, text="::H::[html]Is 1 &lt; 2? {=yes &amp; more ~no}")

    assert version.prompt == "Is 1 < 2?"
    assert version.choices.get(fraction=1).text == "yes & more"


# --- caps ------------------------------------------------------------------------------------


def test_a_name_longer_than_its_column_is_refused_with_its_line(quiz):
    found = problems(f"::Fine::Fine {{=a ~b}}\n\n::{'n' * 251}::Long {{=a ~b}}")

    assert [line for line, _m in found] == [3]


def test_more_answers_than_a_question_takes_are_refused_with_its_line(quiz):
    many = " ".join(f"~wrong{i}" for i in range(MAX_CHOICES))

    found = problems(f"::Fine::Fine {{=a ~b}}\n\n::Many::Pick {{=right {many}}}")

    assert [line for line, _m in found] == [3]
    assert f"at most {MAX_CHOICES}" in found[0][1]


def test_a_file_of_more_questions_than_a_quiz_takes_is_refused(quiz):
    found = problems(questions(MAX_QUESTIONS_PER_QUIZ + 1))

    assert len(found) == 1
    assert f"at most {MAX_QUESTIONS_PER_QUIZ}" in found[0][1]


def test_the_questions_a_quiz_has_count_towards_its_cap(quiz):
    import_gift(quiz=quiz, text=questions(MAX_QUESTIONS_PER_QUIZ - 1))

    found = problems(questions(2), quiz=quiz)

    assert f"The quiz has {MAX_QUESTIONS_PER_QUIZ - 1} questions" in found[0][1]
    with pytest.raises(ValidationError):
        import_gift(quiz=quiz, text=questions(2))
    assert quiz.questions.count() == MAX_QUESTIONS_PER_QUIZ - 1


def test_no_question_is_added_past_the_cap_whatever_the_path(client, instructor, lesson):
    quiz = Quiz.objects.create(lesson=lesson)
    import_gift(quiz=quiz, text=questions(MAX_QUESTIONS_PER_QUIZ))
    spec = QuestionSpec(
        kind="true_false",
        prompt="One more?",
        choices=[ChoiceSpec(text="True", fraction=Decimal(1)), ChoiceSpec(text="False")],
    )

    with pytest.raises(QuizFullError):
        add_question(quiz=quiz, spec=spec)

    client.force_login(instructor)
    args = [lesson.course.slug, lesson.slug]
    editor = client.get(reverse("courses:quiz_edit", args=args)).content.decode()
    assert 'id="quiz-full"' in editor
    page = client.post(
        reverse("courses:question_add", args=[*args, "true_false"]),
        {"prompt": "One more?", "name": "", "points": "1", "tf-right": "true"},
    )
    assert f"at most {MAX_QUESTIONS_PER_QUIZ}" in page.content.decode()
    assert quiz.questions.count() == MAX_QUESTIONS_PER_QUIZ


def test_a_huge_single_question_is_refused_quickly(quiz):
    text = "::Q::pick {=a " + "~b " * 170_000 + "}"

    found = problems(text)

    assert [line for line, _m in found] == [1]


def test_the_page_states_the_caps(client, instructor, lesson):
    client.force_login(instructor)

    page = client.get(import_url(lesson)).content.decode()

    assert "512 KB" in page
    assert f"{MAX_QUESTIONS_PER_QUIZ} questions" in page
    assert f"{MAX_CHOICES} answers per question" in page


def test_a_submit_at_the_caps_fits_the_posted_field_limit():
    worst = MAX_QUESTIONS_PER_QUIZ * (MAX_CHOICES + 1) + 1  # v per question, each box, CSRF

    assert worst <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


# --- large imports run as a task ---------------------------------------------------------------


def test_a_large_import_runs_as_a_task_and_shows_its_progress(
    client, instructor, lesson, django_capture_on_commit_callbacks
):
    client.force_login(instructor)
    text = questions(MAX_QUESTIONS_IN_REQUEST + 1)
    preview = client.post(import_url(lesson), {"text": text, "action": "preview"})
    assert "runs in the background" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = client.post(import_url(lesson), {"text": text, "action": "import"})
    job = GiftImport.objects.get()
    status_url = queued["Location"]
    waiting = client.get(status_url).content.decode()
    assert "data-hx-trigger" in waiting
    assert "Waiting for a worker" in waiting
    assert not Question.objects.exists()

    for callback in callbacks:  # the task, as a worker runs it after the commit
        callback()
    done = client.get(status_url, headers={"HX-Request": "true"}).content.decode()

    job.refresh_from_db()
    assert (job.added, job.error, job.text) == (MAX_QUESTIONS_IN_REQUEST + 1, "", "")
    assert f"{MAX_QUESTIONS_IN_REQUEST + 1} questions imported" in done
    assert "data-hx-trigger" not in done
    assert Quiz.objects.get(lesson=lesson).questions.count() == MAX_QUESTIONS_IN_REQUEST + 1


def test_a_redelivered_import_task_adds_nothing_twice(quiz, instructor):
    job = GiftImport.objects.create(
        quiz=quiz, requested_by=instructor, text=questions(3), questions=3
    )

    run_import(job_id=job.pk)
    run_import(job_id=job.pk)

    assert quiz.questions.count() == 3


def test_a_task_import_that_no_longer_fits_records_why_and_adds_nothing(quiz, instructor):
    job = GiftImport.objects.create(
        quiz=quiz, requested_by=instructor, text=questions(3), questions=3
    )
    import_gift(quiz=quiz, text=questions(MAX_QUESTIONS_PER_QUIZ - 2))

    finished = run_import(job_id=job.pk)

    assert finished is not None
    assert finished.finished_at is not None
    assert f"at most {MAX_QUESTIONS_PER_QUIZ}" in finished.error
    assert quiz.questions.count() == MAX_QUESTIONS_PER_QUIZ - 2


def test_progress_is_reported_while_the_questions_are_written(quiz):
    heard: list[int] = []

    import_gift(quiz=quiz, text=questions(25), progress=heard.append)

    assert heard == [10, 20]


def test_a_quiz_at_the_question_cap_can_be_submitted_with_every_box_ticked(client, practitioner):
    course = course_with_lessons(1)
    quiz = Quiz.objects.create(lesson=course.lessons.get())
    block = "{~%20%a ~%20%b ~%20%c ~%20%d ~%20%e}"
    import_gift(
        quiz=quiz,
        text="".join(f"::Q{i}::All of them? {block}\n\n" for i in range(MAX_QUESTIONS_PER_QUIZ)),
    )
    enroll(practitioner=practitioner, course=course)
    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    every_box = {f"q{v}": ["0", "1", "2", "3", "4"] for v in attempt.version_ids}
    client.force_login(practitioner)

    response = client.post(
        reverse("courses:attempt_submit", args=[attempt.pk]),
        {"v": attempt.version_ids, **every_box},
    )

    assert response.status_code == 302  # 1,200 fields: past Django's default limit of 1,000
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_texts_longer_than_the_editor_takes_are_refused_with_their_line(quiz):
    long_prompt = f"::Fine::Fine {{=a ~b}}\n\n::Long::{'x' * 20_001} {{=a ~b}}"
    long_answer = f"::Long::Pick {{={'y' * 1001} ~b}}"

    assert [line for line, _m in problems(long_prompt)] == [3]
    assert [line for line, _m in problems(long_answer)] == [1]


def test_reading_stops_once_a_file_holds_more_questions_than_the_quiz_takes():
    read = parse_gift(questions(1000), max_questions=MAX_QUESTIONS_PER_QUIZ)

    assert len(read) == MAX_QUESTIONS_PER_QUIZ + 1


def _aged(job: GiftImport, age: timedelta) -> GiftImport:
    GiftImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


def test_the_sweep_runs_a_large_import_whose_task_was_lost(quiz, instructor):
    """The broker refused the task, or the worker died mid-run (its transaction rolled back):
    the row is all that is left, and the sweep sends it again."""
    lost = _aged(
        GiftImport.objects.create(
            quiz=quiz, requested_by=instructor, text=questions(3), questions=3
        ),
        timedelta(minutes=3),
    )
    recent = GiftImport.objects.create(
        quiz=quiz, requested_by=instructor, text=questions(2), questions=2
    )

    assert gift_import.imports_to_resend() == [lost.pk]
    assert gift_import.sweep_gift_imports() == 1  # tasks run in-process here

    lost.refresh_from_db()
    assert (lost.added, lost.error) == (3, "")
    assert quiz.questions.count() == 3
    assert gift_import.imports_to_resend() == []
    recent.refresh_from_db()
    assert recent.finished_at is None  # its own task may still be on its way


def test_an_import_that_never_ran_within_the_hour_is_closed_with_its_reason(
    client, quiz, instructor
):
    job = _aged(
        GiftImport.objects.create(
            quiz=quiz, requested_by=instructor, text=questions(3), questions=3
        ),
        timedelta(hours=1, minutes=1),
    )

    assert gift_import.sweep_gift_imports() == 0

    job.refresh_from_db()
    assert job.finished_at is not None
    assert job.text == ""
    assert "nothing was added" in job.error
    assert not quiz.questions.exists()
    lesson = quiz.lesson
    teach(lesson.course, instructor)
    client.force_login(instructor)
    page = client.get(
        reverse("courses:quiz_import_status", args=[lesson.course.slug, lesson.slug, job.pk])
    ).content.decode()
    assert "did not run within an hour" in page
    assert "Import more questions" in page


def test_an_import_that_fails_unexpectedly_is_closed_with_the_error_and_adds_nothing(
    quiz, instructor, monkeypatch
):
    job = GiftImport.objects.create(
        quiz=quiz, requested_by=instructor, text=questions(3), questions=3
    )
    real = gift_import.add_question
    calls = []

    def fails_on_the_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("a fault no retry fixes")
        return real(**kwargs)

    monkeypatch.setattr(gift_import, "add_question", fails_on_the_second)

    gift_import.import_gift_file.delay(job.pk)

    job.refresh_from_db()
    assert job.finished_at is not None
    assert "unexpected error" in job.error
    assert "a fault no retry fixes" in job.error
    assert not quiz.questions.exists()  # the first question rolled back with the rest
    assert gift_import.imports_to_resend(now=timezone.now() + timedelta(minutes=5)) == []


def test_every_beat_entry_names_a_registered_task():
    from academy.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
