"""ROI along the chain: what each act returned, kept by the services so that nothing walks
a referral chain at request time.

Definitions (the API's `GET /api/acts/{id}`, the act page and the dashboard's return
table read them):
- an act's *stories*: the stories crediting it (retelling it) that are approved or featured;
- an act's *referred customers*: the customers referred by such a story (generation 1)
  and everyone they referred in turn, any generation (generation n + 1 was referred by a
  customer of generation n). A story waiting for review or rejected brings nobody into
  the chain; once approved, the customers it brought (and their referrals) join it;
- an act's *referral revenue*: the sum of its referred customers' first-purchase values.
A customer can be in several acts' chains (a story retelling two acts, or another story
further down); in each once, at the nearest generation.

What is kept, always recomputed from rows rather than moved by deltas:
- `ActReferral` (act, customer, generation): a customer's rows are their referrer's rows
  one generation further, plus generation 1 for the acts of the told story that brought
  them. `chain_refresh(customers)` recomputes the rows of some customers and of everyone
  below them (one recursive query finds them), top down;
- `ActChain` per act: stories_count, referred_customers_count, referral_revenue, counted
  from its ActReferral rows and its stories (`act_totals_refresh`);
- `RoiCell` per (team, day, person, kind, quadrant): the acts going ahead of that cell,
  their spend (acts.summaries.act_spend, the dashboard's rule) and the sums of their
  ActChain rows (`days_refresh`); and the same per calendar month and year, moved by
  each day cell's difference in the same transaction (the one place that moves by
  deltas, so that a month cell is the sum of its days without reading them), so the
  dashboard's return table reads a period's whole years, whole months and leftover days.

Who calls what, in the transaction of the change:
- a customer created with a referrer (customers.outcomes.referral_refresh, created=True):
  `chains_of_new_customers`, their referrer's rows one generation further;
- their referrer or story set later (referral_refresh, chain=True): `chain_refresh` of
  that customer;
- a first purchase value changed (chain=False): the totals of the acts whose chain holds them;
- a story moderated (stories.services.story_moderate): `story_changed`;
- an act created or changed (the act services, through acts.outcomes): its day's cells.

Concurrency: a chain refresh locks the customers it recomputes and their referrers
(SELECT … FOR UPDATE, by id) before it reads them again, so a customer created under a
referrer whose chain another transaction is changing waits for it and reads what it
committed; ActChain rows are locked (by act id) before they are counted, and a day's
day cells (core.summary_rows order) before they are summed, then the month and year cells
holding them (in key order). Writes that bypass the
services are followed by `manage.py rebuild_summaries`, which calls `rebuild()`.
"""

from collections.abc import Iterable
from itertools import islice

from django.db import transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from acts.models import GOING_AHEAD, Act, ActChain, ActReferral, RoiCell, RoiSpan
from acts.summaries import spend_total
from core.money import MONEY_SUM, ZERO, cents
from core.rows_insert import rows_insert
from core.summary_rows import Day, any_day
from customers.models import Customer
from customers.referrals import descendant_ids

from .models import Story, StoryStatus

TOLD = [StoryStatus.APPROVED, StoryStatus.FEATURED]
StoryActs = Story.acts.through
BATCH = 2_000
GOING = Q(status__in=GOING_AHEAD)
CELL = ("team_id", "date", "author_id", "kind", "quadrant")
CHAIN_COUNTS = ("stories_count", "referred_customers_count", "referral_revenue")
CELL_SUMS = ["acts_count", "spend_total", "stories_count", "referred_customers_count", "referral_revenue"]


def _told_story_acts(story_ids: Iterable[int], story_acts_model=StoryActs) -> dict[int, list[int]]:
    """{story id: the acts it retells} for those of the stories that are approved or featured."""
    story_ids = [story_id for story_id in set(story_ids) if story_id is not None]
    found: dict[int, list[int]] = {}
    if not story_ids:
        return found
    rows = story_acts_model.objects.filter(story_id__in=story_ids, story__status__in=TOLD).values_list(
        "story_id", "act_id"
    )
    for story_id, act_id in rows:
        found.setdefault(story_id, []).append(act_id)
    return found


