"""API routes for acts, their transitions, and the team's budget."""

import datetime
import json
from decimal import Decimal
from typing import Annotated, Literal

import pydantic
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema

from core.errors import InvalidInput
from core.inputs import BlankIsAny
from core.paging import PageNumber

from . import playbook, selectors, services

router = Router(tags=["acts"])

Money = Decimal


def _number_as_text(value):
    """A JSON number becomes its text, so that the service reads it as a Decimal from its
    digits (20 -> "20", 19.99 -> "19.99"); no arithmetic is ever done on a float."""
    if isinstance(value, bool):
        return value  # true/false are not amounts; `str` validation refuses them
    if isinstance(value, int | float):
        return str(value)
    return value


# An amount: a decimal string ("25.00") or a JSON number (25); parsed by the service.
Amount = Annotated[
    str,
    BeforeValidator(_number_as_text),
    WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "number"}], "description": 'a decimal string like "25.00", or a number'}
    ),
]


class ActIn(Schema):
    customer: int
    problem: str = Field(min_length=1)
    solution: str = Field(min_length=1)
    quadrant: Literal["reception", "delivery", "reliability", "response"]
    trigger: Literal["proactive", "reactive"]
    kind: Literal["gift", "time", "upgrade", "note", "call", "expertise", "waiver", "other"]
    cost: Amount = Field("0", description='decimal string, e.g. "25.00" (a number is taken too)')
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
    over_approved: Money = Field(
        description="delivered above the approved amount and the top-up declined: actual_cost − approved_amount"
    )
    status: str
    approval_level: str
    right_thing: str
    great_experience: str
    how_they_know: str
    decision_note: str
    customer_knew_how: str
    created_at: datetime.datetime


class ActDetailOut(ActOut):
    """One act, with what it returned along its chain (stories.act_chain)."""

    stories_count: int = Field(description="approved or featured stories crediting it")
    referred_customers_count: int = Field(
        description="customers brought by a story retelling it and everyone they referred, any generation"
    )
    referral_revenue: Money = Field(description="the sum of those customers' first-purchase values")
    spend: Money = Field(description="the dashboard's rule: actual cost once delivered, else approved; 0 pending")

    @staticmethod
    def resolve_stories_count(act) -> int:
        return act.returns["stories_count"]

    @staticmethod
    def resolve_referred_customers_count(act) -> int:
        return act.returns["referred_customers_count"]

    @staticmethod
    def resolve_referral_revenue(act) -> Decimal:
        return act.returns["referral_revenue"]

    @staticmethod
    def resolve_spend(act) -> Decimal:
        return act.returns["spend"]


class NoteIn(Schema):
    note: str = ""


class ApproveIn(Schema):
    note: str = ""
    amount: Amount | None = Field(None, description="approve less than asked (decimal string)")


class DeliverIn(Schema):
    actual_cost: Amount = Field(description='decimal string, e.g. "42.50"')
    note: str = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = Field(None, description="the input field at fault, when there is one")
    fields: dict[str, str] | None = Field(
        None, description="every field at fault with its message, when there are several"
    )


class KnowsIn(Schema):
    how: str


class BudgetOut(Schema):
    month: str
    budget: Money
    committed: Money
    remaining: Money
    over_approved: Money = Field(
        description="spent beyond the approved amounts (declined top-ups): counted in spend, apart from `committed`"
    )


class ActFilter(FilterSchema):
    """`GET /api/acts?status=&quadrant=&trigger=&kind=`: each given one narrows the list
    to acts with that value (an unknown value finds none); empty or absent means any."""

    status: BlankIsAny = None
    quadrant: BlankIsAny = None
    trigger: BlankIsAny = None
    kind: BlankIsAny = None


class PlaybookOutcomeOut(Schema):
    stories: int = Field(description="stories retelling it that reached the wall (approved or featured)")
    referred_customers: int = Field(description="customers those stories brought in")
    referral_revenue: Money = Field(description="their first purchases (decimal string)")
    nps_after: float | None = Field(description="the average NPS score given after it; null without one")
    summary: str


class PlaybookMatchOut(Schema):
    id: int
    problem: str
    gesture: str = Field(description="what was done")
    cost: Money = Field(description="what it cost (the actual cost of the delivered act)")
    outcome: PlaybookOutcomeOut


@router.get("/playbook", response=list[PlaybookMatchOut])
def playbook_matches(request, q: str = ""):
    """Up to three past delivered acts of the caller's team with a problem like `q`, drawn
    at random among the good full-text matches (the same as /acts/new/ suggests)."""
    return [
        {
            "id": act.pk,
            "problem": act.problem,
            "gesture": act.solution,
            "cost": act.spend,
            "outcome": playbook.outcome_of(act),
        }
        for act in playbook.playbook_matches(user=request.auth, text=q[:2000])
    ]


