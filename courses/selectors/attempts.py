"""An attempt's questions as its pages show them: the attempt page and its result, and the quiz
editor's preview of a drawn layout."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from courses.models import Attempt, Choice, QuestionVersion, Quiz, Response, ReviewWhen


@dataclass
class ShownQuestion:
    """A question as one attempt shows it: options in the attempt's own order.

    The page names options by their place in this attempt's frozen layout, never by database id:
    ids follow the order an instructor wrote the answers in (the right one is often first), and a
    matching question's prompt and its right answer are the same row."""

    number: int
    version: QuestionVersion
    choices: list[Choice]
    prompts: list[Choice] = field(default_factory=list)
    response: Response | None = None

    @property
    def chosen_ids(self) -> set[int]:
        answer = self.response.answer if self.response else None
        return {int(i) for i in answer} if isinstance(answer, list) else set()

    @property
    def text_answer(self) -> str:
        answer = self.response.answer if self.response else None
        return answer if isinstance(answer, str) else ""

    @property
    def matches(self) -> dict[int, int]:
        answer = self.response.answer if self.response else None
        return {int(k): int(v) for k, v in answer.items()} if isinstance(answer, dict) else {}

    @property
    def options(self) -> list[tuple[int, Choice, bool]]:
        """(place, choice, chosen) in the order shown."""
        chosen = self.chosen_ids
        return [(place, c, c.pk in chosen) for place, c in enumerate(self.choices)]

    @property
    def match_options(self) -> list[tuple[int, str]]:
        """The distinct answers of a matching question, alphabetically, by place."""
        return list(enumerate(matching_answers(c.text for c in self.choices)))

    @property
    def match_rows(self) -> list[tuple[int, Choice, int | None]]:
        """(place, prompt, place of the chosen answer) for each item to match."""
        texts = matching_answers(c.text for c in self.choices)
        by_id = {c.pk: c.text for c in self.choices}
        matches = self.matches
        rows = []
        for place, prompt in enumerate(self.prompts):
            picked = by_id.get(matches.get(prompt.pk, -1))
            rows.append((place, prompt, texts.index(picked) if picked in texts else None))
        return rows


def matching_answers(texts: Iterable[str]) -> list[str]:
    """Each answer text once, in an order that says nothing about which prompt it belongs to."""
    return sorted(set(texts), key=lambda text: (text.casefold(), text))


def shown_questions(attempt: Attempt) -> list[ShownQuestion]:
    responses = {r.version_id: r for r in attempt.responses.all()}
    return questions_in_layout(attempt.layout, responses)


def questions_in_layout(
    layout: list[dict[str, Any]], responses: dict[int, Response] | None = None
) -> list[ShownQuestion]:
    """The questions of a frozen layout in its order, numbered (descriptions are not), with
    their options in the layout's order and any saved responses. Two queries."""
    versions = QuestionVersion.objects.in_bulk([int(item["version"]) for item in layout])
    choices = Choice.objects.in_bulk([int(c) for item in layout for c in item["choices"]])
    responses = responses or {}
    shown, number = [], 0
    for item in layout:
        version = versions[int(item["version"])]
        if version.is_scored:
            number += 1
        shown.append(
            ShownQuestion(
                number=number,
                version=version,
                choices=[choices[int(c)] for c in item["choices"]],
                prompts=[choices[int(p)] for p in item.get("prompts", [])],
                response=responses.get(version.pk),
            )
        )
    return shown


def review_visible(when: str, *, quiz: Quiz, passed_ever: bool, attempts_used: int) -> bool:
    if when == ReviewWhen.IMMEDIATELY:
        return True
    if when == ReviewWhen.AFTER_PASS:
        return passed_ever
    if when == ReviewWhen.AFTER_LAST:
        no_more = quiz.attempts_allowed is not None and attempts_used >= quiz.attempts_allowed
        return passed_ever or no_more
    return False
