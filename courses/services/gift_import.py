"""GIFT text into a quiz (all or nothing) and a quiz back out as GIFT.

Everything the database would refuse or change is found before anything is written, each
problem with its line: a NUL character, a name longer than its column, a number the numeric
column cannot keep exactly, more questions or answers than the caps. A large import runs as a
task (`GiftImport`) so that no request does more than a few seconds of work."""

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import nh3
from celery import shared_task
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from courses.caching import gift_import_progress_key
from courses.lib import gift
from courses.models import Choice, GiftImport, QuestionVersion, Quiz
from courses.services.attempts import current_versions
from courses.services.background import TRANSIENT
from courses.services.questions import (
    MAX_CHOICES,
    MAX_QUESTIONS_PER_QUIZ,
    ChoiceSpec,
    QuestionSpec,
    add_question,
    validate_question,
)

logger = logging.getLogger(__name__)

MAX_GIFT_BYTES = 512 * 1024
# Imports of more questions than this run as a task; smaller ones in the request.
MAX_QUESTIONS_IN_REQUEST = 50
# The preview lists this many problems at most (a garbled file could have thousands).
MAX_PROBLEMS_SHOWN = 100
PROGRESS_EVERY = 10

KINDS = {
    gift.Kind.SINGLE: QuestionVersion.Kind.SINGLE,
    gift.Kind.MULTIPLE: QuestionVersion.Kind.MULTIPLE,
    gift.Kind.TRUE_FALSE: QuestionVersion.Kind.TRUE_FALSE,
    gift.Kind.SHORT_ANSWER: QuestionVersion.Kind.SHORT_ANSWER,
    gift.Kind.NUMERICAL: QuestionVersion.Kind.NUMERICAL,
    gift.Kind.MATCHING: QuestionVersion.Kind.MATCHING,
    gift.Kind.DESCRIPTION: QuestionVersion.Kind.DESCRIPTION,
}
# Weights are kept to the fraction column's places, as the editor keeps them: Moodle's thirds
# (33.33333%) become 33.333%.
_FRACTION_STEP = Decimal(1).scaleb(-(Choice._meta.get_field("fraction").decimal_places or 0))


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Preview:
    """What an import would add, and every reason it cannot."""

    questions: list[tuple[int, QuestionSpec]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.questions)

    @property
    def runs_in_background(self) -> bool:
        return len(self.questions) > MAX_QUESTIONS_IN_REQUEST

    @property
    def shown_problems(self) -> list[Problem]:
        return self.problems[:MAX_PROBLEMS_SHOWN]

    @property
    def hidden_problems(self) -> int:
        return max(len(self.problems) - MAX_PROBLEMS_SHOWN, 0)


# --- the file's encoding -------------------------------------------------------------------

