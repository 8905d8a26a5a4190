"""The mixed load of `make load` (bench/load.py runs it headless against gunicorn).

Three kinds of people of the bench data set's first teams work at once through the
pages, as in a browser (forms with their CSRF token, redirects followed):
  - staff log acts at every level of the spend policy (free, empowered, for a manager,
    for an admin), deliver them, record that the customer knows, sometimes withdraw a
    request, make a customer's personal survey link and hand it to the customer, who
    answers it (score, story, consent) without an account, and read home, the feed,
    the dashboard and the customers;
  - managers approve and decline what waits in their queue and read the dashboard;
  - admins moderate the stories customers tell and decide requests above the
    manager limit, and read the dashboard of all teams.
Any response that is not a success (after redirects) counts as an error. A refusal the
product makes on purpose — the budget cannot cover an approval, another manager decided
the request first — is a page with a message, not an error.

The signed-in sessions come from bench/load.py (LOAD_SESSIONS, a JSON file): signing
in is not what is measured. Each customer answers from an address of their own
(X-Forwarded-For, with the app told to trust one proxy), as customers do.
"""

import datetime
import itertools
import json
import os
import random
import re
from collections import deque

from locust import HttpUser, between, task
from locust.clients import HttpSession

with open(os.environ["LOAD_SESSIONS"]) as sessions_file:
    SESSIONS = json.load(sessions_file)
COOKIE = SESSIONS["cookie"]
_free = {role: deque(SESSIONS[role]) for role in ("staff", "manager", "admin")}
_addresses = itertools.count(1)

COSTS = [("0", 2), ("20.00", 3), ("45.00", 2), ("80.00", 4), ("95.00", 1), ("150.00", 1)]
ACT_ID = re.compile(r"/acts/(\d+)/$")
APPROVE = re.compile(r'action="/acts/(\d+)/approve/[^"]*"')
MODERATE = re.compile(r'action="/stories/(\d+)/moderate/"')
SURVEY_URL = re.compile(r'value="https?://[^"]*(/s/[A-Za-z0-9_-]+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
APPROVED_AMOUNT = re.compile(r'name="actual_cost" value="([0-9.]+)"')
RECEIPT_FREE_UP_TO = 75  # the teams' default: above it, delivery needs a receipt


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2)

    def on_start(self):
        session = _free[self.role].popleft()
        _free[self.role].append(session)  # more locust users than people: some share a login
        self.team = session["team"]
        self.customers = session["customers"]
        self.client.cookies.set(COOKIE, session["cookie"])
        self.client.get("/", name="/")  # the CSRF cookie, as a browser gets it

    def post(self, path, data, *, name):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(path, data=data, name=name, headers={"Referer": self.host + path})

    @task(1)
    def dashboard(self):
        self.client.get("/dashboard/", name="/dashboard/")


