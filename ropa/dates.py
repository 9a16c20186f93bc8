"""Calendar arithmetic shared by the review rules and the country data's age check."""

from __future__ import annotations

import calendar
import datetime

# The dates a record may hold. Review intervals reach 100 years (1,200 months) beyond them,
# so every sum ropa forms stays far inside what `datetime.date` holds (year 1 to 9999); a
# date outside this range in a record of processing activities is a typing error.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the end of a shorter month
    (2026-01-31 + 1 month = 2026-02-28); `datetime.date.max` where the sum lies beyond it.
    Record dates lie between EARLIEST and LATEST, so this bound is only reached from dates
    given on the command line."""
    index = day.month - 1 + months
    if day.year + index // 12 > datetime.MAXYEAR:
        return datetime.date.max
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def in_range(day: datetime.date) -> bool:
    """Whether `day` lies between EARLIEST and LATEST, the dates a record may hold."""
    return EARLIEST <= day <= LATEST


def given_day(value: str, what: str) -> datetime.date:
    """A day given on the command line or in the environment (`what` names it, as
    "--today '2026-13-01'"), checked like a record's dates.

    Raises UsageError when it is no YYYY-MM-DD date or lies outside EARLIEST..LATEST.
    """
    from ropa.errors import UsageError

    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{what} is not a date (YYYY-MM-DD)") from None
    if not in_range(day):
        raise UsageError(f"{what} is outside {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return day


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