_BOMS = [
    (b"\xff\xfe\x00\x00", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "UTF-32 BE"),
    (b"\xff\xfe", "UTF-16 LE"),
    (b"\xfe\xff", "UTF-16 BE"),
]


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte order mark, told by where its NUL bytes fall: Latin
    letters in UTF-16 LE are a letter then a NUL."""
    if data.count(0) * 4 < len(data):
        return None
    columns = [data[i::4].count(0) / max(len(data[i::4]), 1) for i in range(4)]
    nul = [share > 0.5 for share in columns]
    if nul == [False, True, True, True]:
        return "UTF-32 LE"
    if nul == [True, True, True, False]:
        return "UTF-32 BE"
    if nul == [False, True, False, True]:
        return "UTF-16 LE"
    if nul == [True, False, True, False]:
        return "UTF-16 BE"
    return None


def decode_gift(data: bytes) -> str:
    """The text of an uploaded GIFT file, which must be UTF-8 (with or without a BOM). Any
    other encoding raises ValidationError naming the encoding the file looks like."""
    detected = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    detected = detected or _wide_encoding(data)
    if detected is None:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            try:
                data.decode("cp1252")
                detected = f"Windows-1252 (Western European); the first such byte is on line {line}"
            except UnicodeDecodeError:
                detected = (
                    f"an 8-bit encoding such as ISO-8859-1; the first such byte is on line {line}"
                )
    raise ValidationError(
        f"The file is not UTF-8 text: it looks like {detected}. Save it as UTF-8 "
        "(“UTF-8” in the editor's Save As or Encoding menu) and upload it again.",
        code="encoding",
    )


# --- reading and checking ------------------------------------------------------------------


def _plain(text: gift.Text) -> str:
    """Question text for a Markdown field: HTML-format text loses its tags, never runs, and
    its entities become the characters they stand for (an answer "a &amp; b" is "a & b")."""
    if text.format == "html":
        return html.unescape(nh3.clean(text.text, tags=set())).strip()
    return text.text.strip()


def _fraction(value: Decimal) -> Decimal:
    return value.quantize(_FRACTION_STEP)


def _number_text(value: Decimal) -> str:
    return f"{value.normalize():f}" if value.is_finite() else str(value)


def _spec(question: gift.Question) -> QuestionSpec:
    kind = KINDS[question.kind]
    choices: list[ChoiceSpec] = []
    if question.kind in {gift.Kind.SINGLE, gift.Kind.MULTIPLE, gift.Kind.SHORT_ANSWER}:
        choices = [
            ChoiceSpec(
                text=_plain(a.text), fraction=_fraction(a.fraction), feedback=_plain(a.feedback)
            )
            for a in question.answers
        ]
    elif question.kind == gift.Kind.TRUE_FALSE:
        choices = [
            ChoiceSpec(
                text="True" if a.text.text.lower().startswith("t") else "False",
                fraction=a.fraction,
                feedback=_plain(a.feedback),
            )
            for a in question.answers
        ]
    elif question.kind == gift.Kind.NUMERICAL:
        choices = [
            ChoiceSpec(
                text="*" if a.value is None else _number_text(a.value),
                fraction=_fraction(a.fraction),
                feedback=_plain(a.feedback),
                numeric_value=a.value,
                tolerance=a.tolerance,
            )
            for a in question.numeric_answers
        ]
    elif question.kind == gift.Kind.MATCHING:
        choices = [ChoiceSpec(text=p.answer, match_prompt=_plain(p.prompt)) for p in question.pairs]
    return QuestionSpec(
        kind=kind,
        prompt=_plain(question.text),
        choices=choices,
        general_feedback=_plain(question.general_feedback),
        name=question.name,
    )


def _answer_count(question: gift.Question) -> int:
    return len(question.answers) + len(question.numeric_answers) + len(question.pairs)


def _unstorable_lines(text: str) -> list[Problem]:
    """Lines holding a character no text column takes: NUL, or half of a UTF-16 surrogate pair
    (which no UTF-8 text can hold)."""
    found = []
    try:
        text.encode("utf-8")
        has_surrogates = False
    except UnicodeEncodeError:
        has_surrogates = True
    for number, row in enumerate(text.split("\n"), start=1):
        if "\x00" in row:
            found.append(
                Problem(
                    number,
                    "this line holds a NUL character (byte 0), which no text can keep: the file "
                    "is probably not plain text, or was saved as UTF-16",
                )
            )
        elif has_surrogates and any("\ud800" <= char <= "\udfff" for char in row):
            found.append(Problem(number, "this line holds half of a UTF-16 surrogate pair"))
    return found


def preview_gift(text: str, *, quiz: Quiz | None = None) -> Preview:
    """What importing the text would add (to `quiz`, if given, whose questions count towards
    its cap), or every problem with its line. Reads nothing but the quiz's question count."""
    preview = Preview()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_GIFT_BYTES:
        preview.problems.append(Problem(1, f"The file is larger than {MAX_GIFT_BYTES // 1024} KB."))
        return preview
    preview.problems.extend(_unstorable_lines(text))
    if preview.problems:
        return preview
    existing = quiz.questions.count() if quiz is not None and quiz.pk else 0
    room = MAX_QUESTIONS_PER_QUIZ - existing
    try:
        parsed = gift.parse_gift(text, max_questions=room, max_answers=MAX_CHOICES)
    except gift.GiftSyntaxError as exc:
        preview.problems.extend(Problem(e.line, e.message) for e in exc.errors)
        return preview
    if len(parsed) > room:
        held = (
            f"The quiz has {existing} questions, so room for {max(room, 0)} more, and the file "
            "holds more than that."
            if existing
            else f"The file holds more than {MAX_QUESTIONS_PER_QUIZ} questions."
        )
        preview.problems.append(
            Problem(
                1,
                f"{held} A quiz takes at most {MAX_QUESTIONS_PER_QUIZ} questions, so that one "
                "submit can carry every answer: split the file between two quizzes.",
            )
        )
        return preview
    for question in parsed:
        if question.kind not in KINDS:
            preview.problems.append(
                Problem(
                    question.line,
                    f"“{question.name}” is an {question.kind.value} question: the platform grades "
                    "answers automatically, so it cannot take this type. Remove it or rewrite it.",
                )
            )
            continue
        if _answer_count(question) > MAX_CHOICES:
            preview.problems.append(
                Problem(
                    question.line,
                    f"“{question.name}” has {_answer_count(question)} answers: a question takes "
                    f"at most {MAX_CHOICES}.",
                )
            )
            continue
        spec = _spec(question)
        try:
            validate_question(spec)
        except ValidationError as exc:
            preview.problems.extend(Problem(question.line, m) for m in exc.messages)
            continue
        preview.questions.append((question.line, spec))
    if not parsed:
        preview.problems.append(Problem(1, "The file holds no questions."))
    return preview


