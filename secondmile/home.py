"""The home and profile pages: what they show, and the small forms on them.

Home: my recent acts, the team's follow-ups due (with a Done button), today's surprise
suggestions, my points this month and latest kudos, this month's leaderboard, for
managers what waits for them and for admins the stories waiting for review. Profile
(mine or a teammate's): points, kudos, the leaderboard toggle, and for managers a
kudos form on a teammate's page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from acts import empowerment, followups, suggestions
from acts import selectors as act_selectors
from core import errors, recognition
from secondmile.dashboard import figures as metrics
from secondmile.dashboard.scope import Scope
from stories import selectors as story_selectors


def _this_month(user) -> Scope | None:
    if user.team is None:
        return None
    today = timezone.localdate()
    return Scope(start=today.replace(day=1), end=today, team=user.team)


# Home counts what waits up to here and then says "99+": the approvals page has the
# exact total, and counting a long backlog on every visit home would read all of it.
HOME_COUNT_CAP = 99


class CappedCount(int):
    """A count that may have stopped at HOME_COUNT_CAP: then it reads "99+"."""

    def __new__(cls, value: int, *, capped: bool = False):
        count = super().__new__(cls, value)
        count.capped = capped
        return count

    def __str__(self):
        return f"{int(self)}+" if self.capped else str(int(self))

    def minus(self, shown: int) -> "CappedCount":
        """What is left beyond the first `shown` ("91+" when the count stopped)."""
        return CappedCount(max(int(self) - shown, 0), capped=self.capped)


def capped_count(queryset) -> CappedCount:
    """How many rows `queryset` has, counting at most HOME_COUNT_CAP + 1 of them."""
    found = queryset[: HOME_COUNT_CAP + 1].count()
    return CappedCount(min(found, HOME_COUNT_CAP), capped=found > HOME_COUNT_CAP)


def home_context(*, user) -> dict:
    today = timezone.localdate()
    my_acts = act_selectors.acts_latest_of(user=user)
    due_count = capped_count(act_selectors.followups_due(user=user, today=today))
    shown = act_selectors.followups_home(user=user, today=today)
    month = _this_month(user)
    context = {
        "my_acts": my_acts,
        "followups": shown,
        "followups_count": due_count,
        "followups_more": due_count.minus(len(shown)),
        "suggestions": suggestions.surprise_suggestions(team=user.team, today=today),
        "surprise_after_days": suggestions.SURPRISE_AFTER_DAYS,
        "leaderboard": metrics.leaderboard(month, limit=5) if month else [],
        # My own points and kudos, whether or not I am on the board (hidden, off the top
        # five, or a manager with no points yet).
        "recognition": metrics.person_recognition(person=user, today=today),
        "today": today,
    }
    if user.is_manager:
        context["queue_count"] = capped_count(act_selectors.approval_queue(user=user))
        context["review_count"] = capped_count(act_selectors.review_queue(user=user))
    if user.is_team_admin:
        context["stories_waiting"] = capped_count(story_selectors.moderation_queue(user))
    return context


def profile_context(*, user) -> dict:
    month = _this_month(user)
    return {
        "person": user,
        "limit": empowerment.limit_summary(person=user),
        "recognition": metrics.person_recognition(person=user, today=timezone.localdate()),
        "leaderboard": metrics.leaderboard(month, limit=5) if month else [],
        # Managers reach a teammate's page from here to give kudos.
        "teammates": metrics.teammates(user=user) if user.is_manager else [],
    }


class KudosForm(forms.Form):
    note = forms.CharField(
        label="What are the kudos for?",
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 280}),
        error_messages={"required": "Say what the kudos are for."},
    )


@login_required
def person(request, pk):
    """A teammate's recognition; a manager can give them kudos here."""
    teammate = metrics.teammate_get(user=request.user, pk=pk)
    if teammate.pk == request.user.pk:
        return redirect("profile")
    return render(request, "secondmile/person.html", _person_context(request, teammate, KudosForm()))


def _person_context(request, teammate, form) -> dict:
    return {
        "person": teammate,
        # A person's own limit is between them and their managers.
        "limit": empowerment.limit_summary(person=teammate) if request.user.is_manager else None,
        "recognition": metrics.person_recognition(person=teammate, today=timezone.localdate()),
        "kudos_form": form if request.user.is_manager else None,
    }


@login_required
@require_POST
def kudos_give(request, pk):
    teammate = metrics.teammate_get(user=request.user, pk=pk)
    form = KudosForm(request.POST)
    if form.is_valid():
        try:
            recognition.kudos_give(user=request.user, receiver=teammate, note=form.cleaned_data["note"])
        except errors.NotAllowed as error:
            messages.error(request, error.message)
            return redirect("person", pk=teammate.pk)
        except errors.DomainError as error:
            form.add_error("note" if error.field == "note" else None, error.message)
        else:
            messages.success(request, f"Kudos sent to {teammate.display_name}.")
            return redirect("person", pk=teammate.pk)
    return render(request, "secondmile/person.html", _person_context(request, teammate, form), status=400)


@login_required
@require_POST
def leaderboard_visibility(request):
    hidden = request.POST.get("hidden") == "1"
    recognition.leaderboard_visibility_set(user=request.user, hidden=hidden)
    messages.success(
        request,
        "You no longer appear on the leaderboard; your points still count."
        if hidden
        else "You appear on the leaderboard again.",
    )
    return redirect("profile")


@login_required
@require_POST
def followup_done(request, pk):
    follow_up = act_selectors.followup_get(user=request.user, pk=pk)
    try:
        followups.followup_done(user=request.user, follow_up=follow_up)
    except errors.DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Done: {follow_up.get_kind_display().lower()} for {follow_up.customer.name}.")
    # The customer page sends its own address back; anything else returns home.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("home")
