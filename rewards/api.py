"""API routes for rewards: the caller's team's catalogue, adding to it (admins), and
redeeming (409 when the balance or the stock cannot cover it)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from core.inputs import fields_of, id_parse
from core.models import Team
from core.paging import PageNumber

from . import selectors, services

router = Router(tags=["rewards"])


class RewardIn(Schema):
    name: str
    description: str = ""
    points: int = Field(description="what it costs, from 1")
    stock: int | None = Field(None, description="how many are left; null for no limit")
    active: bool = True
    team: int | None = Field(None, description="the team's id; the admin's own team when left out")


class RewardCreatedOut(Schema):
    id: int
    name: str
    description: str
    points: int
    stock: int | None
    active: bool
    team: int


class RewardOut(Schema):
    id: int
    name: str
    description: str
    points: int
    stock: int | None


class RedemptionOut(Schema):
    id: int
    status: str
    points: int


@router.post("/rewards", response={201: RewardCreatedOut})
def reward_create(request, payload: RewardIn):
    """Add a reward to a team's catalogue (admins only, 403 otherwise)."""
    team = None
    if payload.team is not None:
        # id_parse: an id no table holds (a negative one, one past bigint) is simply not found.
        team = get_object_or_404(Team, pk=id_parse(payload.team))
    reward = services.reward_create(
        user=request.auth,
        team=team,
        **fields_of(dict(payload), "name", "description", "points", "stock", "active"),
    )
    return Status(201, {**services.reward_values(reward), "id": reward.pk, "team": reward.team_id})


@router.get("/rewards", response=list[RewardOut])
@paginate(PageNumber, page_size=50)
def reward_list(request):
    """The active rewards of the caller's team, cheapest first."""
    return selectors.rewards_offered(user=request.auth)


@router.post("/rewards/{reward_id}/redeem", response={201: RedemptionOut})
def reward_redeem(request, reward_id: int):
    """Spend the reward's points on it: 201 with the redemption, waiting for a manager;
    409 when the caller's balance or the reward's stock cannot cover it, or it is no longer
    offered; 404 for another team's reward."""
    reward = selectors.reward_to_redeem(user=request.auth, pk=reward_id)
    redemption = services.reward_redeem(user=request.auth, reward=reward)
    return Status(201, {"id": redemption.pk, "status": redemption.status, "points": redemption.points})
