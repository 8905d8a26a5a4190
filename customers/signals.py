"""What the customer services announce to the apps above customers.

`customer_returned` is sent by `customer_return_record` inside the transaction that
records a return, after the row is written. The recovery figure kept above acts
(stories.outcome_days) listens to it and refreshes the days of the customer's reactive
acts in the same transaction, without customers importing it. It carries `customer_return`.

`referral_changed` is sent by customer_create and customer_update inside the transaction
(and customers_create_many, for an import) inside the transaction of the change, when
customers' place in a referral chain or their first purchase changed. The act chains
(stories.act_chain) listen to it and follow in the same transaction, without customers
importing them. It carries `customers` (saved, as they now are) and `chain`: True when
the referrer or the story that brought them changed (or they were created with one),
False when only the first purchase value did; and `created`, True when they were just
created (customers_create_many: nobody is below them but later rows of the same list),
so that their chains are their referrers' without a walk down the tree.
"""

from django.dispatch import Signal

customer_returned = Signal()
referral_changed = Signal()
