"""Scoring one answer to one question version (pure: no database, no Django)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

ZERO, ONE = Decimal("0"), Decimal("1")
# A typed answer is at most this long: the attempt stores no more, and what it stores is what
# statistics count.
ANSWER_MAX_LENGTH = 500
# Numbers beyond 10^±50 are nobody's answer to a therapy quiz, and letting them through costs:
# 1e1000000 overflows decimal arithmetic (grading raised on every submit) and 9e999999 written
# out in plain form is a million characters.
NUMBER_EXPONENT_LIMIT = 50


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


# A number in scientific notation, even one whose exponent Decimal cannot hold.
_SCIENTIFIC = re.compile(r"\s*[-+]?(?=[.,]?[0-9])[0-9]*(?:[.,][0-9]*)?[eE][-+]?[0-9]+\s*\Z")


def _decimal(text: Any) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return ZERO if value.is_zero() else value  # 0e999999 is 0


def parse_number(text: Any) -> Decimal | None:
    """The number a typed answer states, or None when it states none that can be graded: not a
    number, not finite, or outside 10^±NUMBER_EXPONENT_LIMIT (so answers stored before such
    numbers were refused still grade, as wrong)."""
    value = _decimal(text)
    if value is None or not value.is_finite() or is_out_of_range(value):
        return None
    return value


def number_out_of_range(text: Any) -> bool:
    """Whether a typed answer is a finite number too large or too small to grade."""
    value = _decimal(text)
    if value is None:
        return _SCIENTIFIC.match(str(text)) is not None
    return value.is_finite() and is_out_of_range(value)


def is_out_of_range(value: Decimal) -> bool:
    return abs(value.adjusted()) > NUMBER_EXPONENT_LIMIT


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
