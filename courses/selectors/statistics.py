"""The instructors' item statistics page: each scored version of a quiz with its stored statistics
(courses/services/statistics.py computes them), its flags explained and its answers counted."""

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from courses.lib.item_statistics import CHOICE_KINDS, NO_ANSWER, TEXT_KINDS, Flag, flags
from courses.lib.scoring import normalise, score
from courses.models import Choice, QuestionStatistic, QuestionVersion, Quiz

Kind = QuestionVersion.Kind


@dataclass(frozen=True)
class FlagNote:
    code: Flag
    label: str | Promise
    explanation: str | Promise


FLAG_NOTES = {
    Flag.TOO_EASY: FlagNote(
        Flag.TOO_EASY,
        _("Too easy"),
        _(
            "More than 90% of the points were scored. The question shows little about who has "
            "learned the material; keep it as a warm-up or make it more demanding."
        ),
    ),
    Flag.TOO_HARD: FlagNote(
        Flag.TOO_HARD,
        _("Too hard"),
        _(
            "Fewer than 30% of the points were scored. Check the wording, the answer key and "
            "whether the lesson teaches this."
        ),
    ),
    Flag.WEAK_DISCRIMINATION: FlagNote(
        Flag.WEAK_DISCRIMINATION,
        _("Weak discrimination: check the answer key"),
        _(
            "Practitioners who did well on the rest of the quiz did hardly better on this "
            "question than those who did poorly. An unclear wording or key is the usual cause."
        ),
    ),
    Flag.NEGATIVE_DISCRIMINATION: FlagNote(
        Flag.NEGATIVE_DISCRIMINATION,
        _("Negative discrimination: the answer key may be wrong"),
        _(
            "Practitioners who did poorly on the rest of the quiz did better on this question "
            "than those who did well. Check which answer is marked right."
        ),
    ),
}


@dataclass(frozen=True)
class AnswerCount:
    """One row of an item's answer breakdown."""

    label: str
    count: int
    share: float  # of the item's responses, 0..1
    right: bool  # part of the answer key
    partial: bool = False  # earns some of the points, not all (short and numerical answers)
    weight: Decimal | None = None  # the share of the points the choice earns (choice kinds)

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def weight_percent(self) -> int | None:
        return None if self.weight is None else round(self.weight * 100)

    @property
    def bar_width(self) -> float:
        """The bar's width in a 0-100 SVG viewBox."""
        return round(self.share * 100, 1)


@dataclass(frozen=True)
class MatchedItem:
    """A matching question's item, with the answers it was paired with: the right one first."""

    prompt: str
    answers: list[AnswerCount]


@dataclass(frozen=True)
class ItemReport:
    number: int  # the question's place in the quiz, from 1
    version: QuestionVersion
    is_current: bool
    statistic: QuestionStatistic | None
    flags: list[FlagNote]
    answers: list[AnswerCount] = field(default_factory=list)  # choice, short and numerical
    matched: list[MatchedItem] = field(default_factory=list)  # matching
    other_answers: int = 0  # short and numerical answers outside the most frequent ones
    unanswered: AnswerCount | None = None
    accepted: list[Choice] = field(default_factory=list)  # short and numerical answer key

    @property
    def short_prompt(self) -> str:
        """The version's name, or the start of its prompt as plain text."""
        text = self.version.name or html.unescape(strip_tags(self.version.prompt_html))
        return Truncator(" ".join(text.split())).chars(70)

    @property
    def answer_kind(self) -> str:
        """How the answers are broken down: "choice", "matching" or "text"."""
        kind = self.version.kind
        return "choice" if kind in CHOICE_KINDS else "text" if kind in TEXT_KINDS else str(kind)

    @property
    def responses(self) -> int:
        return self.statistic.responses if self.statistic else 0

    @property
    def facility_percent(self) -> int | None:
        facility = self.statistic.facility if self.statistic else None
        return None if facility is None else round(facility * 100)

    @property
    def discrimination(self) -> float | None:
        return self.statistic.discrimination if self.statistic else None


