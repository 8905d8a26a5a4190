"""The Net Promoter Score from counted answers: the one formula both the NPS over a set of
answers (stories.nps.nps_score) and the day summaries' NPS (stories.outcome_days) use."""

from decimal import ROUND_HALF_UP, Decimal


def nps_from_counts(*, promoters: int, detractors: int, total: int) -> Decimal | None:
    """NPS from counted answers (promoters 9–10, detractors 0–6, total with the passives):
    100 × (promoters − detractors) ÷ total, one decimal (half up); None when total is 0."""
    if not total:
        return None
    score = Decimal(100 * (promoters - detractors)) / total
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