def credits_below(parent_credits: dict[int, int], story_acts: list[int]) -> dict[int, int]:
    """A customer's {act: generation}: their referrer's acts one generation further, and
    generation 1 for the acts of the told story that brought them; the nearest wins."""
    credits = {act_id: generation + 1 for act_id, generation in parent_credits.items()}
    for act_id in story_acts:
        credits[act_id] = 1
    return credits


# --- Keeping the chains ------------------------------------------------------------------


def chain_refresh(customer_ids: Iterable[int], *, also_acts: Iterable[int] = ()) -> None:
    """Recompute the ActReferral rows of these customers and of everyone below them, then
    the totals of every act whose chain they left or joined (and of `also_acts`).

    Queries: one to lock the customers and their referrers, one to read them again, one for
    the referrers' rows, one for the stories' acts, one for the old rows, a delete and an
    insert, then the acts' totals; the number does not grow with the chain's length."""
    roots = sorted({int(pk) for pk in customer_ids})
    if not roots:
        if also_acts:
            act_totals_refresh(also_acts)
        return
    with transaction.atomic():
        below = descendant_ids(roots)
        subtree = Q(pk__in=roots) | Q(pk__in=below)
        referrers = Customer.objects.filter(pk__in=roots, referred_by__isnull=False).values("referred_by_id")
        list(Customer.objects.select_for_update().filter(subtree | Q(pk__in=referrers)).order_by("pk").values("pk"))
        # Read again after the locks: what the transactions we waited for committed.
        nodes = list(
            Customer.objects.filter(Q(pk__in=roots) | Q(pk__in=descendant_ids(roots))).values_list(
                "pk", "referred_by_id", "referred_by_story_id"
            )
        )
        inside = {pk for pk, _parent, _story in nodes}
        outside_parents = {parent for _pk, parent, _story in nodes if parent is not None and parent not in inside}
        known: dict[int, dict[int, int]] = {}
        for customer_id, act_id, generation in ActReferral.objects.filter(customer_id__in=outside_parents).values_list(
            "customer_id", "act_id", "generation"
        ):
            known.setdefault(customer_id, {})[act_id] = generation
        story_acts = _told_story_acts(story for _pk, _parent, story in nodes)

        children: dict[int | None, list[tuple[int, int | None]]] = {}
        for pk, parent, story in nodes:
            children.setdefault(parent if parent in inside else None, []).append((pk, story))
        # Top down from the customers whose referrer is outside (or none), without recursion;
        # `seen` keeps a loop (were one ever stored) finite.
        seen: set[int] = set()
        parent_of = {pk: parent for pk, parent, _story in nodes}
        stack = [(pk, story) for pk, story in children.get(None, [])]
        while stack:
            pk, story = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            known[pk] = credits_below(known.get(parent_of[pk]) or {}, story_acts.get(story, []))
            stack.extend(children.get(pk, []))

        old = ActReferral.objects.filter(customer_id__in=inside)
        touched = set(old.values_list("act_id", flat=True))
        old.delete()
        rows = [
            ActReferral(act_id=act_id, customer_id=pk, generation=generation)
            for pk in seen
            for act_id, generation in known[pk].items()
        ]
        ActReferral.objects.bulk_create(rows, batch_size=BATCH)
        touched |= {row.act_id for row in rows}
        act_totals_refresh(touched | set(also_acts))


def chains_of_new_customers(customers: list[Customer]) -> None:
    """The ActReferral rows of customers just created (an import's batch, one customer
    from the page), in list order: a referrer is an older customer or earlier in the
    list, and nobody is below a new customer but later rows of the same list. So their
    rows are `chain_refresh`'s without its walk down the tree: the older referrers
    locked and their rows read, each new row computed from its referrer's, one insert,
    then the totals of the acts their chains joined."""
    new = {customer.pk for customer in customers}
    outside = sorted({customer.referred_by_id for customer in customers} - new - {None})
    with transaction.atomic():
        if outside:
            # As chain_refresh: a chain being changed by another transaction is waited for.
            list(Customer.objects.select_for_update().filter(pk__in=outside).order_by("pk").values("pk"))
        known: dict[int, dict[int, int]] = {}
        for customer_id, act_id, generation in (
            ActReferral.objects.filter(customer_id__in=outside)
            .order_by()
            .values_list("customer_id", "act_id", "generation")
        ):
            known.setdefault(customer_id, {})[act_id] = generation
        story_acts = _told_story_acts(customer.referred_by_story_id for customer in customers)
        rows = []
        for customer in customers:
            credits = credits_below(
                known.get(customer.referred_by_id) or {}, story_acts.get(customer.referred_by_story_id, [])
            )
            if credits:
                known[customer.pk] = credits
                rows.extend((act_id, customer.pk, generation) for act_id, generation in credits.items())
        rows_insert(ActReferral, ("act_id", "customer_id", "generation"), rows)
        act_totals_refresh({act_id for act_id, _customer, _generation in rows})