@dataclass(frozen=True)
class StatisticsReport:
    items: list[ItemReport]
    computed_at: datetime | None


def quiz_statistics_report(*, quiz: Quiz) -> StatisticsReport:
    """The stored statistics of the quiz's scored versions, in quiz order, newest version first.
    Two queries, whatever the number of attempts."""
    versions = list(
        QuestionVersion.objects.filter(question__quiz=quiz)
        .exclude(kind=Kind.DESCRIPTION)
        .select_related("question", "statistic")
        .prefetch_related("choices")
        .order_by("question__position", "question_id", "-number")
    )
    items: list[ItemReport] = []
    question_ids: list[int] = []
    for version in versions:
        is_current = not question_ids or question_ids[-1] != version.question_id
        if is_current:
            question_ids.append(version.question_id)
        statistic = getattr(version, "statistic", None)
        items.append(_item_report(len(question_ids), version, is_current, statistic))
    stamps = [item.statistic.computed_at for item in items if item.statistic]
    return StatisticsReport(items=items, computed_at=max(stamps) if stamps else None)


def _item_report(
    number: int, version: QuestionVersion, is_current: bool, statistic: QuestionStatistic | None
) -> ItemReport:
    choices = list(version.choices.all())
    counts: dict[str, int] = statistic.choice_counts if statistic else {}
    responses = statistic.responses if statistic else 0

    def row(label: str, count: int, **marks: Any) -> AnswerCount:
        return AnswerCount(label, count, count / responses if responses else 0.0, **marks)

    report = ItemReport(
        number=number,
        version=version,
        is_current=is_current,
        statistic=statistic,
        flags=[FLAG_NOTES[code] for code in flags(statistic.facility, statistic.discrimination)]
        if statistic
        else [],
        unanswered=row(str(_("No answer")), counts[NO_ANSWER], right=False)
        if counts.get(NO_ANSWER)
        else None,
    )
    if version.kind in CHOICE_KINDS:
        answers = [
            row(c.text, counts.get(str(c.pk), 0), right=c.fraction > 0, weight=c.fraction)
            for c in choices
        ]
        return replace(report, answers=answers)
    if version.kind == Kind.MATCHING:
        return replace(report, matched=_matched_items(choices, counts, row))
    if version.kind in TEXT_KINDS:
        given = sorted(
            ((text, n) for text, n in counts.items() if text != NO_ANSWER),
            key=lambda pair: (-pair[1], pair[0]),
        )
        answers = []
        for text, n in given:
            credit = score(version.kind, choices, text).fraction
            answers.append(row(text, n, right=credit >= 1, partial=0 < credit < 1))
        shown = counts.get(NO_ANSWER, 0) + sum(n for _text, n in given)
        return replace(
            report,
            answers=answers,
            other_answers=max(responses - shown, 0),
            accepted=[c for c in choices if c.fraction > 0],
        )
    return report


def _matched_items(
    choices: list[Choice], counts: dict[str, int], row: Callable[..., AnswerCount]
) -> list[MatchedItem]:
    by_id = {str(c.pk): c for c in choices}
    matched = []
    for prompt in (c for c in choices if c.match_prompt):
        prefix = f"{prompt.pk}:"
        picked: dict[str, int] = {prompt.text: 0}
        for key, n in counts.items():
            answer = by_id.get(key[len(prefix) :]) if key.startswith(prefix) else None
            if answer is not None:
                picked[answer.text] = picked.get(answer.text, 0) + n
        right = normalise(prompt.text)
        ordered = sorted(
            picked.items(), key=lambda pair: (normalise(pair[0]) != right, -pair[1], pair[0])
        )
        answers = [row(text, n, right=normalise(text) == right) for text, n in ordered]
        matched.append(MatchedItem(prompt.match_prompt, answers))
    return matched
