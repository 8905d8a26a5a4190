"""What the customer services announce to the apps above customers.

`customer_returned` is sent by `customer_return_record` inside the transaction that
records a return, after the row is written. The recovery figure kept above acts
(stories.outcome_days) listens to it and refreshes the days of the customer's reactive
acts in the same transaction, without customers importing it. It carries `customer_return`.
"""

from django.dispatch import Signal

customer_returned = Signal()
