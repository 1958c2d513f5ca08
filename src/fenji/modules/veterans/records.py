"""The 5-working-day rule of seed 000 §18: a service record (走访慰问, 困难帮扶, 党建园地, 银发生辉) is entered within
five working days after the activity ends.

``entered_on_time(activity_end, entered_on)`` is the rule as a pure function over the official working-day
calendar (``calendar.workdays``: holidays and 调休 make-up days as published): on time when the entry date is at
most the fifth working day after the end, that day included; an entry on or before the end day is on time. For
a year whose calendar is not yet confirmed, weekends alone are counted (the calendar's provisional reading), so
the rule never blocks an entry; the statistics read it again once the year is entered.
"""

import datetime

from fenji.core.calendar.workdays import add_working_days

ENTRY_WORKING_DAYS = 5


def entered_on_time(activity_end: datetime.date, entered_on: datetime.date) -> bool:
    """Was a record of an activity that ended on ``activity_end`` entered on time on ``entered_on``?"""
    if entered_on <= activity_end:
        return True
    return entered_on <= add_working_days(activity_end, ENTRY_WORKING_DAYS, provisional=True)
