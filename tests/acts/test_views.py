"""The act pages through the test client: what a user sees and what changes."""

import html
import re
from decimal import Decimal

import pytest

from acts import services
from acts.models import Act, BudgetMonth
from customers.models import Customer
from tests.factories import CustomerFactory, log_act
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

FORM = {
    "problem": "Arriving hungry",
    "quadrant": "reception",
    "trigger": "proactive",
    "solution": "Steak at the gate",
    "kind": "gift",
    "date": "",
}


def _form(**fields):
    from django.utils import timezone

    return {**FORM, "date": timezone.localdate().isoformat(), **fields}


def test_log_a_free_act_for_a_new_customer(client_for, staff):
    client = client_for(staff)
    response = client.post("/acts/new/", _form(new_customer_name="Aiko Tanaka", cost="0"), follow=True)
    assert response.status_code == 200
    act = Act.objects.get()
    assert act.customer.name == "Aiko Tanaka"
    assert act.status == "approved"
    assert "No cost, so no approval needed" in response.content.decode()


def test_only_an_act_for_an_approver_needs_the_three_answers(client_for, staff, customer):
    client = client_for(staff)
    response = client.post("/acts/new/", _form(customer=customer.pk, cost="75"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Above your own limit a manager or admin approves: answer this for them.") == 3
    assert "for the approver." not in page
    assert not Act.objects.exists()
    # Within the person's own limit ($50) nobody approves it: no questions to answer.
    response = client.post("/acts/new/", _form(customer=customer.pk, cost="20"), follow=True)
    page = response.content.decode()
    assert "Logged: $20.00 for Elena Petrova is within your own limit, so nobody has to approve it." in page
    act = Act.objects.get()
    assert (act.approval_level, act.status) == ("empowered", "approved")
    assert '<span class="badge badge--logged">Logged</span>' in page
    assert ">Approved<" not in page


@pytest.mark.parametrize("cost", ["-3", "abc", "20000"])
def test_bad_cost_shows_an_error_and_saves_nothing(client_for, staff, customer, cost):
    response = client_for(staff).post("/acts/new/", _form(customer=customer.pk, cost=cost))
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Act.objects.exists()
    assert Customer.objects.count() == 1


def test_empowered_act_beyond_the_budget_says_what_is_left(client_for, staff, customer, team):
    team.monthly_budget = Decimal("10.00")
    team.save()
    response = client_for(staff).post(
        "/acts/new/",
        _form(
            customer=customer.pk,
            cost="20",
            right_thing="y",
            great_experience="y",
            how_they_know="y",
            new_customer_name="",
        ),
    )
    assert "Only $10.00 is left" in response.content.decode()
    assert not Act.objects.exists()


def test_a_new_customer_is_not_kept_when_the_act_is_refused(client_for, staff, team):
    team.monthly_budget = Decimal("10.00")
    team.save()
    client_for(staff).post(
        "/acts/new/",
        _form(new_customer_name="Ghost", cost="20", right_thing="y", great_experience="y", how_they_know="y"),
    )
    assert not Customer.objects.filter(name="Ghost").exists()


def test_feed_filters_keep_their_state_in_the_url(client_for, staff, customer):
    log_act(staff, cost="0", customer=customer, kind="call", solution="Called back")
    log_act(staff, cost="0", customer=customer, kind="gift", solution="Sent chocolates")
    page = client_for(staff).get("/acts/?kind=call").content.decode()
    assert "Called back" in page
    assert "Sent chocolates" not in page
    assert re.search(r'<option value="call" selected', page)


def test_feed_empty_state_teaches(client_for, staff):
    page = client_for(staff).get("/acts/").content.decode()
    assert "No acts yet." in page
    assert "Log an act" in page


def test_act_page_shows_timeline_and_next_step(client_for, staff, customer):
    act = log_act(staff, cost="20.00", customer=customer)
    page = client_for(staff).get(f"/acts/{act.pk}/").content.decode()
    assert "Within own limit: no approver needed" in page
    assert ">Done</button>" in page
    assert "Mark delivered" in page  # behind "It cost something else?"


def test_waiting_act_page_offers_withdraw_to_the_requester(client_for, staff):
    act = log_act(staff, cost="75.00")
    page = client_for(staff).get(f"/acts/{act.pk}/").content.decode()
    assert "Waiting for a manager" in page
    assert "Withdraw request" in page
    assert "Approve" not in page.split("Next step")[1].split("</section>")[0]


def test_transitions_are_post_only(client_for, manager, staff):
    act = log_act(staff, cost="75.00")
    client = client_for(manager)
    for action in ("approve", "decline", "withdraw", "deliver", "customer-knows", "review"):
        assert client.get(f"/acts/{act.pk}/{action}/").status_code == 405
    act.refresh_from_db()
    assert act.status == "pending_approval"


def test_approve_from_the_act_page_says_what_is_left(client_for, manager, staff):
    act = log_act(staff, cost="75.00")
    response = client_for(manager).post(f"/acts/{act.pk}/approve/", {"amount": "75.00", "note": "Go"}, follow=True)
    page = response.content.decode()
    assert "Approved $75.00 for" in page
    assert "$925.00 left in" in page
    act.refresh_from_db()
    assert act.status == "approved"


def test_second_decision_is_refused_with_a_clear_message(client_for, manager, manager2, staff):
    act = log_act(staff, cost="75.00")
    client_for(manager).post(f"/acts/{act.pk}/approve/", {"amount": "75.00"})
    response = client_for(manager2).post(f"/acts/{act.pk}/decline/", {"note": "No"}, follow=True)
    assert "This request has already been decided." in response.content.decode()
    assert BudgetMonth.objects.get().committed == Decimal("75.00")


def test_decline_without_reason_is_refused(client_for, manager, staff):
    act = log_act(staff, cost="75.00")
    response = client_for(manager).post(f"/acts/{act.pk}/decline/", {"note": ""}, follow=True)
    assert "Say why you decline." in response.content.decode()
    act.refresh_from_db()
    assert act.status == "pending_approval"


def test_queue_inline_approval_answers_the_card_and_budget(client_for, manager, staff):
    act = log_act(staff, cost="75.00")
    response = client_for(manager).post(
        f"/acts/{act.pk}/approve/", {"amount": "75.00", "from": "queue"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="request-{act.pk}"' in page
    assert "Approved $75.00" in page
    assert 'hx-swap-oob="true"' in page
    assert "$925.00" in page
    assert "<html" not in page


def test_queue_shows_oldest_first_with_context(client_for, manager, staff, customer):
    log_act(staff, cost="0", customer=customer, solution="Earlier gesture", kind="call")
    first = log_act(staff, cost="75.00", customer=customer, solution="First request")
    second = log_act(staff, cost="80.00", solution="Second request")
    page = client_for(manager).get("/approvals/").content.decode()
    assert page.index("First request") < page.index("Second request")
    assert "Earlier for Elena Petrova: call" in page
    assert "after approval $925.00 left" in page
    assert f"request-{first.pk}" in page
    assert f"request-{second.pk}" in page


def test_empty_queue_says_so(client_for, manager):
    assert "Nothing waiting — nice." in client_for(manager).get("/approvals/").content.decode()


def test_manager_queue_excludes_admin_level_and_own_requests(client_for, manager, staff):
    log_act(staff, cost="150.00", solution="Big request")
    log_act(manager, cost="75.00", solution="My own request")
    page = client_for(manager).get("/approvals/").content.decode()
    assert "Big request" not in page
    assert "My own request" not in page


def test_receipt_is_served_only_to_the_team(client_for, staff, other_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from acts import services

    act = log_act(staff, cost="10.00")
    services.act_deliver(
        user=staff,
        act=act,
        actual_cost="10.00",
        receipt=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    response = client_for(staff).get(f"/acts/{act.pk}/receipt/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(other_staff).get(f"/acts/{act.pk}/receipt/").status_code == 404


@pytest.mark.parametrize("url", ["/acts/", "/approvals/", "/customers/", "/api/acts"])
def test_list_pages_take_the_same_queries_with_one_row_or_thirty(client_for, manager, staff, team, url):
    team.monthly_budget = Decimal("100000")
    team.save()
    client = client_for(manager)
    log_act(staff, cost="75.00")
    one = page_queries(client, url)
    for _ in range(29):
        log_act(staff, cost="75.00", customer=CustomerFactory(team=team))
    many = page_queries(client, url)
    assert one == many, f"{url}: {one} queries with one row, {many} with thirty"


def test_inline_refusal_keeps_the_card_with_the_reason(client_for, manager, staff, team):
    team.monthly_budget = Decimal("50.00")
    team.save()
    act = log_act(staff, cost="75.00")
    response = client_for(manager).post(
        f"/acts/{act.pk}/approve/", {"amount": "75.00", "from": "queue"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "Only $50.00 is left" in page
    assert 'class="card approval-card"' in page
    assert "Approve</button>" in page
    act.refresh_from_db()
    assert act.status == "pending_approval"


def test_deliver_customer_knows_withdraw_and_review_from_the_pages(client_for, staff, manager, team):
    team.review_share = Decimal("1.00")
    team.save()
    act = log_act(staff, cost="30.00")
    client = client_for(staff)
    page = client.post(f"/acts/{act.pk}/deliver/", {"actual_cost": "25.00"}, follow=True).content.decode()
    assert "Delivered for $25.00. Now make sure" in page
    page = client.post(f"/acts/{act.pk}/customer-knows/", {"how": "A card"}, follow=True).content.decode()
    assert "That is a complete second-mile act." in page
    waiting = log_act(staff, cost="75.00")
    page = client.post(f"/acts/{waiting.pk}/withdraw/", follow=True).content.decode()
    assert "Request withdrawn." in page
    page = client_for(manager).post(f"/acts/{act.pk}/review/", {"note": "Lovely"}, follow=True).content.decode()
    assert "Marked as seen." in page
    act.refresh_from_db()
    waiting.refresh_from_db()
    assert (act.status, waiting.status, act.reviewed_by) == ("customer_knows", "withdrawn", manager)


def test_an_html_receipt_name_is_stored_and_served_as_what_it_really_is(client_for, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    act = log_act(staff, cost="10.00")
    upload = SimpleUploadedFile("evil.html", b"%PDF-1.4 <script>alert(1)</script>", content_type="text/html")
    client = client_for(staff)
    client.post(f"/acts/{act.pk}/deliver/", {"actual_cost": "10.00", "receipt": upload})
    act.refresh_from_db()
    assert act.receipt.name.endswith(".pdf")
    assert client.get(f"/acts/{act.pk}/receipt/")["Content-Type"] == "application/pdf"


# --- The queue's budget figure is each request's own: its team, the month it is charged to ---


def _last_month_day():
    import datetime

    from django.utils import timezone

    return timezone.localdate().replace(day=1) - datetime.timedelta(days=1)


def _after(page, act):
    """The card's "after approval" figure and what follows it, tags stripped."""
    start = page.index(f'id="after-{act.pk}"')
    text = re.sub(r"<[^>]+>", "", page[start : page.index("</p>", start)])
    return " ".join(text.split()).removeprefix(f'id="after-{act.pk}">')


def test_admin_sees_another_teams_request_against_that_teams_budget(
    client_for, admin_user, staff, team, other_team, other_staff, other_customer
):
    other_team.monthly_budget = Decimal("500.00")
    other_team.save()
    log_act(staff, cost="40.00")  # Harbour: 960 left
    riverside = log_act(other_staff, cost="150.00", customer=other_customer)
    harbour = log_act(staff, cost="120.00")
    client = client_for(admin_user)
    page = client.get("/approvals/").content.decode()
    month = riverside.date.strftime("%B %Y")
    assert _after(page, riverside) == f"after approval $350.00 left in Riverside's budget for {month}"
    assert _after(page, harbour) == "after approval $840.00 left"
    assert re.search(r'id="budget-remaining">\$960.00<', page)  # the admin's own team on top

    # Approving Harbour's inline: Riverside's card keeps Riverside's figure.
    response = client.post(
        f"/acts/{harbour.pk}/approve/", {"amount": "120.00", "from": "queue"}, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert f'<span id="after-{riverside.pk}" hx-swap-oob="true">after approval $350.00 left</span>' in fragment
    # And approving Riverside's says whose budget it came from.
    response = client.post(
        f"/acts/{riverside.pk}/approve/", {"amount": "150.00", "from": "queue"}, HTTP_HX_REQUEST="true"
    )
    message = html.unescape(response.content.decode())
    assert (
        f"Approved $150.00 for Walter Hughes — $350.00 left in Riverside's budget for {riverside.date:%B}."
    ) in message
    assert BudgetMonth.objects.get(team=other_team).committed == Decimal("150.00")


def test_a_backdated_request_shows_the_budget_of_its_own_month(client_for, manager, staff, team):
    last_month = _last_month_day()
    log_act(staff, cost="40.00", date=last_month)  # last month: 960 left
    log_act(staff, cost="30.00")  # this month: 970 left
    backdated = log_act(staff, cost="75.00", date=last_month)
    current = log_act(staff, cost="80.00")
    page = client_for(manager).get("/approvals/").content.decode()
    assert _after(page, backdated) == (f"after approval $885.00 left in Harbour's budget for {last_month:%B %Y}")
    assert _after(page, current) == "after approval $890.00 left"


def test_a_top_up_needs_only_the_difference_from_the_budget(client_for, manager, staff, team):
    act = log_act(staff, cost="60.00")
    from acts import services

    services.spend_approve(user=manager, act=act)  # 940 left
    services.act_deliver(user=staff, act=act, actual_cost="70.00")  # waits for 10 more
    page = client_for(manager).get("/approvals/").content.decode()
    assert _after(page, act) == "after approval $930.00 left"


# --- Logging for a customer: the admin's reach, and the answers rule from the service -------


def test_admin_logs_an_act_for_another_teams_customer_from_the_page(
    client_for, admin_user, customer, other_team, other_customer
):
    client = client_for(admin_user)
    # The picker finds every team's customers for an admin, and says whose each one is.
    found = client.get("/customers/search/?field=customer&id=id_customer&customer_q=e").content.decode()
    assert f'value="{other_customer.pk}"' in found
    assert "Walter Hughes (Riverside)" in found
    assert "Elena Petrova (Harbour)" in found
    response = client.post("/acts/new/", _form(customer=other_customer.pk, cost="0"), follow=True)
    assert response.status_code == 200
    act = Act.objects.get()
    assert (act.customer, act.team, act.author) == (other_customer, other_team, admin_user)


def test_staff_picks_only_their_teams_customers(client_for, staff, customer, other_customer):
    client = client_for(staff)
    page = client.get("/acts/new/").content.decode()
    assert "Walter Hughes" not in page
    assert "Elena Petrova" not in page  # the picker lists nobody until something is typed
    found = client.get("/customers/search/?field=customer&id=id_customer&customer_q=r").content.decode()
    assert f'value="{customer.pk}"' in found
    assert "Walter Hughes" not in found
    response = client.post("/acts/new/", _form(customer=other_customer.pk, cost="0"))
    assert "Select a valid choice" in response.content.decode()
    assert not Act.objects.exists()


def test_the_page_marks_each_missing_answer(client_for, staff, customer):
    response = client_for(staff).post("/acts/new/", _form(customer=customer.pk, cost="75", great_experience="It will"))
    page = response.content.decode()
    assert page.count("Above your own limit a manager or admin approves: answer this for them.") == 2
    assert not Act.objects.exists()


# --- An act nobody approves: "Logged", and one tap to "Done" ----------------------------


def test_a_free_act_reads_logged_and_is_done_in_one_tap_without_a_receipt(client_for, staff, customer):
    act = log_act(staff, cost="0", customer=customer, right_thing="", great_experience="", how_they_know="")
    client = client_for(staff)
    page = client.get(f"/acts/{act.pk}/").content.decode()
    assert '<span class="badge badge--logged">Logged</span>' in page
    assert "it cost nothing, so nobody has to approve it" in page
    assert ">Approved<" not in page
    assert 'name="receipt"' not in page  # nothing was spent: no receipt to ask for
    assert page.count('<button class="button" type="submit">Done</button>') == 1
    response = client.post(f"/acts/{act.pk}/deliver/", {"actual_cost": "0"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/acts/{act.pk}/"
    assert "Delivered for $0.00. Now make sure Elena Petrova knows." in response.content.decode()
    act.refresh_from_db()
    assert (act.status, act.actual_cost) == ("delivered", Decimal("0.00"))


def test_done_on_the_feed_delivers_an_empowered_act_and_comes_back(client_for, staff, manager, customer):
    empowered = log_act(staff, cost="20.00", customer=customer, right_thing="", how_they_know="")
    approved = log_act(staff, cost="75.00", customer=customer)
    services.spend_approve(user=manager, act=approved)
    client = client_for(staff)
    page = client.get("/acts/?page=1").content.decode()
    assert page.count(">Done</button>") == 1  # the manager-approved act takes the full form on its page
    assert page.count('<span class="badge badge--logged">Logged</span>') == 1
    assert page.count('<span class="badge badge--approved">Approved</span>') == 1
    response = client.post(
        f"/acts/{empowered.pk}/deliver/", {"actual_cost": "20.00", "from": "list", "back": "/acts/?page=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/acts/?page=1"
    empowered.refresh_from_db()
    assert (empowered.status, empowered.actual_cost) == ("delivered", Decimal("20.00"))
    # A "back" elsewhere is not followed: the act's page instead.
    other = log_act(staff, cost="5.00", customer=customer)
    response = client.post(
        f"/acts/{other.pk}/deliver/", {"actual_cost": "5", "from": "list", "back": "https://evil.example/"}
    )
    assert response["Location"] == f"/acts/{other.pk}/"


def test_an_empowered_act_above_the_receipt_limit_keeps_the_full_form(client_for, team, staff, customer):
    team.receipt_required_above = Decimal("10.00")
    team.save()
    act = log_act(staff, cost="20.00", customer=customer)
    page = client_for(staff).get(f"/acts/{act.pk}/").content.decode()
    assert "Logged" in page
    assert ">Done</button>" not in page
    assert "Mark delivered" in page
    assert 'name="receipt"' in page