def act_totals_refresh(act_ids: Iterable[int]) -> None:
    """Recount the ActChain rows of these acts (created when missing, locked by act id),
    then the return table cells of their days. Five queries, then days_refresh."""
    act_ids = sorted({int(pk) for pk in act_ids})
    if not act_ids:
        return
    with transaction.atomic():
        ActChain.objects.bulk_create([ActChain(act_id=pk) for pk in act_ids], ignore_conflicts=True)
        chains = list(ActChain.objects.select_for_update().filter(act_id__in=act_ids).order_by("act_id"))
        _recount(chains)
        cells = set(Act.objects.filter(pk__in=act_ids).values_list(*CELL))
        days_refresh(cells)


def _cell_sums():
    return {
        "acts_count": Count("pk", filter=GOING),
        "spend_total": spend_total(),
        "stories_count": Coalesce(Sum("chain__stories_count", filter=GOING), 0),
        "referred_customers_count": Coalesce(Sum("chain__referred_customers_count", filter=GOING), 0),
        "referral_revenue": Coalesce(Sum("chain__referral_revenue", filter=GOING), Value(ZERO), output_field=MONEY_SUM),
    }


def _value(name: str, value):
    # SQLite sums money as a float-like number; the columns keep cents.
    return cents(value) if name in ("spend_total", "referral_revenue") else value or 0


def days_refresh(cells: Iterable[tuple]) -> None:
    """Recompute the day cells of the days of these cells ((team, date, author, kind,
    quadrant), each created when missing) from the days' acts and their chains: create,
    lock the days' cells in (team, date) order, one grouped query, one write; then move
    the month and year cells holding them by the difference (rollups_move)."""
    cells = sorted(set(cells))
    if not cells:
        return
    days: list[Day] = sorted({(team_id, date) for team_id, date, *_rest in cells})
    with transaction.atomic():
        RoiCell.objects.bulk_create(
            [RoiCell(**dict(zip(CELL, cell, strict=True))) for cell in cells], ignore_conflicts=True
        )
        rows = list(
            RoiCell.objects.select_for_update()
            .filter(any_day(days), span=RoiSpan.DAY)
            .order_by("team_id", "date", "author_id", "kind", "quadrant")
        )
        sums = _cell_sums()
        counted = {
            tuple(values[: len(CELL)]): dict(zip(sums, values[len(CELL) :], strict=True))
            for values in Act.objects.filter(any_day(days))
            .order_by()
            .values(*CELL)
            .annotate(**sums)
            .values_list(*CELL, *sums)
        }
        moved: dict[tuple, list] = {}
        for row in rows:
            key = tuple(getattr(row, name) for name in CELL)
            found = counted.get(key, {})
            before = [getattr(row, name) for name in CELL_SUMS]
            for name in CELL_SUMS:
                setattr(row, name, _value(name, found.get(name)))
            difference = [getattr(row, name) - was for name, was in zip(CELL_SUMS, before, strict=True)]
            if any(difference):
                for rollup in _rollups_of(key):
                    _add(moved.setdefault(rollup, [0] * len(CELL_SUMS)), difference)
        RoiCell.objects.bulk_update(rows, CELL_SUMS)
        rollups_move(moved)


ROLLUP = ("span", "team_id", "date", "author_id", "kind", "quadrant")


