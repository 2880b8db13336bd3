"""The scoring rules: how reviewers' scores become a result.

For each criterion the reviewers' scores are averaged. The weighted score is the sum over the
criteria of ``weight × average ÷ top of the scale``, divided by the sum of the weights, as a
percentage. An application passes when the weighted score reaches the framework's threshold and
no criterion's average is below that criterion's minimum. When two reviewers' scores on one
criterion differ by more than the framework's gap, the application is flagged for moderation.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import Criterion, Framework

CENT = Decimal("0.01")


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    scores: list[int]
    max_score: int
    average: Decimal | None
    knocked_out: bool
    spread: int
    flagged: bool


@dataclass(frozen=True)
class ScoreSheet:
    framework: Framework
    rows: list[CriterionResult]
    weighted_score: Decimal
    reviewer_count: int
    knocked_out: list[Criterion] = field(default_factory=list)
    flagged: list[Criterion] = field(default_factory=list)

    @property
    def threshold(self) -> Decimal:
        return self.framework.pass_threshold

    @property
    def complete(self) -> bool:
        return self.reviewer_count > 0 and all(r.scores for r in self.rows)

    @property
    def passed(self) -> bool:
        return self.complete and not self.knocked_out and self.weighted_score >= self.threshold

    @property
    def needs_moderation(self) -> bool:
        return bool(self.flagged)


def score_sheet(
    framework: Framework,
    criteria: list[Criterion],
    scores: Mapping[int, Mapping[int, int]],
) -> ScoreSheet:
    """Combine ``scores`` (reviewer id → criterion id → score) under the framework's rules.

    ``criteria`` are the framework's criteria with their levels loaded.
    """
    rows: list[CriterionResult] = []
    weighted_total = Decimal(0)
    weights = Decimal(0)
    for criterion in criteria:
        given = [s[criterion.pk] for s in scores.values() if criterion.pk in s]
        top = criterion.max_score()
        average = (Decimal(sum(given)) / len(given)) if given else None
        knocked_out = (
            average is not None
            and criterion.minimum_score is not None
            and average < criterion.minimum_score
        )
        spread = max(given) - min(given) if given else 0
        rows.append(
            CriterionResult(
                criterion=criterion,
                scores=given,
                max_score=top,
                average=average.quantize(CENT, ROUND_HALF_UP) if average is not None else None,
                knocked_out=knocked_out,
                spread=spread,
                flagged=spread > framework.spread_threshold,
            )
        )
        weights += criterion.weight
        if average is not None and top:
            weighted_total += criterion.weight * average / top
    weighted = (weighted_total / weights * 100) if weights else Decimal(0)
    return ScoreSheet(
        framework=framework,
        rows=rows,
        weighted_score=weighted.quantize(CENT, ROUND_HALF_UP),
        reviewer_count=len(scores),
        knocked_out=[r.criterion for r in rows if r.knocked_out],
        flagged=[r.criterion for r in rows if r.flagged],
    )
