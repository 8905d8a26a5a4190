"""The walk: every page of the app, for each role that can open it and signed out, on a
desktop (1366 px) and a phone (390 px), on one seeded demo. Each page answers 200, passes
an axe-core audit with no serious or critical violation, is no wider than the window and
logs no console error; a screenshot of each is saved to var/screenshots/walk/."""

import datetime as dt
import io
import re
import time
from urllib.parse import quote_plus

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from acts.models import Act, Status
from core import errors
from core.models import User
from rewards.models import Reward
from secondmile.demo.data import PASSWORD as DEMO_PASSWORD
from stories import survey as survey_links
from stories.models import Story
from tests.browser.axe import WIDTHS, audit, load_axe

ROLES = ("staff", "manager", "admin")
EVERYONE = set(ROLES)
MANAGERS = {"manager", "admin"}
ADMINS = {"admin"}
# Every page of the app a person opens (GET, HTML), with the roles that can open it. The
# ids are filled from the seeded demo. Django's own admin is walked on its index and, for
# the main models, on a list, a search, a record and an empty form (acts have none: an act
# is logged on its page).
PAGES = [
    ("home", "/", EVERYONE),
    ("acts", "/acts/", EVERYONE),
    ("act-new", "/acts/new/", EVERYONE),
    ("act", "/acts/{act}/", EVERYONE),
    ("approvals", "/approvals/", MANAGERS),
    ("followups", "/followups/", EVERYONE),
    ("playbook", "/playbook/", EVERYONE),
    ("customers", "/customers/", EVERYONE),
    ("customer-new", "/customers/new/", EVERYONE),
    ("customer", "/customers/{customer}/", EVERYONE),
    ("customer-edit", "/customers/{customer}/edit/", EVERYONE),
    ("stories", "/stories/", EVERYONE),
    ("story-new", "/stories/new/", EVERYONE),
    ("review", "/stories/review/", ADMINS),
    ("dashboard", "/dashboard/", EVERYONE),
    ("rewards", "/rewards/", EVERYONE),
    ("redeem", "/rewards/{reward}/redeem/", EVERYONE),
    ("redemptions", "/rewards/redemptions/", MANAGERS),
    ("catalogue", "/rewards/catalogue/", ADMINS),
    ("reward-new", "/rewards/catalogue/new/", ADMINS),
    ("reward-edit", "/rewards/catalogue/{reward}/edit/", ADMINS),
    ("profile", "/accounts/profile/", EVERYONE),
    ("two-factor", "/accounts/profile/two-factor/", EVERYONE),
    ("person", "/people/{person}/", EVERYONE),
    ("limit", "/people/{person}/limit/", EVERYONE),
    ("policy", "/team/policy/", ADMINS),
    ("webhooks", "/integrations/webhooks/", ADMINS),
    ("audit", "/audit/", ADMINS),
    ("django-admin", "/admin/", ADMINS),
    ("admin-acts", "/admin/acts/act/", ADMINS),
    ("admin-acts-search", "/admin/acts/act/?q={customer_words}", ADMINS),
    ("admin-act", "/admin/acts/act/{act}/change/", ADMINS),
    ("admin-customers", "/admin/customers/customer/", ADMINS),
    ("admin-customer", "/admin/customers/customer/{customer}/change/", ADMINS),
    ("admin-customer-new", "/admin/customers/customer/add/", ADMINS),
    ("admin-customers-import", "/admin/customers/customer/import/", ADMINS),
    ("admin-stories", "/admin/stories/story/", ADMINS),
    ("admin-story", "/admin/stories/story/{story}/change/", ADMINS),
    ("admin-people", "/admin/secondmile/user/", ADMINS),
    ("admin-people-search", "/admin/secondmile/user/?q={person_words}", ADMINS),
    ("admin-person", "/admin/secondmile/user/{person}/change/", ADMINS),
    ("admin-person-new", "/admin/secondmile/user/add/", ADMINS),
    ("admin-teams", "/admin/secondmile/team/", ADMINS),
    ("admin-team", "/admin/secondmile/team/{team}/change/", ADMINS),
    ("admin-team-new", "/admin/secondmile/team/add/", ADMINS),
    ("api-docs", "/api/docs", EVERYONE),
]
# Pages their script fills after loading, with what shows they are filled: the API's docs
# (Swagger UI, a large bundle a busy machine takes a while to run) draws its operations
# once it has fetched the schema.
FILLED_WHEN = {"/api/docs": ".opblock"}
SIGNED_OUT = [
    ("login", "/accounts/login/"),
    ("survey", "/s/{token}"),
    ("password-set", "/accounts/password/set/{uid}/{password_token}/"),
    ("password-set-done", "/accounts/password/set/done/"),
]
# Routes of the app that are not a page to walk: actions (POST only), downloads (.csv), parts of a
# page fetched by htmx, the sign-in's second step and the recovery codes (shown once, right
# after two-factor sign-in is set up: tests/browser/test_mfa_journey.py), machines' endpoints.
NOT_PAGES = {
    "healthz",
    "accounts/logout/",
    "accounts/login/code/",
    "accounts/profile/two-factor/recovery-codes/",
    "accounts/profile/two-factor/off/",
    "accounts/profile/tokens/",
    "accounts/profile/slack/",
    "accounts/profile/tokens/<int:pk>/revoke/",
    "accounts/profile/leaderboard/",
    "people/<int:pk>/kudos/",
    "follow-ups/<int:pk>/done/",
    "acts/<int:pk>/survey-link/sent/",
    "follow-ups/<int:pk>/snooze/",
    "acts/new/warnings/",
    "acts/new/playbook/",
    "acts/<int:pk>/approve/",
    "acts/<int:pk>/decline/",
    "acts/<int:pk>/withdraw/",
    "acts/<int:pk>/deliver/",
    "acts/<int:pk>/customer-knows/",
    "acts/<int:pk>/review/",
    "acts/<int:pk>/receipt/",
    "acts/<int:pk>/survey-link/",
    "people/<int:pk>/limit/pin/",
    "people/<int:pk>/limit/unpin/",
    "integrations/slack/interactions",
    "integrations/webhooks/<int:pk>/delete/",
    "customers/search/",
    "customers/referrer-stories/",
    "customers/<int:pk>/nps/",
    "customers/<int:pk>/returns/",
    "stories/<int:pk>/moderate/",
    "rewards/catalogue/<int:pk>/deactivate/",
    "rewards/redemptions/<int:pk>/fulfil/",
    "rewards/redemptions/<int:pk>/refund/",
}
# A Wednesday in mid-June, as the other demo journeys: the walk never depends on today.
DEMO_TODAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)