def _rollups_of(cell: tuple) -> list[tuple]:
    """The (span, team, first day, author, kind, quadrant) of the month and the year
    cells holding a day cell (team, date, author, kind, quadrant)."""
    team_id, date, *rest = cell
    return [
        (RoiSpan.MONTH.value, team_id, date.replace(day=1), *rest),
        (RoiSpan.YEAR.value, team_id, date.replace(month=1, day=1), *rest),
    ]


def _add(total: list, values) -> None:
    for index, value in enumerate(values):
        total[index] += value


def rollups_move(moved: dict[tuple, list]) -> None:
    """Add each difference (CELL_SUMS order) to its month or year cell (a ROLLUP key),
    created when missing and locked in key order, in the caller's transaction. Three
    queries, none without a difference."""
    keys = sorted(key for key, difference in moved.items() if any(difference))
    if not keys:
        return
    RoiCell.objects.bulk_create([RoiCell(**dict(zip(ROLLUP, key, strict=True))) for key in keys], ignore_conflicts=True)
    wanted = Q()
    for key in keys:
        wanted |= Q(**dict(zip(ROLLUP, key, strict=True)))
    rows = list(RoiCell.objects.select_for_update().filter(wanted).order_by(*ROLLUP))
    for row in rows:
        difference = moved[tuple(getattr(row, name) for name in ROLLUP)]
        for name, value in zip(CELL_SUMS, difference, strict=True):
            setattr(row, name, getattr(row, name) + value)
    RoiCell.objects.bulk_update(rows, CELL_SUMS)


def rollups_rebuild(cell_model=RoiCell) -> int:
    """Rewrite every month and year cell as the sums of the day cells (after a rebuild of
    them, and in the migration that added them): one pass over the day cells, added up
    here, then inserts. Returns the cells written."""
    cell_model.objects.exclude(span=RoiSpan.DAY).delete()
    totals: dict[tuple, list] = {}
    days = cell_model.objects.filter(span=RoiSpan.DAY).order_by().values_list(*CELL, *CELL_SUMS)
    for values in days.iterator(chunk_size=BATCH):
        for rollup in _rollups_of(values[: len(CELL)]):
            _add(totals.setdefault(rollup, [0] * len(CELL_SUMS)), values[len(CELL) :])
    rows = ((*key, *sums) for key, sums in totals.items())
    while batch := list(islice(rows, BATCH)):
        rows_insert(cell_model, (*ROLLUP, *CELL_SUMS), batch)
    return len(totals)


# --- What the services call ----------------------------------------------------------------


def referral_changed(customers: list[Customer], *, chain: bool, created: bool = False) -> None:
    """Handed down as customers.outcomes.referral_refresh: customers were created with a
    referrer (`created`: their own chains; an import's rows at once), customers'
    referrers or stories changed (their chains and everyone's below), or only their
    first purchases (the totals of the acts whose chains hold them)."""
    ids = [customer.pk for customer in customers]
    if created:
        chains_of_new_customers(customers)
    elif chain:
        chain_refresh(ids)
    else:
        act_totals_refresh(ActReferral.objects.filter(customer_id__in=ids).values_list("act_id", flat=True))


def story_changed(story: Story) -> None:
    """After a story was moderated: its acts' story counts, and the chains of the customers
    it brought (told now, they and everyone below them join its acts' chains)."""
    brought = Customer.objects.filter(referred_by_story_id=story.pk).values_list("pk", flat=True)
    chain_refresh(list(brought), also_acts=story.acts.values_list("pk", flat=True))


def act_changed(act: Act) -> None:
    """After an act service created or changed an act (through acts.outcomes): the cells of
    the act's day."""
    days_refresh([tuple(getattr(act, name) for name in CELL)])


# --- Rebuilding everything -------------------------------------------------------------------


