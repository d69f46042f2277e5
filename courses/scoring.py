"""Scoring one answer to one question version (pure: no database, no Django)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

ZERO, ONE = Decimal("0"), Decimal("1")


class ChoiceLike(Protocol):
    pk: Any
    text: str
    fraction: Decimal
    numeric_value: Decimal | None
    tolerance: Decimal | None
    match_prompt: str


@dataclass(frozen=True)
class Scored:
    fraction: Decimal  # share of the question's points earned, 0..1
    chosen: tuple[Any, ...]  # the choices the answer selected or matched, for feedback


def normalise(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def parse_number(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def score(kind: str, choices: Sequence[ChoiceLike], answer: Any) -> Scored:
    """The fraction earned by `answer`; an empty or unusable answer earns nothing."""
    if answer in (None, "", [], {}):
        return Scored(ZERO, ())
    by_id = {str(choice.pk): choice for choice in choices}
    if kind in {"single", "true_false"}:
        chosen = [by_id[str(i)] for i in answer if str(i) in by_id][:1]
        return Scored(_clamp(sum((c.fraction for c in chosen), ZERO)), tuple(chosen))
    if kind == "multiple":
        chosen = [by_id[str(i)] for i in dict.fromkeys(answer) if str(i) in by_id]
        return Scored(_clamp(sum((c.fraction for c in chosen), ZERO)), tuple(chosen))
    if kind == "short_answer":
        given = normalise(answer)
        matches = [c for c in choices if c.text.strip() == "*" or normalise(c.text) == given]
        return _best(matches)
    if kind == "numerical":
        value = parse_number(answer)
        if value is None:
            return Scored(ZERO, ())
        matches = [
            c
            for c in choices
            if c.numeric_value is None or abs(value - c.numeric_value) <= (c.tolerance or ZERO)
        ]
        return _best(matches)
    if kind == "matching":
        return _score_matching(choices, answer, by_id)
    return Scored(ZERO, ())


def _score_matching(
    choices: Sequence[ChoiceLike], answer: Mapping[str, Any], by_id: Mapping[str, ChoiceLike]
) -> Scored:
    prompts = [c for c in choices if c.match_prompt]
    if not prompts or not isinstance(answer, Mapping):
        return Scored(ZERO, ())
    right = []
    for prompt in prompts:
        picked = by_id.get(str(answer.get(str(prompt.pk), "")))
        if picked is not None and normalise(picked.text) == normalise(prompt.text):
            right.append(prompt)
    return Scored(Decimal(len(right)) / Decimal(len(prompts)), tuple(right))


def _best(matches: Sequence[ChoiceLike]) -> Scored:
    if not matches:
        return Scored(ZERO, ())
    best = max(matches, key=lambda c: c.fraction)
    return Scored(_clamp(best.fraction), (best,))


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), ONE)
