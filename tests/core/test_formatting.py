"""Durations read to the second, in their two largest units."""

import datetime

import pytest

from core.formatting import duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.4, "0 s"),
        (45, "45 s"),
        (59, "59 s"),
        (59.6, "1 min"),
        (60, "1 min"),
        (61, "1 min 1 s"),
        (202, "3 min 22 s"),
        (3599, "59 min 59 s"),
        (3600, "1 h"),
        (3659, "1 h"),
        (7500, "2 h 5 min"),
        (86399, "23 h 59 min"),
        (86400, "1 d"),
        (86400 + 3 * 3600 + 59 * 60, "1 d 3 h"),
        (10 * 86400 + 60, "10 d"),
    ],
)
def test_duration_reads_to_the_second_in_two_units(seconds, text):
    assert duration(datetime.timedelta(seconds=seconds)) == text


def test_no_duration_is_a_dash():
    assert duration(None) == "—"