# --- importing -----------------------------------------------------------------------------


@transaction.atomic
def import_gift(
    *, quiz: Quiz, text: str, progress: Callable[[int], None] | None = None
) -> list[QuestionVersion]:
    """Add every question in the GIFT text to the quiz, or none: any problem raises
    ValidationError listing each with its line number. `progress` hears how many are written."""
    preview = preview_gift(text, quiz=quiz)
    if not preview.ok:
        raise ValidationError([str(p) for p in preview.problems])
    added = []
    for _line, spec in preview.questions:
        added.append(add_question(quiz=quiz, spec=spec))
        if progress is not None and len(added) % PROGRESS_EVERY == 0:
            progress(len(added))
    return added


def written_so_far(job: GiftImport) -> int:
    """Questions the running import has written so far (inside its transaction, so not yet
    visible in the database): reported through the cache, which the worker shares with the
    web processes when REDIS_URL is set."""
    if job.finished_at is not None:
        return job.added or 0
    return int(cache.get(gift_import_progress_key(job.pk)) or 0)


def queue_import(*, quiz: Quiz, text: str, questions: int, requested_by: Any) -> GiftImport:
    """Record a large import and send it to a worker once this transaction commits."""
    job = GiftImport.objects.create(
        quiz=quiz, text=text, questions=questions, requested_by=requested_by
    )
    import_gift_file.delay_on_commit(job.pk)  # type: ignore[attr-defined]
    return job


def run_import(*, job_id: int) -> GiftImport | None:
    """Run a queued import, all or nothing. Safe to call repeatedly: the import and its
    finishing mark commit together, so a redelivered task finds the job finished and stops."""
    job = GiftImport.objects.filter(pk=job_id).first()
    if job is None or job.finished_at is not None:
        return job
    GiftImport.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=timezone.now())
    try:
        with transaction.atomic():
            locked = GiftImport.objects.select_for_update().get(pk=job_id)
            if locked.finished_at is not None:
                return locked
            added = import_gift(
                quiz=locked.quiz,
                text=locked.text,
                progress=lambda n: cache.set(gift_import_progress_key(job_id), n, 3600),
            )
            locked.added, locked.finished_at, locked.text = len(added), timezone.now(), ""
            locked.save(update_fields=["added", "finished_at", "text"])
            return locked
    except ValidationError as exc:  # the quiz changed since the preview
        GiftImport.objects.filter(pk=job_id).update(
            finished_at=timezone.now(), error="\n".join(exc.messages), text=""
        )
        return GiftImport.objects.get(pk=job_id)
    finally:
        cache.delete(gift_import_progress_key(job_id))


# A queued import whose task was lost (the broker refused it, the worker died mid-run) is sent
# again by the sweep once it is older than any run can last (the task's hard time limit is 90
# s); one still unfinished after an hour is closed with a reason its instructor sees, so no
# import page waits for ever.
RESEND_IMPORT_AFTER = timedelta(minutes=2)
ABANDON_IMPORT_AFTER = timedelta(hours=1)
ABANDONED = (
    "The import did not run within an hour (no worker took it), so nothing was added. "
    "Import the file again."
)
FAILED = "The import stopped on an unexpected error, so nothing was added ({error})."


