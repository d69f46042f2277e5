from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from courses.models import Attempt, Choice, Question, QuestionVersion, Quiz

Kind = QuestionVersion.Kind


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
    fractions = [c.fraction for c in spec.choices]
    if not spec.prompt.strip():
        problems.append("The question needs a prompt.")
    if any(f < -1 or f > 1 for f in fractions):
        problems.append("Weights must lie between -100% and 100%.")
    if spec.kind != Kind.DESCRIPTION and spec.points <= 0:
        problems.append("A scored question needs more than 0 points.")
    if spec.kind == Kind.SINGLE:
        if len(spec.choices) < 2:
            problems.append("A single-choice question needs at least two choices.")
        if sum(1 for f in fractions if f == 1) != 1:
            problems.append("A single-choice question needs exactly one right answer (100%).")
    elif spec.kind == Kind.MULTIPLE:
        if len(spec.choices) < 2:
            problems.append("A multiple-response question needs at least two choices.")
        if sum(f for f in fractions if f > 0) < Decimal("0.99"):
            problems.append("The right choices of a multiple-response question must add to 100%.")
    elif spec.kind == Kind.TRUE_FALSE:
        if len(spec.choices) != 2 or sorted(fractions) != [0, 1]:
            problems.append("A true/false question has a right side and a wrong side.")
    elif spec.kind == Kind.SHORT_ANSWER:
        if not any(f == 1 and c.text.strip() for c, f in zip(spec.choices, fractions, strict=True)):
            problems.append("A short-answer question needs at least one accepted answer at 100%.")
    elif spec.kind == Kind.NUMERICAL:
        if any(c.tolerance is not None and c.tolerance < 0 for c in spec.choices):
            problems.append("A numerical tolerance cannot be negative.")
        if not any(f == 1 for f in fractions):
            problems.append("A numerical question needs an answer worth 100%.")
    elif spec.kind == Kind.MATCHING:
        if sum(1 for c in spec.choices if c.match_prompt.strip()) < 2:
            problems.append("A matching question needs at least two pairs.")
    elif spec.kind != Kind.DESCRIPTION:
        problems.append(f"Unknown question type {spec.kind!r}.")
    if problems:
        raise ValidationError(problems)


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


@transaction.atomic
def add_question(*, quiz: Quiz, spec: QuestionSpec) -> QuestionVersion:
    """Append a question to the quiz; returns its first version."""
    validate_question(spec)
    position = quiz.questions.count()
    question = Question.objects.create(quiz=quiz, position=position)
    return _write_version(question, 1, spec)


@transaction.atomic
def edit_question(*, question: Question, spec: QuestionSpec) -> tuple[QuestionVersion, bool]:
    """Change a question. Once any attempt has drawn it, the change is a new version and attempts
    (and statistics) keep the version they saw. Returns the current version and if it is new."""
    validate_question(spec)
    question = Question.objects.select_for_update().get(pk=question.pk)
    current = question.versions.order_by("-number").first()
    drawn = (
        current is not None
        and Attempt.objects.filter(
            quiz_id=question.quiz_id, started_at__gte=current.created_at
        ).exists()
    )
    if current is not None and not drawn and not current.responses.exists():
        number = current.number
        current.delete()
        return _write_version(question, number, spec), False
    return _write_version(question, (current.number if current else 0) + 1, spec), True
