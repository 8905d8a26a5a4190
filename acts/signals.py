"""What the act services announce to the apps above acts (acts cannot import them).

`team_policy_changed` is sent by `team_policy_update` inside its transaction, after the
team is saved, with `team` and `changed` ({field: new value} of the fields that changed):
a new recovery window recounts the team's recovery (stories.outcome_days).
"""

from django.dispatch import Signal

team_policy_changed = Signal()
