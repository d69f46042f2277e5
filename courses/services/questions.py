from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from courses.lib.scoring import ANSWER_MAX_LENGTH
from courses.models import Attempt, Choice, Lesson, Question, QuestionVersion, Quiz, Response

Kind = QuestionVersion.Kind

# An attempt's form posts a field per question and one per ticked box or matched item, so these
# caps bound the fields of a submit (MAX_QUESTIONS_PER_QUIZ * (MAX_CHOICES + 1) + the CSRF token)
# below DATA_UPLOAD_MAX_NUMBER_FIELDS, and the work of one import or one attempt page.
MAX_QUESTIONS_PER_QUIZ = 200
MAX_CHOICES = 40
# The editor's field lengths, so that every question can be opened and saved in the editor, and
# no import renders more Markdown than the editor would.
MAX_PROMPT = 20_000
MAX_ANSWER_TEXT = 1_000
MAX_FEEDBACK = 2_000
# An accepted short answer is compared with a typed one, which takes at most this many
# characters; a matching question's answers are offered in a list and kept as short.
MAX_TYPED_ANSWER = ANSWER_MAX_LENGTH
# Right weights of a multiple-response question add to 100% within a hundredth of a percent, so
# that thirds written as 33.333% each pass.
WEIGHT_SUM_TOLERANCE = Decimal("0.0001")
_NAME_LENGTH = QuestionVersion._meta.get_field("name").max_length or 250
_NUMBER = Choice._meta.get_field("numeric_value")
# Whole digits of a numeric answer: PostgreSQL's numeric column would keep 14, but SQLite keeps a
# decimal as a double, exact to 15 significant digits, so 9 whole digits and the column's 6
# places are what every supported database gives back unchanged.
NUMBER_WHOLE_DIGITS = 9


def storable_number(value: Decimal) -> bool:
    """True when the numeric answer columns give the value back exactly; anything else would
    overflow (a 500 on PostgreSQL, an unreadable quiz on SQLite) or be rounded without a word."""
    places = _NUMBER.decimal_places or 0
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    if value.adjusted() >= NUMBER_WHOLE_DIGITS:
        return False
    return value == value.quantize(Decimal(1).scaleb(-places))


def number_limits() -> str:
    places = _NUMBER.decimal_places or 0
    return f"numbers below 10^{NUMBER_WHOLE_DIGITS} with at most {places} decimal places"


class QuizFullError(ValidationError):
    """The quiz holds MAX_QUESTIONS_PER_QUIZ questions already."""


class QuestionInUseError(Exception):
    """An attempt has drawn or answered the question, so it must stay."""


@dataclass(frozen=True)
class ChoiceSpec:
    text: str = ""
    fraction: Decimal = Decimal("0")
    feedback: str = ""
    numeric_value: Decimal | None = None
    tolerance: Decimal | None = None
    match_prompt: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    prompt: str
    choices: Sequence[ChoiceSpec] = ()
    points: Decimal = Decimal("1")
    general_feedback: str = ""
    name: str = ""


def validate_question(spec: QuestionSpec) -> None:
    """Raise ValidationError (with every problem) when the question cannot be graded fairly."""
    problems: list[str] = []
    if not spec.prompt.strip():
        problems.append("The question needs a prompt.")
    if len(spec.name) > _NAME_LENGTH:
        problems.append(f"The question's name is longer than {_NAME_LENGTH} characters.")
    if len(spec.prompt) > MAX_PROMPT or len(spec.general_feedback) > MAX_PROMPT:
        problems.append(f"A question's text and feedback take at most {MAX_PROMPT:,} characters.")
    if any(
        len(c.text) > MAX_ANSWER_TEXT or len(c.match_prompt) > MAX_ANSWER_TEXT for c in spec.choices
    ):
        problems.append(f"An answer takes at most {MAX_ANSWER_TEXT:,} characters.")
    if any(len(c.feedback) > MAX_FEEDBACK for c in spec.choices):
        problems.append(f"An answer's feedback takes at most {MAX_FEEDBACK:,} characters.")
    texts = [spec.prompt, spec.name, spec.general_feedback]
    texts += [t for c in spec.choices for t in (c.text, c.feedback, c.match_prompt)]
    if any("\x00" in t for t in texts):
        problems.append("The question contains a NUL character (byte 0), which cannot be stored.")
    if len(spec.choices) > MAX_CHOICES:
        problems.append(
            f"The question has {len(spec.choices)} answers: a question takes at most {MAX_CHOICES}."
        )
    numbers = [n for c in spec.choices for n in (c.numeric_value, c.tolerance) if n is not None]
    for number in numbers:
        if not storable_number(number):
            problems.append(
                f"The number {number} cannot be kept exactly: the quiz stores {number_limits()}."
            )
    problems += answer_problems(spec.kind, spec.choices)
    if spec.kind != Kind.DESCRIPTION and spec.points <= 0:
        problems.append("A scored question needs more than 0 points.")
    if problems:
        raise ValidationError(problems)


