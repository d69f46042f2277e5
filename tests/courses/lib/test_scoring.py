from dataclasses import dataclass
from decimal import Decimal

import pytest

from courses.lib.scoring import score


@dataclass
class C:
    pk: int
    text: str = ""
    fraction: Decimal = Decimal("0")
    numeric_value: Decimal | None = None
    tolerance: Decimal | None = None
    match_prompt: str = ""


D = Decimal


def test_single_choice_earns_the_chosen_fraction():
    choices = [C(1, "yellow", D(1)), C(2, "red")]
    assert score("single", choices, [1]).fraction == 1
    assert score("single", choices, [2]).fraction == 0
    assert score("single", choices, []).fraction == 0


def test_multiple_response_adds_weights_and_floors_at_zero():
    choices = [C(1, "a", D("0.5")), C(2, "b", D(-1)), C(3, "c", D("0.5")), C(4, "d", D(-1))]
    assert score("multiple", choices, [1, 3]).fraction == 1
    assert score("multiple", choices, [1]).fraction == D("0.5")
    assert score("multiple", choices, [1, 2]).fraction == 0
    assert score("multiple", choices, [1, 1, 3]).fraction == 1  # a repeated id counts once


def test_short_answer_ignores_case_and_spacing_and_takes_the_best_weight():
    choices = [C(1, "Piriformis", D(1)), C(2, "glute", D("0.5")), C(3, "*", D(0))]
    assert score("short_answer", choices, "  piriFORMIS ").fraction == 1
    assert score("short_answer", choices, "Glute").fraction == D("0.5")
    assert score("short_answer", choices, "hamstring").fraction == 0


def test_numerical_answer_within_tolerance_or_range():
    choices = [
        C(1, fraction=D(1), numeric_value=D(3), tolerance=D(2)),
        C(2, fraction=D("0.5"), numeric_value=D(10), tolerance=D(0)),
    ]
    assert score("numerical", choices, "5").fraction == 1
    assert score("numerical", choices, "1,0").fraction == 1
    assert score("numerical", choices, "5.01").fraction == 0
    assert score("numerical", choices, "10").fraction == D("0.5")
    assert score("numerical", choices, "ten").fraction == 0


def test_matching_scores_each_pair_and_ignores_distractors():
    choices = [
        C(1, "Forum", match_prompt="discussions"),
        C(2, "Wiki", match_prompt="edit pages"),
        C(3, "Chat"),
    ]
    assert score("matching", choices, {"1": 1, "2": 2}).fraction == 1
    assert score("matching", choices, {"1": 1, "2": 3}).fraction == D("0.5")
    assert score("matching", choices, {"1": 3}).fraction == 0


@pytest.mark.parametrize("answer", [None, "", [], {}])
def test_no_answer_earns_nothing(answer):
    assert score("single", [C(1, "x", D(1))], answer).fraction == 0