def imports_to_resend(*, now: datetime | None = None) -> list[int]:
    """Ids of unfinished imports old enough that their task must have been lost."""
    now = now or timezone.now()
    return list(
        GiftImport.objects.filter(
            finished_at__isnull=True,
            created_at__lt=now - RESEND_IMPORT_AFTER,
            created_at__gte=now - ABANDON_IMPORT_AFTER,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )


def close_abandoned_imports(*, now: datetime | None = None) -> int:
    """Close the imports that never ran within the hour, with the reason; returns how many."""
    now = now or timezone.now()
    return GiftImport.objects.filter(
        finished_at__isnull=True, created_at__lt=now - ABANDON_IMPORT_AFTER
    ).update(finished_at=now, text="", error=ABANDONED)


def fail_import(*, job_id: int, error: str) -> None:
    """Close an import that stopped on an error no retry fixes (its transaction rolled back, so
    nothing was added), keeping the reason for its page."""
    GiftImport.objects.filter(pk=job_id, finished_at__isnull=True).update(
        finished_at=timezone.now(), text="", error=FAILED.format(error=error[:500])
    )


def export_gift(quiz: Quiz) -> str:
    """The quiz's current questions as GIFT text."""
    versions = current_versions(quiz)
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(version__in=versions).order_by("position", "id"):
        choices.setdefault(choice.version_id, []).append(choice)
    questions = [_to_gift(v, choices.get(v.pk, [])) for v in versions]
    return gift.write_gift(questions)


def _to_gift(version: QuestionVersion, choices: list[Choice]) -> gift.Question:
    kind = next(k for k, v in KINDS.items() if v == version.kind)

    def text(value: str) -> gift.Text:
        return gift.Text(value, "markdown") if value else gift.Text("")

    answers: tuple[gift.Answer, ...] = ()
    numeric: tuple[gift.NumericAnswer, ...] = ()
    pairs: tuple[gift.Pair, ...] = ()
    if kind == gift.Kind.NUMERICAL:
        numeric = tuple(
            gift.NumericAnswer(
                value=c.numeric_value,
                tolerance=c.tolerance or Decimal("0"),
                fraction=c.fraction,
                feedback=text(c.feedback),
            )
            for c in choices
        )
    elif kind == gift.Kind.MATCHING:
        pairs = tuple(gift.Pair(prompt=text(c.match_prompt), answer=c.text) for c in choices)
    elif kind != gift.Kind.DESCRIPTION:
        answers = tuple(
            gift.Answer(
                text=gift.Text("true" if c.text == "True" else "false")
                if kind == gift.Kind.TRUE_FALSE
                else text(c.text),
                fraction=c.fraction,
                feedback=text(c.feedback),
            )
            for c in choices
        )
    return gift.Question(
        kind=kind,
        name=version.name or version.prompt[:60],
        text=text(version.prompt),
        general_feedback=text(version.general_feedback),
        answers=answers,
        numeric_answers=numeric,
        pairs=pairs,
    )


# --- tasks -------------------------------------------------------------------------------------


@shared_task(
    name="courses.tasks.import_gift_file", acks_late=True, autoretry_for=TRANSIENT, max_retries=2
)
def import_gift_file(job_id: int) -> None:
    """Run a large GIFT import, all or nothing; a redelivery after it finished does nothing. An
    error no retry fixes closes the import with its reason; a transient one is retried, and a
    lost run is sent again by `sweep_gift_imports`."""
    try:
        run_import(job_id=job_id)
    except TRANSIENT:
        raise
    except Exception as exc:
        logger.exception("GIFT import %s failed", job_id)
        fail_import(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="courses.tasks.sweep_gift_imports", acks_late=True, expires=55)
def sweep_gift_imports() -> int:
    """Every minute (beat): send again the imports whose task was lost, and close the ones that
    never ran within the hour. Returns how many it sent."""
    close_abandoned_imports()
    ids = imports_to_resend()
    for job_id in ids:
        import_gift_file.delay(job_id)
    return len(ids)