def _ids():
    """The demo's rows the walk opens: Ana's latest act (waiting for a manager, so its page
    shows the decision), its customer, Ana, her team, a story, a reward, and a fresh survey
    link; and what the admin's searches look for (the customer's and Ana's names)."""
    staff = User.objects.get(username="staff")
    act = Act.objects.filter(team=staff.team, author=staff).order_by("-date", "-id").first()
    delivered = Act.objects.filter(team=staff.team, status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS])
    for told in delivered.order_by("-id"):
        try:
            _link, token = survey_links.survey_link_create(user=staff, act=told)
        except errors.DomainError:  # the customer is in their quiet period
            continue
        break
    reward = Reward.objects.filter(team=staff.team).order_by("id").first()
    newcomer = User.objects.get(username="joe")  # the page their invitation mail links to
    return {
        "act": act.pk,
        "customer": act.customer_id,
        "person": staff.pk,
        "team": staff.team_id,
        "story": Story.objects.filter(team=staff.team).order_by("id").first().pk,
        "customer_words": quote_plus(act.customer.name),
        "person_words": quote_plus(staff.get_full_name()),
        "reward": reward.pk,
        "token": token,
        "uid": urlsafe_base64_encode(force_bytes(newcomer.pk)),
        "password_token": default_token_generator.make_token(newcomer),
    }


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_the_walk_opens_every_page_of_the_app():
    """A new page is walked, or named here as not a page: the walk cannot fall behind."""
    walked = {path for _name, path, _roles in PAGES} | {path for _name, path in SIGNED_OUT}
    walked = {re.sub(r"\{(\w+)\}", "<>", path.lstrip("/")) for path in walked}
    routes = {
        route
        for route in _routes(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/")) and not route.endswith(".csv")
    }
    not_walked = {route for route in routes - NOT_PAGES if re.sub(r"<[^>]+>", "<>", route) not in walked}
    assert not not_walked, f"pages the walk does not open: {sorted(not_walked)}"


class Walk:
    def __init__(self, base_url, screenshot_dir):
        self.base_url = base_url
        self.dir = screenshot_dir / "walk"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.problems = []
        self.walked = []
        self.seconds = {"open": 0.0, "axe": 0.0, "screenshot": 0.0}

    def visit(self, page, who, name, path, errors_seen):
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            errors_seen.clear()
            where = f"{who} {path} at {width} px"
            started = time.monotonic()
            response = page.goto(f"{self.base_url}{path}")
            self.seconds["open"] += time.monotonic() - started
            if response is None or response.status != 200:
                self.problems.append(f"{where}: answered {response.status if response else 'nothing'}")
                continue
            if path in FILLED_WHEN:
                page.locator(FILLED_WHEN[path]).first.wait_for(timeout=30000)
            started = time.monotonic()
            self.problems.extend(f"{where}: {problem}" for problem in audit(page, width))
            self.seconds["axe"] += time.monotonic() - started
            self.problems.extend(f"{where}: console: {text}" for text in errors_seen)
            started = time.monotonic()
            page.screenshot(path=str(self.dir / f"{who}-{name}-{width}.png"), full_page=True)
            self.seconds["screenshot"] += time.monotonic() - started
            self.walked.append(where)


def _new_page(browser):
    """A browser context with axe-core loaded in every page it opens."""
    context = browser.new_context()
    load_axe(context)
    page = context.new_page()
    page.set_default_timeout(10000)
    return context, page


def _listen(page):
    errors_seen = []
    page.on("console", lambda message: errors_seen.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors_seen.append(str(error)))
    return errors_seen


@pytest.mark.browser
def test_every_page_for_every_role_passes_axe_fits_the_window_and_logs_no_error(
    live_server, browser, transactional_db, screenshot_dir
):
    started = time.monotonic()
    seeded = started
    with time_machine.travel(DEMO_TODAY, tick=True):
        call_command("seed_demo", force=True, stdout=io.StringIO())
        ids = _ids()
        seeded = time.monotonic()
        walk = Walk(live_server.url, screenshot_dir)

        context, page = _new_page(browser)
        errors_seen = _listen(page)
        for name, path in SIGNED_OUT:
            walk.visit(page, "signed-out", name, path.format(**ids), errors_seen)
        context.close()

        for role in ROLES:
            context, page = _new_page(browser)
            errors_seen = _listen(page)
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Username").fill(role)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/")
            for name, path, roles in PAGES:
                if role in roles:
                    walk.visit(page, role, name, path.format(**ids), errors_seen)
            context.close()

    spent = ", ".join(f"{what} {seconds:.1f} s" for what, seconds in walk.seconds.items())
    print(
        f"seeded in {seeded - started:.1f} s; walked {len(walk.walked)} page views in"
        f" {time.monotonic() - seeded:.1f} s ({spent})"
    )
    assert not walk.problems, "\n".join(walk.problems)
    assert len(walk.walked) == 2 * (len(SIGNED_OUT) + sum(len(roles) for _name, _path, roles in PAGES))