def rebuild(**models) -> int:
    """Rewrite every ActReferral, ActChain and return table cell from the customers, stories and
    acts: every customer is read once (id, referrer, story), the chains computed top down,
    then grouped queries and bulk inserts. Run while nobody writes (as summaries.rebuild).
    Returns the number of ActReferral rows written. The data migration passes its
    historical models (act_model, customer_model, story_model, referral_model, chain_model,
    cell_model); a cell model from before spans gets its day cells only."""
    act_model = models.get("act_model", Act)
    customer_model = models.get("customer_model", Customer)
    story_acts_model = models.get("story_model", Story).acts.through
    referral_model = models.get("referral_model", ActReferral)
    chain_model = models.get("chain_model", ActChain)
    cell_model = models.get("cell_model", RoiCell)
    with transaction.atomic():
        nodes = list(customer_model.objects.order_by().values_list("pk", "referred_by_id", "referred_by_story_id"))
        story_acts = _told_story_acts((story for _pk, _parent, story in nodes), story_acts_model)
        children: dict[int | None, list[tuple[int, int | None]]] = {}
        for pk, parent, story in nodes:
            children.setdefault(parent, []).append((pk, story))
        credits: dict[int, dict[int, int]] = {}
        rows: list[tuple[int, int, int]] = []
        stack = [(pk, story, None) for pk, story in children.get(None, [])]
        while stack:
            pk, story, parent = stack.pop()
            if pk in credits:
                continue
            credits[pk] = credits_below(credits.get(parent) or {}, story_acts.get(story, []))
            rows.extend((act_id, pk, generation) for act_id, generation in credits[pk].items())
            stack.extend((child, child_story, pk) for child, child_story in children.get(pk, []))
        # The rows are written as plain INSERTs (core.rows_insert): bulk_create compiled
        # every value of some million rows, most of a large rebuild's time.
        referral_model.objects.all().delete()
        rows_insert(referral_model, ("act_id", "customer_id", "generation"), rows)

        chain_model.objects.all().delete()
        chained = set(story_acts_model.objects.filter(story__status__in=TOLD).values_list("act_id", flat=True))
        chained = sorted(chained | {act_id for act_id, _customer, _generation in rows})
        for start in range(0, len(chained), BATCH):
            some = chained[start : start + BATCH]
            counts = _counts(some, referral_model=referral_model, story_acts_model=story_acts_model)
            rows_insert(chain_model, ("act_id", *CHAIN_COUNTS), [(act_id, *counts[act_id]) for act_id in some])

        cell_model.objects.all().delete()
        sums = _cell_sums()
        cells = (
            (
                *values[: len(CELL)],
                *(_value(name, value) for name, value in zip(sums, values[len(CELL) :], strict=True)),
            )
            for values in act_model.objects.order_by()
            .values(*CELL)
            .annotate(**sums)
            .values_list(*CELL, *sums)
            .iterator(chunk_size=BATCH)
        )
        while batch := list(islice(cells, BATCH)):
            rows_insert(cell_model, (*CELL, *sums), batch)  # span: the column's default, "day"
        if any(field.name == "span" for field in cell_model._meta.fields):
            rollups_rebuild(cell_model)
    return len(rows)


def _counts(act_ids: list[int], *, referral_model=ActReferral, story_acts_model=StoryActs) -> dict[int, tuple]:
    """{act id: (stories_count, referred_customers_count, referral_revenue)} of these acts,
    counted from their ActReferral rows and told stories: two queries."""
    referred = {
        act_id: (n, revenue)
        for act_id, n, revenue in referral_model.objects.filter(act_id__in=act_ids)
        .order_by()
        .values("act_id")
        .annotate(
            n=Count("pk"),
            revenue=Coalesce(Sum("customer__first_purchase_value"), Value(ZERO), output_field=MONEY_SUM),
        )
        .values_list("act_id", "n", "revenue")
    }
    stories = dict(
        story_acts_model.objects.filter(act_id__in=act_ids, story__status__in=TOLD)
        .order_by()
        .values("act_id")
        .annotate(n=Count("story_id"))
        .values_list("act_id", "n")
    )
    counts = {}
    for act_id in act_ids:
        n, revenue = referred.get(act_id, (0, ZERO))
        counts[act_id] = (stories.get(act_id, 0), n, cents(revenue))
    return counts


def _recount(chains: list[ActChain]) -> None:
    """Count these ActChain rows (see _counts) and write them: three queries."""
    counts = _counts([chain.act_id for chain in chains])
    for chain in chains:
        chain.stories_count, chain.referred_customers_count, chain.referral_revenue = counts[chain.act_id]
    ActChain.objects.bulk_update(chains, CHAIN_COUNTS)
