"""GIFT text into a quiz (all or nothing) and a quiz back out as GIFT."""

from dataclasses import dataclass, field
from decimal import Decimal

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction

from courses import gift
from courses.models import Choice, QuestionVersion, Quiz
from courses.services.authoring import ChoiceSpec, QuestionSpec, add_question, validate_question
from courses.services.grading import current_versions

MAX_GIFT_BYTES = 512 * 1024

KINDS = {
    gift.Kind.SINGLE: QuestionVersion.Kind.SINGLE,
    gift.Kind.MULTIPLE: QuestionVersion.Kind.MULTIPLE,
    gift.Kind.TRUE_FALSE: QuestionVersion.Kind.TRUE_FALSE,
    gift.Kind.SHORT_ANSWER: QuestionVersion.Kind.SHORT_ANSWER,
    gift.Kind.NUMERICAL: QuestionVersion.Kind.NUMERICAL,
    gift.Kind.MATCHING: QuestionVersion.Kind.MATCHING,
    gift.Kind.DESCRIPTION: QuestionVersion.Kind.DESCRIPTION,
}


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


def _plain(text: gift.Text) -> str:
    """Question text for a Markdown field: HTML-format text loses its tags, never runs."""
    if text.format == "html":
        return nh3.clean(text.text, tags=set()).strip()
    return text.text.strip()


def _spec(question: gift.Question) -> QuestionSpec:
    kind = KINDS[question.kind]
    choices: list[ChoiceSpec] = []
    if question.kind in {gift.Kind.SINGLE, gift.Kind.MULTIPLE, gift.Kind.SHORT_ANSWER}:
        choices = [
            ChoiceSpec(text=_plain(a.text), fraction=a.fraction, feedback=_plain(a.feedback))
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
                text="*" if a.value is None else f"{a.value}",
                fraction=a.fraction,
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


def preview_gift(text: str) -> Preview:
    preview = Preview()
    if len(text.encode()) > MAX_GIFT_BYTES:
        preview.problems.append(Problem(0, f"The file is larger than {MAX_GIFT_BYTES // 1024} KB."))
        return preview
    try:
        parsed = gift.parse_gift(text)
    except gift.GiftSyntaxError as exc:
        preview.problems.extend(Problem(e.line, e.message) for e in exc.errors)
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


@transaction.atomic
def import_gift(*, quiz: Quiz, text: str) -> list[QuestionVersion]:
    """Add every question in the GIFT text to the quiz, or none: any problem raises
    ValidationError listing each with its line number."""
    preview = preview_gift(text)
    if not preview.ok:
        raise ValidationError([str(p) for p in preview.problems])
    return [add_question(quiz=quiz, spec=spec) for _line, spec in preview.questions]


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
