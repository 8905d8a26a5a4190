"""The steps above customers that the customer services take, in the change's transaction:

- `return_refresh(customer_return)`, by `customer_return_record` after the return is
  written: the recovery figure kept above acts (stories.outcome_days) refreshes the days
  of the customer's reactive acts;
- `referral_refresh(customers, chain=…)`, by customer_create, customer_update and
  customers_create_many (an import) when customers' place in a referral chain or their
  first purchase changed: the act chains (stories.act_chain) follow. `customers` are saved,
  as they now are; `chain` is True when the referrer or the story that brought them changed
  (or they were created with one), False when only the first purchase value did; `created`
  is True when they were just created (customers_create_many: nobody is below them but
  later rows of the same list), so that their chains are their referrers' without a walk
  down the tree.

Customers sit below acts and stories and cannot import them, so stories hands its
functions down once, at ready(), and the customer services call these as plain calls
(core.handed_down), as the act services call acts.outcomes.
"""

from core.handed_down import HandedDown

return_refresh = HandedDown("the recovery refresh after a customer's return (stories)")
referral_refresh = HandedDown("the act chains' refresh after a referral change (stories)")
