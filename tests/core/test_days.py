"""Days shown and entered one way: the picker's hint and the chosen day in the app's words."""

import datetime
import re

import pytest
import time_machine

from core.days import DAY_HINT, MONTH_HINT, day_written
from stories.forms import StoryForm

pytestmark = pytest.mark.django_db


def test_a_day_is_written_in_full_with_its_weekday():
    assert day_written(datetime.date(2026, 12, 1)) == "Tue 1 Dec 2026"
    assert day_written("2026-01-12") == "Mon 12 Jan 2026"
    assert day_written("12/01/2026") == ""  # not a day the picker sends: nothing is guessed
    assert day_written(None) == ""


@time_machine.travel(datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_a_date_field_renders_the_picker_the_hint_and_the_chosen_day():
    html = StoryForm()["told_on"].as_field_group()
    picker = r'<input type="date" name="told_on" value="2026-12-01"[^>]*aria-describedby="id_told_on_helptext"'
    assert re.search(picker, html)
    assert '<span class="day-echo" data-day-echo="id_told_on" aria-live="polite">Tue 1 Dec 2026</span>' in html
    assert f'<p class="hint" id="id_told_on_helptext">{DAY_HINT}</p>' in html


@time_machine.travel(datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("url", "name"),
    [("/acts/new/", "date"), ("/stories/new/?customer={customer}", "told_on"), ("/dashboard/?period=custom", "start")],
)
def test_every_date_input_of_the_app_has_the_chosen_day_beside_it(client_for, admin_user, customer, url, name):
    html = client_for(admin_user).get(url.format(customer=customer.pk)).content.decode()
    echo = rf'<input type="date" name="{name}"[^>]*>\s*<span class="day-echo" data-day-echo="id_{name}"'
    assert re.search(echo, html)


def test_the_policy_months_say_how_a_month_is_written(client_for, admin_user):
    html = client_for(admin_user).get("/team/policy/").content.decode()
    assert MONTH_HINT in html


def test_customer_page_date_inputs_carry_the_hint(client_for, staff, customer):
    html = client_for(staff).get(f"/customers/{customer.pk}/").content.decode()
    assert html.count('<span class="day-echo"') == 2  # the score they gave, and their return
    assert html.count(DAY_HINT) == 2
