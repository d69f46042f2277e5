"""Forms of the instructors' quiz editor: the quiz's settings, a question, and its answers in the
shape each question type needs. Forms check what a person can fix next to the field; the
authoring service has the last word (`validate_question`)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME, BaseFormSet, formset_factory
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from academy.fields import SingleLineFormField
from courses.models import Choice, QuestionVersion, Quiz, ReviewWhen
from courses.services.questions import (
    MAX_ANSWER_TEXT,
    MAX_CHOICES,
    MAX_FEEDBACK,
    MAX_TYPED_ANSWER,
    ChoiceSpec,
    answer_problems,
)

Kind = QuestionVersion.Kind
HUNDRED, ZERO = Decimal("100"), Decimal("0")
Label = str | Promise
MAX_ANSWERS = MAX_CHOICES


def plain_number(value: Decimal | None) -> str:
    """A stored decimal as a person would type it: 2.500000 is 2.5, 1E+1 is 10."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def fraction_of(weight: Decimal | None) -> Decimal:
    return ((weight or Decimal("0")) / HUNDRED).quantize(Decimal("0.00001"))


def percent_of(fraction: Decimal) -> str:
    return plain_number(fraction * HUNDRED)


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(v) for v in data.getlist(name)]
    value = data.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


@dataclass(frozen=True)
class Problem:
    """One line of the error summary, linking to the field (or section) it is about."""

    message: str
    target: str


def form_problems(form: forms.Form, where: Label = "", anchor: str = "") -> list[Problem]:
    """The form's errors for the summary; errors of the whole form link to `anchor` (or to the
    element with the form's prefix as its id)."""
    problems = []
    lead = f"{where}: " if where else ""
    for name, errors in form.errors.items():
        if name == "__all__":
            target = anchor or form.prefix or ""
            problems += [Problem(f"{lead}{message}", target) for message in errors]
            continue
        bound = form[name]
        target = bound.id_for_label or bound.auto_id or ""
        problems += [Problem(f"{lead}{bound.label}: {message}", target) for message in errors]
    return problems


# --- the quiz ------------------------------------------------------------------------------


