"""The dashboard's tiles: each figure with its change on the period before, in words a
reader takes in at a glance, and the one-line summary above them."""

from core.formatting import duration, money, percent

from . import figures as metrics
from .changes import change, signed
from .scope import Scope


def period_text(scope: Scope) -> str:
    same_year = scope.start.year == scope.end.year
    start = f"{scope.start.day} {scope.start:%b}" + ("" if same_year else f" {scope.start.year}")
    return f"{start} – {scope.end.day} {scope.end:%b %Y}"


def summary_line(figures: dict, budget_total) -> str:
    """The dashboard in one sentence, for the owner with a minute."""
    acts = figures["acts_count"]
    if not acts:
        return "No act in this period yet."
    share = metrics.ratio(figures["spend_total"], budget_total)
    text = (
        f"{acts} act{'s' if acts != 1 else ''} ({percent(figures['proactive_share'])} proactive) "
        f"cost {money(figures['spend_total'])}"
        + (f", {percent(share)} of the budget" if share is not None else "")
        + ". "
    )
    stories, referred = figures["stories_count"], figures["referred_customers_count"]
    text += f"{stories} stor{'ies were' if stories != 1 else 'y was'} told and {referred} customer"
    text += f"{'s were' if referred != 1 else ' was'} referred"
    if referred:
        text += f", bringing {money(figures['referral_revenue'])} in first purchases"
    return text + "."


def _two_places(value) -> str:
    """A ratio as the page shows it ("0.40", "2.27"); the selectors keep full precision."""
    return "—" if value is None else f"{value:.2f}"


def figure_tiles(figures: dict, before: dict, budget_total, *, days: int) -> tuple[list[dict], list[dict]]:
    """The headline tiles and the smaller ones, each with its change on the `days` before
    (`before` holds that period's figures) and a one-line note of what it counts."""
    spend_share = metrics.ratio(figures["spend_total"], budget_total)
    then = "on the day before" if days == 1 else f"in the {days} days before"
    no_acts = "No act going ahead"
    headline = [
        {
            "key": "acts",
            "label": "Acts",
            "value": figures["acts_count"],
            "change": change(figures["acts_count"], before["acts_count"], before=then, missing=no_acts),
            "note": "Acts going ahead: not declined, not withdrawn.",
        },
        {
            "key": "proactive",
            "label": "Proactive share",
            "value": percent(figures["proactive_share"]),
            "change": change(
                figures["proactive_share"], before["proactive_share"], before=then, missing=no_acts, kind="share"
            ),
            "note": "Unprompted surprises, not recoveries after a complaint.",
        },
        {
            "key": "spend",
            "label": "Spend against budget",
            "value": money(figures["spend_total"]),
            "sub": f"of {money(budget_total)} ({percent(spend_share)})",
            "change": change(
                figures["spend_total"],
                before["spend_total"],
                before=then,
                missing=no_acts,
                kind="money",
                better="neither",
            ),
            "note": "Actual cost once delivered, else the approved amount.",
        },
        {
            "key": "nps",
            "label": "NPS with an act",
            "value": signed(figures["nps_with_act"]),
            "sub": f"vs {signed(figures['nps_without_act'])} without",
            "change": change(
                figures["nps_with_act"],
                before["nps_with_act"],
                before=then,
                missing="No customer who had an act answered the survey",
                kind="nps",
            ),
            "note": "Customers who received an act, against those who did not.",
        },
        {
            "key": "cost_per_referred",
            "label": "Cost per referred customer",
            "value": money(figures["cost_per_referred_customer"]),
            "change": change(
                figures["cost_per_referred_customer"],
                before["cost_per_referred_customer"],
                before=then,
                missing="Nobody was referred",
                kind="money",
                better="down",
            ),
            "note": "Spend divided by the customers referred in the period.",
        },
    ]
    approval = figures["approval_time"]
    recovery = figures["recovery"]
    more = [
        {
            "key": "stories",
            "label": "Stories told",
            "value": figures["stories_count"],
            "sub": f"{_two_places(figures['stories_per_act'])} per act",
            "change": change(figures["stories_count"], before["stories_count"], before=then, missing="No story"),
            "note": "Approved or featured stories told in the period.",
        },
        {
            "key": "referred",
            "label": "Referred customers",
            "value": figures["referred_customers_count"],
            "change": change(
                figures["referred_customers_count"], before["referred_customers_count"], before=then, missing="Nobody"
            ),
            "note": "New customers in the period sent by another customer.",
        },
        {
            "key": "revenue",
            "label": "Referral revenue",
            "value": money(figures["referral_revenue"]),
            "sub": (
                f"{_two_places(figures['referral_return'])}× the spend"
                if figures["referral_return"] is not None
                else "nothing spent"
            ),
            "change": change(
                figures["referral_revenue"], before["referral_revenue"], before=then, missing="Nothing", kind="money"
            ),
            "note": "First purchases of referred customers, against what acts cost.",
        },
        {
            "key": "approval_time",
            "label": "Approval time",
            "value": duration(approval["median"]),
            "sub": f"90% within {duration(approval['p90'])}" if approval["count"] else "no request decided",
            "change": change(
                approval["median"],
                before["approval_time"]["median"],
                before=then,
                missing="No request was decided",
                kind="duration",
                better="down",
            ),
            "note": "Median wait from request to decision.",
        },
        {
            "key": "decline_rate",
            "label": "Decline rate",
            "value": percent(figures["decline_rate"]),
            "change": change(
                figures["decline_rate"],
                metrics.decline_rate(before),
                before=then,
                missing="No request was decided",
                kind="share",
                better="neither",
            ),
            "note": "Requests declined, of those a manager or admin decided.",
        },
        {
            "key": "empowerment",
            "label": "Empowerment rate",
            "value": percent(figures["empowerment_rate"]),
            "change": change(
                figures["empowerment_rate"],
                metrics.empowerment_rate(before),
                before=then,
                missing=no_acts,
                kind="share",
                better="neither",
            ),
            "note": "Acts that needed nobody's approval.",
        },
        {
            "key": "recovery",
            "label": "Recovery rate",
            "value": percent(recovery["recovery_rate"]),
            "sub": f"{recovery['returned']} of {recovery['reactive']} reactive acts"
            + (f" · {figures['recovery_waiting']} waiting" if figures.get("recovery_waiting") else ""),
            "change": change(
                recovery["recovery_rate"],
                before["recovery"]["recovery_rate"],
                before=then,
                missing="No reactive act",
                kind="share",
            ),
            "note": "Reactive acts whose customer came back within the recovery window.",
        },
    ]
    return headline, more


def recovery_line(figures: dict, window_days: int | None) -> str:
    """The one line under the tiles that says what the recovery rate counts, with the
    period's reactive acts split into came back, still waiting and did not come back.
    `window_days` is the team's recovery window (None for every team: each its own)."""
    recovery, waiting = figures["recovery"], figures.get("recovery_waiting", 0)
    window = f"{window_days} days" if window_days is not None else "its team's recovery window"
    text = (
        f"Recovery rate counts a reactive act as a recovery when its customer comes back (a visit or a "
        f"purchase recorded on their page) after the act and within {window}."
    )
    reactive = recovery["reactive"]
    if not reactive:
        return text + " No reactive act in this period."
    returned = recovery["returned"]
    lost = reactive - returned - waiting
    return (
        text + f" Of {reactive} reactive act{'s' if reactive != 1 else ''}: {returned} came back, "
        f"{waiting} still waiting (window open), {lost} did not come back."
    )
