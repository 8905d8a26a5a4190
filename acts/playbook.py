"""The act playbook: what the team did before for a problem like this one, and what it
returned — so that logging an act starts from experience, not from a routine.

- While staff type the problem on /acts/new/, `playbook_matches` finds the team's past
  delivered acts whose problem shares words with it (full-text search: PostgreSQL's
  to_tsvector/ts_rank over a GIN index, SQLite's FTS5 with bm25), takes the best
  CANDIDATES of them, keeps the *good* ones — scoring at least GOOD_SHARE of the best —
  and shows up to SHOWN of those **at random**: the playbook suggests, never prescribes
  the same gesture every time ("random, not routine"). GET /api/playbook?q= gives the
  same matches.
- `playbook_browse` lists the team's past delivered acts by quadrant, kind and trigger,
  newest first, each with what it returned.

What an act returned: the stories retelling it that reached the wall (approved or
featured), the customers those stories brought in (referred by the story) and their
first purchases, and the average NPS score given after it.

The search index: on PostgreSQL an expression GIN index on to_tsvector('english',
problem) (migration 0008), which the database keeps itself; on SQLite the FTS5 table
`acts_playbook_fts` (rowid = the act's id), which `playbook_index` keeps in step — act_log
calls it in the transaction that logs the act (an act's problem never changes after), and
`rebuild_summaries` rewrites it after bulk loads. Only the team's own acts ever match.
"""

import operator
import re
import secrets
from decimal import Decimal
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, FloatField, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core.formatting import money
from core.models import User
from customers.models import CustomerReturn

from .models import Act, Status

SHOWN = 3
CANDIDATES = 12
GOOD_SHARE = 0.5
MAX_TERMS = 12
FTS_TABLE = "acts_playbook_fts"
SEARCH_CONFIG = "english"
# Acts that were done: what someone did and what it cost are known.
DONE = [Status.DELIVERED, Status.CUSTOMER_KNOWS]
# Story statuses that put a story on the wall (stories.models.StoryStatus; stories sit
# above acts, so the values are named here).
STORY_TOLD = ("approved", "featured")

# Words that say nothing about the problem; left out on both databases alike.
STOP_WORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "all",
        "also",
        "and",
        "any",
        "are",
        "because",
        "been",
        "before",
        "being",
        "but",
        "can",
        "could",
        "did",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "her",
        "hers",
        "him",
        "his",
        "how",
        "into",
        "its",
        "just",
        "more",
        "most",
        "not",
        "now",
        "our",
        "out",
        "over",
        "she",
        "should",
        "some",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "too",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

# Tests pin the draw by replacing this with a seeded random.Random.
_random = secrets.SystemRandom()


def search_terms(text: str) -> list[str]:
    """The words of `text` the search looks for: lower case, three letters or more, no
    stop words, each once, the first MAX_TERMS of them."""
    terms: list[str] = []
    for word in re.findall(r"\w+", (text or "").lower()):
        if len(word) >= 3 and word not in STOP_WORDS and not word.isdigit() and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


# --- The index (SQLite) -------------------------------------------------------------


def _on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def playbook_index(*, act: Act) -> None:
    """Keep the act's problem in the search index, in the caller's transaction (SQLite's
    FTS5 table; PostgreSQL's index follows the row by itself)."""
    if not _on_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [act.pk])  # noqa: S608
        cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, problem) VALUES (%s, %s)", [act.pk, act.problem])  # noqa: S608


def playbook_rebuild() -> int:
    """Rewrite SQLite's index from every act (after bulk loads); 0 on PostgreSQL."""
    if not _on_sqlite():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, problem) SELECT id, problem FROM {Act._meta.db_table}")  # noqa: S608
        return cursor.rowcount


# --- Matching -----------------------------------------------------------------------


def _scored_sqlite(team_id: int, terms: list[str]) -> list[tuple[int, float]]:
    # Each term quoted: FTS5 then reads it as a plain word, never as query syntax.
    match = " OR ".join(f'"{term}"' for term in terms)
    statuses = ", ".join(["%s"] * len(DONE))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, -bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} "  # noqa: S608
            f"JOIN {Act._meta.db_table} a ON a.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND a.team_id = %s AND a.status IN ({statuses}) "
            "ORDER BY score DESC, a.id DESC LIMIT %s",
            [match, team_id, *DONE, CANDIDATES],
        )
        return [(act_id, float(score)) for act_id, score in cursor.fetchall()]


