import math

import pytest

from courses.lib.item_statistics import (
    NO_ANSWER,
    Flag,
    count_answers,
    flags,
    item_statistics,
)

# Four attempts at a 6-point quiz; the item (version 10) is worth 2 of those points.
#   attempt  item  total   x = item/2   y = rest share = (total - item) / 4
#   1        2     5       1            0.75
#   2        1     3       0.5          0.5
#   3        0     1       0            0.25
#   4        2     2       1            0
# Facility: (1 + 0.5 + 0 + 1) / 4 = 0.625.
# Means 0.625 and 0.375; deviations x: .375 -.125 -.625 .375, y: .375 .125 -.125 -.375
# Sum of products 0.0625; sums of squares 0.6875 (x) and 0.3125 (y).
TOTALS = {1: (5.0, 6.0), 2: (3.0, 6.0), 3: (1.0, 6.0), 4: (2.0, 6.0)}
ROWS = [(1, 10, 2.0), (2, 10, 1.0), (3, 10, 0.0), (4, 10, 2.0)]
MAX = {10: 2.0, 20: 1.0}


def given(*answers):
    """Each answer as given once."""
    return [(answer, 1) for answer in answers]


def test_facility_is_the_mean_share_of_the_points_scored():
    stats = item_statistics(ROWS, MAX, TOTALS)

    assert stats[10].responses == 4
    assert stats[10].facility == pytest.approx(0.625)


def test_discrimination_correlates_the_item_with_the_rest_of_the_test():
    stats = item_statistics(ROWS, MAX, TOTALS)

    assert stats[10].discrimination == pytest.approx(0.0625 / math.sqrt(0.6875 * 0.3125))


def test_each_version_is_computed_over_its_own_attempts():
    # Version 20 (1 point) was drawn by attempts 1 and 2 only: x 1 and 0, rest 4/5 and 3/5.
    rows = [*ROWS, (1, 20, 1.0), (2, 20, 0.0)]

    stats = item_statistics(rows, MAX, TOTALS)

    assert stats[20].responses == 2
    assert stats[20].facility == pytest.approx(0.5)
    assert stats[20].discrimination == pytest.approx(1.0)
    assert stats[10].facility == pytest.approx(0.625)


def test_an_item_answered_right_only_by_the_weakest_has_negative_discrimination():
    # Rest of the test 3, 2, 1, 1 (of 3); only the two weakest got the item.
    totals = {1: (3.0, 4.0), 2: (2.0, 4.0), 3: (2.0, 4.0), 4: (2.0, 4.0)}
    rows = [(1, 7, 0.0), (2, 7, 0.0), (3, 7, 1.0), (4, 7, 1.0)]

    stats = item_statistics(rows, {7: 1.0}, totals)

    # Deviations x: -.5 -.5 .5 .5, rest: 1.25 .25 -.75 -.75 → -1.5 / sqrt(1 * 2.75)
    assert stats[7].discrimination == pytest.approx(-1.5 / math.sqrt(2.75))


def test_discrimination_is_none_for_a_single_response():
    stats = item_statistics([(1, 10, 2.0)], MAX, TOTALS)

    assert stats[10].facility == pytest.approx(1.0)
    assert stats[10].discrimination is None


def test_discrimination_is_none_when_everyone_scored_the_same_on_the_item():
    rows = [(a, 10, 2.0) for a in TOTALS]

    assert item_statistics(rows, MAX, TOTALS)[10].discrimination is None


def test_discrimination_is_none_when_rounding_hides_a_constant_score():
    # One point of three, a thousand times: the float sums differ from zero only by rounding.
    totals = {a: (1.0 + a % 7, 10.0) for a in range(1000)}
    rows = [(a, 10, 1.0) for a in range(1000)]

    stats = item_statistics(rows, {10: 3.0}, totals)

    assert stats[10].facility == pytest.approx(1 / 3)
    assert stats[10].discrimination is None


def test_discrimination_is_none_when_the_rest_of_the_test_did_not_vary():
    totals = {1: (3.0, 4.0), 2: (2.0, 4.0)}  # rest 2 of 3 in both
    rows = [(1, 10, 1.0), (2, 10, 0.0)]

    assert item_statistics(rows, {10: 1.0}, totals)[10].discrimination is None


def test_items_worth_nothing_unknown_versions_and_no_rows_give_nothing():
    assert item_statistics([(1, 10, 0.0)], {10: 0.0}, TOTALS) == {}
    assert item_statistics([(1, 30, 1.0)], MAX, TOTALS) == {}
    assert item_statistics([], MAX, TOTALS) == {}


@pytest.mark.parametrize(
    ("facility", "discrimination", "expected"),
    [
        (0.91, 0.5, [Flag.TOO_EASY]),
        (0.9, 0.5, []),
        (0.29, 0.5, [Flag.TOO_HARD]),
        (0.3, 0.5, []),
        (0.6, 0.19, [Flag.WEAK_DISCRIMINATION]),
        (0.6, 0.2, []),
        (0.6, 0.0, [Flag.WEAK_DISCRIMINATION]),
        (0.6, -0.01, [Flag.NEGATIVE_DISCRIMINATION]),
        (1.0, None, [Flag.TOO_EASY]),
        (0.1, -0.4, [Flag.TOO_HARD, Flag.NEGATIVE_DISCRIMINATION]),
        (None, None, []),
    ],
)
def test_flags_follow_the_thresholds(facility, discrimination, expected):
    assert flags(facility, discrimination) == expected


def test_choice_counts_count_each_pick_once_and_empty_answers_as_no_answer():
    single = given([1], [1], [2], None, [])
    multiple = given([1, 2], [2], [2, 2])

    assert count_answers("single", single) == {"1": 2, "2": 1, NO_ANSWER: 2}
    assert count_answers("multiple", multiple) == {"1": 1, "2": 3}


def test_answers_given_several_times_count_that_many_times():
    assert count_answers("single", [([1], 30), ([2], 5), (None, 2)]) == {"1": 30, "2": 5, "": 2}
    assert count_answers("short_answer", [("Fascia", 4), ("fascia", 3)]) == {"fascia": 7}


def test_matching_counts_each_pairing():
    answers = given({"5": 7, "6": 8}, {"5": 7, "6": 9}, {})

    assert count_answers("matching", answers) == {"5:7": 2, "6:8": 1, "6:9": 1, NO_ANSWER: 1}


def test_short_answers_count_as_graded_and_keep_the_most_frequent():
    answers = given("Fascia", " fascia ", "FASCIA", "muscle", "muscle", "bone", None, "")

    assert count_answers("short_answer", answers) == {"fascia": 3, "muscle": 2, "bone": 1, "": 2}
    assert count_answers("short_answer", answers, top=2) == {"fascia": 3, "muscle": 2, "": 2}


def test_numerical_answers_count_the_same_number_once():
    answers = given("3.0", "3", " 3,0", "abc", "-0", "1E2", "100")

    assert count_answers("numerical", answers) == {"3": 3, "abc": 1, "0": 1, "100": 2}


def test_descriptions_have_no_counts():
    assert count_answers("description", [(None, 2)]) == {}
