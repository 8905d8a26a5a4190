"""Running code as if it were another moment: the demo's history (seed_demo logs each act
on the day it happened) and the tests' pinned clocks both go through time-machine, which
moves every clock the code reads (django.utils.timezone.now(), localdate(), the fields'
defaults, datetime and time), so nothing has to be patched by hand."""

import datetime

import time_machine


def clock_stopped_at(moment: datetime.datetime) -> time_machine.travel:
    """A context manager (or decorator) in which the time is `moment`, an aware datetime,
    and stays there: two reads inside it give the same instant."""
    return time_machine.travel(moment, tick=False)