def _scored_postgres(team_id: int, terms: list[str]) -> list[tuple[int, float]]:
    # Any of the words (OR), each stemmed by the English configuration; the vector is the
    # expression of the GIN index, so the match reads the index.
    query = reduce(operator.or_, [SearchQuery(term, config=SEARCH_CONFIG) for term in terms])
    vector = SearchVector("problem", config=SEARCH_CONFIG)
    rows = (
        Act.objects.annotate(search=vector)
        .filter(team_id=team_id, status__in=DONE, search=query)
        .annotate(score=SearchRank(vector, query))
        .order_by("-score", "-id")
        .values_list("id", "score")[:CANDIDATES]
    )
    return [(act_id, float(score)) for act_id, score in rows]


def good_matches(scored: list[tuple[int, float]]) -> list[int]:
    """The ids among the best candidates that score at least GOOD_SHARE of the best one."""
    if not scored:
        return []
    best = scored[0][1]
    return [act_id for act_id, score in scored if score >= best * GOOD_SHARE]


def playbook_matches(*, user: User, text: str) -> list[Act]:
    """Up to SHOWN past delivered acts of the user's team with a problem like `text`,
    drawn at random among the good matches, each with what it returned."""
    terms = search_terms(text)
    if not terms or user.team_id is None:
        return []
    scored = (_scored_sqlite if _on_sqlite() else _scored_postgres)(user.team_id, terms)
    good = good_matches(scored)
    chosen = _random.sample(good, min(SHOWN, len(good)))
    acts = {act.pk: act for act in with_outcomes(Act.objects.filter(pk__in=chosen, team_id=user.team_id))}
    return [acts[pk] for pk in chosen if pk in acts]


# --- Browsing -----------------------------------------------------------------------


def _told_stories():
    return Act.stories.through.objects.filter(act_id=OuterRef("pk"), story__status__in=STORY_TOLD)


def _count(queryset) -> Subquery:
    # order_by(): a default ordering would put its column beside the aggregate.
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1], output_field=IntegerField()
    )


def with_outcomes(acts: QuerySet[Act]) -> QuerySet[Act]:
    """`acts` with what each returned, in the same query: stories_told, referred_count and
    referral_revenue (its whole referral chain, every generation, as the act's ActChain
    row keeps it), came_back (its customer has a return dated after it) and nps_after
    (None without an answer)."""
    return acts.select_related("customer", "author").annotate(
        stories_told=_count(_told_stories()),
        referred_count=Coalesce(F("chain__referred_customers_count"), 0),
        referral_revenue=F("chain__referral_revenue"),
        came_back=Exists(CustomerReturn.objects.filter(customer_id=OuterRef("customer_id"), date__gt=OuterRef("date"))),
        nps_after=Subquery(
            Act.objects.filter(pk=OuterRef("pk"))
            .order_by()
            .annotate(average=Func(F("nps_responses__score"), function="AVG", output_field=FloatField()))
            .values("average")[:1],
            output_field=FloatField(),
        ),
    )


def playbook_browse(*, user: User, filters: dict | None = None) -> QuerySet[Act]:
    """The team's past delivered acts, newest first, narrowed by quadrant, kind, trigger
    and (returned="story") whether a story retelling it reached the wall."""
    filters = filters or {}
    acts = Act.objects.filter(team_id=user.team_id, status__in=DONE)
    for field in ("quadrant", "kind", "trigger"):
        if filters.get(field):
            acts = acts.filter(**{field: filters[field]})
    if filters.get("returned") == "story":
        acts = acts.filter(Exists(_told_stories()))
    return with_outcomes(acts).order_by("-date", "-id")


def outcome_words(act: Act) -> str:
    """What an act (from with_outcomes) returned, in a line: "1 story on the wall · 2
    referred customers ($240.00) · NPS answer 9"."""
    parts = []
    if act.stories_told:
        parts.append(f"{act.stories_told} stor{'y' if act.stories_told == 1 else 'ies'} on the wall")
    if act.referred_count:
        revenue = act.referral_revenue or Decimal("0.00")
        parts.append(
            f"{act.referred_count} referred customer{'' if act.referred_count == 1 else 's'} ({money(revenue)})"
        )
    if act.came_back:
        parts.append("the customer came back")
    if act.nps_after is not None:
        score = act.nps_after
        parts.append(f"NPS answer {score:.0f}" if score == int(score) else f"average NPS answer {score:.1f}")
    return " · ".join(parts) or "Nothing recorded yet"


def outcome_of(act: Act) -> dict:
    """The API's `outcome` of a match."""
    return {
        "stories": act.stories_told or 0,
        "referred_customers": act.referred_count or 0,
        "referral_revenue": act.referral_revenue or Decimal("0.00"),
        "came_back": act.came_back,
        "nps_after": act.nps_after,
        "summary": outcome_words(act),
    }
