"""What the act services announce to the apps above acts.

`act_changed` is sent by every act service after it created an act or changed its status,
amounts or approval level, inside the transaction of the change (after the act's own day
summaries are refreshed). Summaries kept above acts — NPS with or without an act, recovery
(stories.outcome_days) — listen to it and refresh in the same transaction, without acts
importing them. It carries `act`, the act as it now is.

`team_policy_changed` is sent by `team_policy_update` inside its transaction, after the
team is saved, with `team` and `changed` ({field: new value} of the fields that changed):
a new recovery window recounts the team's recovery (stories.outcome_days).
"""

from django.dispatch import Signal

act_changed = Signal()
team_policy_changed = Signal()