@router.get("/acts", response=list[ActOut])
@paginate(PageNumber, page_size=20)
def act_list(request, filters: Query[ActFilter]):
    return filters.filter(selectors.act_feed(user=request.auth))


@router.get("/acts/{act_id}", response=ActDetailOut)
def act_get(request, act_id: int):
    act = selectors.act_get_with_chain(user=request.auth, pk=act_id)
    act.returns = selectors.act_returns(act=act)
    return act


MSG_NO_SUCH_CUSTOMER = "No customer you can log an act for has that id."


@router.post("/acts", response={201: ActOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def act_create(request, payload: ActIn):
    """Log an act. When it needs an approver (a cost above the person's own empowerment
    limit), `right_thing`, `great_experience` and `how_they_know` are required; if some
    are missing the answer is 400 with `field` (the first) and `fields`
    (each missing one with its message)."""
    user = request.auth
    customer = selectors.customer_for_logging(user=user, pk=payload.customer)
    if customer is None:
        raise InvalidInput(MSG_NO_SUCH_CUSTOMER, field="customer")
    act = services.act_log(
        user=user,
        customer=customer,
        problem=payload.problem,
        solution=payload.solution,
        quadrant=payload.quadrant,
        trigger=payload.trigger,
        kind=payload.kind,
        cost=payload.cost,
        right_thing=payload.right_thing,
        great_experience=payload.great_experience,
        how_they_know=payload.how_they_know,
        date=payload.date,
    )
    return Status(201, act)


@router.post("/acts/{act_id}/approve", response=ActOut)
def act_approve(request, act_id: int, payload: ApproveIn | None = None):
    payload = payload or ApproveIn()
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.spend_approve(user=request.auth, act=act, amount=payload.amount, note=payload.note)


@router.post("/acts/{act_id}/decline", response=ActOut)
def act_decline(request, act_id: int, payload: NoteIn):
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.spend_decline(user=request.auth, act=act, note=payload.note)


@router.post("/acts/{act_id}/withdraw", response=ActOut)
def act_withdraw(request, act_id: int, payload: NoteIn | None = None):
    act = selectors.act_get(user=request.auth, pk=act_id)
    return services.spend_withdraw(user=request.auth, act=act, note=(payload or NoteIn()).note)


_RECEIPT_HELP = (
    "an image (PNG, JPEG, GIF, WebP) or a PDF, at most 5 MB, its type read from its content; "
    "required when the actual cost is above the team's receipt threshold"
)
DELIVER_BODY = {
    "required": True,
    "description": "JSON, or multipart/form-data when a receipt is attached.",
    "content": {
        "application/json": {"schema": DeliverIn.model_json_schema()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["actual_cost"],
                "properties": {
                    "actual_cost": {"type": "string", "description": 'decimal string, e.g. "92.50"'},
                    "note": {"type": "string"},
                    "receipt": {"type": "string", "format": "binary", "description": _RECEIPT_HELP},
                },
            },
        },
    },
}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _deliver_input(request) -> tuple[str, str, object]:
    """(actual_cost, note, receipt) from a JSON body or a form with an optional receipt file.

    JSON is validated like every other body (422, field by field); a form is read as the
    page reads it, and the service checks the receipt for both.
    """
    if request.content_type in FORM_TYPES:
        actual_cost = request.POST.get("actual_cost", "").strip()
        if not actual_cost:
            raise InvalidInput("Say what it actually cost, like 42.50.", field="actual_cost")
        return actual_cost, request.POST.get("note", ""), request.FILES.get("receipt")
    try:
        data = json.loads(request.body) if request.body else {}
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None
    try:
        payload = DeliverIn.model_validate(data)
    except pydantic.ValidationError as error:
        problems = []
        for problem in error.errors(include_url=False, include_input=False):
            problem["loc"] = ("body", "payload", *problem["loc"])
            problem.pop("ctx", None)
            problems.append(problem)
        raise ValidationError(problems) from None
    return payload.actual_cost, payload.note, None


@router.post(
    "/acts/{act_id}/deliver",
    response={200: ActOut, 400: ErrorOut, 409: ErrorOut},
    openapi_extra={"requestBody": DELIVER_BODY},
)
def act_deliver(request, act_id: int):
    """Mark an approved act delivered with its actual cost. Send JSON `{"actual_cost"}`, or
    multipart/form-data with `actual_cost`, an optional `note` and a `receipt` file (needed
    above the team's receipt threshold). A refused receipt answers 400 with `field`
    `receipt` and changes nothing."""
    act = selectors.act_get(user=request.auth, pk=act_id)
    actual_cost, note, receipt = _deliver_input(request)
    return services.act_deliver(user=request.auth, act=act, actual_cost=actual_cost, receipt=receipt, note=note)


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
        day = timezone.localdate()
    summary = selectors.budget_summary(team=user.team, month=day)
    return {**summary, "month": summary["month"].strftime("%Y-%m")}
