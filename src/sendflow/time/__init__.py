"""Statutory time: periods and how they are counted, calendars, and a council's closures.

This layer knows nothing of processes or cases: it turns a start date, a period and a
counting rule into a due date, on the England or tribunal calendar.

- :mod:`sendflow.time.periods`: days, weeks, working days and months; "after" and
  "beginning with" counting; dates in words.
- :mod:`sendflow.time.calendars`: the England calendar (bank holidays, Christmas Day,
  Good Friday) and the tribunal calendar (roll-forward, the Christmas and August rules).
- :mod:`sendflow.time.closures`: a council's own closure dates, read from a file.
"""
