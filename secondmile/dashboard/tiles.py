"""The dashboard's tiles: each figure with its change on the period before, in words a
reader takes in at a glance, and the one-line summary above them."""

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from core.formatting import duration, money, percent

from . import figures as metrics
from .changes import FORMATS, change, signed
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


NO_ACTS = "No act going ahead"


@dataclass(frozen=True)
class Tile:
    """One tile: what it is called, how its figure is read from a period's figures (the
    same reading for this period and the one before), how the figure is shown and
    compared (`kind`, `better`: see changes.change), what `missing` says when a period has
    none, and the line under the value, if any, from (figures, budget total)."""

    key: str
    label: str
    read: Callable[[dict], object]
    note: str
    missing: str = NO_ACTS
    kind: str = "count"
    better: str = "up"
    sub: Callable[[dict, object], str] | None = None

    def drawn(self, figures: dict, before: dict, budget_total, then: str) -> dict:
        now = self.read(figures)
        tile = {
            "key": self.key,
            "label": self.label,
            "value": FORMATS[self.kind](now),
            "change": change(
                now, self.read(before), before=then, missing=self.missing, kind=self.kind, better=self.better
            ),
            "note": self.note,
        }
        if self.sub is not None:
            tile["sub"] = self.sub(figures, budget_total)
        return tile


def _spend_share(figures: dict, budget_total) -> str:
    return f"of {money(budget_total)} ({percent(metrics.ratio(figures['spend_total'], budget_total))})"


def _return_on_spend(figures: dict, budget_total) -> str:
    if figures["referral_return"] is None:
        return "nothing spent"
    return f"{_two_places(figures['referral_return'])}× the spend"


def _approval_spread(figures: dict, budget_total) -> str:
    approval = figures["approval_time"]
    return f"90% within {duration(approval['p90'])}" if approval["count"] else "no request decided"


def _recovery_split(figures: dict, budget_total) -> str:
    recovery, waiting = figures["recovery"], figures.get("recovery_waiting")
    return f"{recovery['returned']} of {recovery['reactive']} reactive acts" + (
        f" · {waiting} waiting" if waiting else ""
    )


HEADLINE = (
    Tile("acts", "Acts", itemgetter("acts_count"), "Acts going ahead: not declined, not withdrawn."),
    Tile(
        "proactive",
        "Proactive share",
        itemgetter("proactive_share"),
        "Unprompted surprises, not recoveries after a complaint.",
        kind="share",
    ),
    Tile(
        "spend",
        "Spend against budget",
        itemgetter("spend_total"),
        "Actual cost once delivered, else the approved amount.",
        kind="money",
        better="neither",
        sub=_spend_share,
    ),
    Tile(
        "nps",
        "NPS with an act",
        itemgetter("nps_with_act"),
        "Customers who received an act, against those who did not.",
        missing="No customer who had an act answered the survey",
        kind="nps",
        sub=lambda figures, _: f"vs {signed(figures['nps_without_act'])} without",
    ),
    Tile(
        "cost_per_referred",
        "Cost per referred customer",
        itemgetter("cost_per_referred_customer"),
        "Spend divided by the customers referred in the period.",
        missing="Nobody was referred",
        kind="money",
        better="down",
    ),
)
MORE = (
    Tile(
        "stories",
        "Stories told",
        itemgetter("stories_count"),
        "Approved or featured stories told in the period.",
        missing="No story",
        sub=lambda figures, _: f"{_two_places(figures['stories_per_act'])} per act",
    ),
    Tile(
        "referred",
        "Referred customers",
        itemgetter("referred_customers_count"),
        "New customers in the period sent by another customer.",
        missing="Nobody",
    ),
    Tile(
        "revenue",
        "Referral revenue",
        itemgetter("referral_revenue"),
        "First purchases of referred customers, against what acts cost.",
        missing="Nothing",
        kind="money",
        sub=_return_on_spend,
    ),
    Tile(
        "approval_time",
        "Approval time",
        lambda figures: figures["approval_time"]["median"],
        "Median wait from request to decision.",
        missing="No request was decided",
        kind="duration",
        better="down",
        sub=_approval_spread,
    ),
    Tile(
        "decline_rate",
        "Decline rate",
        metrics.decline_rate,
        "Requests declined, of those a manager or admin decided.",
        missing="No request was decided",
        kind="share",
        better="neither",
    ),
    Tile(
        "empowerment",
        "Empowerment rate",
        metrics.empowerment_rate,
        "Acts that needed nobody's approval.",
        kind="share",
        better="neither",
    ),
    Tile(
        "recovery",
        "Recovery rate",
        lambda figures: figures["recovery"]["recovery_rate"],
        "Reactive acts whose customer came back within the recovery window.",
        missing="No reactive act",
        kind="share",
        sub=_recovery_split,
    ),
)


def figure_tiles(figures: dict, before: dict, budget_total, *, days: int) -> tuple[list[dict], list[dict]]:
    """The headline tiles and the smaller ones, each with its change on the `days` before
    (`before` holds that period's figures) and a one-line note of what it counts."""
    then = "on the day before" if days == 1 else f"in the {days} days before"
    return tuple([tile.drawn(figures, before, budget_total, then) for tile in tiles] for tiles in (HEADLINE, MORE))


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
