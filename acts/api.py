"""API routes for acts, their transitions, and the team's budget."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from customers import selectors as customer_selectors
from secondmile.errors import InvalidInput

from . import selectors, services

router = Router(tags=["acts"])

Money = Decimal


class ActIn(Schema):
    customer: int
    problem: str = Field(min_length=1)
    solution: str = Field(min_length=1)
    quadrant: Literal["reception", "delivery", "reliability", "response"]
    trigger: Literal["proactive", "reactive"]
    kind: Literal["gift", "time", "upgrade", "note", "call", "expertise", "waiver", "other"]
    cost: str = Field("0", description='decimal string, e.g. "25.00"')
    right_thing: str = ""
    great_experience: str = ""
    how_they_know: str = ""
    date: datetime.date | None = None


class ActOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    author: str = Field(alias="author.username")
    team: int = Field(alias="team_id")
    date: datetime.date
    problem: str
    solution: str
    quadrant: str
    trigger: str
    kind: str
    cost: Money
    approved_amount: Money | None
    actual_cost: Money | None
    status: str
    approval_level: str
    right_thing: str
    great_experience: str
    how_they_know: str
    decision_note: str
    customer_knew_how: str
    created_at: datetime.datetime


class NoteIn(Schema):
    note: str = ""


class ApproveIn(Schema):
    note: str = ""
    amount: str | None = Field(None, description="approve less than asked (decimal string)")


class DeliverIn(Schema):
    actual_cost: str = Field(description='decimal string, e.g. "42.50"')


class KnowsIn(Schema):
    how: str


class BudgetOut(Schema):
    month: str
    budget: Money
    committed: Money
    remaining: Money


@router.get("/acts", response=list[ActOut])
@paginate(PageNumberPagination, page_size=20)
def act_list(request, status: str = "", quadrant: str = "", trigger: str = "", kind: str = ""):
    filters = {"status": status, "quadrant": quadrant, "trigger": trigger, "kind": kind}
    return selectors.act_feed(user=request.auth, filters=filters)


@router.get("/acts/{act_id}", response=ActOut)
def act_get(request, act_id: int):
    return selectors.act_get(user=request.auth, pk=act_id)


@router.post("/acts", response={201: ActOut})
def act_create(request, payload: ActIn):
    user = request.auth
    customer = customer_selectors.customer_get(user=user, pk=payload.customer)
    act = services.act_log(
        user=user, customer=customer, problem=payload.problem, solution=payload.solution,
        quadrant=payload.quadrant, trigger=payload.trigger, kind=payload.kind, cost=payload.cost,
        right_thing=payload.right_thing, great_experience=payload.great_experience,
        how_they_know=payload.how_they_know, date=payload.date,
    )
    return Status(201, act)


@router.post("/acts/{act_id}/approve", response=ActOut)
def act_approve(request, act_id: int, payload: ApproveIn | None = None):
    payload = payload or ApproveIn()
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.spend_approve(user=request.auth, act=act, amount=payload.amount,
                                  note=payload.note)


@router.post("/acts/{act_id}/decline", response=ActOut)
def act_decline(request, act_id: int, payload: NoteIn):
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.spend_decline(user=request.auth, act=act, note=payload.note)


@router.post("/acts/{act_id}/withdraw", response=ActOut)
def act_withdraw(request, act_id: int, payload: NoteIn | None = None):
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.spend_withdraw(user=request.auth, act=act, note=(payload or NoteIn()).note)


@router.post("/acts/{act_id}/deliver", response=ActOut)
def act_deliver(request, act_id: int, payload: DeliverIn):
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.act_deliver(user=request.auth, act=act, actual_cost=payload.actual_cost)


@router.post("/acts/{act_id}/customer-knows", response=ActOut)
def act_customer_knows(request, act_id: int, payload: KnowsIn):
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.act_customer_knows(user=request.auth, act=act, how=payload.how)


@router.get("/budget", response=BudgetOut, tags=["budget"])
def budget(request, month: str = ""):
    user = request.auth
    if user.team is None:
        raise InvalidInput("You belong to no team, so there is no budget to show.")
    if month:
        try:
            day = datetime.datetime.strptime(month, "%Y-%m").date()  # noqa: DTZ007 - a month, no time
        except ValueError:
            raise InvalidInput("month is YYYY-MM, like 2026-03.", field="month") from None
    else:
        from django.utils import timezone

        day = timezone.localdate()
    summary = selectors.budget_summary(team=user.team, month=day)
    return {**summary, "month": summary["month"].strftime("%Y-%m")}
