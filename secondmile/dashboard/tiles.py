"""The dashboard's tiles: each figure with its change on the period before, in words a
reader takes in at a glance, and the one-line summary above them."""

from core.formatting import duration, money, percent

from . import figures as metrics
from .scope import Scope


def signed(value) -> str:
    """An NPS as people read it: "+42.5", "−10.0", "0.0"; "—" for none."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return f"{value}"


def _change(current, previous, *, kind: str = "count", neutral: bool = False) -> dict | None:
    """The change against the previous period as text with an arrow (never colour alone);
    when the period before had no figure (no NPS answer, nobody referred), it says so."""
    if current is None:
        return None
    if previous is None:
        return {"text": "no figure before", "direction": "same"}
    delta = current - previous
    if kind == "share":
        points = round(float(delta) * 100)
        amount, unit = abs(points), " pts"
        delta = points
    elif kind == "nps":
        amount, unit = f"{abs(delta):.1f}", " pts"
    elif kind == "money":
        amount, unit = money(abs(delta)), ""
    else:
        amount, unit = abs(delta), ""
    if not delta:
        return {"text": "= same as before", "direction": "same"}
    # Up is good for acts, stories and referrals; for money neither way is good in itself.
    arrow = "▲" if delta > 0 else "▼"
    direction = "same" if neutral else ("up" if delta > 0 else "down")
    return {"text": f"{arrow} {amount}{unit}", "direction": direction}


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


def figure_tiles(figures: dict, before: dict, budget_total) -> tuple[list[dict], list[dict]]:
    spend_share = metrics.ratio(figures["spend_total"], budget_total)
    headline = [
        {
            "key": "acts",
            "label": "Acts",
            "value": figures["acts_count"],
            "change": _change(figures["acts_count"], before["acts_count"]),
            "note": "Acts going ahead: not declined, not withdrawn.",
        },
        {
            "key": "proactive",
            "label": "Proactive share",
            "value": percent(figures["proactive_share"]),
            "change": _change(figures["proactive_share"], before["proactive_share"], kind="share"),
            "note": "Unprompted surprises, not recoveries after a complaint.",
        },
        {
            "key": "spend",
            "label": "Spend against budget",
            "value": money(figures["spend_total"]),
            "sub": f"of {money(budget_total)} ({percent(spend_share)})",
            "change": _change(figures["spend_total"], before["spend_total"], kind="money", neutral=True),
            "note": "Actual cost once delivered, else the approved amount.",
        },
        {
            "key": "nps",
            "label": "NPS with an act",
            "value": signed(figures["nps_with_act"]),
            "sub": f"vs {signed(figures['nps_without_act'])} without",
            "change": _change(figures["nps_with_act"], before["nps_with_act"], kind="nps"),
            "note": "Customers who received an act, against those who did not.",
        },
        {
            "key": "cost_per_referred",
            "label": "Cost per referred customer",
            "value": money(figures["cost_per_referred_customer"]),
            "change": _change(
                figures["cost_per_referred_customer"], before["cost_per_referred_customer"], kind="money", neutral=True
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
            "change": _change(figures["stories_count"], before["stories_count"]),
            "note": "Approved or featured stories told in the period.",
        },
        {
            "key": "referred",
            "label": "Referred customers",
            "value": figures["referred_customers_count"],
            "change": _change(figures["referred_customers_count"], before["referred_customers_count"]),
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
            "note": "First purchases of referred customers, against what acts cost.",
        },
        {
            "key": "approval_time",
            "label": "Approval time",
            "value": duration(approval["median"]),
            "sub": f"90% within {duration(approval['p90'])}" if approval["count"] else "no request decided",
            "note": "Median wait from request to decision.",
        },
        {
            "key": "decline_rate",
            "label": "Decline rate",
            "value": percent(figures["decline_rate"]),
            "note": "Requests declined, of those a manager or admin decided.",
        },
        {
            "key": "empowerment",
            "label": "Empowerment rate",
            "value": percent(figures["empowerment_rate"]),
            "note": "Acts that needed nobody's approval.",
        },
        {
            "key": "recovery",
            "label": "Recovery rate",
            "value": percent(recovery["recovery_rate"]),
            "sub": f"{recovery['returned']} of {recovery['reactive']} reactive acts"
            + (f" · {figures['recovery_waiting']} waiting" if figures.get("recovery_waiting") else ""),
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