class QuizSettingsForm(forms.Form):
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100)
    attempts_allowed = forms.IntegerField(
        label=_("Attempts allowed"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty for unlimited attempts."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        required=False,
        min_value=1,
        max_value=1440,
        help_text=_("Leave empty for no time limit."),
    )
    draw_count = forms.IntegerField(label=_("Questions drawn per attempt"), required=False)
    shuffle_questions = forms.BooleanField(label=_("Shuffle the questions"), required=False)
    shuffle_choices = forms.BooleanField(
        label=_("Shuffle the answers within each question"),
        required=False,
        help_text=_("True/false questions always show True first."),
    )
    review_marks = forms.ChoiceField(
        label=_("Show right/wrong per question"), choices=ReviewWhen.choices
    )
    review_answers = forms.ChoiceField(
        label=_("Show correct answers and feedback"), choices=ReviewWhen.choices
    )

    def __init__(self, *args: Any, question_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_count = question_count
        draw = self.fields["draw_count"]
        assert isinstance(draw, forms.IntegerField)
        draw.min_value = 1
        draw.widget.attrs.update(min=1, max=max(question_count, 1))
        draw.help_text = ngettext(
            "Leave empty to use the quiz's %(n)d question in every attempt.",
            "Leave empty to use all %(n)d questions in every attempt.",
            question_count,
        ) % {"n": question_count}

    @staticmethod
    def initial_for(quiz: Quiz) -> dict[str, Any]:
        return {
            "pass_mark": quiz.pass_mark,
            "attempts_allowed": quiz.attempts_allowed,
            "time_limit_minutes": quiz.time_limit_minutes,
            "draw_count": quiz.draw_count,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            "review_marks": quiz.review_marks,
            "review_answers": quiz.review_answers,
        }

    def clean_draw_count(self) -> int | None:
        value: int | None = self.cleaned_data["draw_count"]
        if value is not None and value < 1:
            raise ValidationError(_("Draw at least one question, or leave this empty."))
        if value is not None and value > self.question_count:
            raise ValidationError(
                ngettext(
                    "The quiz has %(n)d question: it cannot draw %(draw)d.",
                    "The quiz has %(n)d questions: it cannot draw %(draw)d.",
                    self.question_count,
                )
                % {"n": self.question_count, "draw": value}
            )
        return value


# --- the question --------------------------------------------------------------------------


class QuestionForm(forms.Form):
    prompt = forms.CharField(
        label=_("Question (Markdown)"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    name = SingleLineFormField(
        label=_("Short name"),
        required=False,
        max_length=250,
        help_text=_("Optional: shown in the question list and the statistics."),
    )
    points = forms.DecimalField(
        label=_("Points"),
        min_value=Decimal("0.01"),
        max_value=Decimal("9999.99"),
        max_digits=6,
        decimal_places=2,
        initial="1",
    )
    general_feedback = forms.CharField(
        label=_("General feedback (Markdown)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the review to everyone, whatever they answered."),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Kind.DESCRIPTION:
            del self.fields["points"], self.fields["general_feedback"]
            self.fields["prompt"].label = _("Text (Markdown)")
            self.fields["prompt"].help_text = _(
                "Information shown between the questions; it is not scored."
            )

    @staticmethod
    def initial_for(version: QuestionVersion) -> dict[str, Any]:
        return {
            "prompt": version.prompt,
            "name": version.name,
            "points": plain_number(version.points),
            "general_feedback": version.general_feedback,
        }


# --- answer rows ---------------------------------------------------------------------------


class AnswerRow(forms.Form):
    """One answer row. A row whose content fields are all empty is left out, so blank rows can
    be offered for adding answers without JavaScript."""

    content_fields: ClassVar[tuple[str, ...]] = ()
    # Needed once the row has any content.
    required_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def row_key(self) -> str:
        """The row's index in its formset ("__prefix__" in the template for new rows)."""
        return (self.prefix or "").rsplit("-", 1)[-1]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(
            data.get(name) in (None, "") or data[name] is False for name in self.content_fields
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_blank:
            for name in self.required_fields:
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Fill this in, or clear the row."))
        return data

    def spec(self) -> ChoiceSpec:
        raise NotImplementedError


def _weight(initial: str | None = None, low: int = -100) -> Any:
    return forms.DecimalField(
        label=_("Weight (%)"),
        required=False,
        min_value=Decimal(low),
        max_value=HUNDRED,
        max_digits=6,
        decimal_places=3,
        initial=initial,
        error_messages={
            "min_value": _("A weight cannot be below %(limit_value)s%%."),
            "max_value": _("A weight cannot be above %(limit_value)s%%."),
        },
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


def _feedback() -> forms.CharField:
    return forms.CharField(label=_("Feedback"), required=False, max_length=MAX_FEEDBACK)


class SingleChoiceRow(AnswerRow):
    text = forms.CharField(label=_("Answer"), required=False, max_length=MAX_ANSWER_TEXT)
    feedback = _feedback()
    content_fields = ("text", "feedback")
    required_fields = ("text",)

    def spec_with(self, *, right: bool) -> ChoiceSpec:
        data = self.cleaned_data
        fraction = Decimal("1") if right else Decimal("0")
        return ChoiceSpec(text=data["text"], fraction=fraction, feedback=data["feedback"])


class MultipleResponseRow(AnswerRow):
    text = forms.CharField(label=_("Answer"), required=False, max_length=MAX_ANSWER_TEXT)
    weight = _weight()
    feedback = _feedback()
    content_fields = ("text", "feedback")
    required_fields = ("text",)

    def spec(self) -> ChoiceSpec:
        data = self.cleaned_data
        return ChoiceSpec(
            text=data["text"], fraction=fraction_of(data["weight"]), feedback=data["feedback"]
        )


class ShortAnswerRow(AnswerRow):
    text = forms.CharField(
        label=_("Accepted answer"),
        required=False,
        max_length=MAX_TYPED_ANSWER,
        help_text=_("Compared ignoring capitals and extra spaces."),
    )
    weight = _weight(initial="100", low=0)
    feedback = _feedback()
    content_fields = ("text", "feedback")
    required_fields = ("text", "weight")

    def spec(self) -> ChoiceSpec:
        data = self.cleaned_data
        return ChoiceSpec(
            text=data["text"], fraction=fraction_of(data["weight"]), feedback=data["feedback"]
        )


def _number(label: Any, places: int = 6, **kwargs: Any) -> Any:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14 + places,
        decimal_places=places,
        widget=forms.NumberInput(attrs={"step": "any"}),
        **kwargs,
    )


class NumericalRow(AnswerRow):
    value = _number(_("Right number"))
    tolerance = _number(
        _("± tolerance"),
        min_value=Decimal("0"),
        error_messages={"min_value": _("A tolerance cannot be negative.")},
    )
    low = _number(_("Range from"), places=5)
    high = _number(_("Range to"), places=5)
    any_number = forms.BooleanField(label=_("Any other number"), required=False)
    weight = _weight(initial="100", low=0)
    feedback = _feedback()
    content_fields = ("value", "tolerance", "low", "high", "any_number", "feedback")
    required_fields = ("weight",)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_blank:
            return data
        value, low, high = data.get("value"), data.get("low"), data.get("high")
        if data.get("any_number"):
            if value is not None or low is not None or high is not None:
                self.add_error("any_number", _("A catch-all answer takes no number or range."))
        elif low is not None or high is not None:
            if value is not None or data.get("tolerance") is not None:
                self.add_error("value", _("Give a number and tolerance, or a range: not both."))
            if low is None or high is None:
                self.add_error("low" if low is None else "high", _("Give both ends of the range."))
            elif low > high:
                self.add_error("high", _("The range must end at or above where it starts."))
        elif value is None and not self.errors:
            self.add_error(
                "value", _("Give the right number, a range, or tick “Any other number”.")
            )
        return data

    def spec(self) -> ChoiceSpec:
        data = self.cleaned_data
        fraction, feedback = fraction_of(data["weight"]), data["feedback"]
        if data["any_number"]:
            return ChoiceSpec(text="*", fraction=fraction, feedback=feedback)
        if data["low"] is not None:
            value = (data["low"] + data["high"]) / 2
            tolerance = (data["high"] - data["low"]) / 2
        else:
            value, tolerance = data["value"], data["tolerance"] or Decimal("0")
        return ChoiceSpec(
            text=plain_number(value),
            fraction=fraction,
            feedback=feedback,
            numeric_value=value,
            tolerance=tolerance,
        )


class PairRow(AnswerRow):
    prompt = forms.CharField(label=_("Item"), required=False, max_length=MAX_ANSWER_TEXT)
    answer = forms.CharField(
        label=_("Matching answer"), required=False, max_length=MAX_TYPED_ANSWER
    )
    content_fields = required_fields = ("prompt", "answer")

    def spec(self) -> ChoiceSpec:
        return ChoiceSpec(
            text=self.cleaned_data["answer"], match_prompt=self.cleaned_data["prompt"]
        )


class DistractorRow(AnswerRow):
    answer = forms.CharField(label=_("Extra answer"), required=False, max_length=MAX_TYPED_ANSWER)
    content_fields = required_fields = ("answer",)

    def spec(self) -> ChoiceSpec:
        return ChoiceSpec(text=self.cleaned_data["answer"])


def is_removed(form: forms.Form) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


if TYPE_CHECKING:
    _RowFormSet = BaseFormSet[AnswerRow]
else:  # BaseFormSet takes no type argument at run time
    _RowFormSet = BaseFormSet


class AnswerFormSet(_RowFormSet):
    def add_fields(self, form: AnswerRow, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[DELETION_FIELD_NAME].label = _("Remove this row")

    def kept_forms(self) -> list[AnswerRow]:
        """The rows that become answers, in order (after is_valid)."""
        return [form for form in self.forms if not is_removed(form) and not form.is_blank]

    def specs(self) -> list[ChoiceSpec]:
        return [form.spec() for form in self.kept_forms()]


class SingleChoiceFormSet(AnswerFormSet):
    """The right answer is one radio button across the rows, named `<prefix>-right`."""

    def __init__(self, *args: Any, right_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picked = _values(self.data, self.right_name) if self.is_bound else []
        self.right_key = picked[0] if picked else right_key

    @property
    def right_name(self) -> str:
        return f"{self.prefix}-right"

    def clean(self) -> None:
        if any(self.errors):
            return
        picked = _values(self.data, self.right_name)
        if len(picked) != 1:
            raise ValidationError(_("Mark exactly one answer as the right one."))
        if picked[0] not in {form.row_key for form in self.kept_forms()}:
            raise ValidationError(_("The answer marked right is empty or removed."))

    def specs(self) -> list[ChoiceSpec]:
        return [
            form.spec_with(right=form.row_key == self.right_key)  # type: ignore[attr-defined]
            for form in self.kept_forms()
        ]


def answer_formset(
    row: type[AnswerRow],
    base: type[AnswerFormSet],
    *,
    data: Mapping[str, Any] | None,
    initial: list[dict[str, Any]],
    prefix: str,
    extra: int,
) -> Any:
    """A bound formset of answer rows, or one filled from `initial` plus `extra` blank rows."""
    formset_class = formset_factory(
        row,
        formset=base,
        extra=0 if data is not None else extra,
        can_delete=True,
        max_num=MAX_ANSWERS,
        validate_max=True,
        absolute_max=MAX_ANSWERS,
    )
    return formset_class(data, initial=initial or None, prefix=prefix)


class TrueFalseForm(forms.Form):
    right = forms.ChoiceField(
        label=_("The statement is"),
        choices=[("true", _("True")), ("false", _("False"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which side is right.")},
    )
    feedback_true = forms.CharField(
        label=_("Feedback for answering “True”"), required=False, max_length=2000
    )
    feedback_false = forms.CharField(
        label=_("Feedback for answering “False”"), required=False, max_length=2000
    )


# --- the answers of each question type -----------------------------------------------------


@dataclass(frozen=True)
class RowSection:
    """A formset as the template shows it: a titled group of rows with an "add" button."""

    formset: AnswerFormSet
    title: Label
    row_label: Label
    add_label: Label
    hint: Label = ""


class Answers:
    """The answers part of the question form for one question type."""

    template: ClassVar[str] = ""
    kind: ClassVar[str] = ""

    def __init__(self, data: Mapping[str, Any] | None, choices: Sequence[Choice]) -> None:
        self.data = data
        self.rule_problems: list[str] = []

    @property
    def sections(self) -> list[RowSection]:
        return []

    def is_valid(self) -> bool:
        """Each row's own checks, then the question type's rules: the service's, so that the
        editor refuses exactly what an import would (`answer_problems`)."""
        if not self.rows_valid():
            return False
        self.rule_problems = answer_problems(self.kind, self.specs())
        return not self.rule_problems

    def rows_valid(self) -> bool:
        results = [section.formset.is_valid() for section in self.sections]  # every error shown
        return all(results)

    def rule_targets(self) -> list[Problem]:
        sections = self.sections
        target = (sections[0].formset.prefix or "") if sections else ""
        return [Problem(message, target) for message in self.rule_problems]

    def specs(self) -> list[ChoiceSpec]:
        return [spec for section in self.sections for spec in section.formset.specs()]

    def problems(self) -> list[Problem]:
        found = []
        for section in self.sections:
            formset = section.formset
            found += [Problem(str(m), formset.prefix or "") for m in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                if is_removed(form):
                    continue
                found += form_problems(form, f"{section.row_label} {number}")
        return found + self.rule_targets()


class RowAnswers(Answers):
    """Answers as one formset of rows."""

    template = "teach/quiz/_answers_rows.html"
    row_class: ClassVar[type[AnswerRow]]
    formset_base: ClassVar[type[AnswerFormSet]] = AnswerFormSet
    prefix = "answers"
    title: ClassVar[Label] = _("Answers")
    row_label: ClassVar[Label] = _("Answer")
    add_label: ClassVar[Label] = _("Add another answer")
    hint: ClassVar[Label] = ""
    blank_rows_new = 4
    blank_rows_edit = 2

    def __init__(self, data: Mapping[str, Any] | None, choices: Sequence[Choice]) -> None:
        super().__init__(data, choices)
        initial = [self.initial_of(c) for c in choices]
        self.formset = self.build(data, initial)

    def build(self, data: Mapping[str, Any] | None, initial: list[dict[str, Any]]) -> Any:
        return answer_formset(
            self.row_class,
            self.formset_base,
            data=data,
            initial=initial,
            prefix=self.prefix,
            extra=self.blank_rows_edit if initial else self.blank_rows_new,
        )

    def initial_of(self, choice: Choice) -> dict[str, Any]:
        return {"text": choice.text, "feedback": choice.feedback}

    @property
    def sections(self) -> list[RowSection]:
        return [RowSection(self.formset, self.title, self.row_label, self.add_label, self.hint)]


class SingleChoiceAnswers(RowAnswers):
    kind = Kind.SINGLE
    row_class = SingleChoiceRow
    formset_base = SingleChoiceFormSet
    hint = _("Mark the one right answer. Empty rows are left out.")

    def build(self, data: Mapping[str, Any] | None, initial: list[dict[str, Any]]) -> Any:
        formset = super().build(data, initial)
        if data is None:
            right = next((str(i) for i, row in enumerate(initial) if row["right"]), None)
            formset.right_key = right
        return formset

    def initial_of(self, choice: Choice) -> dict[str, Any]:
        return {**super().initial_of(choice), "right": choice.fraction == 1}


class MultipleResponseAnswers(RowAnswers):
    kind = Kind.MULTIPLE
    row_class = MultipleResponseRow
    hint = _(
        "Give right answers a positive weight adding up to 100%, and wrong ones 0% or a "
        "negative weight (a penalty). A question never scores below 0."
    )

    def initial_of(self, choice: Choice) -> dict[str, Any]:
        return {**super().initial_of(choice), "weight": percent_of(choice.fraction)}


class ShortAnswerAnswers(RowAnswers):
    kind = Kind.SHORT_ANSWER
    row_class = ShortAnswerRow
    title = _("Accepted answers")
    row_label = _("Accepted answer")
    add_label = _("Add another accepted answer")
    hint = _("At least one answer must be worth 100%; others may earn part of the points.")
    blank_rows_new = 3

    def initial_of(self, choice: Choice) -> dict[str, Any]:
        return {**super().initial_of(choice), "weight": percent_of(choice.fraction)}


class NumericalAnswers(RowAnswers):
    kind = Kind.NUMERICAL
    row_class = NumericalRow
    title = _("Accepted numbers")
    row_label = _("Accepted number")
    add_label = _("Add another accepted number")
    hint = _(
        "Give each accepted number with a tolerance (3.5 ± 0.5), or as a range (3 to 4). "
        "At least one must be worth 100%."
    )
    blank_rows_new = 2
    blank_rows_edit = 1

    def initial_of(self, choice: Choice) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "weight": percent_of(choice.fraction),
            "feedback": choice.feedback,
            "any_number": choice.numeric_value is None,
        }
        if choice.numeric_value is not None:
            initial["value"] = plain_number(choice.numeric_value)
            initial["tolerance"] = plain_number(choice.tolerance or Decimal("0"))
        return initial


class MatchingAnswers(Answers):
    kind = Kind.MATCHING
    template = "teach/quiz/_answers_rows.html"

    def __init__(self, data: Mapping[str, Any] | None, choices: Sequence[Choice]) -> None:
        super().__init__(data, choices)
        pairs = [{"prompt": c.match_prompt, "answer": c.text} for c in choices if c.match_prompt]
        extras = [{"answer": c.text} for c in choices if not c.match_prompt]
        self.pairs = answer_formset(
            PairRow,
            AnswerFormSet,
            data=data,
            initial=pairs,
            prefix="pairs",
            extra=2 if choices else 4,
        )
        self.distractors = answer_formset(
            DistractorRow, AnswerFormSet, data=data, initial=extras, prefix="distractors", extra=1
        )

    @property
    def sections(self) -> list[RowSection]:
        return [
            RowSection(
                self.pairs,
                _("Pairs"),
                _("Pair"),
                _("Add another pair"),
                _("Each item is shown with a list of every answer; at least two pairs."),
            ),
            RowSection(
                self.distractors,
                _("Extra answers"),
                _("Extra answer"),
                _("Add another extra answer"),
                _("Optional wrong answers added to the list, matching no item."),
            ),
        ]


class TrueFalseAnswers(Answers):
    kind = Kind.TRUE_FALSE
    template = "teach/quiz/_answers_true_false.html"

    def __init__(self, data: Mapping[str, Any] | None, choices: Sequence[Choice]) -> None:
        super().__init__(data, choices)
        initial: dict[str, Any] = {}
        for choice in choices:
            side = "true" if choice.text.strip().lower().startswith("t") else "false"
            initial[f"feedback_{side}"] = choice.feedback
            if choice.fraction == 1:
                initial["right"] = side
        self.form = TrueFalseForm(data, initial=initial, prefix="tf")

    def rows_valid(self) -> bool:
        return self.form.is_valid()

    def specs(self) -> list[ChoiceSpec]:
        data = self.form.cleaned_data
        return [
            ChoiceSpec(
                text=side.title(),
                fraction=Decimal("1") if data["right"] == side else Decimal("0"),
                feedback=data[f"feedback_{side}"],
            )
            for side in ("true", "false")
        ]

    def problems(self) -> list[Problem]:
        return form_problems(self.form) + self.rule_targets()


class NoAnswers(Answers):
    """A description: the prompt is all there is."""

    kind = Kind.DESCRIPTION

    def specs(self) -> list[ChoiceSpec]:
        return []


ANSWERS: dict[str, type[Answers]] = {
    Kind.SINGLE: SingleChoiceAnswers,
    Kind.MULTIPLE: MultipleResponseAnswers,
    Kind.TRUE_FALSE: TrueFalseAnswers,
    Kind.SHORT_ANSWER: ShortAnswerAnswers,
    Kind.NUMERICAL: NumericalAnswers,
    Kind.MATCHING: MatchingAnswers,
    Kind.DESCRIPTION: NoAnswers,
}


def answers_for(
    kind: str, *, data: Mapping[str, Any] | None = None, choices: Sequence[Choice] = ()
) -> Answers:
    """The answers editor of a question type: bound to `data` when posted, else filled from
    the current version's `choices` (plus blank rows for new answers)."""
    return ANSWERS[kind](data, choices)
