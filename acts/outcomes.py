"""The steps above acts that the act services take, in the change's transaction:

- `outcomes_refresh(act)`, after every act change: refreshing the summaries an act's change
  can move — the outcome days of its customer (NPS with or without an act, recovery:
  stories.outcome_days) and the act chains' return cells (stories.act_chain);
- `team_policy_refresh(team=…, changed=…)`, after a team's spend policy changed
  ({field: new value} of the fields that changed): a new recovery window recounts the
  team's recovery (stories.outcome_days).

Acts sit below stories and cannot import it, so stories hands its functions down once, at
ready(), and the act services call these as plain calls (core.handed_down): known
functions, run in line in the order registered, not signals.
"""

from core.handed_down import HandedDown

outcomes_refresh = HandedDown("the outcome refresh after an act's change (stories)")
team_policy_refresh = HandedDown("the refresh after a team's spend policy changed (stories)")