class Staff(Person):
    role = "staff"
    weight = 35

    def on_start(self):
        super().on_start()
        self.acts = deque(maxlen=30)
        self.customer = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
        self.customer.headers["X-Forwarded-For"] = f"198.51.{next(_addresses) % 250}.{random.randint(1, 250)}"

    @task(5)
    def log_act(self):
        customer = random.choice(self.customers)
        self.client.get(f"/acts/new/?customer={customer}", name="/acts/new/")
        cost = random.choices([c for c, _ in COSTS], [w for _, w in COSTS])[0]
        response = self.post(
            "/acts/new/",
            {
                "customer": customer,
                "problem": "Waited an hour for a table",
                "solution": "Dessert on the house and a note from the chef",
                "quadrant": random.choice(["reception", "delivery", "reliability", "response"]),
                "trigger": random.choice(["proactive", "proactive", "reactive"]),
                "kind": random.choice(["gift", "time", "upgrade", "note", "call"]),
                "cost": cost,
                "right_thing": "Yes: they waited because of us",
                "great_experience": "A surprise at the end of a bad evening",
                "how_they_know": "The waiter tells them",
                "date": datetime.datetime.now(datetime.UTC).date().isoformat(),  # the app keeps UTC days
            },
            name="/acts/new/ (log)",
        )
        match = ACT_ID.search(response.url or "")
        if match:
            self.acts.append(int(match.group(1)))

    @task(6)
    def follow_through(self):
        """Take one of my acts a step further: deliver it, say the customer knows, ask the
        customer for their voice and let them answer, or withdraw a request."""
        if not self.acts:
            return
        act = random.choice(self.acts)
        page = self.client.get(f"/acts/{act}/", name="/acts/[id]/").text
        if f'action="/acts/{act}/deliver/"' in page:
            approved = float(APPROVED_AMOUNT.search(page).group(1)) if APPROVED_AMOUNT.search(page) else 0
            actual = f"{min(approved, RECEIPT_FREE_UP_TO):.2f}"
            self.post(f"/acts/{act}/deliver/", {"actual_cost": actual}, name="/acts/[id]/deliver/")
        elif f'action="/acts/{act}/customer-knows/"' in page:
            self.post(
                f"/acts/{act}/customer-knows/", {"how": "Told them at the door"}, name="/acts/[id]/customer-knows/"
            )
        elif f'action="/acts/{act}/survey-link/"' in page:
            answer = self.post(f"/acts/{act}/survey-link/", {}, name="/acts/[id]/survey-link/")
            link = SURVEY_URL.search(answer.text)
            if link:
                self.answer_survey(link.group(1))
            self.acts.remove(act)
        elif f'action="/acts/{act}/withdraw/"' in page and random.random() < 0.1:
            self.post(f"/acts/{act}/withdraw/", {"note": "Found another way"}, name="/acts/[id]/withdraw/")

    def answer_survey(self, path):
        """The customer opens their link and answers: a score, often a story, consent."""
        form = self.customer.get(path, name="/s/[token]").text
        token = CSRF_FIELD.search(form)
        if token is None:
            return
        score = random.choices(range(11), [1, 1, 1, 1, 1, 2, 2, 4, 6, 10, 12])[0]
        self.customer.post(
            path,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "score": score,
                "text": "They made our anniversary." if random.random() < 0.6 else "",
                "consent": "on" if random.random() < 0.8 else "",
            },
            headers={"Referer": self.host + path},
            name="/s/[token] (answer)",
        )

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(2)
    def feed(self):
        self.client.get("/acts/", name="/acts/")

    @task(1)
    def customers(self):
        self.client.get("/customers/?q=petrova", name="/customers/?q=")


class Manager(Person):
    role = "manager"
    weight = 12

    @task(6)
    def decide(self):
        queue = self.client.get("/approvals/", name="/approvals/").text
        waiting = APPROVE.findall(queue)
        if not waiting:
            return
        act = random.choice(waiting)
        if random.random() < 0.8:
            self.post(f"/acts/{act}/approve/", {"from": "queue", "note": "Go ahead"}, name="/acts/[id]/approve/")
        else:
            self.post(
                f"/acts/{act}/decline/",
                {"from": "queue", "note": "Not this time: try a call instead"},
                name="/acts/[id]/decline/",
            )

    @task(1)
    def home(self):
        self.client.get("/", name="/")


class Admin(Person):
    role = "admin"
    weight = 3

    @task(4)
    def moderate(self):
        queue = self.client.get("/stories/review/", name="/stories/review/").text
        waiting = MODERATE.findall(queue)
        if not waiting:
            return
        story = random.choice(waiting)
        decision = random.choices(["approve", "feature", "reject"], [6, 2, 2])[0]
        reason = "It names a member of staff" if decision == "reject" else ""
        self.post(
            f"/stories/{story}/moderate/", {"decision": decision, "reason": reason}, name="/stories/[id]/moderate/"
        )

    @task(3)
    def decide(self):
        queue = self.client.get("/approvals/", name="/approvals/ (admin)").text
        waiting = APPROVE.findall(queue)
        if waiting:
            act = random.choice(waiting)
            self.post(f"/acts/{act}/approve/", {"from": "queue"}, name="/acts/[id]/approve/")

    @task(1)
    def all_teams(self):
        self.client.get("/dashboard/?team=all", name="/dashboard/?team=all")
