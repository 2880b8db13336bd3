"""The scoring rules, on frameworks built in memory (no database needed)."""

from decimal import Decimal

import pytest

from accreditation.models import Criterion, Framework, Level
from accreditation.scoring import score_sheet


class _Levels(list):
    def all(self):
        return self


def _criterion(pk: int, weight: int, top: int = 4, minimum: int | None = None) -> Criterion:
    criterion = Criterion(pk=pk, name=f"C{pk}", weight=weight, minimum_score=minimum)
    levels = _Levels(Level(score=s, description=str(s)) for s in range(top + 1))
    # As prefetch_related leaves it (an attribute Django sets on the instance, not declared).
    vars(criterion)["_prefetched_objects_cache"] = {"levels": levels}
    return criterion


def _framework(threshold: str = "60", gap: int = 2) -> Framework:
    return Framework(pass_threshold=Decimal(threshold), spread_threshold=gap)


def test_weighted_score_is_the_weighted_share_of_the_maximum():
    # Weights 2 and 1; averages 4/4 and 1/4: (2 * 1 + 1 * 0.25) / 3 = 75 %.
    criteria = [_criterion(1, weight=2), _criterion(2, weight=1)]
    sheet = score_sheet(_framework(), criteria, {10: {1: 4, 2: 1}, 11: {1: 4, 2: 1}})
    assert sheet.weighted_score == Decimal("75.00")
    assert sheet.passed


def test_scores_of_reviewers_are_averaged_per_criterion():
    criteria = [_criterion(1, weight=1)]
    sheet = score_sheet(_framework(), criteria, {10: {1: 3}, 11: {1: 2}})
    assert sheet.rows[0].average == Decimal("2.50")
    assert sheet.weighted_score == Decimal("62.50")


def test_exactly_at_the_threshold_passes_and_just_below_fails():
    criteria = [_criterion(1, weight=1, top=5)]
    at = score_sheet(_framework("60"), criteria, {1: {1: 3}, 2: {1: 3}})
    below = score_sheet(_framework("60.01"), criteria, {1: {1: 3}, 2: {1: 3}})
    assert at.weighted_score == Decimal("60.00") and at.passed
    assert not below.passed


def test_a_criterion_below_its_minimum_fails_the_application_whatever_the_total():
    criteria = [_criterion(1, weight=10), _criterion(2, weight=1, minimum=2)]
    sheet = score_sheet(_framework("50"), criteria, {1: {1: 4, 2: 1}, 2: {1: 4, 2: 2}})
    # Average 1.5 on criterion 2 is below its minimum of 2, although the total is ~95 %.
    assert sheet.weighted_score > Decimal("90")
    assert sheet.knocked_out == [criteria[1]]
    assert not sheet.passed


def test_an_average_equal_to_the_minimum_is_not_knocked_out():
    criteria = [_criterion(1, weight=1, minimum=2)]
    sheet = score_sheet(_framework("0"), criteria, {1: {1: 2}, 2: {1: 2}})
    assert sheet.knocked_out == []
    assert sheet.passed


def test_spread_beyond_the_gap_is_flagged_for_moderation():
    criteria = [_criterion(1, weight=1), _criterion(2, weight=1)]
    sheet = score_sheet(_framework(gap=2), criteria, {1: {1: 4, 2: 2}, 2: {1: 1, 2: 0}})
    assert [r.spread for r in sheet.rows] == [3, 2]
    assert sheet.flagged == [criteria[0]]  # 3 > 2; a spread equal to the gap is not flagged
    assert sheet.needs_moderation


def test_no_spread_flag_when_reviewers_agree_within_the_gap():
    criteria = [_criterion(1, weight=1)]
    sheet = score_sheet(_framework(gap=1), criteria, {1: {1: 3}, 2: {1: 2}, 3: {1: 3}})
    assert not sheet.needs_moderation


def test_an_unscored_criterion_makes_the_sheet_incomplete_and_not_passed():
    criteria = [_criterion(1, weight=1), _criterion(2, weight=1)]
    sheet = score_sheet(_framework("10"), criteria, {1: {1: 4}})
    assert not sheet.complete
    assert not sheet.passed
    assert sheet.rows[1].average is None


def test_no_reviews_scores_zero_and_does_not_pass():
    sheet = score_sheet(_framework("0"), [_criterion(1, weight=1)], {})
    assert sheet.weighted_score == Decimal("0.00")
    assert not sheet.passed


def test_scales_of_different_length_are_normalised():
    # 2 of 2 on a short scale counts as much as 10 of 10 on a long one.
    criteria = [_criterion(1, weight=1, top=2), _criterion(2, weight=1, top=10)]
    sheet = score_sheet(_framework(), criteria, {1: {1: 2, 2: 5}})
    assert sheet.weighted_score == Decimal("75.00")


@pytest.mark.parametrize(
    ("scores", "expected"),
    [((1, 1, 2), Decimal("33.33")), ((2, 2, 2), Decimal("50.00"))],
)
def test_rounding_is_to_the_hundredth(scores, expected):
    criteria = [_criterion(1, weight=1)]
    sheet = score_sheet(_framework(), criteria, {i: {1: s} for i, s in enumerate(scores)})
    assert sheet.weighted_score == expected