def answer_problems(kind: str, choices: Sequence[ChoiceSpec]) -> list[str]:
    """What makes these answers ungradable for a question of this type: the rules the editor's
    answer forms and the GIFT import both apply (through `validate_question`), so nothing one
    of them accepts is refused by the other."""
    problems: list[str] = []
    fractions = [c.fraction for c in choices]
    if any(f < -1 or f > 1 for f in fractions):
        problems.append("Weights must lie between -100% and 100%.")
    if kind == Kind.SINGLE:
        if len(choices) < 2:
            problems.append("A single-choice question needs at least two choices.")
        if sum(1 for f in fractions if f == 1) != 1:
            problems.append("A single-choice question needs exactly one right answer (100%).")
        if any(f not in (0, 1) for f in fractions):
            problems.append(
                "A single-choice answer is right (100%) or wrong (0%): for partial credit, "
                "make it a multiple-response question."
            )
    elif kind == Kind.MULTIPLE:
        if len(choices) < 2:
            problems.append("A multiple-response question needs at least two choices.")
        right = sum((f for f in fractions if f > 0), Decimal("0"))
        if abs(right - 1) > WEIGHT_SUM_TOLERANCE:
            problems.append(
                "The weights of the right answers must add up to 100% "
                f"(now {(right * 100).normalize():f}%)."
            )
    elif kind == Kind.TRUE_FALSE:
        if len(choices) != 2 or sorted(fractions) != [0, 1]:
            problems.append("A true/false question has a right side and a wrong side.")
    elif kind == Kind.SHORT_ANSWER:
        if not any(f == 1 and c.text.strip() for c, f in zip(choices, fractions, strict=True)):
            problems.append("A short-answer question needs at least one accepted answer at 100%.")
        if any(len(c.text) > MAX_TYPED_ANSWER for c in choices):
            problems.append(
                f"An accepted answer takes at most {MAX_TYPED_ANSWER} characters, "
                "as a typed answer does."
            )
    elif kind == Kind.NUMERICAL:
        if any(c.tolerance is not None and c.tolerance < 0 for c in choices):
            problems.append("A numerical tolerance cannot be negative.")
        if not any(f == 1 for f in fractions):
            problems.append("A numerical question needs an answer worth 100%.")
    elif kind == Kind.MATCHING:
        if sum(1 for c in choices if c.match_prompt.strip()) < 2:
            problems.append("A matching question needs at least two pairs.")
        if any(len(c.text) > MAX_TYPED_ANSWER for c in choices):
            problems.append(f"A matching answer takes at most {MAX_TYPED_ANSWER} characters.")
    elif kind != Kind.DESCRIPTION:
        problems.append(f"Unknown question type {kind!r}.")
    if kind in (Kind.SHORT_ANSWER, Kind.NUMERICAL) and any(f < 0 for f in fractions):
        problems.append("An accepted answer's weight lies between 0% and 100%.")
    return problems


def _write_version(question: Question, number: int, spec: QuestionSpec) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        kind=spec.kind,
        name=spec.name[:250],
        prompt=spec.prompt,
        points=Decimal("0") if spec.kind == Kind.DESCRIPTION else spec.points,
        general_feedback=spec.general_feedback,
    )
    Choice.objects.bulk_create(
        Choice(
            version=version,
            position=position,
            text=choice.text,
            fraction=choice.fraction,
            feedback=choice.feedback,
            numeric_value=choice.numeric_value,
            tolerance=choice.tolerance,
            match_prompt=choice.match_prompt,
        )
        for position, choice in enumerate(spec.choices)
    )
    return version


def quiz_full_error(count: int) -> QuizFullError:
    return QuizFullError(
        f"The quiz would have {count} questions: a quiz takes at most {MAX_QUESTIONS_PER_QUIZ}, "
        "so that one submit can carry every answer. Split it into two quizzes, or delete "
        "questions first."
    )


@transaction.atomic
def add_question(*, quiz: Quiz, spec: QuestionSpec) -> QuestionVersion:
    """Append a question to the quiz; returns its first version. Raises QuizFullError when the
    quiz already holds MAX_QUESTIONS_PER_QUIZ (the quiz row is locked, so two adds at once cannot
    both take the last place)."""
    validate_question(spec)
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()
    position = quiz.questions.count()
    if position >= MAX_QUESTIONS_PER_QUIZ:
        raise quiz_full_error(position + 1)
    question = Question.objects.create(quiz=quiz, position=position)
    return _write_version(question, 1, spec)


