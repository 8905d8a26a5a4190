"""The NPS bar: a set of answers split into promoters (9–10), passives (7–8) and
detractors (0–6), each with its count and its share. Shares are whole percents that
add up to 100 (largest remainder), so the three read as one whole. The bar is drawn as
100 equal cells, one per percent, each coloured by its band's class (no style
attribute: the CSP forbids them), and the page writes each band's name, count and
share beside its colour (never colour alone)."""

from django.db.models import Count, Q, QuerySet

from .net_promoter import nps_from_counts

BANDS = (
    ("promoters", "Promoters", "9–10"),
    ("passives", "Passives", "7–8"),
    ("detractors", "Detractors", "0–6"),
)


def band_counts(responses: QuerySet) -> dict:
    """{promoters, passives, detractors} of some NPS responses, counted in one query."""
    return responses.order_by().aggregate(
        promoters=Count("pk", filter=Q(score__gte=9)),
        passives=Count("pk", filter=Q(score__gte=7, score__lte=8)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )


def _whole_percents(counts: list[int]) -> list[int]:
    """Each count's share of the total in whole percents, adding up to exactly 100: the
    floors, then the points left over go to the largest remainders (first band on a tie)."""
    total = sum(counts)
    floors = [100 * count // total for count in counts]
    left = 100 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(100 * counts[i] % total), i))
    for index in order[:left]:
        floors[index] += 1
    return floors


def nps_bar(*, promoters: int, passives: int, detractors: int) -> dict:
    """The bar of three bands: {total, nps, bands: [{key, label, scores, count, share}],
    cells: the band key of each of the 100 cells, summary}; bands empty when nobody
    answered."""
    counts = [promoters, passives, detractors]
    total = sum(counts)
    nps = nps_from_counts(promoters=promoters, detractors=detractors, total=total)
    if not total:
        return {"total": 0, "nps": None, "bands": [], "cells": [], "summary": "No survey answer yet."}
    shares = _whole_percents(counts)
    bands = [
        {"key": key, "label": label, "scores": scores, "count": count, "share": share}
        for (key, label, scores), count, share in zip(BANDS, counts, shares, strict=True)
    ]
    summary = (
        f"{total} answer{'s' if total != 1 else ''}: "
        + ", ".join(f"{b['count']} {b['label'].lower()} ({b['share']}%)" for b in bands)
        + "."
    )
    cells = [band["key"] for band in bands for _ in range(band["share"])]
    return {"total": total, "nps": nps, "bands": bands, "cells": cells, "summary": summary}
