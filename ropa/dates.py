"""Calendar arithmetic shared by the review rules and the country data's age check."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the end of a shorter month
    (2026-01-31 + 1 month = 2026-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def parse_date(value: object) -> datetime.date | None:
    """A record's YYYY-MM-DD string (or a date) as a date; None for anything else. The
    schema has already reported a malformed date; rules skip it."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
