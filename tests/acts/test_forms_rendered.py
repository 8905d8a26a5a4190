"""The decision forms on the act page, the approval queue and the review queue are the
form classes the views post to, rendered through one field template: each input has its
label, its hint and its error beside it, ids unique on the page, and the names the views read."""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django import forms

from acts.forms import ApproveForm, DeclineForm, DeliverForm
from stories.forms import ModerateForm
from stories.services import story_record
from tests.factories import CustomerFactory, log_act

pytestmark = pytest.mark.django_db


def _ids(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


def _input(page: str, name: str, form_action: str) -> str:
    """The tag of the input `name` inside the form posting to `form_action`."""
    for form in re.findall(rf'<form[^>]*action="{re.escape(form_action)}[^"]*".*?</form>', page, re.S):
        if found := re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', form):
            return found.group(0)
    raise AssertionError(f"no {name} in the form posting to {form_action}")


def _label_for(page: str, input_id: str) -> str:
    return re.search(rf'<label for="{input_id}">(.*?)</label>', page, re.S).group(1)


def test_the_act_page_renders_the_approve_and_decline_forms_of_their_classes(client_for, manager, staff):
    act = log_act(staff, cost="75.00", right_thing="Yes", great_experience="Yes", how_they_know="Told")
    page = client_for(manager).get(f"/acts/{act.pk}/").content.decode()
    amount = _input(page, "amount", f"/acts/{act.pk}/approve/")
    assert 'value="75.00"' in amount
    assert 'step="0.01"' in amount
    assert 'min="0"' in amount
    assert _label_for(page, "approve-amount") == ApproveForm.base_fields["amount"].label
    assert "(optional)" in _label_for(page, "approve-note")  # the approval note, not required
    reason = _input(page, "note", f"/acts/{act.pk}/decline/")
    assert "required" in reason
    assert 'maxlength="1000"' in reason
    assert DeclineForm.base_fields["note"].label in page
    assert not [name for name, count in Counter(_ids(page)).items() if count > 1]


def test_the_deliver_form_says_when_a_receipt_is_needed(client_for, staff, team):
    act = log_act(staff, cost="10.00")
    page = client_for(staff).get(f"/acts/{act.pk}/").content.decode()
    receipt = _input(page, "receipt", f"/acts/{act.pk}/deliver/")
    assert 'type="file"' in receipt
    assert 'accept="image/*,application/pdf"' in receipt
    # The hint is tied to the input, and says the team's own limit.
    assert 'aria-describedby="id_receipt_helptext"' in receipt
    assert f"Needed above ${team.receipt_required_above:,.2f}" in page
    assert DeliverForm.base_fields["actual_cost"].label in page
    assert 'value="10.00"' in _input(page, "actual_cost", f"/acts/{act.pk}/deliver/")


def test_each_queue_card_has_its_own_ids_and_labels(client_for, manager, staff, team):
    team.monthly_budget = Decimal("10000")
    team.save()
    acts = [log_act(staff, cost=f"{70 + i}.00", customer=CustomerFactory(team=team)) for i in range(3)]
    page = client_for(manager).get("/approvals/").content.decode()
    assert not [name for name, count in Counter(_ids(page)).items() if count > 1]
    for act in acts:
        amount = _input(page, "amount", f"/acts/{act.pk}/approve/")
        assert f'id="approve-amount-{act.pk}"' in amount
        assert f'value="{act.cost}"' in amount
        assert _label_for(page, f"approve-amount-{act.pk}") == "Amount"
        assert _label_for(page, f"decline-note-{act.pk}") == "Reason to decline"
        assert f'id="decline-note-{act.pk}"' in _input(page, "note", f"/acts/{act.pk}/decline/")


def test_a_refused_field_shows_its_error_beside_it_and_tied_to_the_input():
    form = DeclineForm({"note": ""}, auto_id="decline-%s-7")
    assert not form.is_valid()
    group = form["note"].as_field_group()
    assert 'class="field field--error"' in group
    assert '<p class="error" id="decline-note-7_error">Say why you decline.</p>' in group
    tag = re.search(r"<input[^>]*>", group).group(0)
    assert 'aria-describedby="decline-note-7_error"' in tag
    assert 'aria-invalid="true"' in tag


def test_the_field_template_is_the_projects_for_every_form():
    class Probe(forms.Form):
        name = forms.CharField(required=False, help_text="A hint.")

    group = Probe()["name"].as_field_group()
    assert '<label for="id_name">Name <span class="optional">(optional)</span></label>' in group
    assert '<p class="hint" id="id_name_helptext">A hint.</p>' in group


def test_the_review_queue_renders_the_moderate_forms_reason(client_for, admin_user, staff, customer):
    story = story_record(user=staff, customer=customer, channel="review", text="Lovely.", acts=[], consent=True)
    page = client_for(admin_user).get("/stories/review/").content.decode()
    reason = _input(page, "reason", f"/stories/{story.pk}/moderate/")
    assert f'id="reason-{story.pk}"' in reason
    assert "required" in reason
    assert 'maxlength="1000"' in reason
    assert _label_for(page, f"reason-{story.pk}") == ModerateForm.base_fields["reason"].label