def version_is_frozen(version: QuestionVersion) -> bool:
    """True once an attempt may have drawn the version or answered it: `edit_question` then
    writes a new version instead of changing this one."""
    drawn = Attempt.objects.filter(
        quiz_id=version.question.quiz_id, started_at__gte=version.created_at
    ).exists()
    return drawn or version.responses.exists()


@transaction.atomic
def edit_question(*, question: Question, spec: QuestionSpec) -> tuple[QuestionVersion, bool]:
    """Change a question. Once any attempt has drawn it, the change is a new version and attempts
    (and statistics) keep the version they saw. Returns the current version and if it is new."""
    validate_question(spec)
    question = Question.objects.select_for_update().get(pk=question.pk)
    current = question.versions.order_by("-number").first()
    if current is not None and not version_is_frozen(current):
        number = current.number
        current.delete()
        return _write_version(question, number, spec), False
    return _write_version(question, (current.number if current else 0) + 1, spec), True


@transaction.atomic
def create_quiz(*, lesson: Lesson) -> Quiz:
    """The lesson's quiz, created with the default settings when it has none; the lesson becomes
    a quiz lesson. Safe to call repeatedly."""
    quiz, _created = Quiz.objects.get_or_create(lesson=lesson)
    if lesson.kind != Lesson.Kind.QUIZ:
        lesson.kind = Lesson.Kind.QUIZ
        lesson.save(update_fields=["kind"])
    return quiz


@transaction.atomic
def update_quiz_settings(
    *,
    quiz: Quiz,
    pass_mark: int,
    attempts_allowed: int | None,
    time_limit_minutes: int | None,
    shuffle_questions: bool,
    shuffle_choices: bool,
    draw_count: int | None,
    review_marks: str,
    review_answers: str,
) -> Quiz:
    """Store the quiz's settings, all or none; raises ValidationError (keyed by field) when they
    break a rule, such as drawing more questions than the quiz has. Attempts already started
    keep the questions they drew."""
    locked = Quiz.objects.select_for_update().get(pk=quiz.pk)
    locked.pass_mark = pass_mark
    locked.attempts_allowed = attempts_allowed
    locked.time_limit_minutes = time_limit_minutes
    locked.shuffle_questions = shuffle_questions
    locked.shuffle_choices = shuffle_choices
    locked.draw_count = draw_count or None
    locked.review_marks = review_marks
    locked.review_answers = review_answers
    locked.full_clean(exclude=["lesson"], validate_unique=False)
    questions = locked.questions.count()
    if locked.draw_count is not None and locked.draw_count > questions:
        raise ValidationError(
            {
                "draw_count": (
                    f"The quiz has {questions} questions: it cannot draw {locked.draw_count}."
                )
            }
        )
    locked.save()
    return locked


def question_in_use(question: Question) -> bool:
    """True once any attempt has answered one of the question's versions or drawn it (an open
    attempt, or a description, which is never answered)."""
    version_ids = set(question.versions.values_list("pk", flat=True))
    if Response.objects.filter(version_id__in=version_ids).exists():
        return True
    layouts = Attempt.objects.filter(
        quiz_id=question.quiz_id, started_at__gte=question.created_at
    ).values_list("layout", flat=True)
    return any(
        int(item["version"]) in version_ids for layout in layouts.iterator() for item in layout
    )


def _renumber(questions: Sequence[Question]) -> None:
    changed = []
    for position, question in enumerate(questions):
        if question.position != position:
            question.position = position
            changed.append(question)
    Question.objects.bulk_update(changed, ["position"])


def _locked_questions(quiz_id: int) -> list[Question]:
    return list(
        Question.objects.select_for_update().filter(quiz_id=quiz_id).order_by("position", "id")
    )


@transaction.atomic
def delete_question(*, question: Question) -> None:
    """Delete a question no attempt has used, and close the gap in the order. Raises
    QuestionInUseError otherwise: attempts and their results refer to it."""
    questions = _locked_questions(question.quiz_id)
    if question_in_use(question):
        raise QuestionInUseError
    Question.objects.filter(pk=question.pk).delete()
    _renumber([q for q in questions if q.pk != question.pk])


@transaction.atomic
def move_question(*, question: Question, offset: int) -> None:
    """Move the question `offset` places (-1: up, 1: down), stopping at either end; the quiz's
    questions are numbered 0, 1, 2... afterwards. Attempts keep the order they drew."""
    questions = _locked_questions(question.quiz_id)
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:  # deleted meanwhile
        return
    target = min(max(index + offset, 0), len(questions) - 1)
    questions.insert(target, questions.pop(index))
    _renumber(questions)
