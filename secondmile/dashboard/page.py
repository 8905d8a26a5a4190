"""The dashboard page's content for a scope: every figure, tile, chart and table it lays
out, from figures.py, tiles.py, charts.py, goodwill.py and roi.py. The view reads the
scope from the query string and adds the pickers."""

from stories.nps_bar import nps_bar

from . import charts, goodwill, roi
from . import figures as metrics
from .nearest import nearest_earlier_period
from .scope import Period, Scope
from .tiles import figure_tiles, period_text, recovery_line, signed, summary_line


def dashboard_page(scope: Scope, query) -> dict:
    """The page's context for `scope`; `query` (the request's GET) sorts and pages the
    return table."""
    previous = scope.previous()
    figures = metrics.dashboard_figures(scope, previous=previous)
    before = metrics.headline(previous)  # NPS included
    before["approval_time"] = figures["approval_time_before"]
    daily = metrics.daily_act_totals(scope)
    months = metrics.budget_by_month(scope, daily=daily, since_first_use=True)
    budget_total = sum((m["budget"] for m in months), metrics.ZERO)
    answers = nps_bar(**figures["nps_bands"])
    headline, more = figure_tiles(figures, before, budget_total, days=scope.days)
    return {
        "scope": scope,
        "period_text": period_text(scope),
        "team_name": scope.team.name if scope.team else "All teams",
        "all_teams": scope.team is None,
        "previous_text": f"vs the {scope.days} day{'s' if scope.days != 1 else ''} before",
        "figures": figures,
        "summary": summary_line(figures, budget_total),
        "tiles": headline,
        "more_tiles": more,
        "nps_bar": answers,
        "nps_all": signed(answers["nps"]),
        "recovery_line": recovery_line(figures, scope.team.recovery_days if scope.team else None),
        "activity": charts.activity_chart(metrics.activity_series(scope, daily=daily)),
        "budget": charts.budget_chart(months, trimmed=not months or months[0]["month"] > scope.start.replace(day=1)),
        "funnel": charts.funnel_chart(
            acts=figures["acts_count"], stories=figures["stories_count"], referred=figures["referred_customers_count"]
        ),
        "quadrant_map": charts.quadrant_chart(figures["quadrants"]),
        "kinds": charts.kinds_chart(figures["kinds"]),
        "leaderboard": metrics.leaderboard(scope),
        "ledger": goodwill.ledger_chart(goodwill.ledger(scope, daily=daily)),
        "roi": roi.roi_table(scope, query),
        # An empty period points to the latest month with acts, and to the longer named periods.
        "nearest": None if figures["acts_count"] else nearest_earlier_period(scope=scope),
        "wider_periods": [(value, label) for value, label in Period.CHOICES if value in (Period.QUARTER, Period.YEAR)],
    }
